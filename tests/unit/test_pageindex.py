"""The page index (``crawler.pageindex``): one walk per selector, shared by the spider's
live-blog check and the extraction layers, each reading what its XPath would."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.layers import Page
from crawler.pageindex import TAGGED, jsonld_may_hold, tagged_elements
from crawler.profile import GENERIC
from crawler.spider import NewsSpider

URL = "https://example.com/news/a-story.html"
LIVE = '{"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live"}'
PART_OF = '{"@type": "NewsArticle", "headline": "N", "isPartOf": {"@type": "LiveBlogPosting"}}'

PAGES = {
    "live": f'<html><head><script type="application/ld+json">{LIVE}</script></head>'
    "<body><h1>Live</h1><p>x</p></body></html>",
    "part-of": f'<html><head><script type="application/ld+json">{PART_OF}</script></head>'
    "<body><h1>N</h1></body></html>",
    "other-type": f'<html><head><script type="text/json">{LIVE}</script></head></html>',
    "upper-type": f'<html><head><script type="APPLICATION/LD+JSON">{LIVE}</script></head></html>',
    "in-text": "<html><body><h1>LiveBlogPosting</h1><p>LiveBlogPosting</p></body></html>",
    "in-body": f'<html><body><h1>L</h1><script type="application/ld+json">{LIVE}</script>'
    "</body></html>",
    "cdata": f'<html><head><script type="application/ld+json">/*<![CDATA[*/{LIVE}/*]]>*/</script>'
    "</head></html>",
    "none": "<html><head><title>T</title></head><body><p>text</p></body></html>",
}


class _Spider(NewsSpider):
    name = "index_test"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_jsonld_may_hold_never_rules_out_a_jsonld_text_holding_the_word(name: str) -> None:
    sel = Selector(text=PAGES[name])
    blocks = sel.xpath('//script[@type="application/ld+json"]/text()').getall()
    if any("LiveBlogPosting" in block for block in blocks):
        assert jsonld_may_hold(sel, "LiveBlogPosting")
    assert jsonld_may_hold(sel, "LiveBlogPosting") == any(
        "LiveBlogPosting" in block for block in blocks
    )


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_liveblog_verdict_is_the_xpath_one(name: str, encoding: str) -> None:
    body = PAGES[name].encode(encoding)
    response = HtmlResponse(url=URL, body=body, encoding=encoding)
    expected = name in ("live", "in-body", "cdata")
    assert _Spider().is_liveblog_page(response) is expected


def test_the_index_is_walked_once_per_selector_and_shared_with_the_page() -> None:
    sel = Selector(text=PAGES["live"])
    first = tagged_elements(sel)
    assert first is not None and set(first) == set(TAGGED)
    assert tagged_elements(sel) is first
    assert Page(sel, URL, GENERIC).tagged is first
    assert tagged_elements(Selector(text=PAGES["live"])) is not first


def test_a_sub_element_or_xml_selector_has_no_index() -> None:
    sel = Selector(text=PAGES["live"]).css("body")[0]
    assert tagged_elements(sel) is None
    assert jsonld_may_hold(sel, "LiveBlogPosting")  # cannot tell: the XPath decides
    xml = Selector(text="<feed><script>LiveBlogPosting</script></feed>", type="xml")
    assert tagged_elements(xml) is None


def test_page_h1_is_the_headline_string_value() -> None:
    from crawler import generic
    from crawler.text import clean_text

    html = (
        "<html><body><header><h1>Site</h1></header><article>"
        "<h1> A <b>bold</b>&nbsp;<i>head</i>line </h1></article></body></html>"
    )
    sel = Selector(text=html)
    node = generic.headline_h1(sel)
    assert node is not None
    assert Page(sel, URL, GENERIC).h1 == clean_text(node.xpath("string(.)").get() or "")
    assert Page(Selector(text="<html><body><p>x</p></body></html>"), URL, GENERIC).h1 is None


@pytest.mark.parametrize(
    "html",
    [
        f'<script type="application/ld+json">{LIVE}</script>',
        '<script type="application/ld+json"></script>',
        f'<script type="application/ld+json"><!-- {LIVE} --></script>',
        f'<script type="application/ld+json">/*<![CDATA[*/{LIVE}/*]]>*/</script>',
        "<div>Live<b>Blog</b>Posting<!-- c --></div>",
        "<div><b>LiveBlog</b>Posting</div>",
        "<div>LiveBlog&amp;Posting</div>",
    ],
)
def test_an_elements_string_value_is_the_xpath_one(html: str) -> None:
    from crawler.pageindex import _string_value

    root = Selector(text=f"<html><head>{html}</head><body>{html}</body></html>").root
    for el in root.iter("script", "div"):
        assert _string_value(el) == el.xpath("string(.)")

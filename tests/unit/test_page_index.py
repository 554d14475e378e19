"""One walk of the tree serves several layers (``Page.tagged``, ``PageCss`` with
``itemscope``): each must read exactly what its XPath did."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from parsel import Selector

from crawler import generic, metadata
from crawler.layers import Page
from crawler.pagecss import PageCss
from crawler.profile import GENERIC

URL = "https://example.com/news/a-story.html"

PAGES = [
    # base in head, relative; two JSON-LD blocks and one of another type; h1 in the header
    """<html lang="en"><head><base href=" /news/ "><title>T | Site</title>
    <meta property="og:title" content="OG"><meta name="Description" content="D">
    <link rel="Canonical alternate" href="/c"><link rel="canonical" href="/d">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "H"}</script>
    <script type="text/javascript">var a = 1;</script>
    <script type="application/ld+json">  </script>
    <script type="application/ld+json">{"@type": "Organization", "name": "O"}</script>
    </head><body><header><h1>Site</h1></header><article><h1> Head&nbsp;line </h1>
    <p>Text</p></article><svg><title>icon</title></svg></body></html>""",
    # base without href, then one with an empty href; whitespace-only and NBSP-only h1s
    """<html><head><base target="_blank"><base href=""><title>x</title></head>
    <body><h1> \n\t </h1><h1>\u00a0</h1><main><h1>Real</h1></main></body></html>""",
    # base in the body; no head; empty script; JSON-LD type in upper case (not JSON-LD)
    """<html><body><base href="https://other.example/"><h1></h1>
    <script type="application/ld+json"></script>
    <script type="APPLICATION/LD+JSON">{"@type": "NewsArticle"}</script>
    <div itemscope itemtype="https://schema.org/NewsArticle"><span itemprop="headline">M</span>
    </div></body></html>""",
    # nothing at all
    "<html><head></head><body><p>Only text</p></body></html>",
]


@pytest.fixture(params=range(len(PAGES)), ids=lambda i: f"page{i}")
def sel(request: pytest.FixtureRequest) -> Selector:
    return Selector(text=PAGES[request.param])


def test_base_url_reads_what_the_xpath_reads(sel: Selector) -> None:
    page = Page(sel, URL, GENERIC)
    assert page.tagged is not None
    base = sel.xpath("//head/base/@href").get()
    assert page.base_url == (urljoin(URL, base.strip()) if base else URL)


def test_meta_from_the_index_equals_its_own_walk(sel: Selector) -> None:
    page = Page(sel, URL, GENERIC)
    assert metadata.read_meta(sel, page.tagged) == metadata.read_meta(sel)


def test_jsonld_from_the_index_equals_the_xpath(sel: Selector) -> None:
    page = Page(sel, URL, GENERIC)
    assert page.tagged is not None
    scripts = page.tagged["script"]
    assert metadata.parse_jsonld(sel, URL, scripts=scripts) == metadata.parse_jsonld(sel, URL)


def test_headline_h1_from_the_index_equals_the_xpath(sel: Selector) -> None:
    page = Page(sel, URL, GENERIC)
    assert page.tagged is not None
    indexed = generic.headline_h1(sel, page.tagged["h1"])
    plain = generic.headline_h1(sel)
    assert (indexed is None) == (plain is None)
    if indexed is not None and plain is not None:
        assert indexed.root is plain.root
    scoped = generic.article_scope(sel, page.tagged["h1"])
    assert scoped.root is generic.article_scope(sel).root


def test_itemscope_is_read_with_the_class_attributes(sel: Selector) -> None:
    css = PageCss(sel)
    assert css.has_itemscope() == sel.root.xpath("boolean(//@itemscope)")
    assert css.class_values() == sel.xpath("//@class").getall()
    itemscope = css.has_itemscope()
    assert metadata.microdata_node(sel, URL, itemscope=itemscope) == metadata.microdata_node(
        sel, URL
    )


def test_a_sub_element_selector_is_not_indexed() -> None:
    sel = Selector(text=PAGES[0]).css("article")[0]
    assert Page(sel, URL, GENERIC).tagged is None
    assert PageCss(sel).has_itemscope() is None

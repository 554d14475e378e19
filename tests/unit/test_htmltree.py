"""Pages parsed with the C class lookup read as parsel's trees do; only the element
classes of form controls differ (``HtmlElement`` for every element)."""

from __future__ import annotations

import copy
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from lxml.html import HtmlComment, HtmlElement
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.selector import Selector

from crawler.extraction import extract_from_response
from crawler.htmltree import HtmlParser, html_selector, response_selector
from crawler.profile import GENERIC
from crawler.profiles import find_profile

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE = "https://example.org/news/story.html"
FORM_PAGE = (
    b'<!DOCTYPE html><html><head><base href="/base/"></head><body>'
    b'<p class="a">One &amp; two</p><!-- note --><form action="/c"><label for="n">Name</label>'
    b'<input id="n" name="n" value="v"><select name="s"><option>o</option></select>'
    b"<textarea>t</textarea></form><p>caf\xc3\xa9</p></body></html>"
)
BODIES = {
    "form": FORM_PAGE,
    "invalid-utf8": b"<html><body><p>bad \xff\xfe bytes</p></body></html>",
    "nul": b"<html><body><p>a\x00b</p></body></html>",
    "blank": b"  \n ",
    "text": b"just text, no markup",
    "json": b'{"a": [1, 2]}',
    "fragment": b"<p>one</p><p>two</p>",
}


def _same_selector(found: Selector, expected: Selector) -> None:
    assert type(found) is type(expected)
    assert found.type == expected.type
    assert found.namespaces == expected.namespaces
    assert found.response is expected.response
    assert etree.tostring(found.root) == etree.tostring(expected.root)
    assert found.root.getroottree().docinfo.URL == expected.root.getroottree().docinfo.URL
    for query in ("//p/text()", "//@class", "//input/@value", "//comment()", "string(/)"):
        assert found.xpath(query).getall() == expected.xpath(query).getall()
    assert found.css("p.a::text").getall() == expected.css("p.a::text").getall()


@pytest.mark.parametrize("name", sorted(BODIES))
def test_html_selector_parses_as_parsel_does(name: str) -> None:
    body = BODIES[name]
    expected = Selector(type="html", body=body, encoding="utf-8", base_url=BASE)
    _same_selector(html_selector(body, BASE), expected)


@pytest.mark.parametrize("name", sorted(BODIES))
@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "cp1252"])
def test_response_selector_is_what_scrapy_builds(name: str, encoding: str) -> None:
    response = HtmlResponse(url=BASE, body=BODIES[name], encoding=encoding)
    _same_selector(response_selector(response), Selector(response))


@pytest.mark.parametrize("cls", [TextResponse, XmlResponse])
def test_other_responses_keep_scrapys_selector(cls: type[TextResponse]) -> None:
    response = cls(url=BASE, body=b"<feed><entry>e</entry></feed>", encoding="utf-8")
    found, expected = response_selector(response), Selector(response)
    assert found.type == expected.type
    assert etree.tostring(found.root) == etree.tostring(expected.root)
    assert type(found.root) is type(expected.root)


def test_every_element_is_an_html_element() -> None:
    root = html_selector(FORM_PAGE, BASE).root
    assert {type(node) for node in root.iter()} == {HtmlElement, HtmlComment}
    form = root.find(".//form")
    assert form is not None
    assert not hasattr(form, "inputs")  # the form API of lxml.html's FormElement
    assert {type(node) for node in copy.deepcopy(root).iter()} == {HtmlElement, HtmlComment}
    assert isinstance(HtmlParser(), lxml.html.HTMLParser)


def _fixture_pages() -> list[tuple[str, Path]]:
    pages = []
    for site in sorted((FIXTURES / "sites").iterdir()):
        files = sorted(site.rglob("*.html"))
        for path in files[:2]:
            sub = "/".join(path.relative_to(site).parts).removeprefix("pages/")
            pages.append((f"https://{site.name}/{sub.removesuffix('index.html')}", path))
    pages += [(f"https://example.org/{p.name}", p) for p in sorted((FIXTURES / "pages").glob("*"))]
    return pages


@pytest.mark.parametrize(("url", "path"), _fixture_pages(), ids=lambda v: str(v)[-50:])
def test_extraction_reads_the_same_from_either_tree(url: str, path: Path) -> None:
    body = path.read_bytes()
    profile = find_profile(url) or GENERIC
    default = HtmlResponse(url=url, body=body, encoding="utf-8")
    expected = extract_from_response(default, profile)
    response = HtmlResponse(url=url, body=body, encoding="utf-8")
    response._cached_selector = response_selector(response)
    found = extract_from_response(response, profile)
    expected.pop("crawled_at")
    found.pop("crawled_at")
    assert found == expected

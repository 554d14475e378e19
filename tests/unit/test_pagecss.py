"""Class-first site selectors give what ``Selector.css`` gives, in the same order."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.pagecss import PageCss, page_css, page_xpath

HTML = """<html class="page x"><body>
<div class="entry-content main"><p>One <a href="/a">a</a></p>
  <div class="entry-content inner"><p>Two <a href="/b">b</a></p></div></div>
<section class="entry-contents"><a href="/not">no</a></section>
<div class="tags	extra"><a rel="tag" href="/t1">t1</a><a href="/x">x</a></div>
<span class="tags"><a rel="tag" href="/t2">t2</a></span>
<p class="standfirst">Lead</p><div id="main" class="entry-meta"><a class="author">A</a></div>
</body></html>"""

SELECTORS = (
    ".entry-content a::attr(href)",
    "div.entry-content",
    ".entry-content p::text",
    ".tags a[rel=tag]",
    "div.tags a",
    "p.standfirst::text",
    ".entry-meta a.author",
    ".page",
    ".missing a",
    "#main a",
    ".tags, .standfirst",
    "div.entry-content.main p",
)


@pytest.mark.parametrize("css", SELECTORS)
def test_same_nodes_as_parsel(css: str) -> None:
    sel = Selector(text=HTML)
    expected = sel.css(css)
    found = page_css(sel, css)
    assert [s.root for s in found] == [s.root for s in expected]
    assert found.getall() == expected.getall()


def test_only_a_leading_single_class_is_rewritten() -> None:
    assert page_xpath(".tags a").startswith(".//@class[")
    assert page_xpath("div.tags a").startswith(".//@class[")
    assert "/parent::div/" in page_xpath("div.tags a")
    for css in ("#main a", ".tags, .standfirst", "div.entry-content.main p", "a[rel=tag]"):
        assert not page_xpath(css).startswith(".//@class[")


@pytest.mark.parametrize("css", SELECTORS)
def test_roots_are_the_nodes_parsel_finds(css: str) -> None:
    sel = Selector(text=HTML)
    assert PageCss(sel).roots(css) == [s.root for s in sel.css(css)]

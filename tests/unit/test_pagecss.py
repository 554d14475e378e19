"""Class-first site selectors give what ``Selector.css`` gives, in the same order."""

from __future__ import annotations

import random

import pytest
from lxml import etree
from lxml.cssselect import CSSSelector
from parsel import Selector

from crawler.pagecss import PageCss, attribute_first, page_css, page_xpath

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


# -- randomized pages: the class attributes read once give what parsel gives ----------

#: Class tokens, some inside others ("tag" in "tags", "post-tags", "tags-x").
TOKENS = ("tags", "tag", "post-tags", "tags-x", "entry-content", "content", "a", "x1")
#: Class attribute values: separators, repeats and empty values included.
SEPARATORS = (" ", "  ", "\t", "\n", "\r\n", " \t ")
RANDOM_SELECTORS = (
    ".tags",
    "div.tags",
    "span.tags",
    ".tags a",
    ".tag a::attr(href)",
    "p.tag::text",
    ".post-tags p",
    ".tags-x",
    ".entry-content",
    "div.entry-content a",
    ".content *::text",
    ".a",
    "a.a::attr(href)",
    ".x1 .tags a",
    ".missing",
)


def _class_value(rng: random.Random) -> str:
    tokens = [rng.choice(TOKENS) for _ in range(rng.randint(0, 3))]
    inner = "".join(t + rng.choice(SEPARATORS) for t in tokens).rstrip() if tokens else ""
    edge = rng.choice(("", " ", "\t", "\n"))
    return edge + inner + rng.choice(("", " ", "\n"))


def _element(rng: random.Random, depth: int) -> str:
    tag = rng.choice(("div", "span", "p", "a", "section"))
    attrs = ""
    if rng.random() < 0.6:
        attrs += f' class="{_class_value(rng)}"'
    if rng.random() < 0.05:
        attrs += " itemscope"
    if tag == "a":
        attrs += f' href="/{rng.randint(0, 99)}"'
    children = (
        "".join(_element(rng, depth + 1) for _ in range(rng.randint(0, 3))) if depth < 4 else ""
    )
    return f"<{tag}{attrs}>t{rng.randint(0, 9)}{children}</{tag}>"


def _random_page(seed: int) -> str:
    rng = random.Random(seed)
    body = "".join(_element(rng, 0) for _ in range(rng.randint(1, 6)))
    return f"<html><body>{body}</body></html>"


@pytest.mark.parametrize("seed", range(60))
def test_random_pages_give_what_parsel_gives(seed: int) -> None:
    sel = Selector(text=_random_page(seed))
    css = PageCss(sel)
    order = list(RANDOM_SELECTORS) * 2  # a token's elements are looked up once, then kept
    random.Random(seed).shuffle(order)
    for query in order:
        expected = sel.css(query)
        found = css.css(query)
        assert [s.root for s in found] == [s.root for s in expected], query
        assert found.getall() == expected.getall(), query
        assert css.roots(query) == [s.root for s in expected], query
    assert css.class_values() == sel.xpath("//@class").getall()
    assert css.has_itemscope() == sel.root.xpath("boolean(//@itemscope)")


@pytest.mark.parametrize("seed", range(30))
def test_attribute_first_xpath_finds_the_css_selector_elements(seed: int) -> None:
    root = Selector(text=_random_page(seed)).root
    for query in (".tags", "div.tags", ".tags a", ".post-tags p", "span.a", ".tags, .tag"):
        selector = CSSSelector(query, translator="html")
        rewritten = etree.XPath(attribute_first(selector.path))
        for context in (root, *root.iter("div")):
            assert rewritten(context) == selector(context), query

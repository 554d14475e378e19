"""Generic extraction layer: what is read from the page when metadata is silent.

Policy:

* The article *scope* is the ``<article>``/``<main>`` holding the headline
  ``<h1>`` (an ``<h1>`` in the page header or navigation is ignored); without
  one it is the headline's grandparent. Bylines, visible dates and captions are
  looked for inside the scope only, never in the page header, navigation,
  footer, sidebars or widgets (a theme's "today's date" widget such as tagDiv's
  ``.td_data_time`` is not the article's date).
* Body text comes from trafilatura run on a copy of the already parsed tree,
  first in ``fast`` mode, then again with its fallback extractors when the fast
  result is short (under 1000 characters or half the article's paragraph text:
  fast mode loses whole bodies on some real pages); comments and tables
  excluded; precision favoured; ``<h1>`` pruned so the headline never opens
  the body, and so are embedded social posts and screen-reader-only spans); our
  boilerplate rules are applied by the caller.
* A standfirst is recognised by how the page shows it (:func:`standfirst_element`).
* htmldate is the last resort for the publication date and runs on a copy of the
  tree with header, navigation, footer and widget areas removed
  (``original_date=True``, ``extensive_search=False``).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Sequence
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from crawler import dates
from crawler.boilerplate import title_key

logger = logging.getLogger(__name__)

#: Class tokens of page chrome: sidebars, widgets, the theme header and its date widget,
#: related-article blocks and comments.
_CHROME_CLASS = re.compile(
    r"^(?:sidebar|(?:\w+[-_])*sidebar|sidebar[-_](?:left|right|primary|secondary|area|widgets?)"
    r"|widget|widget[-_]area|widget_\w+|td_block_widget|td-header-\S+|td_data_time"
    r"|site-header|page-header|header-top|top-bar|topbar|menu|main-menu"
    r"|\S*related\S*|\S*comments?|comment-\S+)$",
    re.I,
)
_CHROME_TAGS = frozenset({"nav", "footer", "aside"})
_H1 = "//h1[normalize-space()]"
_NORMALIZED = etree.XPath("normalize-space(.)", smart_strings=False)
#: What ``normalize-space()`` strips: XML white space.
_XML_SPACE = " \t\r\n"
#: Elements whose text may state the article's date.
_DATE_NODES = (
    ".//*[self::time or self::span or self::div or self::p or self::li or self::small]"
    "[self::time or contains(@class,'date') or contains(@class,'time')"
    " or contains(@class,'posted') or contains(@class,'publish') or contains(@class,'meta')"
    " or contains(@class,'byline') or contains(@class,'tarih') or contains(@class,'dateline')]"
)
_BYLINE_XPATHS = (
    ".//a[@rel='author'][normalize-space()]",
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')]",
    ".//*[contains(@class,'byline') or contains(@class,'author-name')]"
    "[not(.//*[contains(@class,'byline') or contains(@class,'author-name')])]",
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' author ')]",
)
#: Removed from trafilatura's copy of the tree besides the headline: embedded social
#: posts and text hidden for screen readers only.
_EMBED_CLASS = re.compile(r"twitter-tweet|instagram-media|tiktok-embed")
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:sr-only|visually-hidden|screen-reader-text)(?:\s|$)")
_CLIPPED = re.compile(r"clip\s*:\s*rect\(\s*0")
#: Below this many characters, trafilatura's fast mode result is checked with its fallbacks.
_MIN_FAST_CHARS = 1000
_MAX_META_TEXT = 200
_MAX_CAPTION_TEXT = 400


def is_chrome(el: Any) -> bool:
    """True when ``el`` sits in page chrome: nav, footer, aside, sidebar, widget, page header.

    A ``<header>`` counts only outside ``<article>``/``<main>`` (an article's own
    header holds its byline and date).
    """
    in_content = False
    chrome_header = False
    node = el
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _CHROME_TAGS:
            return True
        if tag in ("article", "main"):
            in_content = True
        elif tag == "header":
            chrome_header = True
        classes = node.get("class") if hasattr(node, "get") else None
        if classes and any(_CHROME_CLASS.match(token) for token in classes.split()):
            return True
        node = node.getparent()
    return chrome_header and not in_content


def _outside_chrome(nodes: Any) -> list[Selector]:
    return [n for n in nodes if not isinstance(n.root, str) and not is_chrome(n.root)]


def headline_h1(sel: Selector, h1s: Sequence[Any] | None = None) -> Selector | None:
    """The page's headline ``<h1>`` (not one in the page header or navigation).

    ``h1s``: the ``<h1>`` elements of the page in document order, when the caller has
    them already (those with text are what ``//h1[normalize-space()]`` selects).
    """
    nodes: list[Selector]
    if h1s is None:
        nodes = list(sel.xpath(_H1))
    else:
        nodes = [
            sel.__class__(root=el, namespaces=sel.namespaces, type="html")
            for el in h1s
            if el.text_content().strip(_XML_SPACE)
        ]
    found = _outside_chrome(nodes)
    return found[0] if found else None


def article_scope(sel: Selector, h1s: Sequence[Any] | None = None) -> Selector:
    """The element holding the article: ``<article>``/``<main>`` around the headline."""
    h1 = headline_h1(sel, h1s)
    if h1 is not None:
        for axis in ("ancestor::article[1]", "ancestor::main[1]", "../.."):
            found = h1.xpath(axis)
            if found:
                return found[0]
    for path in ("//article[1]", "//main[1]", "//body"):
        found = sel.xpath(path)
        if found:
            return found[0]
    return sel


def _texts(nodes: Any, limit: int) -> list[str]:
    out: list[str] = []
    for node in nodes[:limit]:
        root = node.root
        if isinstance(root, str):
            text = node.xpath("normalize-space(.)").get() or ""
        else:  # an element: its normalize-space(.) without a Selector per result
            text = str(_NORMALIZED(root))
        if text:
            out.append(text)
    return out


def byline_texts(scope: Selector) -> list[str]:
    """Visible byline text inside the article scope (raw, "By ..." prefixes kept)."""
    for xpath in _BYLINE_XPATHS:
        nodes = _outside_chrome(scope.xpath(xpath))
        if nodes:
            texts = [t for t in _texts(nodes, 5) if len(t) <= _MAX_META_TEXT]
            if texts:
                return texts
    return []


def visible_date(scope: Selector, timezone: str) -> str | None:
    """Publication date stated in the article's header/meta area, or None."""
    for node in _outside_chrome(scope.xpath(_DATE_NODES)[:40]):
        stamp = node.attrib.get("datetime")
        if stamp:
            parsed = dates.parse_date(stamp, timezone=timezone)
            if parsed:
                return parsed
        text = node.xpath("normalize-space(.)").get() or ""
        if not text or len(text) > _MAX_META_TEXT:
            continue
        found = dates.find_visible_date(text, timezone=timezone)
        if found:
            return found
    return None


def _is_chrome_root(el: Any) -> bool:
    """``el`` itself is a chrome element (its subtree is dropped before htmldate)."""
    if el.tag in _CHROME_TAGS:
        return True
    if el.tag == "header":
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    classes = el.get("class")
    return bool(classes) and any(_CHROME_CLASS.match(t) for t in classes.split())


def captions(scope: Selector) -> list[str]:
    """Figure captions inside the article scope."""
    nodes = scope.xpath(".//figcaption | .//*[contains(@class,'caption')]")
    return [t for t in _texts(nodes, 10) if len(t) <= _MAX_CAPTION_TEXT]


_STANDFIRST_CLASS = re.compile(
    r"(?:^|[-_\s])(?:lead|chapo|chapeau|standfirst|summary|spot|description|desc|intro|excerpt"
    r"|dek|deck|sapo|subtitle|sub-?title|subheadline|sub-?head)(?:$|[-_\sA-Z])"
)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_NOT_SHOWN = frozenset({"script", "style", "noscript", "title", "textarea", "template"})
_LONGEST_WORDS = 3


def standfirst_element(sel: Selector, text: str) -> Any | None:
    """The element showing ``text`` (a paragraph) as a standfirst, or None.

    A standfirst is set apart from the article's paragraphs: a heading (h2-h6),
    an inline ``<span>``, a ``<p>`` that is wholly bold, or an element showing
    only this text whose class names it ("chapo", "standfirst", "lead", "spot",
    "description"…). A plain ``<p>`` like the paragraphs after it is not.
    """
    key = title_key(text)
    words = sorted({w for w in text.split() if w.isalnum()}, key=len, reverse=True)
    if not key or not words or not hasattr(sel.root, "xpath"):
        return None
    limit = 2 * len(text) + 200
    for word in words[:_LONGEST_WORDS]:
        for node in sel.root.xpath("//body//text()[contains(., $w)]", w=word):
            el = _block_showing(node.getparent(), key, limit)
            if el is None:
                continue
            chain = [el]  # from the innermost to the outermost element showing just this text
            for parent in el.iterancestors():
                if len(parent.text_content()) > limit or title_key(parent.text_content()) != key:
                    break
                chain.append(parent)
            return chain[-1] if _set_apart(chain) else None
    return None


def _block_showing(el: Any, key: str, limit: int) -> Any | None:
    """The first element from ``el`` up whose text is as long as ``key``, if it is ``key``."""
    if el is None or el.tag in _NOT_SHOWN:
        return None
    while el is not None:
        content = el.text_content()
        if len(content) > limit:
            return None
        found = title_key(content)
        if len(found) >= len(key):
            return el if found == key else None
        el = el.getparent()
    return None


def _set_apart(chain: list[Any]) -> bool:
    outer = chain[-1]
    if outer.tag == "span" or any(el.tag in _HEADINGS for el in chain):
        return True
    for el in chain:
        bold = el.tag == "p" and len(el) == 1 and el[0].tag in ("strong", "b")
        if bold and not (el.text or "").strip() and not (el[0].tail or "").strip():
            return True
    return any(_STANDFIRST_CLASS.search(el.get("class") or "") for el in chain)


def htmldate_published(sel: Selector, url: str) -> str | None:
    """htmldate's original publication date (``YYYY-MM-DD``) on a de-chromed copy."""
    root = sel.root
    if not isinstance(root, HtmlElement):
        return None
    tree = copy.deepcopy(root)
    chrome = [el for el in tree.iter() if isinstance(el.tag, str) and _is_chrome_root(el)]
    for el in chrome:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text
    from htmldate import find_date  # lazy: heavy import, last resort only

    try:
        return find_date(tree, url=url or None, original_date=True, extensive_search=False)
    except Exception:  # htmldate on odd markup; the date stays unknown
        logger.debug("%s: htmldate failed", url, exc_info=True)
        return None


def trafilatura_paragraphs(sel: Selector, url: str, *, scope: Selector | None = None) -> list[str]:
    """Main-text paragraphs found by trafilatura on a copy of the parsed tree.

    trafilatura runs in its fast mode first; when that finds less than
    :data:`_MIN_FAST_CHARS` characters, or less than half the paragraph text of
    the article ``scope``, it runs again with its fallback extractors.
    """
    root = sel.root
    if not isinstance(root, HtmlElement):
        return []
    text = _trafilatura_text(root, url, fast=True)
    if len(text) < _MIN_FAST_CHARS or len(text) < _paragraph_chars(scope) / 2:
        text = _trafilatura_text(root, url, fast=False) or text
    return [line for line in text.split("\n") if line.strip()]


def _paragraph_chars(scope: Selector | None) -> int:
    root = scope.root if scope is not None else None
    if not isinstance(root, HtmlElement):
        return 0
    return sum(len(" ".join(p.text_content().split())) for p in root.iter("p"))


def _trafilatura_text(root: HtmlElement, url: str, *, fast: bool) -> str:
    from trafilatura import bare_extraction  # lazy: heavy import

    tree = copy.deepcopy(root)
    # trafilatura's own parser drops comments; on our tree their tail text would be
    # lost with them (React pages put "<!-- -->" inside paragraphs).
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    for el in _pruned(tree):
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text
    try:
        doc = bare_extraction(
            tree,
            url=url or None,
            fast=fast,
            favor_precision=True,
            include_comments=False,
            include_tables=False,
            with_metadata=False,
        )
    except Exception:  # trafilatura on odd markup; body stays empty
        logger.debug("%s: trafilatura failed", url, exc_info=True)
        return ""
    return (getattr(doc, "text", None) if doc is not None else None) or ""


def _pruned(tree: HtmlElement) -> list[HtmlElement]:
    """The headline, embedded social posts and screen-reader-only spans (tag-filtered walk)."""
    found: list[HtmlElement] = []
    for el in tree.iter("h1", "blockquote", "span"):
        if el.tag == "h1":
            found.append(el)
        elif el.tag == "blockquote":
            if _EMBED_CLASS.search(el.get("class") or ""):
                found.append(el)
        elif _HIDDEN_CLASS.search(el.get("class") or "") or _CLIPPED.search(el.get("style") or ""):
            found.append(el)
    return found

"""Article body: paragraphs out of the body container(s), boilerplate removed.

Policy: one paragraph per block element (p, h2-h6, li, blockquote, pre, a div of
inline text); inline elements belong to their block's text and ``<br><br>``
splits a block. Structural non-content (scripts, figures, asides, forms, share
and related widgets, ads, comment and author boxes, embedded social posts,
screen-reader-only text) is skipped, and the caller's tree is only read, never
changed. Each remaining paragraph is classified (the text rules live in
:mod:`crawler.boilerplate`); a boilerplate paragraph is dropped and counted in
``removed`` by kind:

``read_also`` (its links go to ``related_urls``), ``credit`` (agency credit lines
and "Reporting by …; Editing by …" trailers, moved to ``credit_lines``), ``reuse``,
``prompt`` (newsletter/subscribe/share/follow/donation prompts and subscription
notices), ``comment_form``, ``author_bio`` (author boxes by class; a trailing
"<Name> is a … blogger" bio after the end of the article or after a standalone
name line), ``byline`` (name lines just above a date line near the top, a desk
signature such as "XY-Redaktion" closing the article), ``recent_posts`` and
``tags`` headings (a "Recent Posts" or bare "Tags:" heading drops everything
after it, counted under ``after_cut``), ``tags`` lines, ``breadcrumbs``,
``date_widget`` and ``date_line`` (a paragraph that is only a date), ``caption``
(gallery captions), ``advert`` labels, ``paywall`` notices (the article is then
partial) and ``title`` (h1, or a leading paragraph repeating the headline, compared
on letters and digits only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from urllib.parse import urldefrag, urljoin

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawler import boilerplate as bp
from crawler.authors import is_desk_credit
from crawler.pagecss import attribute_first
from crawler.text import clean_text
from crawler.wire import credit_line_agencies

_BLOCK_TAGS = frozenset((
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "div", "section",
    "article", "main", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "caption", "address", "center", "details", "summary", "hr", "body", "html",
))  # fmt: skip
_SKIP_TAGS = frozenset((
    "script", "style", "noscript", "figure", "figcaption", "aside", "nav", "form", "footer",
    "header", "iframe", "button", "svg", "template", "select", "input", "textarea", "label",
    "object", "embed", "video", "audio", "canvas", "map", "picture", "img", "head", "title",
))  # fmt: skip
_NO_RESCUE = frozenset(("script", "style", "noscript", "svg", "img", "input", "iframe"))
_AUTHOR_CLASSES = (
    r"author[-_]?(?:box|bio|info|descr)|td-author|tdb-author|jeg_authorbox"
    r"|about-(?:the-)?author|saboxplugin"
)
_SKIP_ATTR = re.compile(
    r"share|social|newsletter|related|advert|(?<![a-z0-9])ad-|(?:^|\s)ads?(?:\s|$)|promo|comments"
    r"|td-a-rec|jeg_share|wp-block-buttons|crumb|comment-(?:respond|form|list)|commentlist"
    r"|(?:^|\s)respond|recent[-_]?(?:posts|entries)|most-?read|popular|post-tags|tags-links"
    r"|td-post-source|next-prev|post-navigation|nav-links|pagination|td-category|entry-category"
    r"|cat-links|(?:post|entry|article)-header|twitter-tweet|instagram-media|tiktok-embed"
    r"|(?:^|\s)(?:sr-only|visually-hidden|screen-reader-text)(?:\s|$)|" + _AUTHOR_CLASSES,
    re.I,
)
_AUTHOR_ATTR = re.compile(_AUTHOR_CLASSES, re.I)
_COMMENT_ATTR = re.compile(r"comment|(?:^|\s)respond(?:\s|$)", re.I)
_CRUMB_ATTR = re.compile(r"crumb", re.I)
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|clip\s*:\s*rect\(\s*0", re.I
)
_BR = "\ue000"
#: Blocks from the top in which a date line may follow a byline.
_TOP_BLOCKS = 6
_BR_SPLIT = re.compile(_BR + r"(?:\s*" + _BR + ")+")


@dataclass
class BodyResult:
    """Clean paragraphs plus what was taken out of them."""

    paragraphs: list[str] = field(default_factory=list)
    related_urls: list[str] = field(default_factory=list)
    credit_lines: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Paragraphs joined with one blank line (the item's ``body``)."""
        return "\n\n".join(self.paragraphs)

    def count(self, kind: str, n: int = 1) -> None:
        if n:
            self.removed[kind] = self.removed.get(kind, 0) + n


@dataclass
class _Block:
    text: str  # made by clean_text: words parted by single spaces (see _words)
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute url, link text)
    title: bool = False


class _Walker:
    """Turns a tree into blocks; never mutates it."""

    def __init__(self, base_url: str, excluded: set[HtmlElement], result: BodyResult) -> None:
        self.base_url = base_url
        self.excluded = excluded
        self.result = result
        self.blocks: list[_Block] = []
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.tags: list[str] = ["div"]

    def flush(self) -> None:
        if not self.parts:  # nothing to write (most flushes, at block edges)
            self.links = []
            return
        raw, links, self.parts, self.links = "".join(self.parts), self.links, [], []
        if _BR in raw:
            chunks = [clean_text(c.replace(_BR, " ")) for c in _BR_SPLIT.split(raw)]
        else:
            chunks = [clean_text(raw)]
        chunks = [c for c in chunks if c]
        tag = self.tags[-1]
        for chunk in chunks:
            own = links if len(chunks) == 1 else [ln for ln in links if ln[1] and ln[1] in chunk]
            self.blocks.append(_Block(chunk, own, tag == "h1"))

    def walk(self, el: HtmlElement, depth: int = 0) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag:
            return
        if tag == "br":
            self.parts.append(_BR)
            return
        if depth and self._skipped(el, tag):
            return
        if depth > 200:
            self.parts.append(el.text_content())
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
            self.tags.append(tag)
        if tag == "a" and (url := self._resolve(el.get("href", ""))):
            self.links.append((url, clean_text(el.text_content())))
        if el.text:
            self.parts.append(el.text)
        for child in el:
            self.walk(child, depth + 1)
            if child.tail:
                self.parts.append(child.tail)
        if block:
            self.flush()
            self.tags.pop()

    def _skipped(self, el: HtmlElement, tag: str) -> bool:
        if el in self.excluded:
            return True
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        skip_tag = tag in _SKIP_TAGS and not (tag == "form" and _wraps_content(el))
        hidden = _HIDDEN_STYLE.search(el.get("style", ""))
        if not (skip_tag or hidden or _SKIP_ATTR.search(attrs)):
            return False
        if _AUTHOR_ATTR.search(attrs):
            self.result.count("author_bio")
        elif _COMMENT_ATTR.search(attrs) or tag == "form":
            self.result.count("comment_form")
        elif _CRUMB_ATTR.search(attrs):
            self.result.count("breadcrumbs")
        elif tag not in _NO_RESCUE:
            self._rescue_read_also(el)
        return True

    def _rescue_read_also(self, el: HtmlElement) -> None:
        """A skipped "Read also" box (class "related…") still yields its links."""
        text = clean_text(el.text_content())
        if len(text) <= 600 and bp.READ_ALSO.match(text):
            anchors = el.iter("a")
            _add_urls(self.result, [self._resolve(a.get("href", "")) for a in anchors])
            self.result.count("read_also")

    def _resolve(self, href: str) -> str:
        href = href.strip()
        if not href or href.startswith("#"):
            return ""
        url = urldefrag(urljoin(self.base_url, href)).url
        return url if url.startswith(("http://", "https://")) else ""


def _wraps_content(form: HtmlElement) -> bool:
    """A page-wide ``<form>`` (ASP.NET pages) holds the article; a comment form does not."""
    blocks = next(islice(form.iter("p", "article"), 2, None), None)
    return blocks is not None or next(islice(form.iter(), 150, None), None) is not None


@lru_cache(maxsize=256)
def _css(selector: str) -> etree.XPath:
    """The elements lxml's ``CSSSelector(selector, translator="html")`` finds, a
    class-first selector's first step read from the class attributes
    (:func:`crawler.pagecss.attribute_first`)."""
    return etree.XPath(attribute_first(CSSSelector(selector, translator="html").path))


def _words(text: str) -> int:
    """``len(text.split())`` for a block's text: :func:`clean_text` made it, so its
    words are parted by single spaces and it neither starts nor ends with one."""
    return text.count(" ") + 1


def _add_urls(result: BodyResult, urls: Iterable[str]) -> None:
    for url in urls:
        if url and url not in result.related_urls:
            result.related_urls.append(url)


def _only_links(block: _Block, start: int = 0) -> bool:
    """The paragraph (from ``start``) is link text, as in "Read also <a>…</a>"."""
    link_text = " ".join(text for _, text in block.links)
    return bool(block.links) and len(link_text) >= 0.8 * len(block.text[start:].strip())


def _kind(block: _Block, at_top: bool) -> tuple[str, bool]:
    """(kind, cuts_rest) for a paragraph; kind "" means content."""
    text = block.text
    words = _words(text)
    if block.title:
        return "title", False
    kind = bp.text_kind(text, at_top=at_top, words=words)
    if kind:
        return kind, False
    read_also = bp.READ_ALSO.match(text)
    if read_also and (read_also.group("sep") is not None or _only_links(block, read_also.end())):
        return "read_also", False
    if credit_line_agencies(text) or (words <= 60 and bp.credit_trailer(text)):
        return "credit", False
    kind = bp.line_kind(text, words)
    if kind:
        return kind, False
    cut = bp.CUT.match(text) if words <= 8 else None
    if cut and cut.lastgroup:
        return cut.lastgroup, True
    return "", False


def _same(a: str, b: str) -> bool:
    return a.casefold().strip(" .:") == b.casefold().strip(" .:")


def _is_title(text: str, title: str | None) -> bool:
    """The paragraph repeats the headline (quotes, dashes, case and spacing aside)."""
    key = bp.title_key(text)
    return bool(title) and bool(key) and key == bp.title_key(title or "")


def _classify(blocks: Sequence[_Block], result: BodyResult, title: str | None) -> None:
    kept: list[tuple[_Block, bool]] = []  # (block, after an end-of-article credit/reuse)
    ended = False
    last_crumb = ""
    pending_links = False  # a bare "Read more:" label: following link-only items are related
    for index, block in enumerate(blocks):
        at_top = not kept
        if at_top and (
            _is_title(block.text, title)
            or (last_crumb and last_crumb.endswith(block.text) and len(block.text) > 15)
        ):
            result.count("title")
            continue
        if pending_links and _only_links(block):
            kind, cut = "read_also", False
        else:
            kind, cut = _kind(block, at_top)
            pending_links = kind == "read_also" and not block.links
        last_crumb = block.text if kind == "breadcrumbs" else ""
        if cut and any(_words(b.text) >= 12 for b, _ in kept):
            result.count(kind)
            result.count("after_cut", len(blocks) - index - 1)
            break
        if kind:
            result.count(kind)
            if kind in ("date_line", "date_widget") and index < _TOP_BLOCKS:
                _drop_byline_lines(kept, result)
            if kind == "read_also":
                _add_urls(result, (url for url, _ in block.links))
            elif kind == "credit":
                result.credit_lines.append(block.text)
            ended = ended or (kind in {"credit", "reuse"} and bool(kept))
            continue
        kept.append((block, ended))
    _drop_trailing_signature(kept, result)
    _drop_trailing_bio(kept, result)
    result.paragraphs = [block.text for block, _ in kept]


def _drop_byline_lines(kept: list[tuple[_Block, bool]], result: BodyResult) -> None:
    """Near the top, name lines just above a date line are the byline, not the article."""
    for _ in range(2):
        if not kept or not bp.name_like(kept[-1][0].text):
            return
        kept.pop()
        result.count("byline")


def _drop_trailing_signature(kept: list[tuple[_Block, bool]], result: BodyResult) -> None:
    """A desk signature closing the article ("XY-Redaktion", "News Desk") is not body."""
    while kept and _words(kept[-1][0].text) <= 4 and is_desk_credit(kept[-1][0].text):
        kept.pop()
        result.count("byline")


def _drop_trailing_bio(kept: list[tuple[_Block, bool]], result: BodyResult) -> None:
    """Remove an author bio (and its name lines) closing the kept paragraphs.

    A "<Name> is a … blogger" paragraph goes only when it follows the end of the
    article (a credit or reuse line) or a standalone line with the same name; name
    lines go when they repeat that name, or each other after the end of the article.
    """
    names: set[str] = set()
    while kept:
        block, after_end = kept[-1]
        text = block.text
        bio = bp.BIO.match(text)
        before = kept[-2][0].text if len(kept) > 1 else ""
        if bio and (after_end or _same(before, bio.group("name"))):
            names.add(bio.group("name").casefold())
        elif bp.NAME_LINE.match(text) and (
            text.casefold() in names or (after_end and _same(before, text))
        ):
            names.add(text.casefold())
        else:
            return
        kept.pop()
        result.count("author_bio")


def _top_roots(nodes: Sequence[HtmlElement]) -> list[HtmlElement]:
    """Distinct nodes, minus any nested inside another one."""
    chosen = list(dict.fromkeys(nodes))
    ids = set(chosen)
    return [n for n in chosen if not any(a in ids for a in n.iterancestors())]


def clean_container(
    nodes: Sequence[HtmlElement],
    base_url: str,
    *,
    exclude: Sequence[str] = (),
    title: str | None = None,
) -> BodyResult:
    """Paragraphs of the body container(s) ``nodes`` with boilerplate removed.

    ``exclude`` holds CSS selectors for more elements to skip (site profile's
    ``body_exclude``); ``title`` drops a leading paragraph that repeats it.
    Links are resolved against ``base_url``.
    """
    result = BodyResult()
    roots = _top_roots(nodes)
    excluded = {el for root in roots for sel in exclude for el in _css(sel)(root)}
    walker = _Walker(base_url, excluded, result)
    for root in roots:
        if root in excluded:
            continue
        walker.walk(root)
        walker.flush()
    _classify(walker.blocks, result, title)
    return result


def split_text_paragraphs(text: str) -> list[str]:
    """One cleaned paragraph per non-empty line (hard-wrapped lines are not rejoined)."""
    return [line for line in (clean_text(raw) for raw in text.splitlines()) if line]


def clean_paragraph_texts(paragraphs: Sequence[str], *, title: str | None = None) -> BodyResult:
    """The same boilerplate rules for plain-text paragraphs (no links to collect)."""
    result = BodyResult()
    blocks = [_Block(line) for p in paragraphs for line in split_text_paragraphs(p)]
    _classify(blocks, result, title)
    return result

"""Candidate layers of one parsed page, per Article field.

Policy: a :class:`Page` wraps the page's single parsed tree and computes each
layer lazily (meta tags, JSON-LD, microdata, the article scope, trafilatura,
htmldate), at most once. The ``*_candidates`` methods yield ``(layer, value)``
pairs in the order :mod:`crawler.extraction` tries them; a value may be a
zero-argument callable for layers that are costly (htmldate) so they run only
when every earlier layer failed. Values are raw; the loader cleans them.
The elements several layers read (meta, link, title, script, base, h1) are
collected in one walk of the tree (:attr:`Page.tagged`); each layer reads from it
exactly what its own XPath would.

The body layer also drops a leading paragraph that repeats the summary when the
page shows it as a standfirst (see :func:`crawler.generic.standfirst_element`)
and, for bodies not found by the site's selector, paragraphs that repeat a figure
caption of the article; both are counted in ``removed`` ("summary", "caption").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, MutableMapping
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from lxml import etree
from parsel import Selector

from crawler import body as body_mod
from crawler import generic, metadata, urls
from crawler.boilerplate import title_key
from crawler.dates import split_update
from crawler.pagecss import PageCss
from crawler.pageindex import tagged_elements
from crawler.profile import SiteProfile
from crawler.text import clean_text

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    Stats = MutableMapping[str, int] | StatsCollector

#: (layer name, raw value or a callable producing it)
Candidate = tuple[str, Any]
_PAYWALL_CLASSES = frozenset({"paywall", "subscriber-only"})
_STRING_VALUE = etree.XPath("string(.)", smart_strings=False)
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:•·]\s+")
#: Cheap pre-check for "Read also" lines (the body module decides what they are).
_READ_ALSO_HINT = re.compile(
    r"read\s+(?:also|more)|also\s+read|see\s+also|related|lire\s+(?:aussi|également)"
    r"|voir\s+aussi|[اإ]قر[أا]\s+[أا]يض|شاهد\s+[أا]يض|طالع\s+[أا]يض",
    re.I,
)


def count(stats: Stats | None, key: str, n: int = 1) -> None:
    """Add ``n`` to ``key`` in a Counter-like mapping or a Scrapy stats collector."""
    if stats is None or not n:
        return
    if hasattr(stats, "inc_value"):
        stats.inc_value(key, n)
    else:
        stats[key] = stats.get(key, 0) + n


class Page:
    """One parsed page and its lazily computed layers."""

    def __init__(
        self, sel: Selector, url: str, profile: SiteProfile, stats: Stats | None = None
    ) -> None:
        self.sel = sel
        self.css = PageCss(sel)  # site selectors; class attributes read once
        self.url = url
        self.profile = profile
        self.stats = stats
        self._site: dict[str, list[str]] = {}

    # -- layers ---------------------------------------------------------------

    @cached_property
    def tagged(self) -> dict[str, list[Any]] | None:
        """The page's ``<meta>``, ``<link>``, ``<title>``, ``<script>``, ``<base>`` and
        ``<h1>`` elements by tag (:func:`crawler.pageindex.tagged_elements`)."""
        return tagged_elements(self.sel)

    @cached_property
    def base_url(self) -> str:
        if self.tagged is None:
            base = self.sel.xpath("//head/base/@href").get()
        else:  # the first ``href`` of a ``<base>`` in a ``<head>``
            base = next(
                (
                    href
                    for el in self.tagged["base"]
                    if (parent := el.getparent()) is not None and parent.tag == "head"
                    if (href := el.get("href")) is not None
                ),
                None,
            )
        return urljoin(self.url, base.strip()) if base else self.url

    @cached_property
    def meta(self) -> metadata.PageMeta:
        return metadata.read_meta(self.sel, self.tagged)

    @cached_property
    def jsonld(self) -> metadata.JsonLd:
        scripts = self.tagged["script"] if self.tagged is not None else None
        parsed = metadata.parse_jsonld(self.sel, self.url, scripts=scripts)
        count(self.stats, "extraction/jsonld/broken", parsed.broken)
        return parsed

    @cached_property
    def ld(self) -> metadata.Node | None:
        return metadata.article_node(self.jsonld)

    @cached_property
    def md(self) -> metadata.Node | None:
        return metadata.microdata_node(self.sel, self.url, itemscope=self.css.has_itemscope())

    @cached_property
    def scope(self) -> Selector:
        return generic.article_scope(self.sel, self._h1s)

    @property
    def _h1s(self) -> list[Any] | None:
        return self.tagged["h1"] if self.tagged is not None else None

    @cached_property
    def h1(self) -> str | None:
        node = generic.headline_h1(self.sel, self._h1s)
        if node is None:
            return None
        # an element (chrome and strings are filtered out): its string value, as
        # ``node.xpath("string(.)").get()`` reads it
        return clean_text(str(_STRING_VALUE(node.root))) or None

    def site(self, key: str) -> list[str]:
        """Values of the profile's selector for ``key``: strings, or element text (cached)."""
        if key in self._site:
            return self._site[key]
        css = self.profile.selectors.get(key)
        out: list[str] = []
        for root in self.css.roots(css) if css else ():
            # an element's string value, as ``found.xpath("string(.)").get()`` reads it
            value = root if isinstance(root, str) else str(_STRING_VALUE(root))
            if value and value.strip():
                out.append(value.strip())
        self._site[key] = out
        return out

    def og(self, key: str) -> list[str]:
        return self.meta.all(*metadata.OG_KEYS[key])

    def tag(self, key: str) -> list[str]:
        return self.meta.all(*metadata.META_KEYS[key])

    def nodes(self) -> Iterator[tuple[str, metadata.Node]]:
        if self.ld is not None:
            yield "jsonld", self.ld
        if self.md is not None:
            yield "microdata", self.md

    def _structured(self, attr: str) -> list[Candidate]:
        return [(layer, getattr(node, attr)) for layer, node in self.nodes()]

    # -- candidates per field -------------------------------------------------

    def title_candidates(self) -> Iterator[Candidate]:
        yield "site", self.site("title")[:1]
        for layer, headline in self._structured("headline"):
            yield layer, self._drop_outlet(headline) if isinstance(headline, str) else headline
        for layer, values in (("opengraph", self.og("title")), ("meta", self.tag("title"))):
            yield layer, [self._prefer_h1(self._drop_outlet(v)) for v in values[:1]]
        yield "generic", self.h1
        yield "generic", lambda: self._drop_outlet(self.meta.title or "") or None

    def _drop_outlet(self, title: str) -> str:
        """A title without a trailing " | Outlet" (or " - Outlet") part: SEO plugins
        append the site name to ``<title>``, og:title and even the JSON-LD headline."""
        title = clean_text(title)
        separators = list(_TITLE_SEPARATOR.finditer(title))
        if separators and self.outlet:
            outlet = self.outlet.casefold()
            tail = title[separators[-1].end() :].casefold()
            if tail and (outlet in tail or tail in outlet):
                return title[: separators[-1].start()]
        return title

    def _prefer_h1(self, title: str) -> str:
        """og:title/meta titles often carry a section or site name around the headline."""
        h1 = self.h1
        cleaned = clean_text(title)
        if h1 and h1 != cleaned and h1 in cleaned and len(h1) >= 0.4 * len(cleaned):
            return h1
        return title

    def simple_candidates(self, key: str, attr: str) -> Iterator[Candidate]:
        yield "site", self.site(key)[:1]
        yield from self._structured(attr)
        yield "opengraph", self.og(key)[:1]
        yield "meta", self.tag(key)[:1]

    def summary_candidates(self) -> Iterator[Candidate]:
        """Standfirst candidates; fragments like "| Site News" are not summaries."""
        for layer, value in self.simple_candidates("summary", "description"):
            values = value if isinstance(value, list) else [value]
            yield layer, [v for v in values if isinstance(v, str) and _wordy(v)]

    def section_candidates(self) -> Iterator[Candidate]:
        yield "site", self.site("section")[:1]
        for layer, node in self.nodes():
            yield layer, node.sections[:1]
        yield "opengraph", self.og("section")[:1]
        yield "meta", self.tag("section")[:1]

    def tag_candidates(self) -> Iterator[Candidate]:
        yield "site", self.site("tags")
        for layer, node in self.nodes():
            yield layer, node.keywords
        yield "opengraph", [t for v in self.og("tags") for t in metadata.split_list(v)]
        yield "meta", metadata.split_list(self.tag("tags")[:1])

    def author_candidates(self) -> Iterator[Candidate]:
        yield "site", self.site("authors")
        for layer, node in self.nodes():
            yield layer, node.authors
        yield "opengraph", [v for v in self.og("authors") if not _is_url(v)]
        yield "meta", [v for v in self.tag("authors") if not _is_url(v)]
        yield "visible", generic.byline_texts(self.scope)

    def date_candidates(self, key: str) -> Iterator[Candidate]:
        yield from self._structured(key)
        yield "opengraph", self.og(key)[:1]
        yield "meta", self.tag(key)[:1]
        dated = (split_update(text, key) for text in self.site(key)[:1])
        yield "site", [text for text in dated if text]
        if key == "published":
            yield "visible", lambda: generic.visible_date(self.scope, self.profile.timezone)
            yield "generic", self._htmldate

    def _htmldate(self) -> str | None:
        count(self.stats, "extraction/fallback/date")
        return generic.htmldate_published(self.sel, self.url)

    def language_candidates(self) -> Iterator[Candidate]:
        yield "meta", self.meta.html_lang
        yield "meta", self.tag("language")[:1]
        yield "opengraph", self.og("language")[:1]
        yield from self._structured("language")
        yield "spider", self.profile.language

    # -- body -----------------------------------------------------------------

    def body(self, title: str | None) -> tuple[str | None, body_mod.BodyResult]:
        """(layer, BodyResult) of the first layer that yields paragraphs."""
        layer, result = self._body(title)
        if layer != "site":  # a site's body selector and body_exclude already leave captions out
            self._drop_captions(result)
        self._drop_standfirst(result)
        return layer, result

    def _body(self, title: str | None) -> tuple[str | None, body_mod.BodyResult]:
        css = self.profile.selectors.get("body")
        if css:
            nodes = [root for root in self.css.roots(css) if not isinstance(root, str)]
            if nodes:
                result = body_mod.clean_container(
                    nodes, self.base_url, exclude=self.profile.body_exclude, title=title
                )
                if result.paragraphs:
                    count(self.stats, "extraction/body/site")
                    return "site", result
            count(self.stats, "extraction/fallback/body")
        paragraphs = generic.trafilatura_paragraphs(self.sel, self.url, scope=self.scope)
        result = body_mod.clean_paragraph_texts(paragraphs, title=title)
        if result.paragraphs:
            count(self.stats, "extraction/body/generic")
            result.related_urls = self._scope_related_urls()
            return "generic", result
        text = self.ld.article_body if self.ld is not None else None
        if text:
            lines = [p for p in text.split("\n") if p.strip()]
            result = body_mod.clean_paragraph_texts(lines, title=title)
            if result.paragraphs:
                return "jsonld", result
        count(self.stats, "extraction/body/none")
        return None, result

    def _drop_captions(self, result: body_mod.BodyResult) -> None:
        """Paragraphs that repeat a figure caption of the article are not body."""
        captions = {title_key(text) for text in self.captions}
        captions.discard("")
        if not captions or len(result.paragraphs) < 2:
            return
        kept = [p for p in result.paragraphs if title_key(p) not in captions]
        if kept and len(kept) < len(result.paragraphs):
            result.count("caption", len(result.paragraphs) - len(kept))
            result.paragraphs = kept

    @cached_property
    def captions(self) -> list[str]:
        """Figure captions inside the article scope."""
        return generic.captions(self.scope)

    def _drop_standfirst(self, result: body_mod.BodyResult) -> None:
        """A leading paragraph repeating the summary, shown as a standfirst, is not body."""
        if len(result.paragraphs) < 2:
            return
        first = result.paragraphs[0]
        summary = self._summary_text()
        if not summary or not _repeats(first, summary):
            return
        if generic.standfirst_element(self.sel, first) is not None:
            result.paragraphs.pop(0)
            result.count("summary")

    def _summary_text(self) -> str | None:
        for _, value in self.summary_candidates():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and item.strip():
                    return clean_text(item)
        return None

    def _scope_related_urls(self) -> list[str]:
        """The "Read also" links of the article element, for bodies the generic layer found."""
        root = self.scope.root
        if getattr(root, "tag", None) not in ("article", "main"):
            return []
        # Walking the container is the costly part: only when such a line may exist.
        if not _READ_ALSO_HINT.search(root.text_content()):
            return []
        return body_mod.clean_container([root], self.base_url).related_urls

    @cached_property
    def outlet(self) -> str | None:
        name = self.profile.source.get("name") if self.profile.source else None
        site_names = self.og("site_name")
        return name or (clean_text(site_names[0]) if site_names else None)

    def declared_urls(self) -> list[str | None]:
        """Canonical candidates in order: ``rel=canonical``, then ``og:url``."""
        return [self.meta.canonical, *self.og("url")[:1]]

    def canonical_layer(self, canonical: str) -> str:
        """Which declaration the chosen canonical URL came from ("fetched" if none)."""
        for layer, value in zip(("meta", "opengraph"), self.declared_urls(), strict=False):
            if value and urls.strip_tracking(urljoin(self.url, value.strip())) == canonical:
                return layer
        return "fetched"

    @property
    def partial(self) -> bool:
        """Paywalled: JSON-LD/microdata says not free, or a paywall container is present."""
        if any(node.paywalled for _, node in self.nodes()):
            return True
        return any(
            _PAYWALL_CLASSES.intersection(classes.split())
            for classes in self.css.class_values()
            if "paywall" in classes or "subscriber-only" in classes
        )

    def related_urls(self, from_body: Iterable[str], canonical: str) -> list[str]:
        """Same-site article links from the body's "Read also" lines and the related selector."""
        site = urls.registrable_domain(canonical)
        own = {urls.strip_tracking(u) for u in (canonical, self.url)}
        out: dict[str, None] = {}
        for href in [*from_body, *self.site("related")]:
            absolute = urls.strip_tracking(urljoin(self.base_url, href.strip()))
            if not absolute.startswith(("http://", "https://")) or absolute in own:
                continue
            if urls.registrable_domain(absolute) == site:
                out.setdefault(absolute, None)
        return list(out)


def _repeats(paragraph: str, summary: str) -> bool:
    """The paragraph and the summary are the same text, or one is most of the other."""
    a, b = title_key(paragraph), title_key(summary)
    short, long_ = sorted((a, b), key=len)
    return bool(short) and long_.startswith(short) and len(short) >= 0.6 * len(long_)


def _wordy(value: str, minimum: int = 4) -> bool:
    return sum(1 for token in value.split() if any(ch.isalpha() for ch in token)) >= minimum


def _is_url(value: str) -> bool:
    return value.strip().startswith(("http://", "https://", "//"))

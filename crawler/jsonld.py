"""Tolerant JSON-LD: every block of a page, flattened, with ``@id`` references resolved.

Policy:

* Each ``<script type="application/ld+json">`` is read on its own: first with
  :func:`json.loads`, then with jstyleson (comments, trailing commas), then again
  after stripping HTML comments, CDATA markers and control characters (raw
  control characters inside strings are accepted at that stage). A block that
  still fails is skipped with one warning naming the URL and counted in
  :attr:`JsonLd.broken`; the page's other blocks are kept.
* ``@graph`` containers, lists and a node's ``mainEntity`` are flattened into one
  list of nodes; nodes with an ``@id`` and some content form the reference index,
  so ``{"@id": ...}`` links (Yoast graphs point at Person and Organization nodes
  this way) resolve to the node they name.
* :func:`pick_article` prefers the news article types, then ``Article``, blog
  posts and live blogs, then a ``WebPage`` that carries article fields.
* :class:`Node` accessors return *raw* candidate values; cleaning and
  normalisation belong to :mod:`crawler.loaders`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from parsel import Selector

logger = logging.getLogger(__name__)


#: Article types in order of preference.
ARTICLE_TYPES: tuple[str, ...] = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "Article",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
)
#: Fields that make a ``WebPage`` node usable as the article.
_ARTICLE_FIELDS = ("headline", "articleBody", "datePublished")
_ORG_KEYS = ("publisher", "sourceOrganization", "copyrightHolder")
_ORG_TYPES = frozenset({"Organization", "NewsMediaOrganization", "Corporation", "NGO"})
_SITE_TYPES = _ORG_TYPES | {"WebSite"}

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_COMMENT_MARKER = re.compile(r"<!--|-->")
#: CDATA markers, with the ``//`` or ``/* */`` that usually hides them from scripts.
_CDATA = re.compile(r"(?:/[/*]\s*)?(?:<!\[CDATA\[|\]\]>)(?:\s*\*/)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIST_SPLIT = re.compile(r"\s*[,;]\s*")


# -- JSON-LD -----------------------------------------------------------------


@dataclass
class JsonLd:
    """The JSON-LD of one page: flattened nodes plus the count of broken blocks."""

    objects: list[dict[str, Any]]
    broken: int = 0
    index: dict[str, dict[str, Any]] = field(default_factory=dict)


def _load_block(text: str) -> Any:
    """Decode one JSON-LD block, tolerating what real pages get wrong; None if hopeless."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    import jstyleson  # lazy: only malformed blocks need it

    try:
        return jstyleson.loads(text)
    except ValueError:
        pass
    # Comment and CDATA markers around the JSON, then whole comments inside it.
    unwrapped = _CONTROL.sub(" ", _CDATA.sub("", text))
    for cleaned in (_COMMENT_MARKER.sub("", unwrapped), _HTML_COMMENT.sub("", unwrapped)):
        for loader in (json.loads, jstyleson.loads):
            try:
                return loader(cleaned.strip(), strict=False)
            except ValueError:
                continue
    return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if graph is not None:
            if "@type" in data:
                yield {k: v for k, v in data.items() if k != "@graph"}
            yield from _flatten(graph)
            return
        yield data
        main = data.get("mainEntity")
        if isinstance(main, dict) and "@type" in main:
            yield main


def parse_jsonld(sel: Selector, url: str = "", *, scripts: Iterable[Any] | None = None) -> JsonLd:
    """All JSON-LD nodes of the page, block by block; broken blocks are skipped and counted.

    ``scripts``: the page's ``<script>`` elements in document order, when the caller
    has them already (their text is what ``//script[@type=…]/text()`` reads).
    """
    objects: list[dict[str, Any]] = []
    broken = 0
    if scripts is None:
        blocks = sel.xpath('//script[@type="application/ld+json"]/text()').getall()
    else:
        blocks = [
            el.text
            for el in scripts
            if el.get("type") == "application/ld+json" and el.text is not None
        ]
    for block in blocks:
        if not block.strip():
            continue
        data = _load_block(block)
        if data is None:
            broken += 1
            continue
        objects.extend(_flatten(data))
    if broken:
        logger.warning("%s: skipped %d unreadable JSON-LD block(s)", url or "<page>", broken)
    # Only nodes with content are reference targets, not bare ``{"@id": ...}`` links.
    index = {
        obj["@id"]: obj
        for obj in objects
        if isinstance(obj.get("@id"), str) and set(obj) - {"@id", "@type", "@context"}
    }
    return JsonLd(objects=objects, broken=broken, index=index)


def jsonld_objects(sel: Selector, url: str = "") -> list[dict[str, Any]]:
    """Flattened JSON-LD nodes of the page (see :func:`parse_jsonld`)."""
    return parse_jsonld(sel, url).objects


def node_types(obj: Mapping[str, Any]) -> list[str]:
    """``@type`` as a list of bare type names (``"schema:NewsArticle"`` -> ``"NewsArticle"``)."""
    raw = obj.get("@type") or obj.get("type") or []
    values = [raw] if isinstance(raw, str) else [t for t in raw if isinstance(t, str)]
    return [re.split(r"[/:#]", t)[-1] for t in values]


def pick_article(objs: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The node describing the article, by type preference; a WebPage with article fields last."""
    best: tuple[int, int] | None = None
    chosen: dict[str, Any] | None = None
    for position, obj in enumerate(objs):
        types = node_types(obj)
        ranks = [ARTICLE_TYPES.index(t) for t in types if t in ARTICLE_TYPES]
        if ranks:
            rank = min(ranks)
        elif "WebPage" in types and any(obj.get(k) for k in _ARTICLE_FIELDS):
            rank = len(ARTICLE_TYPES)
        else:
            continue
        # Among equals, a node with a headline beats one without, then page order.
        key = (rank * 2 + (0 if obj.get("headline") else 1), position)
        if best is None or key < best:
            best, chosen = key, dict(obj)
    return chosen


# -- Accessors ---------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value: Any) -> list[str]:
    return [v for v in _as_list(value) if isinstance(v, str) and v.strip()]


@dataclass
class Node:
    """Raw-value accessors over the chosen article node (JSON-LD or microdata)."""

    data: Mapping[str, Any]
    index: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """Replace ``{"@id": ...}`` references with the node they name, when known."""
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            target = self.index.get(value["@id"])
            if target is not None and target is not value:
                return target
        return value

    def _first_string(self, *keys: str) -> str | None:
        for key in keys:
            for value in _as_list(self.data.get(key)):
                if isinstance(value, dict):
                    value = value.get("@value") or value.get("name")
                if isinstance(value, str) and value.strip():
                    return value
        return None

    @property
    def headline(self) -> str | None:
        return self._first_string("headline", "name", "alternativeHeadline")

    @property
    def description(self) -> str | None:
        return self._first_string("description", "abstract")

    @property
    def article_body(self) -> str | None:
        return self._first_string("articleBody", "text")

    @property
    def published(self) -> str | None:
        return self._first_string("datePublished")

    @property
    def modified(self) -> str | None:
        return self._first_string("dateModified")

    @property
    def language(self) -> str | None:
        for value in _as_list(self.data.get("inLanguage")):
            if isinstance(value, dict):
                value = value.get("alternateName") or value.get("name")
            if isinstance(value, str) and value.strip():
                return value
        return None

    @property
    def sections(self) -> list[str]:
        return _strings(self.data.get("articleSection"))

    @property
    def keywords(self) -> list[str]:
        return split_list(self.data.get("keywords"))

    @property
    def image(self) -> str | None:
        for value in _as_list(self.data.get("image")) + _as_list(self.data.get("thumbnailUrl")):
            value = self.resolve(value)
            if isinstance(value, dict):
                value = value.get("url") or value.get("contentUrl")
                if isinstance(value, list):
                    value = value[0] if value else None
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None

    def _parties(self, key: str) -> Iterator[tuple[str, bool]]:
        """(name, is_organization) for each person/organization under ``key``."""
        for value in _as_list(self.data.get(key)):
            value = self.resolve(value)
            if isinstance(value, str):
                yield value, False
            elif isinstance(value, dict):
                name = value.get("name")
                if isinstance(name, list):
                    name = next((n for n in name if isinstance(n, str)), None)
                if isinstance(name, dict):
                    name = name.get("@value")
                if isinstance(name, str) and name.strip():
                    yield name, bool(_ORG_TYPES.intersection(node_types(value)))

    @property
    def authors(self) -> list[str]:
        """Author names that are not declared as organizations (agencies may still hide here)."""
        return [name for name, is_org in self._parties("author") if not is_org]

    @property
    def organizations(self) -> list[str]:
        """Publisher, source organization, copyright holder and organization-author names."""
        names = [name for name, is_org in self._parties("author") if is_org]
        names += [name for name, is_org in self._parties("creator") if is_org]
        for key in _ORG_KEYS:
            names += [name for name, _ in self._parties(key)]
        return list(dict.fromkeys(names))

    @property
    def paywalled(self) -> bool:
        """True when the node (or one of its parts) says it is not free to read."""
        parts = [self.data, *[p for p in _as_list(self.data.get("hasPart")) if isinstance(p, dict)]]
        return any(str(p.get("isAccessibleForFree", "")).strip().lower() == "false" for p in parts)


def split_list(value: Any) -> list[str]:
    """Keywords as a list: a comma/semicolon separated string or a list of strings."""
    out: list[str] = []
    for item in _as_list(value):
        if isinstance(item, str):
            out.extend(part for part in _LIST_SPLIT.split(item) if part.strip())
    return out


def outlet_names(ld: JsonLd) -> list[str]:
    """Names of the page's Organization and WebSite nodes: the outlet, never an author."""
    names: list[str] = []
    for obj in ld.objects:
        if _SITE_TYPES.intersection(node_types(obj)):
            for key in ("name", "alternateName"):
                names += _strings(obj.get(key))
    return list(dict.fromkeys(names))


def article_node(ld: JsonLd) -> Node | None:
    """The article node of the page's JSON-LD, with ``@id`` resolution, or None."""
    chosen = pick_article(ld.objects)
    if chosen is None:
        return None
    return Node(chosen, ld.index)

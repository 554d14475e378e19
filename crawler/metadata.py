"""Structured metadata of an article page: JSON-LD, microdata, OpenGraph and meta tags.

Policy:

* JSON-LD comes from :mod:`crawler.jsonld` (tolerant, block by block; re-exported
  here: :func:`jsonld_objects`, :func:`pick_article`, :func:`parse_jsonld`).
* Microdata goes through extruct's ``MicrodataExtractor`` only when the page has
  an ``itemscope`` at all; its items are turned into JSON-LD-shaped dicts so the
  same :class:`~crawler.jsonld.Node` accessors serve both layers. RDFa and
  extruct's all-syntaxes ``extract()`` are not used (slow).
* ``<meta>`` tags (``property``, ``name``, ``itemprop``, ``http-equiv``),
  ``<html lang>``, ``<link rel=canonical>`` and ``<title>`` are read in one pass
  over the already parsed tree (:class:`PageMeta`). :data:`OG_KEYS` and
  :data:`META_KEYS` list, per field, the names read by the OpenGraph and meta
  layers in preference order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from crawler.jsonld import (
    JsonLd,
    Node,
    article_node,
    jsonld_objects,
    node_types,
    outlet_names,
    parse_jsonld,
    pick_article,
    split_list,
)

__all__ = [
    "META_KEYS",
    "OG_KEYS",
    "JsonLd",
    "Node",
    "PageMeta",
    "article_node",
    "jsonld_objects",
    "microdata_node",
    "node_types",
    "outlet_names",
    "parse_jsonld",
    "pick_article",
    "read_meta",
    "split_list",
]

logger = logging.getLogger(__name__)

# -- Microdata ---------------------------------------------------------------


def _md_to_ld(item: Any) -> Any:
    if isinstance(item, list):
        return [_md_to_ld(i) for i in item]
    if not isinstance(item, dict) or "properties" not in item:
        return item
    out: dict[str, Any] = {"@type": item.get("type") or []}
    for key, value in item["properties"].items():
        out[key] = _md_to_ld(value)
    return out


def microdata_node(sel: Selector, url: str, *, itemscope: bool | None = None) -> Node | None:
    """The article item of the page's microdata, or None (extruct runs only with itemscope).

    ``itemscope``: whether the page has an ``itemscope`` attribute, when the caller knows.
    """
    root = sel.root
    if not hasattr(root, "xpath"):
        return None
    # the attribute axis: libxml2 finds an attribute faster than it tests every element
    if not (root.xpath("boolean(//@itemscope)") if itemscope is None else itemscope):
        return None
    from extruct.w3cmicrodata import MicrodataExtractor  # lazy: few pages use microdata

    try:
        items = MicrodataExtractor().extract_items(root, url)
    except Exception:  # extruct on odd markup; microdata is optional
        logger.debug("%s: microdata extraction failed", url, exc_info=True)
        return None
    chosen = pick_article(_md_to_ld(item) for item in items)
    return Node(chosen) if chosen is not None else None


# -- Meta tags ---------------------------------------------------------------


@dataclass
class PageMeta:
    """``<meta>`` values by lower-cased ``property``/``name``/``itemprop``, plus head links."""

    tags: dict[str, list[str]]
    html_lang: str | None = None
    canonical: str | None = None
    title: str | None = None

    def first(self, *keys: str) -> str | None:
        """First non-empty value among ``keys`` (in key order)."""
        for key in keys:
            for value in self.tags.get(key, ()):
                if value.strip():
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        """All non-empty values of ``keys``, in key order."""
        return [v for key in keys for v in self.tags.get(key, ()) if v.strip()]


def read_meta(sel: Selector, tagged: Mapping[str, list[Any]] | None = None) -> PageMeta:
    """Collect meta tags, ``<html lang>``, ``rel=canonical`` and ``<title>`` in one pass.

    ``tagged``: the ``meta``, ``link`` and ``title`` elements of ``sel.root``'s tree in
    document order, when the caller has them already.
    """
    tags: dict[str, list[str]] = {}
    root = sel.root
    if not hasattr(root, "iter"):
        return PageMeta(tags={})

    def elements(tag: str) -> Iterable[Any]:
        return root.iter(tag) if tagged is None else tagged.get(tag, ())

    for el in elements("meta"):
        attrib = el.attrib
        content = attrib.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = attrib.get(attr)
            if key:
                tags.setdefault(key.strip().lower(), []).append(content)
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    canonical = next(
        (
            el.get("href")
            for el in elements("link")
            if "canonical" in (el.get("rel") or "").lower().split() and el.get("href")
        ),
        None,
    )
    title = next((el.text_content() for el in elements("title")), None)
    return PageMeta(tags=tags, html_lang=lang, canonical=canonical, title=title)


#: Meta names (lower-case) per field, in preference order. OpenGraph/article:* first.
OG_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title",),
    "summary": ("og:description",),
    "image": ("og:image", "og:image:url", "og:image:secure_url"),
    "url": ("og:url",),
    "language": ("og:locale",),
    "published": ("article:published_time", "og:article:published_time"),
    "modified": ("article:modified_time", "og:article:modified_time", "og:updated_time"),
    "section": ("article:section", "og:article:section"),
    "tags": ("article:tag", "og:article:tag"),
    "authors": ("article:author", "og:article:author"),
    "site_name": ("og:site_name",),
}
META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("twitter:title", "parsely-title", "sailthru.title", "dc.title", "headline"),
    "summary": ("description", "twitter:description", "dc.description", "sailthru.description"),
    "image": ("twitter:image", "twitter:image:src", "parsely-image-url", "sailthru.image.full"),
    "language": ("content-language", "language", "dc.language", "inlanguage"),
    "published": (
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "published-date",
        "article.published",
        "parsely-pub-date",
        "sailthru.date",
        "dc.date.issued",
        "dcterms.issued",
        "dc.date",
        "dcterms.date",
        "date",
        "analyticsattributes.articledate",
    ),
    "modified": ("datemodified", "article.updated", "dcterms.modified", "last-modified"),
    "section": ("parsely-section", "section", "article.section", "sailthru.section"),
    "tags": ("news_keywords", "keywords", "parsely-tags", "sailthru.tags"),
    "authors": (
        "author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
        "articleauthor",
        "byl",
    ),
}

"""Article extraction: one page in, one ``Article``-shaped dict out.

Policy: every field is tried layer by layer and the first layer whose value
survives :class:`crawler.loaders.ArticleLoader`'s input processors wins; the
winning layer is recorded in ``provenance``. Layer order:

* most fields: site selectors -> JSON-LD -> microdata -> OpenGraph -> meta tags
  -> generic (headline ``<h1>``, ``<title>``, trafilatura);
* ``published``/``modified``: JSON-LD -> microdata -> OpenGraph -> meta, and only
  then the site's date selector, the date shown in the article's meta area
  (``visible``; never the page header's date widget), and htmldate (``generic``);
* ``authors``: site -> JSON-LD -> microdata -> OpenGraph -> meta -> byline text
  (``visible``); agencies found anywhere in them are passed to wire detection;
* ``language``: ``<html lang>``/content-language (``meta``) -> ``og:locale`` ->
  JSON-LD ``inLanguage`` -> the spider's language (``spider``);
* ``body``: the site's body selector through :func:`crawler.body.clean_container`,
  else trafilatura through :func:`crawler.body.clean_paragraph_texts`, else
  JSON-LD ``articleBody``.

``partial`` is true when JSON-LD/microdata or a paywall container says the
article is not free, or when the body held a paywall notice ("Il vous reste
75 % de cet article à lire").

The page is parsed once (a Scrapy response's tree is reused); trafilatura runs
only when the site gives no body, htmldate only when no other layer dates the
page. The layers themselves live in :mod:`crawler.layers`, :mod:`crawler.metadata`
and :mod:`crawler.generic`.

``stats`` (a :class:`collections.Counter` or a Scrapy stats collector) receives
``extraction/jsonld/broken`` (unreadable JSON-LD blocks), ``extraction/body/site``,
``extraction/body/generic``, ``extraction/body/none``, ``extraction/fallback/body``
(the site's body selector gave nothing) and ``extraction/fallback/date`` (htmldate
was consulted).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawler import metadata, urls
from crawler.items import ARTICLE_FIELDS, SCHEMA_VERSION
from crawler.layers import Candidate, Page
from crawler.loaders import ArticleLoader
from crawler.profile import GENERIC, SiteProfile
from crawler.text import clean_text, word_count
from crawler.wire import detect_wire, match_agency

if TYPE_CHECKING:
    from scrapy.http import TextResponse
    from scrapy.settings import BaseSettings

    from crawler.layers import Stats


def extract_article(
    html: bytes | str,
    url: str,
    *,
    profile: SiteProfile | None = None,
    settings: BaseSettings | None = None,
    stats: Stats | None = None,
) -> dict[str, Any]:
    """Extract an article from raw HTML fetched from ``url`` (``spider`` is None)."""
    if profile is None:
        from crawler.profiles import find_profile

        profile = find_profile(url, settings) or GENERIC
    if isinstance(html, bytes):
        _, html = html_to_unicode(None, html)
    return _assemble(Page(Selector(text=html), url, profile, stats), spider=None)


def extract_from_response(
    response: TextResponse, profile: SiteProfile, *, stats: Stats | None = None
) -> dict[str, Any]:
    """Extract from a Scrapy response, sharing its parsed tree; ``spider`` is the profile name."""
    page = Page(response.selector, response.url, profile, stats)
    return _assemble(page, spider=profile.name)


_SITE = frozenset({"site"})


def _modified(published: str | None, modified: str | None) -> str | None:
    """``modified`` unless it is the publication instant: pages that were never
    updated often repeat datePublished as dateModified, which says nothing."""
    if not modified or not published:
        return modified
    same = datetime.fromisoformat(modified) == datetime.fromisoformat(published)
    return None if same else modified


def _take(
    loader: ArticleLoader,
    provenance: dict[str, str],
    field: str,
    candidates: Iterable[Candidate],
    *,
    settle: frozenset[str] = frozenset(),
) -> None:
    """Feed layers in order until one value survives the input processors.

    A layer in ``settle`` that matched something ends the search even when
    nothing survived: a site's byline selector that holds only a desk or an
    agency ("Naharnet Newsdesk", "Beirut - AFP") means "no person", and later
    layers must not read a dateline or location as a name.
    """
    for layer, value in candidates:
        if callable(value):
            value = value()
        if value is None or value == "" or value == []:
            continue
        loader.add_value(field, value)
        if loader.get_collected_values(field) or layer in settle:
            provenance[field] = layer
            return


def _assemble(page: Page, spider: str | None) -> dict[str, Any]:
    """Run every layer and return the Article-shaped dict."""
    orgs = [name for _, node in page.nodes() for name in node.organizations]
    names = (page.outlet, *orgs, *metadata.outlet_names(page.jsonld))
    outlets = [n for n in names if n and match_agency(n) is None]
    provenance: dict[str, str] = {}
    loader = ArticleLoader(timezone=page.profile.timezone, outlet_names=outlets)
    _take(loader, provenance, "title", page.title_candidates())
    _take(loader, provenance, "summary", page.summary_candidates())
    _take(loader, provenance, "image", page.simple_candidates("image", "image"))
    _take(loader, provenance, "section", page.section_candidates())
    _take(loader, provenance, "tags", page.tag_candidates())
    author_layers = list(page.author_candidates())
    _take(loader, provenance, "authors", author_layers, settle=_SITE)
    _take(loader, provenance, "published", page.date_candidates("published"))
    _take(loader, provenance, "modified", page.date_candidates("modified"))
    _take(loader, provenance, "language", page.language_candidates())
    body_layer, body = page.body(loader.get_output_value("title"))
    paragraphs = [clean_text(p) for p in body.paragraphs]  # once, for the body and wire
    if body_layer is not None:
        _take(loader, provenance, "body", [(body_layer, "\n\n".join(p for p in paragraphs if p))])
    item = dict(loader.load_item())

    canonical, declared = urls.choose_canonical(page.url, page.declared_urls())
    provenance["url"] = page.canonical_layer(canonical)
    bylines = [clean_text(v) for _, values in author_layers for v in _strings(values)]
    wire = detect_wire(
        bylines=bylines,
        paragraphs=paragraphs,
        credit_lines=body.credit_lines,
        jsonld_orgs=orgs,
        captions=page.captions,
        outlet=page.outlet,
    )
    text = item.get("body") or ""
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": urls.article_id(canonical),
        "url": canonical,
        "fetched_url": page.url,
        "declared_canonical": declared,
        "site": urls.registrable_domain(canonical),
        "spider": spider,
        "source": dict(page.profile.source) if page.profile.source else None,
        "title": item.get("title"),
        "summary": item.get("summary"),
        "body": text,
        "authors": list(item.get("authors") or []),
        "published": item.get("published"),
        "modified": _modified(item.get("published"), item.get("modified")),
        "language": item.get("language"),
        "section": item.get("section"),
        "tags": list(item.get("tags") or []),
        "image": _absolute(page.base_url, item.get("image")),
        "wire": wire.agencies,
        "wire_evidence": wire.evidence,
        "related_urls": page.related_urls(body.related_urls, canonical),
        "word_count": word_count(text),
        "partial": page.partial or bool(body.removed.get("paywall")),
        "crawled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "provenance": dict(provenance),
    }
    return {key: out.get(key) for key in ARTICLE_FIELDS}


def _absolute(base: str, value: str | None) -> str | None:
    if not value:
        return None
    absolute = urljoin(base, value)
    return absolute if absolute.startswith(("http://", "https://")) else None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []

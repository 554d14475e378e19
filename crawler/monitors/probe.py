"""One article page: what the site's selectors extract against the page's own metadata.

Policy, per field (values go through :class:`crawler.loaders.ArticleLoader`, as in a
crawl; the reference is the first of JSON-LD, microdata and OpenGraph that has one):

* ``title``: the selector must match (else **broken**) and agree with the reference
  (same text after case/punctuation folding, one containing the other, or a
  similarity of at least :data:`TITLE_SIMILARITY`; else **degraded**).
* ``body``: the selector must yield paragraphs (else **broken**, the body falls back to
  the generic layer) and at least ``min_words`` words (else broken); its length is
  compared with the reference (JSON-LD ``articleBody``, else the generic layer):
  under :data:`BODY_MIN_RATIO` or over :data:`BODY_MAX_RATIO` times it is **degraded**.
* ``published``: when the site has a date selector, it must match when the reference
  has a date, and agree with it within :data:`DATE_TOLERANCE` (else degraded).
* ``authors``: when the site has an authors selector and the reference names persons,
  the selector must find at least one of them (else degraded). A page whose metadata
  names nobody (desk or agency copy) is fine either way.

A field the spider has no selector for is ``n/a``: the metadata layers serve it by
design.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from parsel import Selector

from crawler import body as body_mod
from crawler import generic, metadata
from crawler.layers import Candidate, Page
from crawler.loaders import ArticleLoader
from crawler.profile import SiteProfile
from crawler.text import join_paragraphs, word_count
from crawler.wire import match_agency

__all__ = ["FieldProbe", "PageProbe", "probe_page"]

#: Layers that hold the page's own description of itself.
REFERENCE_LAYERS = ("jsonld", "microdata", "opengraph")
TITLE_SIMILARITY = 0.85
BODY_MIN_RATIO = 0.5
BODY_MAX_RATIO = 3.0
DATE_TOLERANCE = timedelta(hours=24)
_FOLD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass
class FieldProbe:
    """One field: status (``ok``, ``degraded``, ``broken``, ``n/a``), both values, why."""

    field: str
    status: str
    site: Any = None
    reference: Any = None
    reference_layer: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PageProbe:
    url: str
    fields: dict[str, FieldProbe] = field(default_factory=dict)


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.casefold()).strip()


def similar_titles(a: str, b: str) -> bool:
    """Same headline, allowing for punctuation, case, and a kicker or site name around it."""
    fa, fb = _fold(a), _fold(b)
    if not fa or not fb:
        return False
    if fa == fb or fa in fb or fb in fa:
        return True
    return SequenceMatcher(None, fa, fb).ratio() >= TITLE_SIMILARITY


def _short(value: Any, limit: int = 80) -> str:
    text = ", ".join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Loader:
    """Runs raw candidate values through the crawl's loader processors."""

    def __init__(self, page: Page) -> None:
        outlets = [page.outlet, *metadata.outlet_names(page.jsonld)]
        self.timezone = page.profile.timezone
        self.outlets = [n for n in outlets if n and match_agency(n) is None]

    def value(self, name: str, raw: Any) -> Any:
        if callable(raw):
            raw = raw()
        if raw is None or raw == "" or raw == []:
            return None
        loader = ArticleLoader(timezone=self.timezone, outlet_names=self.outlets)
        loader.add_value(name, raw)
        out = loader.get_output_value(name)
        return out or None

    def first(self, name: str, candidates: Any, layers: tuple[str, ...]) -> tuple[Any, str | None]:
        for layer, raw in candidates:
            if layer in layers:
                value = self.value(name, raw)
                if value:
                    return value, layer
        return None, None


def _site(loader: _Loader, name: str, candidates: list[Candidate]) -> Any:
    value, _ = loader.first(name, candidates, ("site",))
    return value


def _title(page: Page, loader: _Loader) -> FieldProbe:
    candidates = list(page.title_candidates())
    ref, ref_layer = loader.first("title", candidates, REFERENCE_LAYERS)
    probe = FieldProbe("title", "n/a", None, ref, ref_layer)
    css = page.profile.selectors.get("title")
    if not css:
        return probe
    probe.site = _site(loader, "title", candidates)
    if not probe.site:
        probe.status, probe.reason = "broken", f"title selector {css!r} matched nothing"
    elif ref and not similar_titles(probe.site, ref):
        probe.status = "degraded"
        probe.reason = f"title {_short(probe.site)!r} differs from {ref_layer} {_short(ref)!r}"
    else:
        probe.status = "ok"
    return probe


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _published(page: Page, loader: _Loader) -> FieldProbe:
    candidates = list(page.date_candidates("published"))
    ref, ref_layer = loader.first("published", candidates, REFERENCE_LAYERS)
    probe = FieldProbe("published", "n/a", None, ref, ref_layer)
    css = page.profile.selectors.get("published")
    if not css:
        return probe
    probe.site = _site(loader, "published", candidates)
    site_at, ref_at = _instant(probe.site), _instant(ref)
    if not probe.site:
        probe.status = "degraded" if ref else "ok"
        probe.reason = f"date selector {css!r} matched nothing" if ref else None
    elif site_at and ref_at and abs(site_at - ref_at) > DATE_TOLERANCE:
        probe.status = "degraded"
        probe.reason = f"date {probe.site} differs from {ref_layer} {ref}"
    else:
        probe.status = "ok"
    return probe


def _authors(page: Page, loader: _Loader) -> FieldProbe:
    candidates = list(page.author_candidates())
    ref, ref_layer = loader.first("authors", candidates, REFERENCE_LAYERS)
    probe = FieldProbe("authors", "n/a", None, ref, ref_layer)
    css = page.profile.selectors.get("authors")
    if not css:
        return probe
    probe.site = _site(loader, "authors", candidates)
    if not ref:
        probe.status = "ok"
    elif not probe.site:
        probe.status = "degraded"
        probe.reason = f"authors selector {css!r} found nobody; {ref_layer} names {_short(ref)}"
    elif not {_fold(a) for a in probe.site} & {_fold(a) for a in ref}:
        probe.status = "degraded"
        probe.reason = f"authors {_short(probe.site)} share no name with {ref_layer} {_short(ref)}"
    else:
        probe.status = "ok"
    return probe


def _body(page: Page, loader: _Loader, title: str | None, min_words: int) -> FieldProbe:
    css = page.profile.selectors.get("body")
    layer, result = page.body(title)
    words = word_count(join_paragraphs(result.paragraphs))
    ld_text = page.ld.article_body if page.ld is not None else None
    if ld_text:
        ref, ref_layer = word_count(ld_text), "jsonld"
    elif layer == "generic":
        ref, ref_layer = words, "generic"
    else:
        paragraphs = generic.trafilatura_paragraphs(page.sel, page.url, scope=page.scope)
        cleaned = body_mod.clean_paragraph_texts(paragraphs, title=title)
        ref, ref_layer = word_count(join_paragraphs(cleaned.paragraphs)), "generic"
    probe = FieldProbe("body", "n/a", None, ref or None, ref_layer if ref else None)
    if not css:
        return probe
    probe.site = words if layer == "site" else 0
    if layer != "site":
        probe.status = "broken"
        probe.reason = f"body selector {css!r} gave no paragraphs (body came from {layer})"
    elif words < min_words:
        probe.status = "broken"
        probe.reason = f"body selector {css!r} gave {words} words (< {min_words})"
    elif ref and words < BODY_MIN_RATIO * ref:
        probe.status = "degraded"
        probe.reason = f"site body has {words} words, {ref_layer} {ref}"
    elif ref and words > BODY_MAX_RATIO * ref:
        probe.status = "degraded"
        probe.reason = f"site body has {words} words, {ref_layer} only {ref}"
    else:
        probe.status = "ok"
    return probe


def probe_page(sel: Selector, url: str, profile: SiteProfile, *, min_words: int) -> PageProbe:
    """Compare the profile's selectors with the page's metadata, field by field."""
    page = Page(sel, url, profile)
    loader = _Loader(page)
    title = _title(page, loader)
    fields = {
        "title": title,
        "published": _published(page, loader),
        "authors": _authors(page, loader),
        "body": _body(page, loader, title.site or title.reference, min_words),
    }
    return PageProbe(url, fields)

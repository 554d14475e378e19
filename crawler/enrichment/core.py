"""``enrich_article``: the analyst fields of one article, offline.

The text is the title, standfirst and body joined by blank lines. It is tokenized
once and scanned once by a trie holding every geographic, actor and event alias,
each in its own layer (see their modules for the policies). The indexes are made
once per process, on first use (:func:`matchers`): loaded from a disk cache, or built
(the GeoNames cities are read then) and stored there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from crawler.enrichment.actors import ARMED_KINDS, Actor, actors_in, build_actor_trie
from crawler.enrichment.cache import cached
from crawler.enrichment.events import EventIndex, build_event_index, event_types
from crawler.enrichment.gazetteer import Gazetteer, build_gazetteer
from crawler.enrichment.geo import GeoResult, resolve_geo
from crawler.enrichment.relevance import (
    RelevanceInputs,
    relevance,
    section_hint,
    security_words,
)
from crawler.enrichment.tokens import tokenize
from crawler.enrichment.trie import LayeredTrie

#: Article fields set by enrichment.
ENRICH_FIELDS: tuple[str, ...] = (
    "countries",
    "primary_country",
    "places",
    "actors",
    "event_types",
    "relevance",
)


@dataclass(frozen=True, slots=True)
class Matchers:
    gazetteer: Gazetteer
    events: EventIndex
    trie: LayeredTrie  # layers: geography, actors, events


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything found in one article, before it is flattened into fields."""

    geo: GeoResult
    actors: list[Actor]
    events: list[dict[str, Any]]
    inputs: RelevanceInputs

    def fields(self) -> dict[str, Any]:
        return {
            "countries": self.geo.countries,
            "primary_country": self.geo.primary_country,
            "places": self.geo.places,
            "actors": [a.as_dict() for a in self.actors],
            "event_types": self.events,
            "relevance": relevance(self.inputs),
        }


def build_matchers() -> Matchers:
    """The compiled indexes, built from the data (about 0.3 s of CPU)."""
    gazetteer, events = build_gazetteer(), build_event_index()
    return Matchers(
        gazetteer, events, LayeredTrie([gazetteer.trie, build_actor_trie(), events.trie])
    )


@cache
def matchers() -> Matchers:
    """The compiled indexes: on first call loaded from the disk cache, or built and
    stored there (:mod:`crawler.enrichment.cache`); then shared by the process."""
    return cached(build_matchers, Matchers)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def analyse(article: Mapping[str, Any]) -> Analysis:
    """Countries, places, actors, events and relevance inputs of an article dict."""
    m = matchers()
    title = _text(article.get("title")).strip()
    parts = [title, _text(article.get("summary")).strip(), _text(article.get("body")).strip()]
    tokens = tokenize("\n\n".join(p for p in parts if p))
    geo_matches, actor_matches, event_matches = m.trie.scan(tokens.surfaces)
    title_tokens = tokens.tokens_before(len(title)) if title else 0
    geo = resolve_geo(
        tokens,
        geo_matches,
        m.gazetteer,
        title_tokens=title_tokens,
        actor_spans=[(a.start, a.end) for a in actor_matches],
    )
    actors = actors_in(actor_matches)
    events = event_types(tokens, event_matches, m.events)

    tags = article.get("tags")
    labels = [_text(article.get("section")), *(tags if isinstance(tags, list) else [])]
    armed = sum(1 for a in actors if a.kind in ARMED_KINDS)
    region = m.gazetteer.region
    inputs = RelevanceInputs(
        event_types=len(events),
        armed_actors=armed,
        other_actors=len(actors) - armed,
        security_words=security_words(tokens.surfaces),
        hint=section_hint(str(label) for label in labels),
        in_region=geo.region_mentions > 0 or any(a.country in region for a in actors),
    )
    return Analysis(geo, actors, events, inputs)


def enrich_article(article: Mapping[str, Any]) -> dict[str, Any]:
    """The enrichment fields (``ENRICH_FIELDS``) of an article dict; the article is
    not modified. Reads ``title``, ``summary``, ``body``, ``section`` and ``tags``."""
    return analyse(article).fields()

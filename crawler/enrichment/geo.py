"""Countries and places of one text, from the gazetteer's matches.

Policy, in order:

1. Negative phrases ("Damascus steel", "Turkey prices", "Gulf of Aden") hide what they
   cover.
2. People's names: an alias listed in ``person_names`` (Jordan, Israel, Georgia, Chad,
   Washington...) is a person when the word before it is a capitalised word that is not
   a function word ("Michael Jordan") or the word after it is a capitalised word that
   does not belong to a name of an institution or place ("Jordan Henderson", but
   "Israel Defense Forces", "Jordan Valley"); both word lists are ``person_context`` in
   ``countries.json``. Acronyms and other geographic names next to it do not count.
   Not applied in title-case lines (headlines), where every word is capitalised. Once
   a name has been a person in the text, its other mentions count only when another
   name supports the same country ("Michael Jordan ... Jordan scored").
3. "X, <US state>": a place followed by a comma and a US state name or abbreviation is
   that US place ("Lebanon, Pennsylvania", "Medina, Ohio", "Athens, Georgia").
4. A name with several readings (Tripoli: Libya or Lebanon; Georgia: the country or the
   US state; Rafah: Gaza or Egypt) takes the country with the most support in the text:
   2 points per unambiguous mention of that country, 1 per cue word from
   ``countries.json`` (Benghazi, Haftar... for Libya; Beirut, Hezbollah... for Lebanon).
   A tie goes to the larger place (Tripoli -> Libya), except for names marked
   ``needs_cue`` (Georgia), which are dropped.
5. Inside an actor's name only country names count ("Islamic Resistance in Iraq" names
   Iraq; the "Shuhada" of "Kataib Sayyid al-Shuhada" is not a town).

``countries`` is ordered by weight: a place counts 2, a country name or capital 1, a
demonym 0.5, and mentions in the title twice; the first is ``primary_country``.
``places`` lists each city, town, site, region or governorate once, in text order.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from crawler.enrichment.gazetteer import COUNTRY_KINDS, Gazetteer, GeoTarget
from crawler.enrichment.tokens import Tokens
from crawler.enrichment.trie import Match

_COMMA_GAP = re.compile(r"\s*,\s*")
_PLACE_WEIGHT, _NAME_WEIGHT, _DEMONYM_WEIGHT = 2.0, 1.0, 0.5
_US_PLACE = GeoTarget("us_state", "US")
_start = itemgetter(0)  # of a Match
_target = attrgetter("target")  # of an Alias


def _rank(target: GeoTarget) -> float:
    return target.rank


@dataclass(slots=True)
class Mention:
    start: int  # token index
    end: int
    targets: list[GeoTarget]
    chosen: GeoTarget | None = None
    forced_us: bool = False


@dataclass(slots=True)
class GeoResult:
    countries: list[str]
    primary_country: str | None
    places: list[dict[str, Any]]
    region_mentions: int


def _title_case(tokens: Tokens, sentence: int) -> bool:
    words = [tokens.surfaces[i] for i in tokens.sentence_tokens(sentence)]
    long_words = [w for w in words if len(w) >= 4 and w.isalpha()]
    if len(long_words) < 4:
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised / len(long_words) >= 0.8


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _person_context(
    tokens: Tokens, match: Match, geo_starts: Container[int], gazetteer: Gazetteer
) -> bool:
    surfaces = tokens.surfaces
    before, after = match.start - 1, match.end
    sides: list[tuple[int, int]] = []  # (left, right) token pairs to check for a space
    if before >= 0:
        word = surfaces[before]
        if (
            _capitalised(word)
            and not word.isupper()
            and word.casefold() not in gazetteer.safe_before
            and before not in geo_starts
        ):
            sides.append((before, match.start))
    if after < len(tokens):
        word = surfaces[after]
        if (
            _capitalised(word)
            and not word.isupper()
            and word.casefold() not in gazetteer.safe_after
            and after not in geo_starts
        ):
            sides.append((match.end - 1, after))
    if not any(tokens.gap(left, right).isspace() for left, right in sides):
        return False
    return not _title_case(tokens, tokens.sentence_of(match.start))


def _is_state(match: Match) -> bool:
    return any(a.target.kind == "us_state" for a in match.aliases)


def _mentions(
    tokens: Tokens, matches: list[Match], gazetteer: Gazetteer, actor_spans: list[tuple[int, int]]
) -> list[Mention]:
    owner = {t: k for k, (start, end) in enumerate(actor_spans) for t in range(start, end)}
    by_start = dict(zip(map(_start, matches), matches, strict=True))  # keys: geo starts
    person_surfaces: set[str] = set()
    mentions: list[Mention] = []
    forced: set[int] = set()
    surfaces = tokens.surfaces
    n = len(surfaces)
    abbreviations = gazetteer.state_abbreviations
    for match in matches:
        start, after, aliases = match
        targets = list(map(_target, aliases))
        if targets[0].kind == "negative":
            continue
        if owner:
            inside = owner.get(start)
            if inside is not None and owner.get(after - 1) == inside:
                targets = [t for t in targets if t.kind in COUNTRY_KINDS]
                if not targets:
                    continue
        person = any(t.person_name for t in targets) if len(targets) > 1 else targets[0].person_name
        if person and _person_context(tokens, match, by_start, gazetteer):
            person_surfaces.add(_surface(surfaces, start, after))
            continue
        mention = Mention(start, after, targets, None, start in forced)
        if after < n:
            state = by_start.get(after)
            if (
                (state is not None and _is_state(state)) or surfaces[after] in abbreviations
            ) and _COMMA_GAP.fullmatch(tokens.gap(after - 1, after)):
                mention.forced_us = True
                forced.add(after)
        mentions.append(mention)
    _resolve(tokens, mentions, gazetteer)
    if person_surfaces:
        _drop_person_names(mentions, person_surfaces, surfaces)
    return [m for m in mentions if m.chosen is not None]


def _resolve(tokens: Tokens, mentions: list[Mention], gazetteer: Gazetteer) -> None:
    support: dict[str, int] = {}
    for m in mentions:
        targets = m.targets
        if m.forced_us:
            m.chosen = _US_PLACE
        elif len(targets) == 1:
            if targets[0].needs_cue:
                continue
            m.chosen = targets[0]
        elif len({t.country for t in targets}) == 1 and not targets[0].needs_cue:
            m.chosen = max(targets, key=_rank)
        else:
            continue
        support[m.chosen.country] = support.get(m.chosen.country, 0) + 1
    cue_hits: dict[str, int] | None = None
    for m in mentions:
        if m.chosen is not None or m.forced_us:
            continue
        if cue_hits is None:
            cue_hits = _cue_hits(tokens, gazetteer)
        scores: dict[str, float] = {}
        for t in m.targets:
            scores[t.country] = 2 * support.get(t.country, 0) + cue_hits.get(t.country, 0)
        top = max(scores.values())
        leaders = [t for t in m.targets if scores[t.country] == top]
        undecided = len({t.country for t in leaders}) > 1 or top == 0
        if undecided and any(t.needs_cue for t in leaders):
            continue
        m.chosen = max(leaders, key=_rank)


def _cue_hits(tokens: Tokens, gazetteer: Gazetteer) -> dict[str, int]:
    """Per country, how many distinct cue words of ``countries.json`` the text holds."""
    found: dict[str, set[str]] = {}
    for hit in map(gazetteer.cue_of, tokens.words()):
        if hit is not None:
            key, codes = hit
            for code in codes:
                found.setdefault(code, set()).add(key)
    return {code: len(keys) for code, keys in found.items()}


def _surface(surfaces: list[str], start: int, end: int) -> str:
    """The casefolded words of tokens ``start`` to ``end``, joined by spaces."""
    return " ".join(surfaces[start:end]).casefold()


def _drop_person_names(
    mentions: list[Mention], person_surfaces: set[str], surfaces: list[str]
) -> None:
    person = [_surface(surfaces, m.start, m.end) in person_surfaces for m in mentions]
    for m, is_person in zip(mentions, person, strict=True):
        if m.chosen is None or not is_person:
            continue
        country = m.chosen.country
        others = any(
            o.chosen is not None and o.chosen.country == country and not o_person
            for o, o_person in zip(mentions, person, strict=True)
        )
        if not others:
            m.chosen = None


def resolve_geo(
    tokens: Tokens,
    matches: list[Match],
    gazetteer: Gazetteer,
    *,
    title_tokens: int = 0,
    actor_spans: list[tuple[int, int]] | None = None,
) -> GeoResult:
    """Countries, primary country and places of a text (see module docstring).
    ``title_tokens``: how many leading tokens are the title; ``actor_spans``: token
    spans of actor names."""
    mentions = _mentions(tokens, matches, gazetteer, actor_spans or [])
    weights: dict[str, float] = {}
    places: dict[str, dict[str, Any]] = {}
    region_mentions = 0
    for m in mentions:
        target = m.chosen
        assert target is not None
        if target.place is not None and not m.forced_us:
            weight = _PLACE_WEIGHT
            if target.place.id not in places:
                places[target.place.id] = target.place.as_dict()
        elif target.kind == "demonym":
            weight = _DEMONYM_WEIGHT
        else:
            weight = _NAME_WEIGHT if target.kind in COUNTRY_KINDS else _PLACE_WEIGHT
        if m.start < title_tokens:
            weight *= 2
        weights[target.country] = weights.get(target.country, 0.0) + weight
        if target.country in gazetteer.region:
            region_mentions += 1
    countries = sorted(weights, key=lambda code: -weights[code])  # stable: text order on ties
    return GeoResult(
        countries=countries,
        primary_country=countries[0] if countries else None,
        places=list(places.values()),
        region_mentions=region_mentions,
    )

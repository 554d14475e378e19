"""Wire-agency attribution.

The rule: an agency is listed in ``agencies`` (the item's ``wire``) only when the
page *credits* it for the copy:

- a byline naming it ("AFP", "By Reuters Staff", "Le Monde with AFP",
  "Jane Doe, Reuters");
- a dateline in the first paragraphs ("BAGHDAD (AFP) —", "Beirut (Reuters) -",
  "ANKARA (AA) -", "بغداد (أ ف ب) -"), the place optionally followed by a
  country, region or date ("GAZA CITY, Gaza Strip (AP) —", "TEL AVIV, Israel
  (Reuters) -", "KATHMANDU, April 25 (Reuters) -") or a state abbreviation
  ("LA CROSSE, Wis. (AP) —", "WASHINGTON, D.C. (AP) —");
- a credit line ("The world with AFP", "with AFP", "— AFP", "© 2024 AFP",
  "© Agence France-Presse", "(Reuters)", "AP contributed to this report"),
  or a parenthesised agency closing the last paragraph ("… (AFP)");
- JSON-LD author/publisher/sourceOrganization/copyrightHolder naming it.

Running-text mentions ("told AFP", "according to Reuters", "AFP reported") are
kept as evidence with strength ``"mention"`` and do not make a page wire copy.
Photo-caption credits ("Photo: AFP", "REUTERS/Jane Doe") are evidence of kind
``"caption"``, strength ``"mention"``: a wire photo on a staff story is common.
The outlet's own agency (an Anadolu spider publishing Anadolu copy) is never wire.

Short all-caps aliases ("AP", "AA", "ANI", "SPA", "WAM", "INA", …) count only in
strict contexts (dateline parentheses, a whole byline, a credit line, a JSON-LD
name, a caption token), never as substrings or in running text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.agencies import AGENCIES, _named, _window, clear_caches, match_agency

__all__ = [
    "AGENCIES",
    "WireResult",
    "byline_agencies",
    "credit_line_agencies",
    "dateline_agencies",
    "detect_wire",
    "match_agency",
    "register_agencies",
]

#: Lower-case words allowed in the outlet part of "<Outlet> with AFP".
_OUTLET_WORDS = frozenset({"the", "world", "of", "de", "du", "la", "le", "les", "des", "and"})


@dataclass
class WireResult:
    """Agencies credited for the copy, and every piece of evidence seen."""

    agencies: list[str] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)


def register_agencies(extra: Mapping[str, Iterable[str]]) -> None:
    """Add agencies or aliases (e.g. from the ``WIRE_AGENCIES_EXTRA`` setting)."""
    for canonical, aliases in extra.items():
        AGENCIES[canonical] = tuple(dict.fromkeys((*AGENCIES.get(canonical, ()), *aliases)))
    clear_caches()
    _credit_line_agencies.cache_clear()
    _byline_agencies.cache_clear()


_THE = re.compile(r"^the\s+", re.I)


# -- Credit lines -------------------------------------------------------------

_LIST_SEP = re.compile(r"\s*(?:[/,&+،]|\band\b|\bet\b|\s+و\s*)\s*", re.I)
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)|copyright\b)\s*(?:\d{4}\s*)?[,-]?\s*", re.I)
_SOURCE = re.compile(r"^\s*(?:source|sources|via|المصدر|المصادر)\s*[:：]\s*", re.I)
_TRAILERS = re.compile(
    r"[\s.,;]*(?:all rights reserved|tous droits réservés|جميع الحقوق محفوظة"
    r"|contributed(?: reporting)?(?: to this (?:report|story|article))?"
    r"|a contribué à cet article)\W*$",
    re.I,
)
_WITH = re.compile(r"^(?P<outlet>(?:[^\s.!?;:]+\s+){0,4}?)(?:with|avec|مع)\s+(?P<list>.+)$", re.I)
_REPORTING_FROM = re.compile(
    r"^\s*(?:additional\s+|with\s+)?reporting\s+(?:by|from)\s+(?P<list>.+)$", re.I
)
_BYLINE_LEAD = re.compile(r"^\s*(?:by|par|بقلم|from)\s*[:\s]\s*", re.I)
_ROLE_SUFFIX = re.compile(
    r"\s+(?:staff(?:\s+writers?)?|team|desk|news\s+desk|reporters?|correspondents?|journalists?"
    r"|writers?|editors?|bureau|agency|wire)\s*$",
    re.I,
)


def _agency_list(text: str) -> list[str] | None:
    """Agencies when ``text`` is a list made only of agency names, else None."""
    text = text.strip(" \t\n.;:()[]—–-|")
    if not text or len(text) > 120:
        return None
    found: list[str] = []
    for part in _LIST_SEP.split(text):
        if not part.strip():
            continue
        agency = match_agency(part) or match_agency(_THE.sub("", part))
        if agency is None:
            return None
        if agency not in found:
            found.append(agency)
    return found or None


def credit_line_agencies(text: str) -> list[str]:
    """Agencies credited when the whole ``text`` is a credit line, else ``[]``.

    ``"The world with AFP"``, ``"Le Monde avec AFP"``, ``"— AFP"``, ``"© 2024 AFP"``,
    ``"Copyright 2024 The Associated Press. All rights reserved."``, ``"(Reuters)"``,
    ``"AFP/Reuters"``, ``"Reuters contributed to this report"``.
    A sentence that merely names an agency returns ``[]``.
    """
    line = text.strip()
    if not line or len(line) > 160:
        return []
    return list(_credit_line_agencies(line))


@lru_cache(maxsize=4096)
def _credit_line_agencies(line: str) -> tuple[str, ...]:
    """:func:`credit_line_agencies` of a stripped line of at most 160 characters (cached:
    body rules and wire detection both ask, and short lines recur from page to page)."""
    return tuple(_credit_line_list(line))


def _credit_line_list(line: str) -> list[str]:
    line = _SOURCE.sub("", _COPYRIGHT.sub("", line))
    line = _TRAILERS.sub("", line)
    found = _agency_list(line)
    if found:
        return found
    match = _REPORTING_FROM.match(line)
    if match:
        return _agency_list(match.group("list")) or []
    match = _WITH.match(line.strip(" ()[]"))
    if match and all(
        not word[:1].islower() or word.casefold() in _OUTLET_WORDS
        for word in match.group("outlet").split()
    ):
        return _agency_list(match.group("list")) or []
    return []


def byline_agencies(text: str) -> list[str]:
    """Agencies named by a byline: "AFP", "By Reuters Staff", "Jane Doe, Reuters"."""
    return list(_byline_agencies(text))


@lru_cache(maxsize=4096)
def _byline_agencies(text: str) -> tuple[str, ...]:
    """:func:`byline_agencies` (cached: a site's bylines and outlet names recur)."""
    found = credit_line_agencies(text)
    if found:
        return tuple(found)
    line = _BYLINE_LEAD.sub("", text.strip())
    found = []
    for part in _LIST_SEP.split(line):
        part = _ROLE_SUFFIX.sub("", part.strip())
        agency = match_agency(part) if part else None
        if agency and agency not in found:
            found.append(agency)
    return tuple(found)


# -- Datelines ------------------------------------------------------------

_DATELINE = re.compile(
    r"^\s*(?P<place>[^()\n]{0,80}?)\s*(?P<lead>[-–—:|])?\s*\((?P<ag>[^()\n]{1,60})\)"
    r"\s*(?P<trail>[-–—:|])?"
)
#: "LA CROSSE, Wis.", "WASHINGTON, D.C.", "ST. PAUL, Minn.": a capitalised place
#: closed by a state or region abbreviation, the one dateline place that ends in ".".
_ABBREVIATED_PLACE = re.compile(r"^(?P<city>[^,]+),\s*(?:[A-Z][a-z]{1,4}|(?:[A-Z]\.){1,2}[A-Z])\.$")
_TRAILING_PAREN = re.compile(r"[(\[]\s*(?P<ag>[^()\[\]\n]{1,60})\s*[)\]]\W*$")


def dateline_agencies(paragraph: str) -> tuple[list[str], int]:
    """Agencies in a leading dateline and where the dateline ends (0 if none)."""
    if "(" not in paragraph:  # the dateline's parentheses
        return [], 0
    match = _DATELINE.match(paragraph)
    if not match:
        return [], 0
    agencies = _agency_list(match.group("ag"))
    if not agencies:
        return [], 0
    place = match.group("place").strip(" ,")
    abbreviated = _ABBREVIATED_PLACE.match(place)
    if abbreviated and all(w[:1].isupper() for w in abbreviated.group("city").split()):
        place = abbreviated.group("city")  # "LA CROSSE, Wis." reads as "LA CROSSE"
    if (
        len(place.split()) > 5
        or place.endswith((".", "!", "?", "؟"))
        or not paragraph[match.end() :].strip()
    ):
        return [], 0
    caps_place = _upper(place)
    arabic_place = bool(re.search(r"[\u0600-\u06ff]", place))
    if not (match.group("lead") or match.group("trail") or caps_place or arabic_place):
        return [], 0
    return agencies, match.end()


def _upper(text: str) -> bool:
    return bool(text) and text.upper() == text and any(c.isalpha() for c in text)


# -- Detection ----------------------------------------------------------------


def _jsonld_names(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key in ("name", "legalName", "alternateName"):
            if isinstance(value.get(key), (str, list)):
                yield from _jsonld_names(value[key])
        for key in ("author", "publisher", "sourceOrganization", "copyrightHolder", "creator"):
            if key in value:
                yield from _jsonld_names(value[key])
    elif isinstance(value, Sequence):
        for item in value:
            yield from _jsonld_names(item)


def detect_wire(
    *,
    bylines: Iterable[str] = (),
    paragraphs: Sequence[str] = (),
    credit_lines: Iterable[str] = (),
    jsonld_orgs: Iterable[object] = (),
    captions: Iterable[str] = (),
    outlet: str | None = None,
    dateline_paragraphs: int = 3,
) -> WireResult:
    """Apply the module rule; agencies are canonical, deduped, in order of first credit.

    Evidence order: bylines, datelines, credit lines, JSON-LD, closing credits,
    then mentions and captions.
    """
    result = WireResult()
    own = match_agency(outlet) if outlet else None
    seen: set[tuple[str, ...]] = set()

    def add(agency: str, kind: str, text: str, strength: str) -> None:
        # mentions: one per agency and kind; credits: one per distinct text
        key = (agency, kind) if strength == "mention" else (agency, kind, text)
        if agency == own or key in seen:
            return
        seen.add(key)
        result.evidence.append(
            {"agency": agency, "kind": kind, "text": _window(text), "strength": strength}
        )
        if strength == "credit" and agency not in result.agencies:
            result.agencies.append(agency)

    for byline in bylines:
        for agency in byline_agencies(byline):
            add(agency, "byline", byline, "credit")
    body_start: dict[int, int] = {}
    for index, paragraph in enumerate(paragraphs[:dateline_paragraphs]):
        agencies, end = dateline_agencies(paragraph)
        for agency in agencies:
            add(agency, "dateline", paragraph, "credit")
        if end:
            body_start[index] = end
    for line in credit_lines:
        for agency in credit_line_agencies(line):
            add(agency, "credit", line, "credit")
    for org in jsonld_orgs:
        for name in _jsonld_names(org):
            for agency in byline_agencies(name):
                add(agency, "jsonld", name, "credit")
    credit_paragraphs: set[int] = set()
    for index, paragraph in enumerate(paragraphs):
        found = credit_line_agencies(paragraph)
        if not found and index >= len(paragraphs) - 2:
            trailing = _TRAILING_PAREN.search(paragraph)
            found = (_agency_list(trailing.group("ag")) or []) if trailing else []
        if found:
            credit_paragraphs.add(index)
        for agency in found:
            add(agency, "credit", paragraph, "credit")
    for index, paragraph in enumerate(paragraphs):
        if index not in credit_paragraphs:
            for agency, sentence in _named(paragraph[body_start.get(index, 0) :]):
                add(agency, "mention", sentence, "mention")
    for caption in captions:
        for agency, _ in _named(caption, caption=True):
            add(agency, "caption", caption, "mention")
    return result

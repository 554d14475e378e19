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

from crawler.alternation import grouped
from crawler.text import Needles, needle_char

#: Canonical agency name -> names and aliases (English, French, Arabic).
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "France-Presse", "أ ف ب",
            "أ.ف.ب", "ا ف ب", "فرانس برس", "وكالة الصحافة الفرنسية"),
    "Reuters": ("Reuters", "Thomson Reuters", "رويترز"),
    "AP": ("AP", "Associated Press", "The Associated Press", "أسوشيتد برس", "أسوشييتد برس"),
    "Anadolu": ("Anadolu", "Anadolu Agency", "Anadolu Ajansı", "AA", "الأناضول", "وكالة الأناضول"),
    "dpa": ("dpa", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "Xinhua": ("Xinhua", "Xinhua News Agency", "شينخوا"),
    "ANI": ("ANI", "Asian News International"),
    "IRNA": ("IRNA", "Islamic Republic News Agency", "إرنا"),
    "WAM": ("WAM", "Emirates News Agency", "وام", "وكالة أنباء الإمارات"),
    "SPA": ("SPA", "Saudi Press Agency", "واس", "وكالة الأنباء السعودية"),
    "KUNA": ("KUNA", "Kuwait News Agency", "كونا"),
    "QNA": ("QNA", "Qatar News Agency", "قنا"),
    "SANA": ("SANA", "Syrian Arab News Agency", "سانا"),
    "INA": ("INA", "Iraqi News Agency", "واع", "وكالة الأنباء العراقية"),
    "NNA": ("NNA", "National News Agency", "الوكالة الوطنية للإعلام"),
    "MENA": ("MENA", "Middle East News Agency", "أ ش أ", "وكالة أنباء الشرق الأوسط"),
    "UPI": ("UPI", "United Press International"),
    "Bloomberg": ("Bloomberg",),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "TASS": ("TASS",),
    "Tasnim": ("Tasnim", "Tasnim News Agency", "تسنيم"),
    "Fars": ("Fars", "Fars News Agency", "فارس"),
}  # fmt: skip

#: Aliases also trusted in running text (for "mention" evidence): short
#: all-caps forms and names that double as words or person names are not.
_RUNNING_TEXT_SHORT = frozenset({"AFP", "IRNA"})
_NOT_IN_RUNNING_TEXT = frozenset(
    {"Fars", "Tasnim", "فارس", "تسنيم", "قنا", "وام", "واس", "واع", "كونا", "سانا"}
)
#: Lower-case words allowed in the outlet part of "<Outlet> with AFP".
_OUTLET_WORDS = frozenset({"the", "world", "of", "de", "du", "la", "le", "les", "des", "and"})

_MAX_EVIDENCE = 200


@dataclass
class WireResult:
    """Agencies credited for the copy, and every piece of evidence seen."""

    agencies: list[str] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)


def register_agencies(extra: Mapping[str, Iterable[str]]) -> None:
    """Add agencies or aliases (e.g. from the ``WIRE_AGENCIES_EXTRA`` setting)."""
    for canonical, aliases in extra.items():
        AGENCIES[canonical] = tuple(dict.fromkeys((*AGENCIES.get(canonical, ()), *aliases)))
    _alias_index.cache_clear()
    _mention_regexes.cache_clear()
    _running_text_needles.cache_clear()
    _credit_line_agencies.cache_clear()


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, aliases in AGENCIES.items():
        for alias in (canonical, *aliases):
            index[_key(alias)] = canonical
    return index


_NAME_SEP = re.compile(r"[\s.\-]+")
_NAME_LEAD = re.compile(r"^\s*(?:by|with|par|avec|©|\(c\)|source\s*:)\s*", re.I)
_THE = re.compile(r"^the\s+", re.I)


def _key(name: str) -> str:
    return _NAME_SEP.sub(" ", name).strip().casefold()


def match_agency(name: str) -> str | None:
    """Return the canonical agency for a name that *is* an agency, else None.

    ``"Agence France-Presse"`` -> ``"AFP"``; ``"The Associated Press"`` -> ``"AP"``;
    ``"John Smith"`` -> None. The whole string must be the agency name
    (a leading "By"/"with"/"©" and surrounding punctuation are ignored).
    """
    cleaned = _NAME_LEAD.sub("", name)
    cleaned = cleaned.strip(" \t\n()[]-—–|,;:.")
    return _alias_index().get(_key(cleaned))


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
    found = credit_line_agencies(text)
    if found:
        return found
    line = _BYLINE_LEAD.sub("", text.strip())
    found = []
    for part in _LIST_SEP.split(line):
        part = _ROLE_SUFFIX.sub("", part.strip())
        agency = match_agency(part) if part else None
        if agency and agency not in found:
            found.append(agency)
    return found


# -- Datelines and running text -----------------------------------------------

_DATELINE = re.compile(
    r"^\s*(?P<place>[^()\n]{0,80}?)\s*(?P<lead>[-–—:|])?\s*\((?P<ag>[^()\n]{1,60})\)"
    r"\s*(?P<trail>[-–—:|])?"
)
#: "LA CROSSE, Wis.", "WASHINGTON, D.C.", "ST. PAUL, Minn.": a capitalised place
#: closed by a state or region abbreviation, the one dateline place that ends in ".".
_ABBREVIATED_PLACE = re.compile(r"^(?P<city>[^,]+),\s*(?:[A-Z][a-z]{1,4}|(?:[A-Z]\.){1,2}[A-Z])\.$")
_TRAILING_PAREN = re.compile(r"[(\[]\s*(?P<ag>[^()\[\]\n]{1,60})\s*[)\]]\W*$")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def dateline_agencies(paragraph: str) -> tuple[list[str], int]:
    """Agencies in a leading dateline and where the dateline ends (0 if none)."""
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


def _alias_pattern(alias: str) -> str:
    """Spaces, dots and hyphens between an alias's parts are interchangeable."""
    parts = [re.escape(p) for p in re.split(r"[\s.\-]+", alias) if p]
    return (
        r"[\s.\-]*".join(parts) if len(parts) > 1 and len(alias) <= 6 else r"[\s.\-]+".join(parts)
    )


_Regexes = tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]
_Groups = tuple[list[str], list[str], list[str], list[str]]


def _alias_groups() -> _Groups:
    """Aliases for running text (exact case, any case), then captions (exact, any case).

    Short ASCII aliases ("AP", "AA", "dpa", "Fars") are matched case-sensitively in
    captions and never in running text, except the unambiguous ones listed above.
    """
    groups: _Groups = ([], [], [], [])
    exact, loose, caption_exact, caption_loose = groups
    for canonical, aliases in AGENCIES.items():
        for alias in dict.fromkeys((canonical, *aliases)):
            short = len(alias) <= 4 and alias.isascii()
            (caption_exact if short else caption_loose).append(alias)
            if short:
                if alias in _RUNNING_TEXT_SHORT:
                    exact.append(alias)
            elif alias not in _NOT_IN_RUNNING_TEXT:
                loose.append(alias)
    return groups


@lru_cache(maxsize=1)
def _mention_regexes() -> _Regexes:
    """Running text (exact case, any case), then captions (exact case, any case)."""
    exact, loose, caption_exact, caption_loose = (
        [_alias_pattern(alias) for alias in group] for group in _alias_groups()
    )

    def build(patterns: list[str], before: str, flags: int = 0) -> re.Pattern[str]:
        ordered = sorted(set(patterns), key=len, reverse=True)
        # The characters an alias can start with, as a lookahead: most word starts fail
        # on it at once instead of on every alias in turn (same matches, same flags).
        firsts = sorted({p[1] if p.startswith("\\") else p[0] for p in ordered})
        first = "(?=[" + "".join(re.escape(c) for c in firsts) + "])" if firsts else ""
        return re.compile(  # the lookahead first: it fails at once on most positions
            rf"{first}(?<![\w@{before}-])(" + grouped(ordered, flags) + r")(?![\w@-])", flags
        )

    return (
        build(exact, "/."),
        build(loose, "/.", re.I),
        build(caption_exact, "."),
        build(caption_loose, ".", re.I),
    )


def _alias_parts(alias: str) -> list[str]:
    return [p for p in re.split(r"[\s.\-]+", alias) if p]


@lru_cache(maxsize=1)
def _running_text_needles() -> tuple[tuple[str, ...], Needles | None]:
    """Substrings one of which every running-text match holds (an alias matches only
    where each of its parts does): the exact-case aliases' longest part; the any-case
    aliases' longest part lower-cased, as :class:`crawler.text.Needles` (None when
    an alias has no part it accepts as a needle).
    """
    exact, loose, _, _ = _alias_groups()
    exact_needles = {max(_alias_parts(alias), key=len) for alias in exact}
    loose_needles: set[str] = set()
    for alias in loose:
        parts = [p.lower() for p in _alias_parts(alias) if all(map(needle_char, p.lower()))]
        if not parts:
            return tuple(sorted(exact_needles)), None
        loose_needles.add(max(parts, key=len))
    return tuple(sorted(exact_needles)), Needles(sorted(loose_needles))


def _may_name(text: str) -> bool:
    """False only when running text cannot hold a match of the running-text regexes."""
    exact, loose = _running_text_needles()
    if any(needle in text for needle in exact):
        return True
    return loose is None or loose.may_match(text)


def _named(text: str, *, caption: bool = False) -> Iterable[tuple[str, str]]:
    """(agency, sentence) for each agency named in running text or a caption."""
    if not caption and not _may_name(text):
        return
    regexes = _mention_regexes()[2:] if caption else _mention_regexes()[:2]
    # Sentences are split at whitespace, which the patterns' guards accept: a text
    # without a match as a whole has none in any of its sentences.
    if not any(regex.search(text) for regex in regexes):
        return
    for sentence in [text] if caption else _SENTENCE_END.split(text):
        for regex in regexes:
            for match in regex.finditer(sentence):
                agency = match_agency(match.group(1))
                if agency:
                    yield agency, _window(sentence, match.start())


def _window(text: str, start: int = 0) -> str:
    """At most 200 characters of ``text``, keeping the match at ``start`` in view."""
    if len(text) <= _MAX_EVIDENCE:
        return text.strip()
    left = max(0, min(start - 80, len(text) - _MAX_EVIDENCE))
    return text[left : left + _MAX_EVIDENCE].strip()


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

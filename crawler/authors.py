"""Bylines: split raw author values into persons and wire agencies.

Policy:

- Leading "By", "Par", "بقلم", "كتب", "Written by", "Reporting by"… are stripped.
- Values are split on ``,`` ``;`` ``|`` ``&`` ``/`` ``،``, on dashes between
  spaces, and on the words "and", "et", "و", "with", "avec", "مع".
- An agency name (``crawler.wire.match_agency``), alone, in parentheses
  ("John Smith (Reuters)") or followed by "staff"/"correspondent" ("Reuters
  staff"), goes to the agencies list. A one-word part of the same byline is then
  a dateline place, not a person ("Beirut - AFP", "PARIS (AFP)").
- Desk and outlet names ("Staff Writer", "Web Desk", "Le Monde", "Al Jazeera
  Staff", names passed in ``exclude``) are dropped, as are values with digits,
  e-mail addresses, domain names ("ntv.com.tr") or more than six words. Outlet
  names compare on letters and digits only ("HABERTÜRK" = "Habertürk", a leading
  "The" ignored).
- Desk words (:data:`DESK_WORDS`: news, wires, agencies, desk, staff, editorial,
  rédaction, Redaktion, team…) mark account and desk credits: a name made only
  of desk words ("NEWS WIRES", "News Agencies"), one *ending* in a desk word
  ("Sky News", "israel news", "IN-Redaktion", "Times of Israel staff") or one
  opening with a desk word followed only by outlet-like tokens (acronyms,
  numbers, lower-case account words, excluded outlet words: "Redaktion IN",
  "News 24") is not a person. The choice is deliberate: a byline of a person
  surnamed "News" ("Rania News") is dropped too, because "<Outlet> News"
  accounts are far more common; a desk word *inside* a name is kept.
- Names keep their spelling (ALL-CAPS stays ALL-CAPS); whitespace is normalised.
  Both lists keep first-seen order and are de-duplicated case-insensitively.
- JSON-LD-like dicts are accepted: ``{"@type": "Person", "name": …}`` is read as a
  byline; ``{"@type": "Organization", "name": …}`` counts only when it names an
  agency, otherwise it is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from crawler.text import clean_text
from crawler.wire import match_agency

#: Desk, role and outlet names that are never a person (compared case-folded).
DESK_NAMES = frozenset(
    {
        "staff", "staff writer", "staff writers", "staff reporter", "staff reporters",
        "web desk", "news desk", "newsdesk", "online desk", "digital desk", "desk",
        "editorial team", "editorial staff", "editorial board", "editorial", "editors",
        "editor", "the editors", "newsroom", "admin", "administrator", "webmaster",
        "agencies", "news agencies", "agency", "wires", "wire services", "wire staff",
        "correspondent", "our correspondent", "reporter", "guest", "guest author",
        "la rédaction", "rédaction", "redaction", "agences", "avec agences", "redaktion",
        "haber merkezi", "التحرير", "المحرر", "محرر", "فريق التحرير", "هيئة التحرير", "وكالات",
        "أسرة التحرير", "قسم الأخبار",
    }
)  # fmt: skip
#: Outlet names that are never a person (compared on letters and digits, see above).
OUTLET_NAMES = (
    "Le Monde", "The World", "Le Figaro", "France 24", "Al Jazeera", "The New Arab",
    "Times of Israel", "Jerusalem Post",
)  # fmt: skip
#: Words that make a name a desk or account credit (see the module policy).
DESK_WORDS = frozenset(
    {
        "news", "wires", "wire", "agencies", "desk", "staff", "editorial", "editors",
        "redaction", "rédaction", "redaktion", "team", "newsroom", "newsdesk", "bureau",
    }
)  # fmt: skip
#: A last word that marks a desk credit ("Al Jazeera Staff", "Reuters staff").
_DESK_TAILS = DESK_WORDS | {"correspondent", "correspondents", "reporters"}
_CONNECTORS = frozenset({"the", "of", "and", "de", "du", "des", "la", "le", "les", "und", "der"})
_TOKEN_SPLIT = re.compile(r"[\s\-–—_./]+")
_DOMAIN = re.compile(
    r"^[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|news|tv|co|io|me|fr|tr|de|il|uk|am|lb|qa|ae"
    r"|sa|ir|iq|sy|jo|eg|ps|ma|tn|dz|us|eu|ru|az|ge)$",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:(?:written|posted|reported|reporting|additional\s+reporting|writing|editing|"
    r"compiled|story|text|photos?)\s+by|by|par|auteurs?|authors?|بقلم|كتب|كتبت|إعداد|"
    r"تقرير|المراسل|مراسل)(?:\s*:\s*|\s+|$)",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:[,;|&/،؛]|\s[-–—]\s|\s(?:and|et|و|with|avec|مع)\s)\s*", re.IGNORECASE)
_PARENS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_HANDLE = re.compile(r"(?:^|\s)@\w+")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_EDGE = " \t\n-–—|,;:.·•*"
MAX_NAME_WORDS = 6

AuthorValue = str | Mapping[str, Any] | None


def split_authors(
    values: AuthorValue | Iterable[AuthorValue], *, exclude: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """Return ``(persons, agencies)`` from one byline, a list of them, or JSON-LD dicts.

    ``"By John Smith and Jane Doe"`` -> ``(["John Smith", "Jane Doe"], [])``;
    ``"Le Monde with AFP"`` -> ``([], ["AFP"])``.
    """
    excluded = {_outlet_key(name) for name in (*OUTLET_NAMES, *exclude) if name}
    excluded.discard("")
    persons: dict[str, str] = {}
    agencies: dict[str, str] = {}
    for raw in _flatten(values):
        found = list(_classify(raw, excluded))
        credited = any(kind == "agency" for kind, _ in found)
        for kind, name in found:
            if credited and kind == "person" and len(name.split()) == 1:
                continue  # "Beirut - AFP": a one-word part beside an agency is a place
            bucket = persons if kind == "person" else agencies
            bucket.setdefault(name.casefold(), name)
    return list(persons.values()), list(agencies.values())


def _flatten(values: AuthorValue | Iterable[AuthorValue]) -> Iterable[str | Mapping[str, Any]]:
    if values is None:
        return
    if isinstance(values, str | Mapping):
        yield values
        return
    for value in values:
        if isinstance(value, str | Mapping):
            yield value


def _classify(raw: str | Mapping[str, Any], excluded: set[str]) -> Iterable[tuple[str, str]]:
    if isinstance(raw, Mapping):
        name = raw.get("name")
        if not isinstance(name, str):
            return
        types = raw.get("@type") or "Person"
        types = [types] if isinstance(types, str) else list(types)
        if "Person" not in types:
            agency = match_agency(clean_text(name))
            if agency:
                yield "agency", agency
            return
        raw = name
    text = clean_text(raw)
    for group in _PARENS.finditer(text):
        agency = match_agency(group.group(1) or group.group(2) or "")
        if agency:
            yield "agency", agency
    text = _EMAIL.sub(" ", _HANDLE.sub(" ", _PARENS.sub(" ", text)))
    for part in _SPLIT.split(_strip_prefix(text)):
        result = _one(_strip_prefix(part), excluded)
        if result:
            yield result


def _strip_prefix(text: str) -> str:
    text = clean_text(text).strip(_EDGE)
    while True:
        stripped = _PREFIX.sub("", text, count=1).strip(_EDGE)
        if stripped == text:
            return text
        text = stripped


def _one(name: str, excluded: set[str]) -> tuple[str, str] | None:
    """Classify one candidate name: ("person"|"agency", name) or None when dropped."""
    if not name:
        return None
    agency = match_agency(name)
    if agency:
        return "agency", agency
    key = _key(name)
    words = key.split()
    if words and words[-1] in _DESK_TAILS:
        agency = match_agency(" ".join(name.split()[:-1]))
        return ("agency", agency) if agency else None
    if key in DESK_NAMES or _outlet_key(name) in excluded or any(ch.isdigit() for ch in name):
        return None
    if len(words) > MAX_NAME_WORDS or not any(ch.isalpha() for ch in name):
        return None
    if _DOMAIN.match(name) or is_desk_credit(name, excluded):
        return None
    return "person", name


def is_desk_credit(name: str, excluded: Iterable[str] = ()) -> bool:
    """True for a desk or account credit by the desk-word rule of the module policy.

    ``excluded`` holds outlet keys (:func:`_outlet_key`) whose words count as
    outlet-like.
    """
    tokens = [t for t in _TOKEN_SPLIT.split(clean_text(name)) if t]
    folded = [t.casefold() for t in tokens]
    if not any(t in DESK_WORDS for t in folded):
        return False
    if folded[-1] in _DESK_TAILS:
        return True
    if folded[0] not in DESK_WORDS:
        return False
    outlet_words = {w for key in excluded for w in key.split()}
    return all(
        low in DESK_WORDS
        or low in _CONNECTORS
        or low in outlet_words
        or any(ch.isdigit() for ch in token)
        or token.isupper()
        or token.islower()
        for token, low in zip(tokens, folded, strict=True)
    )


def _key(name: str) -> str:
    return " ".join(clean_text(name).casefold().replace("’", "'").split())


@lru_cache(maxsize=1024)
def _outlet_key(name: str) -> str:
    """Outlet comparison key: letters and digits only, accents off, no leading "The"."""
    text = unicodedata.normalize("NFKD", clean_text(name).casefold())
    text = re.sub(r"^the\s+", "", text)
    return " ".join("".join(ch for ch in text if ch.isalnum() or ch.isspace()).split())

"""Bylines: split raw author values into persons and wire agencies.

Policy:

- Leading "By", "Par", "بقلم", "كتب", "Written by", "Reporting by"… are stripped.
- Values are split on ``,`` ``;`` ``|`` ``&`` ``/`` ``،``, on dashes between
  spaces, and on the words "and", "et", "و", "with", "avec", "مع".
- An agency name (``crawler.wire.match_agency``), alone, in parentheses
  ("John Smith (Reuters)") or followed by "staff"/"correspondent" ("Reuters
  staff"), goes to the agencies list.
- Desk and outlet names ("Staff Writer", "Web Desk", "Le Monde", "Al Jazeera
  Staff", names passed in ``exclude``) are dropped, as are values with digits,
  e-mail addresses or more than six words.
- Names keep their spelling (ALL-CAPS stays ALL-CAPS); whitespace is normalised.
  Both lists keep first-seen order and are de-duplicated case-insensitively.
- JSON-LD-like dicts are accepted: ``{"@type": "Person", "name": …}`` is read as a
  byline; ``{"@type": "Organization", "name": …}`` counts only when it names an
  agency, otherwise it is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from crawler.text import clean_text
from crawler.wire import match_agency

#: Desk, role and outlet words that are never a person (compared case-folded).
DESK_NAMES = frozenset(
    {
        "staff", "staff writer", "staff writers", "staff reporter", "staff reporters",
        "web desk", "news desk", "newsdesk", "online desk", "digital desk", "desk",
        "editorial team", "editorial staff", "editorial board", "editorial", "editors",
        "editor", "the editors", "newsroom", "admin", "administrator", "webmaster",
        "agencies", "news agencies", "agency", "wires", "wire services", "wire staff",
        "correspondent", "our correspondent", "reporter", "guest", "guest author",
        "le monde", "the world", "la rédaction", "rédaction", "redaction", "agences",
        "avec agences", "le figaro", "france 24", "al jazeera", "the new arab",
        "التحرير", "المحرر", "محرر", "فريق التحرير", "هيئة التحرير", "وكالات",
        "أسرة التحرير", "قسم الأخبار",
    }
)  # fmt: skip
#: A last word that marks a desk credit ("Al Jazeera Staff", "Reuters staff").
_DESK_TAILS = frozenset(
    {"staff", "desk", "team", "newsroom", "correspondent", "correspondents", "reporters"}
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
    excluded = {_key(name) for name in exclude if name}
    persons: dict[str, str] = {}
    agencies: dict[str, str] = {}
    for raw in _flatten(values):
        for kind, name in _classify(raw, excluded):
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
    if key in DESK_NAMES or key in excluded or any(ch.isdigit() for ch in name):
        return None
    if len(words) > MAX_NAME_WORDS or not any(ch.isalpha() for ch in name):
        return None
    return "person", name


def _key(name: str) -> str:
    return " ".join(clean_text(name).casefold().replace("’", "'").split())

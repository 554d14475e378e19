"""Scoring functions of the extraction benchmark.

Every score is a float in [0, 1]; ``None`` means "no ground truth, skip".

- Title: exact match after normalisation (Unicode NFC, zero-width characters
  removed, every quotation mark removed — straight, curly, low-9, primes,
  guillemets (with the spaces inside them), CJK corner brackets, fullwidth and
  ornamental quotes — then all whitespace collapsed to one space). Outlets'
  og:title and headline often differ only in decorative quotes. Case and dashes
  are kept.
- Published: correct to the day. When both values carry a UTC offset, the
  extracted value is converted to the truth's offset first; otherwise (a naive
  or date-only value on either side) the date parts are compared as written.
- Authors: set F1 over *persons*. Agencies (``crawler.wire.match_agency``),
  outlet names (a known list, plus the page's own registrable domain label),
  domain-like names ("ntv.com.tr") and desk or account names ("Staff",
  "Redaktion", "Web Desk", "israel news") are dropped from both sides; names
  are compared casefolded with whitespace collapsed. Two empty sets score 1.0.
- Body (real pages): bag-of-tokens F1 over lowercased ``\\w+`` tokens.
- Body (fixtures, which store only checks, not the full text): the fraction of
  the checks passed — starts with ``body_startswith``, ends with
  ``body_endswith``, contains none of ``body_not_contains`` (one check for the
  whole list), and the paragraph check when ``body_paragraphs`` is given. Both
  sides are whitespace-normalised first. An empty body scores 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from crawler.wire import match_agency

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
#: Quotation marks removed from titles (both sides, both tools).
QUOTE_CHARS = (
    "\"'`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u2035\u2036"
    "\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f\u301d\u301e\u301f\uff02\uff07"
    "\u275b\u275c\u275d\u275e\u2e42"
)
_QUOTES = dict.fromkeys(map(ord, QUOTE_CHARS), None)
_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_DATE_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DOMAIN_NAME = re.compile(
    r"^[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|news|tv|co|fr|tr|de|il|uk|am|lb|qa|ae|sa|ir|iq"
    r"|sy|jo|eg|ps|ma|tn|dz|us)$"
)

#: Words that make a byline a desk or staff credit rather than a person.
DESK_WORDS = frozenset(
    {
        "staff",
        "desk",
        "newsroom",
        "news",  # outlet or site accounts: "Sky News", "israel news"
        "redaktion",
        "rédaction",
        "redaction",
        "editorial",
        "editors",
        "team",
        "agencies",
        "wires",
        "writer",
        "writers",
    }
)

#: Outlet names (compared as :func:`name_key`) that are never persons.
OUTLET_NAMES = (
    "Le Monde",
    "Al Jazeera",
    "Al Jazeera English",
    "The Times of Israel",
    "Times of Israel",
    "France 24",
    "AP News",
    "The Jerusalem Post",
    "Jerusalem Post",
    "JPost",
    "PanArmenian",
    "PanArmenian.Net",
    "LBC",
    "LBCI",
    "LBC Group",
    "Habertürk",
    "NTV",
    "Israel Nachrichten",
    "Anadolu Ajansı",
)


def normalise_text(value: str) -> str:
    """NFC, zero-width characters removed, whitespace collapsed, stripped."""
    text = unicodedata.normalize("NFC", value).translate(_ZERO_WIDTH)
    return _WS.sub(" ", text).strip()


def normalise_title(value: str) -> str:
    """:func:`normalise_text` with every quotation mark removed (see module docstring);
    the spaces French typography puts inside guillemets go with them."""
    text = normalise_text(value)
    text = re.sub(r"([\u00ab\u2039])\s+", r"\1", text)
    text = re.sub(r"\s+([\u00bb\u203a])", r"\1", text)
    return normalise_text(text.translate(_QUOTES))


def title_score(extracted: str | None, truth: str) -> float:
    """1.0 when the normalised titles are equal, else 0.0."""
    if not extracted:
        return 0.0
    return 1.0 if normalise_title(extracted) == normalise_title(truth) else 0.0


def parse_when(value: str) -> tuple[date, datetime | None] | None:
    """``(date, aware datetime or None)`` from an ISO 8601 string, else None.

    The datetime is returned only when the value carries a UTC offset.
    """
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        match = _DATE_PREFIX.match(text)
        if not match:
            return None
        try:
            return date(*map(int, match.groups())), None
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.date(), None
    return moment.date(), moment


def date_to_day(value: str | None, *, like: str | None = None) -> str | None:
    """The ``YYYY-MM-DD`` day of ``value``; with ``like`` (the truth), in its offset
    when both carry one. None when ``value`` is missing or not a date."""
    parsed = parse_when(value) if value else None
    if parsed is None:
        return None
    day, moment = parsed
    reference = parse_when(like) if like else None
    if moment is not None and reference is not None and reference[1] is not None:
        day = moment.astimezone(reference[1].tzinfo).date()
    return day.isoformat()


def date_score(extracted: str | None, truth: str) -> float:
    """1.0 when the extracted date falls on the truth's day, else 0.0."""
    truth_day = date_to_day(truth)
    if truth_day is None:
        raise ValueError(f"truth date is not ISO 8601: {truth!r}")
    return 1.0 if date_to_day(extracted, like=truth) == truth_day else 0.0


def name_key(value: str) -> str:
    """Casefolded letters and digits only, accents stripped: "Habertürk" -> "haberturk"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed.casefold() if c.isalnum())


@lru_cache(maxsize=1)
def _outlet_keys() -> frozenset[str]:
    return frozenset(name_key(name) for name in OUTLET_NAMES)


@lru_cache(maxsize=1)
def _tld_extractor() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=256)
def site_key(site: str) -> str:
    """:func:`name_key` of the registrable domain's label: "www.ntv.com.tr" -> "ntv"."""
    return name_key(_tld_extractor()(site).domain)


def is_person(name: str, site: str | None = None) -> bool:
    """False for agencies, outlet names, domain-like names and desk credits."""
    text = normalise_text(name)
    if not any(c.isalpha() for c in text):
        return False
    if match_agency(text) is not None:
        return False
    key = name_key(text)
    if key in _outlet_keys() or (site and key == site_key(site)):
        return False
    if _DOMAIN_NAME.match(text.casefold()):
        return False
    words = re.findall(r"\w+", text.casefold())
    return not any(word in DESK_WORDS for word in words)


def persons(names: Iterable[str], site: str | None = None) -> set[str]:
    """Normalised (casefolded, whitespace-collapsed) set of the persons in ``names``."""
    return {normalise_text(n).casefold() for n in names if n and is_person(n, site)}


def set_f1(extracted: Iterable[str], truth: Iterable[str]) -> float:
    """F1 of two sets; 1.0 when both are empty."""
    got, want = set(extracted), set(truth)
    if not got and not want:
        return 1.0
    hits = len(got & want)
    if hits == 0:
        return 0.0
    precision, recall = hits / len(got), hits / len(want)
    return 2 * precision * recall / (precision + recall)


def authors_score(extracted: Iterable[str], truth: Iterable[str], site: str | None = None) -> float:
    """Set F1 over the persons of both sides."""
    return set_f1(persons(extracted, site), persons(truth, site))


def split_author_string(value: str | None) -> list[str]:
    """Split a single author string (trafilatura's ``author``) on ``;`` and ``,``."""
    if not value:
        return []
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]


def tokens(text: str) -> list[str]:
    """Lowercased Unicode ``\\w+`` tokens of the normalised text."""
    return _TOKEN.findall(normalise_text(text).lower())


def token_f1(extracted: str | None, truth: str) -> float:
    """Bag-of-tokens F1; 1.0 when both have no tokens, 0.0 when one side has none."""
    got, want = Counter(tokens(extracted or "")), Counter(tokens(truth))
    if not got and not want:
        return 1.0
    hits = sum((got & want).values())
    if hits == 0:
        return 0.0
    precision, recall = hits / sum(got.values()), hits / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs (separated by a blank line), normalised, empties dropped."""
    return [p for p in (normalise_text(x) for x in _PARAGRAPH_BREAK.split(body)) if p]


def _paragraphs_check(body: str, spec: Any) -> bool:
    """``body_paragraphs``: a count, a ``[min, max]`` / ``{"min", "max"}`` range, or a
    list of texts each of which must be one of the body's paragraphs."""
    found = paragraphs(body)
    if isinstance(spec, bool):
        raise ValueError(f"unsupported body_paragraphs: {spec!r}")
    if isinstance(spec, int):
        return len(found) == spec
    if isinstance(spec, Mapping):
        return spec.get("min", 0) <= len(found) <= spec.get("max", len(found))
    if isinstance(spec, list) and len(spec) == 2 and all(isinstance(x, int) for x in spec):
        return spec[0] <= len(found) <= spec[1]
    if isinstance(spec, list) and all(isinstance(x, str) for x in spec):
        return set(map(normalise_text, spec)) <= set(found)
    raise ValueError(f"unsupported body_paragraphs: {spec!r}")


def fixture_body_checks(body: str | None, expected: Mapping[str, Any]) -> dict[str, bool]:
    """Name -> passed, for each body check the expected record defines."""
    checks: dict[str, bool] = {}
    text = normalise_text(body or "")
    if expected.get("body_startswith"):
        checks["startswith"] = text.startswith(normalise_text(expected["body_startswith"]))
    if expected.get("body_endswith"):
        checks["endswith"] = text.endswith(normalise_text(expected["body_endswith"]))
    if expected.get("body_not_contains"):
        forbidden = [normalise_text(s) for s in expected["body_not_contains"]]
        checks["not_contains"] = not any(s and s in text for s in forbidden)
    if expected.get("body_paragraphs") is not None:
        checks["paragraphs"] = _paragraphs_check(body or "", expected["body_paragraphs"])
    return checks


def fixture_body_score(body: str | None, expected: Mapping[str, Any]) -> float | None:
    """Fraction of :func:`fixture_body_checks` passed; 0.0 for an empty body, None when
    the record defines no body check."""
    checks = fixture_body_checks(body, expected)
    if not checks:
        return None
    if not normalise_text(body or ""):
        return 0.0
    return sum(checks.values()) / len(checks)

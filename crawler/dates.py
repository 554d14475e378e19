"""Dates: every parsed date leaves as ``YYYY-MM-DDTHH:MM:SS±HH:MM``.

Policy:

- ISO 8601 and RFC 2822 strings take a fast path that never touches dateparser.
- Visible meta text ("Posted on Friday, September 13, 2024 - 10:05 am",
  "Le 13 septembre 2024 à 10h05", "الجمعة 13 أيلول 2024") is read by our own
  patterns: day-month-year, month-day-year and numeric dates, English, French,
  Turkish, German and Arabic month names (Levantine, Egyptian/Gulf and Maghreb
  forms), Arabic-Indic and Persian digits, an optional time (``10:05 am``,
  ``10h05``, ``10:05 م``) and offset (``GMT+3``, ``+0200``, ``UTC``, the zone
  abbreviations of :data:`_ZONE_ABBR`; ambiguous ones such as AST and AMT are
  ignored, even in RFC 2822 strings). Ambiguous numeric dates are day-first.
- Other free text goes to dateparser (en, fr, ar), which must find a day, a month
  and a year in it.
- Relative expressions ("Updated 2 hours ago", "il y a 2 heures", "منذ ساعتين")
  are resolved only against an explicit ``now``; without it they give None.
- A source offset is kept; naive values get the site timezone; date-only values
  are midnight in the site timezone. Years outside 1990-2100 are rejected.
- A visible line stating a publication date and its update ("… - Update : …",
  "Mis à jour le …") dates ``published`` before the marker, ``modified`` after it
  (:func:`split_update`).
- Nothing here raises on bad input: garbage gives None.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.text import clean_text

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

logger = logging.getLogger(__name__)

MIN_YEAR, MAX_YEAR = 1990, 2100
_LANGUAGES = ["en", "fr", "ar"]

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "،": ",", "ـ": None})
_HARAKAT = re.compile("[\u064b-\u0652\u0670\u0307]")  # and the dot of a folded "İ"

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "يناير", "كانون الثاني", "جانفي", "ocak", "januar",
        "jänner"),
    2: ("february", "feb", "février", "fevrier", "févr", "fevr", "fév", "fev", "فبراير", "شباط",
        "şubat", "februar"),
    3: ("march", "mar", "mars", "مارس", "آذار", "mart", "märz", "maerz"),
    4: ("april", "apr", "avril", "avr", "أبريل", "إبريل", "نيسان", "أفريل", "nisan"),
    5: ("may", "mai", "مايو", "أيار", "ماي", "mayıs"),
    6: ("june", "jun", "juin", "يونيو", "يونيه", "حزيران", "جوان", "haziran", "juni"),
    7: ("july", "jul", "juillet", "juil", "يوليو", "يوليه", "تموز", "جويلية", "يوليوز", "temmuz",
        "juli"),
    8: ("august", "aug", "août", "aout", "أغسطس", "آب", "أوت", "غشت", "ağustos"),
    9: ("september", "sep", "sept", "septembre", "سبتمبر", "أيلول", "شتنبر", "eylül"),
    10: ("october", "oct", "octobre", "أكتوبر", "تشرين الأول", "تشرين أول", "ekim", "oktober",
         "okt"),
    11: ("november", "nov", "novembre", "نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "kasım"),
    12: ("december", "dec", "décembre", "decembre", "déc", "ديسمبر", "كانون الأول", "دجنبر",
         "aralık", "dezember", "dez"),
}  # fmt: skip
#: Zone abbreviations with one offset in news datelines (hours). Ambiguous ones are
#: left out on purpose and leave the time in the site timezone: AST (Arabia +03:00
#: or Atlantic -04:00), AMT (Armenia +04:00 or Amazon -04:00), IST (Israel, India
#: or Irish), CST, SST. Regional ones: IRST (Iran +03:30), IDT (Israel summer
#: +03:00), TRT (Turkey +03:00), GST (Gulf +04:00), MSK (Moscow +03:00).
_ZONE_ABBR = {
    "gmt": 0, "utc": 0, "ut": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3,
    "msk": 3, "gst": 4, "est": -5, "edt": -4, "pst": -8, "pdt": -7, "irst": 3.5, "idt": 3,
    "trt": 3,
}  # fmt: skip


def _fold(text: str) -> str:
    """Lower-case, unify alef forms, drop tatweel and harakat (for matching only)."""
    return _HARAKAT.sub("", text.translate(_ARABIC_FOLD).casefold())


_MONTH_INDEX = {_fold(name): num for num, names in _MONTHS.items() for name in names}
_MONTH = "|".join(
    re.escape(n).replace(r"\ ", r"\s+") for n in sorted(_MONTH_INDEX, key=len, reverse=True)
)
_M = rf"(?<![^\W\d])(?P<m>{_MONTH})(?!\w)\.?(?:\s*/\s*(?:{_MONTH})(?!\w)\.?)?"
_SEP = r"[\s\-/.,]*"
_DATE_PATTERNS = (
    re.compile(rf"(?<!\d)(?P<d>[0-3]?\d)(?:er|st|nd|rd|th)?{_SEP}{_M}{_SEP}(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"{_M}{_SEP}(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)[\s,.]*(?P<y>\d{{4}})(?!\d)"),
    re.compile(r"(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d.])"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})(?![\d.])"),
)
_AMPM = r"(?P<ap>a\.?m\.?|p\.?m\.?|صباحا|مساء|مساءا|ظهرا|ص|م)(?!\w)"
_ZONE = (
    r"\s*\(?(?P<tz>(?:gmt|utc|ut)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}|"
    + "|".join(sorted(_ZONE_ABBR, key=len, reverse=True))
    + r")(?!\w)\)?"
)
_TIME_AFTER = re.compile(
    r"(?:\s*م(?!\w))?[\s,|\-–—/·•@]*(?:(?:at|à|a|vers|في|الساعة|ساعة)(?!\w)\s*)*"
    r"(?P<H>[0-2]?\d)(?:\s*:\s*(?P<M>[0-5]\d)(?:\s*:\s*(?P<S>[0-5]\d))?"
    rf"|\s*h(?:\s*(?P<M2>[0-5]\d))?(?![^\W\d]))(?:\.\d+)?(?:\s*{_AMPM})?(?:{_ZONE})?"
)
_TIME_BEFORE = re.compile(
    rf"(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?:\s*{_AMPM})?(?:{_ZONE})?"
    r"[\s,|\-–—/·•]*(?:(?:on|le)\s+)?(?:[^\W\d]+,?\s+)?$"
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_RFC2822 = re.compile(
    r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?:[+-]\d{4}|[A-Z]{1,5}))?"
)
_ZONE_NAME = re.compile(r"\s+([A-Za-z]{1,5})$")
_YEAR = re.compile(r"(?<!\d)(?:19|20|21)\d{2}(?!\d)")
_LABEL = re.compile(
    r"^(?:(?:last\s+)?(?:updated|posted|published|modified)(?:\s+on)?|mis\s+à\s+jour|publié|"
    r"modifié|آخر\s+تحديث|تاريخ\s+النشر|نشر\s+في|نشر|تحديث)\s*:?\s*(?:le\s+)?",
    re.IGNORECASE,
)


def parse_date(
    value: str | datetime | None, *, timezone: str = "UTC", now: datetime | None = None
) -> str | None:
    """Parse one date value (ISO, RFC 2822, meta text, free text) to ISO 8601 with offset."""
    try:
        if isinstance(value, datetime):
            return _finish(value, timezone)
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        if _ISO.fullmatch(text):
            return _finish(datetime.fromisoformat(text.replace(",", ".")), timezone)
        if _RFC2822.fullmatch(text):
            return _finish(_rfc2822(text), timezone)
        return _from_text(text, timezone, now, max_free_text=200)
    except Exception:  # never raise on bad input; the caller moves to the next layer
        logger.debug("unparseable date %r", value, exc_info=True)
        return None


def _rfc2822(text: str) -> datetime:
    """RFC 2822 with our zone table: a named zone not in it (AST…) leaves the time naive."""
    zone = _ZONE_NAME.search(text)
    if zone is None:
        return parsedate_to_datetime(text)
    moment = parsedate_to_datetime(text[: zone.start()])
    hours = _ZONE_ABBR.get(zone.group(1).lower())
    return moment if hours is None else moment.replace(tzinfo=dt_timezone(timedelta(hours=hours)))


def find_visible_date(text: str, *, timezone: str, now: datetime | None = None) -> str | None:
    """Find the first date in visible article-meta text (byline/date line)."""
    try:
        iso = _ISO.search(text or "")
        found = _finish(datetime.fromisoformat(iso[0].replace(",", ".")), timezone) if iso else None
        return found or _from_text(text[:2000], timezone, now, max_free_text=120)
    except Exception:  # never raise on bad input
        logger.debug("no date in %r", text, exc_info=True)
        return None


_WEEKDAYS = frozenset(
    _fold(day)
    for day in str.split(
        "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur"
        " thurs fri sat sun lundi mardi mercredi jeudi vendredi samedi dimanche pazartesi salı"
        " çarşamba perşembe cuma cumartesi pazar montag dienstag mittwoch donnerstag freitag"
        " samstag sonntag الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد"
    )
)
#: Label words a date line may carry ("Date created :", "Published on", "Güncelleme").
_DATE_LINE_WORDS = _WEEKDAYS | frozenset(
    _fold(word)
    for word in str.split(
        "date created published updated posted modified issued last on at le à a et the de"
        " publié mis jour modifié créé yayınlanma yayın tarihi tarih güncelleme güncellenme son"
        " veröffentlicht aktualisiert am um uhr stand time gmt utc نشر تحديث آخر تاريخ في"
        " الساعة بتاريخ"
    )
)
_DATE_LINE_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_CLOCK = re.compile(r"(?<!\d)[0-2]?\d[:h.][0-5]\d(?::[0-5]\d)?(?!\d)")


def is_date_line(text: str) -> bool:
    """True when ``text`` is only a date, with its time, zone, weekday and label words.

    "Thursday, 13 June 2024 11:28", "10.11.2025 17:59", "Date created : 2015-05-12",
    "November 20, 2019 - 11:28 AMT", "20 Nisan 2026 • Güncelleme: 20 Nisan 2026".
    A sentence that contains a date ("On 13 June 2024 the talks ended") is not.
    """
    if not text or len(text) > 120:
        return False
    folded = _fold(clean_text(text).translate(_DIGITS))
    keep = [True] * len(folded)
    found = False
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            found = True
            time = _TIME_AFTER.match(folded, match.end())
            end = time.end() if time else match.end()
            keep[match.start() : end] = [False] * (end - match.start())
    if not found:
        return False
    rest = _CLOCK.sub(" ", "".join(c if k else " " for c, k in zip(folded, keep, strict=True)))
    zones = {z.casefold() for z in re.findall(r"(?<![^\W\d])[A-Z]{2,5}(?![^\W\d])", text)}
    return all(
        token in _DATE_LINE_WORDS or token in zones or token in _ZONE_ABBR
        for token in _DATE_LINE_TOKEN.findall(rest)
    )


def _from_text(text: str, timezone: str, now: datetime | None, *, max_free_text: int) -> str | None:
    """Our patterns first; dateparser only for text up to ``max_free_text`` characters."""
    prepared = clean_text(text).translate(_DIGITS)
    found = _search(_fold(prepared), timezone)
    if found or len(prepared) > max_free_text:
        return found
    return _fallback(prepared, timezone, now)


@lru_cache(maxsize=64)
def _zone(name: str) -> dt_timezone | ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown timezone %r, using UTC", name)
        return UTC


def _finish(dt: datetime, timezone: str) -> str | None:
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=_zone(timezone))
    return dt.replace(microsecond=0).isoformat()


def _search(folded: str, timezone: str) -> str | None:
    """Earliest valid date (with its time and offset, when present) in folded text."""
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            if best is not None and match.start() >= best[0]:
                break
            result = _build(match, folded, timezone)
            if result:
                best = (match.start(), result)
                break
    return best[1] if best else None


def _build(match: re.Match[str], folded: str, timezone: str) -> str | None:
    raw_month = match.group("m")
    month = int(raw_month) if raw_month.isdigit() else _MONTH_INDEX.get(" ".join(raw_month.split()))
    day, year = int(match.group("d")), int(match.group("y"))
    if month is None:
        return None
    if raw_month.isdigit() and month > 12 >= day:
        day, month = month, day
    time = _TIME_AFTER.match(folded, match.end())
    if time is None:
        time = _TIME_BEFORE.search(folded, max(0, match.start() - 40), match.start())
    hour = minute = second = 0
    offset = None
    if time is not None:
        parts = time.groupdict()
        hour, minute, second = (int(parts.get(k) or 0) for k in ("H", "M", "S"))
        minute = minute or int(parts.get("M2") or 0)
        ampm = (time.group("ap") or "").replace(".", "")
        if ampm in ("pm", "م", "مساء", "مساءا", "ظهرا") and hour < 12:
            hour += 12
        elif ampm in ("am", "ص", "صباحا") and hour == 12:
            hour = 0
        offset = _offset(time.group("tz"))
    try:
        zone = dt_timezone(offset) if offset is not None else None
        return _finish(datetime(year, month, day, hour, minute, second, tzinfo=zone), timezone)
    except ValueError:
        return None


def _offset(zone: str | None) -> timedelta | None:
    if not zone:
        return None
    zone = re.sub(r"\s+", "", zone)
    if zone in _ZONE_ABBR:
        return timedelta(hours=_ZONE_ABBR[zone])  # fractional hours: IRST
    m = re.fullmatch(r"(?:gmt|utc|ut)?([+-])(\d{1,2}):?(\d{2})?", zone)
    if m is None:
        return None
    sign = -1 if m.group(1) == "-" else 1
    return sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))


@lru_cache(maxsize=1)
def _absolute_parser() -> DateDataParser:
    from dateparser.date import DateDataParser

    parts = ["day", "month", "year"]
    settings: dict[str, Any] = {"PARSERS": ["absolute-time"], "REQUIRE_PARTS": parts}
    return DateDataParser(languages=_LANGUAGES, settings=settings)


@lru_cache(maxsize=8)
def _relative_parser(base: datetime) -> DateDataParser:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PARSERS": ["relative-time"], "RELATIVE_BASE": base}
    return DateDataParser(languages=_LANGUAGES, settings=settings)


def _fallback(prepared: str, timezone: str, now: datetime | None) -> str | None:
    """dateparser for free text: absolute dates need a year; relative ones need ``now``."""
    text = _LABEL.sub("", prepared).strip()
    if not text:
        return None
    if _YEAR.search(text):
        found = _absolute_parser().get_date_data(text).date_obj
        if found is not None:
            return _finish(found, timezone)
    if now is None:
        return None
    zone = _zone(timezone)
    local = now.astimezone(zone) if now.tzinfo else now.replace(tzinfo=zone)
    base = local.replace(tzinfo=None, microsecond=0)
    found = _relative_parser(base).get_date_data(text).date_obj
    if found is None:
        return None
    return _finish(found if found.tzinfo else found.replace(tzinfo=local.tzinfo), timezone)


#: Marker between a visible publication date and its update date
#: ("02.10.2024 - Update : 03.10.2024", "Mis à jour le …", "آخر تحديث …").
_UPDATE_MARK = re.compile(
    r"[\s|\-–—,(]*\b(?:last\s+)?(?:updated?|modified|mis\s+à\s+jour|modifié"
    r"|güncelleme|aktualisiert)\b|آخر\s+تحديث|تم\s+التحديث",
    re.I,
)


def split_update(text: str, key: str) -> str | None:
    """The part of a visible date line that dates ``key``: ``published`` is what
    comes before an update marker, ``modified`` what follows it (None without one)."""
    mark = _UPDATE_MARK.search(text)
    if key == "modified":
        return (text[mark.end() :].lstrip(" :：-–—") or None) if mark else None
    return text[: mark.start()] if mark and mark.start() > 0 else text

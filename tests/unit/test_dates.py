"""Date parsing: ISO/RFC fast paths, English/French/Arabic meta text, relative dates."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler import dates
from crawler.dates import find_visible_date, parse_date

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
NOW = datetime(2024, 9, 13, 12, 0, tzinfo=UTC)


@pytest.fixture
def dateparser_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every use of dateparser (the real parsers still run)."""
    calls: list[str] = []
    absolute, relative = dates._absolute_parser, dates._relative_parser

    def recording_absolute() -> Any:
        calls.append("absolute")
        return absolute()

    def recording_relative(base: datetime) -> Any:
        calls.append("relative")
        return relative(base)

    monkeypatch.setattr(dates, "_absolute_parser", recording_absolute)
    monkeypatch.setattr(dates, "_relative_parser", recording_relative)
    yield calls


# -- ISO 8601 and RFC 2822 ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        ("2024-09-13T10:05:00Z", "Asia/Baghdad", "2024-09-13T10:05:00+00:00"),
        ("2024-09-13T10:05:00+02:00", "Asia/Tokyo", "2024-09-13T10:05:00+02:00"),
        ("2024-09-13T10:05:00-04:00", "UTC", "2024-09-13T10:05:00-04:00"),
        ("2024-09-13T10:05:00+0200", "UTC", "2024-09-13T10:05:00+02:00"),
        ("2024-09-13T10:05:00.123456+03:00", "UTC", "2024-09-13T10:05:00+03:00"),
        ("2024-09-13T10:05:00", "Asia/Baghdad", "2024-09-13T10:05:00+03:00"),
        ("2024-09-13 10:05", "Europe/Paris", "2024-09-13T10:05:00+02:00"),
        ("2024-01-13T10:05:00", "Europe/Paris", "2024-01-13T10:05:00+01:00"),
        ("2024-09-13", "Asia/Beirut", "2024-09-13T00:00:00+03:00"),
        ("  2024-09-13T10:05:00Z  ", "UTC", "2024-09-13T10:05:00+00:00"),
    ],
)
def test_iso(value: str, tz: str, expected: str) -> None:
    assert parse_date(value, timezone=tz) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fri, 13 Sep 2024 10:05:00 +0200", "2024-09-13T10:05:00+02:00"),
        ("Fri, 13 Sep 2024 10:05:00 GMT", "2024-09-13T10:05:00+00:00"),
        ("13 Sep 2024 10:05:00 -0500", "2024-09-13T10:05:00-05:00"),
        ("Fri, 13 Sep 2024 10:05:00 EDT", "2024-09-13T10:05:00-04:00"),
    ],
)
def test_rfc2822(value: str, expected: str) -> None:
    assert parse_date(value, timezone="Asia/Baghdad") == expected


def test_iso_and_rfc_fast_paths_do_not_use_dateparser(dateparser_calls: list[str]) -> None:
    for value in ("2024-09-13T10:05:00Z", "2024-09-13", "Fri, 13 Sep 2024 10:05:00 +0200"):
        assert parse_date(value) is not None
    assert dateparser_calls == []


def test_iso_fast_path_does_not_import_dateparser() -> None:
    code = (
        "import sys\n"
        "from crawler.dates import parse_date\n"
        "assert parse_date('2024-09-13T10:05:00Z') == '2024-09-13T10:05:00+00:00'\n"
        "assert parse_date('Posted on Friday, September 13, 2024 - 10:05 am') is not None\n"
        "assert 'dateparser' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- datetime objects ----------------------------------------------------------


def test_naive_datetime_gets_site_timezone_and_loses_microseconds() -> None:
    value = datetime(2024, 9, 13, 10, 5, 7, 123456)
    assert parse_date(value, timezone="Asia/Baghdad") == "2024-09-13T10:05:07+03:00"


def test_aware_datetime_keeps_its_offset() -> None:
    value = datetime(2024, 9, 13, 10, 5, tzinfo=timezone(timedelta(hours=-4)))
    assert parse_date(value, timezone="Asia/Baghdad") == "2024-09-13T10:05:00-04:00"


# -- English visible meta text ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        (
            "Posted on Friday, September 13, 2024 - 10:05 am",
            "Asia/Baghdad",
            "2024-09-13T10:05:00+03:00",
        ),
        ("Monday, September 23, 2024 - 8:56 am", "UTC", "2024-09-23T08:56:00+00:00"),
        ("Published: 13 Sep 2024 10:05 GMT+3", "UTC", "2024-09-13T10:05:00+03:00"),
        ("Published: 13 Sep 2024 10:05 (GMT+03:00)", "UTC", "2024-09-13T10:05:00+03:00"),
        ("September 13th, 2024 at 5:30 PM EDT", "UTC", "2024-09-13T17:30:00-04:00"),
        ("Sep. 13, 2024 10:05 p.m.", "Asia/Dubai", "2024-09-13T22:05:00+04:00"),
        ("12:00 am, Sep 13, 2024", "UTC", "2024-09-13T00:00:00+00:00"),
        ("Updated 14:30 GMT, 13 September 2024", "Asia/Beirut", "2024-09-13T14:30:00+00:00"),
        ("13 September 2024 | 10:05 UTC", "Asia/Beirut", "2024-09-13T10:05:00+00:00"),
        ("13th of September, 2024", "UTC", "2024-09-13T00:00:00+00:00"),
    ],
)
def test_english_meta_text(value: str, tz: str, expected: str) -> None:
    assert parse_date(value, timezone=tz) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13 September 2024 10:05 IRST", "2024-09-13T10:05:00+03:30"),
        ("September 13, 2024 - 10:05 IDT", "2024-09-13T10:05:00+03:00"),
        ("13 Eylül 2024 10:05 TRT", "2024-09-13T10:05:00+03:00"),
        ("Fri, 13 Sep 2024 10:05:00 IRST", "2024-09-13T10:05:00+03:30"),
        ("Fri, 13 Sep 2024 10:05:00 EDT", "2024-09-13T10:05:00-04:00"),
    ],
)
def test_regional_zone_abbreviations(value: str, expected: str) -> None:
    assert parse_date(value, timezone="UTC") == expected


@pytest.mark.parametrize(
    "value",
    [
        "September 13, 2024 - 10:05 AMT",
        "13 September 2024 10:05 AST",
        "Fri, 13 Sep 2024 10:05:00 AST",
        "13 September 2024 10:05 IST",
    ],
)
def test_ambiguous_zone_abbreviations_fall_back_to_site_timezone(value: str) -> None:
    assert parse_date(value, timezone="Asia/Yerevan") == "2024-09-13T10:05:00+04:00"
    assert parse_date(value, timezone="Asia/Riyadh") == "2024-09-13T10:05:00+03:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Cumartesi, 5 Nisan 2025 14:05", "2025-04-05T14:05:00+03:00"),
        ("NİSAN 5, 2025", "2025-04-05T00:00:00+03:00"),
        ("3. März 2024, 09:15 Uhr", "2024-03-03T09:15:00+03:00"),
        ("12 Aralık 2023", "2023-12-12T00:00:00+03:00"),
    ],
)
def test_turkish_and_german_month_names(value: str, expected: str) -> None:
    assert parse_date(value, timezone="Europe/Istanbul") == expected


@pytest.mark.parametrize(
    "value",
    [
        "Thursday, 13 June 2024 11:28",
        "13.06.2024 11:28",
        "Date created : 2024-06-13",
        "Published on: 13/06/2024 - 11:28",
        "June 13, 2024 - 11:28 AMT",
        "13 Haziran 2024 • Güncelleme: 14 Haziran 2024",
        "Publié le 13 juin 2024 à 11h28, modifié le 13 juin 2024 à 12h00",
        "الخميس 13 يونيو 2024",
    ],
)
def test_date_lines(value: str) -> None:
    assert dates.is_date_line(value)


@pytest.mark.parametrize(
    "value",
    [
        "On 13 June 2024 the talks ended without a deal.",
        "In 2024 the ministry opened two new offices.",
        "13.06.2024 11:28 Ankara",
        "Thursday was calm.",
        "",
    ],
)
def test_sentences_with_dates_are_not_date_lines(value: str) -> None:
    assert not dates.is_date_line(value)


def test_header_date_widget_text_parses() -> None:
    # The header widget shows the day the page was rendered; keeping it out of
    # `published` is the extraction layer's job, parsing it is ours.
    assert parse_date("Monday, September 23, 2024 - 8:56 am", timezone="Asia/Baghdad") == (
        "2024-09-23T08:56:00+03:00"
    )


# -- French ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Le 13 septembre 2024 à 10h05", "2024-09-13T10:05:00+02:00"),
        ("Publié le 13 septembre 2024 à 10 h 05", "2024-09-13T10:05:00+02:00"),
        ("mardi 1er oct. 2024 à 18h30", "2024-10-01T18:30:00+02:00"),
        ("13 août 2024 à 08:15", "2024-08-13T08:15:00+02:00"),
        ("22 févr. 2024", "2024-02-22T00:00:00+01:00"),
        ("13 janv. 2024 à 9h", "2024-01-13T09:00:00+01:00"),
        ("vendredi 13 décembre 2024", "2024-12-13T00:00:00+01:00"),
        (
            "Publié le 13 septembre 2024 à 10h05, modifié le 14 septembre 2024 à 08h00",
            "2024-09-13T10:05:00+02:00",
        ),
    ],
)
def test_french(value: str, expected: str) -> None:
    assert parse_date(value, timezone="Europe/Paris") == expected


# -- Arabic ---------------------------------------------------------------------

LEVANTINE = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]  # fmt: skip
EGYPTIAN = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip


@pytest.mark.parametrize(("month", "name"), list(enumerate(LEVANTINE, start=1)))
def test_arabic_levantine_month_names(month: int, name: str) -> None:
    assert parse_date(f"الخميس 5 {name} 2024", timezone="UTC") == (
        f"2024-{month:02d}-05T00:00:00+00:00"
    )


@pytest.mark.parametrize(("month", "name"), list(enumerate(EGYPTIAN, start=1)))
def test_arabic_egyptian_gulf_month_names(month: int, name: str) -> None:
    assert parse_date(f"5 {name} 2024", timezone="UTC") == f"2024-{month:02d}-05T00:00:00+00:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("الجمعة 13 أيلول 2024", "2024-09-13T00:00:00+03:00"),
        ("١٣ أيلول ٢٠٢٤ - ١٠:٠٥ م", "2024-09-13T22:05:00+03:00"),
        ("١٣ يناير ٢٠٢٤ ١٠:٠٥ ص", "2024-01-13T10:05:00+02:00"),
        ("۱۳ سبتمبر ۲۰۲۴", "2024-09-13T00:00:00+03:00"),
        ("13 أيلول/سبتمبر 2024", "2024-09-13T00:00:00+03:00"),
        ("13 تشرين الأول 2024 الساعة 10:05", "2024-10-13T10:05:00+03:00"),
        ("13 ايلول 2024", "2024-09-13T00:00:00+03:00"),
        ("13 اذار 2024", "2024-03-13T00:00:00+02:00"),
        ("13 أَيْلُول 2024", "2024-09-13T00:00:00+03:00"),
        ("نشر في: الجمعة، ١٣ سبتمبر ٢٠٢٤ - ٠٨:١٥ مساءً", "2024-09-13T20:15:00+03:00"),
    ],
)
def test_arabic(value: str, expected: str) -> None:
    assert parse_date(value, timezone="Asia/Beirut") == expected


# -- numeric dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13/09/2024", "2024-09-13T00:00:00+00:00"),
        ("09/13/2024", "2024-09-13T00:00:00+00:00"),
        ("05/06/2024", "2024-06-05T00:00:00+00:00"),  # ambiguous: day first
        ("13.09.2024 10:05", "2024-09-13T10:05:00+00:00"),
        ("2024/09/13", "2024-09-13T00:00:00+00:00"),
    ],
)
def test_numeric(value: str, expected: str) -> None:
    assert parse_date(value, timezone="UTC") == expected


# -- garbage and limits -------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "Staff Writer",
        "Le Monde with AFP",
        "May",
        "13",
        "garbage 1234",
        "Read also | US announces killing 15 Islamic State fighters in Iraq",
        "2024-02-30",
        "2024-13-01T10:00:00Z",
        "1985-01-01",
        "13 Sep 1985",
        "2150-01-01T00:00:00Z",
        "31 février 2024",
        "Updated 2 hours ago",
        "il y a 3 heures",
        "منذ ساعتين",
        "yesterday",
        12345,
    ],
)
def test_garbage_and_relative_without_clock_give_none(value: Any) -> None:
    assert parse_date(value, timezone="Europe/Paris") is None


def test_old_datetime_is_rejected() -> None:
    assert parse_date(datetime(1970, 1, 1)) is None


def test_unknown_timezone_falls_back_to_utc() -> None:
    assert parse_date("2024-09-13T10:05:00", timezone="Nowhere/Atlantis") == (
        "2024-09-13T10:05:00+00:00"
    )


# -- relative dates with a reference clock ---------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Updated 2 hours ago", "2024-09-13T13:00:00+03:00"),
        ("il y a 3 heures", "2024-09-13T12:00:00+03:00"),
        ("Mis à jour il y a 3 heures", "2024-09-13T12:00:00+03:00"),
        ("منذ ساعتين", "2024-09-13T13:00:00+03:00"),
        ("yesterday", "2024-09-12T15:00:00+03:00"),
    ],
)
def test_relative_with_now(value: str, expected: str) -> None:
    assert parse_date(value, timezone="Asia/Beirut", now=NOW) == expected


def test_relative_with_naive_now_uses_site_timezone() -> None:
    now = datetime(2024, 9, 13, 12, 0)
    assert parse_date("2 hours ago", timezone="Asia/Beirut", now=now) == (
        "2024-09-13T10:00:00+03:00"
    )


def test_now_does_not_change_absolute_dates() -> None:
    assert parse_date("13 Sep 2024", timezone="UTC", now=NOW) == "2024-09-13T00:00:00+00:00"


# -- free-text fallback and caching ----------------------------------------------


def test_free_text_uses_one_cached_dateparser(dateparser_calls: list[str]) -> None:
    assert parse_date("13th of September, 2024") == "2024-09-13T00:00:00+00:00"
    assert parse_date("the 14th of September 2024") == "2024-09-14T00:00:00+00:00"
    assert dateparser_calls == ["absolute", "absolute"]


def test_dateparser_instance_is_cached() -> None:
    assert dates._absolute_parser() is dates._absolute_parser()


def test_meta_patterns_do_not_need_dateparser(dateparser_calls: list[str]) -> None:
    assert parse_date("Posted on Friday, September 13, 2024 - 10:05 am") is not None
    assert parse_date("الجمعة 13 أيلول 2024") is not None
    assert parse_date("Le 13 septembre 2024 à 10h05") is not None
    assert dateparser_calls == []


def test_text_without_year_skips_dateparser(dateparser_calls: list[str]) -> None:
    assert parse_date("Friday at noon") is None
    assert dateparser_calls == []


# -- visible text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "By John Smith | Published: 13 Sep 2024 10:05 GMT+3 | Updated: 14 Sep 2024",
            "2024-09-13T10:05:00+03:00",
        ),
        (
            "Posted on Friday, September 13, 2024 - 10:05 am by Anthony Robbins",
            "2024-09-13T10:05:00+03:00",
        ),
        ("Par Jean Dupont Le 13 septembre 2024 à 10h05", "2024-09-13T10:05:00+03:00"),
        ("الجمعة 13 أيلول 2024 | بقلم أحمد علي", "2024-09-13T00:00:00+03:00"),
        ("<time>2024-09-13T10:05:00+02:00</time> by staff", "2024-09-13T10:05:00+02:00"),
    ],
)
def test_find_visible_date(text: str, expected: str) -> None:
    assert find_visible_date(text, timezone="Asia/Baghdad") == expected


def test_find_visible_date_none_without_date(dateparser_calls: list[str]) -> None:
    long_text = "The attack on the Diplomatic Support Center caused no casualties. " * 5
    assert find_visible_date(long_text + "In 2024, talks went on.", timezone="UTC") is None
    assert find_visible_date("", timezone="UTC") is None
    assert dateparser_calls == []


def test_find_visible_date_relative_needs_now() -> None:
    assert find_visible_date("Updated 2 hours ago", timezone="Asia/Beirut") is None
    assert find_visible_date("Updated 2 hours ago", timezone="Asia/Beirut", now=NOW) == (
        "2024-09-13T13:00:00+03:00"
    )


# -- output format ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2024-09-13T10:05:00.999Z",
        "Fri, 13 Sep 2024 10:05:00 +0200",
        "Le 13 septembre 2024 à 10h05",
        "١٣ أيلول ٢٠٢٤",
        "13th of September, 2024",
    ],
)
def test_output_format_is_seconds_with_offset(value: str) -> None:
    result = parse_date(value, timezone="Asia/Kolkata")
    assert result is not None
    assert OUTPUT.match(result)

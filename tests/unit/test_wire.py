"""Wire attribution: credits make wire copy, mentions and captions do not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler import wire
from crawler.wire import (
    AGENCIES,
    byline_agencies,
    credit_line_agencies,
    dateline_agencies,
    detect_wire,
    match_agency,
    register_agencies,
)

BODY = "The ministry said the talks would resume next week in the capital."


def _kinds(result: wire.WireResult) -> list[tuple[str, str, str]]:
    return [(e["agency"], e["kind"], e["strength"]) for e in result.evidence]


# -- match_agency (table lookups) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "agency"),
    [
        ("Agence France-Presse", "AFP"),
        ("The Associated Press", "AP"),
        ("By Reuters", "Reuters"),
        ("© AFP", "AFP"),
        ("أ.ف.ب", "AFP"),
        ("رويترز", "Reuters"),
        ("Anadolu Ajansı", "Anadolu"),
        ("John Smith", None),
        ("AP Physics", None),
    ],
)
def test_match_agency(name: str, agency: str | None) -> None:
    assert match_agency(name) == agency


# -- Credits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "agencies"),
    [
        ("AFP", ["AFP"]),
        ("By Reuters Staff", ["Reuters"]),
        ("Le Monde with AFP", ["AFP"]),
        ("Jane Doe, Reuters", ["Reuters"]),
        ("The Associated Press", ["AP"]),
        ("Staff and AFP", ["AFP"]),
        ("AFP and Reuters", ["AFP", "Reuters"]),
        ("By Jane Doe", []),
        ("Staff Writer", []),
        ("By Sam Apple and Anna Spa", []),
    ],
)
def test_byline_credits(byline: str, agencies: list[str]) -> None:
    assert byline_agencies(byline) == agencies
    result = detect_wire(bylines=[byline])
    assert result.agencies == agencies
    assert all(e["kind"] == "byline" and e["strength"] == "credit" for e in result.evidence)


@pytest.mark.parametrize(
    ("paragraph", "agency"),
    [
        ("BAGHDAD (AFP) — Rockets hit the base overnight.", "AFP"),
        ("Beirut (Reuters) - Israeli strikes hit the south.", "Reuters"),
        ("WASHINGTON, Sept 13 (Reuters) - The embassy said.", "Reuters"),
        ("JERUSALEM (AP) — The army said on Monday.", "AP"),
        ("ANKARA (AA) - The ministry said.", "Anadolu"),
        ("بغداد (أ ف ب) - قالت السفارة", "AFP"),
        ("دمشق - (رويترز) قال مسؤول", "Reuters"),
        ("LA CROSSE, Wis. (AP) — The mayor opened the new bridge.", "AP"),
        ("WASHINGTON, D.C. (AP) — The committee met behind closed doors.", "AP"),
        ("ST. PAUL, Minn. (AP) — Snow closed the schools.", "AP"),
        ("GAZA CITY, Gaza Strip (AP) — Families queued for water.", "AP"),
        ("TEL AVIV, Israel (Reuters) - Sirens sounded across the city.", "Reuters"),
        ("RAMALLAH, West Bank (AFP) - Shops stayed shut.", "AFP"),
    ],
)
def test_dateline_credits(paragraph: str, agency: str) -> None:
    result = detect_wire(paragraphs=[paragraph, BODY])
    assert result.agencies == [agency]
    assert _kinds(result) == [(agency, "dateline", "credit")]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Students of Advanced Placement (AP) exams were told to wait.",
        "The army (IDF) said it hit the site.",
        "Officials (AFP sources say) met in secret on Monday and talked for hours.",
        "The talks ended in Paris, France. (AP) was not there.",
        "He said, Mr. (AP) was wrong.",
    ],
)
def test_parentheses_in_running_text_are_not_datelines(paragraph: str) -> None:
    assert dateline_agencies(paragraph) == ([], 0)


def test_dateline_only_counts_in_first_paragraphs() -> None:
    paragraphs = [BODY, BODY, BODY, "BAGHDAD (AFP) — A late dateline in a quoted block."]
    assert detect_wire(paragraphs=paragraphs).agencies == []


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        ("The world with AFP", ["AFP"]),
        ("Le Monde avec AFP et Reuters", ["AFP", "Reuters"]),
        ("with AFP", ["AFP"]),
        ("— AFP", ["AFP"]),
        ("-AFP", ["AFP"]),
        ("© 2024 AFP", ["AFP"]),
        ("© Agence France-Presse", ["AFP"]),
        ("(Reuters)", ["Reuters"]),
        ("AFP/Reuters", ["AFP", "Reuters"]),
        ("Copyright 2024 The Associated Press. All rights reserved.", ["AP"]),
        ("The Associated Press contributed to this report.", ["AP"]),
        ("Additional reporting by Reuters", ["Reuters"]),
        ("Source: Anadolu Agency", ["Anadolu"]),
        ("المصدر: رويترز", ["Reuters"]),
        ("(أ ف ب)", ["AFP"]),
        ("Reporting by Jane Roe; Editing by John Poe", []),
        ("The minister met with AFP", []),
        ("A spokesman told AFP the talks had stalled.", []),
    ],
)
def test_credit_lines(line: str, agencies: list[str]) -> None:
    assert credit_line_agencies(line) == agencies
    assert detect_wire(credit_lines=[line]).agencies == agencies


def test_closing_parenthesised_credit_in_last_paragraph() -> None:
    result = detect_wire(paragraphs=[BODY, "وأضاف أن المحادثات ستستأنف. (أ ف ب)"])
    assert result.agencies == ["AFP"]
    assert _kinds(result) == [("AFP", "credit", "credit")]


@pytest.mark.parametrize(
    "org",
    [
        {"@type": "Organization", "name": "Agence France-Presse"},
        "AFP",
        [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "AFP"}],
        {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "AFP"}},
        {"@type": "NewsArticle", "sourceOrganization": {"name": ["AFP"]}},
        {"@type": "NewsArticle", "copyrightHolder": {"name": "Le Monde avec AFP"}},
    ],
)
def test_jsonld_credits(org: object) -> None:
    result = detect_wire(jsonld_orgs=[org])
    assert result.agencies == ["AFP"]
    assert result.evidence[0]["kind"] == "jsonld"


def test_jsonld_person_and_own_publisher_are_not_wire() -> None:
    orgs = [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "Le Monde"}]
    assert detect_wire(jsonld_orgs=orgs).agencies == []


def test_agencies_are_canonical_deduped_and_ordered_by_first_credit() -> None:
    result = detect_wire(
        bylines=["Agence France-Presse"],
        paragraphs=["Beirut (Reuters) - Text.", "More text."],
        credit_lines=["— AFP"],
        jsonld_orgs=[{"name": "Associated Press"}],
    )
    assert result.agencies == ["AFP", "Reuters", "AP"]
    assert [e["kind"] for e in result.evidence] == ["byline", "dateline", "credit", "jsonld"]


# -- Mentions, captions, outlet -----------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "agency"),
    [
        ("A militia commander told AFP the attack was a warning.", "AFP"),
        ("According to Reuters, the talks have stalled.", "Reuters"),
        ("AFP reported that two rockets were fired.", "AFP"),
        ("The Associated Press could not verify the footage.", "AP"),
        ("وقال المسؤول لوكالة فرانس برس إن الهجوم فشل.", "AFP"),
    ],
)
def test_running_text_mentions_are_not_wire(paragraph: str, agency: str) -> None:
    result = detect_wire(paragraphs=[BODY, paragraph, BODY])
    assert result.agencies == []
    assert _kinds(result) == [(agency, "mention", "mention")]
    assert result.evidence[0]["text"] == paragraph


@pytest.mark.parametrize(
    "paragraph",
    [
        "She passed AP Physics and joined the army.",
        "The CAPITAL was quiet; the SPA resort and the AA battery plant closed.",
        "Ministers from the MENA region met the UPI payments team and the WAM board.",
        "Fars province was hit by floods, and Tasnim, a student, was rescued.",
    ],
)
def test_short_aliases_never_match_in_running_text(paragraph: str) -> None:
    assert detect_wire(paragraphs=[BODY, paragraph, BODY]).evidence == []


@pytest.mark.parametrize(
    ("caption", "agency"),
    [
        ("Smoke rises over the city. Photo: AFP", "AFP"),
        ("A man walks past rubble (AFP/Getty Images)", "AFP"),
        ("Rescuers search the site. REUTERS/Jane Roe", "Reuters"),
        ("Troops patrol the border. (AP Photo/Sam Lee)", "AP"),
    ],
)
def test_photo_captions_are_evidence_only(caption: str, agency: str) -> None:
    result = detect_wire(captions=[caption], paragraphs=[BODY])
    assert result.agencies == []
    assert _kinds(result) == [(agency, "caption", "mention")]


def test_caption_lowercase_word_is_not_an_alias() -> None:
    assert detect_wire(captions=["Guests relax at the spa in Dubai."]).evidence == []


def test_outlet_own_agency_is_not_wire() -> None:
    result = detect_wire(
        bylines=["Anadolu Agency"],
        paragraphs=["ANKARA (AA) - The ministry said.", "Reuters also reported the strike."],
        jsonld_orgs=[{"publisher": {"name": "Anadolu Ajansı"}}],
        outlet="Anadolu",
    )
    assert result.agencies == []
    assert _kinds(result) == [("Reuters", "mention", "mention")]


def test_credit_and_mention_together() -> None:
    result = detect_wire(
        paragraphs=["BAGHDAD (AFP) — A commander told Reuters the strike failed.", BODY],
    )
    assert result.agencies == ["AFP"]
    assert _kinds(result) == [("AFP", "dateline", "credit"), ("Reuters", "mention", "mention")]


def test_evidence_text_is_trimmed() -> None:
    long = "BAGHDAD (AFP) — " + "word " * 100
    mention = "x " * 150 + "an official told AFP about it " + "y " * 150
    result = detect_wire(paragraphs=[long, mention])
    assert all(len(e["text"]) <= 200 for e in result.evidence)
    assert "told AFP" in result.evidence[1]["text"]


def test_nothing_found() -> None:
    result = detect_wire(bylines=["Jane Doe"], paragraphs=[BODY], credit_lines=["Staff"])
    assert result.agencies == [] and result.evidence == []


@pytest.fixture
def restore_agencies() -> Iterator[None]:
    saved = dict(AGENCIES)
    yield
    AGENCIES.clear()
    AGENCIES.update(saved)
    register_agencies({})


def test_register_agencies(restore_agencies: None) -> None:
    register_agencies({"Petra": ["Jordan News Agency", "بترا"], "AFP": ["AFP News"]})
    assert match_agency("Jordan News Agency") == "Petra"
    assert match_agency("AFP News") == "AFP"
    assert detect_wire(credit_lines=["(بترا)"]).agencies == ["Petra"]


def test_wire_agencies_extra_setting_is_registered_by_the_spider(restore_agencies: None) -> None:
    from scrapy.utils.test import get_crawler

    from spiders.lemonde_en import LeMondeEnSpider

    assert match_agency("Kuwait News Agency Plus") is None
    crawler = get_crawler(
        LeMondeEnSpider, {"WIRE_AGENCIES_EXTRA": {"KUNA": ["Kuwait News Agency Plus"]}}
    )
    LeMondeEnSpider.from_crawler(crawler)
    assert match_agency("Kuwait News Agency Plus") == "KUNA"

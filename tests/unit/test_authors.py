"""Bylines: persons vs agencies, desk names, splitting, JSON-LD dicts, order and dedup."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.authors import split_authors


@pytest.mark.parametrize(
    ("value", "persons", "agencies"),
    [
        ("By John Smith and Jane Doe", ["John Smith", "Jane Doe"], []),
        ("John Smith, Jane Doe", ["John Smith", "Jane Doe"], []),
        ("John Smith & Jane Doe", ["John Smith", "Jane Doe"], []),
        ("John Smith; Jane Doe", ["John Smith", "Jane Doe"], []),
        ("By: John Smith", ["John Smith"], []),
        ("Written by John Smith", ["John Smith"], []),
        ("Par Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"], []),
        ("Par : Jean Dupont", ["Jean Dupont"], []),
        ("بقلم أحمد علي", ["أحمد علي"], []),
        ("كتب: أحمد علي", ["أحمد علي"], []),
        ("أحمد علي و محمد حسن", ["أحمد علي", "محمد حسن"], []),
        ("أحمد علي، محمد حسن", ["أحمد علي", "محمد حسن"], []),
        ("Jean-Pierre Filiu", ["Jean-Pierre Filiu"], []),
        ("Mohammed bin Salman", ["Mohammed bin Salman"], []),
    ],
)
def test_person_splitting(value: str, persons: list[str], agencies: list[str]) -> None:
    assert split_authors(value) == (persons, agencies)


@pytest.mark.parametrize(
    ("value", "persons", "agencies"),
    [
        ("By AFP", [], ["AFP"]),
        ("Agence France-Presse", [], ["AFP"]),
        ("The Associated Press", [], ["AP"]),
        ("Reuters staff", [], ["Reuters"]),
        ("AFP correspondent", [], ["AFP"]),
        ("Le Monde with AFP", [], ["AFP"]),
        ("Le Monde avec AFP", [], ["AFP"]),
        ("John Smith | AFP", ["John Smith"], ["AFP"]),
        ("John Smith (Reuters)", ["John Smith"], ["Reuters"]),
        ("John Smith with AFP", ["John Smith"], ["AFP"]),
        ("By JOHN SMITH, Associated Press", ["JOHN SMITH"], ["AP"]),
        ("AFP and Reuters", [], ["AFP", "Reuters"]),
        ("رويترز", [], ["Reuters"]),
        ("أحمد علي - فرانس برس", ["أحمد علي"], ["AFP"]),
    ],
)
def test_agencies_go_to_second_list(value: str, persons: list[str], agencies: list[str]) -> None:
    assert split_authors(value) == (persons, agencies)


@pytest.mark.parametrize(
    "value",
    [
        "Staff Writer",
        "Web Desk",
        "News Desk",
        "Editorial Team",
        "Le Monde",
        "Al Jazeera Staff",
        "Times of Israel staff",
        "Admin",
        "Editor",
        "Agencies",
        "فريق التحرير",
        "September 13, 2024",
        "john.smith@example.com",
        "Anthony Robbins is a tech-savvy blogger known for breaking down trends",
        "",
        "   ",
        "|",
    ],
)
def test_desks_and_non_names_are_dropped(value: str) -> None:
    assert split_authors(value) == ([], [])


@pytest.mark.parametrize(
    ("value", "agencies"),
    [
        ("NEWS WIRES", []),
        ("Wires and News Agencies", []),
        ("Agencies", []),
        ("FRANCE 24", []),
        ("France 24 with AFP", ["AFP"]),
        ("The Daily Meridian and news agencies", []),
        ("levant news", []),
        ("Harbour News", []),
        ("Meridian News Desk", []),
        ("by Meridian Newsdesk", []),
        ("XY-Redaktion", []),
        ("Redaktion XY", []),
        ("La Rédaction", []),
        ("News 24", []),
        ("dailymeridian.com.tr", []),
        ("Reuters Bureau", ["Reuters"]),
    ],
)
def test_desk_words_and_accounts_are_not_persons(value: str, agencies: list[str]) -> None:
    assert split_authors(value, exclude=["The Daily Meridian"]) == ([], agencies)


@pytest.mark.parametrize(
    "value",
    ["Amy Newsome", "Staff Sergeant Jane Doe", "Desk Karim Haddad", "J.Smith"],
)
def test_desk_words_inside_names_and_look_alikes_are_kept(value: str) -> None:
    assert split_authors(value) == ([value], [])


def test_outlet_exclusion_ignores_case_accents_and_the() -> None:
    assert split_authors(
        ["MERIDİAN GÜNLÜK", "Daily Meridian"], exclude=["Meridian Günlük", "The Daily Meridian"]
    ) == ([], [])


@pytest.mark.parametrize("value", ["Beirut - AFP", "PARIS (AFP)", "Erbil | Reuters"])
def test_one_word_place_beside_an_agency_is_not_a_person(value: str) -> None:
    assert split_authors(value)[0] == []
    assert split_authors(["Jane Doe", value])[0] == ["Jane Doe"]


def test_single_token_names_that_are_not_desks_are_kept() -> None:
    assert split_authors("Fulan") == (["Fulan"], [])


def test_outlet_names_passed_in_exclude_are_dropped() -> None:
    assert split_authors("By Middle East Eye and John Smith", exclude=["Middle East Eye"]) == (
        ["John Smith"],
        [],
    )
    assert split_authors("middle  east EYE", exclude=("Middle East Eye",)) == ([], [])


def test_reuters_credit_roles() -> None:
    assert split_authors("Reporting by Ahmed Rasheed; Editing by Jane Doe") == (
        ["Ahmed Rasheed", "Jane Doe"],
        [],
    )


def test_byline_text_nodes() -> None:
    assert split_authors(["By ", "John Smith", " | AFP"]) == (["John Smith"], ["AFP"])
    assert split_authors(["Par", "Jean Dupont"]) == (["Jean Dupont"], [])


def test_handles_are_removed() -> None:
    assert split_authors("John Smith @jsmith") == (["John Smith"], [])


def test_all_caps_names_are_kept_as_given_with_normalised_spaces() -> None:
    assert split_authors("STEVE   PEOPLES") == (["STEVE PEOPLES"], [])


def test_list_input_keeps_order_and_dedups_case_insensitively() -> None:
    values = ["By John Smith", "JANE DOE", "john smith", None, "Jane  Doe", "AFP", "By AFP"]
    assert split_authors(values) == (["John Smith", "JANE DOE"], ["AFP"])


def test_generator_input() -> None:
    assert split_authors(v for v in ["Jane Doe", "Reuters"]) == (["Jane Doe"], ["Reuters"])


def test_none_input() -> None:
    assert split_authors(None) == ([], [])


def test_text_is_cleaned() -> None:
    assert split_authors("By&nbsp;Jos&eacute;\u200b Mart\u00edn") == (["José Martín"], [])


@pytest.mark.parametrize(
    ("value", "persons", "agencies"),
    [
        ({"@type": "Person", "name": "John Smith"}, ["John Smith"], []),
        ({"@type": ["Person"], "name": "By Jane Doe"}, ["Jane Doe"], []),
        ({"name": "Jane Doe"}, ["Jane Doe"], []),
        ({"@type": "Organization", "name": "AFP"}, [], ["AFP"]),
        ({"@type": "NewsMediaOrganization", "name": "Agence France-Presse"}, [], ["AFP"]),
        ({"@type": "Organization", "name": "Le Monde"}, [], []),
        ({"@type": "Organization", "name": "Middle East Eye"}, [], []),
        ({"@type": "Person"}, [], []),
        ({"@type": "Person", "name": ["not", "a", "string"]}, [], []),
    ],
)
def test_jsonld_dicts(value: dict[str, Any], persons: list[str], agencies: list[str]) -> None:
    assert split_authors(value) == (persons, agencies)


def test_mixed_jsonld_list() -> None:
    values = [
        {"@type": "Person", "name": "John Smith"},
        {"@type": "Organization", "name": "AFP"},
        "Jane Doe",
        {"@type": "Organization", "name": "Example Times"},
    ]
    assert split_authors(values) == (["John Smith", "Jane Doe"], ["AFP"])

"""Scoring functions of the extraction benchmark, on small hand-made inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.extraction import scoring

# --- token F1 ---------------------------------------------------------------


def test_token_f1_identical_text_is_one() -> None:
    assert scoring.token_f1("The army said.", "the  ARMY said") == 1.0


def test_token_f1_partial_overlap() -> None:
    # extracted 4 tokens, truth 2 tokens, 2 shared: P = 0.5, R = 1.0, F1 = 2/3
    assert scoring.token_f1("a b c d", "a b") == pytest.approx(2 / 3)


def test_token_f1_counts_repeated_tokens_as_a_bag() -> None:
    # extracted "x x x" vs truth "x": 1 shared token, P = 1/3, R = 1, F1 = 0.5
    assert scoring.token_f1("x x x", "x") == pytest.approx(0.5)


def test_token_f1_disjoint_and_empty() -> None:
    assert scoring.token_f1("alpha beta", "gamma delta") == 0.0
    assert scoring.token_f1(None, "gamma") == 0.0
    assert scoring.token_f1("", "gamma") == 0.0
    assert scoring.token_f1("", "") == 1.0


def test_tokens_are_unicode_words_lowercased() -> None:
    assert scoring.tokens("Beyrouth, l’armée — «\u00a0Hé\u00a0»!") == [
        "beyrouth",
        "l",
        "armée",
        "hé",
    ]
    assert scoring.tokens("قال الجيش 13") == ["قال", "الجيش", "13"]


def test_tokens_compose_decomposed_accents() -> None:
    decomposed = "Arme\u0301e"  # e + combining acute
    assert scoring.tokens(decomposed) == ["armée"]


# --- set F1 and authors -----------------------------------------------------


def test_set_f1() -> None:
    assert scoring.set_f1({"a", "b"}, {"a", "b"}) == 1.0
    assert scoring.set_f1({"a"}, {"a", "b"}) == pytest.approx(2 / 3)
    assert scoring.set_f1({"a", "c"}, {"a", "b"}) == pytest.approx(0.5)
    assert scoring.set_f1({"c"}, {"a"}) == 0.0
    assert scoring.set_f1(set(), set()) == 1.0
    assert scoring.set_f1({"a"}, set()) == 0.0
    assert scoring.set_f1(set(), {"a"}) == 0.0


def test_authors_compare_case_and_whitespace_insensitively() -> None:
    assert scoring.authors_score(["Jane  Doe"], ["JANE DOE"]) == 1.0


def test_authors_drop_agencies_outlets_and_desks_on_both_sides() -> None:
    extracted = ["Jane Doe", "AFP", "Le Monde", "Staff Writer"]
    truth = ["Jane Doe", "Associated Press", "IN-Redaktion"]
    assert scoring.authors_score(extracted, truth) == 1.0


def test_authors_outlet_of_the_page_site_is_not_a_person() -> None:
    assert not scoring.is_person("Example Times", "www.exampletimes.com")
    assert scoring.is_person("Example Times", "www.other.com")
    assert not scoring.is_person("ntv.com.tr")
    assert not scoring.is_person("Habertürk", "haberturk.com")
    assert not scoring.is_person("israel news")
    assert scoring.is_person("Newsome Clark")


def test_authors_truth_with_no_person_expects_none() -> None:
    assert scoring.authors_score([], ["Reuters"]) == 1.0
    assert scoring.authors_score(["Jane Doe"], ["Reuters"]) == 0.0


def test_authors_partial() -> None:
    assert scoring.authors_score(["Jane Doe"], ["Jane Doe", "John Roe"]) == pytest.approx(2 / 3)


def test_split_author_string() -> None:
    assert scoring.split_author_string("Le Monde; Jane Doe, John Roe") == [
        "Le Monde",
        "Jane Doe",
        "John Roe",
    ]
    assert scoring.split_author_string(None) == []
    assert scoring.split_author_string(" ; ") == []


# --- dates ------------------------------------------------------------------


def test_date_to_day_as_written() -> None:
    assert scoring.date_to_day("2024-09-13T23:30:00+02:00") == "2024-09-13"
    assert scoring.date_to_day("2024-09-13") == "2024-09-13"
    assert scoring.date_to_day("2024-09-13T10:05:00Z") == "2024-09-13"
    assert scoring.date_to_day("2024-09-13 10:05 extra") == "2024-09-13"
    assert scoring.date_to_day("13 September 2024") is None
    assert scoring.date_to_day(None) is None


def test_date_to_day_in_the_truth_offset() -> None:
    # 23:30 in Beirut (+03:00) on the 13th is 20:30 UTC on the 13th ...
    assert scoring.date_to_day("2024-09-13T23:30:00+03:00", like="2024-09-13T00:00:00Z") == (
        "2024-09-13"
    )
    # ... and 01:30 +03:00 on the 14th is 22:30 UTC on the 13th.
    assert scoring.date_to_day("2024-09-14T01:30:00+03:00", like="2024-09-13T12:00:00+00:00") == (
        "2024-09-13"
    )


def test_date_score() -> None:
    assert scoring.date_score("2024-09-13T10:05:00+02:00", "2024-09-13T08:05:00+00:00") == 1.0
    assert scoring.date_score("2024-09-12", "2024-09-13T08:05:00+00:00") == 0.0
    assert scoring.date_score("2024-09-14T01:30:00+03:00", "2024-09-13T22:30:00+00:00") == 1.0
    # a naive truth compares on the date part as written
    assert scoring.date_score("2021-02-21T23:00:00-05:00", "2021-02-21T00:00:00") == 1.0
    assert scoring.date_score(None, "2021-02-21") == 0.0
    assert scoring.date_score("yesterday", "2021-02-21") == 0.0


def test_date_score_rejects_bad_truth() -> None:
    with pytest.raises(ValueError):
        scoring.date_score("2021-02-21", "last week")


# --- titles -----------------------------------------------------------------


def test_title_normalisation_whitespace_nfc_quotes() -> None:
    assert scoring.normalise_title("  Gaza:\u00a0the  \u201ctruce\u201d\n") == "Gaza: the truce"
    assert scoring.normalise_title("l\u2019arm\u0065\u0301e") == "larmée"
    assert scoring.normalise_title("la «\u00a0gravité\u202f»") == "la gravité"
    assert scoring.normalise_title("zero\u200bwidth") == "zerowidth"
    assert scoring.normalise_title("\u300c港口\u300dの計画") == "港口の計画"
    assert scoring.normalise_title("\uff02Port\uff02 \u201eplan\u201c") == "Port plan"


@pytest.mark.parametrize(
    "variant",
    [
        "Ministers back the port plan",
        '"Ministers" back the port plan',
        "\u201cMinisters\u201d back the port plan",
        "«\u00a0Ministers\u00a0» back the port plan",
        "\u2018Ministers\u2019 back the port plan",
        "\u201eMinisters\u201c back the \u2039port\u203a plan",
        "\u275dMinisters\u275e back the port plan",
    ],
)
def test_title_quotes_are_ignored_on_both_sides(variant: str) -> None:
    assert scoring.title_score(variant, "Ministers back the port plan") == 1.0
    assert scoring.title_score("Ministers back the port plan", variant) == 1.0


def test_title_score() -> None:
    assert scoring.title_score("Macron’s «\u00a0plan\u00a0»", 'Macron\'s "plan"') == 1.0
    assert scoring.title_score("Macron's plan - Le Monde", "Macron's plan") == 0.0
    assert scoring.title_score("macron's plan", "Macron's plan") == 0.0
    assert scoring.title_score(None, "Macron's plan") == 0.0


# --- fixture body checks ----------------------------------------------------

EXPECTED = {
    "body_startswith": "First paragraph",
    "body_endswith": "last words.",
    "body_not_contains": ["Read also", "Subscribe"],
}


def test_fixture_body_all_checks_pass() -> None:
    body = "First paragraph here.\n\nSecond one ends with the last words."
    assert scoring.fixture_body_score(body, EXPECTED) == 1.0


def test_fixture_body_partial_credit() -> None:
    body = "First paragraph here.\n\nRead also: something\n\nThe end."
    assert scoring.fixture_body_checks(body, EXPECTED) == {
        "startswith": True,
        "endswith": False,
        "not_contains": False,
    }
    assert scoring.fixture_body_score(body, EXPECTED) == pytest.approx(1 / 3)


def test_fixture_body_empty_or_without_checks() -> None:
    assert scoring.fixture_body_score("", EXPECTED) == 0.0
    assert scoring.fixture_body_score(None, EXPECTED) == 0.0
    assert scoring.fixture_body_score("text", {"title": "x"}) is None


def test_fixture_body_whitespace_is_normalised() -> None:
    body = "First\u00a0paragraph  here.\n\nEnds with the last\nwords."
    assert scoring.fixture_body_score(body, EXPECTED) == 1.0


def test_fixture_body_paragraphs_forms() -> None:
    body = "One.\n\nTwo.\n\n\nThree."
    assert scoring.fixture_body_checks(body, {"body_paragraphs": 3}) == {"paragraphs": True}
    assert scoring.fixture_body_checks(body, {"body_paragraphs": 2}) == {"paragraphs": False}
    assert scoring.fixture_body_checks(body, {"body_paragraphs": [2, 4]}) == {"paragraphs": True}
    assert scoring.fixture_body_checks(body, {"body_paragraphs": {"min": 4}}) == {
        "paragraphs": False
    }
    assert scoring.fixture_body_checks(body, {"body_paragraphs": ["Two.", "Three."]}) == {
        "paragraphs": True
    }
    assert scoring.fixture_body_checks(body, {"body_paragraphs": ["Two. Three."]}) == {
        "paragraphs": False
    }


def test_bench_scores_every_tool_through_the_same_title_normalisation(tmp_path: Path) -> None:
    from bench.extraction.__main__ import Page, score_page

    truth = {"title": "«\u00a0Port\u00a0» plan", "published": None, "authors": None, "body": None}
    page = Page("p", "real", "https://example.org/a", "example.org", tmp_path / "p.html", truth)
    for output in ({"title": '"Port" plan'}, {"title": "Port plan"}, {"title": "“Port” plan"}):
        assert score_page(page, output)["title"] == 1.0
    assert score_page(page, {"title": "Port plan - Example"})["title"] == 0.0

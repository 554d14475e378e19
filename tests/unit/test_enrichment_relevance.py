"""Relevance: bounded, monotone in the evidence, from the text and not the section."""

from __future__ import annotations

import itertools
import random

import pytest

from crawler.enrichment import enrich_article
from crawler.enrichment.data import load
from crawler.enrichment.relevance import (
    RelevanceInputs,
    relevance,
    section_hint,
    security_words,
)
from crawler.enrichment.tokens import token_keys

ROCKETS = "Two rockets struck a base hosting US troops in Baghdad, Iraqi officials said."


def score(text: str, **fields: str) -> float:
    return float(enrich_article({"body": text, **fields})["relevance"])


def test_score_is_bounded_and_monotone_in_every_input() -> None:
    values = (0, 1, 3, 8)
    for events, armed, other, words in itertools.product(values, repeat=4):
        for hint, region in itertools.product((False, True), repeat=2):
            base = RelevanceInputs(events, armed, other, words, hint, region)
            s = relevance(base)
            assert 0.0 <= s <= 1.0
            bigger = [
                RelevanceInputs(events + 1, armed, other, words, hint, region),
                RelevanceInputs(events, armed + 1, other, words, hint, region),
                RelevanceInputs(events, armed, other + 1, words, hint, region),
                RelevanceInputs(events, armed, other, words + 1, hint, region),
                RelevanceInputs(events, armed, other, words, True, region),
                RelevanceInputs(events, armed, other, words, hint, True),
            ]
            assert all(relevance(b) >= s for b in bigger)


def test_no_evidence_scores_zero_whatever_the_section() -> None:
    assert score("The company reported record profits.", section="Security") == 0.0
    assert relevance(RelevanceInputs(0, 0, 0, 0, False, True)) == 0.0


def test_a_security_story_scores_high_even_under_entertainment() -> None:
    assert score(ROCKETS, section="Entertainment News") >= 0.9
    assert score(ROCKETS, section="Entertainment News") == score(ROCKETS, section="World")


def test_region_matters() -> None:
    inside = score("Militants attacked a checkpoint in Mosul, killing five soldiers.")
    outside = score("Militants attacked a checkpoint in Michoacan, Mexico, killing five soldiers.")
    assert inside >= 0.7 > 0.3 > outside


@pytest.mark.parametrize(
    "text",
    [
        "Liverpool's attack was blunt at Anfield.",
        "Dubai's property market hit a new record.",
        "Jordan Henderson has joined Ajax.",
    ],
)
def test_hard_negatives_score_low(text: str) -> None:
    assert score(text) < 0.3


def test_section_hint_words() -> None:
    assert section_hint(["World/Middle East"])
    assert section_hint([None, "Security"])
    assert not section_hint(["Entertainment News", "Sport", None])


def test_security_words_are_the_distinct_keys_found() -> None:
    listed = load("relevance")["security_words"]
    keys = frozenset(token_keys(w)[0] for w in listed)
    assert "" not in keys  # a found key is never falsy
    rng = random.Random(11)
    vocab = [*listed, *(w.upper() for w in listed), *("و" + w for w in listed), "the", "x"]
    for _ in range(2000):
        words = rng.choices(vocab, k=rng.randrange(0, 30))
        found = {next((k for k in token_keys(w) if k in keys), None) for w in words}
        assert security_words(words) == len(found - {None}), words

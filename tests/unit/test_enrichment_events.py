"""Event types: ACLED-style categories with the triggering sentence; negatives, weak
words that need a cue, riots over protests, agreements versus talks."""

from __future__ import annotations

import random

import pytest

from crawler.enrichment import enrich_article, matchers
from crawler.enrichment.data import load
from crawler.enrichment.events import EventIndex, _cue_masks
from crawler.enrichment.tokens import Tokens, tokenize

E, B, V = "explosions/remote violence", "battles", "violence against civilians"
P, R, S = "protests", "riots", "strategic developments"


def types(text: str) -> list[str]:
    return sorted(e["type"] for e in enrich_article({"body": text})["event_types"])


@pytest.mark.parametrize(
    "text",
    [
        "Liverpool's attack was blunt in a goalless draw.",
        "The actor suffered a heart attack on set.",
        "She had her first panic attack before the exam.",
        "A drone show lit up the harbour.",
        "The attacking midfielder scored twice.",
        "Fans are shelling out $800 for tickets.",
        "The report was a bombshell for investors.",
        "The sequel was a box office bomb.",
        "The film bombed at the box office.",
        "The striker scored a stunning strike from 25 yards.",
        "Union workers voted to strike over pay.",
        "The senator came under fire for his comments.",
        "Shares rocketed after the announcement.",
        "A rally in tech stocks lifted the index.",
        "The soprano's performance was a riot of colour.",
        "Critics called it a bomb, though its drone footage was praised.",
        "The striker protested to the referee.",
        "A shark attack closed the beach.",
        "The team's counter-attack came to nothing.",
        "The country suffered its worst plane crash, killing all 72 people aboard the aircraft.",
        "Investigators found no proof of a bird strike.",
    ],
)
def test_non_security_uses_of_security_words(text: str) -> None:
    assert types(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two Katyusha rockets struck near the airport.", [E]),
        ("An airstrike hit a weapons depot.", [E]),
        ("A car bomb exploded in the market.", [E]),
        ("A drone attack targeted the base.", [E]),
        ("The attack on the base with rockets caused no casualties.", [E]),
        ("Gunmen attacked a military checkpoint, killing five soldiers.", [B]),
        ("Militants attacked a village, killing two shepherds.", [V]),
        ("Fighters clashed with government forces near the town.", [B]),
        ("Gunmen kidnapped a journalist outside his home.", [V]),
        ("Thousands of protesters marched to the square.", [P]),
        ("Protesters stormed the council building and set fire to it.", [R]),
        ("Protesters clashed with police over pension reforms.", [R]),
        ("Police arrested three suspected members of a militant cell.", [S]),
        ("Police detained dozens of protesters.", [P]),
        ("The two sides agreed to extend the truce by two days.", [S]),
        ("The group announced a unilateral ceasefire.", [S]),
        ("Iraqi forces killed five militants in an operation.", [B]),
        ("Israeli strikes killed four fighters.", [E]),
        ("The army shot down a drone carrying drugs from Syria.", [S]),
        ("أسفرت غارات إسرائيلية عن مقتل 12 شخصاً.", [E]),
        ("اندلعت اشتباكات عنيفة بين الجيش ومسلحين.", [B]),
        ("خرج آلاف المتظاهرين احتجاجاً على انقطاع الكهرباء.", [P]),
    ],
)
def test_event_types(text: str, expected: list[str]) -> None:
    assert types(text) == expected


def test_talks_about_a_ceasefire_are_not_an_agreement() -> None:
    assert types("Hamas said talks in Cairo on a ceasefire had made progress.") == []
    assert types("Mediators pushed for a prisoner exchange.") == []


def test_police_as_the_source_is_not_a_cue() -> None:
    assert types("The attack happened on Tuesday, police said.") == []


def test_each_type_once_with_its_first_trigger_and_sentence() -> None:
    text = (
        "Diplomats met on Monday. Two rockets struck the base at night.\n\n"
        "Later an airstrike hit the launch site. Protesters gathered outside the embassy."
    )
    events = enrich_article({"body": text})["event_types"]
    assert events == [
        {"type": E, "trigger": "rockets", "sentence": "Two rockets struck the base at night."},
        {
            "type": P,
            "trigger": "Protesters",
            "sentence": "Protesters gathered outside the embassy.",
        },
    ]


def test_long_sentences_are_shortened() -> None:
    sentence = "Rockets struck the base " + "and more words " * 60 + "."
    event = enrich_article({"body": sentence})["event_types"][0]
    assert len(event["sentence"]) <= 400 and event["sentence"].endswith("…")


def _reference_cue_masks(
    tokens: Tokens, sentence: int, hidden: set[int], index: EventIndex
) -> tuple[int, list[int]]:
    # The policy the plain way: each word's mask, cleared before an attribution word
    # (as found) and inside negative phrases.
    span = tokens.sentence_tokens(sentence)
    found = [index.mask(tokens.surfaces[t]) for t in span]
    attribution = index.bits["<attribution>"]
    masks = [
        0 if (k + 1 < len(found) and found[k + 1] & attribution) or t in hidden else found[k]
        for k, t in enumerate(span)
    ]
    return span.start, masks


def test_cue_masks_match_the_plain_definition() -> None:
    index = matchers().events
    data = load("events")
    vocab = [w for words in data["cues"].values() for w in words if not w.startswith("union:")]
    vocab += [*data["attribution_words"], *data["sport_cues"], "the", "x", "."]
    rng = random.Random(13)
    for _ in range(300):
        words = [rng.choice([w, w.capitalize()]) for w in rng.choices(vocab, k=60)]
        tokens = tokenize(" ".join(words).replace(" . ", ". X "))
        hidden = set(rng.sample(range(len(tokens)), rng.randrange(0, 6)))
        for sentence in range(len(tokens.sentence_bounds)):
            assert _cue_masks(tokens, sentence, hidden, index) == _reference_cue_masks(
                tokens, sentence, hidden, index
            )

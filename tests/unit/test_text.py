"""Text normalisation: entities, NFC, invisible characters, spaces, word counts."""

from __future__ import annotations

import random
import unicodedata

import pytest

from crawler.text import clean_text, join_paragraphs, word_count


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Caf&eacute; &amp; bar", "Café & bar"),
        ("It&#8217;s &quot;quoted&quot;", 'It’s "quoted"'),
        ("Double &amp;#8217; escaped", "Double ’ escaped"),
        ("AT&amp;T and R&D", "AT&T and R&D"),
        ("&lt;b&gt; stays text", "<b> stays text"),
    ],
)
def test_clean_text_unescapes_entities(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_normalises_to_nfc() -> None:
    decomposed = "Cafe\u0301 de\u0301cor"
    result = clean_text(decomposed)
    assert result == "Café décor"
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
)
def test_clean_text_removes_invisible_characters(invisible: str) -> None:
    assert clean_text(f"Bagh{invisible}dad") == "Baghdad"


def test_clean_text_removes_bidi_marks_in_arabic() -> None:
    assert clean_text("\u200fبغداد\u200e \u202bالعراق\u202c") == "بغداد العراق"


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u3000", "&nbsp;", "&#160;"])
def test_clean_text_turns_unicode_spaces_into_one_space(space: str) -> None:
    assert clean_text(f"US{space}embassy") == "US embassy"


def test_clean_text_collapses_whitespace_and_strips() -> None:
    assert clean_text("  Following \n\n attack\t on\r\n the  centre  ") == (
        "Following attack on the centre"
    )


@pytest.mark.parametrize("empty", ["", "   ", "\u200b\u00a0\n", "&nbsp;"])
def test_clean_text_empty_results(empty: str) -> None:
    assert clean_text(empty) == ""


def test_clean_text_keeps_arabic_and_french_letters() -> None:
    assert clean_text("  الهجوم على  السفارة ") == "الهجوم على السفارة"
    assert clean_text("l’armée a déclaré") == "l’armée a déclaré"


def test_join_paragraphs_cleans_drops_empties_and_joins() -> None:
    paragraphs = [" First&nbsp;paragraph. ", "", "\u200b", "Second\n paragraph.", "  "]
    assert join_paragraphs(paragraphs) == "First paragraph.\n\nSecond paragraph."


def test_join_paragraphs_of_nothing_is_empty() -> None:
    assert join_paragraphs([]) == ""
    assert join_paragraphs(iter(["", " "])) == ""


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("The attack caused no casualties.", 5),
        ("Read also | US announces killing 15 fighters", 7),
        ("A pro-Iranian group — the Hezbollah Brigades", 6),
        ("l’ambassade américaine a accusé vendredi", 5),
        ("اتهمت السفارة الأمريكية في العراق", 5),
        ("كَتَبَ الصَّحَفِيُّ تَقْرِيرًا", 3),
        ("٢٠٢٤ ، بغداد", 2),
    ],
)
def test_word_count_is_unicode_aware(text: str, count: int) -> None:
    assert word_count(text) == count


_WORD_ALPHABET = [
    "a",
    "B",
    "1",
    " ",
    "\t",
    "\n",
    ",",
    ".",
    "—",
    "“",
    "é",
    "\xa0",
    "\u2009",
    "\x1c",
    "_",
    "٣",
    "\x85",
    "\ud800",
    "-",
    "ß",
    "!",
    "\u3000",
    "كَ",
    "&",
    "\x00",
]


@pytest.mark.parametrize("seed", range(20))
def test_word_count_is_the_tokens_with_a_letter_or_digit(seed: int) -> None:
    """word_count counts the str.split() tokens holding a letter or digit, on random text
    of ASCII, Unicode spaces, punctuation, Arabic and lone surrogates."""
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice(_WORD_ALPHABET) for _ in range(rng.randint(0, 40)))
        expected = sum(1 for token in text.split() if any(ch.isalnum() for ch in token))
        assert word_count(text) == expected

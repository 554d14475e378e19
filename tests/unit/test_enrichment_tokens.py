"""Tokens: whole words, casefolding, Arabic normalisation and clitics, sentences."""

from __future__ import annotations

import itertools
import pickle
import random
import re
import sys

import pytest

from crawler.enrichment import tokens as tokens_module
from crawler.enrichment.tokens import WordMemo, alias_tokens, token_keys, tokenize


def test_latin_words_are_casefolded_and_lose_diacritics() -> None:
    assert token_keys("Égypte") == ("egypte",)
    assert token_keys("Diyarbakır") == ("diyarbakir",)
    assert token_keys("IRAQ") == ("iraq",)


def test_apostrophes_hyphens_and_dots_split_words_on_both_sides() -> None:
    assert alias_tokens("Kata'ib Hizballah")[0] == ("kata", "ib", "hizballah")
    tokens = tokenize("Kata’ib Hizballah")
    assert [tokens.keys(i) for i in range(len(tokens))] == [("kata",), ("ib",), ("hizballah",)]
    assert tokenize("Iran-backed U.S.").surfaces == ["Iran", "backed", "U", "S"]


def test_arabic_proclitics_and_article_reach_the_bare_name() -> None:
    for word in ("العراق", "والعراق", "بالعراق", "للعراق", "فالعراق"):
        assert "العراق" in token_keys(word), word
    assert token_keys("العراقية")[-1] == "عراقيه"  # ة -> ه, article peeled


def test_arabic_vowel_marks_and_alef_forms_are_normalised() -> None:
    assert token_keys("صاروخاً")[0] == "صاروخا"
    assert token_keys("إيران")[0] == token_keys("ايران")[0] == token_keys("آيران")[0]


def test_shadda_distinguishes_amman_from_oman_but_falls_back() -> None:
    amman = token_keys("عمّان")
    assert amman[0] == "عمّان"
    assert "عمان" in amman  # the plain form is still a candidate
    assert token_keys("عمان")[0] == "عمان"


def test_sentences_split_on_end_punctuation_and_line_breaks() -> None:
    tokens = tokenize("Title line\n\nRockets hit a base. No one was hurt! Was it Iran? Yes.")
    texts = [tokens.sentence_text(i) for i in range(len(tokens.sentence_bounds))]
    assert texts == [
        "Title line",
        "Rockets hit a base.",
        "No one was hurt!",
        "Was it Iran?",
        "Yes.",
    ]
    assert tokens.sentence_of(tokens.surfaces.index("Iran")) == 3


def test_abbreviations_before_lowercase_words_do_not_end_a_sentence() -> None:
    tokens = tokenize("The U.S. embassy said so.")
    assert len(tokens.sentence_bounds) == 1


def test_token_spans_and_source_text() -> None:
    text = "Lebanon, Pennsylvania, in the US."
    tokens = tokenize(text)
    assert tokens.source(0, 2) == "Lebanon, Pennsylvania"
    assert tokens.gap(0, 1) == ", "


# The policy's definitions, written the plain way: one word pattern over the whole text,
# one alternation for sentence breaks, and words searched in place (no ASCII shortcut).
_REF_WORD = re.compile(r"[\w\u064b-\u065f\u0670\u0640]+")
_REF_BREAK = re.compile(r"[.!?\u061f…][\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9\u0600-\u06ff])|\n\s*")
_PIECES = [
    "Rockets hit",
    "a base",
    ".",
    "!",
    "?",
    "؟",
    "…",
    " ",
    "  ",
    "\n",
    "\n\n",
    " \n ",
    "\t",
    "\xa0",
    "\u2028",
    '"',
    "”",
    "’",
    "»",
    ")",
    "]",
    "“",
    "«",
    "(",
    "[",
    "A",
    "b",
    "7",
    "U.S.",
    "Kata'ib",
    "al-Shuhada",
    "Égypte",
    "Diyarbakır",
    "العراق",
    "صاروخاً",
    "عمّان",
    "ـ",
    "xٰy",
    "snake_case",
    "½",
    "²",
    "Ⅻ",
    "—",
    "é",
    "🙂",
    ",",
    "_",
    "\x00",
    "\x1f",
    "\x85",
    "\u3000",
    "\u200c",
    "\ud800",
    "‿",
    "·",
    "،",
    "–",
    "ً",
    "ª",
    "l’armée",
    "«\xa0",
]


def _reference(text: str) -> tuple[list[str], list[tuple[int, int]], list[int]]:
    cuts = [0, *(m.end() for m in _REF_BREAK.finditer(text)), len(text)]
    surfaces: list[str] = []
    bounds: list[tuple[int, int]] = []
    first = [0]
    for start, end in itertools.pairwise(cuts):
        words = _REF_WORD.findall(text, start, end)
        if words:
            surfaces.extend(words)
            bounds.append((start, end))
            first.append(len(surfaces))
    return surfaces, bounds, first


def test_tokens_and_sentences_match_the_plain_definitions() -> None:
    rng = random.Random(5)
    texts = ["", " ", "\n\n", "Title line\n\nRockets hit a base. No one was hurt! Was it Iran?"]
    texts += ["".join(rng.choices(_PIECES, k=rng.randrange(1, 60))) for _ in range(3000)]
    for text in texts:
        tokens = tokenize(text)
        assert (tokens.surfaces, tokens.sentence_bounds, tokens.sentence_first) == _reference(
            text
        ), text
        for sentence, (start, end) in enumerate(tokens.sentence_bounds):
            spans = [m.span() for m in _REF_WORD.finditer(text, start, end)]
            got = [tokens.span(t) for t in tokens.sentence_tokens(sentence)]
            assert got == spans, text


def test_every_character_is_read_as_the_word_pattern_reads_it() -> None:
    # Each character between and inside words, in sentences in ASCII (the first text)
    # and in wider ones: every code point of the first plane (surrogates included),
    # every 61st above it.
    texts = [" ".join(f"a{c}b {c} 1{c}{c}_" for c in map(chr, range(128)))]
    points = [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 61)]
    for block in range(0, len(points), 512):
        chars = map(chr, points[block : block + 512])
        texts.append(" ".join(f"a{c}b {c} é{c}{c}_ {c}ع" for c in chars))
    for text in texts:
        tokens = tokenize(text)
        assert (tokens.surfaces, tokens.sentence_bounds, tokens.sentence_first) == _reference(text)


def test_word_memo_computes_once_and_starts_afresh_when_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def upper(word: str) -> str:
        calls.append(word)
        return word.upper()

    memo = WordMemo(upper)
    assert [memo[w] for w in ("a", "b", "a")] == ["A", "B", "A"]
    assert calls == ["a", "b"]
    monkeypatch.setattr(tokens_module, "MEMO_SIZE", 2)
    assert memo["c"] == "C" and len(memo) == 1  # full: emptied, then "c" stored
    copy = pickle.loads(pickle.dumps(WordMemo(str.upper)))
    assert isinstance(copy, WordMemo) and not copy and copy["x"] == "X"

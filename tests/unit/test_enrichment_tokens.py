"""Tokens: whole words, casefolding, Arabic normalisation and clitics, sentences."""

from __future__ import annotations

from crawler.enrichment.tokens import alias_tokens, token_keys, tokenize


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

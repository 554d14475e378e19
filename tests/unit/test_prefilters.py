"""Cheap tests run before costly regexes (``Needles``) and the faster word count: they must
never change a result. Randomized texts mix agency names and prompt words in random case,
Unicode look-alikes ("İ", "ı", "ſ", the Kelvin sign) and separators."""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Iterator

import pytest

from crawler import agencies, wire
from crawler import boilerplate as bp
from crawler.text import Needles, clean_text, needle_char, word_count

_WORD = re.compile(r"[^\W_]\S*")  # the word count's former definition: one match per word
_ALIASES = [
    alias for canonical, aliases in wire.AGENCIES.items() for alias in (canonical, *aliases)
]
_PROMPTS = [
    "newsletter", "Sign up", "subscribe now", "register", "s’inscrire", "inscrivez-vous",
    "abonnez-vous", "abone olun", "abonelik için", "for a subscription contact us",
    "to subscribe, please contact", "pour vous abonner", "did you enjoy this story",
    "hat Ihnen dieser Artikel gefallen", "vous avez aimé cet article", "unterstützen Sie uns",
    "soutenez-nous", "support us with a donation", "mit einer Spende", "make a donation",
    "to republish this article", "النشرة البريدية", "inbox", "free", "daily",
]  # fmt: skip
_WORDS = [
    "the", "minister", "said", "agency", "news", "press", "national", "told", "Kuwait",
    "France", "وكالة", "الأنباء", "İstanbul", "ağustos", "straße", "x_y", "—", "“quoted”",
    "123", "A.F.P.", "reu-ters", "@AFP", "/AFP", "(AFP)", "Agence France—Presse", "é\u0301",
]  # fmt: skip
_LOOKALIKES = {
    "i": "ıİIí",
    "I": "İıi",
    "s": "ſSś",
    "S": "ſs",
    "k": "\u212aKķ",
    "K": "\u212ak",
    "e": "éE",
}
_SEPARATORS = [" ", "  ", "\u00a0", ".", "-", " - ", "\t", "\n", "", "_", "·", ", ", " ("]


def _mutate(rng: random.Random, text: str) -> str:
    out = []
    for ch in text:
        roll = rng.random()
        if roll < 0.15 and ch in _LOOKALIKES:
            out.append(rng.choice(_LOOKALIKES[ch]))
        elif roll < 0.35:
            out.append(ch.swapcase())
        elif roll < 0.4 and ch in " .-":
            out.append(rng.choice(_SEPARATORS))
        else:
            out.append(ch)
    return "".join(out)


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randrange(1, 12)):
            roll = rng.random()
            if roll < 0.1:
                parts.append(_mutate(rng, rng.choice(_ALIASES)))
            elif roll < 0.3:
                parts.append(_mutate(rng, rng.choice(_PROMPTS)))
            elif roll < 0.4:  # an alias with one character changed: a near miss
                alias = rng.choice(_ALIASES)
                cut = rng.randrange(len(alias))
                parts.append(
                    _mutate(rng, alias[:cut] + rng.choice(["", "x", "é", "ı"]) + alias[cut + 1 :])
                )
            else:
                parts.append(rng.choice(_WORDS))
        texts.append("".join(p + rng.choice(_SEPARATORS) for p in parts).strip())
    return texts


TEXTS = _texts(5, 4000)
TRICKY = [
    "İRNA", "ıslamic Republic News Agency", "ISLAMIC REPUBLİC NEWS AGENCY", "Thomſon Reuters",
    "\u212ayodo News", "KUWAİT NEWS AGENCY", "Agence France-Presse", "AGENCE\u00a0FRANCE PRESSE",
    "newsletterſ", "SİGN UP", "ſubſcribe now", "Newsletter: sign up", "وكالة الأنباء العراقية",
    "plain words only", "", "—",
]  # fmt: skip


@pytest.mark.parametrize(
    ("needles", "regex"),
    [
        (bp.NOTICE_NEEDLES, bp.NOTICE),
        (bp.SIGNUP_NEEDLES, bp.SIGNUP_BUTTON),
        (bp.NEWSLETTER_NEEDLES, bp.NEWSLETTER),
    ],
    ids=["notice", "signup", "newsletter"],
)
def test_boilerplate_needles_never_reject_a_match(needles: Needles, regex: re.Pattern[str]) -> None:
    for text in [*TEXTS, *TRICKY, *_PROMPTS]:
        if regex.search(text):
            assert needles.may_match(text), text


def test_boilerplate_needles_reject_plain_paragraphs() -> None:
    text = "The minister said on Tuesday that talks would resume — “soon”, officials added."
    assert not bp.NOTICE_NEEDLES.may_match(text)
    assert not bp.SIGNUP_NEEDLES.may_match(text)
    assert not bp.NEWSLETTER_NEEDLES.may_match(text)


def test_wire_prefilter_never_rejects_a_running_text_match() -> None:
    regexes = agencies._mention_regexes()[:2]
    rejected = 0
    for text in [*TEXTS, *TRICKY, *_ALIASES]:
        if not agencies._may_name(text):
            rejected += 1
            assert not any(regex.search(text) for regex in regexes), text
    assert rejected  # the prefilter does reject texts


@pytest.mark.parametrize("text", TRICKY)
def test_case_outliers_are_let_through(text: str) -> None:
    needles = Needles(("islamic", "kuwait", "reuters", "newsletter", "kyodo"))
    found = re.search("islamic|kuwait|reuters|newsletter|kyodo", text, re.I)
    assert needles.may_match(text) or found is None


def test_needles_are_lower_case_ascii_or_uncased_letters() -> None:
    assert needle_char("a") and needle_char("-") and needle_char("و")
    assert not needle_char("ı") and not needle_char("é") and not needle_char("\u0307")
    with pytest.raises(ValueError):
        Needles(("Reuters",))
    with pytest.raises(ValueError):
        Needles(("ajansı",))
    assert Needles(("reuters", "رويترز")).ascii == ("reuters",)


def test_register_agencies_refreshes_the_needles(restore_agencies: None) -> None:
    assert not agencies._may_name("Quoted by Zorblax Wire on Monday.")
    wire.register_agencies({"Zorblax": ("Zorblax Wire",)})
    assert agencies._may_name("Quoted by Zorblax Wire on Monday.")


def test_credit_line_results_are_fresh_lists() -> None:
    first = wire.credit_line_agencies("With AFP")
    first.append("mutated")
    assert wire.credit_line_agencies("With AFP") == ["AFP"]


@pytest.mark.parametrize(
    "text",
    [
        *TEXTS[:500],
        "a_b __ _x_ x_",
        "— | ‘’ 12 3,5 ١٢",
        "مُحَمَّد وَ كَتَبَ",
        "Cafe\u0301 \u0301 x\u200b y",
        "e\u0301\u0301 \u00a0 \u2003 tab\tsep",
        "",
    ],
)
def test_word_count_counts_what_the_former_regex_counted(text: str) -> None:
    assert word_count(text) == len(_WORD.findall(text))


@pytest.fixture
def restore_agencies() -> Iterator[None]:
    saved = dict(wire.AGENCIES)
    yield
    wire.AGENCIES.clear()
    wire.AGENCIES.update(saved)
    wire.register_agencies({})


_PIECES = [
    "The", "minister", "said", "&amp;", "&amp;amp;", "&#8217;", "&nbsp;", "&", "AFP", "(AFP)",
    "contributed to this report", "CONTRIBUTED", "contrıbuted", "İ", "ſ", "Reporting by Jane",
    "Sources: AP", "—", "_", "x_y", "é", "\u00a0", "\u200b", "\u00ad", "e\u0301", "\t", "\n",
    "\x1c", "\x1f", "\x0b", "\x7f", "  ", " ", "...", "123", "ﬅ", "Σ", "وكالة", "١٢", "~",
]  # fmt: skip


def _random_texts(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        parts = [rng.choice(_PIECES) + rng.choice(["", " ", "  ", ". "]) for _ in range(12)]
        text = "".join(parts[: rng.randrange(0, 12)])
        yield text.strip() if rng.random() < 0.3 else text


def _reference_clean_text(value: str) -> str:
    if not value:
        return ""
    text = html.unescape(value)
    if "&" in text and re.search(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", text):
        text = html.unescape(text)
    if not text.isascii():
        invisible = "[\u200b-\u200f\u2060\ufeff\u00ad\u061c\u202a-\u202e\u2066-\u2069]"
        text = re.sub(invisible, "", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def test_text_fast_paths_equal_the_general_rules() -> None:
    clean = 0
    for text in _random_texts(11, 20000):
        cleaned = clean_text(text)
        assert cleaned == _reference_clean_text(text) and type(cleaned) is str, text
        clean += cleaned is text
        assert word_count(text) == sum(1 for t in text.split() if re.search(r"[^\W_]", t)), text
        assert bp.title_key(text) == re.sub(r"[\W_]+", "", text.casefold()), text
        assert bp.credit_trailer(text) == (bp.CREDIT_TRAILER.match(text) is not None), text
    assert clean  # the fast path was taken


def test_clean_text_returns_a_plain_str_for_a_str_subclass() -> None:
    class Smart(str):
        pass

    cleaned = clean_text(Smart("already clean"))
    assert cleaned == "already clean" and type(cleaned) is str


def test_byline_results_are_fresh_lists() -> None:
    first = wire.byline_agencies("By Reuters Staff")
    first.append("mutated")
    assert wire.byline_agencies("By Reuters Staff") == ["Reuters"]


def test_a_paragraph_without_parentheses_has_no_dateline() -> None:
    assert wire.dateline_agencies("BEIRUT — Reuters said on Monday") == ([], 0)
    assert wire.dateline_agencies("BEIRUT (Reuters) — The minister said")[0] == ["Reuters"]

"""Cheap tests run before costly regexes (``Needles``) and the faster word count: they must
never change a result. Randomized texts mix agency names and prompt words in random case,
Unicode look-alikes ("İ", "ı", "ſ", the Kelvin sign) and separators."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from crawler import boilerplate as bp
from crawler import wire
from crawler.text import Needles, needle_char, word_count

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
    regexes = wire._mention_regexes()[:2]
    rejected = 0
    for text in [*TEXTS, *TRICKY, *_ALIASES]:
        if not wire._may_name(text):
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
    assert not wire._may_name("Quoted by Zorblax Wire on Monday.")
    wire.register_agencies({"Zorblax": ("Zorblax Wire",)})
    assert wire._may_name("Quoted by Zorblax Wire on Monday.")


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

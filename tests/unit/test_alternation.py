"""Grouped alternations match exactly as the plain ones, or are not grouped."""

from __future__ import annotations

import random
import re

import pytest

from crawler.agencies import AGENCIES, _alias_pattern
from crawler.alternation import grouped


@pytest.mark.parametrize("flags", [0, re.I])
def test_grouped_agency_aliases_match_as_the_plain_alternation(flags: int) -> None:
    aliases = [alias for name, more in AGENCIES.items() for alias in (name, *more)]
    patterns = sorted({_alias_pattern(alias) for alias in aliases}, key=len, reverse=True)
    plain = re.compile(r"(?<![\w@/.-])(" + "|".join(patterns) + r")(?![\w@-])", flags)
    fast = re.compile(r"(?<![\w@/.-])(" + grouped(patterns, flags) + r")(?![\w@-])", flags)
    assert fast.pattern != plain.pattern
    rnd = random.Random(3)
    noise = ["ı", "İ", "ſ", "K", "-", ".", "/", " ", "\n", "é", "x"]
    for _ in range(3000):
        text = " ".join(rnd.choice(aliases + noise) for _ in range(6))
        text = "".join(c.swapcase() if rnd.random() < 0.2 else c for c in text)
        got = [(m.span(), m.group(1)) for m in fast.finditer(text)]
        assert got == [(m.span(), m.group(1)) for m in plain.finditer(text)]


@pytest.mark.parametrize(
    ("patterns", "flags"),
    [
        (["a+b", "ac"], 0),  # a quantified first character
        (["[ab]c", "ad"], 0),  # a class first
        (["ix", "\u0131y"], re.I),  # a dotless i matches "i" under IGNORECASE
    ],
)
def test_alternatives_it_cannot_group_stay_as_they_are(patterns: list[str], flags: int) -> None:
    assert grouped(patterns, flags) == "|".join(patterns)

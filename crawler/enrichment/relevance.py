"""Regional-security relevance: a monotone score in [0, 1] from what the text names.

    evidence  = EVENT * event types + ARMED * armed actors + OTHER * other actors
                + TERM * security words + HINT * (section or tags name a security desk)
    security  = 1 - exp(-evidence)
    relevance = security * (OUTSIDE + (1 - OUTSIDE) * in_region)

``in_region`` is 1 when a country of the region (``countries.json`` ``region``) is
mentioned or a named actor is based there, else 0. *Security words* are the distinct
words of ``security_words`` (``crawler/data/relevance.json``: war, troops, militants,
missile...) in the text, a
weak signal for security stories with no event or named actor (talks on border
security, a summit on a war). Every weight is non-negative, so the score never falls
when evidence is added; a text with no security evidence scores 0 whatever its
section, so a rocket attack filed under "Entertainment News" still scores high. Counts
are capped (``CAP``, ``TERM_CAP``) so that long texts do not saturate on volume. The
weights were calibrated on the training 70% of ``bench/enrichment``'s labelled set
(``python -m bench.enrichment --calibrate``: grid search for the lowest log loss over
a bounded grid, so that a single piece of evidence never reads as a certainty).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from crawler.enrichment.data import load
from crawler.enrichment.tokens import WordMemo, token_keys

# Calibrated weights (see the module docstring). HINT came out 0: the training
# texts' sections do not separate relevant from irrelevant stories beyond the text.
EVENT = 2.0
ARMED = 1.5
OTHER = 0.4
TERM = 0.5
HINT = 0.0
OUTSIDE = 0.05
CAP = 4
TERM_CAP = 6

Weights = tuple[float, float, float, float, float, float]
WEIGHTS: Weights = (EVENT, ARMED, OTHER, TERM, HINT, OUTSIDE)


@cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    """Section hint words (casefolded) and security words (token keys)."""
    data = load("relevance")
    hints = frozenset(w.casefold() for w in data["section_hints"])
    return hints, frozenset(token_keys(w)[0] for w in data["security_words"])


@dataclass(frozen=True, slots=True)
class RelevanceInputs:
    """What the score is computed from."""

    event_types: int
    armed_actors: int
    other_actors: int
    security_words: int
    hint: bool
    in_region: bool


def section_hint(labels: Iterable[str | None]) -> bool:
    """Whether a section or tag names a security or world-news desk."""
    for label in labels:
        if not label:
            continue
        words = set(label.casefold().replace("/", " ").split())
        if words & _words()[0] or "middle east" in label.casefold():
            return True
    return False


def _security_key(word: str) -> str | None:
    words = _words()[1]
    return next((key for key in token_keys(word) if key in words), None)


_SECURITY_KEYS = WordMemo(_security_key)


def security_words(words: Iterable[str]) -> int:
    """How many distinct security words (by key) a text's words hold."""
    return len(set(filter(None, map(_SECURITY_KEYS.__getitem__, words))))


def relevance(inputs: RelevanceInputs, weights: Weights = WEIGHTS) -> float:
    """The score of the module docstring, rounded to 3 decimals."""
    event, armed, other, term, hint_weight, outside = weights
    evidence = (
        event * min(inputs.event_types, CAP)
        + armed * min(inputs.armed_actors, CAP)
        + other * min(inputs.other_actors, CAP)
        + term * min(inputs.security_words, TERM_CAP)
        + hint_weight * inputs.hint
    )
    security = 1.0 - math.exp(-evidence)
    return round(security * (outside + (1.0 - outside) * inputs.in_region), 3)

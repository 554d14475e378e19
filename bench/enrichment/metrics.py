"""Split, set precision/recall, AUC and log loss for the enrichment bench."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Share of the labelled set kept aside (by a fixed hash of the id, never by order).
HELD_OUT_PERCENT = 30


def is_held_out(item_id: str) -> bool:
    """Whether an item belongs to the held-out 30%: sha1 of the id, first 8 hex
    digits as an integer, modulo 100, below ``HELD_OUT_PERCENT``."""
    digest = hashlib.sha1(item_id.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < HELD_OUT_PERCENT


@dataclass
class SetScore:
    """Micro-averaged precision and recall over many (predicted, expected) sets."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: Iterable[str], expected: Iterable[str]) -> None:
        got, want = set(predicted), set(expected)
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve (Mann-Whitney; ties count one half)."""
    positives = [s for s, y in zip(scores, labels, strict=True) if y]
    negatives = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not positives or not negatives:
        return float("nan")
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def log_loss(scores: Sequence[float], labels: Sequence[bool], eps: float = 1e-3) -> float:
    """Mean negative log-likelihood of the labels under the scores."""
    total = 0.0
    for s, y in zip(scores, labels, strict=True):
        p = min(max(s, eps), 1 - eps)
        total -= math.log(p if y else 1 - p)
    return total / len(scores)

"""Clustering quality: pairwise and B-cubed precision/recall/F1, per-type breakdowns.

A clustering is a mapping item -> cluster label. Pairwise scores count item pairs:
a pair is predicted when both items share a predicted cluster and true when they
share a true cluster. B-cubed scores average, over items, the overlap of the
item's predicted and true clusters (Bagga & Baldwin 1998). With no predicted
(true) pairs at all, precision (recall) is 1.0 by convention.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def _check(pred: Mapping[str, Hashable], true: Mapping[str, Hashable]) -> None:
    if pred.keys() != true.keys():
        missing = sorted(set(true) ^ set(pred))[:5]
        raise ValueError(f"predicted and true clusterings cover different items: {missing}")


def contingency(
    pred: Mapping[str, Hashable], true: Mapping[str, Hashable]
) -> tuple[Counter[tuple[Hashable, Hashable]], Counter[Hashable], Counter[Hashable]]:
    """Counts of (predicted, true) cells, predicted cluster sizes, true cluster sizes."""
    _check(pred, true)
    cells = Counter((pred[item], true[item]) for item in true)
    return cells, Counter(pred.values()), Counter(true.values())


def pairwise(pred: Mapping[str, Hashable], true: Mapping[str, Hashable]) -> Scores:
    """Pairwise precision and recall over all item pairs."""
    cells, pred_sizes, true_sizes = contingency(pred, true)
    both = sum(pairs(n) for n in cells.values())
    predicted = sum(pairs(n) for n in pred_sizes.values())
    actual = sum(pairs(n) for n in true_sizes.values())
    return Scores(both / predicted if predicted else 1.0, both / actual if actual else 1.0)


def bcubed(pred: Mapping[str, Hashable], true: Mapping[str, Hashable]) -> Scores:
    """B-cubed precision and recall (item-averaged)."""
    cells, pred_sizes, true_sizes = contingency(pred, true)
    if not true:
        return Scores(1.0, 1.0)
    precision = sum(n * n / pred_sizes[p] for (p, _), n in cells.items()) / len(true)
    recall = sum(n * n / true_sizes[t] for (_, t), n in cells.items()) / len(true)
    return Scores(precision, recall)


def bcubed_for(
    items: Collection[str], pred: Mapping[str, Hashable], true: Mapping[str, Hashable]
) -> Scores:
    """B-cubed precision and recall averaged over ``items`` only."""
    cells, pred_sizes, true_sizes = contingency(pred, true)
    if not items:
        return Scores(1.0, 1.0)
    precision = sum(cells[pred[i], true[i]] / pred_sizes[pred[i]] for i in items) / len(items)
    recall = sum(cells[pred[i], true[i]] / true_sizes[true[i]] for i in items) / len(items)
    return Scores(precision, recall)


def pair_recall_for(
    items: Collection[str], pred: Mapping[str, Hashable], true: Mapping[str, Hashable]
) -> tuple[int, int]:
    """(pairs found, true pairs) over true pairs with at least one member in ``items``."""
    members: dict[Hashable, list[str]] = defaultdict(list)
    for item, label in true.items():
        members[label].append(item)
    selected = set(items)
    found = total = 0
    for group in members.values():
        for a, b in combinations(group, 2):
            if a in selected or b in selected:
                total += 1
                found += pred[a] == pred[b]
    return found, total


def linked(
    items: Iterable[str], source: Mapping[str, str], pred: Mapping[str, Hashable]
) -> tuple[int, int]:
    """(items predicted in the same cluster as their source item, items)."""
    hits = total = 0
    for item in items:
        total += 1
        hits += pred[item] == pred[source[item]]
    return hits, total


def false_merges(
    pred: Mapping[str, Hashable],
    true: Mapping[str, Hashable],
    key: Mapping[str, Hashable | None] | None = None,
) -> tuple[int, set[frozenset[Hashable]]]:
    """Item pairs predicted together but truly apart, and the set of merged true-cluster
    pairs. With ``key``, only pairs whose two items share a non-None key count (same
    event, same site)."""
    by_pred: dict[Hashable, list[str]] = defaultdict(list)
    for item, label in pred.items():
        by_pred[label].append(item)
    count = 0
    merged: set[frozenset[Hashable]] = set()
    for group in by_pred.values():
        for a, b in combinations(group, 2):
            if true[a] == true[b]:
                continue
            if key is not None and (key.get(a) is None or key.get(a) != key.get(b)):
                continue
            count += 1
            merged.add(frozenset((true[a], true[b])))
    return count, merged


def partition(labels: Mapping[str, Hashable]) -> frozenset[frozenset[str]]:
    """The clustering as a set of member sets (labels themselves do not matter)."""
    groups: dict[Hashable, set[str]] = defaultdict(set)
    for item, label in labels.items():
        groups[label].add(item)
    return frozenset(frozenset(g) for g in groups.values())


def partition_difference(a: Mapping[str, Hashable], b: Mapping[str, Hashable]) -> int:
    """How many items sit in a cluster (member set) that differs between ``a`` and ``b``."""
    _check(a, b)
    in_b = partition(b)
    return sum(len(group) for group in partition(a) - in_b)

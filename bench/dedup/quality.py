"""Scoring one deduplication run of the labelled corpus against its labels.

A run is a :class:`Prediction`: each item's predicted cluster, relation and stage,
and each predicted cluster's canonical URL. :func:`evaluate` gives the overall
pairwise and B-cubed scores (with and without flashes), a row per copy type (items
linked to their story's original, pair recall, B-cubed precision, relation
agreement), the hard-negative merges (same event, same site, briefs) and the
failures (missed copies, merged stories) for tuning.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.dedup import metrics
from bench.dedup.model import Item
from bench.dedup.transforms import COPY_TYPES

HARD_NEGATIVE_KINDS = ("brief",)


@dataclass
class Prediction:
    name: str
    labels: dict[str, str]  # url -> predicted cluster
    relation: dict[str, str | None] = field(default_factory=dict)
    stage: dict[str, str] = field(default_factory=dict)
    similarity: dict[str, float | None] = field(default_factory=dict)
    canonical: dict[str, str] = field(default_factory=dict)  # predicted cluster -> url
    seconds: float = 0.0


def _scores(pred: dict[str, str], true: dict[str, str]) -> dict[str, float]:
    pw, b3 = metrics.pairwise(pred, true), metrics.bcubed(pred, true)
    return {
        "pair_p": pw.precision,
        "pair_r": pw.recall,
        "pair_f1": pw.f1,
        "b3_p": b3.precision,
        "b3_r": b3.recall,
        "b3_f1": b3.f1,
    }


def type_rows(items: Sequence[Item], pred: Prediction) -> list[dict[str, Any]]:
    """One row per copy type: how many items were found with their story."""
    true = {i.url: i.cluster for i in items}
    source = {i.url: i.source for i in items}
    by_kind: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    rows = []
    for kind in sorted(by_kind, key=_kind_order):
        group = by_kind[kind]
        urls = [i.url for i in group]
        row: dict[str, Any] = {"kind": kind, "items": len(group)}
        if kind not in ("original", *HARD_NEGATIVE_KINDS):
            hits, total = metrics.linked(urls, source, pred.labels)
            row["linked"] = hits / total if total else None
            found, pairs = metrics.pair_recall_for(urls, pred.labels, true)
            row["pair_r"] = found / pairs if pairs else None
        row["b3_p"] = metrics.bcubed_for(urls, pred.labels, true).precision
        accepted = COPY_TYPES.get(kind)
        if accepted and pred.relation:
            linked = [i for i in group if pred.labels[i.url] == pred.labels[i.source]]
            agree = sum(pred.relation.get(i.url) in accepted for i in linked)
            row["relation_ok"] = agree / len(linked) if linked else None
        if pred.stage:
            row["stages"] = dict(Counter(pred.stage.get(u, "?") for u in urls).most_common())
        rows.append(row)
    return rows


def _kind_order(kind: str) -> tuple[int, str]:
    order = ["original", *COPY_TYPES, "fixture_copy", "fixture_rewrite", *HARD_NEGATIVE_KINDS]
    return (order.index(kind) if kind in order else len(order), kind)


def hard_negatives(items: Sequence[Item], pred: Prediction) -> dict[str, Any]:
    """Merges of truly different stories: all, same event, same site, involving briefs."""
    true = {i.url: i.cluster for i in items}
    event = {i.url: i.event for i in items}
    site = {i.url: i.site for i in items}
    out: dict[str, Any] = {}
    for name, key in (("all", None), ("same_event", event), ("same_site", site)):
        pairs, merged = metrics.false_merges(pred.labels, true, key)
        out[name] = {"pairs": pairs, "story_pairs": len(merged), "examples": _examples(merged)}
    _, all_merged = metrics.false_merges(pred.labels, true)
    brief_clusters = {i.cluster for i in items if i.kind == "brief"}
    brief_merged = {m for m in all_merged if m & brief_clusters}
    out["briefs"] = {"story_pairs": len(brief_merged), "examples": _examples(brief_merged)}
    reports = defaultdict(set)
    for item in items:
        if item.event:
            reports[item.event].add(item.cluster)
    out["multi_report_events"] = sum(len(c) > 1 for c in reports.values())
    out["same_event_story_pairs"] = sum(len(c) * (len(c) - 1) // 2 for c in reports.values())
    return out


def _examples(merged: set[frozenset[Any]], limit: int = 8) -> list[list[str]]:
    return [sorted(map(str, pair)) for pair in sorted(merged, key=lambda p: sorted(map(str, p)))][
        :limit
    ]


def misses(
    items: Sequence[Item], pred: Prediction, limit: int = 12
) -> dict[str, list[dict[str, Any]]]:
    """Per copy type, copies not found with their story's original."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if item.kind in ("original", *HARD_NEGATIVE_KINDS):
            continue
        if pred.labels[item.url] == pred.labels[item.source]:
            continue
        if len(out[item.kind]) < limit:
            out[item.kind].append(
                {
                    "url": item.url,
                    "source": item.source,
                    "words": len(item.body.split()),
                    "stage": pred.stage.get(item.url),
                    "relation": pred.relation.get(item.url),
                    "similarity": pred.similarity.get(item.url),
                }
            )
    return dict(out)


def canonical_rate(items: Sequence[Item], pred: Prediction) -> float | None:
    """Share of true clusters with copies whose predicted canonical is the original."""
    if not pred.canonical:
        return None
    originals = {i.source for i in items if i.kind != "original" and i.kind != "brief"}
    hits = sum(pred.canonical.get(pred.labels[url]) == url for url in originals)
    return hits / len(originals) if originals else None


def evaluate(items: Sequence[Item], pred: Prediction) -> dict[str, Any]:
    true = {i.url: i.cluster for i in items}
    no_flash = [i for i in items if i.kind != "flash"]
    true_nf = {i.url: i.cluster for i in no_flash}
    pred_nf = {u: pred.labels[u] for u in true_nf}
    return {
        "name": pred.name,
        "overall": _scores(pred.labels, true),
        "overall_no_flash": _scores(pred_nf, true_nf),
        "types": type_rows(items, pred),
        "hard_negatives": hard_negatives(items, pred),
        "misses": misses(items, pred),
        "canonical_is_original": canonical_rate(items, pred),
        "seconds": pred.seconds,
    }

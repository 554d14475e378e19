"""``python -m bench.dedup``: quality and scale benchmarks of the wire-copy deduplicator.

Quality: the labelled syndication corpus (``bench.dedup.corpus``) fed to
``crawler.dedup`` (fresh in-memory store, publication order, then three shuffled
orders) and to the datasketch MinHashLSH baseline; pairwise and B-cubed scores,
per copy type, hard negatives, order independence. Scale: ``--scale N`` generated
items streamed through ours and the baseline (``bench.dedup.scale``).

With neither ``--quality`` nor ``--scale`` nor ``--smoke``: both, at 200,000 items.
``--smoke``: quality on a reduced corpus and a 5,000-item scale run (CI).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dedup import metrics, quality, report, runs
from bench.dedup.corpus import build_corpus
from bench.dedup.scale import run_scale


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    return (
        f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs{memory}, "
        f"Python {platform.python_version()}"
    )


def cli_available() -> bool:
    """Whether ``scrapy dedup`` exists in this tree."""
    return importlib.util.find_spec("crawler.commands.dedup") is not None


def canonical_by_members(pred: quality.Prediction) -> dict[frozenset[str], str]:
    groups: dict[str, set[str]] = {}
    for url, label in pred.labels.items():
        groups.setdefault(label, set()).add(url)
    return {frozenset(m): pred.canonical[k] for k, m in groups.items() if k in pred.canonical}


def linked_changes(items: list[Any], a: quality.Prediction, b: quality.Prediction) -> Counter[str]:
    """Per copy type, items found with their original in one run and not the other."""
    changes: Counter[str] = Counter()
    for item in items:
        if item.url == item.source:
            continue
        in_a = a.labels[item.url] == a.labels[item.source]
        in_b = b.labels[item.url] == b.labels[item.source]
        changes[item.kind] += in_a != in_b
    return +changes


def order_check(
    items: list[Any], first: quality.Prediction, seeds: list[int]
) -> list[dict[str, Any]]:
    """Publication order against shuffled orders: same clusters, same canonicals?"""
    true = {i.url: i.cluster for i in items}
    reference = canonical_by_members(first)
    rows = [
        {
            "order": "published",
            "pair_f1": metrics.pairwise(first.labels, true).f1,
            "differing_clusters": 0,
            "differing_items": 0,
            "canonical_changes": 0,
            "linked_changes": {},
        }
    ]
    for seed in seeds:
        pred = runs.run_ours(runs.ordered(items, seed))
        canon = canonical_by_members(pred)
        changed = sum(canon[m] != url for m, url in reference.items() if m in canon)
        differing = metrics.partition(first.labels) - metrics.partition(pred.labels)
        rows.append(
            {
                "order": f"shuffle {seed}",
                "pair_f1": metrics.pairwise(pred.labels, true).f1,
                "differing_clusters": len(differing),
                "differing_items": sum(len(g) for g in differing),
                "canonical_changes": changed,
                "linked_changes": dict(linked_changes(items, first, pred)),
            }
        )
    return rows


def run_quality(args: argparse.Namespace) -> dict[str, Any]:
    corpus = (
        build_corpus(args.seed, events=18, briefs=12) if args.smoke else build_corpus(args.seed)
    )
    items = runs.ordered(corpus.items, "published")
    results = []
    out: dict[str, Any] = {"corpus": corpus.stats(), "notes": corpus.notes}
    try:
        ours = runs.run_ours(items)
    except ImportError as error:
        out["notes"] = [*corpus.notes, f"crawler.dedup unavailable: {error}"]
        ours = None
    if ours is not None:
        results.append(quality.evaluate(items, ours))
        out["orders"] = order_check(items, ours, [1, 2, 3][: args.orders])
    results.append(quality.evaluate(items, runs.run_baseline(items)))
    out["results"] = results
    return out


def render(meta: dict[str, Any], q: dict[str, Any] | None, s: dict[str, Any] | None) -> str:
    lines = [
        "# Deduplication benchmark",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['machine']}",
        f"- Command: `{meta['command']}`",
    ]
    if q:
        results = q["results"]
        ours = results[0] if results[0]["name"] == "ours" else None
        lines += ["", "## Quality", "", "### Corpus", ""]
        lines += report.corpus_section(q["corpus"], q["notes"])
        if ours:
            lines += ["", "### Targets", "", *report.targets(ours)]
        lines += ["", "### Overall", "", *report.overall_section(results)]
        if ours:
            baseline = results[1] if len(results) > 1 else None
            lines += ["", "### Per copy type", ""]
            lines += [
                "'found with original': share of the type's items put in the same cluster as "
                "their story's original; 'pair recall': share of true pairs involving the type "
                "that are predicted; 'B³ P': B-cubed precision of the type's items.",
                "",
                *report.types_section(ours, baseline),
            ]
            share = ours.get("canonical_is_original")
            if share is not None:
                lines += ["", f"Final canonical is the story's original: {report.pct(share)}."]
        lines += ["", "### Hard negatives", "", *report.hard_negative_section(results)]
        if q.get("orders"):
            lines += ["", "### Order independence", "", *report.order_section(q["orders"])]
        if ours:
            lines += ["", "### Misses (for tuning)", "", *report.misses_section(ours)]
    if s:
        lines += ["", "## Scale", "", *report.scale_section(s)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dedup", description=__doc__)
    parser.add_argument("--quality", action="store_true", help="run the quality benchmark")
    parser.add_argument(
        "--scale", type=int, nargs="?", const=200_000, help="scale run of N items (200,000)"
    )
    parser.add_argument("--smoke", action="store_true", help="reduced quality + 5,000 items")
    parser.add_argument("--seed", type=int, default=13, help="corpus seed (13)")
    parser.add_argument("--orders", type=int, default=3, help="shuffled orders to compare (3)")
    parser.add_argument("--baseline-max", type=int, default=50_000, help="baseline items (50k)")
    parser.add_argument(
        "--ours",
        choices=("worker", "cli", "both"),
        default="worker",
        help="scale run of ours in a worker process (phase timings) or `scrapy dedup` itself",
    )
    parser.add_argument("--workdir", type=Path, help="keep the scale files here")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument("--json", type=Path, help="write every result (with failures) as JSON")
    args = parser.parse_args(argv)
    if not (args.quality or args.scale or args.smoke):
        args.quality, args.scale = True, 200_000
    if args.smoke:
        args.quality, args.scale = True, args.scale or 5_000
        args.ours = "cli" if cli_available() else "worker"
        args.baseline_max = min(args.baseline_max, 2_000)

    q = run_quality(args) if args.quality else None
    s = None
    if args.scale:
        workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-dedup-"))
        try:
            s = run_scale(args.scale, workdir, baseline_max=args.baseline_max, ours=args.ours)
        finally:
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
    command = ".venv/bin/python -m bench.dedup"
    if argv is None:
        argv = sys.argv[1:]
    if argv:
        command += " " + shlex.join(argv)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "command": command,
    }
    text = render(meta, q, s)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        payload = {**meta, "quality": q, "scale": s}
        args.json.write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The dedup benchmark's CI-sized run: ``python -m bench.dedup --smoke`` in a subprocess.

The reduced labelled corpus must meet the quality targets and give the same clusters
in every order; the 5,000-item scale run must stream every item through the offline
engine and find the copies. No timing is asserted: the figures are the benchmark's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("bench-dedup")
    report = work / "smoke.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.dedup", "--smoke", "--workdir", str(work),
         "--json", str(report), "--out", str(work / "smoke.md")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def test_quality_targets_on_the_reduced_corpus(smoke: dict[str, Any]) -> None:
    ours = smoke["quality"]["results"][0]
    assert ours["name"] == "ours"
    assert ours["overall"]["pair_p"] >= 0.99
    assert ours["overall"]["pair_f1"] >= 0.95
    negatives = ours["hard_negatives"]
    assert negatives["multi_report_events"] > 0
    assert negatives["all"]["story_pairs"] == 0
    assert negatives["same_event"]["story_pairs"] == 0


def test_every_order_gives_the_same_clusters(smoke: dict[str, Any]) -> None:
    orders = smoke["quality"]["orders"]
    assert len(orders) >= 4
    for order in orders[1:]:
        assert (order["differing_clusters"], order["canonical_changes"]) == (0, 0), order


def test_scale_run_streams_every_item_and_finds_the_copies(smoke: dict[str, Any]) -> None:
    scale = smoke["scale"]
    corpus = scale["corpus"]
    assert corpus["items"] == 5000
    assert corpus["copy_share"] >= 0.2 and corpus["median_words"] >= 400
    ours, baseline = scale["runs"]
    assert ours["items"] == 5000 and ours["tree_peak_mb"] > 0
    assert ours["copy_recall"] >= 0.95 and ours["pair_precision"] >= 0.99
    assert baseline["name"].startswith("datasketch")
    assert ours["copy_recall"] > baseline["copy_recall"]

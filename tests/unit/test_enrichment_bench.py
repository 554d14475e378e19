"""The enrichment bench: its labelled set, split and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.enrichment.metrics import SetScore, auc, is_held_out, log_loss
from crawler.enrichment.events import EVENT_TYPES

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "enrichment" / "labelled.jsonl"


def test_split_is_a_fixed_function_of_the_id() -> None:
    assert is_held_out("iq-01") == is_held_out("iq-01")
    ids = [f"x-{i}" for i in range(2000)]
    share = sum(map(is_held_out, ids)) / len(ids)
    assert 0.27 < share < 0.33


def test_labelled_set_is_large_enough_and_well_formed() -> None:
    items = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 150
    assert len({item["id"] for item in items}) == len(items)
    actor_ids = {
        a["id"]
        for a in json.loads(
            (LABELLED.parents[2] / "crawler" / "data" / "actors.json").read_text(encoding="utf-8")
        )["actors"]
    }
    for item in items:
        assert item["text"].strip()
        assert all(len(c) == 2 and c.isupper() for c in item["countries"])
        assert set(item["event_types"]) <= set(EVENT_TYPES)
        assert set(item["actors"]) <= actor_ids
        assert isinstance(item["relevant"], bool)
    held = [item for item in items if is_held_out(item["id"])]
    assert 0.2 < len(held) / len(items) < 0.4
    assert any(not item["relevant"] for item in held) and any(item["relevant"] for item in held)


def test_set_score_micro_average() -> None:
    score = SetScore()
    score.add(["IQ", "US"], ["IQ"])
    score.add([], ["SY"])
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.precision == 0.5 and score.recall == 0.5
    assert SetScore().precision == 1.0


def test_auc_and_log_loss() -> None:
    assert auc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert auc([0.5, 0.5], [True, False]) == 0.5
    assert log_loss([1.0, 0.0], [True, False]) == pytest.approx(0.0010005, rel=1e-3)

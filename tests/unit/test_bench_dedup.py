"""The deduplication benchmark's metrics, copy transformations and corpus labels."""

from __future__ import annotations

import json
import random
import re
import statistics
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import pytest

from bench.dedup import metrics, quality, transforms
from bench.dedup.baseline import MinHashBaseline
from bench.dedup.corpus import build_corpus, synthetic_part
from bench.dedup.model import Story
from bench.dedup.scale import generate
from bench.dedup.stories import outlets
from bench.dedup.stories.briefs import write_brief
from bench.dedup.stories.writer import make_event

# -- metrics -------------------------------------------------------------------------

# true: {a, b, c} {d, e}; predicted: {a, b} {c, d, e}
TRUE = {"a": "T1", "b": "T1", "c": "T1", "d": "T2", "e": "T2"}
PRED = {"a": "P1", "b": "P1", "c": "P2", "d": "P2", "e": "P2"}


def test_pairwise_by_hand() -> None:
    # true pairs ab ac bc de; predicted pairs ab cd ce de; both: ab de
    scores = metrics.pairwise(PRED, TRUE)
    assert scores.precision == pytest.approx(2 / 4)
    assert scores.recall == pytest.approx(2 / 4)
    assert scores.f1 == pytest.approx(0.5)


def test_bcubed_by_hand() -> None:
    # per item precision: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3
    # per item recall:    a 2/3, b 2/3, c 1/3, d 2/2, e 2/2
    scores = metrics.bcubed(PRED, TRUE)
    assert scores.precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert scores.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_perfect_and_degenerate_clusterings() -> None:
    assert metrics.pairwise(TRUE, TRUE) == metrics.Scores(1.0, 1.0)
    assert metrics.bcubed(TRUE, TRUE) == metrics.Scores(1.0, 1.0)
    singletons = {item: item for item in TRUE}
    pw = metrics.pairwise(singletons, TRUE)
    assert (pw.precision, pw.recall, pw.f1) == (1.0, 0.0, 0.0)
    b3 = metrics.bcubed(singletons, TRUE)
    assert b3.precision == 1.0
    assert b3.recall == pytest.approx((1 / 3 * 3 + 1 / 2 * 2) / 5)
    one = dict.fromkeys(TRUE, "X")
    assert metrics.pairwise(one, TRUE).precision == pytest.approx(4 / 10)
    assert metrics.pairwise(one, TRUE).recall == 1.0


def test_labels_do_not_matter_only_groups() -> None:
    renamed = {item: label + "-other" for item, label in PRED.items()}
    assert metrics.pairwise(renamed, TRUE) == metrics.pairwise(PRED, TRUE)
    assert metrics.partition_difference(PRED, renamed) == 0
    assert metrics.partition_difference(PRED, TRUE) == 5


def test_mismatched_items_are_an_error() -> None:
    with pytest.raises(ValueError):
        metrics.pairwise({"a": 1}, {"b": 1})


def test_per_type_helpers() -> None:
    # pairs involving c: ac, bc (true); none predicted
    assert metrics.pair_recall_for(["c"], PRED, TRUE) == (0, 2)
    assert metrics.pair_recall_for(["d"], PRED, TRUE) == (1, 1)
    source = {"b": "a", "c": "a", "e": "d"}
    assert metrics.linked(["b", "c", "e"], source, PRED) == (2, 3)
    assert metrics.bcubed_for(["c"], PRED, TRUE) == metrics.Scores(1 / 3, 1 / 3)


def test_false_merges_with_and_without_key() -> None:
    count, merged = metrics.false_merges(PRED, TRUE)
    assert count == 2  # cd, ce
    assert merged == {frozenset(("T1", "T2"))}
    event = {"c": "ev1", "d": "ev1", "e": "ev2"}
    count, merged = metrics.false_merges(PRED, TRUE, event)
    assert count == 1  # only cd share an event
    assert merged == {frozenset(("T1", "T2"))}
    assert metrics.false_merges(PRED, TRUE, {})[0] == 0


# -- transformations -----------------------------------------------------------------


def paragraphs(n: int) -> list[str]:
    return [f"Paragraph {i} says something. It has a second sentence {i}." for i in range(n)]


@pytest.mark.parametrize(
    ("count", "fraction", "kept"),
    [(10, 0.4, 4), (10, 0.6, 6), (7, 0.4, 3), (7, 0.6, 5), (5, 0.4, 2), (1, 0.4, 1)],
)
def test_truncation_keeps_the_leading_fraction(count: int, fraction: float, kept: int) -> None:
    source = paragraphs(count)
    out = transforms.keep_fraction(source, fraction)
    assert out == source[:kept]


def test_flash_keeps_one_or_two_leading_paragraphs() -> None:
    source = paragraphs(8)
    for seed in range(20):
        out = transforms.flash(source, random.Random(seed))
        assert out in (source[:1], source[:2])


def test_update_keeps_every_paragraph_and_adds_new_ones() -> None:
    source, new = paragraphs(5), ["New one.", "New two.", "New three."]
    out = transforms.with_update(source, new)
    assert len(out) == 8
    assert out[0] == source[0]
    assert [p for p in out if p not in new] == source


def test_site_lines_and_boilerplate_use_the_outlet() -> None:
    outlet = outlets.OUTLETS[0]
    out = transforms.with_site_lines(paragraphs(3), outlet, "AFP")
    assert out[3] == "The world with AFP"
    rng = random.Random(1)
    out = transforms.with_boilerplate(paragraphs(4), outlet, ["Other story"], rng)
    assert "Read also | Other story" in out
    assert out[-1] == outlet.newsletter


def test_sentences_keep_closing_quotes() -> None:
    text = 'He said: "It is over." Then he left. "We stay," she said.'
    assert transforms.sentences(text) == [
        'He said: "It is over."',
        "Then he left.",
        '"We stay," she said.',
    ]


def story(seed: int = 3, index: int = 4) -> list[str]:
    reports = synthetic_part(seed, index + 1)
    return list(next(r for r in reports if r.id.startswith(f"ev{index:03d}")).paragraphs)


def test_light_edit_drops_about_a_tenth_of_sentences() -> None:
    source = story()
    edited = transforms.light_edit(source, random.Random(5))
    before = sum(len(transforms.sentences(p)) for p in source)
    after = sum(len(transforms.sentences(p)) for p in edited)
    assert before * 0.7 <= after < before
    lead = transforms.strip_dateline(source)[0]
    assert transforms.sentences(edited[0])[0].split()[:4] == lead.split()[:4]


def test_machine_translation_rewrites_a_third_of_content_words() -> None:
    source = story()
    rewritten, share = transforms.mt_rewrite(source, random.Random(2), 0.35)
    assert 0.25 <= share <= 0.45
    assert len(rewritten) == len(source)
    assert shingle_jaccard(" ".join(source), " ".join(rewritten)) < 0.3


def test_dateline_is_stripped() -> None:
    out = transforms.strip_dateline(["BAGHDAD (AFP) — Rockets hit a base.", "More."])
    assert out == ["Rockets hit a base.", "More."]
    out = transforms.strip_dateline(["ERBIL, Sep 30 (Reuters) - Drones hit.", "More."])
    assert out[0] == "Drones hit."


# -- corpus --------------------------------------------------------------------------


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingle_jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_other_agencies_reports_share_facts_not_text() -> None:
    reports = synthetic_part(11, 30)
    by_event: dict[str | None, list[Story]] = {}
    for report in reports:
        by_event.setdefault(report.event, []).append(report)
    pairs = [p for group in by_event.values() for p in combinations(group, 2)]
    assert len(pairs) >= 10
    for a, b in pairs:
        text_a, text_b = " ".join(a.paragraphs), " ".join(b.paragraphs)
        assert shingle_jaccard(text_a, text_b) < 0.2, (a.id, b.id)
        for fact in ("official", "quote", "area", "attacker", "target"):
            assert a.facts[fact] == b.facts[fact]
        for text in (text_a, text_b):
            assert a.facts["official"] in text
            assert a.facts["quote"] in text


def test_synthetic_reports_are_wire_length_and_distinct() -> None:
    reports = synthetic_part(13, 24)
    assert all(250 <= r.words <= 700 for r in reports)
    texts = {r.id: " ".join(r.paragraphs) for r in reports}
    for a, b in combinations(reports, 2):
        if a.event != b.event:
            assert shingle_jaccard(texts[a.id], texts[b.id]) < 0.25, (a.id, b.id)


def test_briefs_of_one_event_are_written_apart() -> None:
    event = make_event(5, 1000, datetime(2024, 9, 1, tzinfo=UTC))
    moment = datetime(2024, 9, 2, tzinfo=UTC)
    first = write_brief(event, 0, moment, outlets.BRIEFS_HOST)
    second = write_brief(event, 1, moment, outlets.BRIEFS_HOST)
    assert 2 <= len(transforms.sentences(first.paragraphs[0])) <= 4
    assert not set(transforms.sentences(first.paragraphs[0])) & set(
        transforms.sentences(second.paragraphs[0])
    )
    assert shingle_jaccard(first.paragraphs[0], second.paragraphs[0]) < 0.2


def test_corpus_is_deterministic_and_labelled() -> None:
    corpus = build_corpus(5, events=9, briefs=4, fixtures=None)
    again = build_corpus(5, events=9, briefs=4, fixtures=None)
    assert [i.as_record() for i in corpus.items] == [i.as_record() for i in again.items]
    by_url = {i.url: i for i in corpus.items}
    assert len(by_url) == len(corpus.items)
    for item in corpus.items:
        original = by_url[item.source]
        assert original.cluster == item.cluster
        if item.kind == "original":
            assert item.source == item.url and item.relation is None
        elif item.kind in transforms.COPY_TYPES:
            assert item.relation == transforms.COPY_TYPES[item.kind][0]
            assert item.published > original.published
        if item.kind.startswith("truncated"):
            assert len(item.body) < len(original.body)
    kinds = {i.kind for i in corpus.items}
    assert {"original", "brief", "update", "translated", "flash"} <= kinds


# -- scale corpus --------------------------------------------------------------------


def test_scale_corpus_has_long_bodies_and_copies(tmp_path: Path) -> None:
    path = tmp_path / "scale.jsonl"
    stats = generate(path, 600, seed=3)
    assert stats["copy_share"] >= 0.2
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 600
    assert statistics.median(len(r["body"].split()) for r in lines) >= 400
    assert len({r["url"] for r in lines}) == 600
    again = tmp_path / "again.jsonl"
    generate(again, 600, seed=3)
    assert again.read_text() == path.read_text()


def test_evaluation_of_a_perfect_and_a_merging_run() -> None:
    corpus = build_corpus(2, events=6, briefs=3, copy_rate=0.5, fixtures=None)
    truth = {i.url: i.cluster for i in corpus.items}
    perfect = quality.evaluate(corpus.items, quality.Prediction("truth", truth))
    assert perfect["overall"]["pair_f1"] == 1.0
    assert perfect["hard_negatives"]["all"]["story_pairs"] == 0
    assert all(row.get("linked", 1.0) == 1.0 for row in perfect["types"])
    merged = {i.url: i.event or i.cluster for i in corpus.items}  # reports of one event merged
    result = quality.evaluate(corpus.items, quality.Prediction("merged", merged))
    assert result["hard_negatives"]["same_event"]["story_pairs"] > 0
    assert result["overall"]["pair_r"] == 1.0
    assert result["overall"]["pair_p"] < 1.0


def test_baseline_finds_verbatim_copies_only() -> None:
    reports = synthetic_part(4, 2)
    text = "\n\n".join(reports[0].paragraphs)
    other = "\n\n".join(reports[-1].paragraphs)
    baseline = MinHashBaseline()
    first, _ = baseline.check_and_add("a", text)
    assert baseline.check_and_add("b", text + "\n\nThe world with AFP") == (first, "a")
    assert baseline.check_and_add("c", other)[0] == "c"

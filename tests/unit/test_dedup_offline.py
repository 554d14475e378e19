"""The offline path (``scrapy dedup``'s engine): fingerprints prepared elsewhere from a
boilerplate snapshot give the verdicts of fingerprinting in place, the compact index
and the vectorised signature/Jaccard code agree with plain reference versions, and
lines are written back with their fields."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from crawler.dedup import DedupConfig, Deduplicator, Document, MemoryStore, SqliteStore
from crawler.dedup.lsh import KeyIndex
from crawler.dedup.minhash import Permutations, compact, jaccard
from crawler.dedup.offline import dedup_files, with_fields
from crawler.dedup.parallel import Workers
from crawler.dedup.stages import Compacted, estimates
from crawler.dedup.store_base import Columns
from tests.unit.test_dedup_corpus import make_event, make_story, short_briefs, truncated


def fresh(store: object | None = None, **config: object) -> Deduplicator:
    return Deduplicator(
        store or MemoryStore(),  # type: ignore[arg-type]
        config=DedupConfig(retention_days=0, **config),  # type: ignore[arg-type]
    )


def corpus() -> list[Document]:
    """Stories with truncated copies, and boilerplate-heavy briefs on one site."""
    docs: list[Document] = []
    for n in range(4):
        rng = random.Random(n)
        story = make_story(rng, make_event(rng), url=f"https://afp.com/{n}", site="afp.com")
        docs += [story.doc(), truncated(story, f"https://c.com/{n}", "c.com").doc()]
    docs += [b.doc() for b in short_briefs(random.Random(7), "briefs.example", 14)]
    random.Random(3).shuffle(docs)
    return docs


def lines_of(docs: list[Document]) -> list[str]:
    return [
        json.dumps({"url": d.url, "body": d.body, "site": d.site, "published": d.published})
        for d in docs
    ]


@pytest.mark.parametrize("snapshot", ["learned", "none", "stale"])
def test_prepared_fingerprints_give_the_verdicts_of_fingerprinting_in_place(
    snapshot: str,
) -> None:
    docs = corpus()
    reference = fresh(boilerplate_min_articles=3)
    reference.learn_lines(docs)
    expected = reference.check_and_add_many(docs)

    dedup = fresh(boilerplate_min_articles=3)
    dedup.learn_lines(docs)
    workers = Workers(dedup.config, 0)
    learned = dedup.boilerplate()
    assert learned and "briefs.example" in learned
    if snapshot == "none":
        learned = None
    elif snapshot == "stale":  # lines learned after the snapshot are left out here
        learned = {site: frozenset(list(lines)[:1]) for site, lines in learned.items()}
    workers.set_boilerplate(learned)
    prepared = [p for p in workers.prepare(lines_of(docs)) if p is not None]
    workers.close()
    assert dedup.check_and_add_prepared(prepared) == expected
    redone = dedup.stats["dedup/refingerprinted"]
    assert (redone == 0) if snapshot == "learned" else (redone > 0)


def test_prepared_fingerprints_match_in_worker_processes(tmp_path: Path) -> None:
    docs = corpus()
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines_of(docs)) + "\nnot json\n", encoding="utf-8")
    outputs = []
    for processes in (0, 1):
        dedup = fresh(boilerplate_min_articles=3)
        out = tmp_path / f"out{processes}.jsonl"
        summary = dedup_files(dedup, [source], out, workers=processes, log=None)
        assert (summary.items, summary.unreadable) == (len(docs), 1)
        outputs.append(out.read_text(encoding="utf-8"))
        dedup.close()
    assert outputs[0] == outputs[1]
    rows = outputs[0].splitlines()
    assert rows[-1] == "not json"
    flagged = [json.loads(r) for r in rows[:-1]]
    assert sum(r["duplicate_of"] is not None for r in flagged) >= 4


def test_store_boilerplate_snapshot(tmp_path: Path) -> None:
    for store in (MemoryStore(), SqliteStore(tmp_path / "s.db")):
        dedup = fresh(store, boilerplate_min_articles=2)
        with store.transaction() as txn:
            txn.add_lines("a.example", [1, 2])
            txn.add_lines("a.example", [2, 3])
            txn.add_lines("b.example", [2])
        assert dedup.boilerplate() == {"a.example": frozenset({2})}
        dedup.close()


def test_with_fields_appends_to_the_line_or_reserializes_it() -> None:
    fields = {"cluster_id": "c1", "duplicate_of": None, "relation": None}
    raw = '{"url": "https://a/1", "title": "caf\\u00e9", "n": 1}'
    out = with_fields(raw, fields)
    assert out.startswith(raw[:-1])
    assert json.loads(out) == {**json.loads(raw), **fields}
    again = with_fields(out, {**fields, "cluster_id": "c2"})
    assert json.loads(again)["cluster_id"] == "c2"
    assert again.count('"cluster_id"') == 1


def test_signature_matches_the_reference_minhash() -> None:
    perms = Permutations(24, seed=5)
    rng = np.random.default_rng(1)
    values = rng.integers(0, 2**63, 300, dtype=np.uint64)
    top = [int(v) >> 32 for v in values]
    expected = [
        min((int(a) * x + int(b)) % 2**32 for x in top)
        for a, b in zip(perms.a.tolist(), perms.b.tolist(), strict=True)
    ]
    assert perms.signature(values).tolist() == expected
    assert perms.signature(values, 8, 4).tolist() == expected[8:12]
    assert perms.signature(values[:0]).tolist() == [0xFFFFFFFF] * 24


def test_jaccard_counts_agreeing_values_and_scores_empty_sets_zero() -> None:
    rng = np.random.default_rng(2)
    sig = rng.integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32)
    rows = np.stack([compact(sig)] * 4)
    rows[1, :32] ^= 1  # half the values differ
    rows[2] = 0xFFFF  # an empty set
    rows[3, 0] = 0xFFFF  # not empty: only its first value is 0xFFFF
    chance = 1.0 / (1 << 16)
    half = (0.5 - chance) / (1 - chance)
    got = jaccard(sig, rows)
    assert got[0] == 1.0 and got[1] == pytest.approx(half) and got[2] == 0.0
    assert got[3] == pytest.approx((63 / 64 - chance) / (1 - chance))
    assert jaccard(np.full(64, 0xFFFFFFFF, dtype=np.uint32), rows).tolist() == [0.0] * 4
    assert jaccard(sig, rows[:0]).shape == (0,)


def test_key_index_lookup_matches_a_plain_multimap() -> None:
    rng = np.random.default_rng(3)
    index = KeyIndex(buffer_limit=500)  # flushes into the sorted shards as it fills
    plain: dict[int, list[int]] = {}
    pool = rng.integers(0, 2**63, 300, dtype=np.uint64)
    for entry in range(600):
        keys = np.unique(rng.choice(pool, 8))
        index.add(keys, entry)
        for key in keys.tolist():
            plain.setdefault(key >> 31, []).append(entry)
    query = np.concatenate([pool[:40], pool[:3], rng.integers(0, 2**63, 5, dtype=np.uint64)])
    expected = sorted(i for key in query.tolist() for i in plain.get(key >> 31, []))
    assert sorted(index.lookup(query, cap=10**6).tolist()) == expected
    postings = index.postings(query, 256)
    gathered = postings.gather(query[:5], 10**6)
    assert gathered is not None
    assert sorted(gathered.tolist()) == sorted(
        i for key in query[:5].tolist() for i in plain.get(key >> 31, [])
    )
    capped = index.lookup(pool[:1], cap=2)  # the newest of the shards and of the buffer
    assert 1 <= len(capped) <= 4 and max(capped) == max(plain[int(pool[0]) >> 31])


def test_columns_take_selects_rows_in_order() -> None:
    dedup = fresh()
    docs = corpus()[:6]
    dedup.check_and_add_many(docs)
    with dedup.store.transaction() as txn:
        cols = txn.columns([0, 1, 2, 3])
        part = cols.take([2, 0])
        assert part.ids.tolist() == [2, 0]
        assert (part.sig == cols.sig[[2, 0]]).all()
        assert part.wire == [cols.wire[2], cols.wire[0]]
        assert len(Columns.from_entries([]).take([])) == 0


def test_iter_finalized_gives_the_records_of_finalize_clusters() -> None:
    docs = corpus()
    first, second = fresh(), fresh()
    for dedup in (first, second):
        dedup.run_id = "run"
        dedup.check_and_add_many(docs)
    assert list(first.iter_finalized(min_size=2)) == second.finalize_clusters(min_size=2)


def test_batch_read_of_the_shards_gives_the_postings_of_single_reads() -> None:
    rng = np.random.default_rng(4)
    index = KeyIndex(buffer_limit=400)
    pool = rng.integers(0, 2**63, 200, dtype=np.uint64)
    queries = [(q, q[:2]) for q in (rng.choice(pool, 12) for _ in range(30))]
    for entry in range(300):
        index.add(np.unique(rng.choice(pool, 6)), entry)
    reads = index.batch(queries, 2, 256)
    for i, (query, wide) in enumerate(queries):
        assert reads.flushes == index.flushes
        one = index.postings(query, 2, wide, 256)
        both = index.assemble(*reads.check(i))
        assert one.keys.tolist() == both.keys.tolist()
        assert one.caps.tolist() == both.caps.tolist()
        for key in query[:4]:
            for cap in (1, 2, 256):
                a, b = one.gather(key[None], cap), both.gather(key[None], cap)
                assert (a is None) == (b is None)
                assert a is None or b is None or sorted(a.tolist()) == sorted(b.tolist())
        assert one.single(int(query[0]), 256) == both.single(int(query[0]), 256)
        index.add(np.unique(query[:3]), 300 + i)  # the buffer changes between checks
    index.flush()
    assert reads.flushes < index.flushes  # stale: a store reads the shards again


def test_packed_estimates_are_the_jaccard_of_each_signature() -> None:
    dedup = fresh()
    docs = corpus()
    dedup.check_and_add_many(docs)
    probe = Compacted.of(dedup.fingerprinter.fingerprint(docs[0]))
    with dedup.store.transaction() as txn:
        packed = txn.columns(list(range(len(docs))))
        entries = txn.entries(list(range(len(docs))))
        plain = Columns.from_entries([replace(e, packed=None) for e in entries])
        assert Columns.from_entries(entries).packed is not None
    assert packed.packed is not None and plain.packed is None
    packed.packed[1, :128] = 0xFFFF  # an empty full-body signature
    plain.sig[1] = 0xFFFF
    sigs = ("sig", "lead_sig", "loose_sig", "skeleton_sig")
    for got, name in zip(estimates(probe, packed), sigs, strict=True):
        assert got.tolist() == jaccard(getattr(probe, name), getattr(plain, name)).tolist()
    assert [a.tolist() for a in estimates(probe, plain)] == [
        a.tolist() for a in estimates(probe, packed)
    ]


def test_learned_lines_are_not_counted_again_when_checked() -> None:
    docs = corpus()
    dedup = fresh(boilerplate_min_articles=3)
    dedup.learn_lines(docs)
    learned = dict(dedup.store.lines)  # type: ignore[attr-defined]
    dedup.check_and_add_many(docs)
    assert dedup.store.lines == learned  # type: ignore[attr-defined]

"""The SQLite store's write-ahead log (set up by processes creating the store at once,
bounded, checkpointed and truncated at close, a killed run recovered from it), its
lookup-key reads against a reference count, its cache of compared rows, and estimates
shared between the near and loose stages."""

from __future__ import annotations

import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crawler.clock import FixedClock
from crawler.dedup import DedupConfig, Deduplicator, Document, SqliteStore, sqlite_txn
from crawler.dedup import sqlite as sqlite_store
from crawler.dedup.sqlite import WAL_BYTES
from crawler.dedup.sqlite_txn import SqliteTxn
from crawler.dedup.stages import estimates, estimates_rows
from crawler.dedup.store_base import KEY_CAP, NO_DATE, Columns, Entry
from tests.unit.test_dedup_corpus import make_event, make_story

ROOT = Path(__file__).resolve().parents[2]
NOW = "2024-09-20T12:00:00+00:00"
WIDTHS = (8, 4, 4, 4)


def stories(count: int, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        url = f"https://site.example/{seed}/{n}"
        out.append(make_story(rng, make_event(rng), url=url, site="site.example").doc())
    return out


def wal(path: Path) -> Path:
    return Path(f"{path}-wal")


def test_wal_is_checkpointed_and_truncated_at_close(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    dedup = Deduplicator(SqliteStore(path), clock=FixedClock(NOW))
    dedup.check_and_add_many(stories(20))
    dedup.commit()
    other = sqlite3.connect(path)  # another process's connection keeps the WAL file
    try:
        assert other.execute("SELECT count(*) FROM entries").fetchall() == [(20,)]
        assert wal(path).stat().st_size > 0
        dedup.close()
        assert wal(path).stat().st_size == 0
        alone = tmp_path / "alone.db"  # the main file without its WAL holds everything
        alone.write_bytes(path.read_bytes())
        copy = sqlite3.connect(alone)
        assert copy.execute("SELECT count(*) FROM entries WHERE state = 1").fetchone()[0] == 20
        assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        copy.close()
    finally:
        other.close()


def test_close_leaves_the_wal_to_a_reader_it_cannot_wait_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_store, "_CLOSE_WAIT_MS", 50)
    path = tmp_path / "s.db"
    dedup = Deduplicator(SqliteStore(path), clock=FixedClock(NOW))
    dedup.check_and_add_many(stories(5))
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM entries").fetchall() == [(5,)]
    dedup.check_and_add_many(stories(5, seed=8))  # the reader's snapshot is now old
    dedup.close()
    assert dedup.store.db is None  # type: ignore[attr-defined]
    assert wal(path).stat().st_size > 0
    assert reader.execute("SELECT count(*) FROM entries").fetchall() == [(5,)]
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM entries").fetchall() == [(10,)]
    reader.close()


def _open_at_once(path: Path, barrier: Any, out: Any) -> None:
    barrier.wait(timeout=30)
    try:
        store = SqliteStore(path)
        store.open(run_id=f"run-{os.getpid()}", params={"num_perm": 128}, now=1_700_000_000)
        store.close()
        out.put("ok")
    except Exception as exc:  # reported to the test
        out.put(repr(exc))


def test_processes_creating_the_store_at_once_all_open_it(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for n in range(12):
        barrier, out = ctx.Barrier(3), ctx.Queue()
        args = (tmp_path / f"s{n}.db", barrier, out)
        procs = [ctx.Process(target=_open_at_once, args=args) for _ in range(3)]
        for proc in procs:
            proc.start()
        results = [out.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        assert results == ["ok"] * 3


def largest_wal(path: Path, docs: list[Document], wal_bytes: int = WAL_BYTES) -> int:
    """The largest size of the WAL file after each of ``docs`` is checked."""
    store = SqliteStore(path, wal_bytes=wal_bytes)
    dedup = Deduplicator(store, clock=FixedClock(NOW))
    assert store.db is not None
    page = store.db.execute("PRAGMA page_size").fetchone()[0]
    bound = store.wal_bytes
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == bound // page
    assert store.db.execute("PRAGMA journal_size_limit").fetchone()[0] == bound
    largest = 0
    for doc in docs:
        dedup.check_and_add(doc)
        largest = max(largest, wal(path).stat().st_size)
    dedup.close()
    return largest


def test_wal_stays_within_its_bound(tmp_path: Path) -> None:
    docs = stories(120)
    bound, one_check = 64 << 10, 512 << 10  # a check writes well under 512 KiB
    assert largest_wal(tmp_path / "small.db", docs, wal_bytes=bound) <= bound + one_check
    assert largest_wal(tmp_path / "default.db", docs) > 4 * (bound + one_check)


def test_a_killed_run_is_recovered_from_the_wal(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    committed, pending = stories(30, seed=1), stories(30, seed=2)
    code = (
        "import os\n"
        "from crawler.clock import FixedClock\n"
        "from crawler.dedup import DedupConfig, Deduplicator, SqliteStore\n"
        "from tests.unit.test_dedup_sqlite_tuning import stories\n"
        "def open_():\n"
        f"    store, clock = SqliteStore({str(path)!r}), FixedClock({NOW!r})\n"
        "    return Deduplicator(store, config=DedupConfig(retention_days=0), clock=clock)\n"
        "first = open_()\n"
        "first.check_and_add_many(stories(30, seed=1))\n"
        "first.commit()\n"
        "second = open_()\n"
        "second.check_and_add_many(stories(30, seed=2))\n"
        "os._exit(0)  # like kill -9: no close, no checkpoint\n"
    )
    subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(ROOT)}, check=True,
                   cwd=ROOT)  # fmt: skip
    assert wal(path).stat().st_size > path.stat().st_size  # the runs live in the WAL
    config = DedupConfig(retention_days=0)
    dedup = Deduplicator(SqliteStore(path), config=config, clock=FixedClock(NOW))
    store = dedup.store
    assert isinstance(store, SqliteStore) and store.db is not None
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    urls = [d.url for d in committed + pending]
    assert store.seen_urls(urls, include_pending=True) == {d.url for d in committed}
    assert store.size() == 30
    dedup.close()


def entry(n: int) -> Entry:
    rng = np.random.default_rng(n)
    sigs = [rng.integers(0, 1 << 16, w, dtype=np.uint16) for w in WIDTHS]
    return Entry(
        id=0,
        url=f"https://site.example/{n}",
        site=None if n % 5 == 0 else f"site{n % 3}.example",
        published=None if n % 4 == 0 else 1_700_000_000 + n,
        added=1_700_000_000,
        wire=("AFP", "Reuters")[: n % 3],
        cluster=f"c{n}",
        exact=n,
        words=100 + n,
        shingles=90 + n,
        lead_shingles=40 + n % 7,
        sig=sigs[0],
        lead_sig=sigs[1],
        loose_sig=sigs[2],
        skeleton_sig=sigs[3],
        anchors=rng.integers(0, 1 << 16, n % 6, dtype=np.uint16),
        run="run",
    )


@pytest.fixture
def txn(tmp_path: Path) -> Iterator[SqliteTxn]:
    store = SqliteStore(tmp_path / "s.db")
    store.open(run_id="run", params={}, now=1_700_000_000)
    with store.transaction() as txn:
        assert isinstance(txn, SqliteTxn)
        yield txn
    store.close()


def reference(pairs: list[tuple[int, int]], keys: list[int], limit: int) -> list[tuple[int, int]]:
    """Candidates counted from the (key, entry) pairs: each key's newest KEY_CAP entries."""
    by_key: dict[int, list[int]] = {}
    for key, entry_id in pairs:
        by_key.setdefault(key, []).append(entry_id)
    counts: Counter[int] = Counter()
    for key in keys:
        counts.update(sorted(by_key.get(key, []), reverse=True)[:KEY_CAP])
    ranked = sorted(counts.items(), key=lambda c: (-c[1], -c[0]))
    return ranked if limit < 0 else ranked[:limit]


def test_candidates_count_each_keys_newest_entries(txn: SqliteTxn) -> None:
    rng = random.Random(3)
    hot, warm = [(1 << 62) + 1, (1 << 63) - 1], [rng.getrandbits(63) for _ in range(6)]
    cold = [rng.getrandbits(63) for _ in range(300)]
    pairs: list[tuple[int, int]] = []

    def check(keys: list[int], limit: int) -> None:
        query = np.array(keys, dtype=np.uint64)
        assert txn.candidates(query, limit) == reference(pairs, keys, limit)

    for n in range(1, 181):
        keys = [hot[n % 2], *rng.sample(warm, 2), *rng.sample(cold, 3)]
        if n % 3:
            keys.append(keys[-1])  # a key listed twice is stored once
        if n % 20 == 0:  # inside the transaction the index read so far changes
            probe = [hot[0], warm[0], cold[0], cold[0]]
            txn.prefetch(np.array(probe, dtype=np.uint64), np.zeros(0, dtype=np.uint64))
            check(probe, 10)
        entry_id = txn.insert(entry(n), np.array(keys, dtype=np.uint64))
        pairs += [(k, entry_id) for k in dict.fromkeys(keys)]
    assert len({e for k, e in pairs if k == hot[0]}) > KEY_CAP
    for limit in (-1, 0, 1, 24, 64):
        check([hot[0]], limit)  # more entries than a read's budget: each key capped
        check([hot[0], hot[1], warm[1]], limit)
        check([hot[0], *cold[:10]], limit)  # within the budget, capped after the read
        check([*warm, *cold[:40], warm[0]], limit)
        check([cold[5], rng.getrandbits(63)], limit)
    assert txn.candidates(np.zeros(0, dtype=np.uint64), 10) == []


def stored_columns(txn: SqliteTxn, ids: list[int]) -> Columns:
    """Columns built from the entries as read back from the database."""
    return Columns.from_entries(txn.entries(ids))


def same_columns(a: Columns, b: Columns) -> None:
    for name in ("ids", "sig", "lead_sig", "loose_sig", "skeleton_sig", "words", "shingles",
                 "lead_shingles", "published"):  # fmt: skip
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert a.wire == b.wire and list(a.sites) == list(b.sites)
    assert [x.tolist() for x in a.anchors] == [y.tolist() for y in b.anchors]


def test_compared_rows_are_the_stored_ones(txn: SqliteTxn) -> None:
    ids = [txn.insert(entry(n), np.array([n], dtype=np.uint64)) for n in range(1, 13)]
    assert set(ids) <= set(txn.rows)  # kept when inserted
    same_columns(txn.columns(ids), stored_columns(txn, ids))
    txn.rows.clear()  # read back
    same_columns(txn.columns(ids[::-1]), stored_columns(txn, ids[::-1]))
    assert NO_DATE in txn.columns(ids).published.tolist()  # undated entries


def test_a_full_row_cache_keeps_the_rows_asked_for(
    txn: SqliteTxn, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [txn.insert(entry(n), np.array([n], dtype=np.uint64)) for n in range(1, 11)]
    monkeypatch.setattr(sqlite_txn, "ROW_CACHE", 4)
    txn.rows.clear()
    txn.columns(ids[:3])
    wanted = ids[:3] + ids[5:9]  # three cached, four read: more than the cache holds
    same_columns(txn.columns(wanted), stored_columns(txn, wanted))


def test_line_counts(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    store.open(run_id="run", params={}, now=1_700_000_000)
    lines = [5, (1 << 63) - 1, 7]
    with store.transaction() as txn:
        txn.add_lines("a.example", lines)
        txn.add_lines("a.example", [5, 5])
        txn.add_lines("b.example", [7])
    assert store.line_counts("a.example", [5, 5, 7, (1 << 63) - 1, 9]) == {
        5: 2,
        7: 1,
        (1 << 63) - 1: 1,
    }
    assert store.line_counts("b.example", lines) == {7: 1}
    assert store.line_counts("a.example", []) == {}
    store.close()


def test_estimates_of_some_rows_are_those_rows_estimates() -> None:
    rng = np.random.default_rng(11)
    rows = 9
    packed = rng.integers(0, 3, (rows, sum(WIDTHS)), dtype=np.uint16)
    packed[2, :8] = 0xFFFF  # an empty full-body signature
    packed[5, 8:12] = 0xFFFF  # an empty lead
    entries = []
    for r in range(rows):
        e = entry(r + 1)
        e.id = r + 1
        e.packed = packed[r]
        ends = np.cumsum(WIDTHS)
        e.sig, e.lead_sig, e.loose_sig, e.skeleton_sig = np.split(packed[r], ends[:-1])
        entries.append(e)
    cols = Columns.from_entries(entries)
    for probe in (entries[0], replace(entries[4], packed=None)):  # packed, or one by one
        everything = estimates(probe, cols)
        for subset in ([3, 1, 7], [2, 5], [0], list(range(rows))[::-1]):
            taken = estimates(probe, cols.take(subset))
            for mine, theirs in zip(estimates_rows(everything, subset), taken, strict=True):
                assert mine.tobytes() == theirs.tobytes()

"""Stores: persistence across runs, retention under the injected clock, durable order,
integrity and parameter checks, the clock setting."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.clock import FixedClock, SystemClock, build_clock
from crawler.dedup import DedupConfig, Deduplicator, Document, MemoryStore, SqliteStore
from crawler.dedup.sqlite import StoreCorrupted
from tests.unit.test_dedup_corpus import make_event, make_story, truncated

ROOT = Path(__file__).resolve().parents[2]
NOW = "2024-09-20T12:00:00+00:00"


def docs(seed: int = 1) -> tuple[Document, Document]:
    rng = random.Random(seed)
    story = make_story(rng, make_event(rng), url=f"https://afp.com/s{seed}", site="afp.com")
    story.published = "2024-09-13T10:05:00+00:00"
    return story.doc(), truncated(story, f"https://copy.example/s{seed}", "copy.example").doc()


def open_sqlite(path: Path, at: str = NOW, **config: object) -> Deduplicator:
    return Deduplicator(SqliteStore(path), config=DedupConfig(**config), clock=FixedClock(at))  # type: ignore[arg-type]


def test_fixed_clock_and_clock_setting() -> None:
    clock = FixedClock("2024-09-13T10:00:00")
    assert clock.now() == datetime(2024, 9, 13, 10, tzinfo=UTC)
    clock.advance(timedelta(days=1))
    assert clock.now().day == 14
    fixed = build_clock(Settings({"CLOCK": "crawler.clock.FixedClock", "CLOCK_FIXED_AT": NOW}))
    assert fixed.now().isoformat() == NOW
    assert isinstance(build_clock(Settings({"CLOCK": "crawler.clock.SystemClock"})), SystemClock)
    with pytest.raises(ValueError, match="CLOCK_FIXED_AT"):
        build_clock(Settings({"CLOCK": "crawler.clock.FixedClock"}))


def test_a_story_stored_by_an_earlier_run_stays_canonical(tmp_path: Path) -> None:
    original, copy = docs()
    first = open_sqlite(tmp_path / "s.db")
    first.check_and_add(copy)  # the copy came first this time
    first.finalize_clusters()
    assert first.commit() == 1
    first.close()
    second = open_sqlite(tmp_path / "s.db")
    verdict = second.check_and_add(original)
    assert verdict.duplicate_of == copy.url  # an earlier run's story stays canonical
    (cluster,) = second.finalize_clusters()
    assert cluster["canonical"] == copy.url
    second.close()


def test_retention_by_publication_date_follows_the_clock(tmp_path: Path) -> None:
    original, copy = docs()
    first = open_sqlite(tmp_path / "s.db")
    first.check_and_add(original)
    first.commit()
    first.close()
    within = open_sqlite(tmp_path / "s.db", at="2024-09-26T00:00:00+00:00")  # 13 days later
    assert within.check_and_add(copy).duplicate_of == original.url
    within.commit()
    within.close()
    later = open_sqlite(tmp_path / "s.db", at="2024-09-28T00:00:00+00:00")  # 15 days later
    assert later.stats["dedup/pruned"] == 2
    assert later.check_and_add(copy).stage == "new"
    later.close()


def test_memory_store_retention() -> None:
    original, _ = docs()
    store = MemoryStore()
    dedup = Deduplicator(store, clock=FixedClock(NOW))
    dedup.check_and_add(original)
    assert store.prune(before=datetime(2024, 9, 14, tzinfo=UTC).timestamp(), urls_before=0) == 1
    assert dedup.check_and_add(original).stage == "new"


def test_uncommitted_entries_of_a_killed_run_are_dropped(tmp_path: Path) -> None:
    original, copy = docs()
    path = tmp_path / "s.db"
    code = (
        "import os, sys\n"
        "from crawler.clock import FixedClock\n"
        "from crawler.dedup import Deduplicator, Document, SqliteStore\n"
        f"d = Deduplicator(SqliteStore({str(path)!r}), clock=FixedClock({NOW!r}))\n"
        f"d.check_and_add(Document({original.url!r}, {original.body!r},"
        f" published={original.published!r}))\n"
        "if sys.argv[1] == 'commit':\n    d.commit()\n"
        "os._exit(0)  # like kill -9: no close\n"
    )
    env = {"PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code, "kill"], env=env, check=True, cwd=ROOT)
    dedup = open_sqlite(path)
    assert dedup.store.seen_urls([original.url], include_pending=True) == set()
    assert dedup.check_and_add(copy).stage == "new"
    dedup.close()
    path.unlink()
    subprocess.run([sys.executable, "-c", code, "commit"], env=env, check=True, cwd=ROOT)
    dedup = open_sqlite(path)
    assert dedup.store.seen_urls([original.url]) == {original.url}
    assert dedup.check_and_add(copy).duplicate_of == original.url
    dedup.close()


def test_closed_without_commit_is_reconciled_in_the_same_process(tmp_path: Path) -> None:
    original, _ = docs()
    first = open_sqlite(tmp_path / "s.db")
    first.check_and_add(original)
    first.close()
    second = open_sqlite(tmp_path / "s.db")
    assert second.check_and_add(original).stage == "new"
    second.close()


def test_hashing_parameters_must_match(tmp_path: Path) -> None:
    open_sqlite(tmp_path / "s.db").close()
    with pytest.raises(ValueError, match="hashing parameters"):
        open_sqlite(tmp_path / "s.db", num_perm=64, bands=16)


def test_corrupt_file_is_refused_or_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x07" * 4096)
    with pytest.raises(StoreCorrupted):
        open_sqlite(path)
    dedup = Deduplicator(SqliteStore(path, reset_corrupt=True), clock=FixedClock(NOW))
    dedup.close()
    assert list(tmp_path.glob("s.db.corrupt-*"))


def test_sqlite_merges_clusters_and_keeps_the_oldest_canonical(tmp_path: Path) -> None:
    original, copy = docs(3)
    dedup = open_sqlite(tmp_path / "s.db")
    a = dedup.check_and_add(copy)
    # a document that is not a copy of either, then one bridging both
    b = dedup.check_and_add(original)
    assert a.cluster_id == b.cluster_id
    assert dedup.store.size() == 2
    (cluster,) = dedup.finalize_clusters()
    assert cluster["canonical"] == original.url
    assert cluster["copies"][0]["relation"] == "truncated"
    dedup.close()

"""Two processes receive copies of the same stories at the same moment: one canonical each.

Runs against the SQLite store (one file) and a real ``redis-server`` started on a free
127.0.0.1 port with no persistence.
"""

from __future__ import annotations

import multiprocessing
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service

STORIES = 16
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _store(spec: str) -> Any:
    from crawler.dedup import RedisStore, SqliteStore

    return (
        RedisStore(spec, prefix="test:dedup") if spec.startswith("redis://") else SqliteStore(spec)
    )


def _worker(spec: str, role: int, barrier: Any, out: Any) -> None:
    from crawler.clock import FixedClock
    from crawler.dedup import Deduplicator
    from tests.unit.test_dedup_corpus import make_event, make_story, retitled, truncated

    dedup = Deduplicator(_store(spec), clock=FixedClock("2024-09-20T00:00:00+00:00"))
    verdicts = []
    for n in range(STORIES):
        rng = random.Random(n)
        story = make_story(rng, make_event(rng), url=f"https://afp.com/s{n}", site="afp.com")
        copy = (
            story
            if role == 0
            else (retitled if n % 2 else truncated)(
                story, f"https://copy.example/s{n}", "copy.example"
            )
        )
        barrier.wait(timeout=60)
        verdict = dedup.check_and_add(copy.doc())
        verdicts.append((n, copy.url, verdict.stage, verdict.cluster_id, verdict.duplicate_of))
    dedup.commit()
    dedup.close()
    out.put(verdicts)


def _race(spec: str) -> list[tuple[Any, ...]]:
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(spec, role, barrier, out)) for role in (0, 1)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return [v for result in results for v in result]


def _check(verdicts: list[tuple[Any, ...]]) -> None:
    for n in range(STORIES):
        pair = [v for v in verdicts if v[0] == n]
        assert len(pair) == 2
        new = [v for v in pair if v[2] == "new"]
        assert len(new) == 1, pair  # exactly one canonical
        copy = next(v for v in pair if v[2] != "new")
        assert copy[4] == new[0][1] and copy[3] == new[0][3]


def test_sqlite_two_processes_agree_on_one_canonical(tmp_path: Path) -> None:
    _check(_race(str(tmp_path / "store.sqlite3")))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    require_service("redis", Path(REDIS_SERVER).exists(), "redis-server not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.service
def test_redis_two_processes_agree_on_one_canonical(redis_url: str) -> None:
    _check(_race(redis_url))


@pytest.mark.service
def test_redis_store_runs_retention_and_reconciliation(redis_url: str) -> None:
    from crawler.clock import FixedClock
    from crawler.dedup import DedupConfig, Deduplicator, RedisStore
    from tests.unit.test_dedup_corpus import make_event, make_story, truncated

    rng = random.Random(1)
    story = make_story(rng, make_event(rng), url="https://afp.com/r", site="afp.com")
    copy = truncated(story, "https://copy.example/r", "copy.example")

    published = datetime.fromisoformat(story.published)

    def open_at(days: int) -> Deduplicator:
        clock = FixedClock(published + timedelta(days=days))
        return Deduplicator(RedisStore(redis_url, prefix="t2"), config=DedupConfig(), clock=clock)

    first = open_at(1)
    first.check_and_add(story.doc())
    first.close()  # not committed: dropped when the next run opens
    second = open_at(1)
    assert second.check_and_add(story.doc()).stage == "new"
    assert second.check_and_add(copy.doc()).duplicate_of == story.url
    (cluster,) = second.finalize_clusters()
    assert cluster["canonical"] == story.url and cluster["copies"][0]["relation"] == "truncated"
    second.commit()
    second.close()
    third = open_at(13)
    assert third.stats["dedup/pruned"] == 0
    assert third.store.seen_urls([story.url, copy.url]) == {story.url, copy.url}
    third.close()
    later = open_at(15)  # past the 14-day retention window
    assert later.stats["dedup/pruned"] == 2
    assert later.check_and_add(copy.doc()).stage == "new"
    later.close()

"""Crash safety: a cron crawl SIGKILLed again and again at random points, then resumed.

Each cycle starts ``scrapy crawlall`` (cron profile, slowed down so kills land mid-crawl),
waits a seeded random delay after the run's first request reaches the fixture site and
kills the whole process group with SIGKILL. Recovery is a new crawl that skips the URLs
the dedup store holds as committed (Scrapy's ``JOBDIR`` does not survive SIGKILL). After
the cycles one run goes to completion, and then:

* every non-hidden ``*.jsonl`` file under the output root parses line by line (no
  truncated line: only hidden ``.part`` temporary files may hold one);
* each fixture article appears exactly once as a canonical item across the main files
  of all runs, and no copy of it went to a duplicates file;
* the store's committed entries and committed URLs hold each article exactly once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from crawler.dedup.store_base import COMMITTED
from tests.integration._services import wait_until
from tests.integration.test_cron import ORIGIN, SPIDER, STORED, T1, CronEnv, cron_env, kind

__all__ = ["cron_env"]  # the fixture, imported for use here

pytestmark = pytest.mark.slow

SEED = 20241002
MIN_KILLS = 5
MAX_CYCLES = 12
#: Kill delays (seconds after the run's first request reaches the site): a slowed-down
#: crawl spends about 4-6 s crawling, then closes its feeds and commits its store entries.
KILL_AFTER = (0.2, 5.0)
#: One request at a time, 0.3 s apart: a full crawl takes a few seconds.
SLOW = {
    "DOWNLOAD_DELAY": 0.3,
    "RANDOMIZE_DOWNLOAD_DELAY": False,
    "CONCURRENT_REQUESTS": 1,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
}


def _store_path(env: CronEnv) -> Path:
    return Path(env.settings(T1)["DEDUP_STORE_PATH"])


def _started(env: CronEnv, mark: int, proc: subprocess.Popen[bytes]) -> bool:
    """The run reached the site (or ended before it could)."""
    return bool(env.server.requests(mark)) or proc.poll() is not None


def _committed(env: CronEnv) -> tuple[list[str], list[str]]:
    """Committed entry URLs and committed seen-URLs, read through a read-only connection."""
    uri = f"file:{_store_path(env)}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        entries = [
            r[0] for r in db.execute("SELECT url FROM entries WHERE state = ?", (COMMITTED,))
        ]
        urls = [r[0] for r in db.execute("SELECT url FROM urls WHERE state = ?", (COMMITTED,))]
    return entries, urls


def _part_lines(output: Path) -> int:
    """Complete lines in hidden temporary main-feed files (what killed runs had written)."""
    total = 0
    for part in output.rglob(f".{SPIDER}.jsonl.*.part"):
        total += part.read_bytes().count(b"\n")
    return total


def _main_lines(output: Path) -> int:
    """Lines in the completed (renamed into place) main feeds of all runs."""
    return sum(p.read_bytes().count(b"\n") for p in output.rglob(f"{SPIDER}.jsonl"))


def _parse_all(output: Path) -> dict[Path, list[dict[str, Any]]]:
    """Every non-hidden JSONL file under ``output``, each line parsed (fails on a bad one)."""
    parsed: dict[Path, list[dict[str, Any]]] = {}
    for path in sorted(output.rglob("*.jsonl")):
        if any(part.startswith(".") for part in path.relative_to(output).parts):
            continue
        data = path.read_bytes()
        assert not data or data.endswith(b"\n"), f"{path}: last line not terminated"
        rows = []
        for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - the failure itself
                pytest.fail(f"{path}:{number}: truncated or bad JSON line: {exc}")
        parsed[path] = rows
    return parsed


def test_sigkill_at_random_points_then_resume_is_exactly_once(cron_env: CronEnv) -> None:
    rng = random.Random(SEED)
    expected = sorted(ORIGIN + p for p in STORED)
    kills: list[str] = []
    cycles = 0
    while len(kills) < MIN_KILLS and cycles < MAX_CYCLES:
        cycles += 1
        delay = rng.uniform(*KILL_AFTER)
        mark = cron_env.server.mark()
        before = _part_lines(cron_env.output), _main_lines(cron_env.output)
        proc = cron_env.start(T1, "crawlall", SPIDER, **SLOW)
        try:
            wait_until(partial(_started, cron_env, mark, proc), 60, "the run's first request")
            time.sleep(delay)
            alive = proc.poll() is None
            if alive:
                os.killpg(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        fetched = [
            r["path"] for r in cron_env.server.requests(mark) if kind(r["path"]) == "article"
        ]
        note = (
            f"cycle {cycles}: +{delay:.2f} s, {len(fetched)} article fetches, "
            f"{_part_lines(cron_env.output) - before[0]} lines in .part files, "
            f"{_main_lines(cron_env.output) - before[1]} in completed files, "
            f"exit {proc.returncode}, {'killed' if alive else 'finished first'}"
        )
        print(f"crash {note}")
        if alive:
            assert proc.returncode == -signal.SIGKILL, note
            kills.append(note)
    assert len(kills) >= MIN_KILLS, f"only {len(kills)} kills landed in {cycles} cycles"
    part_lines = _part_lines(cron_env.output)

    final = cron_env.run(T1, "crawlall", SPIDER, **SLOW)
    assert final.cli.returncode == 0, final.cli.output[-3000:]
    assert final.summary["status"] == "ok"

    files = _parse_all(cron_env.output)
    main = {p: rows for p, rows in files.items() if p.name == f"{SPIDER}.jsonl"}
    copies = [
        r["url"] for p, rows in files.items() if p.name.endswith(".duplicates.jsonl") for r in rows
    ]
    canonical = Counter(r["url"] for rows in main.values() for r in rows)
    for path, rows in main.items():
        merged = path.parent / "all.jsonl"
        if merged.exists():
            assert files[merged] == rows, f"{merged} differs from {path}"
    per_run = {str(p.parent.relative_to(cron_env.output)): len(rows) for p, rows in main.items()}
    entries, urls = _committed(cron_env)
    print(
        f"crash: {len(kills)} kills survived in {cycles} cycles (seed {SEED}); "
        f"killed runs had {part_lines} lines in temporary files; "
        f"main-file items per run {per_run}; final run {final.figures()}; "
        f"committed entries {len(entries)}, committed urls {len(urls)}"
    )
    assert sorted(canonical) == expected, f"articles missing or extra: {canonical}"
    assert all(n == 1 for n in canonical.values()), f"articles written twice: {canonical}"
    assert copies == [], f"articles written to a duplicates file: {copies}"
    assert sorted(entries) == expected, f"store entries: {Counter(entries)}"
    assert sorted(urls) == expected, f"store urls: {Counter(urls)}"

"""Distributed: two crawler processes share one real redis-server on 127.0.0.1.

Process A runs ``scrapy crawlall lemonde_en aa_en``, process B ``scrapy crawlall
france24_en aa_en``, at the same time, under the ``distributed`` profile: aa_en's frontier
(scrapy-redis scheduler and dupefilter) is shared, and so is the Redis dedup store. Le Monde
and France 24 both carry AFP's Tyre drone-strike story; each is crawled by one process only,
so whichever copy is checked second is recognised as a copy of the one the other process
stored.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.dedup.model import DedupConfig
from crawler.dedup.redis import RedisStore
from tests.conftest import FixtureServer, require_service
from tests.integration._services import (
    free_port,
    read_jsonl,
    scrapy_command,
    scrapy_env,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.service]

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
DRONE = {
    "lemonde_en": "https://www.lemonde.fr/en/international/article/2024/10/02/"
    "israeli-drone-strike-kills-hezbollah-commander-in-southern-lebanon_6728461_4.html",
    "france24_en": "https://www.france24.com/en/middle-east/"
    "20241002-israeli-drone-strike-on-car-near-tyre-kills-hezbollah-rocket-commander",
}
PROCESSES = {"a": ("lemonde_en", "aa_en"), "b": ("france24_en", "aa_en")}
SHARED = "aa_en"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway redis-server: loopback, free port, no persistence, in a temp dir."""
    require_service("redis-server", Path(REDIS_SERVER).exists(), f"{REDIS_SERVER} not found")
    port = free_port()
    workdir = tmp_path / "redis"
    workdir.mkdir()
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(workdir)]
    with (workdir / "redis.log").open("wb") as log:
        proc = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        client = redis.Redis.from_url(url)

        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"redis-server exited: {(workdir / 'redis.log').read_text()}")
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(ready, 20, "redis-server")
        client.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _feed(output: Path, spider: str, suffix: str) -> list[dict[str, Any]]:
    latest = json.loads((output / "latest.json").read_text(encoding="utf-8"))
    path = output / latest["dir"] / f"{spider}{suffix}"
    return read_jsonl(path) if path.exists() else []


def test_two_processes_share_frontier_and_dedup_store(
    redis_url: str, fixture_server: FixtureServer, tmp_path: Path
) -> None:
    env = scrapy_env("distributed", {"MESEC_REDIS_URL": redis_url})
    mark = fixture_server.mark()
    procs: dict[str, subprocess.Popen[str]] = {}
    for name, spiders in PROCESSES.items():
        workdir = tmp_path / name
        workdir.mkdir()
        settings = {
            "HOST_OVERRIDES": fixture_server.host_overrides(),
            "CLOCK": "crawler.clock.FixedClock",
            "CLOCK_FIXED_AT": "2024-10-02T18:00:00+00:00",
            "AUTOTHROTTLE_ENABLED": False,
            # Few requests in flight, half a second apart: the shared queue stays in Redis
            # (not in one process's downloader) long enough for both to take from it.
            "CONCURRENT_REQUESTS": 2,
            "DOWNLOAD_DELAY": 0.5,
            "RANDOMIZE_DOWNLOAD_DELAY": False,
            "RUN_OUTPUT_ROOT": str(workdir / "output"),
            "MONITOR_REPORT_DIR": str(workdir / "reports"),
            "FRONTIER_CRAWL_ID": "test-crawl",
            "DEDUP_REDIS_PREFIX": "test:dedup",
        }
        procs[name] = subprocess.Popen(
            scrapy_command(["crawlall", *spiders], settings),
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    started = time.monotonic()
    outputs = {name: proc.communicate(timeout=180)[0] for name, proc in procs.items()}
    seconds = time.monotonic() - started
    for name, proc in procs.items():
        assert proc.returncode == 0, outputs[name][-4000:]

    # Every page behind the shared frontier was fetched once (robots.txt is per process).
    requests = fixture_server.requests(mark)
    counts = Counter(
        (r["site"], r["path"], r["query"]) for r in requests if r["path"] != "/robots.txt"
    )
    twice = {key: n for key, n in counts.items() if n > 1}
    assert not twice, twice
    aa_articles = [r for r in requests if r["site"] == "www.aa.com.tr" and r["path"].count("/") > 3]
    assert aa_articles

    items = {
        (name, spider): _feed(tmp_path / name / "output", spider, ".jsonl")
        + _feed(tmp_path / name / "output", spider, ".duplicates.jsonl")
        for name, spiders in PROCESSES.items()
        for spider in spiders
    }
    shared = [i["url"] for name in PROCESSES for i in items[(name, SHARED)]]
    assert len(shared) == len(set(shared)) == len(aa_articles)

    # The wire copy: one process stored one copy, the other recognised its own as a copy.
    drone = {
        spider: next(i for i in items[(name, spider)] if i["url"] == DRONE[spider])
        for name, (spider, _) in PROCESSES.items()
    }
    lemonde, france24 = drone["lemonde_en"], drone["france24_en"]
    assert lemonde["cluster_id"] == france24["cluster_id"]
    flagged = [i for i in (lemonde, france24) if i["duplicate_of"]]
    assert len(flagged) == 1
    other = france24 if flagged[0] is lemonde else lemonde
    assert flagged[0]["duplicate_of"] == other["url"]

    store = RedisStore(redis_url, prefix="test:dedup")
    store.open(run_id="test-check", params=DedupConfig().hashing_params(), now=0)
    try:
        every = [i["url"] for found in items.values() for i in found]
        assert store.seen_urls(every) == set(every)
    finally:
        store.close()
    for name, spiders in PROCESSES.items():
        done = {s: len(items[(name, s)]) for s in spiders}
        print(f"distributed process {name}: items {done}")
    print(
        f"distributed: {len(requests)} requests in all, {len(counts)} distinct pages "
        f"(+ robots.txt), both processes done in {seconds:.1f} s"
    )

"""Shared test fixtures: the fixture web server and crawls run in a subprocess.

- ``fixture_server`` (session): every site under ``tests/fixtures/sites`` served locally.
- ``crawl`` (function): runs a crawl with ``HOST_OVERRIDES`` pointing at ``fixture_server``.
- ``run_crawl(...)``: the same without fixtures, for module-scoped crawls.
- ``require_service(name, available)``: skip, or fail when ``MESEC_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITES_DIR = ROOT / "tests" / "fixtures" / "sites"
SERVER_START_TIMEOUT = 20.0
CRAWL_TIMEOUT = 180.0
#: Settings every test crawl gets (a test's own ``settings`` win).
FAST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
#: Stats whose presence means something went wrong in a crawl.
PROBLEM_STATS = ("log_count/ERROR", "log_count/CRITICAL")
#: Downloader exceptions that are policy, not failure (robots.txt refusals, offsite drops).
EXPECTED_EXCEPTIONS = ("downloader/exception_type_count/scrapy.exceptions.IgnoreRequest",)


def require_service(name: str, available: bool, reason: str = "") -> None:
    """Skip the test when ``name`` is missing, or fail it when ``MESEC_REQUIRE_SERVICES=1``."""
    if available:
        return
    message = f"service {name!r} is not available" + (f": {reason}" if reason else "")
    if os.environ.get("MESEC_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (MESEC_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@dataclass
class FixtureServer:
    """Handle on the running fixture server: its manifest and its request log."""

    sites: dict[str, str]
    catchall: str
    log_path: Path

    def url(self, hostname: str, path: str = "/") -> str:
        """Local URL of ``path`` on ``hostname`` (the site reached directly)."""
        return self.sites[hostname] + path

    def host_overrides(self, *hostnames: str, catchall: bool = True) -> dict[str, str]:
        """``HOST_OVERRIDES`` for the given sites (all sites when none given); with
        ``catchall`` every other host goes to the catch-all listener (``"*"`` key), so a
        crawl never leaves the machine and stray requests show up in ``catchall_hits()``."""
        overrides = {h: self.sites[h] for h in (hostnames or tuple(self.sites))}
        if catchall:
            overrides["*"] = self.catchall
        return overrides

    def mark(self) -> int:
        """Position in the request log; pass it to ``requests(since=...)``."""
        if not self.log_path.exists():
            return 0
        with self.log_path.open(encoding="utf-8") as fh:
            return sum(1 for _ in fh)

    def requests(self, since: int = 0, *, site: str | None = None) -> list[dict[str, Any]]:
        """Logged requests after ``since`` (a ``mark()``), optionally for one site only."""
        if not self.log_path.exists():
            return []
        with self.log_path.open(encoding="utf-8") as fh:
            lines = fh.read().splitlines()[since:]
        records = [json.loads(line) for line in lines if line.strip()]
        return [r for r in records if site is None or r["site"] == site]

    def catchall_hits(self, since: int = 0) -> list[dict[str, Any]]:
        return self.requests(since, site="__catchall__")


_OWN_CACHE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """The enrichment matchers' disk cache goes to a directory of this test session (the
    crawls the tests start inherit it), not to the user's cache."""
    if "MESEC_ENRICH_CACHE" not in os.environ:
        os.environ["MESEC_ENRICH_CACHE"] = tempfile.mkdtemp(prefix="mesec-enrich-cache-")
        config.stash[_OWN_CACHE] = os.environ["MESEC_ENRICH_CACHE"]


def pytest_unconfigure(config: pytest.Config) -> None:
    own = config.stash.get(_OWN_CACHE, None)
    if own is not None:
        shutil.rmtree(own, ignore_errors=True)


@pytest.fixture(scope="session")
def fixture_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    """Serve all fixture sites for the whole session (a subprocess, stopped at the end)."""
    workdir = tmp_path_factory.mktemp("mockserver")
    manifest_path = workdir / "manifest.json"
    log_path = workdir / "requests.jsonl"
    stderr_path = workdir / "server.stderr"
    command = [
        sys.executable,
        "-m",
        "tests.mockserver.server",
        "--sites",
        str(SITES_DIR),
        "--manifest",
        str(manifest_path),
        "--log",
        str(log_path),
    ]
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not manifest_path.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                err = stderr_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"fixture server did not start (exit {proc.returncode}): {err}")
            time.sleep(0.05)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        yield FixtureServer(manifest["sites"], manifest["__catchall__"], Path(manifest["log"]))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class CrawlResult:
    """Outcome of one crawl subprocess."""

    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    returncode: int
    command: list[str]
    #: Fixture-server requests made during the crawl (filled by the ``crawl`` fixture).
    requests: list[dict[str, Any]] = field(default_factory=list)

    def problems(self) -> dict[str, Any]:
        """Stats that signal errors: ``PROBLEM_STATS``, ``spider_exceptions/*`` and download
        exceptions other than ``IgnoreRequest`` (which robots.txt refusals are counted as)."""
        return {
            k: v
            for k, v in self.stats.items()
            if k in PROBLEM_STATS
            or k.startswith("spider_exceptions/")
            or (k.startswith("downloader/exception_type_count/") and k not in EXPECTED_EXCEPTIONS)
        }


def _setting_value(value: Any) -> str:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value)
    return str(value)


def run_crawl(
    spider: str,
    *,
    tmp_path: Path,
    args: Mapping[str, str] | None = None,
    settings: Mapping[str, Any] | None = None,
    host_overrides: Mapping[str, str] | None = None,
    runspider: Path | str | None = None,
    timeout: float = CRAWL_TIMEOUT,
) -> CrawlResult:
    """Run ``scrapy crawl spider`` (or ``scrapy runspider FILE``) and collect its output.

    Runs from the repository root with ``crawler.settings.local`` plus ``FAST_SETTINGS``,
    ``settings`` and ``host_overrides``; ``spider`` names the output files when ``runspider``
    is given. Items come from a JSONL feed (``FEEDS`` replaced, so nothing lands in
    ``output/``), stats from ``STATS_DUMP_FILE``.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / f"{spider}.items.jsonl"
    stats_file = tmp_path / f"{spider}.stats.json"
    log_file = tmp_path / f"{spider}.log"
    merged: dict[str, Any] = {**FAST_SETTINGS, **(settings or {})}
    # FEEDS, not -O: Scrapy merges -O with the project's FEEDS, which would also write output/.
    merged["FEEDS"] = {str(out): {"format": "jsonlines", "encoding": "utf-8", "overwrite": True}}
    merged["STATS_DUMP_FILE"] = str(stats_file)
    merged["LOG_FILE"] = str(log_file)
    # Per-crawl state stays in the test's directory unless a test shares it on purpose.
    merged.setdefault("DEDUP_STORE_PATH", str(tmp_path / "dedup.sqlite3"))
    merged.setdefault("MONITOR_REPORT_DIR", str(tmp_path / "reports"))
    if host_overrides is not None:
        merged.setdefault("HOST_OVERRIDES", dict(host_overrides))
    target = ["runspider", str(runspider)] if runspider else ["crawl", spider]
    command = [sys.executable, "-m", "scrapy", *target]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    for key, value in merged.items():
        command += ["-s", f"{key}={_setting_value(value)}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings.local"}
    env.pop("SCRAPY_PROJECT", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    items: list[dict[str, Any]] = []
    if out.exists():
        with out.open(encoding="utf-8") as fh:
            items = [json.loads(line) for line in fh if line.strip()]
    stats: dict[str, Any] = {}
    if stats_file.exists():
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
    log = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    log += proc.stdout + proc.stderr
    return CrawlResult(items, stats, log, proc.returncode, command)


CrawlFn = Callable[..., CrawlResult]


@pytest.fixture
def crawl(fixture_server: FixtureServer, tmp_path: Path) -> CrawlFn:
    """``crawl(spider, *, args=None, settings=None, runspider=None, host_overrides=None)``.

    Like ``run_crawl`` with ``tmp_path`` and ``HOST_OVERRIDES`` for every fixture site filled
    in; the result's ``requests`` holds the fixture-server requests made during the crawl.
    """

    def _crawl(spider: str, **kwargs: Any) -> CrawlResult:
        kwargs.setdefault("host_overrides", fixture_server.host_overrides())
        mark = fixture_server.mark()
        result = run_crawl(spider, tmp_path=tmp_path, **kwargs)
        result.requests = fixture_server.requests(mark)
        return result

    return _crawl

"""End-to-end: the spider-close monitors on real crawls of the fixture sites.

A healthy crawl of a fixture site passes every monitor and writes a passing report; the
same site with its article markup changed (``tests/fixtures/redesigned``) still yields
every article, through JSON-LD and the generic layer, and only the monitors notice: the
selector-fallback monitor fails, in the stats and in the report. Every site spider passes
its monitors on its fixture site with the base expectations (the calibration).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler.monitors import monitors_failed
from crawler.monitors.checks import CHECKS
from tests.conftest import (
    ROOT,
    SERVER_START_TIMEOUT,
    SITES_DIR,
    CrawlResult,
    FixtureServer,
    require_service,
    run_crawl,
)

pytestmark = pytest.mark.slow

REDESIGNED_DIR = ROOT / "tests" / "fixtures" / "redesigned"
SPIDER = "kurdistan24_en"
HOST = "www.kurdistan24.net"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def serve(sites: Path, workdir: Path) -> Iterator[FixtureServer]:
    """The fixture server on another sites directory, for the duration of the block."""
    manifest_path = workdir / "manifest.json"
    stderr_path = workdir / "server.stderr"
    command = [
        sys.executable,
        "-m",
        "tests.mockserver.server",
        "--sites",
        str(sites),
        "--manifest",
        str(manifest_path),
        "--log",
        str(workdir / "requests.jsonl"),
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


@pytest.fixture(scope="module")
def redesigned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    with serve(REDESIGNED_DIR, tmp_path_factory.mktemp("redesigned")) as server:
        yield server


def monitored_crawl(
    spider: str,
    server: FixtureServer,
    tmp_path: Path,
    *,
    settings: dict[str, Any] | None = None,
    **kwargs: Any,
) -> CrawlResult:
    """A crawl with its reports in ``tmp_path/reports`` and no dedup store."""
    merged = {"MONITOR_REPORT_DIR": str(tmp_path / "reports"), "DEDUP_ENABLED": False}
    return run_crawl(
        spider,
        tmp_path=tmp_path,
        host_overrides=server.host_overrides(),
        settings={**merged, **(settings or {})},
        **kwargs,
    )


def report_of(result: CrawlResult, tmp_path: Path, spider: str = SPIDER) -> dict[str, Any]:
    """The crawl's JSON report, checked to be the only one, named ``<spider>-<stamp>``."""
    path = Path(result.stats["monitors/report"])
    assert path.parent == tmp_path / "reports"
    assert re.fullmatch(rf"{spider}-\d{{8}}T\d{{6}}Z\.json", path.name)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, path.stem + ".txt"]
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def summary_of(result: CrawlResult) -> str:
    return Path(result.stats["monitors/report"]).with_suffix(".txt").read_text(encoding="utf-8")


def test_healthy_crawl_passes_the_monitors(fixture_server: FixtureServer, tmp_path: Path) -> None:
    result = monitored_crawl(SPIDER, fixture_server, tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == {}
    stats = result.stats
    assert (stats["monitors/passed"], stats["monitors/failed"]) == (len(CHECKS), 0)
    assert not [key for key in stats if key.startswith("monitors/failed/")]
    assert not monitors_failed(stats)
    assert stats["monitor/items"] == len(result.items) == 4
    assert stats["monitor/selectors/items"] == 4
    assert "monitor/fallback/items" not in stats
    report = report_of(result, tmp_path)
    assert report["passed"] is True and report["failed"] == []
    assert [c["name"] for c in report["checks"]] == list(CHECKS)
    assert {c["status"] for c in report["checks"]} == {"passed"}
    assert report["figures"]["items"] == 4 and report["figures"]["validated"] == 4
    assert report["finish_reason"] == "finished"
    assert summary_of(result).startswith("Monitors for kurdistan24_en: PASSED (0 of 8 failed")


def test_redesigned_site_fails_the_monitors(
    redesigned_server: FixtureServer, tmp_path: Path
) -> None:
    result = monitored_crawl(SPIDER, redesigned_server, tmp_path)
    # The crawl itself "succeeds": every article, valid, no error, exit 0.
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == {}
    assert len(result.items) == 4
    assert {i["provenance"]["title"] for i in result.items} == {"jsonld"}
    assert {i["provenance"]["body"] for i in result.items} == {"generic"}
    # Only the monitors notice.
    stats = result.stats
    assert monitors_failed(stats)
    assert stats["monitors/failed"] == 1
    assert stats["monitors/failed/extraction/fallback"] == 1
    assert stats["monitor/fallback/items"] == stats["monitor/selectors/items"] == 4
    report = report_of(result, tmp_path)
    assert report["passed"] is False
    assert report["failed"] == ["extraction/fallback"]
    fallback = next(c for c in report["checks"] if c["name"] == "extraction/fallback")
    assert (fallback["status"], fallback["value"], fallback["limit"]) == ("failed", 1.0, 0.2)
    assert "title 4/4, body 4/4" in fallback["detail"]
    summary = summary_of(result)
    assert summary.startswith("Monitors for kurdistan24_en: FAILED (1 of 8 failed")
    assert "FAILED  extraction/fallback  4 of 4 items fell back" in summary
    assert "Monitors failed (report: " in result.log


SPIDER_FILE = """
from spiders.kurdistan24_en import Kurdistan24EnSpider


class StrictKurdistan24(Kurdistan24EnSpider):
    name = "kurdistan24_strict"
    expectations = {"min_items": 5, "authors": 0.9}
"""


def test_spider_expectations_are_enforced(fixture_server: FixtureServer, tmp_path: Path) -> None:
    spider_file = tmp_path / "strict_spider.py"
    spider_file.write_text(SPIDER_FILE, encoding="utf-8")
    result = monitored_crawl("kurdistan24_strict", fixture_server, tmp_path, runspider=spider_file)
    assert result.returncode == 0, result.log[-3000:]
    stats = result.stats
    assert stats["monitors/failed"] == 2
    assert stats["monitors/failed/crawl/items"] == 1
    assert stats["monitors/failed/coverage/authors"] == 1  # 3 of 4: one desk story
    report = report_of(result, tmp_path, "kurdistan24_strict")
    assert report["expectations"]["min_items"] == 5
    assert report["failed"] == ["crawl/items", "coverage/authors"]


def test_settings_expectations_apply_to_every_spider(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    result = monitored_crawl(
        SPIDER,
        fixture_server,
        tmp_path,
        settings={"MONITOR_DEFAULT_EXPECTATIONS": {"min_items": 3, "body_min_words": 300}},
    )
    assert result.stats["monitors/failed/coverage/body"] == 1
    assert result.stats.get("monitor/coverage/body", 0) < 4


# -- calibration: every fixture site passes with the base expectations --------------------


def site_spiders() -> list[str]:
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    loader = get_spider_loader(get_project_settings())
    names = []
    for name in sorted(loader.list()):
        domains = getattr(loader.load(name), "allowed_domains", None) or ()
        if any((SITES_DIR / host).is_dir() for host in domains):
            names.append(name)
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "site_spider" in metafunc.fixturenames:
        metafunc.parametrize("site_spider", site_spiders())


def test_every_site_spider_passes_its_monitors(
    fixture_server: FixtureServer, tmp_path: Path, site_spider: str
) -> None:
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    spidercls = get_spider_loader(get_project_settings()).load(site_spider)
    if getattr(spidercls, "js_rendered", False):
        require_service("chromium", CHROMIUM is not None, "no chromium executable on PATH")
    result = monitored_crawl(site_spider, fixture_server, tmp_path)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("monitors/failed") == 0, summary_of(result)
    assert result.stats.get("monitors/passed", 0) + result.stats.get("monitors/skipped", 0) == 8

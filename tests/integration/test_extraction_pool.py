"""Fixture crawls with and without the extraction pool write the same items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CrawlResult, FixtureServer, run_crawl

pytestmark = pytest.mark.slow

#: (spider, fixture host, spider arguments): a site file, and the WordPress family.
CASES = [("naharnet", "www.naharnet.com", False), ("wordpress", "levantchronicle.com", True)]


def _crawl(
    server: FixtureServer, tmp: Path, spider: str, host: str, direct: bool, workers: int
) -> CrawlResult:
    args = {"start_urls": server.url(host, "/")} if direct else None
    result = run_crawl(
        spider,
        tmp_path=tmp,
        args=args,
        settings={"EXTRACTION_WORKERS": workers},
        host_overrides={} if direct else server.host_overrides(),
    )
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == {}, result.log[-3000:]
    return result


def _by_url(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["url"]: {k: v for k, v in item.items() if k != "crawled_at"} for item in items}


@pytest.mark.parametrize(("spider", "host", "direct"), CASES)
def test_the_same_items_with_and_without_workers(
    fixture_server: FixtureServer, tmp_path: Path, spider: str, host: str, direct: bool
) -> None:
    here = _crawl(fixture_server, tmp_path / "here", spider, host, direct, workers=0)
    pooled = _crawl(fixture_server, tmp_path / "pool", spider, host, direct, workers=2)
    assert "extraction/pool/workers" not in here.stats
    assert pooled.stats["extraction/pool/workers"] == 2
    assert pooled.stats["extraction/pool/pages"] >= len(pooled.items) > 0
    assert not pooled.stats.get("extraction/pool/fallback")
    assert _by_url(pooled.items) == _by_url(here.items)
    extraction = {k: v for k, v in here.stats.items() if k.startswith("extraction/")}
    assert extraction == {
        k: v
        for k, v in pooled.stats.items()
        if k.startswith("extraction/") and not k.startswith("extraction/pool/")
    }

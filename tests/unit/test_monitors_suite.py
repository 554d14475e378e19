"""The spidermon suite in process, under ``filterwarnings = error``: coverage extension,
monitors, results in the stats, report files, nothing logged at ERROR."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import Article
from crawler.monitors import monitors_failed
from crawler.monitors.coverage import ItemCoverage
from crawler.monitors.extension import Monitors
from crawler.settings import base
from crawler.spider import NewsSpider


class SiteSpider(NewsSpider):
    name = "suite_site"
    allowed_domains = ["example.test"]
    selectors = {"title": "h1.headline", "body": "div.story"}


class StrictSpider(SiteSpider):
    name = "suite_strict"
    expectations = {"min_items": 5}


class BadSpider(SiteSpider):
    name = "suite_bad"
    expectations = {"min_itmes": 5}


def make_crawler(
    spidercls: type[NewsSpider], tmp_path: Path, report_dir: str | None = None
) -> tuple[Crawler, NewsSpider]:
    crawler = get_crawler(
        spidercls,
        {
            "SPIDERMON_ENABLED": True,
            "SPIDERMON_SPIDER_CLOSE_MONITORS": base.SPIDERMON_SPIDER_CLOSE_MONITORS,
            "MONITOR_DEFAULT_EXPECTATIONS": base.MONITOR_DEFAULT_EXPECTATIONS,
            "MONITOR_REPORT_DIR": str(tmp_path / "reports") if report_dir is None else report_dir,
        },
    )
    spider = spidercls.from_crawler(crawler)
    crawler.spider = spider
    return crawler, spider


def page(url: str, *, redesigned: bool) -> HtmlResponse:
    h1 = "h2" if redesigned else "h1"
    html = (
        f'<html><body><{h1} class="headline">Strike on a depot</{h1}>'
        f'<div class="{"content" if redesigned else "story"}"><p>Text.</p></div></body></html>'
    )
    return HtmlResponse(url, body=html.encode(), encoding="utf-8")


def article(url: str, *, redesigned: bool) -> Article:
    layers = {"title": "jsonld", "body": "generic"} if redesigned else {"title": "site"}
    layers.setdefault("body", "site")
    return Article(
        url=url,
        title="Strike on a depot",
        body="word " * 100,
        word_count=100,
        authors=[],
        published="2024-10-01T09:48:03+03:00",
        provenance=layers,
    )


def crawl(
    spidercls: type[NewsSpider], tmp_path: Path, *, items: int, redesigned: int = 0
) -> Crawler:
    """Feed ``items`` items (the first ``redesigned`` of them from a redesigned page)
    through the coverage extension, with matching core stats, then close the spider."""
    crawler, spider = make_crawler(spidercls, tmp_path)
    assert crawler.stats is not None
    coverage = ItemCoverage.from_crawler(crawler)
    monitors = Monitors.from_crawler(crawler)
    coverage.spider_opened(spider)
    monitors.spider_opened(spider)
    for n in range(items):
        url = f"https://example.test/news/strike-on-a-depot-{n}"
        old = n < redesigned
        coverage.item_scraped(article(url, redesigned=old), page(url, redesigned=old), spider)
    for key, value in {
        "item_scraped_count": items,
        "article/valid": items,
        "downloader/request_count": items + 2,
        "finish_reason": "finished",
    }.items():
        crawler.stats.set_value(key, value)
    monitors.spider_closed(spider)
    return crawler


def stats_of(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return crawler.stats.get_stats()


def test_healthy_crawl_passes(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    stats = stats_of(crawl(SiteSpider, tmp_path, items=4))
    assert stats["monitors/passed"] == 8
    assert stats["monitors/failed"] == 0
    assert not monitors_failed(stats)
    assert stats["monitor/selectors/items"] == 4
    assert "monitor/fallback/items" not in stats
    report = json.loads(Path(stats["monitors/report"]).read_text(encoding="utf-8"))
    assert report["passed"] is True and report["spider"] == "suite_site"
    assert "All 8 monitors passed" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_redesigned_pages_fail_the_fallback_monitor(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stats = stats_of(crawl(SiteSpider, tmp_path, items=4, redesigned=2))
    assert stats["monitor/fallback/items"] == 2
    assert stats["monitors/failed"] == 1
    assert stats["monitors/failed/extraction/fallback"] == 1
    assert monitors_failed(stats)
    text = Path(stats["monitors/report"]).with_suffix(".txt").read_text(encoding="utf-8")
    assert text.startswith("Monitors for suite_site: FAILED (1 of 8 failed")
    assert "2 of 4 items fell back" in text
    assert "Monitors failed" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_spider_expectations_apply(tmp_path: Path) -> None:
    stats = stats_of(crawl(StrictSpider, tmp_path, items=4))
    assert stats["monitors/failed/crawl/items"] == 1
    report = json.loads(Path(stats["monitors/report"]).read_text(encoding="utf-8"))
    assert report["expectations"]["min_items"] == 5
    assert report["checks"][0]["detail"] == "4 items scraped (expected at least 5)"


def test_invalid_expectations_fail_every_monitor_without_crashing(tmp_path: Path) -> None:
    crawler, spider = make_crawler(BadSpider, tmp_path)
    monitors = Monitors.from_crawler(crawler)
    monitors.spider_opened(spider)
    monitors.spider_closed(spider)
    stats = stats_of(crawler)
    assert stats["monitors/failed"] == 8
    report = json.loads(Path(stats["monitors/report"]).read_text(encoding="utf-8"))
    assert {c["status"] for c in report["checks"]} == {"error"}
    assert "min_itmes" in report["checks"][0]["detail"]


def test_no_report_files_when_the_directory_is_empty(tmp_path: Path) -> None:
    crawler, spider = make_crawler(SiteSpider, tmp_path, report_dir="")
    monitors = Monitors.from_crawler(crawler)
    monitors.spider_opened(spider)
    monitors.spider_closed(spider)
    stats = stats_of(crawler)
    assert stats["monitors/failed/crawl/items"] == 1
    assert "monitors/report" not in stats
    assert not (tmp_path / "reports").exists()

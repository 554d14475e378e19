"""Incremental crawls: the revisit policy, the middleware's filtering and paging stop, and
the run verdict rules that go with them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.clock import FixedClock
from crawler.extensions.progress import format_summary
from crawler.middlewares.incremental import REVISIT_META, IncrementalMiddleware, RevisitPolicy
from crawler.runstatus import ExitCode, error_rate, judge_spider, run_exit_code
from crawler.spider import ENTRY_DATES_META, SCRAPED_LINKS_META
from crawler.urlhistory import UrlRecord
from spiders.lemonde_en import LeMondeEnSpider
from tests.conftest import SITES_DIR

NOW = datetime(2024, 10, 3, 1, 0, tzinfo=UTC).timestamp()
HOUR = 3600.0
POLICY = RevisitPolicy(ttl=6 * HOUR, window=12 * HOUR, lookback=7 * 24 * HOUR)


def record(age_hours: float, seen_hours_ago: float) -> UrlRecord:
    return UrlRecord(NOW - age_hours * HOUR, NOW - age_hours * HOUR, NOW - seen_hours_ago * HOUR)


@pytest.mark.parametrize(
    ("stored", "dates", "verdict"),
    [
        (None, None, "new"),
        (None, {"published": "2024-09-20T10:00:00+00:00"}, "too_old"),
        (None, {"published": "2024-09-20", "modified": "2024-10-02T10:00:00"}, "new"),
        (record(10, 7), None, "revisit/ttl"),
        (record(10, 2), None, "skipped"),
        (record(30, 20), None, "skipped"),
        (record(30, 20), {"modified": "2024-10-02T23:00:00+00:00"}, "revisit/modified"),
        (record(30, 1), {"modified": "2024-10-02T20:00:00+00:00"}, "skipped"),
    ],
)
def test_revisit_policy(stored: UrlRecord | None, dates: Any, verdict: str) -> None:
    assert POLICY.decide(stored, dates, NOW) == verdict


class Spider(scrapy.Spider):
    name = "inc"

    def parse_listing(self, response: Any, page: int = 1, depth: int = 0) -> Any:
        return []

    def parse_article(self, response: Any, depth: int = 0) -> Any:
        return []


class History:
    def __init__(self, records: dict[str, UrlRecord]) -> None:
        self.records = records

    def url_records(self, urls: Sequence[str]) -> dict[str, UrlRecord]:
        return {u: self.records[u] for u in urls if u in self.records}


def middleware(records: dict[str, UrlRecord]) -> tuple[IncrementalMiddleware, Spider]:
    crawler = get_crawler(Spider, {"INCREMENTAL_ENABLED": True})
    spider = Spider()
    crawler.spider = spider
    spider.crawler = crawler
    crawler.stats.open_spider()
    mw = IncrementalMiddleware(crawler, POLICY, FixedClock(datetime.fromtimestamp(NOW, UTC)))
    mw._history = History(records)
    return mw, spider


def listing(spider: Spider, page: int = 1) -> HtmlResponse:
    request = scrapy.Request("https://x.test/news/", spider.parse_listing, cb_kwargs={"page": page})
    return HtmlResponse(request.url, body=b"<html></html>", request=request)


def test_known_articles_are_dropped_and_paging_stops() -> None:
    known = {f"https://x.test/a{i}": record(30, 20) for i in range(3)}
    mw, spider = middleware(known)
    out = [scrapy.Request(url, spider.parse_article) for url in known]
    next_page = scrapy.Request("https://x.test/news/2", spider.parse_listing, cb_kwargs={"page": 2})
    kept = list(mw.process_spider_output(listing(spider), [*out, next_page]))
    assert kept == []
    stats = mw.crawler.stats
    assert stats.get_value("incremental/skipped") == 3
    assert stats.get_value("incremental/paging_stopped") == 1


def test_new_and_due_articles_pass_and_paging_goes_on() -> None:
    records = {"https://x.test/old": record(30, 20), "https://x.test/due": record(10, 7)}
    mw, spider = middleware(records)
    new = scrapy.Request("https://x.test/new", spider.parse_article)
    due = scrapy.Request("https://x.test/due", spider.parse_article)
    old = scrapy.Request("https://x.test/old", spider.parse_article)
    feed_old = scrapy.Request("https://x.test/old", spider.parse_article)
    feed_old.meta[ENTRY_DATES_META] = {"published": None, "modified": "2024-10-03T00:30:00Z"}
    next_page = scrapy.Request("https://x.test/news/2", spider.parse_listing, cb_kwargs={"page": 2})
    kept = list(mw.process_spider_output(listing(spider), [new, due, old, next_page, feed_old]))
    assert kept == [new, due, feed_old, next_page]
    assert due.meta[REVISIT_META] == "revisit/ttl"
    assert feed_old.meta[REVISIT_META] == "revisit/modified"
    stats = mw.crawler.stats.get_stats()
    # "old" was first skipped, then let through by the newer lastmod: counted once, as such.
    assert stats.get("incremental/skipped", 0) == 0
    assert stats["incremental/revisit"] == 2


def test_story_stored_earlier_in_this_run_does_not_stop_paging() -> None:
    # The feed found the new story first; by the time the listing is parsed the story is
    # in the store. The listing still holds a story new to this run, so paging goes on.
    records = {"https://x.test/old": record(30, 20)}
    mw, spider = middleware(records)
    feed = scrapy.Request("https://x.test/feed.xml", spider.parse_listing)
    from_feed = scrapy.Request("https://x.test/new", spider.parse_article)
    assert list(mw.process_spider_output(listing(spider).replace(request=feed), [from_feed]))
    records["https://x.test/new"] = record(0.1, 0.1)
    new = scrapy.Request("https://x.test/new", spider.parse_article)
    old = scrapy.Request("https://x.test/old", spider.parse_article)
    next_page = scrapy.Request("https://x.test/news/2", spider.parse_listing, cb_kwargs={"page": 2})
    kept = list(mw.process_spider_output(listing(spider), [new, old, next_page]))
    assert next_page in kept
    assert mw.crawler.stats.get_value("incremental/paging_stopped") is None


@pytest.mark.parametrize(("first_seen", "pages_on"), [("new", True), ("revisit", False)])
def test_listing_linking_a_story_scraped_this_run(first_seen: str, pages_on: bool) -> None:
    # The spider does not request again a story it built from the feed earlier in this
    # run and lists it on the listing response. A story new to this run keeps paging
    # going; a revisited one (stored before the run) does not.
    story = "https://x.test/story"
    known = {"https://x.test/old": record(30, 20)}
    if first_seen == "revisit":
        known[story] = record(10, 7)
    mw, spider = middleware(known)
    feed = scrapy.Request("https://x.test/feed.xml", spider.parse_listing)
    feed_response = HtmlResponse(feed.url, body=b"", request=feed)
    assert list(
        mw.process_spider_output(feed_response, [scrapy.Request(story, spider.parse_article)])
    )
    response = listing(spider)
    response.meta[SCRAPED_LINKS_META] = [story]
    old = scrapy.Request("https://x.test/old", spider.parse_article)
    next_page = scrapy.Request("https://x.test/news/2", spider.parse_listing, cb_kwargs={"page": 2})
    kept = list(mw.process_spider_output(response, [old, next_page]))
    assert kept == ([next_page] if pages_on else [])


def test_news_spider_marks_listing_links_it_scraped_this_run() -> None:
    crawler = get_crawler(LeMondeEnSpider)
    news = LeMondeEnSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    page = SITES_DIR / "www.lemonde.fr" / "pages" / "en" / "international" / "index.html"
    request = scrapy.Request("https://www.lemonde.fr/en/international/", news.parse_listing)
    response = HtmlResponse(request.url, body=page.read_bytes(), request=request)
    linked = [r.url for r in news.parse_listing(response) if r.callback == news.parse_article]
    assert len(linked) >= 2 and SCRAPED_LINKS_META not in response.meta
    news.emit({"url": linked[0], "title": "One", "body": "Text."})
    response = HtmlResponse(request.url, body=page.read_bytes(), request=request.copy())
    again = [r.url for r in news.parse_listing(response) if r.callback == news.parse_article]
    assert again == linked[1:]
    assert response.meta[SCRAPED_LINKS_META] == linked[:1]


def test_items_from_a_revisit_are_remembered() -> None:
    mw, spider = middleware({})
    request = scrapy.Request("https://x.test/due", spider.parse_article)
    request.meta[REVISIT_META] = "revisit/ttl"
    response = HtmlResponse(request.url, body=b"", request=request)
    item = {"url": "https://x.test/due-canonical"}
    assert list(mw.process_spider_output(response, [item])) == [item]
    assert mw.was_revisited("https://x.test/due-canonical")


def test_run_verdicts() -> None:
    settings = Settings({"RUN_MAX_ERROR_RATE": 0.05})
    ok = {"finish_reason": "finished", "item_scraped_count": 0, "incremental/skipped": 4}
    assert judge_spider(ok, settings, None, "s") == ("ok", [])
    empty = {"finish_reason": "finished", "downloader/request_count": 3}
    assert judge_spider(empty, settings, None, "s")[0] == "failed"
    quiet_before = {"spiders": {"s": {"items": 0, "known_skipped": 0}}}
    assert judge_spider(empty, settings, quiet_before, "s")[0] == "ok"
    errors = {**ok, "log_count/ERROR": 2, "downloader/request_count": 10}
    assert error_rate(errors) == 0.2
    assert judge_spider(errors, settings, None, "s")[0] == "failed"
    assert judge_spider({**ok, "finish_reason": "shutdown"}, settings, None, "s")[0] == "failed"
    assert run_exit_code(["ok", "locked"], False) == ExitCode.OK
    assert run_exit_code(["ok"], True) == ExitCode.MONITORS_FAILED
    assert run_exit_code(["ok", "failed"], True) == ExitCode.FAILED


def test_summary_table_fits_one_screen() -> None:
    stats = {"response_received_count": 12, "item_scraped_count": 3, "dedup/new": 2}
    table = format_summary([("aa_en", "ok", stats), ("lemonde_en", "failed", {})]).splitlines()
    assert table[0].split()[:3] == ["spider", "status", "pages"]
    assert table[2].split()[:4] == ["aa_en", "ok", "12", "3"]
    assert table[-1].split()[:3] == ["total", "12", "3"]
    assert max(map(len, table)) <= 100

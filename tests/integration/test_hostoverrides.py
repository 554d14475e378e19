"""HOST_OVERRIDES: real crawls of www.override-check.com served by the fixture server.

One crawl (``scrapy runspider tests/integration/_override_spider.py``) is shared by the module;
each test checks one promise of the middleware against its items, stats and the server's
request log. The same crawl rendered by Chromium (scrapy-playwright), in-process checks of the
middleware and checks of the STATS_DUMP_FILE extension follow.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings
from scrapy.utils.httpobj import urlparse_cached

from crawler.extensions.statsdump import StatsDump
from crawler.middlewares.hostoverrides import (
    HostOverridesMiddleware,
    overrides_from_settings,
    parse_overrides,
)
from tests.conftest import CrawlResult, FixtureServer, require_service, run_crawl

SITE = "www.override-check.com"
REAL = f"https://{SITE}"
SPIDER = Path(__file__).with_name("_override_spider.py")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    mark = fixture_server.mark()
    crawl = run_crawl(
        "override_check",
        tmp_path=tmp_path_factory.mktemp("override_check"),
        runspider=SPIDER,
        host_overrides=fixture_server.host_overrides(SITE),
        settings={"ROBOTSTXT_OBEY": True},
    )
    crawl.requests = fixture_server.requests(mark)
    return crawl


def by_url(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {item["url"]: item for item in result.items}


def test_crawl_is_clean(result: CrawlResult) -> None:
    assert result.returncode == 0, result.log
    assert result.problems() == {}, result.log
    assert "log_count/ERROR" not in result.stats
    # the only downloader "exception" is robots.txt refusing /private/hidden.html
    assert result.stats["downloader/exception_count"] == result.stats["robotstxt/forbidden"] == 1
    assert result.stats["finish_reason"] == "finished"
    # HOST_OVERRIDES maps "*" to the catch-all: nothing else was requested
    assert [r for r in result.requests if r["site"] == "__catchall__"] == []
    assert [r for r in result.requests if r["site"] != SITE] == []


def test_requests_reach_the_local_server_as_the_real_host(result: CrawlResult) -> None:
    assert result.requests
    assert {r["host_header"] for r in result.requests} == {SITE}
    assert result.stats["hostoverrides/mapped"] == result.stats["downloader/request_count"]
    assert result.stats["hostoverrides/mapped"] == len(result.requests)


def test_callbacks_and_items_see_real_urls(result: CrawlResult) -> None:
    assert set(by_url(result)) == {
        f"{REAL}/",
        f"{REAL}/articles/first-story.html",
        f"{REAL}/articles/second-story.html",
        f"{REAL}/articles/third-story.html",
        f"{REAL}/new/",
        f"{REAL}/list/",
        f"{REAL}/list/?page=2",
    }
    for item in result.items:
        assert item["request_url"] == item["url"]
        assert all(link.startswith(f"{REAL}/") for link in item["links"]), item
    assert by_url(result)[f"{REAL}/list/?page=2"]["title"] == "List, page 2"


def test_absolute_redirect_ends_on_the_real_url(result: CrawlResult) -> None:
    item = by_url(result)[f"{REAL}/new/"]
    assert item["redirect_urls"] == [f"{REAL}/old/"]
    assert item["title"] == "New section"


def test_relative_redirect_resolves_against_the_real_url(result: CrawlResult) -> None:
    item = by_url(result)[f"{REAL}/articles/third-story.html"]
    assert item["redirect_urls"] == [f"{REAL}/moved.html"]


def test_robots_txt_is_fetched_through_the_mapping_and_obeyed(result: CrawlResult) -> None:
    paths = [r["path"] for r in result.requests]
    assert paths.count("/robots.txt") == 1
    assert "/private/hidden.html" not in paths
    assert result.stats["robotstxt/forbidden"] == 1
    assert result.stats["robotstxt/response_status_count/200"] == 1


# -- The same crawl rendered by Chromium through scrapy-playwright ----------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


@pytest.fixture(scope="module")
def browser_result(
    fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    require_service("chromium", CHROMIUM is not None, "no chromium executable on PATH")
    mark = fixture_server.mark()
    crawl = run_crawl(
        "override_check",
        tmp_path=tmp_path_factory.mktemp("override_check_browser"),
        runspider=SPIDER,
        args={"playwright": "1"},
        host_overrides=fixture_server.host_overrides(SITE),
        settings={
            "DOWNLOAD_HANDLERS": {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER},
            "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": CHROMIUM},
        },
    )
    crawl.requests = fixture_server.requests(mark)
    return crawl


@pytest.mark.service
def test_browser_pages_come_back_with_real_urls(browser_result: CrawlResult) -> None:
    result = browser_result
    assert result.returncode == 0, result.log
    assert result.problems() == {}, result.log
    assert len(result.items) == 7
    for item in result.items:
        assert item["url"].startswith(f"{REAL}/")
        assert all(link.startswith(f"{REAL}/") for link in item["links"]), item
    assert by_url(result)[f"{REAL}/new/"]["redirect_urls"] == [f"{REAL}/old/"]
    # the browser cannot set Host, so the server rewrote the pages and the middleware undid it
    assert result.stats["hostoverrides/body_rewritten"] >= 1
    paths = [r["path"] for r in result.requests]
    assert "/private/hidden.html" not in paths
    assert all(r["site"] == SITE for r in result.requests)


# -- In-process checks ---------------------------------------------------------------------

LOCAL = "http://127.0.0.1:8765"


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


def make_mw() -> tuple[HostOverridesMiddleware, _Stats]:
    stats = _Stats()
    return HostOverridesMiddleware({"a.test": LOCAL}, stats), stats  # type: ignore[arg-type]


def test_overrides_come_from_a_dict_or_a_json_string() -> None:
    as_json = Settings({"HOST_OVERRIDES": '{"A.test": "http://127.0.0.1:1/"}'})
    assert overrides_from_settings(as_json) == {"a.test": "http://127.0.0.1:1"}
    assert overrides_from_settings(Settings({"HOST_OVERRIDES": {}})) == {}
    assert overrides_from_settings(Settings({"HOST_OVERRIDES": ""})) == {}
    with pytest.raises(ValueError, match="no path"):
        parse_overrides({"a.test": "http://127.0.0.1:1/sub/"})
    with pytest.raises(ValueError, match="not an http"):
        parse_overrides({"a.test": "127.0.0.1:1"})


def test_not_configured_without_overrides() -> None:
    class _Crawler:
        settings = Settings({"HOST_OVERRIDES": {}})

    with pytest.raises(NotConfigured):
        HostOverridesMiddleware.from_crawler(_Crawler())  # type: ignore[arg-type]


def test_request_is_rewritten_only_while_downloading() -> None:
    mw, stats = make_mw()
    request = Request("https://a.test/path/?q=1#frag")
    mw.process_request(request)
    assert request.url == f"{LOCAL}/path/?q=1"
    assert request.headers["Host"] == b"a.test"
    assert urlparse_cached(request).hostname == "a.test"  # slot and handler stay the real host's
    page = HtmlResponse(
        url=request.url,
        body=f'<a href="{LOCAL}/x">x</a> <a href="//127.0.0.1:8765/y">y</a>'.encode(),
        encoding="utf-8",
    )
    response = mw.process_response(request, page)
    assert request.url == "https://a.test/path/?q=1#frag"
    assert "Host" not in request.headers
    assert response.url == "https://a.test/path/?q=1"
    assert response.text == '<a href="https://a.test/x">x</a> <a href="//a.test/y">y</a>'
    assert stats.values == {"hostoverrides/mapped": 1, "hostoverrides/body_rewritten": 1}


def test_redirect_location_to_the_local_base_is_mapped_back() -> None:
    mw, _ = make_mw()
    for location, expected in [(f"{LOCAL}/new/", b"https://a.test/new/"), ("/rel/", b"/rel/")]:
        request = Request("https://a.test/old/")
        mw.process_request(request)
        moved = Response(url=request.url, status=301, headers={"Location": location})
        assert mw.process_response(request, moved).headers["Location"] == expected


def test_exception_restores_the_request_and_unmapped_hosts_pass() -> None:
    mw, stats = make_mw()
    request = Request("https://a.test/")
    mw.process_request(request)
    mw.process_exception(request, TimeoutError())
    assert request.url == "https://a.test/"
    other = Request("https://b.test/")
    mw.process_request(other)
    assert other.url == "https://b.test/"
    assert stats.values == {"hostoverrides/mapped": 1}


def test_proxy_is_bypassed_for_the_local_base_and_restored() -> None:
    mw, _ = make_mw()
    request = Request("https://a.test/", meta={"proxy": "http://proxy.test:3128"})
    request.headers[b"Proxy-Authorization"] = b"Basic eDp5"
    mw.process_request(request)
    assert "proxy" not in request.meta
    assert b"Proxy-Authorization" not in request.headers
    mw.process_response(request, Response(url=request.url))
    assert request.meta["proxy"] == "http://proxy.test:3128"
    assert request.headers[b"Proxy-Authorization"] == b"Basic eDp5"


def test_wildcard_maps_every_other_host_but_loopback() -> None:
    mw = HostOverridesMiddleware({"a.test": LOCAL, "*": "http://127.0.0.1:9"}, _Stats())  # type: ignore[arg-type]
    assert mw.local_url("https://a.test/x") == f"{LOCAL}/x"
    assert mw.local_url("http://cdn.other.test/y.js?v=2") == "http://127.0.0.1:9/y.js?v=2"
    for url in ["http://127.0.0.1:8000/", "http://localhost/", "http://[::1]:80/", "data:,x"]:
        assert mw.local_url(url) is None, url


# -- STATS_DUMP_FILE (the crawls above read their stats through it) --------------------------


def test_stats_dump_holds_the_final_stats(result: CrawlResult) -> None:
    finished = datetime.fromisoformat(result.stats["finish_time"])
    assert finished >= datetime.fromisoformat(result.stats["start_time"])
    # written again on engine_stopped, so feed-export counts made on spider_closed are in
    assert result.stats["feedexport/success_count/FileFeedStorage"] == 1
    assert result.stats["item_scraped_count"] == len(result.items)


def test_stats_dump_is_off_without_a_file() -> None:
    class _Crawler:
        settings = Settings({"STATS_DUMP_FILE": None})

    with pytest.raises(NotConfigured):
        StatsDump.from_crawler(_Crawler())  # type: ignore[arg-type]

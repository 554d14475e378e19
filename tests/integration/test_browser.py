"""Browser rendering: ``almonitor`` through real Chromium, and the rules that decide what
goes through the browser.

End to end (needs ``/usr/bin/chromium``): ``almonitor`` crawled against its fixture site, whose
article pages are empty Next.js shells filled in by a script. Every expected article comes
out with the JS-inserted body and its expected fields; only article pages reach the browser
(the browser cannot set ``Host``, so its requests arrive with the listener's local address,
while the plain downloader's carry the real host name); ``browser/rendered`` equals the
article count; contexts are recycled under a one-context cap; nothing reaches the catch-all.
Without a browser executable the spider logs an error, counts ``browser/unavailable`` and
outputs no bodiless item, and spiders outside the browser family never load Playwright.

In process: which requests carry the scrapy-playwright meta, the escalation rule, the
same-host rule for a page's subrequests and the context rotation.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.families.browser import BrowserRenderedSpider
from crawler.middlewares.browser import ContextRotation, should_abort
from crawler.spider import NewsSpider
from tests.conftest import SITES_DIR, CrawlResult, FixtureServer, require_service, run_crawl

CHROMIUM = Path("/usr/bin/chromium")
SITE = "www.al-monitor.com"
REAL = f"https://{SITE}"
#: Rendering settings of the end-to-end crawl: a one-context cap and two pages per
#: context, so five articles need three contexts, two of them recycled mid-crawl.
RECYCLING = {"PLAYWRIGHT_MAX_CONTEXTS": 1, "BROWSER_CONTEXT_PAGES": 2}
#: Paths only the plain downloader may fetch.
PLAIN_PATHS = ("/robots.txt", "/iraq", "/rss", "/sitemap.xml")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expected_articles() -> list[dict[str, Any]]:
    files = sorted(p for p in (SITES_DIR / SITE / "expected").glob("*.json") if p.name[0] != "_")
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def spider_classes() -> dict[str, Any]:
    loader = get_spider_loader(get_project_settings())
    return {name: loader.load(name) for name in loader.list()}


# -- end to end through Chromium ---------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(
    fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    require_service("chromium", CHROMIUM.exists(), f"{CHROMIUM} is missing")
    mark = fixture_server.mark()
    result = run_crawl(
        "almonitor",
        tmp_path=tmp_path_factory.mktemp("almonitor_browser"),
        host_overrides=fixture_server.host_overrides(),
        settings=RECYCLING,
    )
    result.requests = fixture_server.requests(mark)
    return result


def by_path(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {path_of(item["url"]): item for item in result.items}


@pytest.mark.service
@pytest.mark.slow
def test_rendered_crawl_is_clean(rendered: CrawlResult) -> None:
    assert rendered.returncode == 0, rendered.log[-3000:]
    assert rendered.problems() == {}, rendered.log[-3000:]
    assert rendered.stats.get("finish_reason") == "finished"
    assert [r for r in rendered.requests if r["site"] != SITE] == []
    assert "browser/failed" not in rendered.stats


@pytest.mark.service
@pytest.mark.slow
@pytest.mark.parametrize("expected", expected_articles(), ids=lambda e: path_of(e["url"]))
def test_every_article_comes_out_with_its_js_body(
    rendered: CrawlResult, expected: dict[str, Any]
) -> None:
    item = by_path(rendered).get(path_of(expected["url"]))
    assert item is not None, f"no item for {expected['url']}"
    body = item["body"]
    assert expected["requires_js"] is True
    assert body.startswith(expected["body_startswith"])
    assert body.endswith(expected["body_endswith"])
    assert len(body.split("\n\n")) == expected["body_paragraphs"]
    assert [text for text in expected["body_not_contains"] if text in body] == []
    low, high = expected["word_count"]
    assert low <= item["word_count"] <= high
    assert item["provenance"]["body"] == "site"
    assert item["provenance"]["title"] == "site"  # the rendered h1, not the shell's <head>
    for key in ("title", "summary", "authors", "wire", "language", "section", "tags", "partial"):
        assert item[key] == expected[key], key
    for key in ("published", "modified"):
        assert item[key] == expected[key] or (key == "modified" and item[key] == item["published"])
    assert {path_of(u) for u in item["related_urls"]} == {
        path_of(u) for u in expected["related_urls"]
    }


@pytest.mark.service
@pytest.mark.slow
def test_only_article_pages_go_through_the_browser(
    rendered: CrawlResult, fixture_server: FixtureServer
) -> None:
    local = urlsplit(fixture_server.sites[SITE]).netloc
    articles = {path_of(e["url"]) for e in expected_articles()}
    browser = [r for r in rendered.requests if r["host_header"] == local]
    plain = [r for r in rendered.requests if r["host_header"] == SITE]
    assert len(browser) + len(plain) == len(rendered.requests)
    # every article page once, in the browser; listings, feed, sitemaps, robots.txt plainly
    navigations = [r["path"] for r in browser if not r["path"].startswith("/_next/")]
    assert sorted(navigations) == sorted(articles)
    assert {r["path"] for r in plain} == set(PLAIN_PATHS)
    assert {"", "page=1"} <= {r["query"] for r in plain if r["path"] == "/iraq"}
    # the article script and its data file came from the same local listener
    assert any(r["path"].startswith("/_next/data/") for r in browser)
    # images are never loaded
    assert not any(r["path"].startswith("/sites/default/files/") for r in rendered.requests)
    assert rendered.stats["playwright/request_count/aborted"] >= len(articles)


@pytest.mark.service
@pytest.mark.slow
def test_rendered_count_and_context_recycling(rendered: CrawlResult) -> None:
    stats = rendered.stats
    assert stats["browser/rendered"] == len(rendered.items) == len(expected_articles())
    assert stats["playwright/page_count"] == stats["playwright/page_count/closed"]
    assert stats["playwright/context_count"] == 3
    assert stats["playwright/context_count/max_concurrent"] == 1
    assert stats["browser/contexts_recycled"] == 2
    assert stats["playwright/browser_count"] == 1


@pytest.mark.slow
def test_without_a_browser_the_spider_says_so_and_outputs_nothing_bodiless(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    result = run_crawl(
        "almonitor",
        tmp_path=tmp_path,
        host_overrides=fixture_server.host_overrides(),
        settings={"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": str(tmp_path / "chromium")}},
    )
    assert result.returncode == 0
    assert result.items == []
    assert "needs a browser but no browser executable" in result.log
    assert result.stats["log_count/ERROR"] == 1
    # every article page but the one that only an unrendered page links to
    assert result.stats["browser/unavailable"] == len(expected_articles()) - 1
    assert not [key for key in result.stats if key.startswith(("playwright/", "browser/rend"))]
    assert "scrapy-playwright" not in result.log


@pytest.mark.slow
def test_spiders_outside_the_family_never_load_playwright(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    result = run_crawl(
        "rudaw_en", tmp_path=tmp_path, host_overrides=fixture_server.host_overrides()
    )
    assert result.returncode == 0
    assert result.items
    assert not [key for key in result.stats if key.startswith(("playwright/", "browser/"))]
    assert "scrapy-playwright" not in result.log


# -- which requests carry the browser meta -----------------------------------------------

AVAILABLE = {"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": sys.executable}}
MISSING = {"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/nonexistent/chromium"}}


def make(spidercls: type[NewsSpider], settings: dict[str, Any] | None = None) -> Any:
    crawler = get_crawler(spidercls, {"ARTICLE_MIN_WORDS": 10, **(settings or AVAILABLE)})
    return spidercls.from_crawler(crawler)


def is_browser(request: scrapy.Request) -> bool:
    return any(key.startswith("playwright") for key in request.meta)


def fixture_article_urls(spidercls: Any) -> list[str]:
    for host in getattr(spidercls, "allowed_domains", ()) or ():
        folder = SITES_DIR / host / "expected"
        if folder.is_dir():
            files = sorted(p for p in folder.glob("*.json") if p.name[0] != "_")
            return [json.loads(p.read_text(encoding="utf-8"))["url"] for p in files]
    return []


def test_spiders_outside_the_family_never_get_browser_meta() -> None:
    checked = 0
    for name, spidercls in sorted(spider_classes().items()):
        if issubclass(spidercls, BrowserRenderedSpider):
            continue
        assert not getattr(spidercls, "js_rendered", False), name
        crawler = get_crawler(spidercls, AVAILABLE)
        handlers = json.dumps(crawler.settings.getdict("DOWNLOAD_HANDLERS"))
        assert "playwright" not in handlers and "browser" not in handlers, name
        start = {} if spidercls.start_urls else {"start_urls": "https://www.example.test/"}
        spider = spidercls.from_crawler(crawler, **start)
        requests = [spider.article_request(url) for url in fixture_article_urls(spidercls)]
        requests += list(spider.discovery_requests())
        assert [r.url for r in requests if r is not None and is_browser(r)] == [], name
        checked += bool(requests)
    assert checked >= 10


def test_js_rendered_spider_sends_only_article_pages_to_the_browser() -> None:
    spidercls = spider_classes()["almonitor"]
    crawler = get_crawler(spidercls, AVAILABLE)
    handlers = crawler.settings.getdict("DOWNLOAD_HANDLERS")
    assert (
        handlers["https"]
        == handlers["http"]
        == "crawler.middlewares.browser.BrowserDownloadHandler"
    )
    spider = spidercls.from_crawler(crawler)
    for url in fixture_article_urls(spidercls):
        request = spider.article_request(url)
        assert request is not None and request.meta["playwright"] is True
        assert request.meta["playwright_include_page"] is False
        (wait,) = request.meta["playwright_page_methods"]
        assert (wait.method, wait.args) == ("wait_for_selector", (spidercls.render_wait,))
    assert not any(is_browser(r) for r in spider.discovery_requests())
    section = spider.listing_request(f"{REAL}/iraq?page=1", 2, 0)
    assert section is not None and not is_browser(section)
    # a feed entry that is not an article URL is fetched plainly
    podcast = spider.article_request(f"{REAL}/podcasts/episode-twelve-iraq-after-the-vote")
    assert podcast is not None and not is_browser(podcast)


def test_without_a_browser_the_handler_is_not_installed() -> None:
    spidercls = spider_classes()["almonitor"]
    crawler = get_crawler(spidercls, MISSING)
    assert "browser" not in json.dumps(crawler.settings.getdict("DOWNLOAD_HANDLERS"))
    spider = spidercls.from_crawler(crawler)
    request = spider.article_request(fixture_article_urls(spidercls)[0])
    assert request is not None and not is_browser(request)


# -- escalation ------------------------------------------------------------------------


class EscalatingSpider(BrowserRenderedSpider):
    name = "escalating"
    allowed_domains = ["news.example.test"]
    start_urls = ["https://news.example.test/world/"]
    article_links = {"allow": (r"/story/",)}
    js_rendered = False
    browser_escalation = True
    language = "en"


ARTICLE_URL = "https://news.example.test/story/2024/10/02/drone-strike-near-the-border"
PARAGRAPH = (
    "<p>Security officials said a drone struck a checkpoint near the border late on Tuesday, "
    "wounding three guards, and that an investigation into its origin had begun.</p>"
)
SHELL = """<html><head><title>Drone strike near the border</title></head><body>
<div id="__next"><header><nav><a href="/world/">World</a> <a href="/iraq/">Iraq</a></nav></header>
<main><div class="skeleton"></div><noscript>Please enable JavaScript.</noscript></main></div>
<script id="__NEXT_DATA__" type="application/json">{"page":"/story/[...slug]","isFallback":true}
</script></body></html>"""
SERVER_RENDERED = f"""<html><head><title>Drone strike near the border</title></head><body>
<div id="__nuxt"><article><h1>Drone strike near the border</h1>
<div class="content">{PARAGRAPH * 12}</div></article></div></body></html>"""
BOT_WALL = """<html><head><title>Just a moment...</title></head><body>
<div id="challenge-running">Checking your browser before accessing the site.</div>
</body></html>"""
NOT_FOUND = "<html><head><title>Forbidden</title></head><body><p>Forbidden</p></body></html>"


def fetched(spider: Any, body: str, status: int = 200, **meta: Any) -> HtmlResponse:
    request = spider.article_request(ARTICLE_URL)
    request.meta.update(meta)
    return HtmlResponse(
        ARTICLE_URL, status=status, body=body.encode(), encoding="utf-8", request=request
    )


def outputs(spider: Any, response: HtmlResponse) -> list[Any]:
    return list(spider.parse_article(response))


def escalations(spider: Any) -> Any:
    return spider.crawler.stats.get_value("browser/escalated")


def test_a_js_shell_is_fetched_once_more_through_the_browser() -> None:
    spider = make(EscalatingSpider)
    response = fetched(spider, SHELL)
    (request,) = outputs(spider, response)
    assert isinstance(request, scrapy.Request)
    assert request.url == ARTICLE_URL and request.dont_filter
    assert request.meta["playwright"] is True
    assert request.callback == spider.parse_article
    (wait,) = request.meta["playwright_page_methods"]
    assert (wait.method, wait.args) == ("wait_for_load_state", ("networkidle",))
    assert escalations(spider) == 1


def test_a_rendered_page_is_never_escalated_again() -> None:
    spider = make(EscalatingSpider)
    assert outputs(spider, fetched(spider, SHELL, playwright=True)) == []
    assert escalations(spider) is None


def test_a_server_rendered_app_page_is_not_a_shell() -> None:
    spider = make(EscalatingSpider)
    (item,) = outputs(spider, fetched(spider, SERVER_RENDERED))
    assert not isinstance(item, scrapy.Request)
    assert item["title"] == "Drone strike near the border"
    assert escalations(spider) is None


def test_a_bot_wall_is_escalated_and_other_error_pages_dropped() -> None:
    spider = make(EscalatingSpider)
    assert spider.article_request(ARTICLE_URL).meta["handle_httpstatus_list"] == [403, 503]
    (request,) = outputs(spider, fetched(spider, BOT_WALL, status=503))
    assert request.meta["playwright"] is True
    assert outputs(spider, fetched(spider, NOT_FOUND, status=403)) == []
    assert spider.crawler.stats.get_value("article/dropped/http_403") == 1
    assert escalations(spider) == 1


def test_no_escalation_when_the_site_does_not_allow_it_or_no_browser() -> None:
    class Plain(EscalatingSpider):
        name = "plain"
        browser_escalation = False

    for spider in (make(Plain), make(EscalatingSpider, MISSING)):
        assert outputs(spider, fetched(spider, SHELL)) == []  # no body: dropped
        assert escalations(spider) is None
    # escalation off: HTTP errors are left to Scrapy as usual
    assert "handle_httpstatus_list" not in make(Plain).article_request(ARTICLE_URL).meta


# -- subrequests of a page ----------------------------------------------------------------


@dataclass
class FakePage:
    url: str


@dataclass
class FakeFrame:
    page: FakePage
    parent_frame: Any = None


@dataclass
class FakeRequest:
    """The parts of ``playwright.async_api.Request`` that ``should_abort`` reads."""

    url: str
    frame: FakeFrame
    resource_type: str = "script"
    navigation: bool = False
    redirected_from: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def is_navigation_request(self) -> bool:
        return self.navigation


LOCAL_PAGE = FakePage("http://127.0.0.1:8765/originals/2024/10/some-story")
REAL_PAGE = FakePage(f"{REAL}/originals/2024/10/some-story")


def abort(url: str, page: FakePage, **kwargs: Any) -> bool:
    return should_abort(FakeRequest(url, FakeFrame(page), **kwargs))  # type: ignore[arg-type]


def test_a_page_loads_only_from_its_own_host() -> None:
    assert not abort(f"{REAL}/_next/static/chunks/app.js", REAL_PAGE)
    assert not abort(f"{REAL}/_next/data/b/x.json", REAL_PAGE, resource_type="fetch")
    assert abort("https://www.googletagmanager.com/gtag/js", REAL_PAGE)
    assert abort("https://cdn.al-monitor.com/app.js", REAL_PAGE)  # another host of the site
    # HOST_OVERRIDES: the page came from the local server; its real host is the network
    assert not abort("http://127.0.0.1:8765/_next/static/chunks/app.js", LOCAL_PAGE)
    assert abort(f"{REAL}/_next/static/chunks/app.js", LOCAL_PAGE)
    assert abort("http://127.0.0.1:9999/app.js", LOCAL_PAGE)  # another local listener
    assert not abort("data:image/png;base64,AAAA", LOCAL_PAGE)


def test_images_media_and_fonts_are_never_loaded() -> None:
    for kind in ("image", "media", "font"):
        assert abort(f"{REAL}/sites/default/files/a.bin", REAL_PAGE, resource_type=kind)


def test_navigation_stays_on_the_requested_host() -> None:
    blank = FakePage("about:blank")
    first = FakeRequest(LOCAL_PAGE.url, FakeFrame(blank), resource_type="document", navigation=True)
    assert not should_abort(first)  # type: ignore[arg-type]
    same = FakeRequest(
        "http://127.0.0.1:8765/originals/2024/10/other",
        FakeFrame(blank),
        resource_type="document",
        navigation=True,
        redirected_from=first,
    )
    assert not should_abort(same)  # type: ignore[arg-type]
    away = FakeRequest(
        f"{REAL}/originals/2024/10/other",
        FakeFrame(blank),
        resource_type="document",
        navigation=True,
        redirected_from=first,
    )
    assert should_abort(away)  # type: ignore[arg-type]
    iframe = FakeRequest(
        "https://www.youtube.com/embed/x",
        FakeFrame(LOCAL_PAGE, parent_frame=object()),
        resource_type="document",
        navigation=True,
    )
    assert should_abort(iframe)  # type: ignore[arg-type]


# -- context rotation ---------------------------------------------------------------------


def test_contexts_rotate_and_close_once_idle() -> None:
    rotation = ContextRotation(2)
    a, b, c = rotation.assign(), rotation.assign(), rotation.assign()
    assert (a, b, c) == ("render-0", "render-0", "render-1")
    assert rotation.release(a) is False  # render-0 still has a page open
    assert rotation.release(b) is True  # retired and idle: close it
    assert rotation.release(c) is False  # the current context stays open
    assert rotation.assign() == "render-1"
    assert rotation.current == "render-2"

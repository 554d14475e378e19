"""Browser family: JS-rendered sites, their article pages rendered by headless Chromium.

A site file subclasses :class:`BrowserRenderedSpider` and sets, on top of the
``NewsSpider`` vocabulary:

========================  =====================================================
``js_rendered``           True (default): article pages always go through the browser
``render_wait``           CSS selector present once the page's script has rendered the
                          article, e.g. ``"#article-root[data-rendered='true']"``; None
                          = wait until the network is idle
``browser_escalation``    True: a page fetched without the browser that turns out to be
                          a JS shell or a bot wall is fetched once more through it
========================  =====================================================

Policy:

* **Only what needs it.** Article requests (:meth:`NewsSpider.article_request` for URLs
  that pass :meth:`is_article_url`) of a ``js_rendered`` spider carry the scrapy-playwright
  meta; listings, sitemaps, feeds and robots.txt go through the plain downloader. The
  Playwright handler (``crawler.middlewares.browser.BrowserDownloadHandler``) is installed
  through this family's ``custom_settings``, so spiders outside it never load it.
* **Escalation** (``browser_escalation = True``): a page fetched without the browser is
  re-requested through it once when it looks like a JS shell (fewer than
  ``BROWSER_SHELL_MAX_WORDS`` visible words outside header/nav/footer/aside, and a JS app
  root: ``#__next``, ``#__nuxt``, ``#root``, ``#app``, ``[data-reactroot]``,
  ``[ng-version]`` or Next.js's ``"isFallback":true``) or like a bot wall (a JS challenge
  page; on such sites 403/503 article answers reach the spider to be judged).
  Counted as ``browser/escalated``; a rendered page is never escalated again.
* **No browser on the host.** When the ``executable_path`` of ``PLAYWRIGHT_LAUNCH_OPTIONS``
  is missing, the handler is not installed, an error says so once, and article pages are
  fetched without the browser (pages whose text only JavaScript renders are then dropped,
  having no body); each such page counts ``browser/unavailable``. Other spiders are not
  affected.

Stats: ``browser/escalated``, ``browser/unavailable`` (here); ``browser/rendered``,
``browser/failed``, ``browser/contexts_recycled`` (the handler).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

import scrapy
from scrapy.http import Response, TextResponse
from scrapy_playwright.page import PageMethod

from crawler.settings import base as defaults
from crawler.spider import NewsSpider
from crawler.text import word_count

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = [
    "BrowserRenderedSpider",
    "browser_unavailable",
    "looks_like_bot_wall",
    "looks_like_shell",
]

HANDLER = "crawler.middlewares.browser.BrowserDownloadHandler"
#: Meta key of article requests that needed the browser when none was available.
UNRENDERED = "browser_unavailable"
#: Roots client-side frameworks render into.
APP_ROOTS = "#__next, #__nuxt, #root, #app, [data-reactroot], [ng-version]"
_NEXT_FALLBACK = re.compile(r'"isFallback"\s*:\s*true')
#: Markup of JS challenge pages ("Just a moment...", "Checking your browser").
BOT_WALL_MARKERS = (
    "#challenge-form",
    "#challenge-running",
    "#cf-challenge-running",
    "script[src*='/cdn-cgi/challenge-platform/']",
    "#px-captcha",
    "[data-translate='checking_browser']",
)
#: Statuses bot walls answer with; they reach the spider only on escalation sites.
BOT_WALL_STATUSES = (403, 503)
_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::header or ancestor::nav or ancestor::footer"
    " or ancestor::aside)]"
)


def browser_unavailable(settings: BaseSettings) -> str | None:
    """Why the browser cannot run on this host (None when it can): the configured
    ``executable_path`` is missing or not executable. Without one, Playwright's own
    browser download is assumed."""
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    path = options.get("executable_path")
    if path and not os.access(str(path), os.X_OK):
        return f"no browser executable at {path} (PLAYWRIGHT_LAUNCH_OPTIONS executable_path)"
    return None


def looks_like_shell(response: TextResponse, max_words: int) -> bool:
    """A JS app shell: almost no visible text, and an app root or a Next.js fallback."""
    text = " ".join(response.xpath(_VISIBLE_TEXT).getall())
    if word_count(text) >= max_words:
        return False
    if response.css(APP_ROOTS):
        return True
    data = response.css("script#__NEXT_DATA__::text").get() or ""
    return _NEXT_FALLBACK.search(data) is not None


def looks_like_bot_wall(response: TextResponse) -> bool:
    """A JS challenge page (Cloudflare, PerimeterX ...)."""
    return bool(response.css(", ".join(BOT_WALL_MARKERS)))


class BrowserRenderedSpider(NewsSpider):
    """Base for sites whose article pages need a browser (see module docstring)."""

    js_rendered: ClassVar[bool] = True
    render_wait: ClassVar[str | None] = None
    browser_escalation: ClassVar[bool] = False
    custom_settings = {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.browser_problem: str | None = None
        self.render_timeout = defaults.BROWSER_RENDER_TIMEOUT
        self.shell_max_words = defaults.BROWSER_SHELL_MAX_WORDS

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Install the Playwright handler only when the browser can run here."""
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        super().update_settings(settings)
        if browser_unavailable(settings) is not None:
            settings.set("DOWNLOAD_HANDLERS", handlers, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.render_timeout = settings.getint("BROWSER_RENDER_TIMEOUT", spider.render_timeout)
        spider.shell_max_words = settings.getint("BROWSER_SHELL_MAX_WORDS", spider.shell_max_words)
        spider.browser_problem = browser_unavailable(settings)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        """Say once, when the crawl starts (where the log count sees it), that the
        browser is missing; then the usual start requests."""
        if self.browser_problem and (self.js_rendered or self.browser_escalation):
            self.logger.error(
                "%s needs a browser but %s: article pages are fetched without one and "
                "pages whose text only JavaScript renders are dropped",
                self.name,
                self.browser_problem,
            )
        async for request in super().start():
            yield request

    # -- requests -------------------------------------------------------------

    def browser_meta(self) -> dict[str, Any]:
        """scrapy-playwright meta: render, wait for ``render_wait``, close the page."""
        if self.render_wait:
            wait = PageMethod(
                "wait_for_selector", self.render_wait, state="attached", timeout=self.render_timeout
            )
        else:
            wait = PageMethod("wait_for_load_state", "networkidle", timeout=self.render_timeout)
        return {
            "playwright": True,
            "playwright_include_page": False,
            "playwright_page_methods": [wait],
        }

    def render(self, request: scrapy.Request) -> scrapy.Request:
        """``request`` marked for the browser (without one: marked as missing it)."""
        if self.browser_problem:
            request.meta[UNRENDERED] = True
            return request
        request.meta.update(self.browser_meta())
        return request

    def article_request(self, url: str, depth: int = 0) -> scrapy.Request | None:
        request = super().article_request(url, depth)
        if request is None:
            return None
        if self.js_rendered and self.is_article_url(request.url):
            return self.render(request)
        if self.browser_escalation:
            request.meta["handle_httpstatus_list"] = list(BOT_WALL_STATUSES)
        return request

    # -- escalation -----------------------------------------------------------

    def needs_escalation(self, response: TextResponse) -> bool:
        """A page fetched without the browser that a browser may fix (module policy)."""
        if not self.browser_escalation or self.browser_problem:
            return False
        if response.meta.get("playwright") or "playwright" in response.flags:
            return False
        if looks_like_bot_wall(response):
            return True
        return response.status == 200 and looks_like_shell(response, self.shell_max_words)

    def parse_article(self, response: Response, depth: int = 0) -> Any:
        if response.meta.get(UNRENDERED):
            self._inc("browser/unavailable")
        if isinstance(response, TextResponse) and self.needs_escalation(response):
            self._inc("browser/escalated")
            return [self.render(response.request.replace(dont_filter=True))]  # type: ignore[union-attr]
        if response.status in BOT_WALL_STATUSES:
            self._inc(f"article/dropped/http_{response.status}")
            return []
        return super().parse_article(response, depth)

"""Browser downloads for JS-rendered pages: scrapy-playwright with recycled contexts.

Policy:

* **Only marked requests.** :class:`BrowserDownloadHandler` is installed for http/https by
  the browser family's ``custom_settings`` only (``crawler.families.browser``); a request
  without ``meta["playwright"]`` goes through the plain HTTP/1.1 handler it extends.
* **Bounded memory.** Browser pages are spread over named contexts ``render-0``,
  ``render-1``, ...: after ``BROWSER_CONTEXT_PAGES`` pages a context gets no new page, and
  it is closed as soon as its last page is done (``browser/contexts_recycled``).
  ``PLAYWRIGHT_MAX_CONTEXTS`` caps the contexts alive at once, and
  ``PLAYWRIGHT_MAX_PAGES_PER_CONTEXT`` the pages open in one. Pages are closed after use
  (the family never asks for ``playwright_include_page``). A request that names its own
  ``playwright_context`` is left alone. Pages are assigned and reach scrapy-playwright's
  context lock in the same order, so a retired context's pages are all open before a newer
  context waits for a free slot: a cap of one context cannot deadlock.
* **Nothing leaves the page's host** (:func:`should_abort`, ``PLAYWRIGHT_ABORT_REQUEST``):
  a page may load only from the host (and port) of its own document. With
  ``HOST_OVERRIDES`` the document is the local server the page was downloaded from, so a
  script pointing at the real host is aborted rather than sent to the network. Images,
  media and fonts are never loaded; a page's text needs none of them.

Stats: ``browser/rendered`` (pages that came back from the browser), ``browser/failed``
(browser downloads that raised, e.g. a ``render_wait`` selector that never appeared),
``browser/contexts_recycled``; scrapy-playwright adds ``playwright/*`` (aborted
subrequests are ``playwright/request_count/aborted``).

Limits: contexts are closed on the crawl's own asyncio loop, so the threaded loop
scrapy-playwright uses on Windows is not supported. One handler is built per scheme
(http, https), each with its own idle Playwright driver; one browser is launched.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

if TYPE_CHECKING:
    from playwright.async_api import Request as PlaywrightRequest
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

__all__ = ["BLOCKED_RESOURCE_TYPES", "BrowserDownloadHandler", "ContextRotation", "should_abort"]

#: Playwright resource types never loaded by a rendering page.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "media", "font"})
#: Name prefix of the recycled contexts.
CONTEXT_PREFIX = "render-"


def _netloc(url: str) -> str | None:
    """``host[:port]`` of an http(s) URL, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    return parts.netloc.lower()


def _document_netloc(request: PlaywrightRequest) -> str | None:
    """Host the request is measured against: for a top-level navigation, the first URL of
    its redirect chain (the URL Scrapy asked for); otherwise the page's document."""
    try:
        frame = request.frame
        if request.is_navigation_request() and frame.parent_frame is None:
            first = request
            while first.redirected_from is not None:
                first = first.redirected_from
            return _netloc(first.url)
        return _netloc(frame.page.url)
    except PlaywrightError:  # service-worker requests have no frame
        return ""


def should_abort(request: PlaywrightRequest) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: abort blocked resource types and any http(s) request to
    another host than the page's own (see module docstring)."""
    if request.resource_type in BLOCKED_RESOURCE_TYPES:
        return True
    target = _netloc(request.url)
    if target is None:  # data:, blob:, about: never reach the network
        return False
    document = _document_netloc(request)
    if document is None:  # the page shows no http(s) document yet: nothing to compare with
        return False
    return target != document


class ContextRotation:
    """Which context each browser page goes to: ``render-0`` for the first ``pages``
    pages, then ``render-1``, ...; a retired context is to be closed once idle."""

    def __init__(self, pages: int) -> None:
        self.pages = max(1, pages)
        self._generation = 0
        self._assigned = 0
        self._in_flight: Counter[str] = Counter()

    @property
    def current(self) -> str:
        return f"{CONTEXT_PREFIX}{self._generation}"

    def assign(self) -> str:
        """The context of the next page; retires it after ``pages`` assignments."""
        name = self.current
        self._in_flight[name] += 1
        self._assigned += 1
        if self._assigned >= self.pages:
            self._generation += 1
            self._assigned = 0
        return name

    def release(self, name: str) -> bool:
        """One page of ``name`` is done; True when ``name`` is retired and now idle."""
        self._in_flight[name] -= 1
        if self._in_flight[name] > 0 or name == self.current:
            return False
        del self._in_flight[name]
        return True


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler with context recycling and render stats."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.rotation = ContextRotation(crawler.settings.getint("BROWSER_CONTEXT_PAGES", 50))

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get("playwright"):
            return await super().download_request(request)
        name = None
        if not request.meta.get("playwright_context"):  # a named context is left alone
            name = request.meta["playwright_context"] = self.rotation.assign()
        try:
            response: Response = await super().download_request(request)
        except Exception:
            self.stats.inc_value("browser/failed")
            raise
        finally:
            if name is not None and self.rotation.release(name):
                await self._close_context(name)
        self.stats.inc_value("browser/rendered")
        return response

    async def _close_context(self, name: str) -> None:
        wrapper: Any = self.context_wrappers.get(name)
        if wrapper is None:  # never created (the browser failed to start)
            return
        try:
            await wrapper.context.close()
        except PlaywrightError:  # browser already gone
            return
        self.stats.inc_value("browser/contexts_recycled")

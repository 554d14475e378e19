"""NewsSpider: the one crawl loop that every site file configures with literals.

A site file subclasses :class:`NewsSpider` (or a family base such as
``crawler.families.wordpress.WordPressSpider``) and sets class attributes only:

========================  =====================================================
``name``                  spider name (required)
``allowed_domains``       hosts crawled (subdomains included), e.g. ``["www.x.com"]``
``path_prefixes``         URL path prefixes crawled, e.g. ``("/en/",)``; empty = all
``start_urls``            section pages read as listings
``article_links``         ``LinkExtractor`` kwargs (allow/deny/restrict_css...) for
                          article links on listing pages
``listing_links``         ``LinkExtractor`` kwargs for further listing pages
                          (sections, tags) followed from the start pages; None = off
``listing_depth``         how many listing hops ``listing_links`` are followed (1)
``next_page``             CSS selector yielding the next listing page's href,
                          e.g. ``"a.next::attr(href)"``
``selectors``             extraction selectors (keys: ``crawler.profile.SELECTOR_KEYS``)
``body_exclude``          CSS selectors removed from the body container
``language``/``timezone`` ISO 639-1 code / IANA zone of the outlet
``source``                ``{"name", "country", "type"}`` outlet metadata
``sitemaps``              True = from robots.txt ``Sitemap:`` lines; list = these
                          sitemap URLs (relative ones resolved per start origin); False
``feeds``                 RSS/Atom feed URLs (relative ones resolved per start origin)
``liveblog_urls``         regexes (``re.search`` on the URL) of live-blog pages and
                          entries, e.g. ``(r"/liveblog_entry/",)``: never fetched
``js_rendered``           article pages need a browser (see ``crawler.families.browser``)
========================  =====================================================

Spider arguments (``-a``): ``max_pages`` (listing pages per section, default
``ARTICLE_MAX_PAGES``), ``since``/``until`` (``YYYY-MM-DD``, inclusive, in the
site time zone: items outside are dropped as ``article/dropped/out_of_range``,
sitemap/feed entries whose known dates fall outside are never fetched; listing
pages give no dates, so their articles are fetched and judged on extraction),
``related_depth`` (hops of "Read also" links, default ``ARTICLE_RELATED_DEPTH``)
and ``start_urls`` (comma list replacing the class's).

Hooks for site code (override, quoting an example URL in a comment):
:meth:`page_verdict`, :meth:`is_article`, :meth:`postprocess`, :meth:`profile_for`,
:meth:`is_article_url`, :meth:`in_scope`, :meth:`follow_sitemap`, :meth:`is_liveblog_url`,
:meth:`is_liveblog_page`.

Policy: URLs are requested with tracking parameters stripped; hosts outside
``allowed_domains`` are dropped by Scrapy's offsite middleware, paths outside
``path_prefixes`` here (``offsite/path_filtered``). An article is emitted once
per canonical URL. A page is an article when :meth:`is_article` says so
(default: extraction found a title and a body) and its body has at least
``ARTICLE_MIN_WORDS`` words; otherwise ``article/dropped/not_article`` or
``article/dropped/no_body``. Article pages that cannot be fetched, are not HTML
(``not_html``) or are empty (``empty``) are counted and logged once as
``article/dropped/<reason>`` (reasons: ``crawler.middlewares.errors``).

Live blogs are skipped, not emitted: their entries are short dated posts on
many subjects, and the stories they cover come out as articles of their own.
A URL matching ``liveblog_urls`` is never requested; a fetched page whose
main JSON-LD node is a ``LiveBlogPosting`` is dropped before extraction. Both
count ``article/dropped/liveblog`` (once per URL). Paywalled pages are emitted
with what is visible and ``partial: true`` (set by extraction).

An article page's pure part (verdicts, extraction, ``postprocess``: :meth:`extract_page`)
runs in a worker process when the crawl has extraction workers (``EXTRACTION_WORKERS``,
:mod:`crawler.extractpool`); what needs the crawl's state (one item per canonical URL, the
date window, related links) always runs here (:meth:`conclude_article`). Items are the same.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.discovery import (
    DateWindow,
    Entry,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
    sitemap_body,
)
from crawler.extraction import extract_from_response
from crawler.extractpool import ExtractionPool
from crawler.extractwork import PageOutcome
from crawler.items import ARTICLE_FIELDS, Article
from crawler.metadata import node_types, parse_jsonld, pick_article
from crawler.middlewares.errors import FaultReporting
from crawler.pageindex import jsonld_may_hold
from crawler.precomputed import attach
from crawler.profile import SiteProfile
from crawler.settings import base as defaults
from crawler.urls import is_article_like, strip_tracking
from crawler.wire import register_agencies

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.layers import Stats

__all__ = [
    "ENTRY_DATES_META",
    "SCRAPED_LINKS_META",
    "NewsSpider",
    "parse_int_arg",
    "split_list_arg",
]

#: Request meta key: dates a sitemap/feed entry declared for the article (see entry_request).
ENTRY_DATES_META = "entry_dates"
#: Set on a listing response: its article links (canonical URLs) that this run already
#: scraped, found first through a feed or sitemap. They are not requested again; the
#: incremental middleware still counts the new ones among them for its paging stop.
SCRAPED_LINKS_META = "listing_links_scraped_this_run"


def parse_int_arg(value: Any, name: str, *, minimum: int = 0) -> int | None:
    """``-a`` integer argument: None/"" -> None; else int >= minimum or ValueError."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {number}")
    return number


def split_list_arg(value: str | Iterable[str] | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``; lists pass through cleaned."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def mentions(response: TextResponse, word: str) -> bool:
    """Whether the page's text holds the ASCII ``word``; read in the bytes of a UTF-8 page
    (where ASCII bytes always stand for themselves), so the page is not decoded for it."""
    if codecs.lookup(response.encoding).name == "utf-8":
        return word.encode("ascii") in response.body
    return word in response.text


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class NewsSpider(FaultReporting, scrapy.Spider):
    """Base for every news site; see the module docstring for the vocabulary."""

    allowed_domains: list[str] = []
    path_prefixes: ClassVar[tuple[str, ...]] = ()
    start_urls: list[str] = []
    article_links: ClassVar[dict[str, Any]] = {}
    listing_links: ClassVar[dict[str, Any] | None] = None
    listing_depth: ClassVar[int] = 1
    next_page: ClassVar[str | None] = None
    selectors: ClassVar[dict[str, str]] = {}
    body_exclude: ClassVar[tuple[str, ...]] = ()
    language: ClassVar[str | None] = None
    timezone: ClassVar[str] = "UTC"
    source: ClassVar[dict[str, Any]] = {}
    sitemaps: ClassVar[bool | list[str]] = False
    feeds: ClassVar[list[str]] = []
    liveblog_urls: ClassVar[tuple[str, ...]] = ()
    js_rendered: ClassVar[bool] = False
    #: Article pages may be extracted in worker processes (``EXTRACTION_WORKERS``); not
    #: site vocabulary, a switch for spiders that must extract here.
    use_extraction_pool = True

    def __init__(
        self,
        *args: Any,
        max_pages: Any = None,
        since: Any = None,
        until: Any = None,
        related_depth: Any = None,
        start_urls: str | Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._max_pages_arg = parse_int_arg(max_pages, "max_pages", minimum=1)
        self._related_depth_arg = parse_int_arg(related_depth, "related_depth")
        self.window = DateWindow.from_args(since, until, self.timezone)
        urls = split_list_arg(start_urls)
        for url in urls:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"start_urls: not an http(s) URL: {url!r}")
        self.start_urls = urls or list(type(self).start_urls)
        self.max_pages = self._max_pages_arg or defaults.ARTICLE_MAX_PAGES
        self.related_depth = (
            defaults.ARTICLE_RELATED_DEPTH
            if self._related_depth_arg is None
            else self._related_depth_arg
        )
        self.min_words = defaults.ARTICLE_MIN_WORDS
        self._emitted: set[str] = set()
        self._liveblogs: set[str] = set()
        #: The crawl's extraction pool, if it has one (set by :meth:`from_crawler`).
        self.extraction_pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider._max_pages_arg is None:
            spider.max_pages = settings.getint("ARTICLE_MAX_PAGES", spider.max_pages)
        if spider._related_depth_arg is None:
            spider.related_depth = settings.getint("ARTICLE_RELATED_DEPTH", spider.related_depth)
        spider.min_words = settings.getint("ARTICLE_MIN_WORDS", spider.min_words)
        if extra := settings.getdict("WIRE_AGENCIES_EXTRA"):
            register_agencies(extra)
        if cls.use_extraction_pool:
            spider.extraction_pool = ExtractionPool.for_crawler(crawler)
        return spider

    # -- configuration built once --------------------------------------------

    @cached_property
    def profile(self) -> SiteProfile:
        """Extraction profile from the class attributes (domains as set on the instance)."""
        profile = SiteProfile.from_spider(type(self))
        domains = tuple(self.allowed_domains or ())
        return profile if domains == profile.domains else replace(profile, domains=domains)

    @cached_property
    def _article_extractor(self) -> LinkExtractor:
        return LinkExtractor(**self.article_links)

    @cached_property
    def _listing_extractor(self) -> LinkExtractor | None:
        return None if self.listing_links is None else LinkExtractor(**self.listing_links)

    @cached_property
    def _liveblog_patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(pattern) for pattern in self.liveblog_urls)

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(key, count)

    # -- hooks ----------------------------------------------------------------

    def profile_for(self, response: TextResponse) -> SiteProfile:
        """Profile used to extract ``response``; families pick a theme here."""
        return self.profile

    def page_verdict(self, response: TextResponse) -> bool | None:
        """Cheap verdict before extraction: True/False when the markup says whether the
        page is an article, None when it cannot tell (default). False skips extraction."""
        return None

    def is_article(self, response: TextResponse, article: Mapping[str, Any]) -> bool:
        """Whether the page is an article at all (body length is checked after).

        Default: :meth:`page_verdict` when it knows, else extraction found a title
        and some body text.
        """
        verdict = self.page_verdict(response)
        if verdict is not None:
            return verdict
        return bool(article.get("title")) and bool(article.get("body"))

    def postprocess(self, article: dict[str, Any], response: TextResponse) -> dict[str, Any]:
        """Site fix-ups on the extracted fields, before the item is built."""
        return article

    def is_article_url(self, url: str) -> bool:
        """Whether a discovered URL may be an article: ``article_links`` allow/deny
        and ``crawler.urls.is_article_like`` (no home, section, tag, author pages)."""
        return self._article_extractor.matches(url) and is_article_like(url)

    def in_scope(self, url: str) -> bool:
        """Path filter on top of the offsite middleware: ``path_prefixes``."""
        if not self.path_prefixes:
            return True
        path = urlsplit(url).path or "/"
        return any(path.startswith(prefix) for prefix in self.path_prefixes)

    def follow_sitemap(self, url: str) -> bool:
        """Whether a child sitemap of a sitemap index is read (default: all)."""
        return True

    def is_liveblog_url(self, url: str) -> bool:
        """Whether ``url`` matches one of ``liveblog_urls``."""
        return any(pattern.search(url) for pattern in self._liveblog_patterns)

    def is_liveblog_page(self, response: TextResponse) -> bool:
        """Whether the page's main JSON-LD node is a ``LiveBlogPosting`` (an article
        merely mentioning a live blog, e.g. through ``isPartOf``, is not one)."""
        # The page's JSON-LD texts, from the walk its extraction reads too, rule out most
        # pages; the body bytes are read only when a script holds the word.
        if not jsonld_may_hold(response.selector, "LiveBlogPosting"):
            return False
        if not mentions(response, "LiveBlogPosting"):  # script text is never entity-encoded
            return False
        blocks = response.xpath('//script[@type="application/ld+json"]/text()').getall()
        if not any("LiveBlogPosting" in block for block in blocks):
            return False
        main = pick_article(parse_jsonld(response.selector, response.url).objects)
        return main is not None and "LiveBlogPosting" in node_types(main)

    # -- requests -------------------------------------------------------------

    def _origins(self) -> list[str]:
        origins = [origin_of(url) for url in self.start_urls]
        if not origins:
            origins = [f"https://{domain}" for domain in self.allowed_domains]
        return list(dict.fromkeys(origins))

    def discovery_requests(self, origin: str | None = None) -> Iterator[scrapy.Request]:
        """Start pages, feeds and sitemaps (for one origin, or all)."""
        origins = [origin] if origin else self._origins()
        for url in self.start_urls:
            if origin is None or origin_of(url) == origin:
                yield scrapy.Request(url, self.parse_listing, cb_kwargs={"page": 1, "depth": 0})
        for base in origins:
            for feed in self.feeds:
                yield scrapy.Request(urljoin(base + "/", feed), self.parse_feed)
            if self.sitemaps is True:
                yield scrapy.Request(base + "/robots.txt", self.parse_sitemap)
            elif self.sitemaps:
                for sitemap in self.sitemaps:
                    yield scrapy.Request(urljoin(base + "/", sitemap), self.parse_sitemap)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.discovery_requests():
            yield request

    def _scoped(self, url: str) -> str | None:
        """Tracking-free URL if in scope, else None (counted)."""
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        clean = strip_tracking(url)
        if not self.in_scope(clean):
            self._inc("offsite/path_filtered")
            return None
        return clean

    def _skip_liveblog(self, url: str) -> None:
        """Count a live blog once per URL (see module policy)."""
        if url not in self._liveblogs:
            self._liveblogs.add(url)
            self._inc("article/dropped/liveblog")

    def article_request(self, url: str, depth: int = 0) -> scrapy.Request | None:
        """Request for a candidate article, unless out of scope, a live blog by URL
        or already emitted."""
        clean = self._scoped(url)
        if clean is None or clean in self._emitted:
            return None
        if self.is_liveblog_url(clean):
            self._skip_liveblog(clean)
            return None
        return scrapy.Request(
            clean, self.parse_article, errback=self.article_failed, cb_kwargs={"depth": depth}
        )

    def scraped_this_run(self, url: str) -> str | None:
        """The canonical form of ``url`` if this run already built its article."""
        clean = self._scoped(url)
        return clean if clean is not None and clean in self._emitted else None

    def listing_request(self, url: str, page: int, depth: int) -> scrapy.Request | None:
        clean = self._scoped(url)
        if clean is None:
            return None
        return scrapy.Request(clean, self.parse_listing, cb_kwargs={"page": page, "depth": depth})

    # -- callbacks ------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Any:
        return self.parse_listing(response, **kwargs)

    def parse_listing(
        self, response: Response, page: int = 1, depth: int = 0
    ) -> Iterator[scrapy.Request]:
        """Article links, further listings (``listing_links``) and the next page."""
        if not isinstance(response, TextResponse):
            return
        self._inc("listing/pages")
        seen: set[str] = set()
        for link in self._article_extractor.extract_links(response):
            if self.is_article_url(link.url):
                request = self.article_request(link.url)
                if request is None and (clean := self.scraped_this_run(link.url)):
                    response.meta.setdefault(SCRAPED_LINKS_META, []).append(clean)
                if request is not None and request.url not in seen:
                    seen.add(request.url)
                    yield request
        if self._listing_extractor is not None and depth < self.listing_depth:
            for link in self._listing_extractor.extract_links(response):
                request = self.listing_request(link.url, 1, depth + 1)
                if request is not None:
                    yield request
        if page < self.max_pages:
            href = self.next_page_url(response)
            if href:
                request = self.listing_request(response.urljoin(href), page + 1, depth)
                if request is not None:
                    yield request

    def next_page_url(self, response: TextResponse) -> str | None:
        """href of the next listing page (``next_page`` selector)."""
        if not self.next_page:
            return None
        href = response.css(self.next_page).get()
        return href.strip() if href and href.strip() else None

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """robots.txt ``Sitemap:`` lines, sitemap indexes (recursively) and urlsets."""
        if urlsplit(response.url).path == "/robots.txt":
            for url in robots_sitemaps(response.body, response.url):
                yield scrapy.Request(url, self.parse_sitemap)
            return
        body = sitemap_body(response.body, response.url)
        kind, entries = parse_sitemap(body) if body else ("", [])
        if not kind:
            self.logger.warning("Ignoring invalid sitemap: %s", response.url)
            return
        self._inc(f"sitemap/{kind}")
        for entry in entries:
            if not self.window.keeps(entry):
                self._inc("discovery/out_of_range")
            elif kind == "sitemapindex":
                if self.follow_sitemap(entry.url):
                    yield scrapy.Request(entry.url, self.parse_sitemap)
            elif self.is_article_url(entry.url):
                request = self.entry_request(entry)
                if request is not None:
                    yield request

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS 2.0 / RSS 1.0 / Atom items -> article requests (dates honour the window)."""
        entries = parse_feed(response.body, response.url)
        self._inc("feed/entries", len(entries))
        for entry in entries:
            if not self.window.keeps(entry):
                self._inc("discovery/out_of_range")
                continue
            request = self.entry_request(entry)
            if request is not None:
                yield request

    def entry_request(self, entry: Entry) -> scrapy.Request | None:
        """Article request for a sitemap or feed entry. The dates the entry declared ride
        along as ISO strings in ``meta[ENTRY_DATES_META]`` (``{"published", "modified"}``),
        for request-level policy such as incremental crawls (crawler/middlewares/incremental.py)."""
        request = self.article_request(entry.url)
        if request is not None:
            request.meta[ENTRY_DATES_META] = {
                "published": entry.published.isoformat() if entry.published else None,
                "modified": entry.modified.isoformat() if entry.modified else None,
            }
        return request

    def parse_article(self, response: Response, depth: int = 0) -> Any:
        """Extract, check, emit the article; follow its related links. With an extraction
        pool (``EXTRACTION_WORKERS``) the page is extracted in a worker process and this
        returns an async iterator; otherwise it is extracted here (an iterator)."""
        pool = self.extraction_pool
        if pool is None or not pool.active or not self._extractable(response):
            return self._parse_article_here(response, depth)
        return self._parse_article_pooled(response, depth)

    def _extractable(self, response: Response) -> bool:
        """A non-empty text page (else dropped as ``empty``/``not_html``)."""
        body = response.body  # not blank, without copying it as strip() would
        return isinstance(response, TextResponse) and bool(body) and not body.isspace()

    def _parse_article_here(self, response: Response, depth: int) -> Iterator[Any]:
        if not self._extractable(response):
            kind = (response.headers.get("Content-Type") or b"no type").decode("latin-1")
            reason = "empty" if isinstance(response, TextResponse) else "not_html"
            self.drop(response.url, reason, f"HTTP {response.status}, {kind}")
            return
        assert isinstance(response, TextResponse)
        outcome = self.extract_page(response, self.crawler.stats)
        yield from self.conclude_article(response, outcome, depth)

    async def _parse_article_pooled(self, response: Response, depth: int) -> AsyncIterator[Any]:
        assert isinstance(response, TextResponse) and self.extraction_pool is not None
        outcome = await self.extraction_pool.extract(self, response)
        for out in self.conclude_article(response, outcome, depth):
            yield out

    def extract_page(self, response: TextResponse, stats: Stats | None) -> PageOutcome:
        """The pure part of an article page: verdicts, extraction and ``postprocess``; no
        spider state is read or changed beyond the configuration (it may run in a worker
        process). Extraction stats go to ``stats``."""
        if self.page_verdict(response) is False:
            return PageOutcome("not_article")
        if self.is_liveblog_page(response):
            return PageOutcome("liveblog")
        data = extract_from_response(response, self.profile_for(response), stats=stats)
        if not self.is_article(response, data):
            return PageOutcome("not_article")
        if int(data.get("word_count") or 0) < self.min_words:
            return PageOutcome("no_body")
        return PageOutcome("article", self.postprocess(dict(data), response))

    def conclude_article(
        self, response: TextResponse, outcome: PageOutcome, depth: int
    ) -> Iterator[Any]:
        """Count the verdict, emit the item once and follow its related links."""
        if outcome.verdict == "liveblog":
            self._skip_liveblog(strip_tracking(response.url))
            return
        if outcome.verdict != "article" or outcome.data is None:
            self._inc(f"article/dropped/{outcome.verdict}")
            return
        data = outcome.data
        item = self.emit(data, also=(response.url,))
        if item is not None:
            attach(item, outcome.precomputed)
            yield item
            yield from self.related_requests(data.get("related_urls") or (), depth)

    def related_requests(self, urls: Iterable[str], depth: int) -> Iterator[scrapy.Request]:
        """Requests for "Read also" links while ``depth < related_depth``."""
        if depth >= self.related_depth:
            return
        for url in urls:
            request = self.article_request(url, depth + 1)
            if request is not None:
                self._inc("article/related/followed")
                yield request

    def emit(self, data: Mapping[str, Any], also: Iterable[str] = ()) -> Article | None:
        """Build the item once per canonical URL, inside the date window."""
        url = str(data.get("url") or "")
        if url in self._emitted:
            self._inc("article/dropped/duplicate")
            return None
        self._emitted.update(strip_tracking(u) for u in (url, *also) if u)
        if not self.window.contains(data.get("published")):
            self._inc("article/dropped/out_of_range")
            return None
        return Article(**self.article_fields(data))

    def article_fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The item's fields for extracted ``data`` (spider name, outlet, language)."""
        fields = {key: data[key] for key in ARTICLE_FIELDS if key in data}
        fields["spider"] = self.name
        fields["source"] = dict(self.source) or fields.get("source")
        if not fields.get("language"):
            fields["language"] = self.language
        return fields

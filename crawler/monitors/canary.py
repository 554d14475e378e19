"""The live parser canary: one recent article per site, selectors against metadata.

Policy: a canary crawl is the spider's own discovery (start pages, feeds, sitemaps)
with listing pagination and related links off (``max_pages=1``, ``related_depth=0``),
the HTML pages only (the WordPress REST API is skipped), no item pipelines, feeds,
monitors or incremental skipping of stored URLs, one request at a time, and at most
``CLOSESPIDER_PAGECOUNT`` pages. Discovery requests keep their order, and article
candidates come before further discovery, in the order they were found, so the first
article link of the first listing is tried first.
Up to ``max_articles`` candidates are fetched: the first that the spider emits as an
item is probed (:mod:`crawler.monitors.probe`) and the crawl stops. Candidates the spider
drops (an "About us" page, a live blog, a page outside the date window) are passed over:
its page verdicts are its own business, not the parser's.

Site health: **broken** when a field is broken or when no candidate was emitted (the drop
reasons are listed); **degraded** when a field is degraded; **ok** otherwise; **skipped**
when the spider cannot run without arguments (no start URLs).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse

from crawler.items import Article
from crawler.monitors.probe import FieldProbe, PageProbe, probe_page
from crawler.spider import NewsSpider

__all__ = ["CANARY_SETTINGS", "CanarySpider", "SiteHealth", "canary_spider", "runnable"]

#: Settings of every canary crawl (``CLOSESPIDER_PAGECOUNT`` is set per run).
CANARY_SETTINGS: dict[str, Any] = {
    "ITEM_PIPELINES": {},
    "FEEDS": {},
    "SPIDERMON_ENABLED": False,
    "DEDUP_ENABLED": False,
    # Incremental profiles (cron) skip stored URLs: the canary wants the newest article.
    "INCREMENTAL_ENABLED": False,
    "CONCURRENT_REQUESTS": 1,
    "STATS_DUMP_FILE": None,
}
#: Spider arguments of every canary crawl.
CANARY_ARGS = {"max_pages": "1", "related_depth": "0"}
#: Article candidates are fetched before any further discovery page.
ARTICLE_PRIORITY = 1_000_000
STATUS_ORDER = ("broken", "degraded", "ok", "skipped")


@dataclass
class SiteHealth:
    """Canary verdict for one spider."""

    spider: str
    status: str
    url: str | None = None
    reasons: list[str] = field(default_factory=list)
    fields: dict[str, FieldProbe] = field(default_factory=dict)
    pages: int = 0
    tried: list[str] = field(default_factory=list)

    @classmethod
    def from_probe(
        cls, spider: str, probe: PageProbe, *, pages: int, tried: list[str]
    ) -> SiteHealth:
        """Verdict from the probe of the article the spider emitted."""
        reasons = [f"{p.field}: {p.reason}" for p in probe.fields.values() if p.reason]
        statuses = {p.status for p in probe.fields.values()}
        status = next((s for s in ("broken", "degraded") if s in statuses), "ok")
        return cls(spider, status, probe.url, reasons, dict(probe.fields), pages, list(tried))

    def as_dict(self) -> dict[str, Any]:
        return {
            "spider": self.spider,
            "status": self.status,
            "url": self.url,
            "reasons": list(self.reasons),
            "fields": {name: probe.as_dict() for name, probe in self.fields.items()},
            "pages": self.pages,
            "tried": list(self.tried),
        }


def runnable(spidercls: type, args: dict[str, str]) -> str | None:
    """Why the spider cannot be canaried with ``args`` (None when it can)."""
    if not (isinstance(spidercls, type) and issubclass(spidercls, NewsSpider)):
        return "not a NewsSpider"
    if args.get("start_urls") or spidercls.start_urls:
        return None
    if (spidercls.sitemaps or spidercls.feeds) and spidercls.allowed_domains:
        return None
    return "no start URLs (give -a start_urls=...)"


class CanarySpider(NewsSpider):
    """Mixin put in front of a site spider class by :func:`canary_spider`."""

    canary_results: ClassVar[dict[str, SiteHealth]] = {}
    canary_max_articles: ClassVar[int] = 5
    #: A handful of pages, each probed here after extraction: no worker processes.
    use_extraction_pool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._canary_order = itertools.count()
        self._canary_queued: set[str] = set()
        self._canary_tried: list[str] = []
        self._canary_drops: list[str] = []
        self._canary_done = False

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            if isinstance(request, scrapy.Request):
                request = request.replace(priority=request.priority - next(self._canary_order))
            yield request

    def article_request(self, url: str, depth: int = 0) -> scrapy.Request | None:
        if self._canary_done or len(self._canary_queued) >= self.canary_max_articles:
            return None
        request = super().article_request(url, depth)
        if request is None or request.url in self._canary_queued:
            return None
        self._canary_queued.add(request.url)
        return request.replace(priority=ARTICLE_PRIORITY - next(self._canary_order))

    def parse_article(self, response: Response, depth: int = 0) -> Iterator[Any]:
        if self._canary_done:
            return
        before = self._drops()
        outputs = list(super().parse_article(response, depth))
        emitted = any(isinstance(out, Article) for out in outputs)
        self._canary_tried.append(response.url)
        self._canary_drops += [k for k, n in self._drops().items() if n > before.get(k, 0)]
        if emitted and isinstance(response, TextResponse):
            probe = probe_page(
                response.selector,
                response.url,
                self.profile_for(response),
                min_words=self.min_words,
            )
            health = SiteHealth.from_probe(
                self.name, probe, pages=self._pages(), tried=self._canary_tried
            )
        elif len(self._canary_tried) >= self.canary_max_articles:
            health = self._nothing_found(f"{len(self._canary_tried)} candidates tried")
        else:
            return
        self.canary_results[self.name] = health
        self._canary_done = True
        raise CloseSpider("canary_done")
        yield  # a generator, like the callback it replaces

    def _drops(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats()
        return {k: int(v) for k, v in stats.items() if k.startswith("article/dropped/")}

    def _pages(self) -> int:
        return int(self.crawler.stats.get_value("response_received_count", 0) or 0)

    def _nothing_found(self, why: str) -> SiteHealth:
        drops = Counter(key.removeprefix("article/dropped/") for key in self._canary_drops)
        dropped = ", ".join(f"{reason} {n}" for reason, n in sorted(drops.items()))
        reason = f"no article emitted: {why}" + (f"; dropped: {dropped}" if dropped else "")
        return SiteHealth(
            self.name, "broken", None, [reason], pages=self._pages(), tried=list(self._canary_tried)
        )

    def closed(self, reason: str) -> None:
        if self.name not in self.canary_results:
            self.canary_results[self.name] = self._nothing_found(
                f"crawl finished ({reason}) after {len(self._canary_tried)} candidate(s)"
            )


def canary_spider(
    spidercls: type[NewsSpider],
    results: dict[str, SiteHealth],
    *,
    max_pages: int,
    max_articles: int,
    settings: dict[str, Any] | None = None,
) -> type[NewsSpider]:
    """``spidercls`` with :class:`CanarySpider` in front, reporting into ``results``;
    ``settings`` are added to :data:`CANARY_SETTINGS`."""
    attrs: dict[str, Any] = {
        "__module__": __name__,
        "canary_results": results,
        "canary_max_articles": max_articles,
        "custom_settings": {
            **(spidercls.custom_settings or {}),
            **CANARY_SETTINGS,
            **(settings or {}),
            "CLOSESPIDER_PAGECOUNT": max_pages,
        },
    }
    if hasattr(spidercls, "wp_api"):
        attrs["wp_api"] = False
    return type(f"Canary{spidercls.__name__}", (CanarySpider, spidercls), attrs)

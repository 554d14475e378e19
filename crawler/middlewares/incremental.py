"""Incremental crawls: article URLs already stored are not fetched again.

A spider middleware (``SPIDER_MIDDLEWARES``, on when ``INCREMENTAL_ENABLED``; the ``cron``
and ``distributed`` profiles turn it on) that reads the dedup store's seen-URL set
through the crawl's :class:`~crawler.dedup.core.Deduplicator`, so it works the same
under ``scrapy crawl`` and ``scrapy crawlall`` and with every store backend.

Policy, for each article request (callback ``parse_article``) a spider yields:

* **New** (not in the store, committed): fetched, unless a sitemap/feed entry date
  (``meta["entry_dates"]``, see :meth:`crawler.spider.NewsSpider.entry_request`) is older
  than ``INCREMENTAL_LOOKBACK_DAYS`` (``incremental/too_old``): the relative ``since``
  of unattended runs, so a full sitemap never re-fetches stories the store has forgotten.
* **Known and due**: fetched again (``incremental/revisit``) when the entry's
  modification date is later than the URL's last fetch (``incremental/revisit/modified``),
  or when the story is recent (published, or first stored, less than
  ``INCREMENTAL_REVISIT_WINDOW_HOURS`` ago) and its last fetch is at least
  ``INCREMENTAL_REVISIT_TTL_HOURS`` old (``incremental/revisit/ttl``). The dedup pipeline
  then writes an ``update`` record if the text changed.
* **Known, not due**: dropped (``incremental/skipped``).

A revisit that finds the text unchanged writes nothing: ``pipelines.revisit.RevisitPipeline``
drops its item after the dedup pipeline has recorded the fetch
(``incremental/unchanged``); a changed text is written as an ``update``.

Items a listing yields directly (the WordPress REST API) follow the same rule by their
``url``. Paging stops on a listing page whose article links were all stored before this
run: the next page (a request to the same callback with ``page`` + 1) is dropped
(``incremental/paging_stopped``) when ``INCREMENTAL_STOP_PAGING`` is on. A link to a story
this run found first through its feed or sitemap counts as new, so the stop does not depend
on which source answered first.

Every "now" comes from the project clock (``CLOCK``), the one the dedup store uses.
Pending entries of an unfinished run do not count as stored, so a killed run's articles
are fetched again by the next run.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from crawler.clock import Clock, build_clock
from crawler.spider import ENTRY_DATES_META, SCRAPED_LINKS_META
from crawler.urlhistory import UrlHistory, UrlRecord, history_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["REVISIT_META", "IncrementalMiddleware", "RevisitPolicy"]

logger = logging.getLogger(__name__)

#: Item pipeline whose ``dedup`` attribute holds the crawl's Deduplicator.
DEDUP_PIPELINE = "pipelines.dedup.DedupPipeline"
#: Request meta key set on revisits (its value: the revisit reason).
REVISIT_META = "incremental_revisit"
#: Outputs buffered per store query.
BATCH = 200
_HOUR = 3600.0
_DAY = 86400.0


def _epoch(value: Any) -> float | None:
    """ISO 8601 string -> epoch seconds (naive = UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class RevisitPolicy:
    """When a URL is fetched (module policy); durations in seconds, 0 disables."""

    ttl: float = 6 * _HOUR
    window: float = 48 * _HOUR
    lookback: float = 7 * _DAY

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls(
            ttl=settings.getfloat("INCREMENTAL_REVISIT_TTL_HOURS", 6.0) * _HOUR,
            window=settings.getfloat("INCREMENTAL_REVISIT_WINDOW_HOURS", 48.0) * _HOUR,
            lookback=settings.getfloat("INCREMENTAL_LOOKBACK_DAYS", 7.0) * _DAY,
        )

    def decide(self, record: UrlRecord | None, dates: dict[str, Any] | None, now: float) -> str:
        """``new``, ``too_old``, ``revisit/modified``, ``revisit/ttl`` or ``skipped``."""
        published = _epoch((dates or {}).get("published"))
        modified = _epoch((dates or {}).get("modified"))
        if record is None:
            newest = max((d for d in (published, modified) if d is not None), default=None)
            if self.lookback and newest is not None and newest < now - self.lookback:
                return "too_old"
            return "new"
        if modified is not None and modified > record.last_seen:
            return "revisit/modified"
        born = record.published if record.published is not None else record.added
        if self.ttl and now - born <= self.window and now - record.last_seen >= self.ttl:
            return "revisit/ttl"
        return "skipped"


@dataclass
class _Page:
    """Article candidates in one response's output, and how many of them are stored."""

    candidates: int = 0
    known: int = 0


class IncrementalMiddleware:
    """Spider middleware applying :class:`RevisitPolicy` (module docstring)."""

    def __init__(self, crawler: Crawler, policy: RevisitPolicy, clock: Clock) -> None:
        self.crawler = crawler
        self.policy = policy
        self.clock = clock
        self.stop_paging = crawler.settings.getbool("INCREMENTAL_STOP_PAGING", True)
        self._history: UrlHistory | None = None
        #: URLs of the items this run produced from revisits.
        self.revisited: set[str] = set()
        #: Verdict of each URL judged in this run: a URL found by the listing, the feed and
        #: the sitemap is judged (and counted) once.
        self._verdicts: dict[str, str] = {}
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        if not crawler.settings.getbool("DEDUP_ENABLED", True):
            raise NotConfigured("incremental crawls need the dedup store (DEDUP_ENABLED)")
        return cls(
            crawler, RevisitPolicy.from_settings(crawler.settings), build_clock(crawler.settings)
        )

    # -- store --------------------------------------------------------------------

    def history(self) -> UrlHistory | None:
        """The seen-URL history of the crawl's open dedup store (None before it opens)."""
        if self._history is None:
            pipeline = self.crawler.get_item_pipeline(load_object(DEDUP_PIPELINE))
            if pipeline is None and not self._warned:
                self._warned = True
                logger.warning("%s is not enabled: every URL is fetched", DEDUP_PIPELINE)
            dedup = getattr(pipeline, "dedup", None)
            if dedup is None:
                return None
            self._history = history_for(dedup.store)
        return self._history

    # -- output filtering -----------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def _is_article_request(self, request: Request) -> bool:
        spider = self.crawler.spider
        target = getattr(spider, "parse_article", None)
        return target is not None and request.callback == target

    @staticmethod
    def _is_next_page(request: Request, response: Response | None) -> bool:
        parent = getattr(response, "request", None) if response is not None else None
        if parent is None or request.callback is None:
            return False
        page = parent.cb_kwargs.get("page")
        return (
            isinstance(page, int)
            and request.callback == parent.callback
            and request.cb_kwargs.get("page") == page + 1
        )

    def _candidate_url(self, output: Any, from_article: bool) -> str | None:
        if isinstance(output, Request):
            return output.url if self._is_article_request(output) else None
        if not from_article and is_item(output):
            url = ItemAdapter(output).get("url")
            return str(url) if url else None
        return None

    def _filter(self, batch: Sequence[Any], response: Response | None, page: _Page) -> list[Any]:
        """Outputs of ``batch`` that survive the policy, in order."""
        history = self.history()
        parent = getattr(response, "request", None) if response is not None else None
        from_article = parent is not None and self._is_article_request(parent)
        if parent is not None and parent.meta.get(REVISIT_META):
            self._mark_revisited(batch)
        urls = [self._candidate_url(o, from_article) for o in batch]
        wanted = [u for u in urls if u]
        if history is None or not wanted:
            return list(batch)
        records = history.url_records(wanted)
        now = self.clock.now().timestamp()
        kept: list[Any] = []
        for output, url in zip(batch, urls, strict=True):
            if url is None:
                kept.append(output)
                continue
            page.candidates += 1
            record = records.get(url)
            dates = output.meta.get(ENTRY_DATES_META) if isinstance(output, Request) else None
            verdict = self._judge(url, self.policy.decide(record, dates, now))
            # A story this run found new (say, through the sitemap) and has stored since
            # still counts as new here, so paging doesn't depend on which source won.
            page.known += record is not None and verdict != "new"
            if verdict == "new":
                kept.append(output)
            elif verdict.startswith("revisit"):
                if isinstance(output, Request):
                    output.meta[REVISIT_META] = verdict
                else:
                    self._mark_revisited([output])
                kept.append(output)
        return kept

    def _judge(self, url: str, verdict: str) -> str:
        """Record ``url``'s verdict, counted once per URL. A URL already let through keeps
        its verdict; one dropped before (found by the listing) is let through when a later
        sighting makes it due (the sitemap's newer ``lastmod``), and counted as such."""
        previous = self._verdicts.get(url)
        if previous is not None and (previous == "new" or previous.startswith("revisit")):
            return previous
        if previous == verdict:
            return verdict
        if previous is not None:
            self._count(previous, -1)
        self._verdicts[url] = verdict
        self._count(verdict, 1)
        return verdict

    def _count(self, verdict: str, step: int) -> None:
        if verdict == "new":
            return
        if verdict.startswith("revisit"):
            self._inc("incremental/revisit", step)
        self._inc(f"incremental/{verdict}", step)

    def _mark_revisited(self, outputs: Iterable[Any]) -> None:
        for output in outputs:
            if is_item(output) and (url := ItemAdapter(output).get("url")):
                self.revisited.add(str(url))

    def was_revisited(self, url: str) -> bool:
        """Whether this run fetched ``url`` again as a revisit (see pipelines/revisit.py)."""
        return url in self.revisited

    @staticmethod
    def _split(outputs: Iterable[Any]) -> Iterator[list[Any]]:
        batch: list[Any] = []
        for output in outputs:
            batch.append(output)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def _release(
        self, held: list[Request], page: _Page, response: Response | None
    ) -> list[Request]:
        scraped = response.meta.get(SCRAPED_LINKS_META, ()) if response is not None else ()
        new_in_run = any(self._verdicts.get(url) == "new" for url in scraped)
        if (
            held
            and self.stop_paging
            and page.candidates
            and page.known == page.candidates
            and not new_in_run
        ):
            self._inc("incremental/paging_stopped")
            logger.debug("Every article on %s is known: not paging further", response)
            return []
        return held

    def _hold(self, batch: list[Any], response: Response | None, held: list[Request]) -> list[Any]:
        rest: list[Any] = []
        for output in batch:
            if isinstance(output, Request) and self._is_next_page(output, response):
                held.append(output)
            else:
                rest.append(output)
        return rest

    def process_spider_output(
        self, response: Response | None, result: Iterable[Any]
    ) -> Iterator[Any]:
        page, held = _Page(), list[Request]()
        for batch in self._split(result):
            yield from self._filter(self._hold(batch, response, held), response, page)
        yield from self._release(held, page, response)

    async def process_spider_output_async(
        self, response: Response | None, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        page, held = _Page(), list[Request]()
        batch: list[Any] = []
        async for output in result:
            batch.append(output)
            if len(batch) >= BATCH:
                for kept in self._filter(self._hold(batch, response, held), response, page):
                    yield kept
                batch = []
        for kept in self._filter(self._hold(batch, response, held), response, page):
            yield kept
        for request in self._release(held, page, response):
            yield request

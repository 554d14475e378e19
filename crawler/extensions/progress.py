"""Progress of long runs: one line per spider at a steady interval, a summary at the end.

Policy: every ``PROGRESS_INTERVAL`` seconds (0 disables the extension) each running
spider logs one ``progress`` line: pages and items so far with their rate over the last
interval, new stories, updates, copies, known articles skipped, errors and requests still
queued. When a spider closes it logs a one-screen summary (:func:`format_summary`) unless
``PROGRESS_SUMMARY`` is off; ``scrapy crawlall`` turns it off and prints one summary for
all its spiders instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["Progress", "figures", "format_summary"]

logger = logging.getLogger(__name__)

#: Summary columns: (header, function of the stats).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("pages", "response_received_count"),
    ("items", "item_scraped_count"),
    ("new", "dedup/new"),
    ("upd", "dedup/updates"),
    ("copies", "dedup/copies"),
    ("known", "incremental/skipped"),
    ("revisit", "incremental/revisit"),
    ("errors", "log_count/ERROR"),
)


def figures(stats: Mapping[str, Any]) -> dict[str, int]:
    """The summary columns of one spider's stats (``dedup/copies`` sums every relation)."""
    out: dict[str, int] = {}
    for header, key in COLUMNS:
        if key == "dedup/copies":
            # unchanged revisits are identical "copies" of themselves, dropped unwritten
            copies = sum(int(v) for k, v in stats.items() if k.startswith("dedup/copies/"))
            out[header] = copies - int(stats.get("incremental/unchanged", 0) or 0)
        else:
            out[header] = int(stats.get(key, 0) or 0)
    return out


def _elapsed(stats: Mapping[str, Any]) -> float | None:
    if stats.get("elapsed_time_seconds") is not None:
        return float(stats["elapsed_time_seconds"])
    start, finish = stats.get("start_time"), stats.get("finish_time")
    if start is None or finish is None:
        return None
    return float((finish - start).total_seconds())


def format_summary(rows: Sequence[tuple[str, str, Mapping[str, Any]]]) -> str:
    """A fixed-width table: one ``(spider, status, stats)`` row each, then totals."""
    headers = ["spider", "status", *[h for h, _ in COLUMNS], "secs"]
    table: list[list[str]] = []
    totals = dict.fromkeys([h for h, _ in COLUMNS], 0)
    for name, status, stats in rows:
        values = figures(stats)
        for key, value in values.items():
            totals[key] += value
        elapsed = _elapsed(stats)
        table.append(
            [name, status, *map(str, values.values()), "-" if elapsed is None else f"{elapsed:.0f}"]
        )
    table.append(["total", "", *map(str, totals.values()), ""])
    widths = [max(len(r[i]) for r in [headers, *table]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = [cells[0].ljust(widths[0]), cells[1].ljust(widths[1])]
        rest = [c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join(first + rest).rstrip()

    rule = "-" * len(line(headers))
    return "\n".join([line(headers), rule, *map(line, table[:-1]), rule, line(table[-1])])


class Progress:
    """Extension: periodic progress lines and the closing summary (module docstring)."""

    def __init__(self, crawler: Crawler, interval: float, summary: bool) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        self.interval = interval
        self.summary = summary
        self.task: Any = None
        self._last: tuple[float, int, int] = (time.monotonic(), 0, 0)
        self._opened = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL", 60.0)
        if interval <= 0:
            raise NotConfigured("PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval, crawler.settings.getbool("PROGRESS_SUMMARY", True))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self._opened = time.monotonic()
        self._last = (self._opened, 0, 0)
        self.task = create_looping_call(self.log, spider)
        self.task.start(self.interval, now=False)

    def log(self, spider: Spider) -> None:
        stats = self.stats.get_stats()
        values = figures(stats)
        now = time.monotonic()
        then, pages_before, items_before = self._last
        minutes = max(now - then, 1e-9) / 60.0
        self._last = (now, values["pages"], values["items"])
        queued = int(stats.get("scheduler/enqueued", 0)) - int(stats.get("scheduler/dequeued", 0))
        logger.info(
            "progress %s: pages %d (%.0f/min), items %d (%.0f/min), new %d, updates %d, "
            "copies %d, known %d, errors %d, queued %d",
            spider.name,
            values["pages"],
            (values["pages"] - pages_before) / minutes,
            values["items"],
            (values["items"] - items_before) / minutes,
            values["new"],
            values["upd"],
            values["copies"],
            values["known"],
            values["errors"],
            max(queued, 0),
            extra={"spider": spider},
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.summary:
            stats = dict(self.stats.get_stats())
            stats.setdefault("elapsed_time_seconds", time.monotonic() - self._opened)
            table = format_summary([(spider.name, reason, stats)])
            logger.info("run summary\n%s", table, extra={"spider": spider})

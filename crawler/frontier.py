"""The shared scrapy-redis frontier of distributed crawls: its keys and their expiry.

Used by the ``distributed`` profile as a Scrapy add-on. scrapy-redis keeps one request
queue and one dupefilter set per spider; with ``SCHEDULER_PERSIST`` on they outlive the
process, which is what lets several processes (on several hosts) share them.

Policy:

* **One frontier per crawl.** The keys are ``<FRONTIER_PREFIX>:<crawl id>:<spider>:requests``
  and ``...:dupefilter``. Processes that should share a frontier use the same crawl id:
  ``FRONTIER_CRAWL_ID`` when set (``-s`` or ``MESEC_CRAWL_ID``), otherwise the start
  of the current ``FRONTIER_BUCKET_MINUTES`` window on the project clock (``CLOCK``), so
  every host started by the same hourly timer joins the same frontier and the next hour
  starts a new one. Without this, the dupefilter set of the last crawl would filter every
  start page of the next one.
* **Expiry.** When a spider closes, both keys get a time-to-live of
  ``FRONTIER_TTL_HOURS`` (refreshed by every process that closes later), so finished
  crawls do not keep their sets in Redis forever; 0 keeps them.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from crawler.clock import build_clock

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = ["Frontier", "crawl_id", "frontier_keys"]

logger = logging.getLogger(__name__)


def crawl_id(settings: BaseSettings) -> str:
    """``FRONTIER_CRAWL_ID`` or the current time bucket, e.g. ``20240913T1000Z``."""
    explicit = settings.get("FRONTIER_CRAWL_ID")
    if explicit:
        return str(explicit)
    minutes = max(1, settings.getint("FRONTIER_BUCKET_MINUTES", 60))
    now = build_clock(settings).now().astimezone(UTC)
    bucket = int(now.timestamp()) // (minutes * 60) * (minutes * 60)
    return datetime.fromtimestamp(bucket, UTC).strftime("%Y%m%dT%H%MZ")


def frontier_keys(prefix: str, crawl: str) -> dict[str, str]:
    """scrapy-redis key templates (``%(spider)s`` is filled in by scrapy-redis)."""
    base = f"{prefix}:{crawl}:%(spider)s"
    return {
        "SCHEDULER_QUEUE_KEY": f"{base}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{base}:dupefilter",
    }


class Frontier:
    """Add-on: crawl-scoped frontier keys and their expiry (module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.keys: dict[str, str] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        crawl = crawl_id(settings)
        self.keys = frontier_keys(str(settings.get("FRONTIER_PREFIX") or "mesec:frontier"), crawl)
        for name, value in self.keys.items():
            settings.set(name, value, priority="addon")
        settings.set("FRONTIER_CRAWL_ID", crawl, priority="addon")
        logger.info("Shared frontier: crawl id %s", crawl)

    def spider_closed(self, spider: Spider) -> None:
        hours = self.crawler.settings.getfloat("FRONTIER_TTL_HOURS", 24.0)
        if hours <= 0 or not self.keys:
            return
        from scrapy_redis.connection import get_redis_from_settings

        server: Any = get_redis_from_settings(self.crawler.settings)
        for template in self.keys.values():
            server.expire(template % {"spider": spider.name}, int(hours * 3600))

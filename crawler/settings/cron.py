"""Profile for unattended, scheduled incremental crawls.

``SCRAPY_SETTINGS_MODULE=crawler.settings.cron scrapy crawlall`` runs every enabled
spider as one run; ``... scrapy crawl NAME`` runs one spider the same way. Either way:

* **Incremental** (``crawler/middlewares/incremental.py``): stored article URLs are not
  fetched again, recent ones are revisited on a TTL, sitemap/feed dates older than the
  look-back are skipped, paging stops on listing pages that hold only known articles.
* **Dated layout** (``crawler/runlayout.py``): feeds land in
  ``output/YYYY/MM/DD/<run-id>/``, with a merged ``all.jsonl``, a ``run.json`` summary
  and ``output/latest.json`` for downstream jobs.
* **Atomic files** (``crawler/feedstorage.py``): temporary file + rename.
* **One run at a time** (``crawler/lock.py``): exit status 75 when locked.
* **Progress** (``crawler/extensions/progress.py``): a line per spider every minute.

Every time-dependent choice (layout date, TTL, look-back, dedup retention) reads the
one project clock, ``CLOCK``.
"""

from __future__ import annotations

from crawler.settings import base
from crawler.settings.base import *  # noqa: F403

LOG_LEVEL = "INFO"

# -- Components --------------------------------------------------------------
ADDONS = {
    **getattr(base, "ADDONS", {}),
    # Moves local FEEDS into the run directory before the crawler starts.
    "crawler.runlayout.RunLayout": 100,
    # Per-spider lock of a plain `scrapy crawl` (crawlall takes its locks itself).
    "crawler.lock.SpiderLock": 110,
}
#: Local feeds are written to a temporary file and renamed into place on close.
FEED_STORAGES = {
    **getattr(base, "FEED_STORAGES", {}),
    "": "crawler.feedstorage.AtomicFileFeedStorage",
    "file": "crawler.feedstorage.AtomicFileFeedStorage",
}
ITEM_PIPELINES = {
    **base.ITEM_PIPELINES,
    # After the dedup pipeline: a revisit whose text is unchanged writes nothing.
    "pipelines.revisit.RevisitPipeline": 950,
}
SPIDER_MIDDLEWARES = {
    **getattr(base, "SPIDER_MIDDLEWARES", {}),
    # Close to the spider: sees its output before every other spider middleware.
    "crawler.middlewares.incremental.IncrementalMiddleware": 950,
}
EXTENSIONS = {
    **base.EXTENSIONS,
    "crawler.extensions.progress.Progress": 600,
}
#: Scrapy's own per-minute LogStats line is replaced by the progress line.
LOGSTATS_INTERVAL = 0

# -- Incremental crawls --------------------------------------------------------
INCREMENTAL_ENABLED = True
#: A stored article is fetched again once its last fetch is this old ...
INCREMENTAL_REVISIT_TTL_HOURS = 6.0
#: ... while it is recent: published (undated: first stored) less than this ago.
INCREMENTAL_REVISIT_WINDOW_HOURS = 48.0
#: Sitemap/feed entries dated earlier than this are not fetched (0: no limit). Keep it
#: below DEDUP_URL_RETENTION_DAYS so the store still knows everything the look-back sees.
INCREMENTAL_LOOKBACK_DAYS = 7.0
#: Stop following "next page" links on a listing page whose articles are all stored.
INCREMENTAL_STOP_PAGING = True

# -- Monitors -------------------------------------------------------------------
#: A quiet hour yields no new item: an incremental run judges "found nothing" on items
#: plus known articles instead (crawler/runstatus.py), so the monitors' item minimum is 0.
MONITOR_DEFAULT_EXPECTATIONS = {**base.MONITOR_DEFAULT_EXPECTATIONS, "min_items": 0}

# -- Runs -----------------------------------------------------------------------
#: Root of the dated layout and of latest.json.
RUN_OUTPUT_ROOT = "output"
RUN_LAYOUT_ENABLED = True
#: Lock files go to RUN_LOCK_DIR (None: <RUN_OUTPUT_ROOT>/.locks); keep it on a local disk.
RUN_LOCK_ENABLED = True
RUN_LOCK_DIR: str | None = None
#: A spider whose ERROR+CRITICAL log lines per request exceed this fails the run.
RUN_MAX_ERROR_RATE = 0.05
#: A spider that found nothing (no item, no stored article) fails the run, unless its
#: previous run found nothing either.
RUN_FAIL_ON_NOTHING_FOUND = True
#: Spiders scrapy crawlall leaves out (besides enabled = False and argument-only ones).
RUN_EXCLUDE: list[str] = []

# -- Progress ---------------------------------------------------------------------
#: Seconds between progress lines (0: off).
PROGRESS_INTERVAL = 60.0
PROGRESS_SUMMARY = True

"""Profile for crawls spread over several processes or hosts through scrapy-redis.

The ``cron`` profile plus a shared frontier and a shared dedup store in Redis:

* scrapy-redis's ``Scheduler`` and ``RFPDupeFilter`` hold one request queue and one
  seen-request set per spider and crawl (keys from ``crawler/frontier.py``), so each
  URL is fetched by one process only. scrapy-redis's ``RedisSpider`` and
  ``RedisStatsCollector`` are not used: spiders and stats stay Scrapy's own.
* The dedup store is ``RedisStore``: a wire copy fetched by one process is recognised
  by every other, and the seen-URL set of incremental crawls is shared.
* The per-host run lock is off: running several processes at once is the point.

Redis URLs (password included) come from the environment only: ``MESEC_REDIS_URL``.
"""

from __future__ import annotations

import os

from crawler.settings import cron
from crawler.settings.cron import *  # noqa: F403

#: Redis of the frontier and of the dedup store.
REDIS_URL = os.environ.get("MESEC_REDIS_URL", "redis://127.0.0.1:6379/0")
SCHEDULER = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER_CLASS = "scrapy_redis.dupefilter.RFPDupeFilter"
#: Keep the queue and the dupefilter when a process closes: others may still be crawling.
SCHEDULER_PERSIST = True
SCHEDULER_FLUSH_ON_START = False

ADDONS = {
    **cron.ADDONS,
    # Crawl-scoped frontier keys, expired after the crawl.
    "crawler.frontier.Frontier": 120,
}
#: Processes that share a frontier use the same crawl id (None: the clock's time bucket).
FRONTIER_CRAWL_ID = os.environ.get("MESEC_CRAWL_ID") or None
FRONTIER_BUCKET_MINUTES = 60
FRONTIER_PREFIX = "mesec:frontier"
#: Frontier keys expire this long after the last process of a crawl closed (0: never).
FRONTIER_TTL_HOURS = 24.0

DEDUP_STORE_CLASS = "crawler.dedup.redis.RedisStore"
DEDUP_REDIS_URL = REDIS_URL

RUN_LOCK_ENABLED = False
#: Another process may have drained the shared frontier: finding nothing is no failure
#: here (sum the hosts' run summaries to judge a spider).
RUN_FAIL_ON_NOTHING_FOUND = False

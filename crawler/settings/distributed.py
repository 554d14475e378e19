"""Profile for crawls spread over several machines through scrapy-redis."""

from __future__ import annotations

import os

from crawler.settings.base import *  # noqa: F403

#: Redis URL, password included, comes from the environment only.
REDIS_URL = os.environ.get("MESEC_REDIS_URL", "redis://127.0.0.1:6379/0")
SCHEDULER = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER_CLASS = "scrapy_redis.dupefilter.RFPDupeFilter"
SCHEDULER_PERSIST = True

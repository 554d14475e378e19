"""Local development profile: the default in scrapy.cfg."""

from __future__ import annotations

from crawler.settings.base import *  # noqa: F403

HTTPCACHE_ENABLED = False

"""Spiders for the extraction-pool tests: importable by path, as worker processes need."""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

from crawler.extractwork import PageOutcome
from crawler.spider import NewsSpider


class PoolSpider(NewsSpider):
    """Generic article pages; a page whose URL says ``die`` kills the worker process that
    extracts it, one that says ``slow`` takes a minute there (never in the crawl process)."""

    name = "pool_test"
    allowed_domains = ["127.0.0.1"]
    selectors = {"title": "h1.entry-title", "body": "div.entry-content"}
    language = "en"

    def extract_page(self, response: Any, stats: Any) -> PageOutcome:
        if multiprocessing.parent_process() is not None:
            if "die" in response.url:
                os._exit(3)
            if "slow" in response.url:
                time.sleep(60)
        return super().extract_page(response, stats)

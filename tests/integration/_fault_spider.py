"""NewsSpider for the fault server's made-up site ``www.fault-news.test`` (fault tests only).

Run with ``scrapy runspider``. Every link under ``/news/`` is a candidate article, on any
host. ``-a scope=open`` drops ``allowed_domains`` (like a crawl of arbitrary user-given
sites), so only the address guard stands between the crawl and private addresses; the
default scope keeps the crawl on ``fault-news.test``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.spider import NewsSpider


class FaultSpider(NewsSpider):
    name = "faults"
    allowed_domains = ["fault-news.test"]
    start_urls = ["https://www.fault-news.test/"]
    selectors = {"title": "article h1.headline", "body": "div.article-body"}
    language = "en"
    source = {"name": "Fault News", "country": None, "type": "unknown"}
    #: Faults are injected on purpose: errors and retries are the point; bodies are short.
    expectations = {"max_error_rate": 1.0, "max_retry_rate": 1.0, "body_min_words": 60}

    def __init__(self, *args: Any, scope: str = "site", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if scope == "open":
            self.allowed_domains = []
            self.expectations = {**self.expectations, "min_items": 1}  # one reachable story

    def is_article_url(self, url: str) -> bool:
        return urlsplit(url).path.startswith("/news/")

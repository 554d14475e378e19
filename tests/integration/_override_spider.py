"""Spider for the HOST_OVERRIDES checks: crawls www.override-check.com by its real URLs.

Run with ``scrapy runspider`` (it is not in SPIDER_MODULES). Each page yields one item with
what the callback saw: ``response.url``, the request's URL, the redirect chain and the links.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response


class OverrideCheckSpider(scrapy.Spider):
    name = "override_check"
    allowed_domains = ["www.override-check.com"]
    custom_settings = {"ITEM_PIPELINES": {}}

    #: ``-a playwright=1`` renders every page in the browser (handlers set by the caller).
    playwright = ""

    def _meta(self) -> dict[str, Any]:
        return {"playwright": True} if self.playwright else {}

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request("https://www.override-check.com/", meta=self._meta())

    def parse(self, response: Response) -> Iterator[Any]:
        links = response.css("a::attr(href)").getall()
        yield {
            "url": response.url,
            "request_url": response.request.url if response.request else None,
            "status": response.status,
            "title": response.css("title::text").get(),
            "redirect_urls": response.meta.get("redirect_urls", []),
            "links": [response.urljoin(link) for link in links],
        }
        for link in links:
            yield response.follow(link, callback=self.parse, meta=self._meta())

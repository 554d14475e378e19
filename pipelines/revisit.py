"""RevisitPipeline: an incremental revisit that found the text unchanged writes nothing.

Policy: an item produced by a revisit (see ``crawler/middlewares/incremental.py``)
whose dedup verdict is ``identical`` (the same URL with the same normalized text) is
dropped quietly, after the dedup pipeline has recorded the fetch (so the URL's last-seen
time moves on and the next revisit waits another TTL). A changed text (``relation:
update``) and every non-revisit item pass. Runs after ``pipelines.dedup.DedupPipeline``.
Stats: ``incremental/unchanged``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from crawler.middlewares.incremental import IncrementalMiddleware

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class RevisitPipeline:
    """Drop unchanged revisits (see module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is off")
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("relation") != "identical":
            return item
        middleware = self.crawler.get_spider_middleware(IncrementalMiddleware)
        if middleware is None or not middleware.was_revisited(str(adapter.get("url") or "")):
            return item
        self.crawler.stats.inc_value("incremental/unchanged")
        raise DropItem("unchanged since the last fetch (incremental revisit)", log_level="DEBUG")

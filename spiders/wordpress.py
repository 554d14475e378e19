"""Any WordPress news site: ``scrapy crawl wordpress -a start_urls=URL[,URL...]``.

The crawl stays on the start URLs' hosts; everything else is the WordPress family
(``crawler.families.wordpress``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from crawler.families.wordpress import WordPressSpider


class WordPressGenericSpider(WordPressSpider):
    name = "wordpress"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("start_urls"):
            raise ValueError("the wordpress spider needs -a start_urls=URL[,URL...]")
        super().__init__(*args, **kwargs)
        self.allowed_domains = sorted({urlsplit(url).hostname or "" for url in self.start_urls})

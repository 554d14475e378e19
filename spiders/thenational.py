"""The National (www.thenationalnews.com, Arc XP Fusion): ``/news/<section>/YYYY/MM/DD/<slug>/``.

Only the first listing cards are in the section page's HTML; "Load more" is Arc's
content API, which answers JSON, so listing pages after the first are read by
the override below. Metadata dates are UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy.http import Response, TextResponse

from crawler.spider import NewsSpider

#: Arc content API path of the section feed ("Load more").
FEED_API = "/pf/api/v3/content/fetch/story-feed-sections"


class TheNationalSpider(NewsSpider):
    name = "thenational"
    allowed_domains = ["www.thenationalnews.com"]
    # Also security-relevant on the live site (not in the fixture): /news/gulf/,
    # /news/world/.
    start_urls = ["https://www.thenationalnews.com/news/mena/"]
    article_links = {
        "allow": (r"/news/[a-z-]+(?:/[a-z-]+)?/\d{4}/\d{2}/\d{2}/[^/?#]+/$",),
        "restrict_css": ("section.results-list h2.card__headline",),
    }
    selectors = {
        "body": "div.article-body",
        "related": "div.read-more a.read-more__link::attr(href)",
    }
    body_exclude = ("div.read-more", "div.ad-container")
    language = "en"
    timezone = "Asia/Dubai"
    source = {"name": "The National", "country": "AE", "type": "state-affiliated"}
    sitemaps = True
    feeds = ["/arc/outboundfeeds/rss/category/news/mena/?outputType=xml"]

    @staticmethod
    def _feed(response: TextResponse) -> dict[str, Any] | None:
        """The decoded content-API answer, or None for HTML pages."""
        if urlsplit(response.url).path != FEED_API:
            return None
        try:
            feed = response.json()
        except ValueError:
            return {}
        return feed if isinstance(feed, dict) else {}

    def parse_listing(self, response: Response, page: int = 1, depth: int = 0) -> Iterator[Any]:
        """HTML section pages as usual; content-API pages list ``canonical_url`` s."""
        if not isinstance(response, TextResponse) or (feed := self._feed(response)) is None:
            yield from super().parse_listing(response, page, depth)
            return
        self._inc("listing/pages")
        for story in feed.get("content_elements") or ():
            if not isinstance(story, dict) or not story.get("canonical_url"):
                continue
            url = response.urljoin(str(story["canonical_url"]))
            request = self.article_request(url) if self.is_article_url(url) else None
            if request is not None:
                yield request
        href = self.next_page_url(response) if page < self.max_pages else None
        request = self.listing_request(response.urljoin(href), page + 1, depth) if href else None
        if request is not None:
            yield request

    def next_page_url(self, response: TextResponse) -> str | None:
        """The content-API call "Load more" makes, e.g. ``/pf/api/v3/content/fetch/
        story-feed-sections?query={"feedOffset":2,"feedSize":10,"includeSections":
        "/news/mena"}&d=1587&_website=the-national`` (query URL-encoded): from the
        button's ``data-*`` attributes on the section page, then from the API's
        ``next`` offset."""
        feed = self._feed(response)
        if feed is not None:
            params = dict(parse_qsl(urlsplit(response.url).query))
            try:
                query = {**json.loads(params.get("query", "")), "feedOffset": int(feed["next"])}
            except (KeyError, TypeError, ValueError):
                return None
        else:
            button = response.css("button.results-list__load-more").attrib
            if not button.get("data-section", "").startswith("/"):
                return None
            query = {
                "feedOffset": int(button.get("data-feed-offset", "0")),
                "feedSize": int(button.get("data-feed-size", "10")),
                "includeSections": button["data-section"],
            }
            deployment = re.search(r'Fusion\.deployment="(\w+)"', response.text)
            params = {"d": deployment.group(1) if deployment else "", "_website": "the-national"}
        params["query"] = json.dumps(query, separators=(",", ":"))
        return f"{FEED_API}?{urlencode(params)}"

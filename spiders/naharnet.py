"""Naharnet (www.naharnet.com, home-grown CMS): ``/stories/en/<id>`` articles.

No JSON-LD and no article meta tags: the visible timestamp ("02 Oct 2024, 12:58",
Beirut time) is the only date and the category link the only section. Agency
copy ends with a credit paragraph ("Agence France Presse", "Associated Press")
that goes to ``wire``; the "by Naharnet Newsdesk" byline is a desk, not an author.
Reader comments sit after the body and are never part of it.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class NaharnetSpider(NewsSpider):
    name = "naharnet"
    allowed_domains = ["www.naharnet.com"]
    # Also security-relevant on the live site (not in the fixture): /middle-east.
    start_urls = ["https://www.naharnet.com/lebanon"]
    article_links = {
        "allow": (r"/stories/en/\d+$",),
        "restrict_css": ("div.storylist div.storyitem h3",),
    }
    next_page = "div.pagination a.next::attr(href)"
    selectors = {
        "title": "div.story h1.title",
        "body": "div#story-body",
        "authors": "div.story-info span.author::text",
        "published": "div.story-info span.timestamp::text",
        "section": "div.story div.category a::text",
        "related": "div.related a::attr(href)",
    }
    language = "en"
    timezone = "Asia/Beirut"
    source = {"name": "Naharnet", "country": "LB", "type": "independent"}
    feeds = ["/stories/en/rss"]

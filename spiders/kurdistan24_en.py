"""Kurdistan24 English (www.kurdistan24.net, ``/en/``): ``/en/story/<id>/<slug>``.

In-body "READ MORE" links are the related articles; "Additional reporting by Reuters"
stays in the body container so the wire credit is read, and leaves the text as a credit.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class Kurdistan24EnSpider(NewsSpider):
    name = "kurdistan24_en"
    allowed_domains = ["www.kurdistan24.net"]
    path_prefixes = ("/en/",)
    # Also security-relevant on the live site (not in the fixture): /en/news/kurdistan,
    # /en/news/middle-east, /en/news/world.
    start_urls = ["https://www.kurdistan24.net/en/news/iraq"]
    article_links = {
        "allow": (r"/en/story/\d+/[^/?#]+$",),
        "restrict_css": ("div.story-list h3.story-card__title a",),
    }
    next_page = "a.pager__next[rel=next]::attr(href)"
    selectors = {
        "title": "h1.story__title",
        "summary": "p.story__summary",
        "body": "#story-body",
        "authors": ".story__authors a.story__author::text",
        "tags": ".story__tags a.story__tag::text",
        "related": "#story-body p.read-more a::attr(href)",
    }
    body_exclude = ("p.read-more", ".story__inline-ad", ".story__cta")
    language = "en"
    timezone = "Asia/Baghdad"
    source = {"name": "Kurdistan24", "country": "IQ", "type": "independent"}
    # The index robots.txt names (/sitemap.xml) lies outside /en/; its news child does not.
    sitemaps = ["/en/sitemap/news.xml"]
    feeds = ["/en/rss.xml"]

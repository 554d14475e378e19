"""Rudaw English (www.rudaw.net, ``/english/``): ``/english/<section>[/<sub>]/<DDMMYYYY><n>``.

Six editions share the host; the sitemap index also lists the Sorani news sitemap, whose
URLs fall outside ``/english/`` and are never fetched. JSON-LD dates are naive Erbil times.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class RudawEnSpider(NewsSpider):
    name = "rudaw_en"
    allowed_domains = ["www.rudaw.net"]
    path_prefixes = ("/english/",)
    # Also security-relevant on the live site (not in the fixture): /english/kurdistan,
    # /english/middleeast, /english/middleeast/syria, /english/middleeast/iran,
    # /english/middleeast/turkey.
    start_urls = ["https://www.rudaw.net/english/middleeast/iraq"]
    article_links = {
        "allow": (r"/english/[a-z]+(?:/[a-z]+)?/\d{9,}$",),
        "restrict_css": ("div.news-list h2.news-list__title a",),
    }
    next_page = "ul.pagination a[rel=next]::attr(href)"
    selectors = {
        "title": "h1.article__title",
        "body": "#articleBody",
        "related": "section.article__related .news-card__link::attr(href)",
    }
    body_exclude = (".ad-slot", "p.article__follow")
    language = "en"
    timezone = "Asia/Baghdad"
    source = {"name": "Rudaw", "country": "IQ", "type": "independent"}
    # robots.txt names only /sitemap.xml, which lies outside /english/.
    sitemaps = ["/sitemap.xml"]
    feeds = ["/english/rss"]

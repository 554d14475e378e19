"""Shafaq News English (shafaq.com, ``/en/``): ``/en/<Section>/<Title-Case-Slug>``.

Desk copy only (no personal bylines); metadata dates are UTC.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class ShafaqEnSpider(NewsSpider):
    name = "shafaq_en"
    allowed_domains = ["shafaq.com"]
    path_prefixes = ("/en/",)
    # Also security-relevant on the live site (not in the fixture): /en/Iraq,
    # /en/Kurdistan, /en/Middle-East.
    start_urls = ["https://shafaq.com/en/Security"]
    article_links = {
        "allow": (r"/en/[A-Z][A-Za-z-]*/[^/?#]+$",),
        "deny": (r"/en/(?:tags|search|author)/",),
        "restrict_css": ("div.news-list a.news-item-link",),
    }
    next_page = ".pagination a.page-next::attr(href)"
    selectors = {
        "title": "h1.article-title",
        "body": "#article-content",
        "tags": ".article-tags a.tag::text",
        "related": ".related-news a.related-item::attr(href)",
    }
    body_exclude = (".ads-inside",)
    language = "en"
    timezone = "Asia/Baghdad"
    source = {"name": "Shafaq News", "country": "IQ", "type": "independent"}
    # robots.txt names only /sitemap.xml, which lies outside /en/.
    sitemaps = ["/sitemap.xml"]
    feeds = ["/en/rss"]

"""FRANCE 24 in English (www.france24.com, ``/en/``): ``/en/<section>/YYYYMMDD-slug``."""

from __future__ import annotations

from crawler.spider import NewsSpider


class France24Spider(NewsSpider):
    name = "france24_en"
    allowed_domains = ["www.france24.com"]
    path_prefixes = ("/en/",)
    # Also security-relevant on the live site (not in the fixture): /en/tag/iran/,
    # /en/tag/israel-hamas-war/, /en/tag/lebanon/, /en/tag/syria/, /en/tag/iraq/.
    start_urls = ["https://www.france24.com/en/middle-east/"]
    article_links = {
        "allow": (r"/en/(?:[a-z-]+/)?\d{8}-[^/?#]+$",),
        "deny": (r"/en/partners/",),
        "restrict_css": ("div.m-item-list-article a[data-article-item-link]",),
    }
    next_page = "a.m-pagination__link--next::attr(href)"
    # Each selector lists the current template, then the retired one (``article.article-long``,
    # e.g. /en/20150512-bangladesh-third-blogger-hacked-death) still served for old URLs.
    selectors = {
        "title": "h1.t-content__title, article.article-long h1.title",
        "summary": "p.t-content__chapo, article.article-long div.bd > h2:first-child",
        "body": "div.t-content__body, article.article-long div.bd",
        # The retired template shows only "Latest update : 2015-05-12".
        "published": (
            ".t-content__dates time::attr(datetime), article.article-long p.modification::text"
        ),
        "related": "p.m-em-read-more a::attr(href)",
        "tags": ".m-tags-list a span::text, article.article-long ul.tag a::text",
    }
    body_exclude = (".m-interstitial", "p.m-em-read-more", "div.bd > h2:first-child")
    language = "en"
    timezone = "Europe/Paris"
    source = {"name": "FRANCE 24", "country": "FR", "type": "public"}
    sitemaps = True
    feeds = ["/en/middle-east/rss"]

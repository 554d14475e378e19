"""Le Monde in English (www.lemonde.fr, ``/en/`` only).

Articles: ``/en/<section>/article/YYYY/MM/DD/slug_<id>_4.html``. The French
edition shares the host: its news sitemap (``/sitemap_news.xml``) is not read and
its pages are outside ``path_prefixes``, so never fetched.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class LeMondeEnSpider(NewsSpider):
    name = "lemonde_en"
    allowed_domains = ["www.lemonde.fr"]
    path_prefixes = ("/en/",)
    # Also security-relevant on the live site (not in the fixture): /en/middle-east/,
    # /en/israel-hamas-war/, /en/iran/, /en/lebanon/.
    start_urls = ["https://www.lemonde.fr/en/international/"]
    article_links = {
        "allow": (r"/en/[a-z-]+/article/\d{4}/\d{2}/\d{2}/[^/?#]+_\d+_\d+\.html$",),
        "deny": (r"/en/sponsored/",),
        "restrict_css": ("section#river a.teaser__link",),
    }
    next_page = "link[rel=next]::attr(href), .river__pagination--page-current + a::attr(href)"
    selectors = {
        "title": "h1.article__title",
        "summary": "p.article__desc",
        "body": "article.article__content",
        "authors": "span.meta__author a.article__author-link::text",
        "related": (
            "section.catcher a.js-article-read-also::attr(href),"
            " section.article__siblings a.article__link::attr(href)"
        ),
    }
    body_exclude = ("section.catcher", "div.dfp-slot")
    language = "en"
    timezone = "Europe/Paris"
    source = {"name": "Le Monde", "country": "FR", "type": "independent"}
    # robots.txt also lists the French edition's /sitemap_news.xml.
    sitemaps = ["/en/sitemap_news.xml"]
    feeds = ["/en/international/rss_full.xml"]

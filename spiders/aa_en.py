"""Anadolu Agency in English (www.aa.com.tr, ``/en/``): ``/en/<section>/<slug>/<id>``.

Anadolu is itself a wire agency: its own copy carries no ``wire``.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class AnadoluEnSpider(NewsSpider):
    name = "aa_en"
    allowed_domains = ["www.aa.com.tr"]
    path_prefixes = ("/en/",)
    # Also security-relevant on the live site (not in the fixture): /en/turkey,
    # /en/politics, /en/israel-palestine-conflict.
    start_urls = ["https://www.aa.com.tr/en/middle-east"]
    article_links = {
        "allow": (r"/en/[a-z-]+/[^/?#]+/\d{5,}$",),
        "deny": (r"/en/sirkethaberleri/",),
        "restrict_css": ("div.kategori-liste div.kategori-haber > a",),
    }
    next_page = "a.kategori-daha-fazla::attr(href)"
    selectors = {
        "title": "div.detay-spot-category h1",
        "summary": "div.detay-spot-category h4",
        "body": "div.detay-icerik > div:first-of-type",
        "authors": "div.detay-spot-category div.row > span:first-child::text",
        "published": "span.tarih::text",
        "modified": "span.tarih::text",
        "section": "span.detay-news-category a::text",
        "related": "div.detay-benzerHaberler a::attr(href)",
    }
    body_exclude = ("span.detay-foto-editor",)
    language = "en"
    timezone = "Europe/Istanbul"
    source = {"name": "Anadolu Agency", "country": "TR", "type": "wire agency"}
    # The English news sitemap; robots.txt's /sitemap.xml index lies outside /en/.
    sitemaps = ["/en/sitemap/news.xml"]
    feeds = ["/en/rss/default?cat=middle-east"]

"""Asharq Al-Awsat in English (english.aawsat.com, Drupal 10): ``/<section>/<nid>-<slug>``.

The byline line is "<location> - <author>" ("Beirut - AFP"): only the author
field is read, so an agency there goes to ``wire`` and the place is never an
author; "Asharq Al-Awsat" there is the desk. Dates are GMT.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class AawsatEnSpider(NewsSpider):
    name = "aawsat_en"
    allowed_domains = ["english.aawsat.com"]
    # Also security-relevant on the live site (not in the fixture): /gulf, /world
    # (Iran, Israel), /features.
    start_urls = ["https://english.aawsat.com/arab-world"]
    article_links = {
        "allow": (r"/[a-z-]+/\d{5,}-[^/?#]+$",),
        "restrict_css": ("div.region-content div.view-content h2.teaser__title",),
    }
    next_page = "li.pager__item--next a::attr(href)"
    selectors = {
        "body": "div.node__content div.field--name-body",
        "authors": "div.article-byline span.field--name-field-author",
        "related": "div.related-news div.related-news__title a::attr(href)",
    }
    language = "en"
    timezone = "UTC"
    source = {"name": "Asharq Al-Awsat", "country": "SA", "type": "state-affiliated"}
    sitemaps = True
    feeds = ["/rss.xml"]

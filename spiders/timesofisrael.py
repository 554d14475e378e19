"""The Times of Israel (www.timesofisrael.com): WordPress VIP, ``/<slug>/`` articles.

The daily liveblog (``/liveblog-october-2-2024/``) and its entries
(``/liveblog_entry/<slug>/``) are skipped by URL, never fetched.
"""

from __future__ import annotations

from crawler.families.wordpress import WordPressSpider


class TimesOfIsraelSpider(WordPressSpider):
    name = "timesofisrael"
    allowed_domains = ["www.timesofisrael.com"]
    # Also security-relevant on the live site (not in the fixture): /israel-inside/,
    # /topic/israel-at-war-with-hezbollah/, /topic/iran/.
    start_urls = ["https://www.timesofisrael.com/israel-and-the-region/"]
    article_links = {
        "deny": (
            *WordPressSpider.article_links["deny"],
            r"/(?:writers|topic|spotlight|liveblog_entry)/",
        ),
        "restrict_css": ("section.category-list div.headline a",),
    }
    listing_links = None
    next_page = "a.next.page-numbers::attr(href)"
    liveblog_urls = (r"/liveblog-[a-z]+-\d{1,2}-\d{4}/", r"/liveblog_entry/")
    selectors = {
        "title": "h1.headline",
        "summary": "h2.underline",
        "body": "div.the-content",
        "authors": "span.byline a::text",
        "published": "span.date::text",
        "related": "div.block-related div.headline a::attr(href)",
        "tags": "div.article-topics a[href*='/topic/']::text",
    }
    body_exclude = ("p.newsletter-promo", "div.banner", "div.wp-caption")
    language = "en"
    timezone = "Asia/Jerusalem"
    source = {"name": "The Times of Israel", "country": "IL", "type": "independent"}
    # The API's posts lack the byline and topic markup the pages carry.
    wp_api = False

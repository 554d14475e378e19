"""Arab News (www.arabnews.com, Drupal 7): ``/node/<nid>/<section>`` articles.

Agency copy is bylined "AFP"/"Reuters" (JSON-LD types the agency as a Person):
the byline goes to ``wire``, not ``authors``. Printer-friendly ``/print/<nid>``
copies are disallowed by robots.txt and never fetched.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class ArabNewsSpider(NewsSpider):
    name = "arabnews"
    allowed_domains = ["www.arabnews.com"]
    # Also security-relevant on the live site (not in the fixture): /saudi-arabia (Yemen,
    # Houthi attacks), /world.
    start_urls = ["https://www.arabnews.com/middle-east"]
    article_links = {
        "allow": (r"/node/\d+/[a-z0-9-]+$",),
        "restrict_css": ("div.view-section-articles div.article-item-title",),
    }
    next_page = "ul.pager li.pager-next a::attr(href)"
    selectors = {
        "title": "div.entry-title h1",
        "body": "div.field-name-body div.field-item",
        "authors": "div.entry-author span.author-name",
        "related": "div.related-articles-in-body a::attr(href)",
    }
    body_exclude = ("div.related-articles-in-body", "div.field-name-field-highlights")
    language = "en"
    timezone = "Asia/Riyadh"
    source = {"name": "Arab News", "country": "SA", "type": "state-affiliated"}
    sitemaps = True
    feeds = ["/cat/2/rss.xml"]

"""Al Jazeera English (www.aljazeera.com): ``/news/YYYY/M/D/slug`` articles.

Live pages (``/news/liveblog/YYYY/M/D/live-…``) are article-like by URL and are
recognised by their ``LiveBlogPosting`` JSON-LD (``article/dropped/liveblog``).
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class AlJazeeraSpider(NewsSpider):
    name = "aljazeera_en"
    allowed_domains = ["www.aljazeera.com"]
    # Also security-relevant on the live site (not in the fixture): /tag/israel-iran-conflict/,
    # /tag/israel-palestine-conflict/, /where/iraq/, /where/syria/, /where/lebanon/,
    # /where/yemen/, /where/iran/.
    start_urls = ["https://www.aljazeera.com/middle-east/"]
    article_links = {
        "allow": (
            r"/(?:news|features|opinions|economy)/(?:liveblog/)?\d{4}/\d{1,2}/\d{1,2}/[^/?#]+$",
        ),
        "restrict_css": ("#news-feed-container a.u-clickable-card__link",),
    }
    next_page = "a.show-more-button::attr(href)"
    # Each selector lists the current template, then the 2019 one (``div.article-p-wrapper``).
    selectors = {
        "title": "#main-content-area header.article-header h1, .article-heading h1.post-title",
        "summary": "p.article__subhead em, p.article-heading-des",
        # The "Source: Reuters" line below the text is read as the body's credit line
        # (wire attribution); "Source: Al Jazeera (and news agencies)" credits no agency.
        "body": (
            "div.wysiwyg--all-content, div.article-source:not(:contains('Al Jazeera')),"
            " div.article-p-wrapper"
        ),
        "authors": (
            ".article-author-name a.author-link::text,"
            " .article-author-name a.article-author-end-name::text"
        ),
        "related": "div.more-on a.u-clickable-card__link::attr(href)",
    }
    body_exclude = (".more-on", ".container--ads", ".sib-newsletter-form")
    language = "en"
    timezone = "UTC"
    source = {"name": "Al Jazeera", "country": "QA", "type": "state-affiliated"}
    sitemaps = True
    feeds = ["/xml/rss/all.xml"]

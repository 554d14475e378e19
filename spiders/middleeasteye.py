"""Middle East Eye (www.middleeasteye.net, Drupal 10): ``/news/<slug>`` articles.

Live blogs (``/live-blog/<slug>``, JSON-LD ``LiveBlogPosting``) are skipped by
URL. Desk bylines ("MEE staff", "MEE correspondent") are not authors. The
italic republishing notice closing every article and the inline "Read More »"
box are not body text; the box's link is a related URL.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class MiddleEastEyeSpider(NewsSpider):
    name = "middleeasteye"
    allowed_domains = ["www.middleeasteye.net"]
    # Also security-relevant on the live site (not in the fixture): /countries/syria,
    # /countries/iran, /countries/yemen, /countries/palestine, /countries/israel.
    start_urls = [
        "https://www.middleeasteye.net/countries/lebanon",
        "https://www.middleeasteye.net/countries/iraq",
        "https://www.middleeasteye.net/topics/israel-lebanon-war",
    ]
    article_links = {
        "allow": (r"/news/[^/?#]+$",),
        "restrict_css": ("div.region-content div.view-content h2",),
    }
    liveblog_urls = (r"/live-blog/",)
    next_page = "li.pager__item--next a::attr(href)"
    selectors = {
        "body": "div.article-body div.field--name-body",
        "authors": "div.article-author a[href^='/users/']::text",
        "related": "div.mee-read-more a::attr(href)",
    }
    body_exclude = ("div.mee-read-more", "div.field--name-body > p:last-child > em:only-child")
    language = "en"
    timezone = "Europe/London"
    source = {"name": "Middle East Eye", "country": "GB", "type": "independent"}
    sitemaps = True
    feeds = ["/rss"]

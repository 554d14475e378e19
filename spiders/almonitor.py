"""Al-Monitor (www.al-monitor.com): ``/originals/<yyyy>/<mm>/<slug>``, rendered by Chromium.

Article pages are a Next.js fallback shell (metadata in ``<head>``, no text); their script
renders the article into ``#article-root`` and marks it ``data-rendered="true"``. Listings,
sitemaps and the feed are server-rendered. CSS-module class names are matched by prefix.
"""

from __future__ import annotations

from crawler.families.browser import BrowserRenderedSpider


class AlMonitorSpider(BrowserRenderedSpider):
    name = "almonitor"
    allowed_domains = ["www.al-monitor.com"]
    # Also security-relevant on the live site (not in the fixture): /lebanon, /syria, /iran,
    # /israel, /palestine, /gulf, /turkey.
    start_urls = ["https://www.al-monitor.com/iraq"]
    article_links = {
        "allow": (r"/originals/\d{4}/\d{2}/[^/?#]+$",),
        "restrict_css": ("div[class^='ArticleList_list'] h2[class^='ArticleCard_title'] a",),
    }
    # Drupal pager: the second page is ?page=1.
    next_page = "nav[aria-label=Pagination] a[rel=next]::attr(href)"
    render_wait = "#article-root[data-rendered='true']"
    selectors = {
        "title": "#article-root h1",
        "body": "#article-body",
        "authors": "[class^='Byline_author']::text",
        "tags": "[class^='ArticleTopics_topics'] a::text",
        "related": "a[class^='RelatedArticles_link']::attr(href)",
    }
    body_exclude = ("[class^='AdSlot_inline']", "[class^='NewsletterInline_box']")
    language = "en"
    timezone = "America/New_York"
    source = {"name": "Al-Monitor", "country": "US", "type": "independent"}
    sitemaps = True
    feeds = ["/rss"]

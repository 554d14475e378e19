"""The full pipeline's spider for the generated site, configured like any site file.

A module of its own (importable by its path, as every site file is, so extraction worker
processes can rebuild it) that only the ``ours`` contender imports.
"""

from __future__ import annotations

from crawler.spider import NewsSpider


class BenchSiteSpider(NewsSpider):
    """Levant Monitor, the generated site: configured like any site file."""

    name = "bench_site"
    allowed_domains = ["127.0.0.1"]
    article_links = {"restrict_css": (".listing",)}
    next_page = "a.next::attr(href)"
    selectors = {
        "title": "h1.entry-title",
        "summary": "p.standfirst",
        "body": "div.entry-content",
        "authors": ".entry-meta a.author",
        "section": ".entry-header .cat",
        "tags": ".tags a[rel=tag]",
        "related": ".entry-content a::attr(href)",
    }
    body_exclude = (".ad-slot", ".share")
    language = "en"
    timezone = "Asia/Baghdad"
    source = {"name": "Levant Monitor", "country": "LB", "type": "independent"}

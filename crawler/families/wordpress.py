"""WordPress family: theme selectors, body-class article detection, REST API path.

Policy:

* **REST API first.** On start each origin is probed with
  ``/wp-json/wp/v2/posts?per_page=20&page=1&_embed=1``. A 200 JSON list makes the
  API the crawl: posts become articles directly from the JSON (no HTML fetch),
  pages follow ``X-WP-TotalPages`` up to ``max_pages`` and stop early once a
  page reaches posts older than ``since``. The JSON carries everything the HTML
  would give (title, dates with the site's UTC offset, authors, terms, featured
  image) and ``content.rendered`` goes through the same body cleaning as a page
  body, so "Read also" links, credit lines ("The world with AFP") and wire
  detection work on it too; fields are marked ``wp_api`` in provenance (see
  ``crawler.families.wpapi``). Fetching each post's HTML as well would double
  the requests for little: JSON-LD on a WordPress page is generated from the
  same post fields.
  "Read also" links are followed after the API listing is done, so a post the
  API already gave is never fetched as HTML. Post URLs are held to the same
  rules as fetched pages: allowed domains, path prefixes, robots.txt (read
  before the probe), the date window. A 401/403/404, a non-JSON or empty
  answer, or a failed request falls back to HTML discovery (``wpapi/fallback``).
* **HTML discovery**: start pages (home), category and tag listings, ``/page/N/``
  pagination (tagDiv, JNews, core and ``link[rel=next]``), the ``/feed/`` RSS
  feed and the sitemaps named in robots.txt (Yoast ``sitemap_index.xml`` or core
  ``wp-sitemap.xml``; page, taxonomy and author sitemaps skipped).
* **Article detection** by ``<body>`` class: ``single-post``, ``single-format-*``
  or ``postid-*`` is an article; ``page``, ``archive``, ``category``, ``tag``,
  ``author``, ``home``, ``blog``, ``search``, ``error404`` never is.
* **Themes**: tagDiv Newspaper (classic and cloud templates), JNews, and the
  core ``entry-content`` markup; the theme is recognised per page and its
  selectors are merged under any selectors a site file sets.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import replace
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from crawler.families.wpapi import is_protected, post_article, post_language, wp_date
from crawler.profile import SiteProfile
from crawler.spider import NewsSpider
from crawler.urls import strip_tracking

__all__ = ["THEMES", "WordPressSpider", "wp_body_verdict"]

#: Body classes that make a page a single post.
ARTICLE_BODY_CLASSES = frozenset({"single-post"})
ARTICLE_BODY_PREFIXES = ("single-format-", "postid-")
#: Body classes of pages that are never articles.
NON_ARTICLE_BODY_CLASSES = frozenset(
    {"page", "archive", "category", "tag", "author", "home", "blog", "search", "error404"}
)

#: (theme, CSS that recognises it, selectors, body_exclude), tried in order.
THEMES: tuple[tuple[str, str, Mapping[str, str], tuple[str, ...]], ...] = (
    (
        "tagdiv",
        ".td-post-content",
        {
            "title": "h1.entry-title, h1.tdb-title-text",
            "body": ".td-post-content",
            "authors": ".td-post-author-name a::text",
            "published": "time.entry-date::attr(datetime)",
            "section": ".td-category a::text, .entry-category a::text",
            "tags": ".td-tags a::text",
        },
        (".td-post-sharing", ".td-a-rec", ".td-post-source-tags", ".td-post-next-prev"),
    ),
    (
        "tagdiv-cloud",
        ".tdb_single_content",
        {
            "title": "h1.tdb-title-text, h1.entry-title",
            "body": ".tdb_single_content .tdb-block-inner",
            "authors": ".tdb-author-name::text, .td-post-author-name a::text",
            "published": "time.entry-date::attr(datetime)",
            "section": ".tdb-category a::text, .td-category a::text, .entry-category a::text",
            "tags": ".tdb-tags a::text, .td-tags a::text",
        },
        (".td-post-sharing", ".td-a-rec", ".tdb-author-box"),
    ),
    (
        "jnews",
        ".jeg_post_title, .jeg_inner_content",
        {
            "title": "h1.jeg_post_title",
            "summary": ".jeg_post_subtitle",
            "body": ".content-inner",
            "authors": ".jeg_meta_author a::text",
            "published": ".jeg_meta_date a::text",
            "section": ".jeg_meta_category a::text",
            "tags": ".jeg_post_tags a::text",
        },
        (".jeg_share_button", ".jeg_authorbox", ".jnews_related_post_container", ".jeg_post_tags"),
    ),
)

#: Child sitemaps of Yoast / Rank Math / core indexes that list no posts.
SITEMAP_DENY = re.compile(
    r"/(?:page|category|post_tag|tag|author|attachment|post_format|web-story|product)"
    r"-sitemap\d*\.xml|/wp-sitemap-(?:users|taxonomies|posts-page|posts-attachment)-"
)

#: A last path segment of two or more hyphen-joined words, no query.
_SHORT_SLUG = re.compile(r"^https?://[^/?#]+/(?:[^/?#]+/)*[^/?#.]+-[^/?#.]+/?$")


def wp_body_verdict(body_classes: str) -> bool | None:
    """True (single post), False (never an article) or None (not WordPress-classed)."""
    classes = set(body_classes.split())
    if classes & NON_ARTICLE_BODY_CLASSES:
        return False
    if classes & ARTICLE_BODY_CLASSES or any(c.startswith(ARTICLE_BODY_PREFIXES) for c in classes):
        return True
    return None


class WordPressSpider(NewsSpider):
    """Base for WordPress news sites (see module docstring)."""

    article_links: ClassVar[dict[str, Any]] = {
        "deny": (
            r"/(?:category|tag|author|page|feed|search|wp-content|wp-admin|wp-json|amp)/",
            r"/wp-login\.php",
            r"/comment-page-\d+",
            r"[?&](?:replytocom|share|s)=",
        ),
    }
    listing_links: ClassVar[dict[str, Any] | None] = {
        "allow": (r"/category/[^?#]+$", r"/tag/[^?#]+$"),
        "deny": (r"/feed/?$", r"/page/\d+/?$"),
    }
    listing_depth: ClassVar[int] = 1
    next_page: ClassVar[str | None] = (
        ".page-nav a:has(i.td-icon-menu-right)::attr(href),"
        " .jeg_pagination a.next::attr(href),"
        " a.next.page-numbers::attr(href),"
        " link[rel=next]::attr(href)"
    )
    selectors: ClassVar[dict[str, str]] = {
        "title": "h1.entry-title",
        "body": ".entry-content",
        "authors": ".byline .author a::text",
        "published": "time.entry-date.published::attr(datetime)",
        "modified": "time.updated::attr(datetime)",
        "section": ".cat-links a::text",
        "tags": ".tags-links a::text",
    }
    body_exclude: ClassVar[tuple[str, ...]] = (
        ".sharedaddy",
        ".jp-relatedposts",
        ".addtoany_share_save_container",
        ".heateor_sss_sharing_container",
        ".yarpp-related",
        ".crp_related",
        ".saboxplugin-wrap",
        ".author-box",
        ".post-share",
        ".share-buttons",
    )
    sitemaps: ClassVar[bool | list[str]] = True
    feeds: ClassVar[list[str]] = ["/feed/"]
    #: Try the REST API before HTML discovery.
    wp_api: ClassVar[bool] = True
    wp_api_per_page: ClassVar[int] = 20

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: origin -> "Read also" links of API posts, followed once the API is read.
        self._wp_related: dict[str, list[tuple[str, int]]] = {}
        #: origin -> language most API posts declare.
        self._wp_language: dict[str, str] = {}
        #: origin -> robots.txt parser, to vet API post URLs that are never fetched.
        self._wp_robots: dict[str, Any] = {}

    # -- themes and detection -------------------------------------------------

    @cached_property
    def _theme_profiles(self) -> tuple[tuple[str, SiteProfile], ...]:
        own = type(self).selectors
        site = {} if own is WordPressSpider.selectors else dict(own)
        profiles = []
        for _name, detect, selectors, exclude in THEMES:
            merged = {**selectors, **site}
            body_exclude = tuple(dict.fromkeys((*self.profile.body_exclude, *exclude)))
            profiles.append(
                (detect, replace(self.profile, selectors=merged, body_exclude=body_exclude))
            )
        return tuple(profiles)

    def profile_for(self, response: TextResponse) -> SiteProfile:
        """The theme's profile when its markup is on the page, else the core one."""
        for detect, profile in self._theme_profiles:
            if response.css(detect):
                return profile
        return self.profile

    def page_verdict(self, response: TextResponse) -> bool | None:
        """The ``<body>`` class verdict (see :func:`wp_body_verdict`)."""
        return wp_body_verdict(" ".join(response.css("body::attr(class)").getall()))

    def is_article_url(self, url: str) -> bool:
        """Also short post slugs (``/iran-talks/``): the body class vets the page."""
        if super().is_article_url(url):
            return True
        return self._article_extractor.matches(url) and _SHORT_SLUG.search(url) is not None

    def follow_sitemap(self, url: str) -> bool:
        return SITEMAP_DENY.search(url) is None

    # -- REST API ---------------------------------------------------------------

    def wp_api_url(self, origin: str, page: int) -> str:
        return f"{origin}/wp-json/wp/v2/posts?per_page={self.wp_api_per_page}&page={page}&_embed=1"

    def _wp_api_request(self, origin: str, page: int) -> scrapy.Request:
        return scrapy.Request(
            self.wp_api_url(origin, page),
            self.parse_wp_api,
            errback=self.wp_api_failed,
            cb_kwargs={"origin": origin, "page": page},
            meta={"handle_httpstatus_list": [401, 403, 404, 410]},
            dont_filter=True,
        )

    async def start(self) -> AsyncIterator[Any]:
        if not self.wp_api:
            for request in self.discovery_requests():
                yield request
            return
        for origin in self._origins():
            if self.settings.getbool("ROBOTSTXT_OBEY"):
                # API posts are never fetched, so robots.txt is read here to vet their URLs.
                yield scrapy.Request(
                    origin + "/robots.txt",
                    self.parse_wp_robots,
                    errback=self.wp_robots_failed,
                    cb_kwargs={"origin": origin},
                    meta={"handle_httpstatus_all": True},
                    dont_filter=True,
                )
            else:
                yield self._wp_api_request(origin, 1)

    def parse_wp_robots(self, response: Response, origin: str) -> Iterator[scrapy.Request]:
        """Keep the origin's robots.txt rules, then probe the API."""
        if response.status == 200:
            parser_class = load_object(self.settings["ROBOTSTXT_PARSER"])
            self._wp_robots[origin] = parser_class.from_crawler(self.crawler, response.body)
        yield self._wp_api_request(origin, 1)

    def wp_robots_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        yield self._wp_api_request(failure.request.cb_kwargs["origin"], 1)  # type: ignore[attr-defined]

    def _on_site(self, url: str) -> bool:
        """``allowed_domains`` check (subdomains included) for URLs never requested."""
        host = (urlsplit(url).hostname or "").lower()
        domains = [d.lower() for d in self.allowed_domains or ()]
        return not domains or any(host == d or host.endswith("." + d) for d in domains)

    def _robots_allow(self, origin: str, url: str) -> bool:
        parser = self._wp_robots.get(origin)
        if parser is None:
            return True
        agent = self.settings.get("ROBOTSTXT_USER_AGENT") or self.settings.get("USER_AGENT")
        return bool(parser.allowed(url, agent or "*"))

    def _fallback(self, origin: str, reason: str) -> Iterator[scrapy.Request]:
        self._inc("wpapi/fallback")
        self.logger.info("WordPress REST API unusable at %s (%s): HTML discovery", origin, reason)
        yield from self.discovery_requests(origin)

    def wp_api_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        origin = failure.request.cb_kwargs["origin"]  # type: ignore[attr-defined]
        page = failure.request.cb_kwargs["page"]  # type: ignore[attr-defined]
        if page == 1:
            yield from self._fallback(origin, failure.getErrorMessage())
        else:
            yield from self._flush_related(origin)

    def parse_wp_api(self, response: Response, origin: str, page: int) -> Iterator[Any]:
        """One page of ``/wp/v2/posts``: articles, next page, then related links."""
        posts: Any = None
        if response.status == 200:
            try:
                posts = json.loads(response.body)
            except ValueError:
                posts = None
        if not isinstance(posts, list) or not posts:
            if page == 1:
                yield from self._fallback(origin, f"status {response.status}, no post list")
            else:
                yield from self._flush_related(origin)
            return
        self._inc("wpapi/pages")
        posts = [post for post in posts if isinstance(post, Mapping)]
        languages = Counter(filter(None, map(post_language, posts)))
        if languages and origin not in self._wp_language:
            self._wp_language[origin] = languages.most_common(1)[0][0]
        reached_since = False
        for post in posts:
            self._inc("wpapi/posts")
            published = wp_date(post.get("date"), post.get("date_gmt"), self.timezone)
            if self.window.before_since(published):
                reached_since = True
            item = self._wp_post_item(post, published, origin, response)
            if item is not None:
                yield item
        total_pages = response.headers.get(b"X-WP-TotalPages", b"1") or b"1"
        total = int(total_pages) if total_pages.isdigit() else 1
        if page < min(total, self.max_pages) and not reached_since:
            yield self._wp_api_request(origin, page + 1)
        else:
            yield from self._flush_related(origin)

    def _flush_related(self, origin: str) -> Iterator[scrapy.Request]:
        for url, depth in self._wp_related.pop(origin, []):
            yield from self.related_requests([url], depth)

    def _wp_post_item(
        self, post: Mapping[str, Any], published: str | None, origin: str, response: Response
    ) -> Any:
        """The item for one API post, or None (counted): same rules as an HTML page."""
        link = str(post.get("link") or "")
        if not link.startswith(("http://", "https://")) or not self._on_site(link):
            self._inc("offsite/filtered")
            return None
        if not self.in_scope(link):
            self._inc("offsite/path_filtered")
            return None
        if not self._robots_allow(origin, link):
            self._inc("robotstxt/forbidden")
            return None
        if not self.window.contains(published):
            self._emitted.add(strip_tracking(link))
            self._inc("discovery/out_of_range")
            return None
        if is_protected(post):
            self._inc("article/dropped/protected")
            return None
        data = self.wp_post_article(post, self._wp_language.get(origin))
        if isinstance(response, TextResponse):
            data = self.postprocess(data, response)
        if not data.get("title"):
            self._inc("article/dropped/not_article")
            return None
        if data["word_count"] < self.min_words:
            self._inc("article/dropped/no_body")
            return None
        item = self.emit(data)
        if item is not None:
            self._wp_related.setdefault(origin, []).extend((url, 0) for url in data["related_urls"])
        return item

    def wp_post_article(
        self, post: Mapping[str, Any], site_language: str | None = None
    ) -> dict[str, Any]:
        """Article fields of one API post (``crawler.families.wpapi``); the spider's
        ``language`` when neither the post nor the site declares one. A hook: site
        files may extend it."""
        data = post_article(post, profile=self.profile, site_language=site_language)
        if data["language"] is None and self.language:
            data["language"] = self.language
            data["provenance"]["language"] = "spider"
        return data

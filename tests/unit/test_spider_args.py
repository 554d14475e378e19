"""NewsSpider arguments, scope filtering and discovery callbacks; WordPress family basics."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.families.wordpress import WordPressSpider, wp_body_verdict
from crawler.items import Article
from crawler.spider import NewsSpider
from spiders.wordpress import WordPressGenericSpider

SETTINGS = {"ARTICLE_MAX_PAGES": 7, "ARTICLE_RELATED_DEPTH": 1, "ARTICLE_MIN_WORDS": 10}


class ExampleSpider(NewsSpider):
    name = "example"
    allowed_domains = ["www.example.test"]
    path_prefixes = ("/en/",)
    start_urls = ["https://www.example.test/en/middle-east/"]
    article_links = {"allow": r"/en/\d{4}/\d{2}/\d{2}/"}
    next_page = "a.next::attr(href)"
    timezone = "Asia/Baghdad"
    sitemaps = True
    feeds = ["/en/rss.xml"]
    source = {"name": "Example", "country": "IQ", "type": "independent"}


def make(spidercls: type[NewsSpider] = ExampleSpider, **kwargs: Any) -> Any:
    crawler = get_crawler(spidercls, SETTINGS)
    return spidercls.from_crawler(crawler, **kwargs)


def stat(spider: NewsSpider, key: str) -> Any:
    return spider.crawler.stats.get_value(key)


def html(url: str, body: str, request: Request | None = None) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=request)


def collect_start(spider: NewsSpider) -> list[Any]:
    async def run() -> list[Any]:
        return [request async for request in spider.start()]

    return asyncio.run(run())


# -- arguments ------------------------------------------------------------------


def test_defaults_come_from_settings_and_class() -> None:
    spider = make()
    assert spider.max_pages == 7
    assert spider.related_depth == 1
    assert spider.min_words == 10
    assert spider.start_urls == ["https://www.example.test/en/middle-east/"]
    assert not spider.window.bounded


def test_arguments_override_defaults() -> None:
    spider = make(
        max_pages="3",
        related_depth="0",
        since="2024-09-10",
        until="2024-09-13",
        start_urls="https://www.example.test/en/iraq/, https://www.example.test/en/iran/",
    )
    assert spider.max_pages == 3
    assert spider.related_depth == 0
    assert str(spider.window.since) == "2024-09-10"
    assert str(spider.window.until) == "2024-09-13"
    assert spider.window.timezone == "Asia/Baghdad"
    assert spider.start_urls == [
        "https://www.example.test/en/iraq/",
        "https://www.example.test/en/iran/",
    ]
    assert ExampleSpider.start_urls == ["https://www.example.test/en/middle-east/"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_pages": "0"}, "max_pages"),
        ({"max_pages": "many"}, "max_pages"),
        ({"related_depth": "-1"}, "related_depth"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2024-13-01"}, "until"),
        ({"since": "2024-09-14", "until": "2024-09-13"}, "after"),
        ({"start_urls": "www.example.test/en/"}, "start_urls"),
    ],
)
def test_bad_arguments_fail_clearly(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make(**kwargs)


def test_items_outside_the_window_are_dropped_and_counted() -> None:
    spider = make(since="2024-09-10", until="2024-09-13")
    base = {"title": "T", "body": "b", "language": None}
    inside = {**base, "url": "https://www.example.test/en/2024/09/13/a/", "published": None}
    inside["published"] = "2024-09-13T23:30:00+03:00"
    late = {**base, "url": "https://www.example.test/en/2024/09/14/b/"}
    late["published"] = "2024-09-13T22:30:00+00:00"  # 01:30 on the 14th in Baghdad
    undated = {**base, "url": "https://www.example.test/en/2024/09/12/c/"}
    item = spider.emit(inside)
    assert isinstance(item, Article)
    assert item["spider"] == "example"
    assert item["source"]["name"] == "Example"
    assert spider.emit(late) is None
    assert stat(spider, "article/dropped/out_of_range") == 1
    assert spider.emit(undated) is not None
    assert spider.emit(inside) is None
    assert stat(spider, "article/dropped/duplicate") == 1


# -- scope ----------------------------------------------------------------------


def test_path_prefix_filter_and_tracking_strip() -> None:
    spider = make()
    assert spider.article_request("https://www.example.test/fr/2024/09/13/histoire/") is None
    assert stat(spider, "offsite/path_filtered") == 1
    request = spider.article_request(
        "https://www.example.test/en/2024/09/13/story-title-here/?utm_source=x&id=4#c", 1
    )
    assert request is not None
    assert request.url == "https://www.example.test/en/2024/09/13/story-title-here/?id=4"
    assert request.callback == spider.parse_article
    assert request.cb_kwargs == {"depth": 1}
    assert spider.article_request("mailto:desk@example.test") is None


def test_emitted_urls_are_not_requested_again() -> None:
    spider = make()
    url = "https://www.example.test/en/2024/09/13/story-title-here/"
    spider.emit({"url": url, "title": "T", "body": "b"}, also=(url + "?utm_medium=social",))
    assert spider.article_request(url + "?utm_source=feed") is None


def test_listing_follows_articles_and_next_page_up_to_max_pages() -> None:
    spider = make(max_pages="2")
    body = """<html><body>
      <a href="/en/2024/09/13/rockets-hit-airport-base/">A</a>
      <a href="/en/2024/09/13/rockets-hit-airport-base/?utm_campaign=x">A again</a>
      <a href="/fr/2024/09/13/roquettes-sur-la-base/">French</a>
      <a href="/en/about-us/">About</a>
      <a class="next" href="/en/middle-east/page/2/">Next</a>
    </body></html>"""
    page1 = list(spider.parse_listing(html("https://www.example.test/en/middle-east/", body)))
    urls = [(r.url, r.callback.__name__) for r in page1]
    assert urls == [
        ("https://www.example.test/en/2024/09/13/rockets-hit-airport-base/", "parse_article"),
        ("https://www.example.test/en/middle-east/page/2/", "parse_listing"),
    ]
    assert page1[-1].cb_kwargs == {"page": 2, "depth": 0}
    page2 = list(
        spider.parse_listing(html("https://www.example.test/en/middle-east/page/2/", body), page=2)
    )
    assert all(r.callback == spider.parse_article for r in page2)
    assert stat(spider, "listing/pages") == 2


def test_start_yields_listings_feeds_and_robots() -> None:
    spider = make()
    requests = collect_start(spider)
    assert [(r.url, r.callback.__name__) for r in requests] == [
        ("https://www.example.test/en/middle-east/", "parse_listing"),
        ("https://www.example.test/en/rss.xml", "parse_feed"),
        ("https://www.example.test/robots.txt", "parse_sitemap"),
    ]


def test_sitemap_callbacks_honour_window_and_scope() -> None:
    spider = make(since="2024-09-10")
    robots = TextResponse(
        "https://www.example.test/robots.txt",
        body=b"Sitemap: https://www.example.test/news-sitemap.xml\n",
    )
    (request,) = spider.parse_sitemap(robots)
    assert request.url == "https://www.example.test/news-sitemap.xml"
    body = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://www.example.test/en/2024/09/13/new-story-here/</loc>
        <news:news><news:publication_date>2024-09-13</news:publication_date></news:news></url>
      <url><loc>https://www.example.test/en/2024/09/01/old-story-here/</loc>
        <news:news><news:publication_date>2024-09-01</news:publication_date></news:news></url>
      <url><loc>https://www.example.test/en/middle-east/</loc></url>
    </urlset>"""
    sitemap = scrapy.http.XmlResponse("https://www.example.test/news-sitemap.xml", body=body)
    assert [r.url for r in spider.parse_sitemap(sitemap)] == [
        "https://www.example.test/en/2024/09/13/new-story-here/"
    ]
    assert stat(spider, "discovery/out_of_range") == 1


def test_feed_callback_filters_by_date() -> None:
    spider = make(until="2024-09-12")
    body = b"""<rss version="2.0"><channel>
      <item><link>https://www.example.test/en/2024/09/13/too-new-story/</link>
        <pubDate>Fri, 13 Sep 2024 10:05:00 +0300</pubDate></item>
      <item><link>https://www.example.test/en/2024/09/11/fine-story-here/</link>
        <pubDate>Wed, 11 Sep 2024 10:05:00 +0300</pubDate></item>
    </channel></rss>"""
    feed = scrapy.http.XmlResponse("https://www.example.test/en/rss.xml", body=body)
    assert [r.url for r in spider.parse_feed(feed)] == [
        "https://www.example.test/en/2024/09/11/fine-story-here/"
    ]


# -- WordPress family -------------------------------------------------------------


def test_wordpress_spider_needs_start_urls() -> None:
    with pytest.raises(ValueError, match="start_urls"):
        make(WordPressGenericSpider)


def test_wordpress_spider_domains_from_start_urls() -> None:
    spider = make(
        WordPressGenericSpider, start_urls="http://127.0.0.1:8123/,https://news.example.test/"
    )
    assert spider.allowed_domains == ["127.0.0.1", "news.example.test"]
    assert spider.profile.domains == ("127.0.0.1", "news.example.test")
    requests = collect_start(spider)
    assert [r.url for r in requests] == [
        "http://127.0.0.1:8123/wp-json/wp/v2/posts?per_page=20&page=1&_embed=1",
        "https://news.example.test/wp-json/wp/v2/posts?per_page=20&page=1&_embed=1",
    ]


@pytest.mark.parametrize(
    ("classes", "verdict"),
    [
        ("post-template-default single single-post postid-12 single-format-standard", True),
        ("single postid-9", True),
        ("page-template-default page page-id-2", False),
        ("archive category category-world", False),
        ("home blog", False),
        ("error404", False),
        ("search search-results", False),
        ("some-other-theme", None),
        ("", None),
    ],
)
def test_wordpress_body_classes(classes: str, verdict: bool | None) -> None:
    assert wp_body_verdict(classes) is verdict


def wp_post(**overrides: Any) -> dict[str, Any]:
    paragraph = "<p>" + " ".join(["Militia rockets struck near the airport base."] * 3) + "</p>"
    post = {
        "id": 12,
        "date": "2024-09-13T10:05:00",
        "date_gmt": "2024-09-13T07:05:00",
        "modified": "2024-09-13T12:00:00",
        "modified_gmt": "2024-09-13T09:00:00",
        "link": "http://127.0.0.1:8123/rockets-strike-near-airport-base/",
        "title": {"rendered": "Rockets strike near airport&#8217;s base"},
        "content": {
            "rendered": paragraph * 2
            + '<p>Read also | <a href="/earlier-attack-on-the-base/">Earlier attack</a></p>'
            + "<p>The world with AFP</p>",
            "protected": False,
        },
        "excerpt": {"rendered": "<p>Militia rockets struck near the airport [&hellip;]</p>"},
        "_embedded": {
            "author": [{"name": "Jane Doe"}],
            "wp:term": [[{"taxonomy": "category", "name": "Iraq"}], []],
        },
    }
    post.update(overrides)
    return post


def wp_response(posts: Any, status: int = 200, total_pages: int = 1) -> TextResponse:
    origin = "http://127.0.0.1:8123"
    request = Request(f"{origin}/wp-json/wp/v2/posts?per_page=20&page=1&_embed=1")
    return TextResponse(
        request.url,
        status=status,
        body=json.dumps(posts).encode(),
        headers={"Content-Type": "application/json", "X-WP-TotalPages": str(total_pages)},
        request=request,
    )


def test_wordpress_api_posts_become_articles() -> None:
    spider = make(WordPressGenericSpider, start_urls="http://127.0.0.1:8123/", max_pages="2")
    out = list(
        spider.parse_wp_api(wp_response([wp_post()], total_pages=3), "http://127.0.0.1:8123", 1)
    )
    item, next_page = out
    assert isinstance(item, Article)
    assert item["title"] == "Rockets strike near airport’s base"
    assert item["published"] == "2024-09-13T10:05:00+03:00"
    assert item["modified"] == "2024-09-13T12:00:00+03:00"
    assert item["authors"] == ["Jane Doe"]
    assert item["section"] == "Iraq"
    assert item["wire"] == ["AFP"]
    assert item["summary"] is None
    assert item["related_urls"] == ["http://127.0.0.1:8123/earlier-attack-on-the-base/"]
    assert "Read also" not in item["body"] and "AFP" not in item["body"]
    assert item["provenance"]["body"] == "wp_api"
    assert item["spider"] == "wordpress"
    assert next_page.url.endswith("page=2&_embed=1")
    # the last page (max_pages) flushes the related links
    last = list(spider.parse_wp_api(wp_response([wp_post()]), "http://127.0.0.1:8123", 2))
    assert [r.url for r in last] == ["http://127.0.0.1:8123/earlier-attack-on-the-base/"]
    assert stat(spider, "article/dropped/duplicate") == 1


def test_wordpress_api_window_stops_paging() -> None:
    spider = make(WordPressGenericSpider, start_urls="http://127.0.0.1:8123/", since="2024-09-14")
    out = list(
        spider.parse_wp_api(wp_response([wp_post()], total_pages=5), "http://127.0.0.1:8123", 1)
    )
    assert out == []
    assert stat(spider, "discovery/out_of_range") == 1


@pytest.mark.parametrize(
    ("posts", "status"), [([], 200), ({"code": "rest_no_route"}, 404), ("<html>", 200)]
)
def test_wordpress_api_fallback_to_html(posts: Any, status: int) -> None:
    spider = make(WordPressGenericSpider, start_urls="http://127.0.0.1:8123/")
    response = wp_response(posts, status=status)
    if posts == "<html>":
        response = response.replace(body=b"<html><body>hello</body></html>")
    requests = list(spider.parse_wp_api(response, "http://127.0.0.1:8123", 1))
    assert [r.url for r in requests] == [
        "http://127.0.0.1:8123/",
        "http://127.0.0.1:8123/feed/",
        "http://127.0.0.1:8123/robots.txt",
    ]
    assert stat(spider, "wpapi/fallback") == 1


def test_wordpress_sitemap_index_skips_non_post_sitemaps() -> None:
    spider = make(WordPressGenericSpider, start_urls="https://news.example.test/")
    body = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.example.test/post-sitemap.xml</loc></sitemap>
      <sitemap><loc>https://news.example.test/page-sitemap.xml</loc></sitemap>
      <sitemap><loc>https://news.example.test/category-sitemap.xml</loc></sitemap>
      <sitemap><loc>https://news.example.test/author-sitemap.xml</loc></sitemap>
      <sitemap><loc>https://news.example.test/wp-sitemap-posts-post-1.xml</loc></sitemap>
      <sitemap><loc>https://news.example.test/wp-sitemap-users-1.xml</loc></sitemap>
    </sitemapindex>"""
    response = scrapy.http.XmlResponse("https://news.example.test/sitemap_index.xml", body=body)
    assert [r.url for r in spider.parse_sitemap(response)] == [
        "https://news.example.test/post-sitemap.xml",
        "https://news.example.test/wp-sitemap-posts-post-1.xml",
    ]


def test_wordpress_theme_profiles() -> None:
    spider = make(WordPressGenericSpider, start_urls="https://news.example.test/")
    tagdiv = html("https://news.example.test/x/", '<div class="td-post-content"><p>x</p></div>')
    jnews = html("https://news.example.test/x/", '<h1 class="jeg_post_title">T</h1>')
    core = html("https://news.example.test/x/", '<div class="entry-content"><p>x</p></div>')
    assert spider.profile_for(tagdiv).selectors["body"] == ".td-post-content"
    assert spider.profile_for(jnews).selectors["body"] == ".content-inner"
    assert spider.profile_for(core).selectors["body"] == ".entry-content"
    assert ".jeg_share_button" in spider.profile_for(jnews).body_exclude


def test_wordpress_site_selectors_win_over_theme() -> None:
    class SiteSpider(WordPressSpider):
        name = "site"
        allowed_domains = ["news.example.test"]
        selectors = {"title": "h1.headline"}

    spider = make(SiteSpider)
    page = html("https://news.example.test/x/", '<div class="td-post-content"></div>')
    assert spider.profile_for(page).selectors["title"] == "h1.headline"
    assert spider.profile_for(page).selectors["body"] == ".td-post-content"


def test_wordpress_non_article_pages_skip_extraction() -> None:
    spider = make(WordPressGenericSpider, start_urls="https://news.example.test/")
    words = " ".join(["word"] * 80)
    page = html(
        "https://news.example.test/privacy-policy/",
        f'<body class="page-template-default page page-id-3"><h1 class="entry-title">Privacy'
        f'</h1><div class="entry-content"><p>{words}</p></div></body>',
    )
    assert list(spider.parse_article(page)) == []
    assert stat(spider, "article/dropped/not_article") == 1
    assert stat(spider, "extraction/body/site") is None


def test_short_articles_are_counted_as_no_body() -> None:
    spider = make(WordPressGenericSpider, start_urls="https://news.example.test/")
    page = html(
        "https://news.example.test/short-post-here/",
        '<html lang="en"><body class="single single-post postid-4"><h1 class="entry-title">'
        'Short</h1><div class="entry-content"><p>Only a few words here.</p></div></body></html>',
    )
    assert list(spider.parse_article(page)) == []
    assert stat(spider, "article/dropped/no_body") == 1


def test_wordpress_api_unedited_post_and_site_language() -> None:
    spider = make(WordPressGenericSpider, start_urls="http://127.0.0.1:8123/")
    edited = wp_post(yoast_head_json={"og_locale": "en_US"})
    unedited = wp_post(
        link="http://127.0.0.1:8123/police-seize-pills-in-fruit-shipment/",
        modified="2024-09-13T10:05:00",
        modified_gmt="2024-09-13T07:05:00",
    )
    items = list(spider.parse_wp_api(wp_response([edited, unedited]), "http://127.0.0.1:8123", 1))
    by_url = {item["url"]: item for item in items if isinstance(item, Article)}
    plain = by_url["http://127.0.0.1:8123/police-seize-pills-in-fruit-shipment/"]
    assert plain["modified"] is None
    assert plain["language"] == "en"


def test_wordpress_api_posts_obey_robots_and_domains() -> None:
    crawler = get_crawler(WordPressGenericSpider, {**SETTINGS, "ROBOTSTXT_OBEY": True})
    spider = WordPressGenericSpider.from_crawler(crawler, start_urls="http://127.0.0.1:8123/")
    (robots_request,) = collect_start(spider)
    assert robots_request.url == "http://127.0.0.1:8123/robots.txt"
    robots = TextResponse(
        robots_request.url,
        body=b"User-agent: *\nDisallow: /members-only/\n",
        request=robots_request,
    )
    (api_request,) = spider.parse_wp_robots(robots, "http://127.0.0.1:8123")
    assert api_request.url.startswith("http://127.0.0.1:8123/wp-json/wp/v2/posts?")
    posts = [
        wp_post(link="http://127.0.0.1:8123/members-only/briefing-on-the-militias/"),
        wp_post(link="https://elsewhere.example/rockets-strike-near-airport-base/"),
        wp_post(),
    ]
    out = list(spider.parse_wp_api(wp_response(posts), "http://127.0.0.1:8123", 1))
    items = [item for item in out if isinstance(item, Article)]
    assert [item["url"] for item in items] == [
        "http://127.0.0.1:8123/rockets-strike-near-airport-base/"
    ]
    assert stat(spider, "robotstxt/forbidden") == 1
    assert stat(spider, "offsite/filtered") == 1


def test_wordpress_api_posts_go_through_postprocess() -> None:
    class TitledSpider(WordPressSpider):
        name = "titled"
        allowed_domains = ["127.0.0.1"]
        start_urls = ["http://127.0.0.1:8123/"]

        def postprocess(self, article: dict[str, Any], response: TextResponse) -> dict[str, Any]:
            article["title"] = article["title"].upper()
            return article

    spider = make(TitledSpider)
    (item,) = [
        i
        for i in spider.parse_wp_api(wp_response([wp_post()]), "http://127.0.0.1:8123", 1)
        if isinstance(i, Article)
    ]
    assert item["title"] == "ROCKETS STRIKE NEAR AIRPORT’S BASE"

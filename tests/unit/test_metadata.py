"""Tolerant JSON-LD, @graph/@id resolution, article choice, meta tags and microdata."""

from __future__ import annotations

import json
import logging

import pytest
from parsel import Selector

from crawler import metadata
from crawler.metadata import (
    Node,
    article_node,
    jsonld_objects,
    microdata_node,
    parse_jsonld,
    pick_article,
    read_meta,
)

URL = "https://news.example/2024/09/13/some-story/"


def _page(*blocks: str, head: str = "", body: str = "") -> Selector:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return Selector(text=f"<html><head>{scripts}{head}</head><body>{body}</body></html>")


ARTICLE = json.dumps(
    {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Strike on depot"}
)
CRUMBS = json.dumps({"@context": "https://schema.org", "@type": "BreadcrumbList"})


# -- tolerant parsing ---------------------------------------------------------


def test_broken_block_among_good_ones_loses_nothing_else(caplog: pytest.LogCaptureFixture) -> None:
    broken = '{"@type": "WebSite", "name": "Oops" "url": }'
    with caplog.at_level(logging.WARNING, logger="crawler.jsonld"):
        parsed = parse_jsonld(_page(ARTICLE, broken, CRUMBS), URL)
    assert [o["@type"] for o in parsed.objects] == ["NewsArticle", "BreadcrumbList"]
    assert parsed.broken == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert URL in warnings[0].getMessage()


def test_no_warning_when_every_block_parses(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="crawler.jsonld"):
        parsed = parse_jsonld(_page(ARTICLE, CRUMBS), URL)
    assert parsed.broken == 0
    assert not caplog.records


def test_trailing_commas_are_tolerated() -> None:
    block = '{"@type": "NewsArticle", "headline": "Talks resume", "keywords": ["a", "b",],}'
    (obj,) = jsonld_objects(_page(block))
    assert obj["headline"] == "Talks resume"
    assert obj["keywords"] == ["a", "b"]


def test_comments_are_tolerated_and_urls_inside_strings_survive() -> None:
    block = """{
      // the article
      "@type": "NewsArticle", /* inline */
      "headline": "Port closed",
      "url": "https://news.example/port-closed/"
    }"""
    (obj,) = jsonld_objects(_page(block))
    assert obj["url"] == "https://news.example/port-closed/"


def test_control_characters_inside_strings_are_tolerated() -> None:
    block = '{"@type": "NewsArticle", "headline": "Line one\nline\ttwo\x01", "articleBody": "x"}'
    (obj,) = jsonld_objects(_page(block))
    assert obj["headline"].startswith("Line one")
    assert "two" in obj["headline"]


def test_html_comment_and_cdata_wrappers_are_stripped() -> None:
    block = '<!--\n//<![CDATA[\n{"@type": "NewsArticle", "headline": "Wrapped"}\n//]]>\n-->'
    sel = Selector(
        text=f'<html><head><script type="application/ld+json">{block}</script></head></html>'
    )
    (obj,) = jsonld_objects(sel)
    assert obj["headline"] == "Wrapped"


def test_empty_blocks_are_ignored_not_broken() -> None:
    parsed = parse_jsonld(_page("   ", ARTICLE))
    assert parsed.broken == 0
    assert len(parsed.objects) == 1


# -- flattening and references ------------------------------------------------


def _yoast_graph() -> str:
    return json.dumps(
        {
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "Article",
                    "@id": URL + "#article",
                    "headline": "Militia denies role in attack",
                    "author": {"@id": "https://news.example/#/schema/person/1"},
                    "publisher": {"@id": "https://news.example/#organization"},
                    "datePublished": "2024-09-13T10:05:00+03:00",
                },
                {"@type": "WebPage", "@id": URL, "name": "Militia denies role | News"},
                {
                    "@type": "Person",
                    "@id": "https://news.example/#/schema/person/1",
                    "name": "Leila Mansour",
                },
                {
                    "@type": "Organization",
                    "@id": "https://news.example/#organization",
                    "name": "Example News",
                },
            ],
        }
    )


def test_graph_is_flattened() -> None:
    types = [o["@type"] for o in jsonld_objects(_page(_yoast_graph()))]
    assert types == ["Article", "WebPage", "Person", "Organization"]


def test_id_references_resolve_for_author_and_publisher() -> None:
    node = article_node(parse_jsonld(_page(_yoast_graph())))
    assert node is not None
    assert node.headline == "Militia denies role in attack"
    assert node.authors == ["Leila Mansour"]
    assert node.organizations == ["Example News"]


def test_nested_lists_and_main_entity_are_flattened() -> None:
    data = [[{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "Inner"}}]]
    objs = jsonld_objects(_page(json.dumps(data)))
    assert pick_article(objs) == {"@type": "NewsArticle", "headline": "Inner"}


# -- choosing the article -----------------------------------------------------


def test_pick_article_prefers_news_types_over_article_and_webpage() -> None:
    objs = [
        {"@type": "WebPage", "headline": "page"},
        {"@type": "Article", "headline": "plain"},
        {"@type": ["ReportageNewsArticle"], "headline": "news"},
    ]
    assert pick_article(objs) == objs[2]


def test_pick_article_accepts_webpage_with_article_fields_only_as_last_resort() -> None:
    assert pick_article([{"@type": "WebPage", "name": "x"}]) is None
    page = {"@type": "WebPage", "headline": "Headline", "datePublished": "2024-09-13"}
    assert pick_article([{"@type": "BreadcrumbList"}, page]) == page


def test_pick_article_prefers_a_node_with_headline_among_equals() -> None:
    objs = [{"@type": "NewsArticle", "name": "a"}, {"@type": "NewsArticle", "headline": "b"}]
    assert pick_article(objs) == objs[1]


def test_pick_article_handles_prefixed_and_url_types() -> None:
    assert pick_article([{"@type": "schema:BlogPosting", "headline": "x"}]) is not None
    assert pick_article([{"@type": "https://schema.org/LiveBlogPosting"}]) is not None


# -- accessors ----------------------------------------------------------------


def test_accessors_return_raw_candidates_for_each_shape() -> None:
    node = Node(
        {
            "@type": "NewsArticle",
            "name": "Fallback name",
            "description": "Standfirst here",
            "keywords": "Iraq, Iran; United States",
            "articleSection": ["World", "Middle East"],
            "inLanguage": {"@type": "Language", "name": "French", "alternateName": "fr"},
            "image": [{"@type": "ImageObject", "url": "https://img.example/a.jpg"}, "b.jpg"],
            "author": [
                "Jane Roe",
                {"@type": "Person", "name": "John Doe"},
                {"@type": "Organization", "name": "Agence France-Presse"},
            ],
            "sourceOrganization": {"@type": "Organization", "name": "Reuters"},
            "isAccessibleForFree": "False",
        }
    )
    assert node.headline == "Fallback name"
    assert node.description == "Standfirst here"
    assert node.keywords == ["Iraq", "Iran", "United States"]
    assert node.sections == ["World", "Middle East"]
    assert node.language == "fr"
    assert node.image == "https://img.example/a.jpg"
    assert node.authors == ["Jane Roe", "John Doe"]
    assert node.organizations == ["Agence France-Presse", "Reuters"]
    assert node.paywalled is True


def test_paywall_flags() -> None:
    assert Node({"isAccessibleForFree": False}).paywalled is True
    assert Node({"isAccessibleForFree": "true"}).paywalled is False
    assert Node({"hasPart": {"isAccessibleForFree": "false"}}).paywalled is True
    assert Node({}).paywalled is False


def test_keyword_list_and_string_image() -> None:
    node = Node({"keywords": ["Gaza", "Ceasefire"], "image": "https://img.example/x.jpg"})
    assert node.keywords == ["Gaza", "Ceasefire"]
    assert node.image == "https://img.example/x.jpg"


# -- meta tags ----------------------------------------------------------------


def test_read_meta_collects_all_attribute_kinds_in_one_pass() -> None:
    sel = Selector(
        text="""<html lang="ar"><head><title> Page title </title>
        <meta property="og:title" content="OG title">
        <meta property="article:tag" content="one"><meta property="article:tag" content="two">
        <meta name="Author" content="Nour Haddad">
        <meta name="sailthru.date" content="2024-09-13">
        <meta http-equiv="Content-Language" content="ar-LB">
        <meta itemprop="datePublished" content="2024-09-12">
        <meta name="empty">
        <link rel="alternate canonical" href="https://news.example/a-b-c/">
        </head><body></body></html>"""
    )
    meta = read_meta(sel)
    assert meta.html_lang == "ar"
    assert meta.canonical == "https://news.example/a-b-c/"
    assert meta.title is not None and meta.title.strip() == "Page title"
    assert meta.first("og:title") == "OG title"
    assert meta.all("article:tag") == ["one", "two"]
    assert meta.first("author") == "Nour Haddad"
    assert meta.first("content-language") == "ar-LB"
    assert meta.first("datepublished") == "2024-09-12"
    assert meta.first("missing", "sailthru.date") == "2024-09-13"
    assert "empty" not in meta.tags


def test_meta_key_tables_are_lower_case() -> None:
    for table in (metadata.OG_KEYS, metadata.META_KEYS):
        for keys in table.values():
            assert all(k == k.lower() for k in keys)


# -- microdata ----------------------------------------------------------------


def test_microdata_is_skipped_without_itemscope() -> None:
    assert microdata_node(_page(body="<p itemprop='name'>x</p>"), URL) is None


def test_microdata_article_becomes_a_node() -> None:
    body = """<article itemscope itemtype="https://schema.org/NewsArticle">
      <h1 itemprop="headline">Convoy attacked near border</h1>
      <meta itemprop="datePublished" content="2024-09-13T08:00:00Z">
      <span itemprop="author" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">Omar Saleh</span></span>
      <div itemprop="publisher" itemscope itemtype="https://schema.org/Organization">
        <meta itemprop="name" content="Associated Press"></div>
    </article>"""
    node = microdata_node(_page(body=body), URL)
    assert node is not None
    assert node.headline == "Convoy attacked near border"
    assert node.published == "2024-09-13T08:00:00Z"
    assert node.authors == ["Omar Saleh"]
    assert node.organizations == ["Associated Press"]

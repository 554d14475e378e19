"""ArticleLoader: raw extracted values in, a clean Article out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from parsel import Selector

from crawler.dates import parse_date
from crawler.items import SCHEMA_VERSION, Article
from crawler.loaders import ArticleLoader, Dedup, normalise_language
from crawler.text import join_paragraphs, word_count
from crawler.urls import article_id, choose_canonical, registrable_domain

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "crawler" / "schema" / "article.schema.json"
FETCHED = (
    "https://www.example-news.com/entertainment/following-attack-us-accuses-groups/?utm_source=fb"
)


def make_loader(**context: Any) -> ArticleLoader:
    context.setdefault("timezone", "Asia/Baghdad")
    return ArticleLoader(**context)


def test_builds_an_article_from_raw_values() -> None:
    loader = make_loader(outlet_names=["Example News"])
    loader.add_value("title", ["  Following attack,&nbsp;US accuses\u200b groups ", "Other"])
    loader.add_value("summary", "The embassy &amp; the airport.")
    loader.add_value("authors", ["By John Smith and Jane Doe", "Example News", "Le Monde with AFP"])
    loader.add_value("published", "Posted on Friday, September 13, 2024 - 10:05 am")
    loader.add_value("modified", "2024-09-14T08:00:00Z")
    loader.add_value("language", "en-US")
    loader.add_value("section", "  Entertainment News ")
    loader.add_value("tags", ["Iraq", "iran", " Iran ", "", "US"])
    loader.add_value("image", "https://www.example-news.com/img/a.jpg")
    loader.add_value("body", "First paragraph.\n\nSecond paragraph.")
    item = loader.load_item()

    assert isinstance(item, Article)
    assert item["title"] == "Following attack, US accuses groups"
    assert item["summary"] == "The embassy & the airport."
    assert item["authors"] == ["John Smith", "Jane Doe"]
    assert item["published"] == "2024-09-13T10:05:00+03:00"
    assert item["modified"] == "2024-09-14T08:00:00+00:00"
    assert item["language"] == "en"
    assert item["section"] == "Entertainment News"
    assert item["tags"] == ["Iraq", "iran", "US"]
    assert item["image"] == "https://www.example-news.com/img/a.jpg"
    assert item["body"] == "First paragraph.\n\nSecond paragraph."


def test_header_widget_date_is_a_valid_parse() -> None:
    # The loader does not choose between dates; excluding the header widget is
    # the extraction layer's job. The widget text itself parses.
    assert parse_date("Monday, September 23, 2024 - 8:56 am", timezone="Asia/Baghdad") == (
        "2024-09-23T08:56:00+03:00"
    )
    loader = make_loader()
    loader.add_value("published", "Monday, September 23, 2024 - 8:56 am")
    assert loader.load_item()["published"] == "2024-09-23T08:56:00+03:00"


def test_first_valid_date_wins_and_garbage_is_dropped() -> None:
    loader = make_loader()
    loader.add_value("published", ["Staff Writer", "", "Le 13 septembre 2024 à 10h05"])
    loader.add_value("published", "2024-09-20T00:00:00Z")
    loader.add_value("modified", "Updated 2 hours ago")
    item = loader.load_item()
    assert item["published"] == "2024-09-13T10:05:00+03:00"
    assert "modified" not in item


def test_timezone_defaults_to_utc_without_context() -> None:
    loader = ArticleLoader()
    loader.add_value("published", "2024-09-13 10:05")
    assert loader.load_item()["published"] == "2024-09-13T10:05:00+00:00"


def test_authors_from_jsonld_dicts_and_strings_are_deduplicated() -> None:
    loader = make_loader()
    loader.add_value("authors", {"@type": "Person", "name": "John Smith"})
    loader.add_value("authors", [{"@type": "Organization", "name": "AFP"}, "JOHN SMITH"])
    loader.add_value("authors", "بقلم أحمد علي")
    assert loader.load_item()["authors"] == ["John Smith", "أحمد علي"]


def test_outlet_names_context_as_single_string() -> None:
    loader = make_loader(outlet_names="Example News")
    loader.add_value("authors", "Example News, Jane Doe")
    assert loader.load_item()["authors"] == ["Jane Doe"]


def test_list_fields_default_to_empty_lists() -> None:
    loader = make_loader()
    loader.add_value("authors", ["Staff Writer", "Reuters staff"])
    loader.add_value("title", "A title")
    item = loader.load_item()
    for name in ("authors", "tags", "wire", "wire_evidence", "related_urls"):
        assert item[name] == []


def test_wire_related_urls_and_evidence() -> None:
    evidence = [
        {"agency": "AFP", "kind": "credit", "text": "The world with AFP", "strength": "credit"}
    ]
    loader = make_loader()
    loader.add_value("wire", ["AFP", "afp", "Reuters"])
    loader.add_value("wire_evidence", evidence)
    loader.add_value(
        "related_urls", ["https://x.com/A-b-c", "https://x.com/a-b-c", "https://x.com/A-b-c"]
    )
    item = loader.load_item()
    assert item["wire"] == ["AFP", "Reuters"]
    assert item["wire_evidence"] == evidence
    assert item["related_urls"] == ["https://x.com/A-b-c", "https://x.com/a-b-c"]


def test_scalar_fields_take_first_including_falsy_values() -> None:
    loader = make_loader()
    loader.add_value("partial", False)
    loader.add_value("word_count", 0)
    loader.add_value("source", {"name": "Example News", "country": None, "type": "unknown"})
    loader.add_value("provenance", {"title": "site"})
    item = loader.load_item()
    assert item["partial"] is False
    assert item["word_count"] == 0
    assert item["source"] == {"name": "Example News", "country": None, "type": "unknown"}
    assert item["provenance"] == {"title": "site"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("en-US", "en"),
        ("en_GB", "en"),
        ("ar", "ar"),
        ("AR", "ar"),
        ("fr-FR", "fr"),
        ("ara", "ar"),
        ("fre", "fr"),
        ("English", "en"),
        ("iw", "he"),
        ("und", None),
        ("x", None),
        ("", None),
    ],
)
def test_normalise_language(raw: str, expected: str | None) -> None:
    assert normalise_language(raw) == expected


def test_invalid_language_is_skipped_for_the_next_value() -> None:
    loader = make_loader()
    loader.add_value("language", ["und", "  ", "ar-LB"])
    assert loader.load_item()["language"] == "ar"


def test_dedup_processor() -> None:
    assert Dedup()(["A", "a", None, "", "B"]) == ["A", "B"]
    assert Dedup(case_sensitive=True)(["A", "a", "A"]) == ["A", "a"]
    assert Dedup()([{"k": 1}, {"k": 1}, {"k": 2}]) == [{"k": 1}, {"k": 2}]


def test_loader_with_selector() -> None:
    html = (
        "<html><head><meta property='article:tag' content='Iraq'>"
        "<meta property='article:tag' content='Iran'></head><body>"
        "<h1> Following attack,&nbsp;US accuses groups </h1>"
        "<span class='byline'>By <a>John Smith</a> | AFP</span>"
        "<time datetime='2024-09-13T10:05:00+02:00'>13 Sep</time></body></html>"
    )
    loader = ArticleLoader(selector=Selector(text=html), timezone="Europe/Paris")
    loader.add_css("title", "h1::text")
    loader.add_css("authors", "span.byline ::text")
    loader.add_css("published", "time::attr(datetime)")
    loader.add_css("tags", "meta[property='article:tag']::attr(content)")
    item = loader.load_item()
    assert item["title"] == "Following attack, US accuses groups"
    assert item["published"] == "2024-09-13T10:05:00+02:00"
    assert item["tags"] == ["Iraq", "Iran"]
    assert item["authors"] == ["John Smith"]


def test_byline_text_nodes_join_into_persons() -> None:
    loader = make_loader()
    loader.add_value("authors", " ".join(["By", "John Smith", "|", "AFP"]))
    assert loader.load_item()["authors"] == ["John Smith"]


def test_full_item_validates_against_the_schema() -> None:
    url, declared = choose_canonical(FETCHED, ["/entertainment/", None])
    body = join_paragraphs(["The US embassy in Iraq accused militias.", "", "Talks went on."])
    loader = make_loader(outlet_names=["Example News"])
    loader.add_value("schema_version", SCHEMA_VERSION)
    loader.add_value("id", article_id(url))
    loader.add_value("url", url)
    loader.add_value("fetched_url", FETCHED)
    loader.add_value("declared_canonical", declared)
    loader.add_value("site", registrable_domain(url))
    loader.add_value("spider", "examplenews")
    loader.add_value("title", "Following attack, US accuses pro-Iranian armed groups")
    loader.add_value("body", body)
    loader.add_value("authors", "Le Monde with AFP")
    loader.add_value("published", "Le 13 septembre 2024 à 10h05")
    loader.add_value("language", "en_US")
    loader.add_value("wire", ["AFP"])
    loader.add_value("word_count", word_count(body))
    loader.add_value("crawled_at", "2024-09-23T06:00:00+00:00")
    loader.add_value("provenance", {"title": "site", "published": "visible"})
    item = loader.load_item()

    assert (
        item["url"]
        == "https://www.example-news.com/entertainment/following-attack-us-accuses-groups/"
    )
    assert item["declared_canonical"] == "/entertainment/"
    assert item["site"] == "example-news.com"
    assert item["authors"] == []
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(dict(item), schema)


def test_processor_lookups_are_itemloaders_own() -> None:
    from scrapy.loader import ItemLoader

    from crawler.items import ARTICLE_FIELDS
    from crawler.loaders import ArticleLoader

    loader = ArticleLoader()
    for field in ARTICLE_FIELDS:
        for _ in range(2):  # looked up, then cached
            assert loader.get_input_processor(field) is ItemLoader.get_input_processor(
                loader, field
            )
            assert loader.get_output_processor(field) is ItemLoader.get_output_processor(
                loader, field
            )

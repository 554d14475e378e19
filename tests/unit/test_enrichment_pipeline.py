"""EnrichPipeline: fields added, country and relevance filters from settings and spider
arguments, stats, bad values, the pipeline order."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.enrichment import ENRICH_FIELDS
from crawler.items import Article
from pipelines.enrich import EnrichPipeline

IRAQ = "Two rockets struck a base hosting US troops near Baghdad, Iraqi officials said."
SYRIA = "Turkish drones struck SDF positions near Qamishli, killing three fighters."
BUSINESS = "Dubai's property market hit a new record as buyers snapped up villas."


class ArgSpider(Spider):
    name = "args"


def article(body: str) -> Article:
    return Article(
        url="https://example.test/2024/09/13/story/",
        title="A story",
        body=body,
        section="World",
        tags=[],
    )


def pipeline(
    settings: dict[str, Any] | None = None, **spider_args: str
) -> tuple[EnrichPipeline, Any]:
    crawler = get_crawler(ArgSpider, settings_dict=settings or {})
    crawler.spider = ArgSpider(**spider_args)  # -a name=value sets spider attributes
    assert crawler.stats is not None
    pipe = EnrichPipeline.from_crawler(crawler)
    pipe.open_spider()
    return pipe, crawler.stats


def test_every_item_gets_the_fields() -> None:
    pipe, stats = pipeline()
    item = pipe.process_item(article(IRAQ))
    assert set(ENRICH_FIELDS) <= set(item.keys())
    assert {"IQ", "US"} <= set(item["countries"])
    assert item["primary_country"] == "IQ"
    assert item["event_types"][0]["type"] == "explosions/remote violence"
    assert 0.0 <= item["relevance"] <= 1.0
    assert stats.get_value("enrich/items") == 1


def test_plain_dict_items_are_enriched() -> None:
    pipe, _ = pipeline()
    item = pipe.process_item({"title": "x", "body": SYRIA})
    assert set(item["countries"]) == {"SY", "TR"}


def test_country_filter_from_settings() -> None:
    pipe, stats = pipeline({"ENRICH_COUNTRIES": ["IQ"]})
    assert pipe.process_item(article(IRAQ))["countries"]
    with pytest.raises(DropItem, match="IQ"):
        pipe.process_item(article(SYRIA))
    assert stats.get_value("article/dropped/filtered_country") == 1
    assert stats.get_value("enrich/items") == 2


def test_country_filter_from_a_comma_string_setting() -> None:
    pipe, _ = pipeline({"ENRICH_COUNTRIES": "sy, tr"})
    assert pipe.countries == frozenset({"SY", "TR"})


def test_spider_argument_replaces_the_setting() -> None:
    pipe, stats = pipeline({"ENRICH_COUNTRIES": ["IQ"]}, countries="SY,LB")
    pipe.process_item(article(SYRIA))
    with pytest.raises(DropItem):
        pipe.process_item(article(IRAQ))
    assert stats.get_value("article/dropped/filtered_country") == 1


def test_min_relevance_from_settings_and_spider_argument() -> None:
    pipe, stats = pipeline({"ENRICH_MIN_RELEVANCE": 0.5})
    pipe.process_item(article(IRAQ))
    with pytest.raises(DropItem, match="relevance"):
        pipe.process_item(article(BUSINESS))
    assert stats.get_value("article/dropped/low_relevance") == 1

    pipe, stats = pipeline({"ENRICH_MIN_RELEVANCE": 0.0}, min_relevance="1.0")
    with pytest.raises(DropItem):
        pipe.process_item(article(IRAQ))
    assert stats.get_value("article/dropped/low_relevance") == 1


def test_country_filter_is_applied_before_relevance() -> None:
    pipe, stats = pipeline(countries="IQ", min_relevance="0.5")
    with pytest.raises(DropItem):
        pipe.process_item(article(BUSINESS))
    assert stats.get_value("article/dropped/filtered_country") == 1
    assert stats.get_value("article/dropped/low_relevance") is None


def test_no_filter_keeps_everything() -> None:
    pipe, stats = pipeline()
    for body in (IRAQ, SYRIA, BUSINESS, ""):
        pipe.process_item(article(body))
    assert stats.get_value("enrich/items") == 4
    assert stats.get_value("article/dropped/filtered_country") is None


@pytest.mark.parametrize(
    ("settings", "args", "message"),
    [
        ({"ENRICH_COUNTRIES": ["IQ", "XX"]}, {}, "ENRICH_COUNTRIES: unknown .*XX"),
        ({}, {"countries": "Iraq"}, "spider argument countries: unknown .*IRAQ"),
        ({"ENRICH_MIN_RELEVANCE": 2}, {}, "ENRICH_MIN_RELEVANCE: must be between 0 and 1"),
        ({}, {"min_relevance": "high"}, "spider argument min_relevance: not a number"),
    ],
)
def test_bad_filter_values_stop_the_crawl(
    settings: dict[str, Any], args: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        pipeline(settings, **args)


def test_disabled_pipeline_is_not_configured() -> None:
    crawler = get_crawler(ArgSpider, settings_dict={"ENRICH_ENABLED": False})
    with pytest.raises(NotConfigured):
        EnrichPipeline.from_crawler(crawler)


def test_project_settings_run_enrich_between_validate_and_dedup() -> None:
    from crawler.settings import base

    order = base.ITEM_PIPELINES
    enrich = order["pipelines.enrich.EnrichPipeline"]
    assert order["pipelines.validate.ValidatePipeline"] < enrich
    assert all(enrich < p for name, p in order.items() if "dedup" in name.lower())
    assert base.ENRICH_ENABLED is True
    assert base.ENRICH_COUNTRIES == []
    assert base.ENRICH_MIN_RELEVANCE == 0.0


def test_enriched_items_validate_against_the_schema() -> None:
    from pipelines.validate import article_validator

    pipe, _ = pipeline()
    item = pipe.process_item(
        Article(
            schema_version="1.2.0",
            id="0123456789abcdef0123",
            url="https://example.test/2024/09/13/rockets/",
            fetched_url="https://example.test/2024/09/13/rockets/",
            site="example.test",
            spider="example",
            title="Rockets hit Baghdad base",
            body=IRAQ + "\n\nوقصفت طائرات إسرائيلية مواقع في غزة.",
            authors=[],
            language="en",
            wire=[],
            related_urls=[],
            word_count=20,
            crawled_at="2024-09-13T10:00:00+00:00",
            provenance={},
        )
    )
    errors = list(article_validator().iter_errors(dict(item)))
    assert errors == []

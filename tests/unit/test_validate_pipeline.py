"""ValidatePipeline: schema checks, defaults filled in, stats per field."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import SCHEMA_VERSION, Article
from pipelines.validate import ValidatePipeline


def valid_fields() -> dict[str, Any]:
    return {
        "id": "0123456789abcdef0123",
        "url": "https://example.test/2024/09/13/rockets-hit-airport/",
        "fetched_url": "https://example.test/2024/09/13/rockets-hit-airport/",
        "site": "example.test",
        "spider": "example",
        "source": {"name": "Example", "country": "IQ", "type": "independent"},
        "title": "Rockets hit airport base",
        "body": "First paragraph.\n\nSecond paragraph.",
        "authors": ["Jane Doe"],
        "published": "2024-09-13T10:05:00+03:00",
        "language": "en",
        "wire": ["AFP"],
        "wire_evidence": [
            {"agency": "AFP", "kind": "credit", "text": "with AFP", "strength": "credit"}
        ],
        "related_urls": ["https://example.test/2024/09/12/earlier-story/"],
        "word_count": 4,
        "provenance": {"title": "jsonld", "body": "site"},
    }


@pytest.fixture
def pipeline_and_stats() -> tuple[ValidatePipeline, Any]:
    crawler = get_crawler()
    assert crawler.stats is not None
    return ValidatePipeline.from_crawler(crawler), crawler.stats


def test_valid_item_passes_and_gets_defaults(pipeline_and_stats: tuple[Any, Any]) -> None:
    pipeline, stats = pipeline_and_stats
    item = Article(**valid_fields())
    out = pipeline.process_item(item)
    assert out is item
    assert item["schema_version"] == SCHEMA_VERSION
    assert item["crawled_at"].endswith("+00:00")
    assert stats.get_value("article/valid") == 1
    assert stats.get_value("article/dropped/invalid") is None


def test_plain_dict_items_are_validated(pipeline_and_stats: tuple[Any, Any]) -> None:
    pipeline, stats = pipeline_and_stats
    item = {**valid_fields(), "crawled_at": "2024-09-13T11:00:00Z", "schema_version": "1.0.0"}
    assert pipeline.process_item(item)["crawled_at"] == "2024-09-13T11:00:00Z"
    assert stats.get_value("article/valid") == 1


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"title": ""}, ["title"]),
        ({"published": "13 September 2024"}, ["published"]),
        ({"language": "eng"}, ["language"]),
        ({"related_urls": ["javascript:void(0)"]}, ["related_urls"]),
        ({"provenance": {"title": "guess"}}, ["provenance"]),
        ({"word_count": -1, "id": "xyz"}, ["id", "word_count"]),
        ({"source": {"name": "Example", "type": "blog"}}, ["source"]),
    ],
)
def test_invalid_fields_are_dropped_and_counted(
    pipeline_and_stats: tuple[Any, Any], change: dict[str, Any], fields: list[str]
) -> None:
    pipeline, stats = pipeline_and_stats
    with pytest.raises(DropItem, match=fields[0]):
        pipeline.process_item(Article(**{**valid_fields(), **change}))
    assert stats.get_value("article/dropped/invalid") == 1
    for name in fields:
        assert stats.get_value(f"article/dropped/invalid/{name}") == 1
    assert stats.get_value("article/valid") is None


def test_missing_required_fields_are_named(pipeline_and_stats: tuple[Any, Any]) -> None:
    pipeline, stats = pipeline_and_stats
    fields = valid_fields()
    del fields["body"], fields["wire"]
    with pytest.raises(DropItem):
        pipeline.process_item(Article(**fields))
    assert stats.get_value("article/dropped/invalid/body") == 1
    assert stats.get_value("article/dropped/invalid/wire") == 1


def test_unknown_keys_in_dict_items_are_named(pipeline_and_stats: tuple[Any, Any]) -> None:
    pipeline, stats = pipeline_and_stats
    with pytest.raises(DropItem):
        pipeline.process_item({**valid_fields(), "score": 3})
    assert stats.get_value("article/dropped/invalid/score") == 1


def test_pipeline_is_enabled_in_settings() -> None:
    from crawler.settings import base

    assert base.ITEM_PIPELINES["pipelines.validate.ValidatePipeline"] == 100


BAD_VALUES: list[Any] = [None, "", "x", 0, -1, 1.5, True, [], ["x"], [1], {}, {"k": "v"}, ("a",)]


def mutations() -> list[dict[str, Any]]:
    """The valid item with one field (top level or nested) replaced by each bad value,
    removed, or joined by an unknown field."""
    base = {**valid_fields(), "crawled_at": "2024-09-13T11:00:00Z", "schema_version": "1.0.0"}
    out: list[dict[str, Any]] = [base, {**base, "unknown": 1}]
    for name in base:
        out.append({k: v for k, v in base.items() if k != name})
        out.extend({**base, name: bad} for bad in BAD_VALUES)
    for name in ("source", "provenance"):
        for key in base[name]:
            out.extend({**base, name: {**base[name], key: bad}} for bad in BAD_VALUES)
    for key in base["wire_evidence"][0]:
        out.extend(
            {**base, "wire_evidence": [{**base["wire_evidence"][0], key: bad}]}
            for bad in BAD_VALUES
        )
    return out


def test_fast_check_agrees_with_jsonschema(
    pipeline_and_stats: tuple[ValidatePipeline, Any],
) -> None:
    """The fast path and jsonschema decide every case the same way."""
    pipeline, _ = pipeline_and_stats
    cases = mutations()
    valid = [pipeline.validator.is_valid(case) for case in cases]
    assert 0 < sum(valid) < len(cases)
    for case, expected in zip(cases, valid, strict=True):
        assert pipeline._quick_valid(case) == expected, case


def test_value_the_fast_check_cannot_read_goes_to_jsonschema(
    pipeline_and_stats: tuple[ValidatePipeline, Any],
) -> None:
    pipeline, stats = pipeline_and_stats
    item = {**valid_fields(), "authors": ["Jane Doe", object()]}
    assert not pipeline._quick_valid(item)
    with pytest.raises(DropItem, match="authors"):
        pipeline.process_item(item)
    assert stats.get_value("article/dropped/invalid/authors") == 1

"""The JSON lines exporter writes Scrapy's bytes; the item field dicts it and the pipelines
read."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest
import scrapy
from scrapy.exceptions import DropItem
from scrapy.exporters import JsonLinesItemExporter
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.dedup.filters import CanonicalFilter, DuplicateFilter, is_copy
from crawler.items import Article
from crawler.itemvalues import field_values
from crawler.jsonlines import JsonLinesExporter
from pipelines.enrich import EnrichPipeline
from pipelines.validate import ValidatePipeline
from tests.unit.test_validate_pipeline import valid_fields

BODY = 'Line "one" — naïve\tcafé\n\nLine two \\ with \x01 and \u2028 and emoji \U0001f600.'


def article(**changes: Any) -> Article:
    fields: dict[str, Any] = {
        **valid_fields(),
        "schema_version": "1.2.0",
        "crawled_at": "2024-09-13T11:00:00+00:00",
        "body": BODY,
        "summary": None,
        "declared_canonical": None,
        "modified": None,
        "section": "World",
        "image": None,
        "partial": False,
        "tags": ("a", "b"),
        "places": [
            {
                "id": "geonames:1",
                "name": "Zürich",
                "kind": "city",
                "country": "CH",
                "lat": 47.37,
                "lon": 1e-05,
            }
        ],
        "countries": ["CH", "IQ"],
        "primary_country": "CH",
        "actors": [],
        "event_types": [{"type": "battles", "trigger": "ambush", "sentence": "An ambush."}],
        "relevance": 1.0,
        "similarity": 0.5,
    }
    fields.update(changes)
    return Article(**fields)


def export(cls: type, items: list[Any], **options: Any) -> bytes:
    buf = io.BytesIO()
    exporter = cls(buf, **{"encoding": "utf-8", "fields_to_export": None, "indent": 0, **options})
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return buf.getvalue()


def same_bytes(items: list[Any], **options: Any) -> bytes:
    """What both exporters write, asserted equal."""
    ours = export(JsonLinesExporter, items, **options)
    assert ours == export(JsonLinesItemExporter, items, **options)
    return ours


class Serialized(scrapy.Item):
    title = scrapy.Field(serializer=str.upper)
    body = scrapy.Field()


class Odd(scrapy.Item):
    title = scrapy.Field()
    body = scrapy.Field()

    def __getitem__(self, key: str) -> Any:
        return "odd"


@dataclass
class DataItem:
    url: str = "https://example.test/a/"
    title: str = "A story"
    body: str = BODY
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    countries: list[str] | None = None
    primary_country: str | None = None
    places: list[Any] | None = None
    actors: list[Any] | None = None
    event_types: list[Any] | None = None
    relevance: float | None = None
    schema_version: str | None = None
    crawled_at: str | None = None


def test_the_project_writes_jsonlines_with_this_exporter() -> None:
    exporters = get_project_settings().getwithbase("FEED_EXPORTERS")
    assert exporters["jsonlines"] == exporters["jl"] == "crawler.jsonlines.JsonLinesExporter"


def test_lines_are_scrapys_bytes() -> None:
    items = [article(), article(body="short"), {"b": BODY, "a": [1, 2.5, None, True]}]
    items += [article(body=""), article(similarity=float("nan"), relevance=1e16)]
    changed = article()
    changed["places"][0]["lat"] = 1.5
    del changed["actors"]
    items.append(changed)
    out = same_bytes(items)
    assert out.count(b"\n") == len(items)
    assert b'"lat": 1.5' in out.splitlines()[-1]
    same_bytes(items, encoding="utf-16")
    same_bytes(items, encoding=None)  # ASCII escapes
    same_bytes(items, sort_keys=True)
    same_bytes(items, separators=(",", ":"))


def test_field_selection_and_serializers_go_through_scrapys_code() -> None:
    items = [article(), article(title="x")]
    same_bytes(items, fields_to_export=["title", "body", "url"])
    same_bytes(items, fields_to_export={"title": "headline", "body": "text"})
    same_bytes([Article(title="only")], export_empty_fields=True)
    same_bytes([Serialized(title="loud", body=BODY)])
    same_bytes([Odd(title="t", body=BODY)])
    same_bytes([DataItem()])


def test_a_text_that_has_no_utf8_form_fails_as_in_scrapy() -> None:
    item = article(body="lone \ud800 surrogate")
    for cls in (JsonLinesExporter, JsonLinesItemExporter):
        with pytest.raises(UnicodeEncodeError):
            export(cls, [item])


def test_field_values_only_for_dicts_and_plain_scrapy_items() -> None:
    plain = {"a": 1}
    assert field_values(plain) is plain
    item = article()
    values = field_values(item)
    assert values is not None and values == dict(item)
    assert field_values(Odd(title="t")) is None
    assert field_values(DataItem()) is None

    class Sub(dict[str, Any]):
        pass

    assert field_values(Sub(a=1)) is None


def test_pipelines_and_filters_read_every_kind_of_item_alike() -> None:
    crawler = get_crawler()
    validate = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match="invalid article"):
        validate.process_item(DataItem())
    assert validate.process_item(article()) is not None
    enrich = EnrichPipeline.from_crawler(get_crawler())
    data_item = enrich.process_item(DataItem(body="Rockets struck Baghdad, Iraqi officials said."))
    assert data_item.countries and "IQ" in data_item.countries
    copy = DataItem(duplicate_of="https://example.test/b/")
    for item, flagged in [
        (copy, True),
        (DataItem(), False),
        (article(duplicate_of="https://example.test/b/"), True),
        (article(), False),
        ({"duplicate_of": "https://example.test/b/"}, True),
        ({}, False),
    ]:
        assert is_copy(item) is flagged
        assert DuplicateFilter({}).accepts(item) is flagged
        assert CanonicalFilter({}).accepts(item) is not flagged


def test_shortcuts_apply_only_where_they_give_scrapys_bytes() -> None:
    def make(**options: Any) -> JsonLinesExporter:
        return JsonLinesExporter(io.BytesIO(), **{"encoding": "utf-8", **options})

    assert make()._direct and make(encoding=None)._direct and make(sort_keys=True)._direct
    assert not make(fields_to_export=["title"])._direct
    assert not make(export_empty_fields=True)._direct
    assert make()._fields_of(article()) == dict(article())
    assert make()._fields_of(Serialized(title="loud")) is None
    assert make()._fields_of(DataItem()) is None

"""ValidatePipeline: every item must match ``crawler/schema/article.schema.json``.

Policy: ``schema_version`` and ``crawled_at`` are filled in when missing; an item
that still fails the schema is dropped (``DropItem``) and counted as
``article/dropped/invalid`` plus ``article/dropped/invalid/<field>`` for each
field at fault (the top-level property; ``<root>`` when none applies). Valid
items are counted as ``article/valid``. The schema is loaded once, from the
installed ``crawler`` package. Each item is checked by jsonschema-rs (compiled
once, a few microseconds per item); only items it rejects go through jsonschema,
which decides and names the fields at fault. Fields are read straight from the item's
field dict where it has one (:mod:`crawler.itemvalues`), else through ``ItemAdapter``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, MutableMapping
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Self

import jsonschema_rs
from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator, ValidationError, validators
from scrapy.exceptions import DropItem

from crawler.items import SCHEMA_VERSION
from crawler.itemvalues import field_values

if TYPE_CHECKING:
    # typing.Self requires Python 3.11
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    """The Article schema (read and checked once per process)."""
    text = files("crawler").joinpath("schema/article.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


#: Draft 2020-12 where a tuple is an array, as it is in the JSON written (and for
#: jsonschema-rs).
ArticleValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "array", lambda _checker, value: isinstance(value, list | tuple)
    ),
)


@lru_cache(maxsize=1)
def article_validator() -> Draft202012Validator:
    """The compiled schema validator (read once per process)."""
    validator: Draft202012Validator = ArticleValidator(article_schema())
    return validator


@lru_cache(maxsize=1)
def article_check() -> Callable[[Any], bool]:
    """A fast yes/no check of the Article schema (jsonschema-rs, compiled once)."""
    return jsonschema_rs.validator_for(article_schema()).is_valid


def error_fields(error: ValidationError) -> list[str]:
    """Top-level properties an error is about."""
    if error.path:
        return [str(error.path[0])]
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    if error.validator == "required":
        return [str(name) for name in error.validator_value if name not in instance]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {})
        return [str(name) for name in instance if name not in known]
    return ["<root>"]


class ValidatePipeline:
    """Drop items that do not match the Article schema (see module docstring)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.validator = article_validator()
        self.check = article_check()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def _quick_valid(self, data: dict[str, Any]) -> bool:
        """The fast check; False (so jsonschema decides) on values it cannot read."""
        try:
            return self.check(data)
        except (ValueError, TypeError):
            return False

    def process_item(self, item: Any) -> Any:
        values = field_values(item)
        adapter = ItemAdapter(item) if values is None else None
        target: MutableMapping[str, Any] = item if adapter is None else adapter
        current: Mapping[str, Any] = target if values is None else values
        if not current.get("schema_version"):
            target["schema_version"] = SCHEMA_VERSION
        if not current.get("crawled_at"):
            target["crawled_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        if self._quick_valid(dict(target.items()) if values is None else values):
            self.stats.inc_value("article/valid")
            return item
        if adapter is None:
            adapter = ItemAdapter(item)
        errors = list(self.validator.iter_errors(adapter.asdict()))
        if not errors:
            self.stats.inc_value("article/valid")
            return item
        fields = sorted({name for error in errors for name in error_fields(error)})
        self.stats.inc_value("article/dropped/invalid")
        for name in fields:
            self.stats.inc_value(f"article/dropped/invalid/{name}")
        raise DropItem(
            f"invalid article {adapter.get('url')!r}: {', '.join(fields)} ({errors[0].message})"
        )

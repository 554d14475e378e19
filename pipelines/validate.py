"""ValidatePipeline: every item must match ``crawler/schema/article.schema.json``.

Policy: ``schema_version`` and ``crawled_at`` are filled in when missing; an item
that still fails the schema is dropped (``DropItem``) and counted as
``article/dropped/invalid`` plus ``article/dropped/invalid/<field>`` for each
field at fault (the top-level property; ``<root>`` when none applies). Valid
items are counted as ``article/valid``. The schema is loaded once, from the
installed ``crawler`` package.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from jsonschema import Draft202012Validator, ValidationError
from scrapy.exceptions import DropItem

from crawler.items import SCHEMA_VERSION

if TYPE_CHECKING:
    # typing.Self requires Python 3.11
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


@lru_cache(maxsize=1)
def article_validator() -> Draft202012Validator:
    """The compiled schema validator (read once per process)."""
    text = files("crawler").joinpath("schema/article.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("schema_version"):
            adapter["schema_version"] = SCHEMA_VERSION
        if not adapter.get("crawled_at"):
            adapter["crawled_at"] = datetime.now(UTC).isoformat(timespec="seconds")
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

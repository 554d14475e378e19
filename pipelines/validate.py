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
import numbers
import re
from collections.abc import Callable, Mapping
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
def article_schema() -> dict[str, Any]:
    """The Article schema (read and checked once per process)."""
    text = files("crawler").joinpath("schema/article.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    Draft202012Validator.check_schema(schema)
    return schema


@lru_cache(maxsize=1)
def article_validator() -> Draft202012Validator:
    """The compiled schema validator (read once per process)."""
    return Draft202012Validator(article_schema())


Check = Callable[[Any], bool]

#: Keywords that never affect validity.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"}
)


def _is_integer(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def _is_number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


#: ``type`` names as jsonschema's draft 2020-12 type checker defines them.
_TYPES: dict[str, Check] = {
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "integer": _is_integer,
    "null": lambda x: x is None,
    "number": _is_number,
    "object": lambda x: isinstance(x, dict),
    "string": lambda x: isinstance(x, str),
}


class _Unsupported(Exception):
    """The schema uses a keyword :func:`compile_check` does not implement."""


def _constant(ok: bool) -> Check:
    return lambda x: ok


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return lambda x: all(check(x) for check in checks)


def _any(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return lambda x: any(check(x) for check in checks)


def _pattern(pattern: str) -> Check:
    search = re.compile(pattern).search
    return lambda x: not isinstance(x, str) or search(x) is not None


def _min_length(n: int) -> Check:
    return lambda x: not isinstance(x, str) or len(x) >= n


def _minimum(n: float) -> Check:
    return lambda x: not _is_number(x) or not x < n


def _maximum(n: float) -> Check:
    return lambda x: not _is_number(x) or not x > n


def _enum(values: list[Any]) -> Check:
    if not all(each is None or isinstance(each, str) for each in values):
        raise _Unsupported(f"enum {values!r}")
    strings = frozenset(each for each in values if each is not None)
    nullable = None in values
    return lambda x: (x is None and nullable) or (isinstance(x, str) and x in strings)


def _items(each: Check) -> Check:
    return lambda x: not isinstance(x, list) or all(each(item) for item in x)


def _required(names: list[str]) -> Check:
    return lambda x: not isinstance(x, dict) or all(name in x for name in names)


def _object(props: dict[str, Check], other: Check | None) -> Check:
    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for name, value in x.items():
            test = props.get(name, other)
            if test is not None and not test(value):
                return False
        return True

    return check


def compile_check(schema: Any, root: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Check:
    """A yes/no check agreeing with ``Draft202012Validator(root).is_valid`` on
    ``schema``; ``_Unsupported`` when the schema uses a keyword it does not know."""
    if isinstance(schema, bool):
        return _constant(schema)
    if not isinstance(schema, dict):
        raise _Unsupported(repr(schema))
    checks: list[Check] = []
    for key, value in schema.items():
        if key in _ANNOTATIONS or (key == "schema_version" and schema is root):
            continue
        if key == "$ref":
            if not isinstance(value, str) or not value.startswith("#/") or value in seen:
                raise _Unsupported(f"$ref {value!r}")
            target: Any = root
            for part in value[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            checks.append(compile_check(target, root, (*seen, value)))
        elif key == "type":
            names = [value] if isinstance(value, str) else list(value)
            checks.append(_any([_TYPES[name] for name in names]))
        elif key == "pattern":
            checks.append(_pattern(value))
        elif key == "minLength":
            checks.append(_min_length(value))
        elif key == "minimum":
            checks.append(_minimum(value))
        elif key == "maximum":
            checks.append(_maximum(value))
        elif key == "enum":
            checks.append(_enum(value))
        elif key == "anyOf":
            checks.append(_any([compile_check(sub, root, seen) for sub in value]))
        elif key == "items":
            if "prefixItems" in schema:
                raise _Unsupported("prefixItems")
            checks.append(_items(compile_check(value, root, seen)))
        elif key == "required":
            checks.append(_required(list(value)))
        elif key in ("properties", "additionalProperties"):
            if "patternProperties" in schema:
                raise _Unsupported("patternProperties")
            if key == "additionalProperties" and "properties" in schema:
                continue  # checked with ``properties``
            props = {
                name: compile_check(sub, root, seen)
                for name, sub in schema.get("properties", {}).items()
            }
            extra = schema.get("additionalProperties", True)
            checks.append(
                _object(props, None if extra is True else compile_check(extra, root, seen))
            )
        else:
            raise _Unsupported(key)
    return _all(checks) if checks else _constant(True)


@lru_cache(maxsize=1)
def article_check() -> Check | None:
    """The compiled yes/no check of the Article schema; None when the schema uses a
    keyword :func:`compile_check` does not implement."""
    schema = article_schema()
    try:
        return compile_check(schema, schema)
    except _Unsupported:
        return None


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

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("schema_version"):
            adapter["schema_version"] = SCHEMA_VERSION
        if not adapter.get("crawled_at"):
            adapter["crawled_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        if self.check is not None and self.check(
            item if type(item) is dict else dict(adapter.items())
        ):
            self.stats.inc_value("article/valid")
            return item
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

"""``ArticleLoader``: field processors that turn raw extracted values into an Article.

Policy:

- title, summary, section, image: cleaned text (``crawler.text.clean_text``), first
  non-empty value wins.
- language: first value normalised to a lower-case ISO 639-1 code
  (``"en-US"``, ``"en_GB"`` -> ``"en"``; ``"ara"`` -> ``"ar"``); unknown -> dropped.
- authors: persons from ``crawler.authors.split_authors`` (agencies and desks are
  not authors), de-duplicated case-insensitively; the loader context key
  ``outlet_names`` lists outlet names that are never authors.
- tags: cleaned, empty ones dropped, de-duplicated case-insensitively.
- published, modified: ``crawler.dates.parse_date`` with the loader context key
  ``timezone`` (default UTC); unparseable values are dropped, first valid wins.
- body: taken as given (extraction has already assembled and cleaned it).
- wire, related_urls: de-duplicated lists; wire_evidence: list as given.
- authors, tags, wire, wire_evidence, related_urls are ``[]`` when nothing was added.
- every other field: first non-empty value.

A field's processors are looked up once per loader class, item class and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.authors import split_authors
from crawler.dates import parse_date
from crawler.items import Article
from crawler.text import clean_text

#: Fields that are always lists in the output, empty when nothing was collected.
LIST_FIELDS = ("authors", "tags", "wire", "wire_evidence", "related_urls")

_LANGUAGE_ALIASES = {
    "eng": "en", "english": "en", "fra": "fr", "fre": "fr", "french": "fr", "français": "fr",
    "ara": "ar", "arabic": "ar", "العربية": "ar", "heb": "he", "iw": "he", "hebrew": "he",
    "fas": "fa", "per": "fa", "persian": "fa", "farsi": "fa", "tur": "tr", "turkish": "tr",
    "kur": "ku", "urd": "ur", "deu": "de", "ger": "de", "spa": "es", "rus": "ru",
}  # fmt: skip


def normalise_language(value: str) -> str | None:
    """``"en-US"`` -> ``"en"``, ``"AR"`` -> ``"ar"``, ``"fra"`` -> ``"fr"``; else None."""
    code = re.split(r"[-_\s]", value.strip().casefold(), maxsplit=1)[0]
    code = _LANGUAGE_ALIASES.get(code, code)
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = clean_text(value if isinstance(value, str) else str(value))
    return text or None


def _clean_language(value: Any) -> str | None:
    text = _clean(value)
    return normalise_language(text) if text else None


def _date(value: Any, loader_context: Mapping[str, Any]) -> str | None:
    return parse_date(value, timezone=loader_context.get("timezone") or "UTC")


class Dedup:
    """Output processor: drop empty values and repeats, keeping first-seen order.

    Strings compare case-insensitively unless ``case_sensitive`` is set.
    """

    def __init__(self, *, case_sensitive: bool = False) -> None:
        self.case_sensitive = case_sensitive

    def __call__(self, values: Iterable[Any]) -> list[Any]:
        seen: set[Any] = set()
        result: list[Any] = []
        for value in values:
            if value is None or value == "":
                continue
            key = value
            if isinstance(value, str) and not self.case_sensitive:
                key = value.casefold()
            elif not isinstance(value, str | int | float | tuple):
                key = repr(value)
            if key in seen:
                continue
            seen.add(key)
            result.append(value)
        return result


class SplitPersons:
    """Input processor: the persons named by raw bylines (strings or JSON-LD dicts)."""

    def __call__(self, values: Any, loader_context: Mapping[str, Any] | None = None) -> list[str]:
        exclude = (loader_context or {}).get("outlet_names") or ()
        if isinstance(exclude, str):
            exclude = (exclude,)
        persons, _agencies = split_authors(values, exclude=exclude)
        return persons


_Processors = dict[tuple[type, type, str], Callable[..., Any]]
_INPUT_PROCESSORS: _Processors = {}
_OUTPUT_PROCESSORS: _Processors = {}


class ArticleLoader(ItemLoader):
    """Loads an :class:`~crawler.items.Article` from raw extracted values."""

    default_item_class = Article
    default_input_processor = Identity()
    default_output_processor = TakeFirst()

    title_in = MapCompose(_clean)
    summary_in = MapCompose(_clean)
    section_in = MapCompose(_clean)
    image_in = MapCompose(_clean)
    language_in = MapCompose(_clean_language)

    authors_in = SplitPersons()
    authors_out = Dedup()

    tags_in = MapCompose(_clean)
    tags_out = Dedup()

    published_in = MapCompose(_date)
    modified_in = MapCompose(_date)

    wire_out = Dedup()
    related_urls_out = Dedup(case_sensitive=True)
    wire_evidence_out = Identity()

    def get_input_processor(self, field_name: str) -> Callable[..., Any]:
        """The field's input processor, looked up once per loader class, item class and
        field (processors are class attributes and item field metadata)."""
        key = (type(self), type(self.item), field_name)
        found = _INPUT_PROCESSORS.get(key)
        if found is None:
            found = _INPUT_PROCESSORS[key] = super().get_input_processor(field_name)
        return found

    def get_output_processor(self, field_name: str) -> Callable[..., Any]:
        """The field's output processor, looked up once (as the input processors)."""
        key = (type(self), type(self.item), field_name)
        found = _OUTPUT_PROCESSORS.get(key)
        if found is None:
            found = _OUTPUT_PROCESSORS[key] = super().get_output_processor(field_name)
        return found

    def load_item(self) -> Any:
        """Populate the item; list fields with nothing collected become ``[]``."""
        item = super().load_item()
        for name in LIST_FIELDS:
            item.setdefault(name, [])
        return item

"""Per-item field coverage and selector fallback, counted into the crawl stats.

Policy: for every scraped item (``item_scraped``, so after every pipeline) the
:class:`ItemCoverage` extension adds 1 to ``monitor/items`` and to

* ``monitor/coverage/published``: the item has a ``published`` date;
* ``monitor/coverage/authors``: the item names at least one person;
* ``monitor/coverage/body``: its body has at least ``body_min_words`` words (the
  spider's expectation, see :mod:`crawler.monitors.expectations`);
* ``monitor/selectors/<field>`` for each watched field (``title``, ``body``) the
  spider has a site selector for on that page, and ``monitor/fallback/<field>``
  when that field nevertheless came from another layer than the site's own
  (``provenance`` not ``site`` or ``wp_api``); ``monitor/selectors/items`` and
  ``monitor/fallback/items`` count items with at least one such field.

A healthy site spider takes title and body from its selectors; a redesign that
renames the article markup sends them to JSON-LD and the generic layer while the
crawl still "succeeds", which is what the fallback counts reveal. The selectors
a page was extracted with are asked from the spider (``profile_for``, so family
themes count) only when the provenance is not already a primary layer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse

from crawler.monitors.expectations import Expectations, expectations_for
from crawler.text import word_count

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

__all__ = [
    "PRIMARY_LAYERS",
    "WATCHED_FIELDS",
    "ItemCoverage",
    "ItemFlags",
    "declared_selectors",
    "item_flags",
]

#: Fields whose site selector, when declared, is expected to deliver the value.
WATCHED_FIELDS: tuple[str, ...] = ("title", "body")
#: Layers that are the site's own (selectors, or the WordPress REST API).
PRIMARY_LAYERS = frozenset({"site", "wp_api"})


@dataclass(frozen=True)
class ItemFlags:
    """What one item contributes to the coverage and fallback counts."""

    published: bool
    authors: bool
    body: bool
    #: Watched fields the spider has a site selector for on this page.
    watched: tuple[str, ...]
    #: Of ``watched``, the fields whose value came from another layer.
    fell_back: tuple[str, ...]

    def increments(self) -> dict[str, int]:
        """Stats keys to increment for this item."""
        out = {"monitor/items": 1}
        for name in ("published", "authors", "body"):
            if getattr(self, name):
                out[f"monitor/coverage/{name}"] = 1
        for field in self.watched:
            out[f"monitor/selectors/{field}"] = 1
        for field in self.fell_back:
            out[f"monitor/fallback/{field}"] = 1
        if self.watched:
            out["monitor/selectors/items"] = 1
        if self.fell_back:
            out["monitor/fallback/items"] = 1
        return out


def item_flags(
    item: Mapping[str, Any],
    *,
    body_min_words: int,
    declared: Collection[str] | Callable[[], Collection[str]],
) -> ItemFlags:
    """Flags of one item; ``declared`` (selector keys of the page's profile, or a
    callable giving them) is consulted only when a watched field is not primary."""
    provenance = item.get("provenance") or {}
    words = item.get("word_count")
    if not isinstance(words, int):
        words = word_count(str(item.get("body") or ""))
    known: Collection[str] | None = None
    watched: list[str] = []
    fell_back: list[str] = []
    for field in WATCHED_FIELDS:
        if provenance.get(field) in PRIMARY_LAYERS:
            watched.append(field)
            continue
        if known is None:
            known = declared() if callable(declared) else declared
        if field in known:
            watched.append(field)
            fell_back.append(field)
    return ItemFlags(
        published=bool(item.get("published")),
        authors=bool(item.get("authors")),
        body=words >= body_min_words,
        watched=tuple(watched),
        fell_back=tuple(fell_back),
    )


def declared_selectors(spider: Any, response: Response | None) -> frozenset[str]:
    """Selector keys the spider extracts ``response`` with (``profile_for`` when the
    spider has it, else its ``profile`` or ``selectors``)."""
    profile_for = getattr(spider, "profile_for", None)
    if callable(profile_for) and isinstance(response, TextResponse):
        return frozenset(profile_for(response).selectors)
    profile = getattr(spider, "profile", None)
    if profile is not None and hasattr(profile, "selectors"):
        return frozenset(profile.selectors)
    return frozenset(getattr(spider, "selectors", None) or ())


class ItemCoverage:
    """Extension: per-item coverage and fallback counts (see module docstring).

    Enabled with the monitors (``SPIDERMON_ENABLED``)."""

    def __init__(self, stats: StatsCollector, defaults: Mapping[str, Any]) -> None:
        self.stats = stats
        self.defaults = dict(defaults)
        self.body_min_words = Expectations.from_mapping(self.defaults).body_min_words

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("SPIDERMON_ENABLED"):
            raise NotConfigured("SPIDERMON_ENABLED is off")
        assert crawler.stats is not None
        ext = cls(crawler.stats, crawler.settings.getdict("MONITOR_DEFAULT_EXPECTATIONS"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        self.body_min_words = expectations_for(spider, self.defaults).body_min_words

    def item_scraped(self, item: Any, response: Response | None, spider: Spider) -> None:
        flags = item_flags(
            ItemAdapter(item),
            body_min_words=self.body_min_words,
            declared=lambda: declared_selectors(spider, response),
        )
        for key, n in flags.increments().items():
            self.stats.inc_value(key, n)

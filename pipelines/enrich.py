"""EnrichPipeline: add the analyst fields, then drop what the crawl's filters exclude.

Policy:

- ``ENRICH_ENABLED`` off: the pipeline is not installed (``NotConfigured``); items carry
  no enrichment fields and nothing is filtered.
- Every item gets the fields of :data:`crawler.enrichment.ENRICH_FIELDS` (countries,
  primary_country, places, actors, event_types, relevance) from
  :func:`crawler.enrichment.enrich_article`; counted as ``enrich/items``. The indexes
  are built when the spider opens, so the first item does not pay for them, unless the
  spider has extraction workers: they compute the fields, which are used as they are when
  the item's inputs did not change (:mod:`crawler.precomputed`), and the indexes are built
  here only if an item needs them.
- Country filter: the spider argument ``-a countries=IQ,SY`` (comma list), else the
  ``ENRICH_COUNTRIES`` setting (list, or comma string from ``-s``). Empty: no filter.
  An item is kept when one of its countries is in the filter; otherwise ``DropItem``
  and ``article/dropped/filtered_country``.
- Relevance filter: ``-a min_relevance=0.5``, else ``ENRICH_MIN_RELEVANCE`` (0: no
  filter). An item is kept when its relevance is at least the minimum; otherwise
  ``DropItem`` and ``article/dropped/low_relevance``. The country filter is applied first.
- Bad filter values (an unknown ISO 3166-1 alpha-2 code, a minimum outside [0, 1]) stop
  the crawl when the spider opens, with a message naming the argument or setting.
- Fields are read straight from the item's field dict where it has one
  (:mod:`crawler.itemvalues`), else through ``ItemAdapter``.
- Runs after validation and before deduplication (``ITEM_PIPELINES``): filtered items
  never enter the dedup store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, Self

import pycountry
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from crawler.enrichment import enrich_article, matchers
from crawler.itemvalues import field_values
from crawler.precomputed import ENRICH_INPUTS, inputs_of, take

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def parse_countries(value: Any, source: str) -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes from a comma string or a list; ``ValueError`` names
    ``source`` on an unknown code."""
    if value is None:
        return frozenset()
    parts: Iterable[Any] = value.split(",") if isinstance(value, str) else value
    codes = {str(part).strip().upper() for part in parts if str(part).strip()}
    unknown = sorted(c for c in codes if pycountry.countries.get(alpha_2=c) is None)
    if unknown:
        raise ValueError(f"{source}: unknown ISO 3166-1 alpha-2 code(s): {', '.join(unknown)}")
    return frozenset(codes)


def parse_min_relevance(value: Any, source: str) -> float:
    """A relevance minimum in [0, 1]; ``ValueError`` names ``source`` otherwise."""
    if value is None or value == "":
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{source}: not a number: {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{source}: must be between 0 and 1, got {number}")
    return number


class EnrichPipeline:
    """Enrich every item and apply the country and relevance filters (module policy)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.countries = parse_countries(settings.getlist("ENRICH_COUNTRIES"), "ENRICH_COUNTRIES")
        self.min_relevance = parse_min_relevance(
            settings.get("ENRICH_MIN_RELEVANCE"), "ENRICH_MIN_RELEVANCE"
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ENRICH_ENABLED", True):
            raise NotConfigured("ENRICH_ENABLED is off")
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        countries = getattr(spider, "countries", None)
        if countries is not None:
            self.countries = parse_countries(countries, "spider argument countries")
        minimum = getattr(spider, "min_relevance", None)
        if minimum is not None:
            self.min_relevance = parse_min_relevance(minimum, "spider argument min_relevance")
        if getattr(spider, "extraction_pool", None) is None:
            matchers()

    def process_item(self, item: Any) -> Any:
        values = field_values(item)
        adapter = ItemAdapter(item) if values is None else None
        target: MutableMapping[str, Any] = item if adapter is None else adapter
        source: Mapping[str, Any] = item if isinstance(item, dict) else (values or target)
        fields = take(item, "enrich", inputs_of(source, ENRICH_INPUTS))
        if fields is None:
            fields = enrich_article(source)
        for name, value in fields.items():
            target[name] = value
        assert self.stats is not None
        self.stats.inc_value("enrich/items")
        if self.countries and not self.countries.intersection(fields["countries"]):
            self.stats.inc_value("article/dropped/filtered_country")
            raise DropItem(
                f"no country of {sorted(self.countries)} in {source.get('url')!r} "
                f"(countries: {fields['countries']})"
            )
        if fields["relevance"] < self.min_relevance:
            self.stats.inc_value("article/dropped/low_relevance")
            raise DropItem(
                f"relevance {fields['relevance']} < {self.min_relevance} for {source.get('url')!r}"
            )
        return item

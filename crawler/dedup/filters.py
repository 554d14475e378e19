"""Feed item filters that route flagged items (``FEEDS`` ``item_filter`` option).

Policy: :class:`CanonicalFilter` accepts every item that is not a copy (canonical
items, updates, and items that were never deduplicated); :class:`DuplicateFilter`
accepts the copies (items with ``duplicate_of``). Together they split one crawl
into the main JSONL and the duplicates JSONL without losing an item. A feed with no
filter (``scrapy crawl -O``/``-o``, Scrapyd's ``items_dir``) takes every item,
flagged.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.extensions.feedexport import ItemFilter

from crawler.itemvalues import field_values


def is_copy(item: Any) -> bool:
    """The item was flagged as a copy of a stored story."""
    values = field_values(item)
    return bool((ItemAdapter(item) if values is None else values).get("duplicate_of"))


class CanonicalFilter(ItemFilter):
    """Main feed: everything except copies."""

    def accepts(self, item: Any) -> bool:
        return super().accepts(item) and not is_copy(item)


class DuplicateFilter(ItemFilter):
    """Duplicates feed: copies only."""

    def accepts(self, item: Any) -> bool:
        return super().accepts(item) and is_copy(item)

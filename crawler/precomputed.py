"""Pipeline results computed ahead, beside the page's extraction, and carried on the item.

Policy: an extraction worker (:mod:`crawler.extractpool`) may compute the pure per-item
parts of later pipelines (the enrichment fields, the dedup fingerprint) from the fields the
spider will emit. They ride on the item as a private attribute (never exported) and a
pipeline uses one only if the item's inputs are still exactly those it was computed from
(:func:`take`); otherwise, or when nothing was attached, the pipeline computes as usual. The
result is the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Item attribute holding ``{name: (inputs, value)}``.
ATTR = "_precomputed"
#: Item fields the enrichment reads (``crawler.enrichment.enrich_article``).
ENRICH_INPUTS: tuple[str, ...] = ("title", "summary", "body", "section", "tags")


def inputs_of(item: Mapping[str, Any], fields: Sequence[str]) -> tuple[Any, ...]:
    """The values of ``fields`` in ``item`` (None when missing)."""
    return tuple(item.get(name) for name in fields)


def attach(item: Any, values: Mapping[str, tuple[Any, Any]] | None) -> None:
    """Carry ``{name: (inputs, value)}`` on ``item`` (items that take no attribute: nothing)."""
    if not values:
        return
    try:
        setattr(item, ATTR, dict(values))
    except AttributeError:
        return


def take(item: Any, name: str, inputs: Any) -> Any:
    """The value precomputed under ``name`` if it was computed from ``inputs``, else None.
    Taken once: the entry is removed."""
    carried = getattr(item, ATTR, None)
    if not carried or name not in carried:
        return None
    made_from, value = carried.pop(name)
    return value if made_from == inputs else None

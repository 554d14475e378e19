"""Direct access to the dict that holds an item's fields, for the per-item hot paths.

Policy: a plain ``dict`` item is its own field dict; a :class:`scrapy.Item` keeps its
fields in the dict ``_values``, which is what its mapping methods read and write, so
reading that dict gives what ``ItemAdapter`` would give, without the adapter's per-call
dispatch. Only ``scrapy.Item`` classes that keep Scrapy's own mapping methods qualify;
any other item (dict subclasses, dataclasses, attrs, pydantic, an ``Item`` that overrides
``__getitem__`` and the like) gets None and the caller goes through ``ItemAdapter`` as
usual. Writes still go through ``item[name] = value``, so an undeclared field still
raises ``KeyError``.
"""

from __future__ import annotations

from typing import Any

from scrapy import Item

#: Mapping methods an ``Item`` subclass must inherit unchanged for ``_values`` to be
#: what the adapter sees.
_METHODS = ("__getitem__", "__setitem__", "__delitem__", "__iter__", "__len__", "keys")
_PLAIN_ITEM_CLASSES: dict[type, bool] = {}


def _plain_item_class(cls: type) -> bool:
    known = _PLAIN_ITEM_CLASSES.get(cls)
    if known is None:
        known = issubclass(cls, Item) and all(
            getattr(cls, name) is getattr(Item, name) for name in _METHODS
        )
        _PLAIN_ITEM_CLASSES[cls] = known
    return known


def field_values(item: Any) -> dict[str, Any] | None:
    """The live dict of ``item``'s fields (see module policy), or None. Read it; do not
    write to it (write through the item)."""
    if type(item) is dict:
        return item
    if _plain_item_class(type(item)):
        values = getattr(item, "_values", None)
        if type(values) is dict:
            return values
    return None

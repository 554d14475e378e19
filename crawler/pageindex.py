"""Elements of a parsed page that several readers look up, found in one walk of the tree.

Policy: the page's ``<meta>``, ``<link>``, ``<title>``, ``<script>``, ``<base>`` and
``<h1>`` elements are collected by tag, in document order, by one walk of an HTML
document's tree (:func:`tagged_elements`), once per selector: the spider's live-blog
check and the extraction layers of the same page share it. Each reader takes from it
exactly what its own XPath would select. A selector of a sub-element, or of a non-HTML
document, has no index (None); its readers use their XPath.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from lxml import etree
from parsel import Selector

#: Tags several layers look up.
TAGGED = ("meta", "link", "title", "script", "base", "h1")
_STRING_VALUE = etree.XPath("string(.)", smart_strings=False)
#: Each selector's index, for as long as the selector lives.
_INDEX: WeakKeyDictionary[Selector, dict[str, list[Any]] | None] = WeakKeyDictionary()


def tagged_elements(sel: Selector) -> dict[str, list[Any]] | None:
    """The :data:`TAGGED` elements of ``sel``'s page by tag, in document order (None
    when ``sel`` is not an HTML document's root element); computed once per selector."""
    try:
        return _INDEX[sel]
    except KeyError:
        pass
    except TypeError:  # a selector that cannot be weakly referenced: not kept
        return _walk(sel)
    found = _walk(sel)
    _INDEX[sel] = found
    return found


def _walk(sel: Selector) -> dict[str, list[Any]] | None:
    root = sel.root
    if sel.type != "html" or not hasattr(root, "getroottree"):
        return None
    if root.getroottree().getroot() is not root:
        return None
    tagged: dict[str, list[Any]] = {tag: [] for tag in TAGGED}
    for el in root.iter(*TAGGED):
        tagged[el.tag].append(el)
    return tagged


def jsonld_may_hold(sel: Selector, word: str) -> bool:
    """False only when no ``//script[@type="application/ld+json"]/text()`` of the page
    holds ``word``: each such text is part of its script's string value."""
    tagged = tagged_elements(sel)
    if tagged is None:
        return True
    return any(
        el.get("type") == "application/ld+json" and word in _string_value(el)
        for el in tagged["script"]
    )


def _string_value(el: Any) -> str:
    """``string(.)`` of an element: its text when it has no child node but text."""
    return (el.text or "") if not len(el) else _STRING_VALUE(el)

"""Site CSS selectors evaluated on a whole page.

Policy: a selector gives exactly what ``Selector.css`` gives on the page's root (same
nodes, same order); only the way they are found differs. A selector that starts with
one class (``.entry-content a``, ``div.tags a``) is translated by parsel's HTML
translator, whose first step is ``descendant-or-self::*[@class and contains(@class,
'x') and contains(concat(' ', normalize-space(@class), ' '), ' x ')]`` (``tag`` for
``*`` with ``tag.x``). libxml2 tests every element of the page against that predicate;
:class:`PageCss` instead reads the page's elements that have a class attribute once
(``.//@class/..``, document order) with their class values, and keeps the elements
whose class holds the token ``x`` (split at XML white space, as ``normalize-space``
does). Only the values a substring search of the joined values finds ``x`` in are
split, and each token's elements are kept for the page's other selectors:

- no such element: nothing;
- one: the rest of the XPath evaluated from it;
- several: the whole XPath with its first step written ``.//@class[…]/..``
  (``parent::tag``), which selects the same elements, so the result keeps document
  order and has no duplicates when the elements nest.

Any other selector (unions, several classes, ids, attributes first) runs unchanged.
:meth:`PageCss.roots` gives the same nodes without a ``Selector`` per node. The pass
over the class attributes also reports whether any ``itemscope`` attribute exists
(:meth:`PageCss.has_itemscope`), which decides whether microdata is read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, repeat
from typing import Any, NamedTuple

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

_CLASS_STEP = re.compile(
    r"descendant-or-self::(?P<tag>\*|[a-zA-Z][\w-]*)\[@class and contains\(@class, '(?P<a>[^']+)'\)"
    r" and contains\(concat\(' ', normalize-space\(@class\), ' '\), ' (?P<b>[^']+) '\)\]"
    r"(?=/|$)"
)
#: Elements with a class attribute, and ``itemscope`` attributes (microdata), in one
#: pass: the elements come as elements, the ``itemscope`` values as plain strings.
_CLASSES = etree.XPath(".//@class/.. | .//@itemscope", smart_strings=False)
#: An element's attribute value (``el.get(name)``), for ``map``.
_GET = etree._Element.get
#: White space for ``normalize-space``: space, tab, carriage return, line feed.
_XML_SPACE = str.maketrans("\t\r\n", "   ")


class Plan(NamedTuple):
    """A class-first selector: the class token, the element name (``*``: any), the
    XPath steps after the first, and the whole XPath with a class-attribute first step."""

    name: str
    tag: str
    rest: str
    xpath: str


@lru_cache(maxsize=1024)
def plan(css: str) -> Plan | None:
    """How ``css`` is evaluated (None: as parsel does)."""
    return _plan_of(css2xpath(css))


def attribute_first(xpath: str) -> str:
    """An HTML translator's XPath for a CSS selector, a class-first one's first step
    written ``.//@class[…]/..`` (the same elements, in the same order; see module policy)."""
    found = _plan_of(xpath)
    return xpath if found is None else found.xpath


def _plan_of(xpath: str) -> Plan | None:
    match = _CLASS_STEP.match(xpath)
    if match is None or " | " in xpath or match["a"] != match["b"]:
        return None
    name, tag, rest = match["a"], match["tag"], xpath[match.end() :]
    step = (
        f".//@class[contains(., '{name}') and "
        f"contains(concat(' ', normalize-space(.), ' '), ' {name} ')]"
    )
    step += "/.." if tag == "*" else f"/parent::{tag}"
    return Plan(name, tag, rest, step + rest)


def page_xpath(css: str) -> str:
    """The XPath that finds ``css`` on a page's root element (see module policy)."""
    found = plan(css)
    return css2xpath(css) if found is None else found.xpath


class PageCss:
    """The class attributes of one page, read once, for its class-first selectors."""

    def __init__(self, sel: Selector) -> None:
        self.sel = sel
        self._elements: list[Any] | None = None  # with a class attribute, in document order
        self._values: list[str] = []  # their class attributes
        self._itemscope = False
        self._joined: str | None = None  # the values joined, without a separator
        self._ends: list[int] = []  # where each value ends in ``_joined``
        self._holders: dict[str, list[Any]] = {}  # class token -> elements holding it

    def _read(self) -> list[Any]:
        """The elements with a class attribute (their values and ``itemscope`` read too)."""
        if self._elements is None:
            found = _CLASSES(self.sel.root)
            elements = [x for x in found if not isinstance(x, str)]
            self._itemscope = len(elements) < len(found)
            self._values = list(map(_GET, elements, repeat("class")))
            self._elements = elements
        return self._elements

    def has_itemscope(self) -> bool | None:
        """Whether the page has an ``itemscope`` attribute (None: not an HTML page's root)."""
        root = self.sel.root
        if self.sel.type != "html" or isinstance(root, str) or not _is_document_root(root):
            return None
        self._read()
        return self._itemscope

    def class_values(self) -> list[str]:
        """Every ``class`` attribute of the page, in document order."""
        self._read()
        return list(self._values)

    def css(self, css: str) -> SelectorList[Selector]:
        """``sel.css(css)`` on the page's root (an HTML tree)."""
        sel = self.sel
        found = plan(css)
        if found is None or sel.type != "html" or isinstance(sel.root, str):
            return sel.css(css)
        owners = self._owners(found)
        if len(owners) > 1:
            return sel.xpath(found.xpath)
        if not owners:
            return sel.selectorlist_cls([])
        only = sel.__class__(root=owners[0], namespaces=sel.namespaces, type="html")
        return only.xpath("." + found.rest) if found.rest else sel.selectorlist_cls([only])

    def roots(self, css: str) -> list[Any]:
        """``[s.root for s in sel.css(css)]``, without a Selector per node: elements,
        and strings for ``::text``/``::attr()``."""
        sel = self.sel
        found = plan(css)
        if found is None or sel.type != "html" or isinstance(sel.root, str):
            return [s.root for s in sel.css(css)]
        owners = self._owners(found)
        if not owners:
            return []
        if len(owners) == 1 and not found.rest:
            return owners
        try:
            if len(owners) > 1:
                return _evaluate(found.xpath, sel.root)
            return _evaluate("." + found.rest, owners[0])
        except etree.XPathError:  # e.g. a namespace prefix only parsel declares
            return [s.root for s in self.css(css)]

    def _owners(self, found: Plan) -> list[Any]:
        """Elements whose class holds the plan's class token (and of its tag), a new list."""
        holders = self._holders.get(found.name)
        if holders is None:
            holders = self._holders[found.name] = self._holding(found.name)
        if found.tag != "*":
            return [owner for owner in holders if owner.tag == found.tag]
        return list(holders)

    def _holding(self, name: str) -> list[Any]:
        """Elements whose class holds the token ``name``, in document order: only the
        values the joined values show ``name`` in are split."""
        elements, values = self._read(), self._values
        if self._joined is None:
            self._joined = "".join(values)
            self._ends = list(accumulate(map(len, values)))
        joined, ends = self._joined, self._ends
        out = []
        start = joined.find(name)
        while start >= 0:
            index = bisect_right(ends, start)  # the value the match starts in
            if name in values[index].translate(_XML_SPACE).split(" "):
                out.append(elements[index])
            start = joined.find(name, ends[index])
        return out


@lru_cache(maxsize=1024)
def _compiled(xpath: str) -> etree.XPath:
    return etree.XPath(xpath, smart_strings=False)


def _evaluate(xpath: str, node: Any) -> list[Any]:
    """The XPath's nodes from ``node``, as parsel's ``xpath`` finds them (plain strings)."""
    result = _compiled(xpath)(node)
    return result if isinstance(result, list) else [result]


def _is_document_root(el: Any) -> bool:
    return hasattr(el, "getroottree") and el.getroottree().getroot() is el


def page_css(sel: Selector, css: str) -> SelectorList[Selector]:
    """``sel.css(css)`` for a page's root selector, without a class index kept."""
    return PageCss(sel).css(css)

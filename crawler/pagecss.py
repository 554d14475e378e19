"""Site CSS selectors evaluated on a whole page.

Policy: a selector gives exactly what ``Selector.css`` gives on the page's root (same
nodes, same order); only the way they are found differs. A selector that starts with
one class (``.entry-content a``, ``div.tags a``) is translated by parsel's HTML
translator, whose first step is ``descendant-or-self::*[@class and contains(@class,
'x') and contains(concat(' ', normalize-space(@class), ' '), ' x ')]`` (``tag`` for
``*`` with ``tag.x``). libxml2 tests every element of the page against that predicate;
:class:`PageCss` instead reads the page's class attributes once (``.//@class``) and
keeps the elements whose class holds the token ``x`` (split at XML white space, as
``normalize-space`` does):

- no such element: nothing;
- one: the rest of the XPath evaluated from it;
- several: the whole XPath with its first step written ``.//@class[…]/..``
  (``parent::tag``), which selects the same elements, so the result keeps document
  order and has no duplicates when the elements nest.

Any other selector (unions, several classes, ids, attributes first) runs unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import css2xpath

_CLASS_STEP = re.compile(
    r"descendant-or-self::(?P<tag>\*|[a-zA-Z][\w-]*)\[@class and contains\(@class, '(?P<a>[^']+)'\)"
    r" and contains\(concat\(' ', normalize-space\(@class\), ' '\), ' (?P<b>[^']+) '\)\]"
    r"(?=/|$)"
)
_CLASSES = etree.XPath(".//@class", smart_strings=True)
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
    xpath = css2xpath(css)
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
        self._classes: list[Any] | None = None

    @property
    def classes(self) -> list[Any]:
        """Every ``class`` attribute of the page (lxml strings that know their element)."""
        if self._classes is None:
            self._classes = list(_CLASSES(self.sel.root))
        return self._classes

    def class_values(self) -> list[str]:
        return [str(value) for value in self.classes]

    def css(self, css: str) -> SelectorList[Selector]:
        """``sel.css(css)`` on the page's root (an HTML tree)."""
        sel = self.sel
        found = plan(css)
        if found is None or sel.type != "html" or isinstance(sel.root, str):
            return sel.css(css)
        owners = [
            value.getparent()
            for value in self.classes
            if found.name in value and found.name in value.translate(_XML_SPACE).split(" ")
        ]
        if found.tag != "*":
            owners = [owner for owner in owners if owner.tag == found.tag]
        if len(owners) > 1:
            return sel.xpath(found.xpath)
        if not owners:
            return sel.selectorlist_cls([])
        only = sel.__class__(root=owners[0], namespaces=sel.namespaces, type="html")
        return only.xpath("." + found.rest) if found.rest else sel.selectorlist_cls([only])


def page_css(sel: Selector, css: str) -> SelectorList[Selector]:
    """``sel.css(css)`` for a page's root selector, without a class index kept."""
    return PageCss(sel).css(css)

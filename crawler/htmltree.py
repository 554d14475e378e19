"""HTML pages parsed into the trees their selectors read.

Policy: a page is parsed exactly as parsel parses it for an HTML selector
(:func:`parsel.selector.create_root_node`: the same bytes or text, recovery, encoding,
base URL and huge-tree option); only the parser's element class lookup differs.
``lxml.html.HTMLParser`` runs Python code (``HtmlElementClassLookup.lookup``) for every
element proxy lxml makes, to give ``form``, ``input``, ``select``, ``textarea`` and
``label`` their form-handling classes. :class:`HtmlParser` gives every element
``HtmlElement`` (comments, processing instructions and entities their ``lxml.html``
classes, as before) through lxml's C lookup. Elements read the same (tag, attributes,
text, ``HtmlElement`` methods); only the form API (``.value``, ``.inputs``,
``.fields``, ``.form``, ``.label``…) is missing, which neither the extraction nor the
libraries it hands trees to (trafilatura, htmldate, extruct) use.
"""

from __future__ import annotations

from typing import Any

from lxml import etree, html
from parsel.selector import create_root_node
from scrapy.http import HtmlResponse, JsonResponse, TextResponse, XmlResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url

#: One lookup for every parser: lxml's C lookup, no Python code per element proxy.
_LOOKUP = etree.ElementDefaultClassLookup(
    element=html.HtmlElement,
    comment=html.HtmlComment,
    pi=html.HtmlProcessingInstruction,
    entity=html.HtmlEntity,
)


class HtmlParser(html.HTMLParser):
    """``lxml.html.HTMLParser`` with every element an ``HtmlElement`` (see module policy)."""

    def __init__(self, **kwargs: Any) -> None:
        etree.HTMLParser.__init__(self, **kwargs)  # not lxml.html's: its lookup is replaced
        self.set_element_class_lookup(_LOOKUP)


def html_selector(body: bytes, base_url: str | None) -> Selector:
    """``Selector(type="html", body=body, encoding="utf-8", base_url=base_url)``, parsed
    with :class:`HtmlParser`."""
    root = create_root_node("", HtmlParser, base_url=base_url, body=body, encoding="utf-8")
    return Selector(root=root, type="html")


def response_selector(response: TextResponse) -> Selector:
    """What ``response.selector`` builds (``Selector(response)``), an HTML response parsed
    with :class:`HtmlParser`; any other response's selector is Scrapy's own."""
    if isinstance(response, XmlResponse | JsonResponse) or not isinstance(response, HtmlResponse):
        return Selector(response)
    root = create_root_node(response.text, HtmlParser, base_url=get_base_url(response))
    selector = Selector(root=root, type="html")
    selector.response = response
    return selector

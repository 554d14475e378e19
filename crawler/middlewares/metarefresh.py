"""Scrapy's meta-refresh redirects, without decoding pages that cannot declare one.

Policy: the same redirects as ``scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware``
(which it replaces in the project settings). Scrapy decodes the whole page to read the
first 4,096 characters of its text for a ``<meta http-equiv="refresh">``; a refresh is only
taken from a tag whose attributes hold ``refresh`` in any letter case. For a UTF-8 page
those characters come from the first :data:`HEAD_BYTES` bytes, where ASCII letters stand
for themselves, so when those bytes do not hold ``refresh`` in any case the page is passed
on untouched (no decoding); otherwise, or in another encoding, Scrapy's code decides.
"""

from __future__ import annotations

import codecs

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

#: Bytes holding the first 4,096 characters of any UTF-8 text (4 bytes a character, and a BOM).
HEAD_BYTES = 4 * 4096 + 3


def may_refresh(response: HtmlResponse) -> bool:
    """False when the page's first 4,096 characters cannot declare a meta refresh."""
    if codecs.lookup(response.encoding).name != "utf-8":
        return True
    return b"refresh" in response.body[:HEAD_BYTES].lower()  # bytes.lower(): ASCII letters only


class LazyMetaRefreshMiddleware(MetaRefreshMiddleware):
    """``MetaRefreshMiddleware`` that rules a refresh out in the bytes first (module policy)."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_refresh(response):
            return response
        return super().process_response(request, response)

"""Send requests for chosen real hostnames to local servers (``HOST_OVERRIDES``).

Policy: an http(s) request whose hostname is a key of ``HOST_OVERRIDES`` is downloaded from
the mapped local base (``{"www.example.com": "http://127.0.0.1:8081"}``) with the path and
query kept and a ``Host: <real host>`` header. The key ``"*"`` maps every other host except
loopback addresses (tests point it at the fixture server's catch-all, so no request can reach
the network). Everything outside the download itself sees the real URL: the scheduler and
dupefilter, robots.txt handling (its own ``https://<host>/robots.txt`` requests are mapped
too), redirects, retries, stats, callbacks and items.

How: the middleware sits next to the downloader (priority 950, after every built-in
middleware), rewrites the request's URL in place just before the download and restores it
first thing in ``process_response``/``process_exception``. Returning a new request from
``process_request`` would instead re-schedule a local-URL copy that every middleware and the
callback would then see. The real URL's parse is pinned with ``urlparse_cached`` before the
rewrite, so the download slot (per-site concurrency) and the download-handler choice stay those
of the real host. Responses get the real URL back; a redirect ``Location`` and text bodies that
name the local base are pointed back at the real origin (relative Locations stay relative).

Browser requests (scrapy-playwright) go through the same middlewares and need nothing more:
browsers refuse to override ``Host``, so the fixture server sees its local address and writes
local URLs into the page (subresources then load locally too); the body rewrite above turns
them back into real URLs before spiders see the HTML, and the browser's redirect chain
(``redirect_urls`` meta) is mapped back the same way.

Limits: only the plain HTTP/1.1 handler and scrapy-playwright are supported (the HTTP/2
handler picks TLS from the pinned ``https`` scheme); middlewares placed after 950 and listeners
of ``request_reached_downloader``/``response_downloaded`` see the local URL.

Stats: ``hostoverrides/mapped`` (downloads sent to a local base), ``hostoverrides/location``
(redirect Locations mapped back), ``hostoverrides/body_rewritten`` (bodies mapped back).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

META_KEY = "_host_override"
#: ``HOST_OVERRIDES`` key for "every other host".
WILDCARD = "*"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class _Mapped:
    """What is needed to undo one in-flight rewrite."""

    real_url: str
    real_origin: str
    local_base: str
    host_added: bool
    had_proxy: bool
    proxy: str | None
    proxy_auth: bytes | None


def parse_overrides(value: object) -> dict[str, str]:
    """Validate ``{hostname: "http://127.0.0.1:PORT"}``; bases must be scheme + host + port."""
    if not isinstance(value, dict):
        raise ValueError(f"HOST_OVERRIDES must be a JSON object, got {value!r}")
    overrides: dict[str, str] = {}
    for host, base in value.items():
        parts = urlsplit(str(base))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"HOST_OVERRIDES[{host!r}]: {base!r} is not an http(s) base URL")
        if parts.path.strip("/") or parts.query or parts.fragment:
            raise ValueError(f"HOST_OVERRIDES[{host!r}]: {base!r} must have no path or query")
        overrides[str(host).lower()] = f"{parts.scheme}://{parts.netloc}"
    return overrides


def overrides_from_settings(settings: BaseSettings) -> dict[str, str]:
    """Read ``HOST_OVERRIDES`` given as a dict or a JSON string (``-s HOST_OVERRIDES=...``)."""
    if not settings.get("HOST_OVERRIDES"):
        return {}
    return parse_overrides(settings.getdict("HOST_OVERRIDES"))


@lru_cache(maxsize=256)
def _local_pattern(local_base: str) -> re.Pattern[bytes]:
    """Absolute, protocol-relative and JSON-escaped forms of ``local_base``."""
    scheme, netloc = local_base.split("://", 1)
    return re.compile(
        rb"(" + re.escape(scheme.encode()) + rb":)?(//|\\/\\/)"
        rb"" + re.escape(netloc.encode()) + rb"(?![\w.:-])"
    )


def to_real(text: bytes, local_base: str, real_origin: str) -> bytes:
    """Replace ``local_base`` URLs in ``text`` by ``real_origin`` ones."""
    real_scheme, real_netloc = real_origin.split("://", 1)

    def replace(match: re.Match[bytes]) -> bytes:
        scheme = real_scheme.encode() + b":" if match.group(1) else b""
        return scheme + match.group(2) + real_netloc.encode()

    return _local_pattern(local_base).sub(replace, text)


class HostOverridesMiddleware:
    """Downloader middleware mapping real hostnames to local bases (see module docstring)."""

    def __init__(self, overrides: Mapping[str, str], stats: StatsCollector) -> None:
        self.overrides = dict(overrides)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        overrides = overrides_from_settings(crawler.settings)
        if not overrides:
            raise NotConfigured("HOST_OVERRIDES is empty")
        assert crawler.stats is not None
        return cls(overrides, crawler.stats)

    def local_base(self, url: str) -> str | None:
        """The local base ``url`` is downloaded from, or None when its host is not mapped."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        if host in self.overrides:
            return self.overrides[host]
        if WILDCARD in self.overrides and not _is_loopback(host):
            return self.overrides[WILDCARD]
        return None

    def local_url(self, url: str) -> str | None:
        """The local URL ``url`` is downloaded from (path and query kept, no fragment)."""
        base = self.local_base(url)
        if base is None:
            return None
        parts = urlsplit(url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{base}{parts.path or '/'}{query}"

    def process_request(self, request: Request) -> None:
        if META_KEY in request.meta:
            return
        base = self.local_base(request.url)
        local = self.local_url(request.url)
        if base is None or local is None:
            return
        real = urlparse_cached(request)  # pins the real parse for slot and handler choice
        host_added = "Host" not in request.headers
        if host_added:
            request.headers["Host"] = real.netloc
        request.meta[META_KEY] = _Mapped(
            real_url=request.url,
            real_origin=f"{real.scheme}://{real.netloc}",
            local_base=base,
            host_added=host_added,
            # the local base is reached directly, never through a proxy
            had_proxy="proxy" in request.meta,
            proxy=request.meta.pop("proxy", None),
            proxy_auth=request.headers.pop(b"Proxy-Authorization", None),
        )
        # Scrapy offers no public way to change a request's URL in place; replace() would
        # make a new request that goes back through the scheduler (see module docstring).
        request._set_url(local)
        self.stats.inc_value("hostoverrides/mapped")

    def _restore(self, request: Request) -> _Mapped | None:
        mapped: _Mapped | None = request.meta.pop(META_KEY, None)
        if mapped is None:
            return None
        request._set_url(mapped.real_url)
        if mapped.host_added:
            del request.headers["Host"]
        if mapped.had_proxy:
            request.meta["proxy"] = mapped.proxy
        if mapped.proxy_auth is not None:
            request.headers[b"Proxy-Authorization"] = mapped.proxy_auth
        return mapped

    def process_response(self, request: Request, response: Response) -> Response:
        mapped = self._restore(request)
        if mapped is None:
            return response
        url = to_real(response.url.encode(), mapped.local_base, mapped.real_origin).decode()
        headers = response.headers.copy()
        location = headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            real_location = to_real(location, mapped.local_base, mapped.real_origin)
            if real_location != location:
                headers[b"Location"] = real_location
                self.stats.inc_value("hostoverrides/location")
        if "redirect_urls" in request.meta:  # a browser's redirect chain holds local URLs
            request.meta["redirect_urls"] = [
                to_real(u.encode(), mapped.local_base, mapped.real_origin).decode()
                for u in request.meta["redirect_urls"]
            ]
        body = response.body
        if isinstance(response, TextResponse):
            body = to_real(body, mapped.local_base, mapped.real_origin)
            if body != response.body:
                self.stats.inc_value("hostoverrides/body_rewritten")
        return response.replace(url=url, headers=headers, body=body)

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._restore(request)

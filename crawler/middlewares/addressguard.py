"""Address guard: never connect to private, loopback, link-local or otherwise non-public hosts.

Policy: a request may reach a host only when every address it connects to is a globally
routable unicast address (``ipaddress`` ``is_global``, not multicast/reserved/unspecified; an
IPv4 address embedded in IPv6 — ``::ffff:a.b.c.d``, 6to4, NAT64 — is judged as IPv4). Blocked
requests raise :class:`BlockedAddress` (an ``IgnoreRequest``), so a request's errback counts
``article/dropped/blocked_address``; stats ``addressguard/blocked`` (URL text) and
``addressguard/blocked/resolved`` (after name resolution).

Two checks, both needed:

1. **URL text** (:class:`AddressGuardMiddleware`, downloader middleware, priority 670): the
   host of every request and of every redirect ``Location`` is normalised the way browsers and
   libc read it — ``localhost``/``*.localhost``, percent-encoding, full-width characters, a
   trailing dot, IPv4 in decimal (``2130706433``), hex (``0x7f.1``), octal (``0177.0.0.1``) or
   short (``127.1``) forms, bracketed IPv6 (``[::1]``, ``[::ffff:127.0.0.1]``, zone ids) — and
   refused before robots.txt is fetched for it, before a redirect is followed and before
   ``HOST_OVERRIDES`` (950) could map it elsewhere.
2. **At connection time** (:class:`AddressGuardResolver`, ``TWISTED_DNS_RESOLVER``): the name
   resolver drops every resolved address that is not public, so a name that resolves to
   ``10.0.0.5`` or ``127.0.0.1`` (or is rebound to one later) is never connected to; with no
   address left the download fails and the middleware turns the failure into
   :class:`BlockedAddress` before retries are attempted. ``ADDRESS_GUARD_TEST_HOSTS``
   (``{name: ip}``) answers chosen names without DNS; it exists for tests only.

Exceptions, and only these:

- ``HOST_OVERRIDES``: its keys (the real host names, which are never connected to) and its
  target bases (``http://127.0.0.1:PORT``, matched by host and port) are allowed. The ``"*"``
  key exempts nothing by itself.
- Start URLs given explicitly (``-a start_urls`` or the spider's ``start_urls``): their origin
  (scheme, host and port: the site the user named) is allowed, including robots.txt, redirects
  and links on that same origin. A discovered link or redirect to any other non-public
  origin is blocked; the exemption is read from the spider's start URLs, not from request
  meta, so it never travels with copied requests.

Limits: the connection-time check covers Scrapy's default HTTP/1.1 handler (Twisted name
resolution). Browser-rendered pages (scrapy-playwright) and the optional aiohttp/httpx
handlers resolve names themselves, so for them only the URL-text check applies. Proxies are
trusted to make their own decision.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Self, cast
from urllib.parse import unquote, urljoin, urlsplit

from scrapy import signals
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest, NotConfigured
from scrapy.resolver import CachingHostnameResolver, HostResolution
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.address import IPv4Address as TxIPv4Address
from twisted.internet.address import IPv6Address as TxIPv6Address
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolutionReceiver
from w3lib.url import safe_url_string
from zope.interface import implementer

from crawler.middlewares.hostoverrides import WILDCARD, overrides_from_settings

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.statscollectors import StatsCollector
    from twisted.internet.base import ReactorBase
    from twisted.internet.interfaces import IAddress, IHostResolution

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Host names that always mean this machine (RFC 6761 and common /etc/hosts aliases).
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NUMBER = {8: re.compile(r"[0-7]*"), 10: re.compile(r"[0-9]+"), 16: re.compile(r"[0-9a-f]*")}

Origin = tuple[str, str, int]


class BlockedAddress(IgnoreRequest):
    """A request (or its redirect target) names or resolves to a non-public address."""

    reason = "blocked_address"

    def __init__(self, url: str, address: str) -> None:
        super().__init__(f"Blocked {url}: {address} is not a public address")
        self.url = url
        self.address = address


# -- address rules ------------------------------------------------------------------------


def normalize_host(host: str) -> str:
    """Host as a resolver sees it: unquoted, NFKC, lowercase, no brackets or trailing dot."""
    host = unicodedata.normalize("NFKC", unquote(host)).translate(_DOTS).strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host.rstrip(".") if ":" not in host else host


def _ipv4_number(part: str) -> int | None:
    base = 10
    if part[:2] == "0x":
        base, part = 16, part[2:]
    elif len(part) > 1 and part.startswith("0"):
        base, part = 8, part[1:]
    if not _NUMBER[base].fullmatch(part):
        return None
    return int(part, base) if part else 0


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 in every form ``inet_aton`` and the WHATWG URL parser accept, else None.

    ``127.0.0.1``, ``127.1``, ``2130706433``, ``0x7f.1``, ``0x7f000001``, ``0177.0.0.1``.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not parts or len(parts) > 4 or "" in parts:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    value = values[-1]
    for index, number in enumerate(values[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def host_address(host: str) -> IPAddress | None:
    """The IP address a URL host denotes literally (any notation), or None for a name."""
    host = normalize_host(host)
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    return parse_ipv4(host)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_blocked_ip(address: IPAddress) -> bool:
    """True unless ``address`` is a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        address = embedded_ipv4(address) or address
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def blocked_host(host: str) -> str | None:
    """Why a URL host is refused on its text alone (the address it names), or None."""
    name = normalize_host(host)
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return name
    address = host_address(name)
    if address is not None and is_blocked_ip(address):
        return str(address)
    return None


def origin_of(url: str) -> Origin | None:
    """``(scheme, normalised host, port)`` of an http(s) URL, else None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, normalize_host(parts.hostname), port


# -- connection time ------------------------------------------------------------------------


@implementer(IResolutionReceiver)
class _FilteringReceiver:
    """Passes on only the public addresses of ``name`` (all of them when it is exempt)."""

    def __init__(self, receiver: Any, guard: AddressGuardResolver, name: str, port: int) -> None:
        self.receiver = receiver
        self.guard = guard
        self.name = name
        self.port = port
        self.blocked: list[str] = []

    def resolutionBegan(self, resolution: Any) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        host = str(getattr(address, "host", ""))
        ip = host_address(host)
        guarded = self.guard.enabled and not self.guard.is_exempt(self.name, self.port)
        if guarded and (ip is None or is_blocked_ip(ip)):
            self.blocked.append(host)
            return
        self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        if self.blocked:
            self.guard.record_refusal(self.name, self.port, self.blocked[0])
        self.receiver.resolutionComplete()


class AddressGuardResolver(CachingHostnameResolver):
    """Caching IPv4/IPv6 resolver that never hands out non-public addresses (see module doc).

    Built from the process settings (``HOST_OVERRIDES``, ``ADDRESS_GUARD_*``); start-URL
    origins are added by :class:`AddressGuardMiddleware` when the spider opens.
    """

    def __init__(
        self,
        reactor: ReactorBase,
        cache_size: int,
        *,
        enabled: bool = True,
        exempt: Iterable[tuple[str, int]] = (),
        fixed_hosts: dict[str, str] | None = None,
    ) -> None:
        super().__init__(reactor, cache_size)
        self.enabled = enabled
        self.exempt_names: set[tuple[str, int]] = {(normalize_host(h), p) for h, p in exempt}
        self.fixed_hosts = {
            normalize_host(name): str(ipaddress.ip_address(ip))
            for name, ip in (fixed_hosts or {}).items()
        }
        #: (name, port) -> first non-public address it resolved to.
        self.refused: dict[tuple[str, int], str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> Self:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        targets = filter(None, map(origin_of, overrides_from_settings(settings).values()))
        fixed = (
            settings.getdict("ADDRESS_GUARD_TEST_HOSTS")
            if settings.get("ADDRESS_GUARD_TEST_HOSTS")
            else {}
        )
        return cls(
            reactor,
            cache_size,
            enabled=settings.getbool("ADDRESS_GUARD_ENABLED", True),
            exempt=[(host, port) for _, host, port in targets],
            fixed_hosts={str(name): str(ip) for name, ip in fixed.items()},
        )

    def exempt(self, name: str, port: int) -> None:
        """Allow ``name:port`` to resolve to any address (an explicit start origin)."""
        self.exempt_names.add((normalize_host(name), port))

    def is_exempt(self, name: str, port: int) -> bool:
        return (normalize_host(name), port) in self.exempt_names

    def record_refusal(self, name: str, port: int, address: str) -> None:
        key = (normalize_host(name), port)
        if key not in self.refused:
            logger.info("Refused connection to %s:%d: it resolves to %s", name, port, address)
        self.refused[key] = address

    def resolveHostName(
        self,
        resolutionReceiver: IResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[IAddress]] | None = None,
        transportSemantics: str = "TCP",
    ) -> IHostResolution:
        receiver = _FilteringReceiver(resolutionReceiver, self, hostName, portNumber)
        fixed = self.fixed_hosts.get(normalize_host(hostName))
        if fixed is None:
            return super().resolveHostName(
                cast("IResolutionReceiver", receiver),
                hostName,
                portNumber,
                addressTypes,
                transportSemantics,
            )
        resolution = HostResolution(hostName)
        receiver.resolutionBegan(resolution)
        kind = TxIPv6Address if ":" in fixed else TxIPv4Address
        receiver.addressResolved(kind("TCP", fixed, portNumber))
        receiver.resolutionComplete()
        return cast("IHostResolution", resolution)


def installed_resolver() -> AddressGuardResolver | None:
    """The running reactor's name resolver when it is an :class:`AddressGuardResolver`."""
    from scrapy.utils.reactor import is_reactor_installed

    if not is_reactor_installed():
        return None
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver if isinstance(resolver, AddressGuardResolver) else None


# -- URL text -------------------------------------------------------------------------------


class AddressGuardMiddleware:
    """Downloader middleware refusing non-public hosts by URL text (see module docstring)."""

    def __init__(self, stats: StatsCollector, overrides: dict[str, str]) -> None:
        self.stats = stats
        self.override_hosts = {host for host in overrides if host != WILDCARD}
        self.exempt_origins: set[Origin] = {
            origin for origin in map(origin_of, overrides.values()) if origin is not None
        }
        self._logged_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ADDRESS_GUARD_ENABLED", True):
            raise NotConfigured("ADDRESS_GUARD_ENABLED is off")
        assert crawler.stats is not None
        middleware = cls(crawler.stats, overrides_from_settings(crawler.settings))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.allow_start_urls(getattr(spider, "start_urls", None) or ())

    def allow_start_urls(self, urls: Iterable[str]) -> None:
        """Exempt the origins of explicitly given start URLs (here and in the resolver)."""
        resolver = installed_resolver()
        for url in urls:
            origin = origin_of(url)
            if origin is None:
                continue
            self.exempt_origins.add(origin)
            if resolver is not None:
                resolver.exempt(origin[1], origin[2])

    def blocked_address(self, url: str) -> str | None:
        """The non-public address ``url`` names, unless it is exempt; else None."""
        origin = origin_of(url)
        if origin is None or origin in self.exempt_origins or origin[1] in self.override_hosts:
            return None
        return blocked_host(origin[1])

    def _block(self, url: str, address: str, stat: str) -> BlockedAddress:
        self.stats.inc_value(stat)
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._logged_hosts:
            self._logged_hosts.add(host)
            logger.info("Blocked requests to %s: %s is not a public address", host, address)
        return BlockedAddress(url, address)

    def process_request(self, request: Request) -> None:
        address = self.blocked_address(request.url)
        if address is not None:
            raise self._block(request.url, address, "addressguard/blocked")

    def process_response(self, request: Request, response: Response) -> Response:
        """Refuse a redirect to a blocked address here, so it is counted, not just dropped."""
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = redirect_target(request.url, location)
        address = self.blocked_address(target)
        if address is not None:
            raise self._block(target, address, "addressguard/blocked/redirect")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A download the resolver starved of addresses is a block, not a DNS error to retry."""
        if not isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            return
        resolver = installed_resolver()
        parsed = urlparse_cached(request)
        if resolver is None or not parsed.hostname:
            return
        port = parsed.port or _DEFAULT_PORTS.get(parsed.scheme, 0)
        address = resolver.refused.get((normalize_host(parsed.hostname), port))
        if address is not None:
            raise self._block(request.url, address, "addressguard/blocked/resolved")


def redirect_target(url: str, location: bytes) -> str:
    """Absolute URL of a ``Location`` header, resolved like Scrapy's RedirectMiddleware."""
    target = safe_url_string(location)
    if location.startswith(b"//"):
        target = urlsplit(url).scheme + "://" + target.lstrip("/")
    return urljoin(url, target)

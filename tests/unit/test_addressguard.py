"""Address guard: every spelling of a non-public address, the middleware and the resolver."""

from __future__ import annotations

import ipaddress
import socket
import uuid
from typing import Any

import pytest
from scrapy.exceptions import CannotResolveHostError, NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.address import IPv4Address, IPv6Address

from crawler.middlewares import addressguard
from crawler.middlewares.addressguard import (
    AddressGuardMiddleware,
    AddressGuardResolver,
    BlockedAddress,
    blocked_host,
    host_address,
    is_blocked_ip,
    normalize_host,
    parse_ipv4,
    redirect_target,
)
from crawler.settings import base

#: URL host as written -> the address it is refused as.
BLOCKED = {
    "localhost": "localhost",
    "LOCALHOST.": "localhost",
    "news.localhost": "news.localhost",
    "127.0.0.1": "127.0.0.1",
    "127.0.0.2": "127.0.0.2",
    "127.1": "127.0.0.1",
    "2130706433": "127.0.0.1",
    "0x7f.1": "127.0.0.1",
    "0x7F000001": "127.0.0.1",
    "0177.0.0.1": "127.0.0.1",
    "0177.1": "127.0.0.1",
    "127.0.0.1.": "127.0.0.1",
    "%31%32%37.0.0.1": "127.0.0.1",
    "１２７.０.０.１": "127.0.0.1",
    "127。0。0。1": "127.0.0.1",
    "0": "0.0.0.0",
    "0.0.0.0": "0.0.0.0",
    "10.0.0.1": "10.0.0.1",
    "167772161": "10.0.0.1",
    "172.16.5.4": "172.16.5.4",
    "192.168.1.1": "192.168.1.1",
    "169.254.169.254": "169.254.169.254",
    "0xa9.0xfe.0xa9.0xfe": "169.254.169.254",
    "100.64.0.1": "100.64.0.1",
    "224.0.0.1": "224.0.0.1",
    "255.255.255.255": "255.255.255.255",
    "[::1]": "::1",
    "::1": "::1",
    "[0:0:0:0:0:0:0:1]": "::1",
    "[::]": "::",
    "[::ffff:127.0.0.1]": "::ffff:7f00:1",
    "[::ffff:7f00:1]": "::ffff:7f00:1",
    "[::ffff:10.0.0.1]": "::ffff:a00:1",
    "[::ffff:169.254.169.254]": "::ffff:a9fe:a9fe",
    "[fe80::1%25eth0]": "fe80::1",
    "[fc00::1]": "fc00::1",
    "[2002:7f00:1::]": "2002:7f00:1::",
    "[64:ff9b::a00:1]": "64:ff9b::a00:1",
    "[ff02::1]": "ff02::1",
}
PUBLIC = (
    "www.example.com",
    "fault-news.test",
    "8.8.8.8",
    "134744072",  # 8.8.8.8
    "0x08.0x08.0x08.0x08",
    "[2001:4860:4860::8888]",
    "[::ffff:8.8.8.8]",
    "[2002:808:808::1]",  # 6to4 of 8.8.8.8
    "1.2.3.foo",
    "09.1.1.1",  # not a number in any base: a name for the resolver
    "localhost.example.com",
)


@pytest.mark.parametrize(("host", "address"), sorted(BLOCKED.items()))
def test_every_spelling_of_a_private_address_is_blocked(host: str, address: str) -> None:
    assert blocked_host(host) == address


@pytest.mark.parametrize("host", PUBLIC)
def test_public_hosts_pass(host: str) -> None:
    assert blocked_host(host) is None


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",
        "127.0.1",
        "2130706433",
        "0x7f.1",
        "0x7f000001",
        "0177.0.0.01",
        "0x7f.0.0.0x1",
        "10.0x10.1",
        "1.16777215",
        "1.16777216",
        "256.1.1.1",
        "0x100.1",
        "1.2.3.4.5",
        "09.1.1.1",
        "08",
        "1..2",
        "4294967295",
        "4294967296",
    ],
)
def test_ipv4_forms_match_inet_aton(host: str) -> None:
    """The guard reads numeric hosts exactly as the C library does when it connects."""
    try:
        expected: ipaddress.IPv4Address | None = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        expected = None
    assert parse_ipv4(host) == expected


def test_where_browsers_and_libc_differ_the_address_wins() -> None:
    """``0x`` is 0 for the WHATWG URL parser, a name for ``inet_aton``: treated as 0.0.0.0."""
    assert blocked_host("0x") == "0.0.0.0"


def test_names_are_not_addresses() -> None:
    assert host_address("intranet.fault-news.test") is None
    assert host_address("[not:an:address]") is None
    assert normalize_host("[::1]") == "::1"
    assert normalize_host("Example.COM.") == "example.com"


def test_embedded_ipv4_decides() -> None:
    assert is_blocked_ip(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not is_blocked_ip(ipaddress.ip_address("::ffff:8.8.8.8"))
    assert is_blocked_ip(ipaddress.ip_address("64:ff9b::7f00:1"))
    assert not is_blocked_ip(ipaddress.ip_address("93.184.216.34"))


# -- the middleware ---------------------------------------------------------------------------

LOCAL = "http://127.0.0.1:8765"


def middleware(**settings: Any) -> AddressGuardMiddleware:
    crawler = get_crawler(settings_dict={"HOST_OVERRIDES": {}, **settings})
    return AddressGuardMiddleware.from_crawler(crawler)


def test_discovered_private_urls_are_refused() -> None:
    mw = middleware()
    for url in ("http://2130706433/x", "http://[::1]:8080/", "https://localhost/", LOCAL + "/"):
        with pytest.raises(BlockedAddress) as raised:
            mw.process_request(Request(url))
        assert raised.value.reason == "blocked_address"
    mw.process_request(Request("https://www.example.com/news/"))
    assert mw.stats.get_value("addressguard/blocked") == 4


def test_explicit_start_origin_is_exempt_and_nothing_else() -> None:
    mw = middleware()
    mw.allow_start_urls([LOCAL + "/news/", "https://www.example.com/"])
    mw.process_request(Request(LOCAL + "/news/story-one"))  # same origin: the site asked for
    mw.process_request(Request(LOCAL + "/robots.txt"))
    for url in ("http://127.0.0.1:9999/", "http://127.0.0.2:8765/", "https://127.0.0.1:8765/"):
        with pytest.raises(BlockedAddress):
            mw.process_request(Request(url))


def test_start_urls_of_the_spider_are_read_when_it_opens() -> None:
    mw = middleware()

    class _Spider:
        start_urls = (LOCAL + "/",)

    mw.spider_opened(_Spider())  # type: ignore[arg-type]
    mw.process_request(Request(LOCAL + "/a"))


def test_host_overrides_are_exempt_but_not_the_wildcard() -> None:
    mw = middleware(HOST_OVERRIDES={"10.1.2.3": LOCAL, "*": "http://127.0.0.1:9"})
    mw.process_request(Request("http://10.1.2.3/x"))  # a mapped key is never connected to
    mw.process_request(Request(LOCAL + "/x"))  # a target base
    mw.process_request(Request("http://127.0.0.1:9/x"))
    with pytest.raises(BlockedAddress):
        mw.process_request(Request("http://10.9.9.9/x"))


def test_redirects_to_private_addresses_are_refused() -> None:
    mw = middleware()
    request = Request("https://www.example.com/a")
    for location in (
        b"http://169.254.169.254/latest/",
        b"//0x7f.1/x",
        b"http://[::ffff:10.0.0.1]/",
    ):
        response = Response(request.url, status=302, headers={"Location": location})
        with pytest.raises(BlockedAddress):
            mw.process_response(request, response)
    fine = Response(request.url, status=301, headers={"Location": b"/b"})
    assert mw.process_response(request, fine) is fine
    assert redirect_target(request.url, b"//other.example/x") == "https://other.example/x"


def test_resolver_refusals_become_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = _resolver({"intranet.example": ["10.0.0.7"]})
    monkeypatch.setattr(addressguard, "installed_resolver", lambda: resolver)
    _resolve(resolver, "intranet.example", 443)
    mw = middleware()
    error = CannotResolveHostError("no results for hostname lookup: intranet.example")
    with pytest.raises(BlockedAddress) as raised:
        mw.process_exception(Request("https://intranet.example/x"), error)
    assert raised.value.address == "10.0.0.7"
    assert mw.process_exception(Request("https://other.example/x"), error) is None


def test_disabled_guard() -> None:
    with pytest.raises(NotConfigured):
        middleware(ADDRESS_GUARD_ENABLED=False)


def test_base_settings_wire_the_guard() -> None:
    assert base.TWISTED_DNS_RESOLVER.endswith("addressguard.AddressGuardResolver")
    order = base.DOWNLOADER_MIDDLEWARES
    guard = order["crawler.middlewares.addressguard.AddressGuardMiddleware"]
    faults = order["crawler.middlewares.errors.FaultsMiddleware"]
    overrides = order["crawler.middlewares.hostoverrides.HostOverridesMiddleware"]
    # responses reach guard, then faults, then RedirectMiddleware (600) and RetryMiddleware (550)
    assert 600 < faults < guard < overrides
    assert base.ADDRESS_GUARD_ENABLED is True and base.ADDRESS_GUARD_TEST_HOSTS == {}


# -- the resolver -------------------------------------------------------------------------------


class _FakeNameResolver:
    """Stands in for the reactor's getaddrinfo resolver: answers from a dict, at once."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def resolveHostName(self, receiver: Any, name: str, port: int = 0, *args: Any) -> Any:
        self.calls.append(name)
        receiver.resolutionBegan(None)
        for ip in self.answers.get(name, []):
            kind = IPv6Address if ":" in ip else IPv4Address
            receiver.addressResolved(kind("TCP", ip, port))
        receiver.resolutionComplete()
        return None


class _FakeReactor:
    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.nameResolver = _FakeNameResolver(answers)


def _resolver(answers: dict[str, list[str]], **kwargs: Any) -> AddressGuardResolver:
    return AddressGuardResolver(_FakeReactor(answers), 10000, **kwargs)  # type: ignore[arg-type]


class _Receiver:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.done = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.done = True


def _resolve(resolver: AddressGuardResolver, name: str, port: int = 80) -> list[str]:
    receiver = _Receiver()
    resolver.resolveHostName(receiver, name, port)  # type: ignore[arg-type]
    assert receiver.done
    return receiver.addresses


def _name(label: str) -> str:
    """A fresh name: Scrapy's DNS cache is process-wide."""
    return f"{label}-{uuid.uuid4().hex[:8]}.example"


def test_resolver_drops_non_public_results() -> None:
    private, mixed, public, v6 = _name("private"), _name("mixed"), _name("public"), _name("v6")
    resolver = _resolver(
        {
            private: ["10.0.0.5"],
            mixed: ["127.0.0.1", "93.184.216.34"],
            public: ["93.184.216.34"],
            v6: ["::1", "::ffff:127.0.0.1"],
        }
    )
    assert _resolve(resolver, private) == []
    assert resolver.refused[(private, 80)] == "10.0.0.5"
    assert _resolve(resolver, mixed) == ["93.184.216.34"]  # a rebinding trick gets nothing
    assert _resolve(resolver, public) == ["93.184.216.34"]
    assert _resolve(resolver, v6) == []
    assert (public, 80) not in resolver.refused


def test_resolver_filters_cached_answers_too() -> None:
    name = _name("cached")
    resolver = _resolver({name: ["192.168.0.9"]})
    assert _resolve(resolver, name) == []
    assert _resolve(resolver, name) == []
    assert resolver.original_resolver.calls == [name]  # type: ignore[attr-defined]


def test_resolver_exemptions_are_per_name_and_port() -> None:
    name = _name("intranet")
    resolver = _resolver({name: ["10.0.0.5"], "127.0.0.1": ["127.0.0.1"]}, exempt=[(name, 443)])
    assert _resolve(resolver, name, 443) == ["10.0.0.5"]
    assert _resolve(resolver, name, 80) == []
    resolver.exempt("127.0.0.1", 8765)
    assert _resolve(resolver, "127.0.0.1", 8765) == ["127.0.0.1"]
    assert _resolve(resolver, "127.0.0.1", 8766) == []


def test_resolver_fixed_hosts_skip_dns() -> None:
    resolver = _resolver({}, fixed_hosts={"Private.Test": "127.0.0.2", "pub.test": "8.8.4.4"})
    assert _resolve(resolver, "private.test") == []
    assert resolver.refused[("private.test", 80)] == "127.0.0.2"
    assert _resolve(resolver, "pub.test", 443) == ["8.8.4.4"]
    assert resolver.original_resolver.calls == []  # type: ignore[attr-defined]


def test_resolver_from_settings() -> None:
    crawler = get_crawler(
        settings_dict={
            "HOST_OVERRIDES": '{"www.example.com": "http://127.0.0.1:8765", "*": "http://127.0.0.1:9"}',
            "ADDRESS_GUARD_TEST_HOSTS": '{"private.test": "10.0.0.1"}',
        }
    )
    resolver = AddressGuardResolver.from_crawler(crawler, _FakeReactor({}))  # type: ignore[arg-type]
    assert resolver.is_exempt("127.0.0.1", 8765) and resolver.is_exempt("127.0.0.1", 9)
    assert not resolver.is_exempt("127.0.0.1", 80)
    assert resolver.fixed_hosts == {"private.test": "10.0.0.1"}
    off = get_crawler(settings_dict={"ADDRESS_GUARD_ENABLED": False})
    name = _name("unguarded")
    disabled = AddressGuardResolver.from_crawler(off, _FakeReactor({name: ["10.0.0.1"]}))  # type: ignore[arg-type]
    assert _resolve(disabled, name) == ["10.0.0.1"]

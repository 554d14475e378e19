"""What the fault server serves: one fault per path of the made-up site ``www.fault-news.test``.

Each :class:`Fault` applies to the first ``times`` requests of its path (``None``: every
request); after that the path serves its ``page`` normally, so a transient fault can be told
from a permanent one. ``{t1}``/``{t2}`` in locations and links are the ports of the trap
listeners on 127.0.0.1 (also ``[::1]`` when the host has IPv6) and on 127.0.0.2.
"""

from __future__ import annotations

from dataclasses import dataclass

SITE = "www.fault-news.test"
#: Names the crawl resolves through ``ADDRESS_GUARD_TEST_HOSTS`` to non-public addresses.
INTRANET = "intranet.fault-news.test"  # -> 127.0.0.2, where a trap listens
METADATA = "metadata.fault-news.test"  # -> 169.254.169.254
#: Another domain; the crawl maps it to this server, so a leak would show in the log.
ELSEWHERE = "www.elsewhere.test"
MB = 1024 * 1024


@dataclass(frozen=True)
class Fault:
    """One path's behaviour (``kind``) and the page it serves once the fault is over."""

    kind: str  # page | status | slow | reset | truncate | big | stream | bomb | redirect | body
    page: str | None = None
    status: int = 200
    times: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    #: Serve the UTF-8 fixture re-encoded in this charset.
    encoding: str | None = None
    content_type: str = "text/html; charset=utf-8"
    location: str = ""
    size: int = 0
    delay: float = 0.0
    body: bytes = b""
    gzip: bool = False
    #: Linked from the home page listing.
    listed: bool = True


RETRY_AFTER = (("Retry-After", "1"),)
_LOOP = "/news/redirect-loop-first-hop"
#: The endless chain: ``CHAIN/<n>`` redirects to ``CHAIN/<n+1>``.
CHAIN = "/news/redirect-chain-without-end"

ROUTES: dict[str, Fault] = {
    # -- transient: retried or decoded, and the article is captured --------------------------
    "/news/burst-of-503-clears-after-two-retries": Fault("status", "burst.html", 503, times=2),
    "/news/rate-limited-429-retry-after-one-second": Fault(
        "status", "ratelimit.html", 429, times=1, headers=RETRY_AFTER
    ),
    "/news/slow-first-response-then-fast": Fault("slow", "slow.html", times=1, delay=3.5),
    "/news/connection-reset-once-then-served": Fault("reset", "reset.html", times=1),
    "/news/truncated-once-then-complete-body": Fault("truncate", "truncated.html", times=1),
    "/news/gzip-encoded-story-decodes-fine": Fault("page", "gzip.html", gzip=True),
    "/news/redirected-story-moved-permanently": Fault(
        "redirect", status=301, location="/news/redirect-destination-final-story"
    ),
    "/news/redirect-destination-final-story": Fault("page", "moved.html", listed=False),
    "/news/arabic-windows-1256-declared-in-header": Fault(
        "page", "ar-header.html", encoding="cp1256", content_type="text/html; charset=windows-1256"
    ),
    "/news/arabic-windows-1256-declared-in-meta": Fault(
        "page", "ar-meta.html", encoding="cp1256", content_type="text/html"
    ),
    "/news/french-latin-1-declared-in-header": Fault(
        "page", "fr-header.html", encoding="latin-1", content_type="text/html; charset=iso-8859-1"
    ),
    "/news/french-latin-1-declared-in-http-equiv": Fault(
        "page", "fr-meta.html", encoding="latin-1", content_type="text/html"
    ),
    "/news/malformed-json-ld-still-extracted": Fault("page", "jsonld.html"),
    "/news/duplicate-links-with-tracking-parameters": Fault("page", "tracking.html"),
    # -- permanent: dropped with a reason ---------------------------------------------------
    "/news/missing-story-returns-404": Fault("status", status=404),
    "/news/withdrawn-story-returns-410": Fault("status", status=410),
    "/news/server-error-503-never-clears": Fault("status", status=503),
    "/news/rate-limited-429-never-clears": Fault("status", status=429, headers=RETRY_AFTER),
    "/news/always-slower-than-download-timeout": Fault("slow", "slow.html", delay=3.5),
    "/news/connection-reset-every-time": Fault("reset", "reset.html"),
    "/news/truncated-body-every-time": Fault("truncate", "truncated.html"),
    "/news/empty-200-response-body": Fault("body"),
    "/news/whitespace-only-200-response": Fault("body", body=b"  \r\n\r\n\t  \n"),
    "/news/pdf-report-at-article-url": Fault("page", "report.pdf", content_type="application/pdf"),
    "/news/thirty-megabyte-page-with-length": Fault("big", size=30 * MB),
    "/news/thirty-megabyte-page-streamed": Fault("stream", size=30 * MB),
    "/news/gzip-bomb-inflates-past-maxsize": Fault("bomb", size=40 * MB),
    _LOOP: Fault("redirect", status=302, location="/news/redirect-loop-second-hop"),
    "/news/redirect-loop-second-hop": Fault("redirect", status=302, location=_LOOP, listed=False),
    "/news/redirect-to-itself": Fault(
        "redirect", status=301, location="https://www.fault-news.test/news/redirect-to-itself"
    ),
    CHAIN: Fault("redirect", status=302, location=f"{CHAIN}/1"),
    "/news/redirect-to-another-domain": Fault(
        "redirect", status=301, location=f"https://{ELSEWHERE}/news/story-on-another-site"
    ),
    "/news/redirect-to-second-loopback": Fault(
        "redirect", status=302, location="http://127.0.0.2:{t2}/news/trap-second-loopback"
    ),
    "/news/redirect-to-ten-network": Fault(
        "redirect", status=302, location="http://10.0.0.1/news/trap-ten-network"
    ),
    "/news/redirect-to-cloud-metadata": Fault(
        "redirect", status=302, location="http://169.254.169.254/latest/meta-data/"
    ),
    "/news/redirect-to-decimal-ip": Fault(
        "redirect", status=302, location="http://2130706434:{t2}/news/trap-decimal"
    ),
    "/news/redirect-to-hex-ip": Fault(
        "redirect", status=302, location="http://0x7f.2:{t2}/news/trap-hex"
    ),
    "/news/redirect-to-localhost": Fault(
        "redirect", status=307, location="http://localhost:{t1}/news/trap-localhost"
    ),
    "/news/redirect-to-ipv6-loopback": Fault(
        "redirect", status=308, location="http://[::1]:{t1}/news/trap-ipv6-loopback"
    ),
    "/news/redirect-to-ipv4-mapped-ipv6": Fault(
        "redirect", status=302, location="http://[::ffff:127.0.0.2]:{t2}/news/trap-mapped"
    ),
    "/news/redirect-to-private-hostname": Fault(
        "redirect", status=302, location=f"http://{INTRANET}:{{t2}}/news/trap-intranet-redirect"
    ),
    # -- never requested: robots.txt forbids it --------------------------------------------
    "/news/private/robots-forbidden-story": Fault("page", "forbidden.html"),
    # -- the open-scope crawl's one reachable article ----------------------------------------
    "/news/open-scope-normal-story": Fault("page", "open.html", listed=False),
    "/robots.txt": Fault("page", "robots.txt", content_type="text/plain", listed=False),
}

#: More links on the home page: tracking duplicates, offsite, private hosts by name.
HOME_EXTRA_LINKS = (
    "/news/duplicate-links-with-tracking-parameters?utm_source=newsletter&utm_medium=email",
    "https://www.fault-news.test/news/duplicate-links-with-tracking-parameters?fbclid=AbC123",
    "/news/duplicate-links-with-tracking-parameters?gclid=xyz&utm_campaign=spring#comments",
    f"https://{ELSEWHERE}/news/offsite-linked-story",
    f"http://{INTRANET}:{{t2}}/news/intranet-linked-story",
    f"http://{METADATA}/news/metadata-linked-story",
)

#: Links of the open-scope listing (``/open/``, a spider without ``allowed_domains``):
#: every spelling of a non-public address the guard must refuse.
OPEN_LINKS = (
    "/news/open-scope-normal-story",
    "http://127.0.0.2:{t2}/news/open-second-loopback",
    "http://2130706434:{t2}/news/open-decimal",
    "http://0x7f.2:{t2}/news/open-hex",
    "http://0177.0.0.2:{t2}/news/open-octal",
    "http://127.2:{t2}/news/open-short-form",
    "http://[::ffff:127.0.0.2]:{t2}/news/open-ipv4-mapped",
    "http://[::ffff:7f00:2]:{t2}/news/open-ipv4-mapped-hex",
    "http://localhost:{t1}/news/open-localhost",
    "http://LocalHost.:{t1}/news/open-localhost-dot",
    "http://[::1]:{t1}/news/open-ipv6-loopback",
    "http://127.0.0.1:{t1}/news/open-test-host-other-port",
    "http://0.0.0.0:{t1}/news/open-unspecified",
    "http://10.0.0.1/news/open-ten-network",
    "http://192.168.1.1/news/open-home-router",
    "http://169.254.169.254/news/open-cloud-metadata",
    f"http://{INTRANET}:{{t2}}/news/open-private-hostname",
    f"http://{METADATA}/news/open-metadata-hostname",
)


def listing(title: str, links: list[str]) -> bytes:
    """A plain listing page linking ``links``."""
    items = "\n".join(f'    <li><a href="{link}">{link}</a></li>' for link in links)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n  <h1>{title}</h1>\n  <ul>\n{items}\n"
        f"  </ul>\n</body>\n</html>\n"
    ).encode()


def home_links() -> list[str]:
    listed = [path for path, fault in ROUTES.items() if fault.listed]
    return [*listed, *HOME_EXTRA_LINKS]

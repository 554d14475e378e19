"""Permanent download faults: one reason per request that could not be fetched.

Policy: transient faults (5xx, 429, timeouts, resets, truncated bodies, see ``RETRY_*``)
are retried by Scrapy; whatever still fails reaches the request's errback, which names one
reason with :func:`classify_failure` and, for a candidate article, counts
``article/dropped/<reason>`` and logs one line (:class:`FaultReporting`). Reasons:

=======================  ==================================================================
``http_<code>``          a status that is not retried (``http_404``, ``http_410``, ...)
``http_5xx_exhausted``   a 5xx still returned after ``RETRY_TIMES`` retries
``rate_limited``         a 429 still returned after the retries
``timeout``              no complete response within ``DOWNLOAD_TIMEOUT``
``connection_refused``   nothing listening
``connection_lost``      connection reset or closed before a response
``truncated``            body shorter than its ``Content-Length``
``dns_error``            the host name does not resolve
``too_large``            body (or its decompressed form) above ``DOWNLOAD_MAXSIZE``
``blocked_address``      a non-public address (``crawler.middlewares.addressguard``)
``redirect_loop``        a redirect back into its own chain, or more than
                         ``REDIRECT_MAX_TIMES`` hops
``offsite``              a redirect leaving the spider's ``allowed_domains``
``robots``               forbidden by robots.txt
``ignored``              any other ``IgnoreRequest``
``download_error``       anything else
=======================  ==================================================================

The spider adds ``not_html`` (e.g. a PDF at an article URL) and ``empty`` (a 200 with no
content) for responses it receives. :class:`FaultsMiddleware` (priority 660, before
``RedirectMiddleware`` and ``RetryMiddleware`` see the response) raises :class:`Dropped` for
redirect loops and offsite redirects — Scrapy would otherwise drop both silently in the
dupefilter or the offsite filter — and waits out a ``Retry-After`` (capped at
``RETRY_AFTER_MAX`` seconds, stat ``retry/retry_after``) before a 429/503 is retried.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import sleep
from twisted.internet import error as txerror
from twisted.web.client import ResponseFailed
from w3lib.url import canonicalize_url

from crawler.middlewares.addressguard import redirect_target

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

#: Exception classes (checked in order) -> reason.
EXCEPTION_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, txerror.TimeoutError, txerror.TCPTimedOutError), "timeout"),
    ((DownloadConnectionRefusedError, txerror.ConnectionRefusedError), "connection_refused"),
    ((ResponseDataLossError,), "truncated"),
    ((CannotResolveHostError, txerror.DNSLookupError), "dns_error"),
    ((DownloadCancelledError,), "too_large"),
    (
        (
            DownloadFailedError,
            ResponseFailed,
            txerror.ConnectionLost,
            txerror.ConnectionDone,
            txerror.ConnectError,
        ),
        "connection_lost",
    ),
)
#: Reasons that are policy, not faults: logged at INFO.
POLICY_REASONS = frozenset({"robots", "offsite"})
#: Reasons Scrapy itself already logged at WARNING: ours goes to INFO.
SCRAPY_LOGGED = frozenset({"too_large"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class Dropped(IgnoreRequest):
    """A request given up for a known ``reason`` (see the module docstring)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _http_reason(response: Response, retried: int) -> str:
    if response.status == 429 and retried:
        return "rate_limited"
    if response.status >= 500 and retried:
        return "http_5xx_exhausted"
    return f"http_{response.status}"


def classify_failure(failure: Failure) -> tuple[str, str]:
    """``(reason, detail)`` for the failure an errback received."""
    exc = failure.value
    request = getattr(failure, "request", None)
    retried = int(request.meta.get("retry_times", 0)) if request is not None else 0
    retries = f" after {retried} retries" if retried else ""
    if isinstance(exc, HttpError):
        response = exc.response
        return _http_reason(response, retried), f"HTTP {response.status}{retries}"
    reason = getattr(exc, "reason", None)
    if isinstance(exc, IgnoreRequest) and isinstance(reason, str):
        return reason, str(getattr(exc, "detail", exc))
    for classes, name in EXCEPTION_REASONS:
        if isinstance(exc, classes):
            return name, f"{type(exc).__name__}{retries}: {exc}".rstrip(": ")
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if type(exc.__cause__).__name__ == "_DecompressionMaxSizeExceeded":
            return "too_large", "decompressed body above DOWNLOAD_MAXSIZE"
        if message.startswith("Forbidden by robots.txt"):
            return "robots", message
        if message.startswith("max redirections reached"):
            return "redirect_loop", message
        return "ignored", message or type(exc).__name__
    return "download_error", f"{type(exc).__name__}: {exc}"


def log_drop(url: str, reason: str, detail: str, *, spider: Any = None) -> None:
    """The one log line of a dropped article."""
    level = logging.INFO if reason in POLICY_REASONS | SCRAPY_LOGGED else logging.WARNING
    logger.log(level, "Dropped article %s: %s (%s)", url, reason, detail, extra={"spider": spider})


class FaultReporting:
    """Spider mixin: ``article/dropped/<reason>`` counted and logged once per article."""

    crawler: Crawler

    def drop(self, url: str, reason: str, detail: str = "") -> None:
        """Count and log an article given up for a fault (not a content verdict)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"article/dropped/{reason}")
        log_drop(url, reason, detail, spider=self)

    def article_failed(self, failure: Failure) -> None:
        """Errback of article requests; the article is named by the URL it was requested
        as (the first of a redirect chain)."""
        request = getattr(failure, "request", None)
        url = "?" if request is None else [*request.meta.get("redirect_urls", ()), request.url][0]
        reason, detail = classify_failure(failure)
        self.drop(url, reason, detail)


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date), else None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class FaultsMiddleware:
    """Downloader middleware: redirect loops, offsite redirects, ``Retry-After`` waits."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES")
        self.retry_times = settings.getint("RETRY_TIMES")
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 30.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            await self._wait_retry_after(request, response)
        location = response.headers.get(b"Location")
        if (
            response.status in REDIRECT_STATUSES
            and location
            and not request.meta.get("dont_redirect")
        ):
            self._check_redirect(request, redirect_target(request.url, location))
        return response

    async def _wait_retry_after(self, request: Request, response: Response) -> None:
        """Wait before Scrapy's retry when the server said how long (never past the cap)."""
        if not self.retry_enabled or request.meta.get("dont_retry"):
            return
        if response.status not in self.retry_codes:
            return
        if request.meta.get("retry_times", 0) >= request.meta.get(
            "max_retry_times", self.retry_times
        ):
            return
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("retry/retry_after")
            await sleep(min(delay, self.retry_after_max))

    def _check_redirect(self, request: Request, target: str) -> None:
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        if canonicalize_url(target) in {canonicalize_url(url) for url in chain}:
            raise Dropped("redirect_loop", f"{request.url} redirects back to {target}")
        if request.meta.get("redirect_times", 0) >= self.max_redirects:
            raise Dropped("redirect_loop", f"more than {self.max_redirects} redirects")
        offsite = self.crawler.get_downloader_middleware(OffsiteMiddleware)
        spider = self.crawler.spider
        if (
            offsite is not None
            and spider is not None
            and not request.dont_filter
            and not request.meta.get("allow_offsite")
            and not offsite.should_follow(Request(target), spider)
        ):
            raise Dropped("offsite", f"redirect to {target}")

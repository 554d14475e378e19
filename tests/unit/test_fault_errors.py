"""Drop reasons for failed requests, redirect policy and Retry-After waits (errors.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import Spider
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
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure

from crawler.middlewares import errors
from crawler.middlewares.addressguard import BlockedAddress
from crawler.middlewares.errors import (
    Dropped,
    FaultsMiddleware,
    classify_failure,
    retry_after_seconds,
)

URL = "https://www.example.com/news/a-story-about-something"


def failure(exc: BaseException, **meta: Any) -> Failure:
    try:
        raise exc
    except BaseException:
        result = Failure()
    result.request = Request(URL, meta=meta)  # type: ignore[attr-defined]
    return result


def http_error(status: int, **meta: Any) -> Failure:
    return failure(HttpError(Response(URL, status=status)), **meta)


def _decompression_error() -> IgnoreRequest:
    class _DecompressionMaxSizeExceeded(ValueError):
        pass

    error = IgnoreRequest("Ignored response: exceeded DOWNLOAD_MAXSIZE")
    error.__cause__ = _DecompressionMaxSizeExceeded()
    return error


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (http_error(404), "http_404"),
        (http_error(410), "http_410"),
        (http_error(503), "http_503"),  # not retried (dont_retry)
        (http_error(503, retry_times=3), "http_5xx_exhausted"),
        (http_error(429, retry_times=3), "rate_limited"),
        (failure(DownloadTimeoutError("took longer than 2 seconds")), "timeout"),
        (failure(DownloadConnectionRefusedError()), "connection_refused"),
        (failure(DownloadFailedError("reset")), "connection_lost"),
        (failure(ConnectionLost()), "connection_lost"),
        (failure(ResponseDataLossError()), "truncated"),
        (failure(CannotResolveHostError("nope")), "dns_error"),
        (failure(DownloadCancelledError("larger than download max size")), "too_large"),
        (failure(_decompression_error()), "too_large"),
        (failure(BlockedAddress("http://10.0.0.1/", "10.0.0.1")), "blocked_address"),
        (failure(Dropped("redirect_loop", "back to itself")), "redirect_loop"),
        (failure(IgnoreRequest("Forbidden by robots.txt")), "robots"),
        (failure(IgnoreRequest("max redirections reached")), "redirect_loop"),
        (failure(IgnoreRequest("something else")), "ignored"),
        (failure(ZeroDivisionError("odd")), "download_error"),
    ],
)
def test_each_failure_has_one_reason(fault: Failure, reason: str) -> None:
    assert classify_failure(fault)[0] == reason


def test_details_say_what_happened() -> None:
    assert classify_failure(http_error(503, retry_times=3))[1] == "HTTP 503 after 3 retries"
    assert classify_failure(failure(Dropped("offsite", "redirect to x")))[1] == "redirect to x"


def test_retry_after() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds(b"Wed, 01 May 2024 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds(b"Wed, 01 May 2024 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


class _Spider(Spider):
    name = "errors_test"
    allowed_domains = ["example.com"]


def faults_middleware(**settings: Any) -> FaultsMiddleware:
    crawler = get_crawler(_Spider, settings_dict=settings)
    crawler.spider = _Spider.from_crawler(crawler)
    offsite = OffsiteMiddleware.from_crawler(crawler)
    offsite.spider_opened(crawler.spider)
    crawler.get_downloader_middleware = lambda cls: offsite  # type: ignore[method-assign]
    return FaultsMiddleware.from_crawler(crawler)


def redirect(request: Request, location: str, status: int = 302) -> Response:
    return Response(request.url, status=status, headers={"Location": location})


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_redirect_back_into_the_chain_is_a_loop() -> None:
    mw = faults_middleware()
    second = Request("https://www.example.com/b", meta={"redirect_urls": [URL]})
    with pytest.raises(Dropped) as raised:
        run(mw.process_response(second, redirect(second, URL)))
    assert raised.value.reason == "redirect_loop"
    itself = Request(URL)
    with pytest.raises(Dropped):
        run(mw.process_response(itself, redirect(itself, URL + "#top", 301)))


def test_too_many_redirects_is_a_loop() -> None:
    mw = faults_middleware(REDIRECT_MAX_TIMES=3)
    request = Request(URL, meta={"redirect_times": 3})
    with pytest.raises(Dropped, match="more than 3 redirects"):
        run(mw.process_response(request, redirect(request, "/c")))


def test_offsite_redirect_is_counted_not_lost() -> None:
    mw = faults_middleware()
    request = Request(URL)
    with pytest.raises(Dropped) as raised:
        run(mw.process_response(request, redirect(request, "https://other.org/story")))
    assert raised.value.reason == "offsite"
    fine = redirect(request, "https://news.example.com/story")
    assert run(mw.process_response(request, fine)) is fine
    unfiltered = Request(URL, dont_filter=True)
    other = redirect(unfiltered, "https://other.org/story")
    assert run(mw.process_response(unfiltered, other)) is other


def test_retry_after_wait_only_before_a_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(errors, "sleep", fake_sleep)
    mw = faults_middleware(RETRY_AFTER_MAX=10)
    response = Response(URL, status=429, headers={"Retry-After": "60"})
    assert run(mw.process_response(Request(URL), response)) is response
    run(mw.process_response(Request(URL, meta={"retry_times": 3}), response))  # no retry left
    run(mw.process_response(Request(URL, meta={"dont_retry": True}), response))
    run(mw.process_response(Request(URL), Response(URL, status=404)))
    assert waits == [10]  # capped at RETRY_AFTER_MAX

"""The crawl process's cheaper stand-ins: meta refresh read from the bytes, plain stats."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh
from scrapy.utils.test import get_crawler

from crawler.middlewares.metarefresh import LazyMetaRefreshMiddleware, may_refresh
from crawler.stats import MemoryStats

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REFRESH = (
    b'<html><head><meta http-equiv="Refresh" content="0; url=/next/"></head><body>x</body></html>'
)


def middleware() -> LazyMetaRefreshMiddleware:
    return LazyMetaRefreshMiddleware.from_crawler(get_crawler())


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_a_meta_refresh_still_redirects(encoding: str) -> None:
    request = Request("https://x.test/a")
    response = HtmlResponse(request.url, body=REFRESH, encoding=encoding, request=request)
    out = middleware().process_response(request, response)
    assert isinstance(out, Request) and out.url == "https://x.test/next/"


def test_a_page_without_refresh_passes_undecoded() -> None:
    request = Request("https://x.test/a")
    body = b"<html><head><title>t</title></head><body>" + b"<p>caf\xc3\xa9</p>" * 5000 + b"</body>"
    response = HtmlResponse(request.url, body=body, encoding="utf-8", request=request)
    assert middleware().process_response(request, response) is response
    assert getattr(response, "_cached_ubody", None) is None  # never decoded


def test_the_byte_check_never_rules_out_a_refresh_scrapy_finds() -> None:
    pages = sorted(FIXTURES.rglob("*.html"))
    assert len(pages) > 100
    ruled_out = 0
    for path in pages:
        response = HtmlResponse("https://x.test/p", body=path.read_bytes())
        if not may_refresh(response):
            ruled_out += 1
            assert get_meta_refresh(response) == (None, None), path
    assert ruled_out > 0


def test_the_stats_collector_keeps_scrapy_s_methods() -> None:
    crawler = get_crawler(settings_dict={"STATS_CLASS": "crawler.stats.MemoryStats"})
    stats = crawler.stats
    assert isinstance(stats, MemoryStats)
    stats.inc_value("a")
    stats.inc_value("a", 2)
    stats.max_value("m", 3)
    stats.max_value("m", 1)
    stats.set_value("s", "x")
    assert stats.get_stats() == {"a": 3, "m": 3, "s": "x"}
    assert stats.get_value("missing", 7) == 7

"""Fault injection: two crawls of the fault server (``tests/faultserver``) cover every fault kind.

- The **site** crawl (``allowed_domains = ["fault-news.test"]``) reads the home listing, which
  links one path per fault: transient faults must end in a captured article, permanent ones
  in ``article/dropped/<reason>`` and one log line each.
- The **open** crawl (``-a scope=open``: no ``allowed_domains``, like a crawl of arbitrary
  user-given sites) follows links to every spelling of a non-public address; only the address
  guard stands in the way.

Both run at once (about 15 s). ``HOST_OVERRIDES`` maps the site (and ``www.elsewhere.test``,
so that a leak would be logged) to the server; there is no ``"*"`` key, so the private host
names go through the guard's resolver (``ADDRESS_GUARD_TEST_HOSTS``). Trap listeners on
127.0.0.2, on another port of 127.0.0.1 and on ``[::1]`` record any hit: there must be none.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SERVER_START_TIMEOUT, CrawlResult, run_crawl
from tests.faultserver.faults import ELSEWHERE, INTRANET, METADATA, OPEN_LINKS, SITE

pytestmark = pytest.mark.slow

SPIDER = Path(__file__).with_name("_fault_spider.py")
REAL = f"https://{SITE}"

#: Transient faults and bad input: path -> what happens first. The article must be captured.
CAPTURED = {
    "/news/burst-of-503-clears-after-two-retries": "503 twice",
    "/news/rate-limited-429-retry-after-one-second": "429 with Retry-After: 1, once",
    "/news/slow-first-response-then-fast": "slower than DOWNLOAD_TIMEOUT, once",
    "/news/connection-reset-once-then-served": "RST mid-headers, once",
    "/news/truncated-once-then-complete-body": "body short of Content-Length, once",
    "/news/gzip-encoded-story-decodes-fine": "gzip Content-Encoding",
    "/news/redirect-destination-final-story": "reached through a 301 on the site",
    "/news/arabic-windows-1256-declared-in-header": "windows-1256, charset in header",
    "/news/arabic-windows-1256-declared-in-meta": "windows-1256, <meta charset> only",
    "/news/french-latin-1-declared-in-header": "latin-1, charset in header",
    "/news/french-latin-1-declared-in-http-equiv": "latin-1, <meta http-equiv> only",
    "/news/malformed-json-ld-still-extracted": "two malformed JSON-LD blocks",
    "/news/duplicate-links-with-tracking-parameters": "linked 4 times with tracking params",
}
#: Permanent faults: path (as requested) -> drop reason.
DROPPED = {
    "/news/missing-story-returns-404": "http_404",
    "/news/withdrawn-story-returns-410": "http_410",
    "/news/server-error-503-never-clears": "http_5xx_exhausted",
    "/news/rate-limited-429-never-clears": "rate_limited",
    "/news/always-slower-than-download-timeout": "timeout",
    "/news/connection-reset-every-time": "connection_lost",
    "/news/truncated-body-every-time": "truncated",
    "/news/empty-200-response-body": "empty",
    "/news/whitespace-only-200-response": "empty",
    "/news/pdf-report-at-article-url": "not_html",
    "/news/thirty-megabyte-page-with-length": "too_large",
    "/news/thirty-megabyte-page-streamed": "too_large",
    "/news/gzip-bomb-inflates-past-maxsize": "too_large",
    "/news/redirect-loop-first-hop": "redirect_loop",
    "/news/redirect-to-itself": "redirect_loop",
    "/news/redirect-chain-without-end": "redirect_loop",
    "/news/redirect-to-another-domain": "offsite",
    "/news/redirect-to-second-loopback": "blocked_address",
    "/news/redirect-to-ten-network": "blocked_address",
    "/news/redirect-to-cloud-metadata": "blocked_address",
    "/news/redirect-to-decimal-ip": "blocked_address",
    "/news/redirect-to-hex-ip": "blocked_address",
    "/news/redirect-to-localhost": "blocked_address",
    "/news/redirect-to-ipv6-loopback": "blocked_address",
    "/news/redirect-to-ipv4-mapped-ipv6": "blocked_address",
    "/news/redirect-to-private-hostname": "blocked_address",
    "/news/private/robots-forbidden-story": "robots",
}
#: Discovered links to names that resolve to non-public addresses (checked at connection).
PRIVATE_NAME_LINKS = {
    "http://intranet.fault-news.test:{t2}/news/intranet-linked-story": "blocked_address",
    "http://metadata.fault-news.test/news/metadata-linked-story": "blocked_address",
}
#: Download exceptions the injected faults cause (everything else is a crash).
FAULT_EXCEPTIONS = {
    "scrapy.exceptions.CannotResolveHostError",  # the guard's resolver refusing
    "scrapy.exceptions.DownloadCancelledError",  # DOWNLOAD_MAXSIZE
    "scrapy.exceptions.DownloadFailedError",  # resets
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",  # truncated bodies
    "scrapy.exceptions.IgnoreRequest",  # robots.txt
    "crawler.middlewares.addressguard.BlockedAddress",
}


@dataclass
class FaultServer:
    base: str
    ports: dict[str, int]
    log_path: Path

    def requests(self) -> list[dict[str, Any]]:
        with self.log_path.open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def fill(self, template: str) -> str:
        return template.format(**{k: str(v) for k, v in self.ports.items()})


@dataclass
class Crawls:
    site: CrawlResult
    open: CrawlResult
    server: FaultServer

    def site_requests(self, path: str) -> list[dict[str, Any]]:
        return [
            r
            for r in self.server.requests()
            if r["listener"] == "main" and r["host"] == SITE and r["path"] == path
        ]


@pytest.fixture(scope="module")
def fault_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultServer]:
    workdir = tmp_path_factory.mktemp("faultserver")
    manifest_path = workdir / "manifest.json"
    stderr_path = workdir / "server.stderr"
    command = [sys.executable, "-m", "tests.faultserver.server", "--manifest", str(manifest_path)]
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not manifest_path.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                err = stderr_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"fault server did not start (exit {proc.returncode}): {err}")
            time.sleep(0.05)
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        yield FaultServer(manifest["base"], manifest["ports"], Path(manifest["log"]))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def crawls(fault_server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Crawls:
    settings = {
        "DOWNLOAD_TIMEOUT": 2,
        "ADDRESS_GUARD_TEST_HOSTS": {INTRANET: "127.0.0.2", METADATA: "169.254.169.254"},
        "MONITOR_REPORT_DIR": "",
    }
    overrides = {SITE: fault_server.base, ELSEWHERE: fault_server.base}

    def crawl(scope: str) -> CrawlResult:
        args = {"scope": scope}
        if scope == "open":
            args["start_urls"] = f"{REAL}/open/"
        return run_crawl(
            "faults",
            tmp_path=tmp_path_factory.mktemp(f"faults_{scope}"),
            runspider=SPIDER,
            args=args,
            settings=settings,
            host_overrides=overrides,
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        site, open_ = pool.map(crawl, ["site", "open"])
    return Crawls(site, open_, fault_server)


def items_by_path(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {item["url"].removeprefix(REAL): item for item in result.items}


def dropped_stats(result: CrawlResult) -> dict[str, int]:
    prefix = "article/dropped/"
    return {k.removeprefix(prefix): v for k, v in result.stats.items() if k.startswith(prefix)}


def assert_no_crash(result: CrawlResult) -> None:
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats.get("finish_reason") == "finished"
    problems = result.problems()
    assert not [k for k in problems if k.startswith("spider_exceptions/")], result.log[-3000:]
    assert "log_count/ERROR" not in problems, result.log[-3000:]
    assert "log_count/CRITICAL" not in problems
    prefix = "downloader/exception_type_count/"
    raised = {k.removeprefix(prefix) for k in result.stats if k.startswith(prefix)}
    assert raised <= FAULT_EXCEPTIONS
    assert "Traceback" not in result.log


# -- no crash ---------------------------------------------------------------------------------


def test_no_crash(crawls: Crawls) -> None:
    assert_no_crash(crawls.site)
    assert_no_crash(crawls.open)
    assert not crawls.site.stats.get("article/dropped/invalid")


# -- transient faults and bad input: captured ------------------------------------------------


def test_transient_faults_are_retried_and_captured(crawls: Crawls) -> None:
    captured = items_by_path(crawls.site)
    assert sorted(captured) == sorted(CAPTURED)
    for item in captured.values():
        assert item["word_count"] >= 40 and item["published"], item["url"]
    # each transient fault cost exactly the requests it should have
    assert len(crawls.site_requests("/news/burst-of-503-clears-after-two-retries")) == 3
    for path in (
        "/news/rate-limited-429-retry-after-one-second",
        "/news/slow-first-response-then-fast",
        "/news/connection-reset-once-then-served",
        "/news/truncated-once-then-complete-body",
    ):
        assert len(crawls.site_requests(path)) == 2, path
    stats = crawls.site.stats
    assert stats["retry/reason_count/503 Service Unavailable"] >= 2
    assert stats["retry/reason_count/scrapy.exceptions.DownloadTimeoutError"] >= 1
    assert stats["retry/reason_count/scrapy.exceptions.DownloadFailedError"] >= 1
    assert stats["retry/reason_count/scrapy.exceptions.ResponseDataLossError"] >= 1
    assert stats["retry/retry_after"] >= 1  # the Retry-After header was honoured


def test_encodings_are_decoded(crawls: Crawls) -> None:
    captured = items_by_path(crawls.site)
    for path in (
        "/news/arabic-windows-1256-declared-in-header",
        "/news/arabic-windows-1256-declared-in-meta",
    ):
        assert captured[path]["language"] == "ar"
    header = captured["/news/arabic-windows-1256-declared-in-header"]
    assert header["title"] == "إغلاق معبر حدودي بعد اشتباكات ليلية"
    assert header["body"].startswith("أعلنت السلطات المحلية صباح الأربعاء إغلاق المعبر")
    assert header["authors"] == ["سامي الحسن"]
    meta = captured["/news/arabic-windows-1256-declared-in-meta"]
    assert meta["title"] == "الإفراج عن صيادين احتجزوا قرب المياه المتنازع عليها"
    assert "غياب حدود بحرية واضحة يعرض الصيادين للخطر" in meta["body"]
    french = captured["/news/french-latin-1-declared-in-header"]
    assert french["title"] == "Sécurité renforcée à la frontière après des tirs nocturnes"
    assert "« une peur permanente »" in french["body"]
    equiv = captured["/news/french-latin-1-declared-in-http-equiv"]
    assert equiv["title"] == "Négociations sur les otages : une délégation attendue à Genève"
    assert equiv["authors"] == ["François Lemaître"]
    assert "réclament « des garanties concrètes »" in equiv["body"]
    for item in captured.values():  # no mojibake anywhere
        text = item["title"] + item["body"]
        assert not any(bad in text for bad in ("Ã", "Ø", "Ù", "\ufffd")), item["url"]


def test_malformed_json_ld_is_survived(crawls: Crawls) -> None:
    item = items_by_path(crawls.site)["/news/malformed-json-ld-still-extracted"]
    assert item["title"] == "Landmine clearance teams expand work to farmland"
    assert item["published"] == "2024-05-09T10:10:00+03:00"  # from the visible <time>
    assert crawls.site.stats["extraction/jsonld/broken"] >= 2


def test_tracking_duplicates_are_fetched_once(crawls: Crawls) -> None:
    path = "/news/duplicate-links-with-tracking-parameters"
    requests = crawls.site_requests(path)
    assert len(requests) == 1
    assert requests[0]["query"] == ""


def test_redirect_within_the_site_is_followed(crawls: Crawls) -> None:
    item = items_by_path(crawls.site)["/news/redirect-destination-final-story"]
    assert item["title"] == "Kidnapped engineers freed after negotiations with tribal elders"
    assert len(crawls.site_requests("/news/redirected-story-moved-permanently")) == 1


# -- permanent faults: counted with a reason, logged once --------------------------------------


def test_permanent_faults_are_counted_by_reason(crawls: Crawls) -> None:
    expected = Counter(DROPPED.values()) + Counter(PRIVATE_NAME_LINKS.values())
    assert dropped_stats(crawls.site) == dict(expected)


def test_each_drop_is_logged_once(crawls: Crawls) -> None:
    log = crawls.site.log
    urls = [REAL + path for path in DROPPED]
    urls += [crawls.server.fill(link) for link in PRIVATE_NAME_LINKS]
    for url in urls:
        lines = [line for line in log.splitlines() if f"Dropped article {url}:" in line]
        assert len(lines) == 1, (url, lines)
        reason = DROPPED.get(url.removeprefix(REAL), "blocked_address")
        assert f": {reason} (" in lines[0]


def test_retries_stop_at_retry_times(crawls: Crawls) -> None:
    for path in (
        "/news/server-error-503-never-clears",
        "/news/rate-limited-429-never-clears",
        "/news/always-slower-than-download-timeout",
        "/news/connection-reset-every-time",
        "/news/truncated-body-every-time",
    ):
        assert len(crawls.site_requests(path)) == 4, path  # 1 + RETRY_TIMES
    for path in ("/news/missing-story-returns-404", "/news/redirect-loop-first-hop"):
        assert len(crawls.site_requests(path)) == 1, path


def test_size_limits(crawls: Crawls) -> None:
    log = crawls.site.log
    assert "larger than download max size (16777216)" in log
    assert "exceeded DOWNLOAD_MAXSIZE (16777216 B) during decompression" in log
    assert "larger than download warn size (4194304)" in log


def test_redirect_loops_end(crawls: Crawls) -> None:
    assert len(crawls.site_requests("/news/redirect-loop-second-hop")) == 1
    assert len(crawls.site_requests("/news/redirect-to-itself")) == 1
    chain = [r for r in crawls.server.requests() if "redirect-chain-without-end" in r["path"]]
    assert len(chain) == 11  # the start and REDIRECT_MAX_TIMES hops


# -- domains, robots.txt, addresses ---------------------------------------------------------------


def test_nothing_outside_the_domains_is_fetched(crawls: Crawls) -> None:
    hosts = {r["host"] for r in crawls.server.requests() if r["listener"] == "main"}
    assert ELSEWHERE not in hosts
    assert crawls.site.stats["offsite/filtered"] >= 1  # the discovered offsite link


def test_robots_txt_is_obeyed(crawls: Crawls) -> None:
    assert crawls.site_requests("/news/private/robots-forbidden-story") == []
    assert len(crawls.site_requests("/robots.txt")) == 2  # once per crawl
    assert crawls.site.stats["robotstxt/forbidden"] == 1


def test_no_forbidden_address_is_contacted(crawls: Crawls) -> None:
    hits = [r for r in crawls.server.requests() if r["listener"] != "main"]
    assert hits == []
    paths = {r["path"] for r in crawls.server.requests()}
    assert not {p for p in paths if "/trap-" in p}
    assert {p for p in paths if p.startswith("/news/open-")} == {"/news/open-scope-normal-story"}


def test_private_names_are_refused_at_connection_time(crawls: Crawls) -> None:
    for result in (crawls.site, crawls.open):
        assert result.stats["addressguard/blocked/resolved"] >= 2
        assert f"Refused connection to {INTRANET}:{crawls.server.ports['t2']}" in result.log
        assert f"Refused connection to {METADATA}:80" in result.log


def test_open_scope_blocks_every_address_form(crawls: Crawls) -> None:
    result = crawls.open
    assert [item["url"] for item in result.items] == [f"{REAL}/news/open-scope-normal-story"]
    forbidden = [crawls.server.fill(link) for link in OPEN_LINKS if link.startswith("http")]
    assert dropped_stats(result) == {"blocked_address": len(forbidden)}
    log = result.log
    for link in forbidden:
        # strip_tracking normalises the host the way the request is made
        host = link.split("//", 1)[1].split("/", 1)[0]
        expected = link.replace(host, host.lower().replace("localhost.", "localhost"))
        assert f"Dropped article {expected}: blocked_address" in log, expected

"""End-to-end: every site spider crawled once against its fixture site, real hostnames mapped
by ``HOST_OVERRIDES``.

Spiders come from the project's spider loader; a spider's fixture site is the directory
``tests/fixtures/sites/<host>`` of one of its ``allowed_domains`` (spiders without one are
reported by ``tests/unit/test_registry.py``, not here). ``wordpress`` has its own test; spiders
marked ``js_rendered`` need Chromium. Per spider: every ``expected/*.json`` article found once
and nothing else, nothing from ``_nonarticles.json`` output, no robots.txt-disallowed,
``_never_fetched.json`` or live-blog URL requested, every request on the spider's own site
listener (pages inside its ``path_prefixes``), the catch-all listener untouched, no errors.
Then one test per (spider, article, field); ``source`` is checked against the spider's
declaration when the expected file has none.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from protego import Protego

from tests.conftest import SITES_DIR, CrawlResult, FixtureServer, require_service, run_crawl

pytestmark = pytest.mark.slow

#: Spiders tested elsewhere.
SKIP = frozenset({"wordpress"})
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOURCE_TYPES = frozenset({"independent", "public", "state-affiliated", "wire agency"})
#: Expected values this project knowingly does not produce yet: (spider, article, field).
KNOWN_GAPS: dict[tuple[str, str, str], str] = {}


# -- discovery --------------------------------------------------------------------


@cache
def spider_classes() -> dict[str, type]:
    """name -> spider class, from the project's spider loader."""
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    loader = get_spider_loader(get_project_settings())
    return {name: loader.load(name) for name in sorted(loader.list())}


def fixture_host(spidercls: type) -> str | None:
    """The first of the spider's ``allowed_domains`` with a fixture directory."""
    for host in getattr(spidercls, "allowed_domains", None) or ():
        if (SITES_DIR / host).is_dir():
            return str(host)
    return None


def site_spiders() -> list[str]:
    return [
        name
        for name, cls in spider_classes().items()
        if name not in SKIP and fixture_host(cls) is not None
    ]


def expected_files(host: str) -> list[Path]:
    return sorted(p for p in (SITES_DIR / host / "expected").glob("*.json") if p.name[0] != "_")


def url_list(host: str, name: str) -> list[str]:
    """URLs of ``expected/<name>`` (a list, or ``{"urls": [...]}``); [] when absent."""
    path = SITES_DIR / host / "expected" / name
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["urls"] if isinstance(data, dict) else data)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


FIELDS = (
    "title",
    "summary",
    "published",
    "modified",
    "authors",
    "wire",
    "language",
    "section",
    "tags",
    "related_urls",
    "partial",
    "body_startswith",
    "body_endswith",
    "body_not_contains",
    "body_paragraphs",
    "word_count",
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``spider`` over the site spiders; ``case`` over (spider, article, field)."""
    if "case" in metafunc.fixturenames:
        cases = []
        for name in site_spiders():
            host = fixture_host(spider_classes()[name])
            assert host is not None
            for path in expected_files(host):
                keys = json.loads(path.read_text(encoding="utf-8")).keys()
                for field in (*[f for f in FIELDS if f in keys], "source"):
                    cases.append(
                        pytest.param((name, path, field), id=f"{name}/{path.stem}/{field}")
                    )
        metafunc.parametrize("case", cases)
    elif "spider" in metafunc.fixturenames:
        metafunc.parametrize("spider", site_spiders())


# -- one crawl per spider per session -----------------------------------------------


@dataclass
class SiteCrawl:
    name: str
    spidercls: type
    host: str
    result: CrawlResult
    catchall: list[dict[str, Any]]

    @property
    def items_by_path(self) -> dict[str, dict[str, Any]]:
        return {path_of(item["url"]): item for item in self.result.items}

    def requested_urls(self) -> list[str]:
        return [
            f"https://{self.host}{r['path']}" + (f"?{r['query']}" if r["query"] else "")
            for r in self.result.requests
        ]


@pytest.fixture(scope="session")
def site_crawl(
    fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], SiteCrawl]]:
    """``site_crawl(name)``: the spider's crawl of its fixture site, run once per session."""
    done: dict[str, SiteCrawl] = {}

    def get(name: str) -> SiteCrawl:
        spidercls = spider_classes()[name]
        if getattr(spidercls, "js_rendered", False):
            require_service("chromium", CHROMIUM is not None, "no chromium executable on PATH")
        if name not in done:
            host = fixture_host(spidercls)
            assert host is not None and host in fixture_server.sites
            mark = fixture_server.mark()
            result = run_crawl(
                name,
                tmp_path=tmp_path_factory.mktemp(name),
                host_overrides=fixture_server.host_overrides(),
            )
            result.requests = fixture_server.requests(mark)
            done[name] = SiteCrawl(
                name, spidercls, host, result, fixture_server.catchall_hits(mark)
            )
        return done[name]

    yield get


# -- per spider -------------------------------------------------------------------------


def test_crawl_is_clean(site_crawl: Callable[[str], SiteCrawl], spider: str) -> None:
    crawl = site_crawl(spider)
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    assert crawl.result.problems() == {}, crawl.result.log[-3000:]
    assert crawl.result.stats.get("finish_reason") == "finished"
    assert not crawl.result.stats.get("article/dropped/invalid")


def test_every_expected_article_once(site_crawl: Callable[[str], SiteCrawl], spider: str) -> None:
    crawl = site_crawl(spider)
    paths = [path_of(item["url"]) for item in crawl.result.items]
    assert len(paths) == len(set(paths)), "an article was emitted twice"
    expected = sorted(path_of(json.loads(p.read_text())["url"]) for p in expected_files(crawl.host))
    assert len(expected) >= 3
    assert sorted(paths) == expected


def test_related_only_articles_found(site_crawl: Callable[[str], SiteCrawl], spider: str) -> None:
    crawl = site_crawl(spider)
    hidden = [
        path_of(data["url"])
        for data in (json.loads(p.read_text()) for p in expected_files(crawl.host))
        if data.get("reachable_only_via_related")
    ]
    if not hidden:
        pytest.skip(f"{crawl.host} has no article reachable only through a related link")
    assert set(hidden) <= set(crawl.items_by_path)
    assert crawl.result.stats.get("article/related/followed", 0) >= 1


def test_nonarticles_never_output(site_crawl: Callable[[str], SiteCrawl], spider: str) -> None:
    crawl = site_crawl(spider)
    output = {path_of(item["url"]) for item in crawl.result.items}
    output |= {path_of(item["fetched_url"]) for item in crawl.result.items}
    nonarticles = {path_of(url) for url in url_list(crawl.host, "_nonarticles.json")}
    assert nonarticles, f"{crawl.host} lists no non-articles"
    assert output.isdisjoint(nonarticles)


def test_forbidden_urls_never_requested(
    site_crawl: Callable[[str], SiteCrawl], spider: str
) -> None:
    """robots.txt-disallowed, ``_never_fetched.json`` and live-blog URLs are never fetched."""
    crawl = site_crawl(spider)
    robots = Protego.parse((SITES_DIR / crawl.host / "pages" / "robots.txt").read_text())
    requested = crawl.requested_urls()
    assert requested
    assert [url for url in requested if not robots.can_fetch(url, "mesec-crawler")] == []
    never = {path_of(url) for url in url_list(crawl.host, "_never_fetched.json")}
    assert never.isdisjoint(path_of(url) for url in requested)
    liveblog = [re.compile(p) for p in getattr(crawl.spidercls, "liveblog_urls", ())]
    assert [url for url in requested if any(p.search(url) for p in liveblog)] == []


#: Discovery files that may sit outside an edition's ``path_prefixes`` (``/sitemap.xml``).
DISCOVERY_PATH = re.compile(r"^/robots\.txt$|\.xml(?:\.gz)?$")


def test_requests_stay_on_site(site_crawl: Callable[[str], SiteCrawl], spider: str) -> None:
    """Every request hit this site's listener, and every page request (robots.txt and
    sitemaps aside) stayed inside ``path_prefixes``; the catch-all listener got none."""
    crawl = site_crawl(spider)
    assert crawl.catchall == []
    assert {r["site"] for r in crawl.result.requests} == {crawl.host}
    prefixes = tuple(getattr(crawl.spidercls, "path_prefixes", ()) or ("/",))
    stray = [
        r["path"]
        for r in crawl.result.requests
        if not DISCOVERY_PATH.search(r["path"]) and not r["path"].startswith(prefixes)
    ]
    assert stray == []


def test_live_blogs_skipped_with_stat(site_crawl: Callable[[str], SiteCrawl], spider: str) -> None:
    crawl = site_crawl(spider)
    path = SITES_DIR / crawl.host / "expected" / "_nonarticles.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    reasons = data.get("reasons", {}) if isinstance(data, dict) else {}
    live = [url for url, why in reasons.items() if re.search(r"live\s?blog", why, re.I)]
    if not live:
        pytest.skip(f"{crawl.host} has no live blog")
    assert crawl.result.stats.get("article/dropped/liveblog", 0) >= len(live)


# -- per (spider, article, field) ---------------------------------------------------------


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _word_count_ok(actual: int, bounds: Any) -> bool:
    low, high = (bounds["min"], bounds["max"]) if isinstance(bounds, dict) else bounds
    return bool(low <= actual <= high)


def check_field(item: dict[str, Any], expected: dict[str, Any], field: str) -> tuple[Any, Any]:
    """(actual, expected) views of ``field`` that must be equal."""
    body = item["body"] or ""
    want: Any = expected.get(field)
    if field in ("published", "modified"):
        return _instant(item.get(field)), _instant(want)
    if field == "related_urls":
        return {path_of(u) for u in item.get(field) or ()}, {path_of(u) for u in want}
    if field == "partial":
        return bool(item.get(field)), bool(want)
    if field == "body_startswith":
        return body[: len(want)], want
    if field == "body_endswith":
        return body[-len(want) :], want
    if field == "body_not_contains":
        return [text for text in want if text in body], []
    if field == "body_paragraphs":
        return len(body.split("\n\n")), want
    if field == "word_count":
        return _word_count_ok(item["word_count"], want), True
    return item.get(field), want


def test_article_field(
    site_crawl: Callable[[str], SiteCrawl], case: tuple[str, Path, str], request: Any
) -> None:
    name, path, field = case
    gap = KNOWN_GAPS.get((name, path.stem, field))
    if gap:
        request.applymarker(pytest.mark.xfail(reason=gap, strict=True))
    crawl = site_crawl(name)
    expected = json.loads(path.read_text(encoding="utf-8"))
    item = crawl.items_by_path.get(path_of(expected["url"]))
    assert item is not None, f"no item for {expected['url']}"
    if field == "source":
        declared = dict(crawl.spidercls.source)  # type: ignore[attr-defined]
        assert item["source"] == expected.get("source", declared)
        assert declared.keys() >= {"name", "country", "type"}
        assert declared["type"] in SOURCE_TYPES
        return
    actual, want = check_field(item, expected, field)
    assert actual == want

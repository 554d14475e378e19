"""End-to-end: ``scrapy crawl wordpress -a start_urls=http://127.0.0.1:PORT/`` per fixture site.

Each WordPress fixture site is reached directly on its own port (its pages' absolute
URLs are rewritten to the local origin), so URLs are compared by path. Checked per
site: one item per ``expected/*.json`` and nothing else, the expected fields, the
article only reachable through a "Read also" link, robots.txt-disallowed paths never
requested, no catch-all hits, no errors; the REST API path on www.gulfdispatch.net
and the HTML fallback on the other two.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.discovery import DateWindow
from tests.conftest import SITES_DIR, CrawlResult, FixtureServer, run_crawl

pytestmark = pytest.mark.slow

SITES = ("www.worldnewsflash24.com", "levantchronicle.com", "www.gulfdispatch.net")
API_SITES = frozenset({"www.gulfdispatch.net"})
API_PATH = "/wp-json/wp/v2/posts"


@dataclass
class SiteCrawl:
    site: str
    result: CrawlResult
    catchall: list[dict[str, Any]]

    @property
    def items_by_path(self) -> dict[str, dict[str, Any]]:
        return {path_of(item["url"]): item for item in self.result.items}

    def site_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.result.requests if r["site"] == self.site]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expected_articles(site: str) -> list[dict[str, Any]]:
    folder = SITES_DIR / site / "expected"
    files = sorted(p for p in folder.glob("*.json") if not p.name.startswith("_"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def url_list(site: str, name: str) -> list[str]:
    """URLs of ``expected/<name>`` (a list, or ``{"urls": [...]}``); [] when absent."""
    path = SITES_DIR / site / "expected" / name
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["urls"] if isinstance(data, dict) else data)


def disallowed_prefixes(site: str) -> list[str]:
    """``Disallow:`` paths of the ``User-agent: *`` group of the site's robots.txt."""
    robots = SITES_DIR / site / "pages" / "robots.txt"
    prefixes: list[str] = []
    applies = False
    for raw in robots.read_text(encoding="utf-8").splitlines():
        key, _, value = raw.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            applies = value == "*"
        elif key == "disallow" and applies and value:
            prefixes.append(value)
    return prefixes


@pytest.fixture(scope="module")
def wp_crawl(
    fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], SiteCrawl]]:
    """Crawl a fixture site once per module, reached directly on its local port."""
    done: dict[str, SiteCrawl] = {}

    def get(site: str) -> SiteCrawl:
        if site not in done:
            if site not in fixture_server.sites:
                pytest.fail(f"fixture site {site} is missing from {SITES_DIR}")
            mark = fixture_server.mark()
            result = run_crawl(
                "wordpress",
                tmp_path=tmp_path_factory.mktemp(site.replace(".", "_")),
                args={"start_urls": fixture_server.url(site, "/")},
                host_overrides={},
            )
            result.requests = fixture_server.requests(mark)
            done[site] = SiteCrawl(site, result, fixture_server.catchall_hits(mark))
        return done[site]

    yield get


@pytest.mark.parametrize("site", SITES)
def test_crawl_is_clean(wp_crawl: Callable[[str], SiteCrawl], site: str) -> None:
    crawl = wp_crawl(site)
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    assert crawl.result.problems() == {}, crawl.result.log[-3000:]
    assert crawl.result.stats.get("finish_reason") == "finished"
    assert not crawl.result.stats.get("article/dropped/invalid")
    assert not crawl.result.stats.get("log_count/WARNING"), crawl.result.log[-3000:]
    assert crawl.catchall == []


@pytest.mark.parametrize("site", SITES)
def test_one_item_per_expected_article(wp_crawl: Callable[[str], SiteCrawl], site: str) -> None:
    crawl = wp_crawl(site)
    paths = [path_of(item["url"]) for item in crawl.result.items]
    assert len(paths) == len(set(paths)), "an article was emitted twice"
    expected = sorted(path_of(e["url"]) for e in expected_articles(site))
    assert expected, f"{site} has no expected articles"
    assert sorted(paths) == expected


@pytest.mark.parametrize("site", SITES)
def test_nonarticles_never_output(wp_crawl: Callable[[str], SiteCrawl], site: str) -> None:
    crawl = wp_crawl(site)
    output = {path_of(item["url"]) for item in crawl.result.items}
    output |= {path_of(item["fetched_url"]) for item in crawl.result.items}
    assert output.isdisjoint({path_of(url) for url in url_list(site, "_nonarticles.json")})


def test_read_also_only_article_is_found(wp_crawl: Callable[[str], SiteCrawl]) -> None:
    hidden = [
        (site, entry)
        for site in SITES
        for entry in expected_articles(site)
        if entry.get("reachable_only_via_related")
    ]
    assert hidden, "no fixture article is reachable only through a related link"
    for site, entry in hidden:
        assert path_of(entry["url"]) in wp_crawl(site).items_by_path
        assert wp_crawl(site).result.stats.get("article/related/followed", 0) >= 1


@pytest.mark.parametrize("site", SITES)
def test_disallowed_paths_never_requested(wp_crawl: Callable[[str], SiteCrawl], site: str) -> None:
    crawl = wp_crawl(site)
    prefixes = disallowed_prefixes(site)
    assert prefixes, f"{site}'s robots.txt disallows nothing; the check would be empty"
    requested = [r["path"] for r in crawl.site_requests()]
    assert requested
    assert [p for p in requested if p.startswith(tuple(prefixes))] == []
    never = {urlsplit(url).path for url in url_list(site, "_never_fetched.json")}
    assert never.isdisjoint(requested)


def test_rest_api_path_on_gulfdispatch(wp_crawl: Callable[[str], SiteCrawl]) -> None:
    crawl = wp_crawl("www.gulfdispatch.net")
    api_hits = [r for r in crawl.site_requests() if r["path"].startswith(API_PATH)]
    assert api_hits
    assert crawl.result.stats.get("wpapi/pages", 0) >= 1
    assert not crawl.result.stats.get("wpapi/fallback")
    assert any(item["provenance"].get("body") == "wp_api" for item in crawl.result.items)


@pytest.mark.parametrize("site", sorted(set(SITES) - API_SITES))
def test_html_fallback_elsewhere(wp_crawl: Callable[[str], SiteCrawl], site: str) -> None:
    crawl = wp_crawl(site)
    assert [r for r in crawl.site_requests() if r["path"].startswith(API_PATH)]
    assert crawl.result.stats.get("wpapi/fallback") == 1
    assert crawl.result.stats.get("listing/pages", 0) >= 1
    assert all(item["provenance"].get("body") != "wp_api" for item in crawl.result.items)


@pytest.mark.parametrize("site", SITES)
def test_real_hostnames_through_host_overrides(
    fixture_server: FixtureServer, tmp_path: Path, site: str
) -> None:
    """The same crawl with the site's real URL, mapped to the fixture by HOST_OVERRIDES."""
    result = run_crawl(
        "wordpress",
        tmp_path=tmp_path,
        args={"start_urls": f"https://{site}/"},
        host_overrides=fixture_server.host_overrides(site),
    )
    assert result.returncode == 0, result.log[-3000:]
    assert result.problems() == {}, result.log[-3000:]
    assert {urlsplit(item["url"]).hostname for item in result.items} == {site}
    expected = sorted(path_of(e["url"]) for e in expected_articles(site))
    assert sorted(path_of(item["url"]) for item in result.items) == expected


@pytest.mark.parametrize("site", SITES)
def test_since_until_window(fixture_server: FixtureServer, tmp_path: Path, site: str) -> None:
    """Only articles published 12-13 September 2024 (UTC, the generic spider's zone)."""
    window = DateWindow.from_args("2024-09-12", "2024-09-13")
    mark = fixture_server.mark()
    result = run_crawl(
        "wordpress",
        tmp_path=tmp_path,
        args={
            "start_urls": fixture_server.url(site, "/"),
            "since": "2024-09-12",
            "until": "2024-09-13",
        },
        host_overrides={},
    )
    assert result.problems() == {}, result.log[-3000:]
    inside = sorted(
        path_of(e["url"]) for e in expected_articles(site) if window.contains(e["published"])
    )
    assert inside and len(inside) < len(expected_articles(site))
    assert sorted(path_of(item["url"]) for item in result.items) == inside
    if site in API_SITES:  # the API gave the dates: older posts are never fetched
        outside = {
            urlsplit(e["url"]).path
            for e in expected_articles(site)
            if not window.contains(e["published"])
        }
        requested = {r["path"] for r in fixture_server.requests(mark, site=site)}
        assert outside and outside.isdisjoint(requested)
        assert result.stats.get("discovery/out_of_range", 0) >= 1
    else:
        assert result.stats.get("article/dropped/out_of_range", 0) >= 1


# -- fields --------------------------------------------------------------------------


def _cases() -> list[Any]:
    cases = []
    for site in SITES:
        folder = SITES_DIR / site / "expected"
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            if not path.name.startswith("_"):
                cases.append(pytest.param(site, path, id=f"{site}/{path.stem}"))
    return cases


def _same_instant(actual: str | None, expected: str | None) -> bool:
    if actual is None or expected is None:
        return actual == expected
    return datetime.fromisoformat(actual) == datetime.fromisoformat(expected)


FIELD_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "title": lambda a, e: a == e,
    "summary": lambda a, e: a == e,
    "published": _same_instant,
    "modified": _same_instant,
    "authors": lambda a, e: a == e,
    "wire": lambda a, e: a == e,
    "language": lambda a, e: a == e,
    "section": lambda a, e: a == e,
    "tags": lambda a, e: a == e,
    "partial": lambda a, e: bool(a) == bool(e),
    "related_urls": lambda a, e: [path_of(u) for u in a or ()] == [path_of(u) for u in e],
}


@pytest.mark.parametrize(("site", "expected_file"), _cases())
def test_article_fields(
    wp_crawl: Callable[[str], SiteCrawl], site: str, expected_file: Path
) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    item = wp_crawl(site).items_by_path.get(path_of(expected["url"]))
    assert item is not None, f"no item for {expected['url']}"
    wrong = {
        key: (item.get(key), expected[key])
        for key, same in FIELD_CHECKS.items()
        if key in expected and not same(item.get(key), expected[key])
    }
    body = item["body"]
    if "body_startswith" in expected and not body.startswith(expected["body_startswith"]):
        wrong["body_startswith"] = (body[:80], expected["body_startswith"])
    if "body_endswith" in expected and not body.endswith(expected["body_endswith"]):
        wrong["body_endswith"] = (body[-80:], expected["body_endswith"])
    present = [text for text in expected.get("body_not_contains", ()) if text in body]
    if present:
        wrong["body_not_contains"] = (present, [])
    paragraphs = len(body.split("\n\n"))
    if "body_paragraphs" in expected and paragraphs != expected["body_paragraphs"]:
        wrong["body_paragraphs"] = (paragraphs, expected["body_paragraphs"])
    if "word_count" in expected:
        bounds = expected["word_count"]
        low, high = (bounds["min"], bounds["max"]) if isinstance(bounds, dict) else bounds
        if not low <= item["word_count"] <= high:
            wrong["word_count"] = (item["word_count"], expected["word_count"])
    assert wrong == {}

"""Real saved pages of the outlets this project has spiders for, through ``extract_article``.

Reads ``../shared/real-pages/`` at run time (skipped when absent; nothing from it is kept in
the repository). A page belongs here when a site spider's ``allowed_domains`` holds its host.
Its profile is looked up as in production (``crawler.profiles.find_profile``):

- when the spider covers the page (host and ``path_prefixes``), the title and body must come
  from the site selectors or the metadata layers, not the generic fallback;
- when it does not (another edition on the same host: Le Monde's French pages, Anadolu's
  Turkish ones under ``/tr/``), the lookup must not pick that spider, and extraction must still
  work without it.

Scores are the extraction benchmark's (``bench.extraction.scoring``): title exact after
normalisation, published date to the day, body token F1 >= 0.9. A truth value that is null
is not checked.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pytest

from bench.extraction.scoring import date_score, title_score, token_f1
from crawler.extraction import extract_article
from crawler.profile import SiteProfile
from crawler.profiles import find_profile
from tests.conftest import ROOT

REAL_PAGES = ROOT.parent / "shared" / "real-pages"
MIN_BODY_F1 = 0.9
#: Layers that count as "the site's selectors or metadata", not the generic fallback.
SITE_OR_METADATA = frozenset({"site", "jsonld", "microdata", "opengraph", "meta"})


@cache
def site_profiles() -> tuple[SiteProfile, ...]:
    """Profiles of the project's site spiders (the family spider has no domains)."""
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    loader = get_spider_loader(get_project_settings())
    profiles = (SiteProfile.from_spider(loader.load(name)) for name in loader.list())
    return tuple(p for p in profiles if p.domains)


def host_spiders(url: str) -> list[SiteProfile]:
    """Site profiles whose domains hold ``url``'s host, whatever its path."""
    host = (urlsplit(url).hostname or "").lower()
    return [
        p for p in site_profiles() if any(host == d or host.endswith("." + d) for d in p.domains)
    ]


def _rows() -> list[Any]:
    truth = REAL_PAGES / "truth.jsonl"
    if not truth.is_file():
        return [pytest.param(None, id="real-pages-absent")]
    rows = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines() if line]
    covered = [row for row in rows if host_spiders(row["url"])]
    return [pytest.param(row, id=row["id"]) for row in covered]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "row" in metafunc.fixturenames:
        metafunc.parametrize("row", _rows())


@cache
def _extract(page_id: str, url: str) -> dict[str, Any]:
    html = (REAL_PAGES / "pages" / f"{page_id}.html").read_bytes()
    return extract_article(html, url)


def extracted(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        pytest.skip(f"{REAL_PAGES} is absent")
    return _extract(row["id"], row["url"])


def covering(row: dict[str, Any]) -> list[SiteProfile]:
    return [p for p in host_spiders(row["url"]) if p.covers(row["url"])]


def test_profile_choice(row: dict[str, Any] | None) -> None:
    """The covering spider's profile is used; another edition's spider is never used."""
    if row is None:
        pytest.skip(f"{REAL_PAGES} is absent")
    chosen = find_profile(row["url"])
    names = {p.name for p in covering(row)}
    if names:
        assert chosen is not None and chosen.name in names
    else:
        outside = {p.name for p in host_spiders(row["url"])}
        assert chosen is None or chosen.name not in outside


def test_title(row: dict[str, Any] | None) -> None:
    item = extracted(row)
    assert row is not None
    if row["title"] is None:
        pytest.skip("no title truth")
    assert title_score(item["title"], row["title"]) == 1.0, (item["title"], row["title"])


def test_published_to_the_day(row: dict[str, Any] | None) -> None:
    item = extracted(row)
    assert row is not None
    if row["date"] is None:
        pytest.skip("no date truth")
    assert date_score(item["published"], row["date"]) == 1.0, (item["published"], row["date"])


def test_body_f1(row: dict[str, Any] | None) -> None:
    item = extracted(row)
    assert row is not None
    score = token_f1(item["body"], row["body"])
    assert score >= MIN_BODY_F1, f"body token F1 {score:.3f}"


def test_title_and_body_not_generic(row: dict[str, Any] | None) -> None:
    """On a page its spider covers, title and body come from selectors or metadata."""
    item = extracted(row)
    assert row is not None
    if not covering(row):
        pytest.skip("another edition of a covered host: generic extraction is expected")
    provenance = item["provenance"]
    assert provenance.get("title") in SITE_OR_METADATA, provenance
    assert provenance.get("body") in SITE_OR_METADATA, provenance


def test_real_pages_are_not_in_the_repository() -> None:
    """The shared pages are read where they are, never copied into the fixtures."""
    if not (REAL_PAGES / "truth.jsonl").is_file():
        pytest.skip(f"{REAL_PAGES} is absent")
    names = {path.name for path in (REAL_PAGES / "pages").glob("*.html")}
    copied = [p for p in (ROOT / "tests").rglob("*.html") if p.name in names]
    assert copied == []

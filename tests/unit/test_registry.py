"""The spider registry: every site spider comes with what adding a site requires.

For each spider of the project's spider loader (``wordpress``, the family spider for any
WordPress site, excepted): a fixture site ``tests/fixtures/sites/<host>`` for one of its
``allowed_domains``, with ``NOTES.md`` and at least three ``expected/*.json``; declared
section ``start_urls`` on its own domains; a time zone zoneinfo knows; a two-letter language;
``source`` with name, country (ISO 3166 alpha-2) and type; a name equal to its module's file
name; selectors the profile accepts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from crawler.profile import SiteProfile
from tests.conftest import SITES_DIR

SKIP = frozenset({"wordpress"})
SOURCE_TYPES = frozenset({"independent", "public", "state-affiliated", "wire agency"})
MIN_EXPECTED = 3


@cache
def spider_classes() -> dict[str, type]:
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    loader = get_spider_loader(get_project_settings())
    return {name: loader.load(name) for name in sorted(loader.list()) if name not in SKIP}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "spider" in metafunc.fixturenames:
        metafunc.parametrize("spider", list(spider_classes()))


def cls_of(name: str) -> Any:
    return spider_classes()[name]


def fixture_dir(name: str) -> Path | None:
    for host in cls_of(name).allowed_domains or ():
        if (SITES_DIR / host).is_dir():
            return SITES_DIR / host
    return None


def test_registry_lists_site_spiders() -> None:
    assert spider_classes(), "no site spider registered"


def test_fixture_site(spider: str) -> None:
    folder = fixture_dir(spider)
    domains = cls_of(spider).allowed_domains
    assert folder is not None, f"{spider}: no tests/fixtures/sites/<host> for any of {domains}"
    assert (folder / "NOTES.md").is_file()
    expected = [p for p in (folder / "expected").glob("*.json") if not p.name.startswith("_")]
    assert len(expected) >= MIN_EXPECTED, f"{spider}: {len(expected)} expected articles"


def test_sections_declared(spider: str) -> None:
    cls = cls_of(spider)
    assert cls.start_urls, f"{spider}: no section start_urls"
    domains = tuple(cls.allowed_domains or ())
    assert domains
    prefixes = tuple(getattr(cls, "path_prefixes", ()) or ("/",))
    for url in cls.start_urls:
        parts = urlsplit(url)
        host = parts.hostname or ""
        assert parts.scheme == "https", url
        assert any(host == d or host.endswith("." + d) for d in domains), url
        assert (parts.path or "/").startswith(prefixes), url


def test_timezone(spider: str) -> None:
    zone = cls_of(spider).timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        pytest.fail(f"{spider}: unknown time zone {zone!r}")


def test_language(spider: str) -> None:
    language = cls_of(spider).language
    assert isinstance(language, str) and re.fullmatch(r"[a-z]{2}", language), language


def test_source(spider: str) -> None:
    import pycountry

    source = cls_of(spider).source
    assert isinstance(source.get("name"), str) and source["name"].strip()
    assert pycountry.countries.get(alpha_2=source.get("country", "")) is not None, source
    assert source.get("type") in SOURCE_TYPES, source


def test_name_matches_module_file(spider: str) -> None:
    module = cls_of(spider).__module__
    assert module.rpartition(".")[2] == spider, f"{spider} is defined in {module}"


def test_profile_is_valid(spider: str) -> None:
    """Selector keys are known and the profile covers the spider's own start pages."""
    cls = cls_of(spider)
    profile = SiteProfile.from_spider(cls)
    assert all(profile.covers(url) for url in cls.start_urls)

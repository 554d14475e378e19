"""End-to-end: ``scrapy canary`` against the fixture sites and the redesigned copy.

Healthy fixture sites are ``ok``; the redesigned Kurdistan24 copy (article markup renamed,
metadata unchanged) is ``broken``, with the selectors that stopped matching named, and the
command exits 1. The canary fetches one article per site, never more than its cap, and
never leaves the fixture sites.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, FixtureServer
from tests.integration.test_monitors import REDESIGNED_DIR, serve

pytestmark = pytest.mark.slow

TIMEOUT = 180
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


@pytest.fixture(scope="module")
def redesigned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureServer]:
    with serve(REDESIGNED_DIR, tmp_path_factory.mktemp("canary-redesigned")) as server:
        yield server


def canary(
    server: FixtureServer, *args: str, json_path: Path | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run ``scrapy canary ARGS`` with every host mapped to ``server``; (process, JSON)."""
    overrides = json.dumps(server.host_overrides())
    command = [sys.executable, "-m", "scrapy", "canary", *args, "-s", f"HOST_OVERRIDES={overrides}"]
    command += [*FAST, *(["--json", str(json_path)] if json_path else [])]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings.local"}
    env.pop("SCRAPY_PROJECT", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    data = json.loads(json_path.read_text(encoding="utf-8")) if json_path else {}
    return done, data


def sites(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {site["spider"]: site for site in data["sites"]}


def test_healthy_site_is_ok(fixture_server: FixtureServer, tmp_path: Path) -> None:
    mark = fixture_server.mark()
    done, data = canary(fixture_server, "kurdistan24_en", json_path=tmp_path / "canary.json")
    assert done.returncode == 0, done.stderr[-3000:]
    site = sites(data)["kurdistan24_en"]
    assert site["status"] == "ok" and site["reasons"] == []
    assert site["url"].startswith("https://www.kurdistan24.net/en/story/361842/")  # first link
    assert {name: f["status"] for name, f in site["fields"].items()} == {
        "title": "ok",
        "published": "n/a",
        "authors": "ok",
        "body": "ok",
    }
    assert data["summary"] == {"broken": 0, "degraded": 0, "ok": 1, "skipped": 0}
    table = done.stdout.splitlines()
    assert table[0].split() == ["SPIDER", "STATUS", "title", "published", "authors", "body", "URL"]
    assert table[1].split()[:2] == ["kurdistan24_en", "ok"]
    # One article probed; a further candidate may already have been in flight.
    assert site["tried"] == [site["url"]]
    requests = fixture_server.requests(mark)
    assert {r["site"] for r in requests} == {"www.kurdistan24.net"}
    assert 1 <= len([r for r in requests if r["path"].startswith("/en/story/")]) <= 2


def test_redesigned_site_is_broken(redesigned: FixtureServer, tmp_path: Path) -> None:
    done, data = canary(redesigned, "kurdistan24_en", json_path=tmp_path / "canary.json")
    assert done.returncode == 1, done.stderr[-3000:]
    site = sites(data)["kurdistan24_en"]
    assert site["status"] == "broken"
    fields = site["fields"]
    assert (fields["title"]["status"], fields["body"]["status"]) == ("broken", "broken")
    assert fields["authors"]["status"] == "degraded"
    assert fields["title"]["site"] is None
    assert fields["title"]["reference"].startswith("Iraqi army and local fighters clash")
    assert fields["title"]["reference_layer"] == "jsonld"
    assert site["reasons"] == [
        "title: title selector 'h1.story__title' matched nothing",
        "authors: authors selector '.story__authors a.story__author::text' found nobody; "
        "jsonld names Hardi Osman",
        "body: body selector '#story-body' gave no paragraphs (body came from generic)",
    ]
    assert "kurdistan24_en  broken" in done.stdout
    assert "- title: title selector 'h1.story__title' matched nothing" in done.stdout
    assert done.stdout.rstrip().endswith("1 broken")


def test_every_fixture_site_is_ok(fixture_server: FixtureServer, tmp_path: Path) -> None:
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    loader = get_spider_loader(get_project_settings())
    names = sorted(loader.list())
    if CHROMIUM is None:
        names = [n for n in names if not getattr(loader.load(n), "js_rendered", False)]
    mark = fixture_server.mark()
    done, data = canary(fixture_server, *names, json_path=tmp_path / "canary.json")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    statuses = {name: site["status"] for name, site in sites(data).items()}
    assert statuses.pop("wordpress") == "skipped"  # needs -a start_urls
    assert set(statuses.values()) == {"ok"}, done.stdout
    assert fixture_server.catchall_hits(mark) == []
    assert all(site["pages"] <= 25 for site in data["sites"])


def test_start_urls_argument_runs_the_wordpress_family(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    start = fixture_server.url("www.worldnewsflash24.com", "/")
    done, data = canary(
        fixture_server, "wordpress", "-a", f"start_urls={start}", json_path=tmp_path / "c.json"
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    site = sites(data)["wordpress"]
    # The first links ("About us", "Privacy policy") are pages, not posts: passed over.
    assert site["status"] == "ok"
    *passed_over, probed = site["tried"]
    assert probed == site["url"] and "/about-us/" in passed_over[0]
    assert all("-policy/" in url or "/about-us/" in url for url in passed_over)


def test_unknown_spider_is_a_usage_error(fixture_server: FixtureServer) -> None:
    done, _ = canary(fixture_server, "no_such_spider")
    assert done.returncode == 2
    assert "no spider named no_such_spider" in done.stderr

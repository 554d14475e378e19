"""End-to-end: the wordpress spider on two fixture sites that carry the same AFP story.

www.worldnewsflash24.com runs the Baghdad-airport rocket story in full (10:05 UTC) and
levantchronicle.com a re-headlined copy of its first paragraphs (14:20 Beirut time).
With the project's routing FEEDS (pointed at a temporary directory) the story is
written once to the main JSONL, the copy to the duplicates JSONL, and the clusters
file names the earlier full copy as canonical. A second run over the same store adds
nothing to the main file. With one unfiltered feed (as ``-O``), every item is in it,
flagged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST_SETTINGS, ROOT, FixtureServer, run_crawl

pytestmark = pytest.mark.slow

SITES = ("www.worldnewsflash24.com", "levantchronicle.com")
FULL = (
    "https://www.worldnewsflash24.com/"
    "after-rocket-attack-on-us-diplomatic-site-washington-blames-iran-aligned-militias/"
)
COPY = "https://levantchronicle.com/us-embassy-says-iran-aligned-militias-behind-baghdad-airport-rocket-strike/"
#: A clock a week after the fixture stories (the oldest is from 31 August), with a retention
#: window that keeps them all, so nothing depends on today's date.
CLOCK = {
    "CLOCK": "crawler.clock.FixedClock",
    "CLOCK_FIXED_AT": "2024-09-20T00:00:00+00:00",
    "DEDUP_RETENTION_DAYS": 30,
}


def routing_feeds(folder: Path) -> dict[str, Any]:
    """The project's default FEEDS, written under ``folder``."""
    from crawler.settings import base

    return {str(folder / Path(uri).name): options for uri, options in base.FEEDS.items()}


def crawl(server: FixtureServer, folder: Path, store: Path) -> dict[str, Any]:
    """``scrapy crawl wordpress`` over both sites with the routing FEEDS; outputs and stats."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = {
        **FAST_SETTINGS,
        **CLOCK,
        "FEEDS": routing_feeds(folder),
        "DEDUP_STORE_PATH": str(store),
        "HOST_OVERRIDES": server.host_overrides(*SITES),
        "STATS_DUMP_FILE": str(folder / "stats.json"),
        "LOG_FILE": str(folder / "crawl.log"),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a",
               "start_urls=" + ",".join(f"https://{site}/" for site in SITES)]  # fmt: skip
    for key, value in settings.items():
        command += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict) else value}"]
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawler.settings.local",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SCRAPY_PROJECT", None)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = (folder / "crawl.log").read_text(encoding="utf-8") + done.stderr
    assert done.returncode == 0, log[-3000:]

    def lines(name: str) -> list[dict[str, Any]]:
        path = folder / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    return {
        "main": lines("wordpress.jsonl"),
        "duplicates": lines("wordpress.duplicates.jsonl"),
        "clusters": json.loads((folder / "wordpress.clusters.json").read_text(encoding="utf-8")),
        "stats": json.loads((folder / "stats.json").read_text(encoding="utf-8")),
        "log": log,
    }


@pytest.fixture(scope="module")
def runs(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("dedup_crawl")
    store = folder / "store" / "dedup.sqlite3"
    first = crawl(fixture_server, folder / "run1", store)
    second = crawl(fixture_server, folder / "run2", store)
    return {"first": first, "second": second}


def test_story_once_in_main_copy_in_duplicates(runs: dict[str, Any]) -> None:
    first = runs["first"]
    main = {item["url"]: item for item in first["main"]}
    duplicates = {item["url"]: item for item in first["duplicates"]}
    story = {FULL, COPY}
    assert len(story & set(main)) == 1 and len(story & set(duplicates)) == 1
    (copy,) = duplicates.values()
    (kept,) = (main[url] for url in story & set(main))
    assert copy["duplicate_of"] == kept["url"]
    assert copy["cluster_id"] == kept["cluster_id"]
    assert copy["relation"] == "truncated"
    assert all(item["duplicate_of"] is None for item in main.values())
    assert len({item["cluster_id"] for item in main.values()}) == len(main)
    assert not first["stats"].get("log_count/ERROR") and not first["stats"].get("log_count/WARNING")
    assert first["stats"]["dedup/copies/truncated"] == 1
    assert first["stats"]["dedup/new"] == len(main)
    assert first["stats"]["dedup/committed"] == len(main) + 1


def test_clusters_file_names_the_earlier_full_copy(runs: dict[str, Any]) -> None:
    (cluster,) = runs["first"]["clusters"]["clusters"]
    assert cluster["canonical"] == FULL
    assert cluster["site"] == "worldnewsflash24.com"
    assert [(c["url"], c["site"], c["relation"]) for c in cluster["copies"]] == [
        (COPY, "levantchronicle.com", "truncated")
    ]
    assert cluster["wire"] == ["AFP"]
    assert cluster["also_published_by"] == ["levantchronicle.com"]


def test_second_run_adds_no_duplicates_of_what_the_first_stored(runs: dict[str, Any]) -> None:
    first, second = runs["first"], runs["second"]
    assert second["main"] == []
    urls = {item["url"] for item in first["main"] + first["duplicates"]}
    assert {item["url"] for item in second["duplicates"]} == urls
    assert all(
        item["duplicate_of"] and item["relation"] == "identical" for item in second["duplicates"]
    )
    assert second["stats"]["dedup/stage/url"] == len(urls)
    assert second["clusters"]["clusters"] == []


def test_one_unfiltered_feed_holds_every_item_flagged(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    result = run_crawl(
        "wordpress",
        tmp_path=tmp_path,
        args={"start_urls": ",".join(f"https://{site}/" for site in SITES)},
        settings={**CLOCK, "DEDUP_STORE_PATH": str(tmp_path / "store.sqlite3")},
        host_overrides=fixture_server.host_overrides(*SITES),
    )
    assert result.returncode == 0, result.log[-3000:]
    flagged = [item for item in result.items if item["duplicate_of"]]
    assert len(flagged) == 1 and flagged[0]["url"] in {FULL, COPY}
    assert {FULL, COPY} <= {item["url"] for item in result.items}
    clusters = json.loads((tmp_path / "wordpress.items.clusters.json").read_text(encoding="utf-8"))
    assert clusters["clusters"][0]["canonical"] == FULL

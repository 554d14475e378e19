"""Run layout: dated run directories, relocated feeds, merged stream, summary, latest."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrapy import Spider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.runlayout import (
    MANIFEST_NAME,
    FeedFile,
    RunInfo,
    RunLayout,
    SpiderRun,
    concatenate,
    finalize_run,
    previous_summary,
    relocate,
    relocate_feeds,
    run_from_settings,
    write_json_atomic,
)

STARTED = datetime(2024, 10, 2, 23, 30, tzinfo=UTC)


def test_run_dir_is_dated_in_utc(tmp_path: Path) -> None:
    local = STARTED.astimezone(UTC).replace(tzinfo=None)
    run = RunInfo("r1", STARTED, tmp_path)
    assert run.dir == tmp_path / "2024" / "10" / "02" / "r1"
    assert local.day == 2
    assert RunInfo.new_id(STARTED).startswith("20241002T233000Z-")


def test_run_from_settings_uses_the_clock_and_given_ids(tmp_path: Path) -> None:
    settings = Settings(
        {
            "RUN_OUTPUT_ROOT": str(tmp_path),
            "CLOCK": "crawler.clock.FixedClock",
            "CLOCK_FIXED_AT": "2024-10-02T23:30:00+00:00",
        }
    )
    fresh = run_from_settings(settings)
    assert fresh.started == STARTED and fresh.run_id.startswith("20241002T233000Z-")
    assert run_from_settings(settings, "job42").run_id == "job42"
    settings.set("RUN_ID", "given")
    settings.set("RUN_STARTED", "2024-01-05T01:00:00")
    given = run_from_settings(settings, "job42")
    assert given.run_id == "given"
    assert given.dir == tmp_path / "2024" / "01" / "05" / "given"


def test_relocate_moves_local_feeds_under_the_root_only(tmp_path: Path) -> None:
    root, run_dir = tmp_path / "output", tmp_path / "output" / "2024" / "10" / "02" / "r1"
    inside = str(root / "%(name)s.jsonl")
    assert relocate(inside, root, run_dir) == str(run_dir / "%(name)s.jsonl")
    assert relocate((root / "a.jsonl").as_uri(), root, run_dir) == str(run_dir / "a.jsonl")
    assert relocate("/elsewhere/out.jsonl", root, run_dir) == "/elsewhere/out.jsonl"
    assert relocate("s3://bucket/x.jsonl", root, run_dir) == "s3://bucket/x.jsonl"
    moved = relocate(inside, root, run_dir)
    assert relocate(moved, root, run_dir) == moved
    feeds = relocate_feeds({inside: {"format": "jsonlines"}}, root, run_dir)
    assert feeds == {str(run_dir / "%(name)s.jsonl"): {"format": "jsonlines"}}


def test_concatenate_and_write_json_are_atomic(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b'{"a": 1}\n\n')
    (tmp_path / "b.jsonl").write_bytes(b'{"b": 2}')
    target = tmp_path / "out" / "all.jsonl"
    assert concatenate([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], target) == 2
    assert target.read_bytes() == b'{"a": 1}\n{"b": 2}\n'
    write_json_atomic(tmp_path / "out" / "x.json", {"k": [1]})
    assert json.loads((tmp_path / "out" / "x.json").read_text()) == {"k": [1]}
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []


def test_finalize_writes_merged_summary_and_latest(tmp_path: Path) -> None:
    run = RunInfo("r1", STARTED, tmp_path)
    run.dir.mkdir(parents=True)
    for name, line in (("b_spider", '{"n": "b"}\n'), ("a_spider", '{"n": "a"}\n')):
        (run.dir / f"{name}.jsonl").write_text(line)
        (run.dir / f"{name}.duplicates.jsonl").write_text('{"dup": true}\n')
    spiders = [
        SpiderRun(
            name,
            stats={"item_scraped_count": 1, "dedup/copies/identical": 1},
            feeds=[
                FeedFile(run.dir / f"{name}.jsonl", 1, True),
                FeedFile(run.dir / f"{name}.duplicates.jsonl", 1, False),
            ],
        )
        for name in ("b_spider", "a_spider")
    ]
    summary = finalize_run(
        run, spiders, status="ok", exit_code=0, finished=STARTED + timedelta(seconds=90)
    )
    merged = (run.dir / "all.jsonl").read_text().splitlines()
    assert merged == ['{"n": "a"}', '{"n": "b"}']  # spiders in name order, main feeds only
    assert summary["elapsed_seconds"] == 90 and summary["merged"]["items"] == 2
    assert summary["spiders"]["a_spider"]["items"] == 1
    assert summary["spiders"]["a_spider"]["copies"] == 1
    latest = json.loads((tmp_path / MANIFEST_NAME).read_text())
    assert latest["run_id"] == "r1" and latest["dir"] == "2024/10/02/r1"
    assert (tmp_path / latest["merged"]).exists()
    assert previous_summary(tmp_path) == json.loads((run.dir / "run.json").read_text())


def test_previous_summary_without_manifest(tmp_path: Path) -> None:
    assert previous_summary(tmp_path) is None
    (tmp_path / MANIFEST_NAME).write_text("{}")
    assert previous_summary(tmp_path) is None


def test_addon_moves_feeds_before_the_crawl(tmp_path: Path) -> None:
    root = tmp_path / "output"
    settings = {
        "RUN_OUTPUT_ROOT": str(root),
        "RUN_ID": "r9",
        "RUN_STARTED": STARTED.isoformat(),
        "FEEDS": {
            str(root / "%(name)s.jsonl"): {
                "format": "jsonlines",
                "item_filter": "crawler.dedup.filters.CanonicalFilter",
            },
            str(root / "%(name)s.duplicates.jsonl"): {
                "format": "jsonlines",
                "item_filter": "crawler.dedup.filters.DuplicateFilter",
            },
            "/elsewhere/all.jsonl": {"format": "jsonlines"},
        },
        "DEDUP_CLUSTERS_FILE": str(root / "%(name)s.clusters.json"),
    }
    crawler = get_crawler(Spider, settings)
    layout = RunLayout(crawler)
    frozen = Settings(settings)
    layout.update_settings(frozen)
    run_dir = root / "2024" / "10" / "02" / "r9"
    assert frozen["RUN_DIR"] == str(run_dir)
    assert sorted(frozen.getdict("FEEDS")) == sorted(
        [
            str(run_dir / "%(name)s.jsonl"),
            str(run_dir / "%(name)s.duplicates.jsonl"),
            "/elsewhere/all.jsonl",
        ]
    )
    assert frozen["DEDUP_CLUSTERS_FILE"] == str(run_dir / "%(name)s.clusters.json")
    assert layout._main_uris == {str(run_dir / "%(name)s.jsonl"), "/elsewhere/all.jsonl"}


def test_addon_does_nothing_when_disabled(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, {})
    settings = Settings({"RUN_LAYOUT_ENABLED": False, "FEEDS": {"output/x.jsonl": {}}})
    RunLayout(crawler).update_settings(settings)
    assert settings.getdict("FEEDS") == {"output/x.jsonl": {}}
    assert settings.get("RUN_DIR") is None

"""AtomicFileFeedStorage: temporary file + rename, so no reader sees a half-written feed."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler.feedstorage import PART_SUFFIX, STALE_PART_SECONDS, AtomicFileFeedStorage


@pytest.fixture
def spider() -> Spider:
    return get_crawler(Spider).spidercls(name="test")


def parts(directory: Path) -> list[Path]:
    return sorted(directory.glob(f".*{PART_SUFFIX}"))


def test_target_appears_only_when_stored(tmp_path: Path, spider: Spider) -> None:
    target = tmp_path / "runs" / "feed.jsonl"
    storage = AtomicFileFeedStorage(str(target), feed_options={"overwrite": True})
    handle = storage.open(spider)
    handle.write(b'{"a": 1}\n')
    assert not target.exists()
    assert len(parts(target.parent)) == 1
    storage.store(handle)
    assert target.read_bytes() == b'{"a": 1}\n'
    assert parts(target.parent) == []


def test_unfinished_write_leaves_previous_version(tmp_path: Path, spider: Spider) -> None:
    target = tmp_path / "feed.jsonl"
    target.write_bytes(b"complete\n")
    storage = AtomicFileFeedStorage(str(target), feed_options={"overwrite": True})
    handle = storage.open(spider)
    handle.write(b"half a li")
    handle.flush()  # the process dies here: store() never runs
    assert target.read_bytes() == b"complete\n"
    handle.close()


def test_append_mode_copies_existing_content(tmp_path: Path, spider: Spider) -> None:
    target = tmp_path / "feed.jsonl"
    target.write_bytes(b"first\n")
    storage = AtomicFileFeedStorage(target.as_uri(), feed_options={"overwrite": False})
    handle = storage.open(spider)
    handle.write(b"second\n")
    storage.store(handle)
    assert target.read_bytes() == b"first\nsecond\n"


def test_mode_follows_umask(tmp_path: Path, spider: Spider) -> None:
    old = os.umask(0o027)
    try:
        storage = AtomicFileFeedStorage(str(tmp_path / "feed.jsonl"))
        storage.store(storage.open(spider))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "feed.jsonl").stat().st_mode) == 0o640


def test_stale_parts_are_removed_fresh_ones_kept(tmp_path: Path, spider: Spider) -> None:
    stale = tmp_path / f".feed.jsonl.old{PART_SUFFIX}"
    fresh = tmp_path / f".feed.jsonl.new{PART_SUFFIX}"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    then = time.time() - STALE_PART_SECONDS - 60
    os.utime(stale, (then, then))
    storage = AtomicFileFeedStorage(str(tmp_path / "feed.jsonl"))
    handle = storage.open(spider)
    assert not stale.exists() and fresh.exists()
    storage.store(handle)


def test_store_before_open_is_an_error(tmp_path: Path) -> None:
    storage = AtomicFileFeedStorage(str(tmp_path / "feed.jsonl"))
    with (tmp_path / "other").open("wb") as handle, pytest.raises(RuntimeError):
        storage.store(handle)

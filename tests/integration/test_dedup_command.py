"""``scrapy dedup IN.jsonl [IN2 ...] -o OUT.jsonl [--store PATH]``."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.unit.test_dedup_corpus import make_event, make_story, retitled, truncated


def scrapy_dedup(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawler.settings.local",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SCRAPY_PROJECT", None)
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "dedup", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def corpus() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two files: originals (url and body only) and copies (with metadata)."""
    originals, copies = [], []
    for n in range(5):
        rng = random.Random(n)
        story = make_story(rng, make_event(rng), url=f"https://afp.com/{n}", site="afp.com")
        originals.append({"url": story.url, "body": "\n\n".join(story.paragraphs)})
        for copy in (
            truncated(story, f"https://c.com/{n}", "c.com"),
            retitled(story, f"https://b.com/{n}", "b.com"),
        ):
            copies.append(
                {
                    "url": copy.url,
                    "body": "\n\n".join(copy.paragraphs),
                    "title": copy.title,
                    "published": copy.published,
                    "extra": n,
                }
            )
    return originals, copies


def write(path: Path, rows: list[dict[str, Any]], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + extra, encoding="utf-8")
    return path


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_line_comes_back_flagged_and_nothing_is_left_behind(tmp_path: Path) -> None:
    originals, copies = corpus()
    first = write(tmp_path / "a.jsonl", originals)
    second = write(tmp_path / "b.jsonl", copies, extra="not json\n")
    before = sorted(p.name for p in (ROOT / "output").glob("**/*"))
    done = scrapy_dedup(
        str(first), str(second), "-o", str(tmp_path / "out.jsonl"), "--progress", "4"
    )
    assert done.returncode == 0, done.stderr
    assert "dedup: 4 items" in done.stderr and "dedup done: 15 items" in done.stderr
    assert sorted(p.name for p in (ROOT / "output").glob("**/*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "b.jsonl", "out.jsonl"]
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 16 and lines[-1] == "not json"
    out = [json.loads(line) for line in lines[:-1]]
    assert [r["url"] for r in out] == [r["url"] for r in originals + copies]
    assert out[5]["extra"] == 0  # other fields kept
    for row in out:
        canonical = f"https://afp.com/{row['url'].rsplit('/', 1)[1]}"
        assert row["duplicate_of"] == (None if row["url"] == canonical else canonical)
    assert len({r["cluster_id"] for r in out}) == 5
    assert {r["relation"] for r in out if r["duplicate_of"]} == {"truncated", "identical"}


def test_output_does_not_depend_on_input_order(tmp_path: Path) -> None:
    originals, copies = corpus()
    rows = originals + copies
    random.Random(3).shuffle(rows)
    done = scrapy_dedup(str(write(tmp_path / "in.jsonl", rows)), "-o", str(tmp_path / "o.jsonl"))
    assert done.returncode == 0, done.stderr
    flagged = {r["url"]: r["duplicate_of"] for r in read(tmp_path / "o.jsonl")}
    assert flagged == {
        r["url"]: (
            None
            if r["url"].startswith("https://afp.com/")
            else "https://afp.com/" + r["url"].rsplit("/", 1)[1]
        )
        for r in rows
    }


def test_store_keeps_earlier_runs(tmp_path: Path) -> None:
    originals, copies = corpus()
    store = tmp_path / "store.sqlite3"
    first = scrapy_dedup(str(write(tmp_path / "a.jsonl", originals)), "-o",
                         str(tmp_path / "o1.jsonl"), "--store", str(store))  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert all(r["duplicate_of"] is None for r in read(tmp_path / "o1.jsonl"))
    second = scrapy_dedup(str(write(tmp_path / "b.jsonl", copies)), "-o",
                          str(tmp_path / "o2.jsonl"), "--store", str(store))  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert all(
        r["duplicate_of"].startswith("https://afp.com/") for r in read(tmp_path / "o2.jsonl")
    )


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    done = scrapy_dedup(str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr


def test_worker_processes_give_the_same_output(tmp_path: Path) -> None:
    originals, copies = corpus()
    source = write(tmp_path / "in.jsonl", originals + copies, extra="{broken\n")
    outputs = []
    for workers in ("0", "2"):
        out = tmp_path / f"o{workers}.jsonl"
        done = scrapy_dedup(str(source), "-o", str(out), "--workers", workers)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]

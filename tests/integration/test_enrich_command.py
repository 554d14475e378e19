"""``scrapy enrich IN.jsonl -o OUT.jsonl`` in a subprocess: every line comes back, in
order, with the enrichment fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.enrichment import ENRICH_FIELDS
from crawler.items import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120

LINES = [
    {
        "schema_version": "1.0.0",
        "url": "https://example.test/a/",
        "title": "Rockets hit Baghdad base",
        "body": "Two Katyusha rockets struck a base near Baghdad. Kataib Hezbollah denied it.",
        "section": "Entertainment News",
    },
    {
        "url": "https://example.test/b/",
        "title": "Liverpool held",
        "body": "Liverpool's attack was blunt again.",
        "countries": ["stale"],
    },
    {"url": "https://example.test/c/", "title": "Empty", "body": ""},
]


def run_enrich(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "enrich", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


def write_jsonl(path: Path, items: list[dict[str, object]]) -> None:
    text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
    path.write_text(text + "\n", encoding="utf-8")  # a trailing blank line is skipped


def test_enrich_writes_every_line_back_with_the_fields(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(source, LINES)
    done = run_enrich(str(source), "-o", str(target))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [item["url"] for item in out] == [item["url"] for item in LINES]
    for item in out:
        assert set(ENRICH_FIELDS) <= set(item)
        assert item["schema_version"] == SCHEMA_VERSION
    first, second, third = out
    assert first["title"] == "Rockets hit Baghdad base" and first["section"] == "Entertainment News"
    assert first["primary_country"] == "IQ"
    assert [a["id"] for a in first["actors"]] == ["kataib-hezbollah"]
    assert first["event_types"][0]["type"] == "explosions/remote violence"
    assert first["relevance"] >= 0.7
    assert second["countries"] == [] and second["event_types"] == []
    assert third["relevance"] == 0.0
    assert b"enriched 3 line(s)" in done.stderr


def test_enrich_reads_standard_input_and_writes_standard_output() -> None:
    data = json.dumps(
        {"url": "u", "body": "قصفت طائرات إسرائيلية مواقع في غزة."}, ensure_ascii=False
    )
    done = run_enrich("-", stdin=(data + "\n").encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    item = json.loads(done.stdout.decode("utf-8"))
    assert set(item["countries"]) == {"IL", "PS"}
    assert "غزة" in done.stdout.decode("utf-8")  # not \u-escaped


def test_enrich_may_rewrite_its_input_in_place(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    write_jsonl(path, LINES[:1])
    done = run_enrich(str(path), "-o", str(path))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(path.read_text(encoding="utf-8"))["primary_country"] == "IQ"


def test_a_bad_line_is_reported_and_the_output_untouched(tmp_path: Path) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"body": "Iraq"}\n[1, 2]\n', encoding="utf-8")
    target.write_text("keep\n", encoding="utf-8")
    done = run_enrich(str(source), "-o", str(target))
    assert done.returncode != 0
    assert b"in.jsonl:2: not a JSON object" in done.stderr
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert {p.name for p in tmp_path.iterdir()} == {"in.jsonl", "out.jsonl"}  # no temp file left


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    done = run_enrich(str(tmp_path / "nope.jsonl"))
    assert done.returncode != 0
    assert b"cannot read" in done.stderr

"""``scrapy enrich IN.jsonl -o OUT.jsonl`` in a subprocess: every line comes back, in
order, with the enrichment fields. And a real crawl: its items carry the fields, and
the spider arguments ``-a countries`` and ``-a min_relevance`` drop and count items."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.enrichment import ENRICH_FIELDS
from crawler.items import SCHEMA_VERSION
from tests.conftest import FixtureServer, run_crawl

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


# -- the same fields and filters in a real crawl -------------------------------------

SITE = "levantchronicle.com"


@pytest.fixture(scope="module")
def unfiltered(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    result = run_crawl(
        "wordpress",
        tmp_path=tmp_path_factory.mktemp("unfiltered"),
        args={"start_urls": fixture_server.url(SITE, "/")},
        host_overrides={},
    )
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) >= 3
    return result


@pytest.mark.slow
def test_crawled_items_carry_the_fields(unfiltered: Any) -> None:
    for item in unfiltered.items:
        assert set(ENRICH_FIELDS) <= set(item)
        assert item["schema_version"] == SCHEMA_VERSION
    assert unfiltered.stats["enrich/items"] == len(unfiltered.items)
    assert "article/dropped/filtered_country" not in unfiltered.stats


@pytest.mark.slow
def test_spider_arguments_filter_the_crawl(
    fixture_server: FixtureServer, unfiltered: Any, tmp_path: Path
) -> None:
    counts = Counter(code for item in unfiltered.items for code in item["countries"])
    # A country some items mention and others do not, and a minimum between scores.
    country = next(c for c, n in counts.most_common() if n < len(unfiltered.items))
    with_country = [i for i in unfiltered.items if country in i["countries"]]
    scores = sorted({i["relevance"] for i in with_country})
    minimum = scores[len(scores) // 2] if len(scores) > 1 else 0.0
    expected = {i["url"] for i in with_country if i["relevance"] >= minimum}

    result = run_crawl(
        "wordpress",
        tmp_path=tmp_path,
        args={
            "start_urls": fixture_server.url(SITE, "/"),
            "countries": country.lower(),
            "min_relevance": str(minimum),
        },
        host_overrides={},
    )
    assert result.returncode == 0, result.log[-3000:]
    assert {item["url"] for item in result.items} == expected
    stats = result.stats
    assert stats["article/dropped/filtered_country"] == len(unfiltered.items) - len(with_country)
    assert stats.get("article/dropped/low_relevance", 0) == len(with_country) - len(expected)

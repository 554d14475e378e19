"""``scrapy extract FILE --url URL``: the command prints the extracted item as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "tests" / "fixtures" / "pages" / "tagdiv_article.html"
URL = "https://gulfdigest.example/drone-strike-reported-near-erbil-airport/?utm_source=feed"
TIMEOUT = 120


def run_extract(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "extract", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_extract_prints_the_item_as_json() -> None:
    done = run_extract(str(PAGE), "--url", URL)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    item = json.loads(done.stdout.decode("utf-8"))
    assert item["title"] == "Drone strike reported near Erbil airport"
    assert item["url"] == "https://gulfdigest.example/drone-strike-reported-near-erbil-airport/"
    assert item["fetched_url"] == URL
    assert item["spider"] is None
    assert item["published"] == "2024-09-13T10:05:00+00:00"  # generic profile: UTC
    assert item["provenance"]["published"] == "visible"
    assert item["authors"] == ["Samira Haddad"]
    assert item["wire"] == ["AFP"]
    assert "Reuse this content" not in item["body"]
    assert done.stdout.decode("utf-8").startswith('{\n  "schema_version"')


def test_extract_reads_standard_input_and_keeps_non_ascii() -> None:
    html = PAGE.read_bytes().replace(b"Samira Haddad", "Samira Ḥaddād".encode())
    done = run_extract("-", "--url", URL, stdin=html)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "Samira Ḥaddād" in done.stdout.decode("utf-8")


def test_extract_rejects_an_unknown_spider() -> None:
    done = run_extract(str(PAGE), "--url", URL, "--spider", "no-such-spider")
    assert done.returncode != 0
    assert b"no-such-spider" in done.stderr


def test_extract_requires_the_url() -> None:
    assert run_extract(str(PAGE)).returncode != 0

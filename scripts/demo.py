"""Offline demo: serve the bundled fixture sites locally and crawl them.

Starts ``tests.mockserver.server`` on 127.0.0.1, runs every spider against its
fixture site through ``HOST_OVERRIDES`` (the ``wordpress`` family spider against
the WordPress fixture sites), writes JSONL under ``output/demo/`` and prints a
short summary. Nothing leaves this machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
OUT = ROOT / "output" / "demo"
#: WordPress fixture sites, crawled by the generic ``wordpress`` spider.
WORDPRESS_SITES = ("www.worldnewsflash24.com", "levantchronicle.com", "www.gulfdispatch.net")


def start_server(workdir: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    manifest = workdir / "manifest.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.mockserver.server",
            "--sites",
            str(SITES),
            "--manifest",
            str(manifest),
            "--log",
            str(workdir / "requests.jsonl"),
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while not manifest.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit("demo: the fixture server did not start")
        time.sleep(0.1)
    sites: dict[str, str] = json.loads(manifest.read_text())["sites"]
    return proc, sites


def spider_names() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def crawl(spider: str, overrides: dict[str, str], args: dict[str, str]) -> tuple[Path, dict]:
    feed = OUT / f"{spider}.jsonl"
    stats_file = OUT / f"{spider}.stats.json"
    feeds = {str(feed): {"format": "jsonlines", "encoding": "utf-8", "overwrite": True}}
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    cmd += [
        "-s", f"FEEDS={json.dumps(feeds)}",
        "-s", f"HOST_OVERRIDES={json.dumps(overrides)}",
        "-s", f"STATS_DUMP_FILE={stats_file}",
        "-s", "LOG_LEVEL=WARNING",
        "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0",
    ]  # fmt: skip
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return feed, stats


def summarise(feed: Path, stats: dict) -> list[str]:
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines() if line]
    per_site = Counter(item["site"] for item in items)
    wire = sum(1 for item in items if item.get("wire"))
    errors = stats.get("log_count/ERROR", 0)
    lines = [
        f"  {feed.relative_to(ROOT)}: {len(items)} articles, {wire} wire copies, {errors} errors"
    ]
    lines += [f"    {site}: {count}" for site, count in sorted(per_site.items())]
    return lines


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mesec-demo-") as tmp:
        server, sites = start_server(Path(tmp))
        try:
            report: list[str] = []
            for spider in spider_names():
                if spider == "wordpress":
                    hosts = [h for h in WORDPRESS_SITES if h in sites]
                    args = {"start_urls": ",".join(f"https://{h}/" for h in hosts)}
                else:
                    args = {}
                feed, stats = crawl(spider, sites, args)
                report += summarise(feed, stats)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("\nDemo crawl finished. Output under output/demo/:")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

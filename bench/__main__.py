"""``python -m bench``: every benchmark in one run, summarised in ``bench/RESULTS.md``.

Runs, each in its own process, through the benchmark's own entry point:

- crawl throughput (``python -m bench.crawl``): bare Scrapy, Scrapy + trafilatura and
  the full pipeline on the generated site, plus a cProfile run of the full pipeline;
- extraction (``python -m bench.extraction``): ``extract_article`` vs trafilatura, ms/page;
- dedup scale (``python -m bench.dedup --scale N``) at 200k and 1M items, against the
  datasketch baseline; ``--reuse-dedup FILE`` reads earlier ``--json`` outputs instead;
- enrichment (``python -m bench.enrichment``): ms/article.

The page gives the machine, its load average before and after, the date, every command
and the ratios (ours / reference), which drift less than absolute times on a shared
machine. A part that fails is reported as such; the others still run. ``--smoke`` runs
every part at its quick size (CI-sized), ``--only`` a subset.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.crawl import fmt, table

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("crawl", "extraction", "dedup", "enrichment")
PY = ".venv/bin/python"
DEDUP_RATE_TARGET = 1000  # items/s with 1M items indexed (dedup issue)
DEDUP_RSS_TARGET_MB = 2048
ENRICH_TARGET_MS = 2.0
EXTRACTION_RATIO_TARGET = 1.5


def machine() -> dict[str, str]:
    cpu = platform.machine()
    for line in (
        Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").is_file() else []
    ):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    ram = ""
    if Path("/proc/meminfo").is_file():
        ram = f", {int(Path('/proc/meminfo').read_text().split()[1]) / 1024 / 1024:.0f} GB RAM"
    libs = ", ".join(f"{name} {version(name)}" for name in ("Scrapy", "lxml", "trafilatura"))
    return {
        "machine": f"{cpu}, {os.cpu_count()} CPUs{ram}; {platform.platform()}",
        "software": f"Python {platform.python_version()}, {libs}",
    }


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Runner:
    """Runs one part's commands, logging their output under ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.commands: list[str] = []

    def run(self, name: str, module: str, *args: str) -> float:
        cmd = [sys.executable, "-m", module, *args]
        shown = " ".join([PY, "-m", module, *(shlex.quote(a) for a in args)])
        self.commands.append(shown.replace(str(self.workdir) + "/", "/tmp/"))
        print(f"[bench] {shown}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        with (self.workdir / f"{name}.log").open("w") as log:
            done = subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            tail = (self.workdir / f"{name}.log").read_text(errors="replace")[-1500:]
            raise RuntimeError(f"`{shown}` exited with {done.returncode}:\n{tail}")
        return time.perf_counter() - start


# -- parts -----------------------------------------------------------------------------


def crawl_part(runner: Runner, args: argparse.Namespace) -> dict[str, Any]:
    out = runner.workdir / "crawl.json"
    size = ["--smoke"] if args.smoke else ["--pages", str(args.pages)]
    runner.run(
        "crawl", "bench.crawl", *size, "--rounds", str(args.rounds), "--profile", "--json", str(out)
    )
    return json.loads(out.read_text())


def extraction_part(runner: Runner, args: argparse.Namespace) -> dict[str, Any]:
    out = runner.workdir / "extraction.json"
    repeats = ["--repeats", "1"] if args.smoke else []
    runner.run("extraction", "bench.extraction", *repeats, "--json", str(out))
    return json.loads(out.read_text())


def dedup_part(runner: Runner, args: argparse.Namespace) -> dict[str, Any]:
    results = {}
    if args.reuse_dedup:
        for path in args.reuse_dedup:
            data = json.loads(Path(path).read_text())
            runner.commands.append(f"(reused {path}: {data.get('command', '?')})")
            results[str(data["scale"]["corpus"]["items"])] = data["scale"]
        return results
    sizes = [] if args.smoke else args.dedup_sizes
    for size in sizes or [0]:
        out = runner.workdir / f"dedup-{size}.json"
        flags = ["--smoke"] if not size else ["--scale", str(size)]
        runner.run(f"dedup-{size}", "bench.dedup", *flags, "--json", str(out))
        scale = json.loads(out.read_text())["scale"]
        results[str(scale["corpus"]["items"])] = scale
    return results


def enrichment_part(runner: Runner, args: argparse.Namespace) -> dict[str, Any]:
    out = runner.workdir / "enrichment.md"
    quick = ["--bodies", "20", "--repeats", "3"] if args.smoke else []
    runner.run("enrichment", "bench.enrichment", *quick, "--out", str(out))
    text = out.read_text()
    median = re.search(r"median ms/article[^|]*\|\s*([\d.]+)", text)
    p90 = re.search(r"p90 ms/article\s*\|\s*([\d.]+)", text)
    bare = re.search(r"yardstick[^|]*\|\s*([\d.]+)", text)
    speed = [line for line in text.splitlines() if "ms/article" in line or "yardstick" in line]
    return {
        "median_ms": float(median.group(1)) if median else None,
        "p90_ms": float(p90.group(1)) if p90 else None,
        "findall_ms": float(bare.group(1)) if bare else None,
        "rows": speed,
    }


# -- rendering -------------------------------------------------------------------------


def extraction_speed(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The ms/page rows of the extraction report (per page set)."""
    return [row for row in data.get("overall", []) if row["metric"].startswith("ms/page")]


def render_extraction(data: dict[str, Any]) -> list[str]:
    rows = []
    for row in extraction_speed(data):
        ours, traf = row.get("ours"), row.get("trafilatura")
        ratio = ours / traf if ours and traf else None
        rows.append((row["set"], str(row["n"]), fmt(ours, 1), fmt(traf, 1), fmt(ratio)))
    quality = [
        (
            row["metric"],
            row["set"],
            str(row["n"]),
            fmt(row.get("ours"), 3),
            fmt(row.get("trafilatura"), 3),
        )
        for row in data.get("overall", [])
        if not row["metric"].startswith("ms") and row["set"] in ("all", "real pages")
    ]
    lines = ["Median over pages of each page's median ms (see bench/extraction/README.md).", ""]
    lines += table(
        ("pages", "n", "ours ms/page", "trafilatura ms/page", "ours ÷ trafilatura"), rows
    )
    if quality:
        lines += ["", "Field scores on the same pages (0–1):", ""]
        lines += table(("field", "set", "n", "ours", "trafilatura"), quality)
    return lines


def render_dedup(results: dict[str, Any]) -> list[str]:
    rows = []
    for size, scale in results.items():
        for run in scale["runs"]:
            rows.append(
                (
                    f"{int(size):,}",
                    run["name"],
                    f"{run['items']:,}",
                    fmt(run.get("rate"), 0),
                    fmt(run.get("rate_last"), 0),
                    fmt(run.get("maxrss_mb"), 0),
                    fmt(run.get("rss_per_item_kb"), 2),
                )
            )
    header = (
        "corpus",
        "run",
        "items",
        "items/s",
        "items/s (last 10%)",
        "peak RSS MB",
        "RSS KB/item",
    )
    lines = table(header, rows)
    for size, scale in results.items():
        r = scale.get("ratios") or {}
        if r:
            per_item = f", RSS per item × {r['rss_per_item']:.2f}" if "rss_per_item" in r else ""
            lines += [
                "",
                f"{int(size):,} items, ours ÷ baseline: items/s × {r['rate']:.2f}{per_item}.",
            ]
    return lines


def summary(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of the performance issue with its measured value."""
    rows: list[dict[str, Any]] = []
    crawl = results.get("crawl")
    if isinstance(crawl, dict):
        rows += crawl["targets"]
    extraction = results.get("extraction")
    if isinstance(extraction, dict):
        for row in extraction_speed(extraction):
            if row["set"] == "all" or len(extraction_speed(extraction)) == 1:
                value = row["ours"] / row["trafilatura"] if row.get("trafilatura") else None
                ok = value is not None and value <= EXTRACTION_RATIO_TARGET
                label = "extract_article ms/page ÷ trafilatura"
                rows.append({"label": label, "value": value, "target": "≤ 1.50", "met": ok})
    dedup = results.get("dedup")
    if isinstance(dedup, dict) and dedup:
        size, scale = max(dedup.items(), key=lambda kv: int(kv[0]))
        ours = next((run for run in scale["runs"] if run["name"] != "baseline"), None)
        if ours is not None:
            rate = ours.get("rate_last") or ours.get("rate")
            note = "" if int(size) >= 1_000_000 else f"target is at 1M; largest run {int(size):,}"
            rows.append(
                {
                    "label": f"dedup items/s, last 10% of {int(size):,}",
                    "value": rate,
                    "target": f"≥ {DEDUP_RATE_TARGET:,}",
                    "met": bool(rate and rate >= DEDUP_RATE_TARGET),
                    "note": note,
                }
            )
            rss = ours.get("maxrss_mb")
            rows.append(
                {
                    "label": f"dedup peak RSS MB, {int(size):,} items",
                    "value": rss,
                    "target": f"≤ {DEDUP_RSS_TARGET_MB:,}",
                    "met": bool(rss and rss <= DEDUP_RSS_TARGET_MB),
                    "note": note,
                }
            )
    enrichment = results.get("enrichment")
    if isinstance(enrichment, dict) and enrichment.get("median_ms") is not None:
        ms = enrichment["median_ms"]
        rows.append(
            {
                "label": "enrichment median ms/article",
                "value": ms,
                "target": f"≤ {ENRICH_TARGET_MS}",
                "met": ms <= ENRICH_TARGET_MS,
            }
        )
    return rows


def render(results: dict[str, Any], meta: dict[str, Any], commands: list[str]) -> str:
    from bench.crawl import render_targets
    from bench.crawl.__main__ import render as render_crawl

    lines = [
        "# Benchmark results",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['machine']}",
        f"- Software: {meta['software']}",
        f"- Load average (1, 5, 15 min) before: {meta['load_before']}; after: {meta['load_after']}",
        f"- Command: `{meta['command']}` ({meta['minutes']:.0f} min)",
        "",
        "Absolute times drift on a shared machine; compare the ratios.",
        "",
        "## Targets",
        "",
        *render_targets(summary(results)),
    ]
    sections: list[tuple[str, str, Callable[[Any], list[str]]]] = [
        ("crawl", "Crawl throughput", render_crawl),
        ("extraction", "Extraction: extract_article vs trafilatura", render_extraction),
        ("dedup", "Dedup scale: ours vs datasketch MinHashLSH", render_dedup),
        ("enrichment", "Enrichment", lambda e: ["| speed | value |", "|---|---|", *e["rows"]]),
    ]
    for key, title, fn in sections:
        if key not in results:
            continue
        lines += ["", f"## {title}", ""]
        value = results[key]
        lines += [f"**Failed**: {value}"] if isinstance(value, str) else fn(value)
    lines += ["", "## Commands", "", "This page (`make bench` runs `python -m bench --out "]
    lines[-1] += "bench/RESULTS.md`), then the parts it ran, each in its own process:"
    lines += ["", "```sh", meta["command"], *commands, "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--smoke", action="store_true", help="every part at its quick size")
    parser.add_argument("--pages", type=int, default=5000, help="crawl: article pages (5000)")
    parser.add_argument("--rounds", type=int, default=1, help="crawl: rounds per contender (1)")
    parser.add_argument(
        "--dedup-sizes", type=int, nargs="+", default=[200_000, 1_000_000], help="dedup corpora"
    )
    parser.add_argument(
        "--reuse-dedup", nargs="+", metavar="JSON", help="earlier `bench.dedup --json` outputs"
    )
    parser.add_argument("--out", type=Path, help="write the page here (e.g. bench/RESULTS.md)")
    parser.add_argument("--json", type=Path, help="write every number as JSON here")
    parser.add_argument("--workdir", type=Path, help="keep the parts' logs and outputs here")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    runner = Runner(workdir)
    started, load_before = time.perf_counter(), load()
    parts = {"crawl": crawl_part, "extraction": extraction_part, "dedup": dedup_part}
    parts["enrichment"] = enrichment_part
    results: dict[str, Any] = {}
    for name in PARTS:
        if name in args.only:
            try:
                results[name] = parts[name](runner, args)
            except Exception as exc:  # a failed part is a result; the others still run
                results[name] = f"{type(exc).__name__}: {exc}"
    command = "python -m bench" + (
        ""
        if not (argv or sys.argv[1:])
        else " " + shlex.join(argv if argv is not None else sys.argv[1:])
    )
    meta = {
        **machine(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "load_before": load_before,
        "load_after": load(),
        "command": PY + command[len("python") :],
        "minutes": (time.perf_counter() - started) / 60,
    }
    text = render(results, meta, runner.commands)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        payload = {**meta, "commands": runner.commands, "results": results}
        args.json.write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")
    return 0 if all(not isinstance(v, str) for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

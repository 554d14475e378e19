"""``python -m bench``: every benchmark in one run, summarised in ``bench/RESULTS.md``.

Runs, each in its own process, through the benchmark's own entry point:

- crawl throughput (``python -m bench.crawl``): bare Scrapy, Scrapy + trafilatura and
  the full pipeline on the generated site (``--profile``: plus a cProfile run of the full
  pipeline; its before/after record is ``bench/crawl/PROFILE.md``);
- extraction (``python -m bench.extraction``): ``extract_article`` vs trafilatura, ms/page;
- dedup (``python -m bench.dedup --smoke``): quality on a reduced corpus and a
  5,000-item scale run; the 200k and 1M tables live in ``bench/dedup/RESULTS.md``
  (written by ``python -m bench.dedup``), which the page links. ``--dedup-sizes N …``
  runs ``--scale N`` here instead, ``--reuse-dedup FILE`` reads earlier ``--json`` outputs;
- enrichment (``python -m bench.enrichment``): ms/article.

The page gives the machine, its load average before and after, the date, every command
and the ratios (ours / reference), which drift less than absolute times on a shared
machine. A part that fails is reported as such; the others still run. ``--smoke`` runs
every part at its quick size (CI-sized), ``--quick`` crawls a 1,000-page site, ``--only``
a subset; ``--reuse-crawl`` and
``--reuse-dedup`` put earlier JSON outputs of those two (the long ones) on the page.
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
DEDUP_RESULTS = "bench/dedup/RESULTS.md"
DEDUP_TARGET_ITEMS = 1_000_000
QUICK_PAGES = 1000
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
    if args.reuse_crawl:
        data = json.loads(Path(args.reuse_crawl).read_text())
        runner.commands.append(
            f"{data.get('command', 'python -m bench.crawl')}  # reused, {data.get('date', '?')}"
        )
        return dict(data)
    out = runner.workdir / "crawl.json"
    pages = QUICK_PAGES if args.quick else args.pages
    size = ["--smoke"] if args.smoke else ["--pages", str(pages)]
    profile = ["--profile"] if args.profile else []
    runner.run(
        "crawl", "bench.crawl", *size, "--rounds", str(args.rounds), *profile, "--json", str(out)
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
            runner.commands.append(
                f"{data.get('command', 'python -m bench.dedup')}  # reused, {data.get('date', '?')}"
            )
            results[str(data["scale"]["corpus"]["items"])] = data["scale"]
        return results
    sizes = [] if args.smoke else args.dedup_sizes or []
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
    return enrichment_speed(out.read_text())


def enrichment_speed(text: str) -> dict[str, Any]:
    """The speed table(s) of the enrichment report (the Markdown tables with "ms" in
    their header or first column, with the line that introduces them) and its median
    ms/article: the first number in the first "median … ms" column, or in the row
    whose first cell says "median ms"."""
    lines = text.splitlines()
    blocks: list[list[str]] = []
    for i, line in enumerate(lines):
        if line.startswith("|") and (i == 0 or not lines[i - 1].startswith("|")):
            blocks.append([])
            caption = lines[i - 2] if i >= 2 and not lines[i - 1].strip() else ""
            if caption and not caption.startswith(("|", "#")):
                blocks[-1].append(caption)
                blocks[-1].append("")
        if line.startswith("|"):
            blocks[-1].append(line)
    speed = [b for b in blocks if "ms" in "".join(x for x in b if x.startswith("|"))]
    median = None
    for block in speed:
        rows = [[c.strip() for c in x.strip("|").split("|")] for x in block if x.startswith("|")]
        header, body = rows[0], [r for r in rows[2:] if r]
        column = next((k for k, c in enumerate(header) if "median" in c and "ms" in c), None)
        for row in body:
            cell = row[column] if column is not None and column < len(row) else None
            if cell is None and "median ms" in row[0] and len(row) > 1:
                cell = row[1]
            number = re.search(r"\d+(?:\.\d+)?", cell or "")
            if number:
                median = float(number.group())
                break
        if median is not None:
            break
    rows = [line for block in speed for line in [*block, ""]]
    return {"median_ms": median, "rows": rows[:-1]}


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
    lines = [
        f"The 200,000 and 1,000,000-item tables (insert+query throughput, peak RSS, against "
        f"the datasketch baseline) are in [`{DEDUP_RESULTS}`](dedup/RESULTS.md), written by "
        "`.venv/bin/python -m bench.dedup`. This run:",
        "",
        *table(header, rows),
    ]
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
        # The dedup targets are set at 1M items; a smaller run says nothing about them.
        if ours is not None and int(size) >= DEDUP_TARGET_ITEMS:
            rate = ours.get("rate_last") or ours.get("rate")
            rows.append(
                {
                    "label": f"dedup items/s, last 10% of {int(size):,}",
                    "value": rate,
                    "target": f"≥ {DEDUP_RATE_TARGET:,}",
                    "met": bool(rate and rate >= DEDUP_RATE_TARGET),
                }
            )
            rss = ours.get("maxrss_mb")
            rows.append(
                {
                    "label": f"dedup peak RSS MB, {int(size):,} items",
                    "value": rss,
                    "target": f"≤ {DEDUP_RSS_TARGET_MB:,}",
                    "met": bool(rss and rss <= DEDUP_RSS_TARGET_MB),
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
        "- Each crawl contender runs in a process of its own, one after the other. The full",
        "  pipeline runs with the project settings, which include `CONCURRENT_ITEMS = 4` and",
        "  `EXTRACTION_WORKERS = 2` (the crawl process, two workers and their fork server; its",
        "  CPU per page counts all of them and its peak RSS sums their `VmHWM`); bare Scrapy",
        "  and Scrapy + trafilatura run in one process each, on Scrapy's defaults",
        "  (`CONCURRENT_ITEMS` 100), as a spider of their own would.",
        f"- Dedup at 200,000 and 1,000,000 items: [`{DEDUP_RESULTS}`](dedup/RESULTS.md).",
        "- Profile of the full pipeline, before and after its fixes: "
        "[`bench/crawl/PROFILE.md`](crawl/PROFILE.md).",
        "",
        "## Targets",
        "",
        *render_targets(summary(results)),
        "",
        f"Dedup targets (≥ {DEDUP_RATE_TARGET:,} items/s and peak RSS ≤ "
        f"{DEDUP_RSS_TARGET_MB:,} MB with {DEDUP_TARGET_ITEMS:,} items indexed) are "
        f"measured by `bench.dedup` at 200,000 and 1,000,000 items: see "
        f"[`{DEDUP_RESULTS}`](dedup/RESULTS.md).",
    ]
    sections: list[tuple[str, str, Callable[[Any], list[str]]]] = [
        ("crawl", "Crawl throughput", render_crawl),
        ("extraction", "Extraction: extract_article vs trafilatura", render_extraction),
        ("dedup", "Dedup scale: ours vs datasketch MinHashLSH", render_dedup),
        ("enrichment", "Enrichment (from `bench.enrichment`)", lambda e: e["rows"]),
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
        "--dedup-sizes",
        type=int,
        nargs="+",
        default=[],
        help=f"dedup: --scale runs of these sizes instead of --smoke (see {DEDUP_RESULTS})",
    )
    parser.add_argument(
        "--profile", action="store_true", help="crawl: add a cProfile run of the full pipeline"
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"crawl a {QUICK_PAGES:,}-page site instead"
    )
    parser.add_argument(
        "--reuse-dedup", nargs="+", metavar="JSON", help="earlier `bench.dedup --json` outputs"
    )
    parser.add_argument("--reuse-crawl", metavar="JSON", help="an earlier `bench.crawl --json`")
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

"""``python -m bench.crawl``: crawl throughput of bare Scrapy, Scrapy + trafilatura and ours.

Starts the generated site (:mod:`bench.crawl.site`) in a server process, measures the
server alone with a bare asyncio client (every page once, same concurrency), then crawls
it with each contender (:mod:`bench.crawl.spiders`) in a child process of its own:
pages/s, CPU per page and peak RSS (``VmHWM``) from the child's own report
(``report.json``), its total CPU from ``os.wait4``. ``--rounds N`` repeats the
contenders in rotating order and keeps each one's median run. ``--profile`` adds one
untimed run of ours under cProfile and lists the hot spots. ``--smoke``: 300 pages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pstats
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.crawl import (
    LABELS,
    CrawlRun,
    fmt,
    median_run,
    ratios,
    render_runs,
    render_targets,
    spread,
    table,
    targets,
)
from bench.crawl.site import Site
from bench.crawl.spiders import CONTENDERS

ROOT = Path(__file__).resolve().parents[2]
SMOKE_PAGES = 300


def start_server(pages: int, seed: int) -> tuple[subprocess.Popen[str], str]:
    """The site server as a child process, and its base URL once it is ready."""
    cmd = [sys.executable, "-m", "bench.crawl.site", "--pages", str(pages), "--seed", str(seed)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        raise RuntimeError(f"site server did not start: {line!r}")
    return proc, line.split()[1]


def server_cpu(base: str) -> float:
    """CPU seconds the server process has used so far."""
    with urllib.request.urlopen(base + "/__rusage", timeout=10) as response:
        usage = json.load(response)
    return float(usage["user"] + usage["system"])


async def _fetch_all(base: str, paths: list[str], concurrency: int) -> tuple[int, int]:
    parts = urlsplit(base)
    queue = list(reversed(paths))
    done = [0, 0]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while queue:
            writer.write(f"GET {queue.pop()} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            done[0] += 1
            done[1] += length
        writer.close()
        await writer.wait_closed()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done[0], done[1]


def measure_server(base: str, paths: list[str], concurrency: int) -> dict[str, Any]:
    """Every page once with a bare keep-alive client: the server's ceiling (client included)."""
    cpu = server_cpu(base)
    start = time.perf_counter()
    pages, size = asyncio.run(_fetch_all(base, paths, concurrency))
    seconds = time.perf_counter() - start
    used = server_cpu(base) - cpu
    return {
        "pages": pages,
        "bytes": size,
        "seconds": seconds,
        "pages_per_s": pages / seconds,
        "mb_per_s": size / seconds / 1e6,
        "server_cpu_ms_per_page": 1000 * used / pages if pages else None,
    }


def run_contender(
    name: str,
    base: str,
    start_urls: list[str],
    workdir: Path,
    concurrency: int,
    profile: Path | None = None,
    extra: Sequence[str] = (),
) -> CrawlRun:
    """One crawl in a child process (see the module docstring for what is measured); ``extra``:
    ``NAME=VALUE`` settings for the child."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    cmd = [sys.executable, "-m", "bench.crawl.spiders", name, "--workdir", str(workdir)]
    cmd += ["--start-urls", ",".join(start_urls), "--concurrency", str(concurrency)]
    if profile is not None:
        cmd += ["--profile", str(profile)]
    for pair in extra:
        cmd += ["--set", pair]
    cpu = server_cpu(base)
    start = time.perf_counter()
    with (workdir / "child.out").open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    report_file = workdir / "report.json"
    if proc.returncode != 0 or not report_file.is_file():
        tail = (workdir / "child.out").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{name} crawl failed (exit {proc.returncode}):\n{tail}")
    report = json.loads(report_file.read_text())
    stats = report["stats"]
    return CrawlRun(
        name=name,
        pages=int(stats.get("response_received_count", 0)),
        items=int(stats.get("item_scraped_count", 0)),
        crawl_seconds=report["crawl_seconds"],
        crawl_cpu=report["crawl_cpu"],
        process_seconds=seconds,
        process_cpu=usage.ru_utime + usage.ru_stime,
        maxrss_kb=int(report.get("vmhwm_kb") or usage.ru_maxrss)
        + int(report.get("workers_vmhwm_kb") or 0),
        rss_source="VmHWM" if report.get("vmhwm_kb") else "ru_maxrss",
        processes=1
        + int(report.get("workers") or 0)
        + int(report.get("stats", {}).get("extraction/pool/fork_server") or 0),
        server_cpu=server_cpu(base) - cpu,
        stats={k: v for k, v in stats.items() if "/" in k and k.split("/")[0] in _STAT_GROUPS},
    )


_STAT_GROUPS = {"article", "dedup", "enrich", "enrichment", "extraction", "listing"}


def _where(key: tuple[str, int, str]) -> str:
    """``package/module.py:function`` for a pstats key."""
    path, line, func = key
    if path == "~":
        return func
    path = re.sub(r"^.*?(site-packages/|/lib/python3\.\d+/)", "", path)
    path = path.removeprefix(str(ROOT) + "/")
    return f"{path}:{line}({func})"


#: Parts of the full pipeline's profile: (label, file suffix, function); cumulative
#: times, chosen so that none contains another.
COMPONENTS = (
    ("extraction (`extract_from_response`)", "crawler/extraction.py", "extract_from_response"),
    ("validate pipeline (jsonschema)", "pipelines/validate.py", "process_item"),
    ("enrich pipeline", "pipelines/enrich.py", "process_item"),
    ("dedup pipeline", "pipelines/dedup.py", "process_item"),
    ("HTML parsing (lxml through parsel)", "parsel/selector.py", "create_root_node"),
    ("feed export (JSONL)", "scrapy/extensions/feedexport.py", "item_scraped"),
    ("listing pages (link extraction)", "crawler/spider.py", "parse_listing"),
)


def hotspots(profile: Path, n: int = 5) -> dict[str, Any]:
    """Shares of the profiled CPU time: per pipeline component (:data:`COMPONENTS`, the
    rest being Scrapy, Twisted/asyncio and start-up) and the top ``n`` functions by
    own time."""
    stats = pstats.Stats(str(profile))
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in entries.values()) or 1.0
    own = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:n]
    parts = []
    for label, suffix, func in COMPONENTS:
        cum = sum(v[3] for k, v in entries.items() if k[0].endswith(suffix) and k[2] == func)
        parts.append({"component": label, "cum_s": cum, "share": cum / total})
    rest = total - sum(part["cum_s"] for part in parts)
    parts.append({"component": "Scrapy, Twisted/asyncio, start-up (the rest)", "cum_s": rest})
    parts[-1]["share"] = rest / total
    parts.sort(key=lambda part: part["cum_s"], reverse=True)
    return {
        "total_seconds": total,
        "components": parts,
        "own": [
            {"where": _where(k), "calls": v[1], "own_s": v[2], "share": v[2] / total}
            for k, v in own
        ],
    }


def render_hotspots(spots: dict[str, Any]) -> list[str]:
    lines = [f"cProfile (CPU clock) of one more run of ours: {spots['total_seconds']:.1f} s.", ""]
    lines += table(
        ("component", "CPU s", "share"),
        ((s["component"], fmt(s["cum_s"], 1), f"{s['share']:.1%}") for s in spots["components"]),
    )
    lines += ["", "Top functions by own time:", ""]
    lines += table(
        ("#", "function", "calls", "own s", "share"),
        (
            (str(i), f"`{s['where']}`", f"{s['calls']:,}", fmt(s["own_s"], 2), f"{s['share']:.1%}")
            for i, s in enumerate(spots["own"], 1)
        ),
    )
    return lines


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    """Server check, contender rounds, optional profile; everything as a JSON-able dict."""
    pages = SMOKE_PAGES if args.smoke else args.pages
    workroot = args.workdir or Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    server, base = start_server(pages, args.seed)
    try:
        site = Site(pages, args.seed, base)
        start_urls = site.start_urls()
        paths = list(site.paths())
        checks = [measure_server(base, paths, args.concurrency) for _ in range(2)]
        rounds: dict[str, list[CrawlRun]] = {name: [] for name in args.contenders}
        for round_no in range(args.rounds):
            order = args.contenders[round_no % len(args.contenders) :]
            order += args.contenders[: round_no % len(args.contenders)]
            for name in order:
                workdir = workroot / f"{name}-{round_no}"
                run = run_contender(
                    name, base, start_urls, workdir, args.concurrency, extra=args.set
                )
                print(
                    f"[bench.crawl] round {round_no + 1} {name}: {run.pages} pages, "
                    f"{run.pages_per_s:.1f} pages/s, {run.cpu_ms_per_page:.1f} CPU ms/page, "
                    f"{run.rss_mb:.0f} MB",
                    file=sys.stderr,
                )
                rounds[name].append(run)
        spots = None
        if args.profile:
            prof = workroot / "ours.prof"
            workdir = workroot / "ours-profile"
            run_contender("ours", base, start_urls, workdir, args.concurrency, prof, args.set)
            spots = hotspots(prof)
    finally:
        server.terminate()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()
        if args.workdir is None:
            shutil.rmtree(workroot, ignore_errors=True)
    best = {name: median_run(runs) for name, runs in rounds.items() if runs}
    page_counts = {name: run.pages for name, run in best.items()}
    return {
        "pages": pages,
        "site_pages": len(paths),
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "extra_settings": list(args.set),
        "server": checks[-1],
        "runs": {name: run.as_dict() for name, run in best.items()},
        "all_rounds": {name: [run.pages_per_s for run in runs] for name, runs in rounds.items()},
        "same_pages": len(set(page_counts.values())) <= 1,
        "ratios": ratios(best),
        "targets": targets(best, pages),
        "hotspots": spots,
        "page_bytes": _page_sizes(site),
    }


def _page_sizes(site: Site) -> dict[str, float]:
    sizes = sorted(a.size for a in site.articles)
    return {
        "min_kb": sizes[0] / 1024,
        "median_kb": sizes[len(sizes) // 2] / 1024,
        "max_kb": sizes[-1] / 1024,
    }


def render(result: dict[str, Any]) -> list[str]:
    """The crawl section of the results page."""
    runs = {name: CrawlRun(**_fields(run)) for name, run in result["runs"].items()}
    server = result["server"]
    sizes = result["page_bytes"]
    lines = [
        f"Site: {result['pages']:,} article pages + {result['site_pages'] - result['pages']:,} "
        f"listing pages, article pages {sizes['min_kb']:.0f}–{sizes['max_kb']:.0f} KB "
        f"(median {sizes['median_kb']:.0f} KB). CONCURRENT_REQUESTS = "
        f"CONCURRENT_REQUESTS_PER_DOMAIN = {result['concurrency']}, no delay, AutoThrottle "
        f"and robots.txt off, LOG_LEVEL INFO{_extra(result)}; median of {result['rounds']} "
        "round(s).",
        "",
        f"Server alone (bare asyncio keep-alive client, same concurrency): "
        f"{server['pages_per_s']:,.0f} pages/s, {server['mb_per_s']:,.0f} MB/s, "
        f"{fmt(server['server_cpu_ms_per_page'])} server CPU ms/page.",
        "",
        *render_runs(runs),
        "",
        *render_targets(result["targets"]),
    ]
    if not result["same_pages"]:
        lines += ["", "**Warning**: the contenders did not fetch the same number of pages."]
    if result["rounds"] > 1:
        lines += ["", "pages/s per round, median (min–max):", ""]
        lines += [
            f"- {LABELS.get(name, name)}: {spread(values)}"
            for name, values in result["all_rounds"].items()
        ]
    if result.get("hotspots"):
        lines += ["", *render_hotspots(result["hotspots"])]
    return lines


def _extra(result: dict[str, Any]) -> str:
    pairs = result.get("extra_settings") or []
    return "".join(f", {pair}" for pair in pairs)


def _fields(run: dict[str, Any]) -> dict[str, Any]:
    names = CrawlRun.__dataclass_fields__
    return {k: v for k, v in run.items() if k in names}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__)
    p.add_argument("--pages", type=int, default=5000, help="article pages (5000)")
    p.add_argument("--smoke", action="store_true", help=f"{SMOKE_PAGES} pages, a quick check")
    p.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS (16)")
    p.add_argument("--rounds", type=int, default=1, help="runs per contender; median kept (1)")
    p.add_argument("--seed", type=int, default=8, help="site generator seed (8)")
    p.add_argument(
        "--contenders",
        nargs="+",
        choices=CONTENDERS,
        default=list(CONTENDERS),
        help="contenders to run (all)",
    )
    p.add_argument("--profile", action="store_true", help="add an untimed cProfile run of ours")
    p.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra setting for every contender (repeatable)",
    )
    p.add_argument("--workdir", type=Path, help="keep every crawl's files here")
    p.add_argument("--out", type=Path, help="write the Markdown section here")
    p.add_argument("--json", type=Path, help="write every number as JSON here")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    result = run_bench(args)
    command = ".venv/bin/python -m bench.crawl"
    rest = sys.argv[1:] if argv is None else argv
    if rest:
        command += " " + shlex.join(rest)
    text = "\n".join(
        [
            "# Crawl throughput benchmark",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d}",
            f"- Command: `{command}`",
            "",
            *render(result),
        ]
    )
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        payload = {**result, "command": command, "date": f"{datetime.now(UTC):%Y-%m-%d}"}
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

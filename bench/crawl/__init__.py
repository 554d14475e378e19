"""Crawl-throughput benchmark: result records, ratios, targets and the Markdown table.

Policy: a contender's speed is pages (responses received) per second of its crawl
(from the crawler's extensions being built to ``engine_stopped``: the engine, the
components and what the spider's opening starts, such as extraction workers, are in;
interpreter start-up and imports are left out); its CPU per page is the crawl's CPU time
over those pages; its peak RSS is the child process's ``VmHWM`` as it reports it
(``ru_maxrss`` from ``wait4`` where /proc is missing, which also counts the parent's pages
the child was forked with). Ratios are taken against the bare Scrapy spider (and ours
against trafilatura), because absolute rates drift with the machine's load.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

#: Targets of the full pipeline: share of bare Scrapy's pages/s, of Scrapy + trafilatura's,
#: and the peak RSS ceiling (MB) of a crawl of at least TARGET_PAGES pages.
TARGET_VS_BARE = 0.5
TARGET_VS_TRAFILATURA = 1.0
TARGET_RSS_MB = 1024
TARGET_PAGES = 5000
LABELS = {
    "bare": "bare Scrapy",
    "trafilatura": "Scrapy + trafilatura → JSONL",
    "ours": "full pipeline (extraction, validate, enrich, dedup, JSONL)",
}


@dataclass
class CrawlRun:
    """One contender's crawl, as measured by its child process and the parent."""

    name: str
    pages: int  # responses received
    items: int
    crawl_seconds: float
    crawl_cpu: float
    process_seconds: float
    process_cpu: float
    maxrss_kb: int
    server_cpu: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)
    rss_source: str = "ru_maxrss"
    processes: int = 1  # the crawl process and its extraction workers

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.crawl_seconds if self.crawl_seconds > 0 else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.crawl_cpu / self.pages if self.pages else 0.0

    @property
    def process_cpu_ms_per_page(self) -> float:
        return 1000 * self.process_cpu / self.pages if self.pages else 0.0

    @property
    def rss_mb(self) -> float:
        return self.maxrss_kb / 1024

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            pages_per_s=self.pages_per_s,
            cpu_ms_per_page=self.cpu_ms_per_page,
            process_cpu_ms_per_page=self.process_cpu_ms_per_page,
            rss_mb=self.rss_mb,
        )
        return out


def median_run(runs: Sequence[CrawlRun]) -> CrawlRun:
    """The run with the median pages/s (the lower middle one for an even count)."""
    if not runs:
        raise ValueError("no runs")
    ordered = sorted(runs, key=lambda run: run.pages_per_s)
    return ordered[(len(ordered) - 1) // 2]


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def ratios(runs: Mapping[str, CrawlRun], reference: str = "bare") -> dict[str, dict[str, Any]]:
    """Per contender: pages/s, CPU per page and peak RSS divided by the reference's."""
    ref = runs.get(reference)
    if ref is None:
        return {}
    return {
        name: {
            "pages_per_s": ratio(run.pages_per_s, ref.pages_per_s),
            "cpu_per_page": ratio(run.cpu_ms_per_page, ref.cpu_ms_per_page),
            "rss": ratio(run.rss_mb, ref.rss_mb),
        }
        for name, run in runs.items()
    }


def targets(runs: Mapping[str, CrawlRun], pages: int) -> list[dict[str, Any]]:
    """The issue's crawl targets for ``ours`` (rows: label, value, target, met)."""
    ours = runs.get("ours")
    if ours is None:
        return []
    rows: list[dict[str, Any]] = []
    if "bare" in runs:
        value = ratio(ours.pages_per_s, runs["bare"].pages_per_s)
        rows.append(_target("pages/s vs bare Scrapy", value, f"≥ {TARGET_VS_BARE:.2f}"))
        rows[-1]["met"] = value is not None and value >= TARGET_VS_BARE
    if "trafilatura" in runs:
        value = ratio(ours.pages_per_s, runs["trafilatura"].pages_per_s)
        rows.append(_target("pages/s vs Scrapy + trafilatura", value, "≥ 1.00"))
        rows[-1]["met"] = value is not None and value >= TARGET_VS_TRAFILATURA
    label = f"peak RSS (MB), {pages:,}-page crawl"
    rows.append(_target(label, ours.rss_mb, f"< {TARGET_RSS_MB:,}"))
    rows[-1]["met"] = ours.rss_mb < TARGET_RSS_MB
    if pages < TARGET_PAGES:
        rows[-1]["note"] = f"target is for ≥ {TARGET_PAGES:,} pages"
    return rows


def _target(label: str, value: float | None, target: str) -> dict[str, Any]:
    return {"label": label, "value": value, "target": target, "met": False}


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_runs(runs: Mapping[str, CrawlRun]) -> list[str]:
    """The contender table with ratios against bare Scrapy."""
    rel = ratios(runs)
    rows = []
    for name, run in runs.items():
        r = rel.get(name, {})
        rows.append(
            (
                LABELS.get(name, name),
                str(run.processes),
                f"{run.pages:,}",
                f"{run.items:,}",
                fmt(run.pages_per_s, 1),
                fmt(run.cpu_ms_per_page, 1),
                fmt(run.process_cpu_ms_per_page, 1),
                fmt(run.rss_mb, 0),
                fmt(r.get("pages_per_s")),
                fmt(r.get("cpu_per_page")),
                fmt(r.get("rss")),
                fmt(1000 * run.server_cpu / run.pages if run.pages else None, 2),
            )
        )
    header = (
        "contender",
        "processes",
        "pages",
        "items",
        "pages/s",
        "CPU ms/page",
        "CPU ms/page (process)",
        "peak RSS MB",
        "pages/s ÷ bare",
        "CPU/page ÷ bare",
        "RSS ÷ bare",
        "server CPU ms/page",
    )
    return table(header, rows)


def render_targets(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    out = []
    for row in rows:
        note = f" ({row['note']})" if row.get("note") else ""
        verdict = "met" if row["met"] else "**not met**"
        value = row["value"]
        # ratios near a target: 0.4997 is not 0.50
        digits = 2 if value is None or abs(value) >= 10 else 3 if abs(value) >= 1 else 4
        out.append((row["label"], fmt(value, digits), row["target"], verdict + note))
    return table(("target", "value", "wanted", ""), out)


def spread(values: Sequence[float]) -> str:
    """``median (min–max)`` of repeated measurements."""
    if not values:
        return "—"
    if len(values) == 1:
        return fmt(values[0], 1)
    return f"{statistics.median(values):,.1f} ({min(values):,.1f}–{max(values):,.1f})"

"""The per-run monitor report: a JSON document and a short human-readable summary.

Policy: one pair of files per spider run in ``MONITOR_REPORT_DIR``, named
``<spider>-<UTC timestamp>.json`` and ``.txt`` (``-2``, ``-3``... appended when a
run of the same spider closed in the same second). Files are written atomically
(temporary file + rename). The JSON holds the verdict, one entry per monitor
(``passed``, ``failed``, ``error`` or ``skipped``, with value, limit and detail),
the expectations and the crawl figures the checks were computed from.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

__all__ = ["REPORT_VERSION", "build_report", "render_text", "write_report"]

REPORT_VERSION = 1
STATUS_LABELS = {"passed": "ok", "failed": "FAILED", "error": "ERROR", "skipped": "skipped"}


def _iso(value: Any) -> str | None:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return None if value is None else str(value)


def build_report(
    *,
    spider: str,
    stats: Mapping[str, Any],
    checks: Sequence[Mapping[str, Any]],
    expectations: Mapping[str, Any],
    figures: Mapping[str, Any],
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The report document; ``checks`` are dicts with at least ``name`` and ``status``."""
    counts = {status: 0 for status in STATUS_LABELS}
    for check in checks:
        counts[check["status"]] = counts.get(check["status"], 0) + 1
    failed = [c["name"] for c in checks if c["status"] in ("failed", "error")]
    return {
        "report_version": REPORT_VERSION,
        "spider": spider,
        "created_at": (created_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "start_time": _iso(stats.get("start_time")),
        "finish_time": _iso(stats.get("finish_time")),
        "finish_reason": stats.get("finish_reason"),
        "passed": not failed,
        "monitors": counts,
        "failed": failed,
        "checks": [dict(check) for check in checks],
        "expectations": dict(expectations),
        "figures": dict(figures),
    }


def render_text(report: Mapping[str, Any]) -> str:
    """A few lines for a human: verdict, crawl figures, one line per monitor."""
    counts = report["monitors"]
    total = sum(counts.values())
    verdict = "PASSED" if report["passed"] else "FAILED"
    fig = report["figures"]
    lines = [
        f"Monitors for {report['spider']}: {verdict} ({counts['failed'] + counts['error']} "
        f"of {total} failed, {counts['passed']} passed, {counts['skipped']} skipped)",
        f"Crawl {report.get('start_time') or '?'} -> {report.get('finish_time') or '?'} "
        f"({report.get('finish_reason') or '?'}): {fig.get('items', 0)} items, "
        f"{fig.get('requests', 0)} requests, {fig.get('errors', 0)} errors, "
        f"{fig.get('retries', 0)} retries",
    ]
    width = max((len(c["name"]) for c in report["checks"]), default=0)
    order = {"error": 0, "failed": 1, "skipped": 2, "passed": 3}
    for check in sorted(report["checks"], key=lambda c: order.get(c["status"], 0)):
        label = STATUS_LABELS.get(check["status"], check["status"])
        lines.append(f"  {label:<7} {check['name']:<{width}}  {check.get('detail') or ''}")
    return "\n".join(lines) + "\n"


def _free_stem(directory: Path, stem: str) -> str:
    candidate, n = stem, 1
    while (directory / f"{candidate}.json").exists() or (directory / f"{candidate}.txt").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    report: Mapping[str, Any], directory: Path, *, now: datetime | None = None
) -> tuple[Path, Path]:
    """Write ``<spider>-<timestamp>.json`` and ``.txt`` into ``directory``; their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    stem = _free_stem(directory, f"{report['spider']}-{stamp}")
    json_path, text_path = directory / f"{stem}.json", directory / f"{stem}.txt"
    body = json.dumps(report, indent=2, ensure_ascii=False, default=_iso) + "\n"
    _write_atomic(json_path, body)
    _write_atomic(text_path, render_text(report))
    return json_path, text_path

"""Spidermon action run after the spider-close monitors: stats, report, one log line.

Policy: every monitor's outcome goes into the crawl stats — ``monitors/passed``,
``monitors/failed``, ``monitors/skipped`` (counts) and ``monitors/failed/<name>`` = 1
per failed monitor (an error inside a monitor counts as a failure) — and, unless
``MONITOR_REPORT_DIR`` is empty, into the per-run report (:mod:`crawler.monitors.report`),
whose JSON path is kept as ``monitors/report``. Failed monitors are logged once as a
WARNING with the summary (they are an alert about the data, not a crawl error, so they
do not count in ``log_count/ERROR``); cron mode turns them into a non-zero exit
(:func:`crawler.monitors.monitors_failed`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from spidermon import Action

from crawler.monitors.checks import CHECKS, Check, evaluate, figures
from crawler.monitors.expectations import Expectations, expectations_for
from crawler.monitors.report import build_report, render_text, write_report

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["RecordResults", "monitor_status"]

#: spidermon monitor status -> report status
STATUSES = {
    "OK": "passed",
    "UNEXPECTED SUCCESS": "passed",
    "EXPECTED FAILURE": "passed",
    "SKIPPED": "skipped",
    "FAIL": "failed",
    "ERROR": "error",
}


def monitor_status(status: str) -> str:
    """Report status of a spidermon monitor status (unknown ones count as errors)."""
    return STATUSES.get(status, "error")


def _entry(name: str, status: str, check: Check | None, reason: str | None) -> dict[str, Any]:
    if check is not None and status != "error":
        return {**check.as_dict(), "name": name, "status": status}
    detail = (reason or "").strip().splitlines()
    return {
        "name": name,
        "status": status,
        "passed": status in ("passed", "skipped"),
        "value": None,
        "limit": None,
        "detail": detail[-1] if detail else "",
    }


class RecordResults(Action):
    """Record monitor results in the stats and the run report (see module docstring)."""

    def __init__(self, report_dir: str | None = None) -> None:
        super().__init__()
        self.report_dir = report_dir

    @classmethod
    def from_crawler_kwargs(cls, crawler: Crawler) -> dict[str, Any]:
        return {"report_dir": crawler.settings.get("MONITOR_REPORT_DIR")}

    def run_action(self) -> None:
        crawler, spider = self.data.crawler, self.data.spider
        stats = self.data.stats
        defaults = crawler.settings.getdict("MONITOR_DEFAULT_EXPECTATIONS")
        try:
            exp = expectations_for(spider, defaults)
        except ValueError as exc:  # the monitors errored on it too: report, don't crash
            spider.logger.warning("Invalid monitor expectations: %s", exc)
            exp = Expectations()
        checks = {check.name: check for check in evaluate(stats, exp)}
        entries = []
        for result in self.result.monitor_results:
            name = result.item.name
            status = monitor_status(result.status)
            reason = getattr(result, "reason", None) or getattr(result, "error", None)
            entries.append(_entry(name, status, checks.get(name), reason))
        order = list(CHECKS)
        entries.sort(key=lambda e: order.index(e["name"]) if e["name"] in order else len(order))
        collector = crawler.stats
        for status in ("passed", "failed", "skipped"):
            collector.set_value(f"monitors/{status}", 0)
        for entry in entries:
            status = "failed" if entry["status"] == "error" else entry["status"]
            collector.inc_value(f"monitors/{status}")
            if status == "failed":
                collector.set_value(f"monitors/failed/{entry['name']}", 1)
        report = build_report(
            spider=spider.name,
            stats=stats,
            checks=entries,
            expectations=exp.as_dict(),
            figures=figures(stats),
        )
        where = ""
        if self.report_dir:
            json_path, _ = write_report(report, Path(self.report_dir))
            collector.set_value("monitors/report", str(json_path))
            where = f" (report: {json_path})"
        if report["passed"]:
            spider.logger.info("All %d monitors passed%s", len(entries), where)
        else:
            spider.logger.warning("Monitors failed%s\n%s", where, render_text(report).rstrip())

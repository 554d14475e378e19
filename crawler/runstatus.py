"""Whether an unattended run failed: the rules behind ``scrapy crawlall``'s exit code.

Exit codes (:class:`ExitCode`): 0 ok, 1 failed, 3 monitors failed, 75 locked (another
run holds the lock, :mod:`crawler.lock`). Scrapy itself exits 2 on a usage error.

A spider **fails** the run when:

* it did not start (its class raised, or its lock is held by another run);
* it stopped for a reason other than ``finished`` or a ``CLOSESPIDER_*`` budget;
* its error rate is above ``RUN_MAX_ERROR_RATE``: ERROR and CRITICAL log lines per
  request sent (a spider that logged errors without sending a request counts as 100%);
* it found nothing (when ``RUN_FAIL_ON_NOTHING_FOUND``; off under the ``distributed``
  profile, where another process may have drained the shared frontier): no item and no
  already-stored article (``incremental/skipped``, ``incremental/unchanged``),
  unless the previous run's summary says it found nothing then either (a spider that is
  normally empty); a spider with no previous record is expected to find something.

The run's **monitors fail** when ``crawler.monitors.monitors_failed(stats)`` (when that
module exists) is true for a spider's stats. A failure outranks failed monitors.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum
from typing import Any

from crawler.lock import EXIT_LOCKED

__all__ = ["ExitCode", "error_rate", "found", "judge_spider", "monitors_check", "run_exit_code"]

#: Finish reasons of a spider that ran to the end (or to its configured budget).
OK_FINISH_REASONS = (
    "finished",
    "closespider_timeout",
    "closespider_itemcount",
    "closespider_pagecount",
)


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1
    MONITORS_FAILED = 3
    LOCKED = EXIT_LOCKED


def error_rate(stats: Mapping[str, Any]) -> float:
    """ERROR + CRITICAL log lines per request sent."""
    errors = int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0))
    requests = int(stats.get("downloader/request_count", 0))
    if not errors:
        return 0.0
    return errors / requests if requests else 1.0


def found(stats: Mapping[str, Any]) -> int:
    """Articles a spider found: items written plus stored articles it recognised (skipped,
    or revisited and unchanged)."""
    return sum(
        int(stats.get(key, 0))
        for key in ("item_scraped_count", "incremental/skipped", "incremental/unchanged")
    )


def _previously_found(name: str, previous: Mapping[str, Any] | None) -> int | None:
    record = ((previous or {}).get("spiders") or {}).get(name)
    if not isinstance(record, Mapping):
        return None
    return sum(int(record.get(k, 0) or 0) for k in ("items", "known_skipped", "unchanged"))


def judge_spider(
    stats: Mapping[str, Any], settings: Any, previous: Mapping[str, Any] | None, name: str = ""
) -> tuple[str, list[str]]:
    """``("ok" | "failed", reasons)`` for one spider's final stats (module policy)."""
    name = name or str(stats.get("spider_name") or "")
    reasons: list[str] = []
    reason = stats.get("finish_reason")
    if reason not in OK_FINISH_REASONS:
        reasons.append(f"finish reason {reason!r}")
    limit = float(settings.getfloat("RUN_MAX_ERROR_RATE", 0.05))
    rate = error_rate(stats)
    if rate > limit:
        reasons.append(f"error rate {rate:.1%} above {limit:.1%}")
    if found(stats) == 0 and settings.getbool("RUN_FAIL_ON_NOTHING_FOUND", True):
        before = _previously_found(name, previous) if name else None
        if before is None or before > 0:
            reasons.append("no article found (no new item, no known article)")
    return ("failed" if reasons else "ok"), reasons


def monitors_check() -> Callable[[Mapping[str, Any]], bool] | None:
    """``crawler.monitors.monitors_failed`` when the project has monitors, else None."""
    if importlib.util.find_spec("crawler.monitors") is None:
        return None
    module = importlib.import_module("crawler.monitors")
    check = getattr(module, "monitors_failed", None)
    return check if callable(check) else None


def run_exit_code(statuses: Iterable[str], monitors_failed: bool) -> ExitCode:
    """The run's exit code from its spiders' statuses (``locked`` spiders were left out
    of this run on purpose and do not fail it)."""
    values = set(statuses)
    if values - {"ok", "locked"}:
        return ExitCode.FAILED
    if monitors_failed:
        return ExitCode.MONITORS_FAILED
    return ExitCode.OK

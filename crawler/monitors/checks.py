"""The spider-close checks as pure functions of the final stats and the expectations.

Each check returns a :class:`Check`: ``passed`` is True/False, or None when the check
does not apply (no items to measure, no site selector to fall back from). The
spidermon monitors in :mod:`crawler.monitors.suites` assert these results, and the
run report shows their figures, so both always agree.

Definitions (``requests`` is ``downloader/request_count``; rates are 0 without requests):

* ``crawl/items``: ``item_scraped_count`` >= ``min_items``.
* ``crawl/error_rate``: errors / requests <= ``max_error_rate``, where errors are
  ``log_count/ERROR`` + ``log_count/CRITICAL`` + ``spider_exceptions/count`` + download
  exceptions except ``IgnoreRequest`` and its subclasses (robots.txt refusals, offsite
  and address-policy drops are policy, not failure).
* ``crawl/retry_rate``: ``retry/count`` / requests <= ``max_retry_rate``.
* ``crawl/validated``: no item failed the schema (``article/dropped/invalid``) and every
  scraped item was validated (``article/valid`` >= ``item_scraped_count``).
* ``coverage/published``, ``coverage/body``, ``coverage/authors``: share of items with
  the field (``monitor/coverage/*`` / ``monitor/items``) >= the expectation.
* ``extraction/fallback``: ``monitor/fallback/items`` / ``monitor/selectors/items`` <=
  ``max_fallback_rate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import load_object

from crawler.monitors.coverage import WATCHED_FIELDS
from crawler.monitors.expectations import Expectations

__all__ = ["CHECKS", "Check", "error_counts", "evaluate", "figures", "run_check"]

EXCEPTION_PREFIX = "downloader/exception_type_count/"


@dataclass(frozen=True)
class Check:
    """Outcome of one check."""

    name: str
    passed: bool | None
    value: float | None
    limit: float | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _num(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key)
    return int(value) if isinstance(value, (int, float)) else 0


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


@lru_cache(maxsize=256)
def _is_policy_exception(path: str) -> bool:
    """Whether the exception class named in a stats key is an ``IgnoreRequest``."""
    try:
        obj = load_object(path)
    except (ImportError, AttributeError, NameError, ValueError):
        return path.rsplit(".", 1)[-1] == "IgnoreRequest"
    return isinstance(obj, type) and issubclass(obj, IgnoreRequest)


def error_counts(stats: Mapping[str, Any]) -> dict[str, int]:
    """Errors by kind: ``log``, ``spider_exceptions``, ``download_exceptions``."""
    downloads = sum(
        _num(stats, key)
        for key in stats
        if key.startswith(EXCEPTION_PREFIX)
        and not _is_policy_exception(key[len(EXCEPTION_PREFIX) :])
    )
    return {
        "log": _num(stats, "log_count/ERROR") + _num(stats, "log_count/CRITICAL"),
        "spider_exceptions": _num(stats, "spider_exceptions/count"),
        "download_exceptions": downloads,
    }


def figures(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers the checks and the report are made of."""
    items = _num(stats, "item_scraped_count")
    requests = _num(stats, "downloader/request_count")
    errors = error_counts(stats)
    measured = _num(stats, "monitor/items")
    selectors = _num(stats, "monitor/selectors/items")
    return {
        "items": items,
        "requests": requests,
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "retries": _num(stats, "retry/count"),
        "validated": _num(stats, "article/valid"),
        "invalid": _num(stats, "article/dropped/invalid"),
        "dropped": {
            key.removeprefix("article/dropped/"): _num(stats, key)
            for key in sorted(stats)
            if key.startswith("article/dropped/") and key.count("/") == 2
        },
        "measured_items": measured,
        "coverage": {
            name: _num(stats, f"monitor/coverage/{name}")
            for name in ("published", "body", "authors")
        },
        "selector_items": selectors,
        "fallback_items": _num(stats, "monitor/fallback/items"),
        "fallback": {
            field: {
                "selector": _num(stats, f"monitor/selectors/{field}"),
                "fallback": _num(stats, f"monitor/fallback/{field}"),
            }
            for field in WATCHED_FIELDS
        },
    }


CheckFn = Callable[[Mapping[str, Any], Expectations], Check]


def check_items(stats: Mapping[str, Any], exp: Expectations) -> Check:
    items = figures(stats)["items"]
    return Check(
        "crawl/items",
        items >= exp.min_items,
        items,
        exp.min_items,
        f"{items} items scraped (expected at least {exp.min_items})",
    )


def check_error_rate(stats: Mapping[str, Any], exp: Expectations) -> Check:
    fig = figures(stats)
    errors, requests = fig["errors"], fig["requests"]
    rate = _rate(errors, requests) if requests else float(errors > 0)
    kinds = ", ".join(f"{k} {v}" for k, v in fig["errors_by_kind"].items() if v) or "none"
    return Check(
        "crawl/error_rate",
        rate <= exp.max_error_rate,
        rate,
        exp.max_error_rate,
        f"{errors} errors in {requests} requests ({_pct(rate)}, max "
        f"{_pct(exp.max_error_rate)}; {kinds})",
    )


def check_retry_rate(stats: Mapping[str, Any], exp: Expectations) -> Check:
    fig = figures(stats)
    rate = _rate(fig["retries"], fig["requests"])
    return Check(
        "crawl/retry_rate",
        rate <= exp.max_retry_rate,
        rate,
        exp.max_retry_rate,
        f"{fig['retries']} retries in {fig['requests']} requests ({_pct(rate)}, max "
        f"{_pct(exp.max_retry_rate)})",
    )


def check_validated(stats: Mapping[str, Any], exp: Expectations) -> Check:
    fig = figures(stats)
    items, valid, invalid = fig["items"], fig["validated"], fig["invalid"]
    passed = invalid == 0 and valid >= items
    detail = f"{valid} items validated against the schema, {invalid} invalid, {items} scraped"
    if valid < items:
        detail += f" ({items - valid} never validated)"
    return Check("crawl/validated", passed, invalid, 0, detail)


def _coverage(name: str, label: str, limit_of: Callable[[Expectations], float]) -> CheckFn:
    def check(stats: Mapping[str, Any], exp: Expectations) -> Check:
        fig = figures(stats)
        total, have = fig["measured_items"], fig["coverage"][name]
        limit = limit_of(exp)
        what = label.format(words=exp.body_min_words)
        if not total:
            return Check(f"coverage/{name}", None, None, limit, "no items to measure")
        share = have / total
        return Check(
            f"coverage/{name}",
            share >= limit,
            share,
            limit,
            f"{have} of {total} items {what} ({_pct(share)}, expected at least {_pct(limit)})",
        )

    return check


def check_fallback(stats: Mapping[str, Any], exp: Expectations) -> Check:
    fig = figures(stats)
    total, fell = fig["selector_items"], fig["fallback_items"]
    if not total:
        return Check(
            "extraction/fallback",
            None,
            None,
            exp.max_fallback_rate,
            "the spider has no title or body selector",
        )
    rate = fell / total
    per_field = ", ".join(
        f"{field} {counts['fallback']}/{counts['selector']}"
        for field, counts in fig["fallback"].items()
        if counts["selector"]
    )
    return Check(
        "extraction/fallback",
        rate <= exp.max_fallback_rate,
        rate,
        exp.max_fallback_rate,
        f"{fell} of {total} items fell back from the site selectors to other layers "
        f"({_pct(rate)}, max {_pct(exp.max_fallback_rate)}; {per_field})",
    )


#: Every check by name, in report order.
CHECKS: dict[str, CheckFn] = {
    "crawl/items": check_items,
    "crawl/error_rate": check_error_rate,
    "crawl/retry_rate": check_retry_rate,
    "crawl/validated": check_validated,
    "coverage/published": _coverage("published", "have a publication date", lambda e: e.published),
    "coverage/body": _coverage("body", "have a body of {words}+ words", lambda e: e.body_coverage),
    "coverage/authors": _coverage("authors", "name a person as author", lambda e: e.authors),
    "extraction/fallback": check_fallback,
}


def run_check(name: str, stats: Mapping[str, Any], exp: Expectations) -> Check:
    """One check by name (``KeyError`` for an unknown name)."""
    return CHECKS[name](stats, exp)


def evaluate(stats: Mapping[str, Any], exp: Expectations) -> list[Check]:
    """Every check, in ``CHECKS`` order."""
    return [fn(stats, exp) for fn in CHECKS.values()]

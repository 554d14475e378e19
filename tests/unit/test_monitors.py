"""Monitors: expectations, per-item coverage/fallback flags, the checks, the report."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest

from crawler.monitors import monitors_failed
from crawler.monitors.checks import CHECKS, error_counts, evaluate, figures, run_check
from crawler.monitors.coverage import ItemFlags, declared_selectors, item_flags
from crawler.monitors.expectations import Expectations, expectations_for
from crawler.monitors.report import build_report, render_text, write_report
from crawler.settings import base

# -- expectations ---------------------------------------------------------------------


class Declares:
    name = "declares"
    expectations = {"min_items": 10, "authors": 0.5}


def test_base_settings_hold_the_defaults() -> None:
    exp = Expectations.from_mapping(base.MONITOR_DEFAULT_EXPECTATIONS)
    assert exp.as_dict() == base.MONITOR_DEFAULT_EXPECTATIONS
    assert exp.authors == 0.0  # agency copy often names no person


def test_spider_expectations_override_the_defaults() -> None:
    exp = expectations_for(Declares, {"min_items": 3, "published": 0.8})
    assert (exp.min_items, exp.authors, exp.published) == (10, 0.5, 0.8)
    assert expectations_for(object(), {}) == Expectations()


@pytest.mark.parametrize(
    "values",
    [{"min_item": 3}, {"published": 1.5}, {"min_items": -1}, {"min_items": 2.5}, {"authors": True}],
)
def test_bad_expectations_are_rejected(values: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Expectations.from_mapping(values)


def test_every_project_spider_declares_valid_expectations() -> None:
    from scrapy.spiderloader import get_spider_loader
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    loader = get_spider_loader(settings)
    defaults = settings.getdict("MONITOR_DEFAULT_EXPECTATIONS")
    for name in loader.list():
        expectations_for(loader.load(name), defaults)


# -- per-item flags -----------------------------------------------------------------------


def item(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Three soldiers killed north of Baghdad",
        "published": "2024-10-01T09:48:03+03:00",
        "authors": ["Rebaz Qadir"],
        "body": "word " * 120,
        "word_count": 120,
        "provenance": {"title": "site", "body": "site", "published": "jsonld"},
    }
    data.update(changes)
    return data


def no_lookup() -> set[str]:
    raise AssertionError("selectors looked up although title and body came from the site")


def test_site_item_counts_without_asking_for_selectors() -> None:
    flags = item_flags(item(), body_min_words=80, declared=no_lookup)
    assert flags == ItemFlags(True, True, True, ("title", "body"), ())
    assert flags.increments() == {
        "monitor/items": 1,
        "monitor/coverage/published": 1,
        "monitor/coverage/authors": 1,
        "monitor/coverage/body": 1,
        "monitor/selectors/title": 1,
        "monitor/selectors/body": 1,
        "monitor/selectors/items": 1,
    }


def test_redesigned_item_falls_back_on_both_fields() -> None:
    redesigned = item(provenance={"title": "jsonld", "body": "generic"}, authors=[])
    flags = item_flags(redesigned, body_min_words=80, declared={"title", "body", "authors"})
    assert flags.fell_back == ("title", "body")
    assert not flags.authors
    assert flags.increments()["monitor/fallback/items"] == 1


def test_field_without_a_selector_is_not_a_fallback() -> None:
    # Spiders without a title selector take the headline from JSON-LD by design.
    flags = item_flags(
        item(provenance={"title": "jsonld", "body": "site"}), body_min_words=80, declared={"body"}
    )
    assert (flags.watched, flags.fell_back) == (("body",), ())


def test_rest_api_body_is_primary_and_short_bodies_do_not_cover() -> None:
    flags = item_flags(
        item(provenance={"title": "wp_api", "body": "wp_api"}, word_count=79, published=None),
        body_min_words=80,
        declared=no_lookup,
    )
    assert (flags.body, flags.published, flags.fell_back) == (False, False, ())


def test_word_count_computed_when_missing() -> None:
    flags = item_flags(item(word_count=None), body_min_words=100, declared=no_lookup)
    assert flags.body


def test_missing_title_with_selector_is_a_fallback() -> None:
    flags = item_flags(
        item(title=None, provenance={"body": "site"}), body_min_words=80, declared={"title"}
    )
    assert flags.fell_back == ("title",)


def test_declared_selectors_falls_back_to_class_attributes() -> None:
    class Plain:
        selectors = {"body": "div.article"}

    assert declared_selectors(Plain(), None) == {"body"}
    assert declared_selectors(object(), None) == frozenset()


# -- checks ---------------------------------------------------------------------------------


def healthy_stats(**changes: Any) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "item_scraped_count": 4,
        "article/valid": 4,
        "downloader/request_count": 10,
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 2,
        "monitor/items": 4,
        "monitor/coverage/published": 4,
        "monitor/coverage/body": 4,
        "monitor/coverage/authors": 1,
        "monitor/selectors/items": 4,
        "monitor/selectors/title": 4,
        "monitor/selectors/body": 4,
    }
    stats.update(changes)
    return stats


def by_name(stats: dict[str, Any], exp: Expectations | None = None) -> dict[str, Any]:
    return {check.name: check for check in evaluate(stats, exp or Expectations())}


def test_healthy_crawl_passes_every_check() -> None:
    checks = by_name(healthy_stats())
    assert list(checks) == list(CHECKS)
    assert {name: c.passed for name, c in checks.items()} == dict.fromkeys(CHECKS, True)
    assert checks["coverage/authors"].value == 0.25


def test_fallback_rate_is_the_redesign_alarm() -> None:
    stats = healthy_stats(
        **{"monitor/fallback/items": 4, "monitor/fallback/title": 4, "monitor/fallback/body": 3}
    )
    check = run_check("extraction/fallback", stats, Expectations())
    assert (check.passed, check.value, check.limit) == (False, 1.0, 0.2)
    assert "title 4/4, body 3/4" in check.detail
    one = healthy_stats(**{"monitor/fallback/items": 1, "monitor/fallback/body": 1})
    assert run_check("extraction/fallback", one, Expectations(max_fallback_rate=0.25)).passed


def test_not_applicable_checks_are_skipped() -> None:
    stats = {"item_scraped_count": 0, "downloader/request_count": 3}
    checks = by_name(stats)
    assert checks["crawl/items"].passed is False
    assert checks["coverage/published"].passed is None
    assert checks["extraction/fallback"].passed is None


class BlockedAddress(IgnoreRequest):
    """A policy refusal of the address guard kind."""


def test_errors_exclude_ignore_request_and_its_subclasses() -> None:
    stats = healthy_stats(
        **{
            "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 5,
            f"downloader/exception_type_count/{__name__}.BlockedAddress": 3,
            "downloader/exception_type_count/twisted.internet.error.TimeoutError": 1,
            "spider_exceptions/count": 1,
            "log_count/ERROR": 2,
        }
    )
    assert error_counts(stats) == {"log": 2, "spider_exceptions": 1, "download_exceptions": 1}
    check = run_check("crawl/error_rate", stats, Expectations())
    assert (check.passed, check.value) == (False, 0.4)


def test_error_without_requests_fails() -> None:
    assert run_check("crawl/error_rate", {"log_count/ERROR": 1}, Expectations()).passed is False
    assert run_check("crawl/error_rate", {}, Expectations()).passed is True


def test_retry_rate() -> None:
    stats = healthy_stats(**{"retry/count": 3})
    assert run_check("crawl/retry_rate", stats, Expectations()).passed is False
    assert run_check("crawl/retry_rate", stats, Expectations(max_retry_rate=0.3)).passed


def test_every_item_must_be_validated() -> None:
    unvalidated = healthy_stats(**{"article/valid": 3})
    assert run_check("crawl/validated", unvalidated, Expectations()).passed is False
    invalid = healthy_stats(**{"article/dropped/invalid": 1})
    check = run_check("crawl/validated", invalid, Expectations())
    assert check.passed is False and "1 invalid" in check.detail


def test_coverage_thresholds() -> None:
    stats = healthy_stats(**{"monitor/coverage/published": 3, "monitor/coverage/body": 2})
    checks = by_name(stats)
    assert checks["coverage/published"].passed is False  # 75% < 90%
    assert checks["coverage/body"].value == 0.5
    assert "have a body of 80+ words" in checks["coverage/body"].detail
    assert by_name(stats, Expectations(published=0.75))["coverage/published"].passed


def test_figures_list_drop_reasons() -> None:
    stats = healthy_stats(**{"article/dropped/no_body": 2, "article/dropped/invalid/title": 1})
    assert figures(stats)["dropped"] == {"no_body": 2}


def test_monitors_failed() -> None:
    assert monitors_failed({"monitors/failed": 2})
    assert not monitors_failed({"monitors/failed": 0, "monitors/passed": 8})
    assert not monitors_failed({})


# -- report ---------------------------------------------------------------------------------


def sample_report() -> dict[str, Any]:
    stats = healthy_stats(**{"monitor/fallback/items": 4, "finish_reason": "finished"})
    exp = Expectations()
    checks = [
        {**c.as_dict(), "status": "passed" if c.passed else "failed"} for c in evaluate(stats, exp)
    ]
    return build_report(
        spider="example",
        stats=stats,
        checks=checks,
        expectations=exp.as_dict(),
        figures=figures(stats),
    )


def test_report_content_and_summary() -> None:
    report = sample_report()
    assert report["passed"] is False
    assert report["failed"] == ["extraction/fallback"]
    assert report["monitors"] == {"passed": 7, "failed": 1, "error": 0, "skipped": 0}
    text = render_text(report)
    lines = text.splitlines()
    assert lines[0] == "Monitors for example: FAILED (1 of 8 failed, 7 passed, 0 skipped)"
    assert lines[2].split()[:2] == ["FAILED", "extraction/fallback"]  # failures first
    assert "(finished): 4 items, 10 requests, 0 errors, 0 retries" in lines[1]


def test_report_files(tmp_path: Path) -> None:
    now = datetime(2024, 10, 2, 12, 30, 5, tzinfo=UTC)
    first = write_report(sample_report(), tmp_path / "reports", now=now)
    second = write_report(sample_report(), tmp_path / "reports", now=now)
    stem = "example-20241002T123005Z"
    assert [p.name for p in first] == [f"{stem}.json", f"{stem}.txt"]
    assert [p.name for p in second] == [f"{stem}-2.json", f"{stem}-2.txt"]
    data = json.loads(first[0].read_text(encoding="utf-8"))
    assert data["spider"] == "example" and data["checks"][0]["name"] == "crawl/items"
    assert re.match(r"Monitors for example: FAILED", first[1].read_text(encoding="utf-8"))
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == sorted(
        p.name for p in (*first, *second)
    )

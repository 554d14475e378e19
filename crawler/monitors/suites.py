"""Spidermon monitors run when a spider closes (``SPIDERMON_SPIDER_CLOSE_MONITORS``).

Each monitor method asserts one check of :mod:`crawler.monitors.checks` against the
spider's expectations (:mod:`crawler.monitors.expectations`); its spidermon name is
the check's name (``crawl/items``, ``coverage/body``, ``extraction/fallback``...). A
check that does not apply is reported as skipped, which is not a failure. The
suite's finished action records the results in the stats and writes the run report
(:class:`crawler.monitors.actions.RecordResults`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from spidermon import Monitor, MonitorSuite, monitors

from crawler.monitors.actions import RecordResults
from crawler.monitors.checks import run_check
from crawler.monitors.expectations import Expectations, expectations_for

__all__ = ["CoverageMonitor", "CrawlMonitor", "ExtractionMonitor", "SpiderCloseSuite"]


def spider_expectations(data: Any) -> Expectations:
    """The closing spider's expectations (spidermon ``data`` holds spider and crawler)."""
    return expectations_for(
        data.spider, data.crawler.settings.getdict("MONITOR_DEFAULT_EXPECTATIONS")
    )


class CheckMonitor(Monitor):
    """Base: assert a named check on the stats spidermon captured at close."""

    def verify(self, name: str) -> None:
        check = run_check(name, self.data.stats, spider_expectations(self.data))
        if check.passed is None:
            self.skipTest(check.detail)
        self.assertTrue(check.passed, check.detail)


@monitors.name("crawl")
class CrawlMonitor(CheckMonitor):
    """Items, errors, retries and schema validation of the whole crawl."""

    @monitors.name("items")
    def test_items(self) -> None:
        """At least ``min_items`` items were scraped."""
        self.verify("crawl/items")

    @monitors.name("error_rate")
    def test_error_rate(self) -> None:
        """Errors per request stay under ``max_error_rate``."""
        self.verify("crawl/error_rate")

    @monitors.name("retry_rate")
    def test_retry_rate(self) -> None:
        """Retries per request stay under ``max_retry_rate``."""
        self.verify("crawl/retry_rate")

    @monitors.name("validated")
    def test_validated(self) -> None:
        """Every scraped item passed the Article JSON Schema."""
        self.verify("crawl/validated")


@monitors.name("coverage")
class CoverageMonitor(CheckMonitor):
    """Share of items carrying the fields analysts rely on."""

    @monitors.name("published")
    def test_published(self) -> None:
        """Items with a publication date."""
        self.verify("coverage/published")

    @monitors.name("body")
    def test_body(self) -> None:
        """Items with a body of at least ``body_min_words`` words."""
        self.verify("coverage/body")

    @monitors.name("authors")
    def test_authors(self) -> None:
        """Items naming a person as author."""
        self.verify("coverage/authors")


@monitors.name("extraction")
class ExtractionMonitor(CheckMonitor):
    """The redesign alarm: site selectors that stopped matching."""

    @monitors.name("fallback")
    def test_fallback(self) -> None:
        """Items whose title/body came from another layer than the site's selectors."""
        self.verify("extraction/fallback")


class SpiderCloseSuite(MonitorSuite):
    """Every spider-close monitor, then the results recorder."""

    monitors: ClassVar[list[Any]] = [CrawlMonitor, CoverageMonitor, ExtractionMonitor]
    monitors_finished_actions: ClassVar[list[Any]] = [RecordResults]

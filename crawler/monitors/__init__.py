"""Crawl monitoring: spidermon monitors at spider close, and the live parser canary.

* :mod:`crawler.monitors.expectations`: what a spider's crawl must deliver (defaults in
  ``MONITOR_DEFAULT_EXPECTATIONS``, per-spider ``expectations`` class attribute).
* :mod:`crawler.monitors.coverage`: per-item field coverage and selector fallback counts
  (``monitor/*`` stats), collected as items are scraped.
* :mod:`crawler.monitors.checks`: the checks, pure functions of the final stats.
* :mod:`crawler.monitors.suites`: the spidermon suite asserting them at spider close;
  :mod:`crawler.monitors.actions` records the results (``monitors/*`` stats) and writes
  the per-run report (:mod:`crawler.monitors.report`).
* :mod:`crawler.monitors.extension`: spidermon's extension, logging adapted to Scrapy 2.19.
* :mod:`crawler.monitors.canary`: ``scrapy canary`` probes (site selectors against the
  page's own JSON-LD/OpenGraph).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["monitors_failed"]


def monitors_failed(stats: Mapping[str, Any]) -> bool:
    """Whether any spider-close monitor failed in a crawl with these final stats
    (``monitors/failed`` > 0; a crawl whose monitors never ran has not failed them)."""
    value = stats.get("monitors/failed")
    return isinstance(value, (int, float)) and value > 0

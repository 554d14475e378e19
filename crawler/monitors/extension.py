"""The spidermon extension, with its result log adapted to Scrapy 2.19.

spidermon 1.27.0's ``Spidermon`` extension reports through ``SpiderMonitorResult``,
which writes every line with ``Spider.log()``; Scrapy 2.19 deprecates that method, so
each suite run raises ``ScrapyDeprecationWarning`` (and aborts under
``-W error``). It also logs failed monitors at ERROR, which would count them as crawl
errors (``log_count/ERROR``) and feed the error-rate monitor itself.

Policy: :class:`Monitors` is spidermon's extension (same ``SPIDERMON_*`` settings:
``SPIDERMON_ENABLED``, ``SPIDERMON_SPIDER_CLOSE_MONITORS``, periodic and engine-stop
suites) whose runner logs through ``spider.logger``: the step lines at INFO, a failed
monitor's traceback at WARNING. Everything else is spidermon's own code.
"""

from __future__ import annotations

import logging
from typing import Any

from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

__all__ = ["LoggerResult", "LoggerRunner", "Monitors"]


class LoggerResult(SpiderMonitorResult):
    """Monitor result that logs through ``spider.logger`` (failures at WARNING)."""

    def log(self, msg: Any, level: int = logging.DEBUG) -> None:
        self.spider.logger.log(level, "[Spidermon] %s", msg)

    def log_error(self, msg: Any) -> None:
        self.log(msg, level=logging.WARNING)


class LoggerRunner(SpiderMonitorRunner):
    def create_result(self) -> LoggerResult:
        return LoggerResult(self.spider)


class Monitors(Spidermon):
    """spidermon's extension running suites with :class:`LoggerRunner`."""

    def _run_suites(self, spider: Any, suites: list[Any]) -> None:
        data = self._generate_data_for_spider(spider)
        for suite in suites:
            LoggerRunner(spider=spider).run(suite, **data)

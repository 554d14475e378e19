"""GcTuning: the crawl process's garbage collector set for a crawl's allocation pattern.

Policy: while a crawler runs, the collector's thresholds are ``GC_THRESHOLDS`` (default
``(10000, 20, 20)``; empty: the extension is off). A crawl allocates and frees many
short-lived objects per page (requests, responses, Deferreds, coroutines, items) that are
freed by reference counting; Python's default thresholds (700, 10, 10) start a collection
of the youngest generation every 700 net allocations and of the middle one every 7,000,
walking live objects each time for cycles that are rare. Collections still run, less often;
cyclic garbage is collected later, not leaked. The thresholds are set when a crawler's
engine starts (``engine_started``) and put back when the last running one of the process
stops (``engine_stopped``), so several crawlers in one process share the setting, and a
crawler that is built but never started (``scrapy list``, a test) changes nothing.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: Thresholds in force before the first running crawler set them, and how many run.
_saved: tuple[int, ...] | None = None
_running = 0


def thresholds(value: Any) -> tuple[int, ...]:
    """``GC_THRESHOLDS`` as 1 to 3 non-negative integers (a list, or a comma string from
    ``-s``); empty: ``()``."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    numbers = tuple(int(str(p).strip()) for p in parts if str(p).strip())
    if len(numbers) > 3 or any(n < 0 for n in numbers):
        raise ValueError(f"GC_THRESHOLDS: 1 to 3 non-negative integers, got {value!r}")
    return numbers


class GcTuning:
    """Extension: collector thresholds for the crawl (see module docstring)."""

    def __init__(self, wanted: tuple[int, ...]) -> None:
        self.wanted = wanted
        self.active = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        wanted = thresholds(crawler.settings.get("GC_THRESHOLDS"))
        if not wanted:
            raise NotConfigured("GC_THRESHOLDS is empty")
        ext = cls(wanted)
        crawler.signals.connect(ext.start, signal=signals.engine_started)
        crawler.signals.connect(ext.stop, signal=signals.engine_stopped)
        return ext

    def start(self) -> None:
        global _saved, _running
        if self.active:
            return
        if _running == 0:
            _saved = gc.get_threshold()
        _running += 1
        self.active = True
        gc.set_threshold(*self.wanted)

    def stop(self) -> None:
        global _saved, _running
        if not self.active:
            return
        self.active = False
        _running -= 1
        if _running == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            _saved = None

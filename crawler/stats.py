"""The crawl's stats collector: Scrapy's in-memory one, with plain attribute access.

Policy: the same stats and the same methods as ``scrapy.statscollectors.MemoryStatsCollector``
(``STATS_CLASS``). Scrapy 2.19's collector routes every attribute read (its own ``_stats``
included) through a Python ``__getattribute__`` that wraps the public methods in a check
for the deprecated ``spider`` argument; a crawl reads stats tens of times per page, so this
one uses the ordinary attribute lookup. A ``spider`` argument is accepted and ignored, as
Scrapy does, without the deprecation warning.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class MemoryStats(MemoryStatsCollector):
    """``MemoryStatsCollector`` without the per-access wrapper (module policy)."""

    __getattribute__ = object.__getattribute__

"""Write the crawl's final stats as JSON to ``STATS_DUMP_FILE``.

Policy: disabled (``NotConfigured``) unless ``STATS_DUMP_FILE`` is set. The file is written on
``spider_closed`` and written again on ``engine_stopped``, so it ends up holding the stats as
Scrapy's own end-of-crawl dump shows them (including ``finish_reason`` and the feed-export
counts that other ``spider_closed`` handlers add). Datetimes become ISO 8601 strings; any other
non-JSON value becomes its ``str()``. Writes are atomic (temporary file + rename).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def _to_json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def write_stats(stats: dict[str, Any], path: Path) -> None:
    """Dump ``stats`` (sorted keys) to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(stats, fh, default=_to_json, indent=2, sort_keys=True, ensure_ascii=False)
    os.replace(tmp, path)


class StatsDump:
    """Extension: final stats to ``STATS_DUMP_FILE`` (see module docstring)."""

    def __init__(self, stats: StatsCollector, path: Path) -> None:
        self.stats = stats
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("STATS_DUMP_FILE")
        if not path:
            raise NotConfigured("STATS_DUMP_FILE is not set")
        assert crawler.stats is not None
        ext = cls(crawler.stats, Path(path))
        crawler.signals.connect(ext.dump, signal=signals.spider_closed)
        crawler.signals.connect(ext.dump, signal=signals.engine_stopped)
        return ext

    def dump(self) -> None:
        write_stats(self.stats.get_stats(), self.path)

"""DedupPipeline: flag syndicated copies (never drop them) and write the clusters file.

Policy:

- Every item gets ``cluster_id``; a copy also gets ``duplicate_of``, ``relation``
  and ``similarity``; an update gets ``relation: update`` and ``update_of`` (see
  :mod:`crawler.dedup.core`). Nothing is dropped: the project's FEEDS route copies to
  the duplicates file with :mod:`crawler.dedup.filters`; a feed without a filter
  (``-O``/``-o``, ``-s FEEDS=...``, Scrapyd's ``items_dir``) holds every item, flagged.
- A fingerprint an extraction worker computed for the same document and configuration
  (:mod:`crawler.precomputed`) is used; the deduplicator redoes it when the store knows
  boilerplate lines of the site (``dedup/refingerprinted``), so verdicts are the same.
- Stats: ``dedup/new``, ``dedup/copies/<relation>``, ``dedup/updates``,
  ``dedup/stage/<stage>``, ``dedup/clusters``, ``dedup/committed``.
- At spider close each cluster touched by the run (of at least
  ``DEDUP_CLUSTERS_MIN_SIZE`` URLs) is written to the clusters file: its final
  canonical URL and site, every copy's URL, site and relation, the wire agencies and
  ``also_published_by``. ``DEDUP_CLUSTERS_FILE`` (``%(name)s`` is the spider name)
  sets the path; unset, the file goes beside the main feed (``x.jsonl`` ->
  ``x.clusters.json``), i.e. ``output/%(name)s.clusters.json`` with the default
  FEEDS. Written atomically (temporary file + rename).
- Durable order: the run's store entries are inserted *pending* and committed only
  when the feed exporter has closed and stored every feed file
  (``feed_exporter_closed``) without a ``feedexport/failed_count/*`` stat; with no
  FEEDS, at spider close. A crawl that is killed, or whose feeds failed, leaves its
  entries pending; the next run drops them and processes those URLs again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.dedup.core import Deduplicator, Prepared, verdict_stats
from crawler.dedup.model import Document, Verdict
from crawler.precomputed import take

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: The run tells other processes it is alive this often, items or not.
HEARTBEAT_SECONDS = 30.0
_FEED_SUFFIXES = (".jsonl", ".jl", ".json", ".csv", ".xml", ".ndjson")


def _feed_path(uri: str) -> str | None:
    if uri.startswith("file://"):
        return uri[len("file://") :]
    return None if "://" in uri else uri


def clusters_template(settings: Any) -> str:
    """The clusters-file path template (module policy)."""
    explicit = settings.get("DEDUP_CLUSTERS_FILE")
    if explicit:
        return str(explicit)
    feeds: Mapping[str, Any] = settings.getdict("FEEDS")
    local = [(uri, opts or {}) for uri, opts in feeds.items() if _feed_path(str(uri))]
    main = [u for u, o in local if "CanonicalFilter" in str(o.get("item_filter", ""))]
    chosen = main or [u for u, _ in local]
    if not chosen:
        return "output/%(name)s.clusters.json"
    path = _feed_path(str(chosen[0])) or ""
    for suffix in _FEED_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)] + ".clusters.json"
    return path + ".clusters.json"


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    os.replace(tmp, path)


class DedupPipeline:
    """Flag copies with their cluster and canonical (see module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats: StatsCollector = crawler.stats
        self.has_feeds = bool(crawler.settings.getdict("FEEDS"))
        self.min_size = crawler.settings.getint("DEDUP_CLUSTERS_MIN_SIZE", 2)
        self.dedup: Deduplicator | None = None
        self.beat: task.LoopingCall | None = None
        crawler.signals.connect(self._feeds_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(self._engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("DEDUP_ENABLED", True):
            raise NotConfigured("DEDUP_ENABLED is off")
        return cls(crawler)

    def open_spider(self) -> None:
        self.dedup = Deduplicator.from_crawler(self.crawler)
        self.beat = task.LoopingCall(self.dedup.heartbeat)
        self.beat.start(HEARTBEAT_SECONDS, now=False)
        self.stats.set_value("dedup/run_id", self.dedup.run_id)
        self.stats.set_value("dedup/pruned", self.dedup.stats.get("dedup/pruned", 0))

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if self.dedup is None or not adapter.get("url"):
            return item
        verdict = self._check(item, Document.from_item(adapter))
        for key, value in verdict.item_fields().items():
            adapter[key] = value
        for key in verdict_stats(verdict):
            self.stats.inc_value(key)
        return item

    def _check(self, item: Any, doc: Document) -> Verdict:
        """Check-and-add ``doc``, with the fingerprint an extraction worker made for exactly
        this document and configuration when there is one."""
        assert self.dedup is not None
        made = take(item, "dedup", (doc, self.dedup.config))
        if made is None:
            return self.dedup.check_and_add(doc)
        fingerprint, line_hashes = made
        prepared = Prepared(fingerprint, line_hashes, frozenset(), doc)
        before = self.dedup.stats["dedup/refingerprinted"]
        verdict = self.dedup.check_and_add_prepared([prepared])[0]
        if self.dedup.stats["dedup/refingerprinted"] > before:
            self.stats.inc_value("dedup/refingerprinted")
        return verdict

    def close_spider(self) -> None:
        if self.dedup is None:
            return
        spider = self.crawler.spider
        name = spider.name if spider is not None else "crawl"
        clusters = self.dedup.finalize_clusters(min_size=self.min_size)
        path = Path(clusters_template(self.crawler.settings).replace("%(name)s", name))
        write_json(
            path,
            {
                "spider": name,
                "run_id": self.dedup.run_id,
                "generated_at": self.dedup.clock.now().isoformat(timespec="seconds"),
                "clusters": clusters,
            },
        )
        self.stats.set_value("dedup/clusters", len(clusters))
        self.stats.set_value("dedup/clusters_file", str(path))
        if not self.has_feeds:
            self._finish(commit=True)

    def _feeds_closed(self) -> None:
        failed = {
            k: v for k, v in self.stats.get_stats().items() if k.startswith("feedexport/failed")
        }
        if failed:
            logger.error(
                "dedup: a feed failed to store %s; this run's entries stay pending", failed
            )
        self._finish(commit=not failed)

    def _engine_stopped(self) -> None:
        if self.dedup is not None:
            logger.warning("dedup: the feed exporter never closed; this run's entries stay pending")
            self._finish(commit=False)

    def _finish(self, *, commit: bool) -> None:
        if self.beat is not None and self.beat.running:
            self.beat.stop()
        if self.dedup is None:
            return
        if commit:
            self.stats.set_value("dedup/committed", self.dedup.commit())
        self.dedup.close()
        self.dedup = None

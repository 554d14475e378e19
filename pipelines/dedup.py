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
- Batches: the items that arrive within ``DEDUP_BATCH_SECONDS`` of the first waiting
  one (at most ``DEDUP_BATCH_SIZE``) are checked in one store transaction, in arrival
  order, with the verdicts one-at-a-time checks in that order would give
  (:meth:`crawler.dedup.core.Deduplicator.check_and_add_batch`); each item goes on when
  its batch is decided. Size 0 or 1, or 0 seconds: each item is checked at once and
  returned as it is. Whatever waits is checked before the clusters are finalized and
  before the store closes. A batch that fails (rolled back as a whole) fails each of
  its items with the error, is logged and counted (``dedup/batch_errors``);
  ``dedup/batches`` counts the transactions.
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
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.dedup.core import Deduplicator, Prepared, verdict_stats
from crawler.dedup.model import Document
from crawler.precomputed import take

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: The run tells other processes it is alive this often, items or not.
HEARTBEAT_SECONDS = 30.0
_FEED_SUFFIXES = (".jsonl", ".jl", ".json", ".csv", ".xml", ".ndjson")
#: Defaults of ``DEDUP_BATCH_SIZE`` and ``DEDUP_BATCH_SECONDS`` (see the settings).
BATCH_SIZE = 32
BATCH_SECONDS = 0.05


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
        settings = crawler.settings
        self.batch_size = max(1, settings.getint("DEDUP_BATCH_SIZE", BATCH_SIZE))
        self.batch_seconds = settings.getfloat("DEDUP_BATCH_SECONDS", BATCH_SECONDS)
        self.batched = self.batch_size > 1 and self.batch_seconds > 0
        #: Items waiting for their batch: (item, what is checked, fired when decided).
        self.waiting: list[tuple[Any, Prepared | Document, Deferred[Any]]] = []
        self.timer: CallLaterResult | None = None
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
        """The item, flagged; batched (module docstring): a coroutine that returns it
        once its batch is decided."""
        adapter = ItemAdapter(item)
        if self.dedup is None or not adapter.get("url"):
            return item
        checked = self._checked(item, Document.from_item(adapter))
        if not self.batched:
            self._decide([(item, checked)])
            return item
        done: Deferred[Any] = Deferred()
        self.waiting.append((item, checked, done))
        if len(self.waiting) >= self.batch_size:
            self.flush()
        elif self.timer is None:
            self.timer = call_later(self.batch_seconds, self._timer_fired)
        return self._wait(done)

    @staticmethod
    def _wait(done: Deferred[Any]) -> Coroutine[Any, Any, Any]:
        async def wait() -> Any:
            return await maybe_deferred_to_future(done)

        return wait()

    def _checked(self, item: Any, doc: Document) -> Prepared | Document:
        """What is checked for ``item``: the fingerprint an extraction worker made for
        exactly this document and configuration when there is one, else the document."""
        assert self.dedup is not None
        made = take(item, "dedup", (doc, self.dedup.config))
        if made is None:
            return doc
        fingerprint, line_hashes = made
        return Prepared(fingerprint, line_hashes, frozenset(), doc)

    def _timer_fired(self) -> None:
        self.timer = None
        self.flush()

    def flush(self) -> None:
        """Check every waiting item now (one batch) and let each go on, or fail."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.waiting = self.waiting, []
        if not batch:
            return
        try:
            self._decide([(item, checked) for item, checked, _ in batch])
        except Exception as exc:  # each item of the batch fails with it
            failure = Failure(exc)
            logger.exception("dedup: a batch of %d items failed (rolled back)", len(batch))
            self.stats.inc_value("dedup/batch_errors")
            for _, _, done in batch:
                if not done.called:  # not cancelled meanwhile
                    done.errback(failure)
            return
        for item, _, done in batch:
            if not done.called:
                done.callback(item)

    def _decide(self, batch: list[tuple[Any, Prepared | Document]]) -> None:
        """Check-and-add the batch in one transaction; flag each item, count its stats."""
        if self.dedup is None:
            raise RuntimeError("dedup: the store is closed")
        before = self.dedup.stats["dedup/refingerprinted"]
        verdicts = self.dedup.check_and_add_batch([checked for _, checked in batch])
        redone = self.dedup.stats["dedup/refingerprinted"] - before
        if redone:
            self.stats.inc_value("dedup/refingerprinted", redone)
        self.stats.inc_value("dedup/batches")
        for (item, _), verdict in zip(batch, verdicts, strict=True):
            adapter = ItemAdapter(item)
            for key, value in verdict.item_fields().items():
                adapter[key] = value
            for key in verdict_stats(verdict):
                self.stats.inc_value(key)

    def close_spider(self) -> None:
        self.flush()
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
        self.flush()
        if self.beat is not None and self.beat.running:
            self.beat.stop()
        if self.dedup is None:
            return
        if commit:
            self.stats.set_value("dedup/committed", self.dedup.commit())
        self.dedup.close()
        self.dedup = None

"""Per-run output layout: dated run directories, a merged stream, a run summary, ``latest``.

Layout under ``RUN_OUTPUT_ROOT`` (default ``output``)::

    output/YYYY/MM/DD/<run-id>/<spider>.jsonl             main feed (canonical items, updates)
    output/YYYY/MM/DD/<run-id>/<spider>.duplicates.jsonl  copies
    output/YYYY/MM/DD/<run-id>/<spider>.clusters.json     story clusters
    output/YYYY/MM/DD/<run-id>/all.jsonl                  merged stream: every main feed
    output/YYYY/MM/DD/<run-id>/run.json                   run summary
    output/latest.json                                    manifest of the last finished run

Policy:

* The date is the run's start on the project clock (``CLOCK``, UTC); the run id is
  ``RUN_ID`` when given (``scrapy crawlall`` sets it once for all its spiders), else the
  Scrapyd job id (spider argument ``_job``), else ``<YYYYMMDDTHHMMSSZ>-<pid>-<random>``.
* :class:`RunLayout` is a Scrapy add-on (``ADDONS``): before the crawler's settings
  freeze it moves every local feed under ``RUN_OUTPUT_ROOT`` (and ``DEDUP_CLUSTERS_FILE``
  when set there) into the run directory. Feeds elsewhere (``-O out.jsonl``) stay put.
* Files are complete before they are named: feeds through
  :class:`crawler.feedstorage.AtomicFileFeedStorage`, the merged stream, the summary and
  the manifest through temporary file + rename. ``latest.json`` is replaced last, only
  when a run finishes, so a poller sees either the previous run or this one, never a run
  in progress or one that was killed.
* The merged stream concatenates, spider by spider (sorted), the feed files that hold
  canonical items: feeds without an ``item_filter`` or with
  ``crawler.dedup.filters.CanonicalFilter``.
* A plain ``scrapy crawl`` finalizes its own run when the engine stops; under
  ``scrapy crawlall`` (``RUN_FINALIZE = False``) the command finalizes once for all.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from w3lib.url import file_uri_to_path

from crawler.clock import build_clock
from crawler.feedstorage import atomic_replace

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = [
    "MANIFEST_NAME",
    "MERGED_NAME",
    "SUMMARY_NAME",
    "RunInfo",
    "RunLayout",
    "SpiderRun",
    "crawler_stats",
    "finalize_run",
    "previous_summary",
    "relocate_feeds",
    "run_from_settings",
    "write_json_atomic",
]

MERGED_NAME = "all.jsonl"
SUMMARY_NAME = "run.json"
MANIFEST_NAME = "latest.json"
#: ``item_filter`` values of feeds that hold canonical items (None: no filter).
MAIN_FILTERS = (None, "crawler.dedup.filters.CanonicalFilter")


@dataclass(frozen=True)
class RunInfo:
    """One run: its id, start (aware UTC) and output root."""

    run_id: str
    started: datetime
    root: Path

    @property
    def dir(self) -> Path:
        """``<root>/YYYY/MM/DD/<run-id>``."""
        day = self.started.astimezone(UTC)
        return self.root / f"{day:%Y}" / f"{day:%m}" / f"{day:%d}" / self.run_id

    @staticmethod
    def new_id(started: datetime) -> str:
        stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}"


def run_from_settings(settings: BaseSettings, default_id: str | None = None) -> RunInfo:
    """The run named by ``RUN_ID`` (else ``default_id``) and ``RUN_STARTED``, or a new one
    started now (``CLOCK``)."""
    root = Path(settings.get("RUN_OUTPUT_ROOT") or "output")
    started_raw = settings.get("RUN_STARTED")
    started = (
        datetime.fromisoformat(str(started_raw)) if started_raw else build_clock(settings).now()
    )
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    run_id = settings.get("RUN_ID") or default_id or RunInfo.new_id(started)
    return RunInfo(str(run_id), started, root)


def _local_path(uri: str) -> Path | None:
    if uri.startswith("file:"):
        return Path(file_uri_to_path(uri))
    return None if "://" in uri else Path(uri)


def _under(path: Path, root: Path) -> Path | None:
    """``path`` relative to ``root`` when it lies under it (both taken from the working
    directory when relative), else None."""
    try:
        return path.absolute().relative_to(root.absolute())
    except ValueError:
        return None


def relocate(uri: str, root: Path, run_dir: Path) -> str:
    """A local path under ``root`` moved into ``run_dir``; anything else unchanged."""
    path = _local_path(uri)
    if path is None or _under(path, run_dir) is not None:
        return uri
    inner = _under(path, root)
    return uri if inner is None else str(run_dir / inner)


def relocate_feeds(feeds: Mapping[str, Any], root: Path, run_dir: Path) -> dict[str, Any]:
    """``FEEDS`` with local feeds under ``root`` moved into ``run_dir``."""
    return {relocate(str(uri), root, run_dir): options for uri, options in feeds.items()}


def _filter_path(options: Mapping[str, Any] | None) -> str | None:
    """A feed's ``item_filter`` as a class path (None without one)."""
    value = (options or {}).get("item_filter")
    if value is None or isinstance(value, str):
        return value
    return f"{value.__module__}.{value.__qualname__}"


def write_json_atomic(path: Path, data: Any) -> None:
    """Indented UTF-8 JSON, written to a temporary file and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False, default=str, sort_keys=True)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o644)
    atomic_replace(Path(tmp), path)


def concatenate(sources: Iterable[Path], target: Path) -> int:
    """Write ``sources`` one after another into ``target`` atomically; returns lines."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    lines = 0
    with os.fdopen(fd, "wb") as out:
        for source in sources:
            with source.open("rb") as fh:
                for line in fh:
                    if line.strip():
                        out.write(line if line.endswith(b"\n") else line + b"\n")
                        lines += 1
        out.flush()
        os.fsync(out.fileno())
    os.chmod(tmp, 0o644)
    atomic_replace(Path(tmp), target)
    return lines


@dataclass
class FeedFile:
    """One feed file a spider stored."""

    path: Path
    items: int
    main: bool


@dataclass
class SpiderRun:
    """What one spider did in a run (filled from its crawler)."""

    name: str
    status: str = "ok"
    reasons: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    feeds: list[FeedFile] = field(default_factory=list)


def previous_summary(root: Path) -> dict[str, Any] | None:
    """The summary of the run ``latest.json`` points at (None when there is none)."""
    try:
        manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
        summary = json.loads((root / manifest["summary"]).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return summary if isinstance(summary, dict) else None


def _rel(path: Path, root: Path) -> str:
    inner = _under(path, root)
    return str(inner) if inner is not None else str(path)


def spider_record(run: SpiderRun, root: Path) -> dict[str, Any]:
    """The summary entry of one spider: verdict, key figures, files."""
    stats = run.stats
    figures = {
        key: stats.get(stat, 0)
        for key, stat in (
            ("requests", "downloader/request_count"),
            ("responses", "response_received_count"),
            ("items", "item_scraped_count"),
            ("new", "dedup/new"),
            ("updates", "dedup/updates"),
            ("known_skipped", "incremental/skipped"),
            ("revisits", "incremental/revisit"),
            ("unchanged", "incremental/unchanged"),
            ("errors", "log_count/ERROR"),
        )
    }
    copies = sum(v for k, v in stats.items() if k.startswith("dedup/copies/"))
    figures["copies"] = copies - figures["unchanged"]  # unchanged revisits are not written
    start, finish = stats.get("start_time"), stats.get("finish_time")
    elapsed = (finish - start).total_seconds() if start and finish else None
    return {
        "status": run.status,
        "reasons": run.reasons,
        "finish_reason": stats.get("finish_reason"),
        "elapsed_seconds": elapsed,
        **figures,
        "files": [
            {"path": _rel(f.path, root), "items": f.items, "main": f.main} for f in run.feeds
        ],
    }


def finalize_run(
    run: RunInfo,
    spiders: Sequence[SpiderRun],
    *,
    status: str,
    exit_code: int | None,
    finished: datetime,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the merged stream, the run summary and then ``latest.json``; returns the
    summary."""
    main_files = [
        f.path
        for s in sorted(spiders, key=lambda s: s.name)
        for f in s.feeds
        if f.main and f.path.exists()
    ]
    merged = run.dir / MERGED_NAME
    merged_lines = concatenate(main_files, merged)
    summary = {
        "run_id": run.run_id,
        "dir": _rel(run.dir, run.root),
        "started": run.started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "elapsed_seconds": round((finished - run.started).total_seconds(), 3),
        "status": status,
        "exit_code": exit_code,
        "merged": {"path": _rel(merged, run.root), "items": merged_lines},
        "spiders": {s.name: spider_record(s, run.root) for s in spiders},
        **(extra or {}),
    }
    summary_path = run.dir / SUMMARY_NAME
    write_json_atomic(summary_path, summary)
    files = [_rel(merged, run.root)] + [
        _rel(f.path, run.root) for s in spiders for f in s.feeds if f.path.exists()
    ]
    write_json_atomic(
        run.root / MANIFEST_NAME,
        {
            "run_id": run.run_id,
            "dir": summary["dir"],
            "finished": summary["finished"],
            "status": status,
            "summary": _rel(summary_path, run.root),
            "merged": summary["merged"]["path"],
            "files": files,
        },
    )
    return summary


def _override(settings: BaseSettings, name: str, value: Any) -> None:
    """Set ``name`` at its current priority (at least the add-on one), so the value wins
    over the profile's own."""
    settings.set(name, value, priority=max(settings.getpriority(name) or 0, 15))


def crawler_stats(crawler: Crawler) -> dict[str, Any]:
    """A crawler's stats ({} when its crawl never got as far as building them)."""
    collector = getattr(crawler, "_stats", None)  # Crawler.stats raises until it is set
    return dict(collector.get_stats()) if collector is not None else {}


class RunLayout:
    """Add-on: move local feeds into the run directory; collect the files each spider
    stored; finalize a single-spider run when its engine stops (module policy)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run: RunInfo | None = None
        self.feeds: list[FeedFile] = []
        self._main_uris: set[str] = set()
        crawler.signals.connect(self._slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(self._engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("RUN_LAYOUT_ENABLED", True):
            return
        # Scrapyd passes its job id as the spider argument _job: the run takes its name.
        job = getattr(self.crawler.spider, "_job", None)
        run = self.run = run_from_settings(settings, str(job) if job else None)
        _override(settings, "RUN_ID", run.run_id)
        _override(settings, "RUN_STARTED", run.started.isoformat())
        _override(settings, "RUN_DIR", str(run.dir))
        feeds = relocate_feeds(settings.getdict("FEEDS"), run.root, run.dir)
        _override(settings, "FEEDS", feeds)
        self._main_uris = {
            str(uri) for uri, opts in feeds.items() if _filter_path(opts) in MAIN_FILTERS
        }
        clusters = settings.get("DEDUP_CLUSTERS_FILE")
        if clusters:
            _override(settings, "DEDUP_CLUSTERS_FILE", relocate(str(clusters), run.root, run.dir))

    def _slot_closed(self, slot: Any) -> None:
        path = _local_path(str(slot.uri))
        if path is not None:
            main = str(slot.uri_template) in self._main_uris
            self.feeds.append(FeedFile(path, int(slot.itemcount), main))

    def spider_run(self) -> SpiderRun:
        """This crawler's record (status left to the caller)."""
        spider = self.crawler.spider
        name = spider.name if spider is not None else self.crawler.spidercls.name
        stats = crawler_stats(self.crawler)
        files = list(self.feeds)
        clusters = stats.get("dedup/clusters_file")
        if clusters and Path(str(clusters)).exists():
            files.append(FeedFile(Path(str(clusters)), int(stats.get("dedup/clusters", 0)), False))
        return SpiderRun(name, stats=stats, feeds=files)

    def _engine_stopped(self) -> None:
        settings = self.crawler.settings
        if self.run is None or not settings.getbool("RUN_FINALIZE", True):
            return
        from crawler.runstatus import judge_spider

        record = self.spider_run()
        record.status, record.reasons = judge_spider(
            record.stats, settings, previous_summary(self.run.root), record.name
        )
        elapsed = float(record.stats.get("elapsed_time_seconds") or 0.0)
        finalize_run(
            self.run,
            [record],
            status=record.status,
            exit_code=None,
            finished=self.run.started + timedelta(seconds=elapsed),
        )

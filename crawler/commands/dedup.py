"""``scrapy dedup IN.jsonl [IN2.jsonl ...] -o OUT.jsonl [--store PATH]``: re-deduplicate JSONL.

Policy: every input line is written back, in input order, with ``cluster_id`` and
``duplicate_of`` (null for the canonical item of its story; for a repeated URL, the
URL it repeats), plus ``relation``, ``similarity`` and ``update_of`` when they
apply. An input line needs only ``url`` and ``body``; ``title``, ``site``,
``published``, ``authors`` and ``wire`` are used when present. A line that is not
a JSON object with a URL is written back unchanged and counted.

The canonical of each story is the final one (:mod:`crawler.dedup.clusters`), so
the output does not depend on the order of the input lines. Without ``--store``
the index lives in memory and no file is left behind; ``--store PATH`` uses (and
keeps) a SQLite store, ``--store redis://…`` a Redis store, so earlier runs count.
Site boilerplate is learned from all inputs first (``--no-learn`` skips that
pass). On large inputs, parsing and fingerprinting run in worker processes
(``--workers``, :mod:`crawler.dedup.parallel`) while this process checks and stores.
Progress goes to stderr every ``--progress`` items.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

_BATCH = 500
#: Inputs smaller than this are fingerprinted in this process.
_PARALLEL_BYTES = 8 << 20


def _raw_lines(paths: list[Path]) -> Iterator[str]:
    """Every non-empty line of every input, without its line break."""
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for raw in fh:
                if raw.strip():
                    yield raw.rstrip("\n")


def default_workers(paths: list[Path]) -> int:
    """Worker processes: none for small inputs (start-up costs more than it saves)."""
    if sum(p.stat().st_size for p in paths) < _PARALLEL_BYTES:
        return 0
    return max(0, min(4, (os.cpu_count() or 1) - 1))


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "IN.jsonl [IN2.jsonl ...] -o OUT.jsonl [--store PATH]"

    def short_desc(self) -> str:
        return "Flag syndicated copies in existing JSONL files (cluster_id, duplicate_of)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", required=True, help="output JSONL (- for stdout)")
        parser.add_argument(
            "--store", default=None, help="SQLite file or redis:// URL to use and keep"
        )
        parser.add_argument(
            "--progress", type=int, default=10000, help="report progress every N items"
        )
        parser.add_argument(
            "--no-learn", action="store_true", help="do not learn site boilerplate first"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="fingerprinting processes (default: up to 4 on large inputs, 0 = none)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one input JSONL file")
        paths = [Path(a) for a in args]
        for path in paths:
            if not path.is_file():
                raise UsageError(f"cannot read {path}", print_help=False)
        from crawler.dedup.core import Deduplicator

        dedup = Deduplicator.from_settings(self.settings, store=self._store(opts.store))
        try:
            self._run(dedup, paths, opts)
        except BaseException:
            dedup.close()
            raise
        dedup.commit()
        dedup.close()

    @staticmethod
    def _store(spec: str | None) -> Any:
        if spec is None:
            from crawler.dedup.memory import MemoryStore

            return MemoryStore()
        if spec.startswith(("redis://", "rediss://", "unix://")):
            from crawler.dedup.redis import RedisStore

            return RedisStore(spec)
        from crawler.dedup.sqlite import SqliteStore

        return SqliteStore(spec)

    def _run(self, dedup: Any, paths: list[Path], opts: argparse.Namespace) -> None:
        from crawler.dedup.parallel import Workers

        progress = _Progress(max(1, opts.progress))
        processes = default_workers(paths) if opts.workers is None else max(0, opts.workers)
        workers = Workers(dedup.config, processes)
        clusters: list[str | None] = []  # per line: cluster at check time
        repeats: set[int] = set()  # lines whose URL came before
        batch: list[Any] = []

        def flush() -> None:
            for verdict in dedup.check_and_add_fingerprints(batch):
                if verdict.stage == "url" and verdict.relation == "identical":
                    repeats.add(len(clusters))
                clusters.append(verdict.cluster_id)
                progress.tick(verdict.is_copy)
            batch.clear()

        try:
            if not opts.no_learn:
                learned = workers.line_hashes(_raw_lines(paths))
                dedup.learn_line_hashes(item for item in learned if item is not None)
            for _, doc, fp in workers.fingerprints(_raw_lines(paths)):
                if doc is None:
                    flush()
                    clusters.append(None)
                    progress.bad += 1
                    continue
                batch.append((doc, fp))
                if len(batch) >= _BATCH:
                    flush()
            flush()
        finally:
            workers.close()
        final = _final_clusters(dedup)
        with _output(opts.output) as out:
            for index, raw in enumerate(_raw_lines(paths)):
                cluster = clusters[index]
                if cluster is None:
                    out.write(raw + "\n")
                    continue
                obj = json.loads(raw)
                obj.update(_fields(obj["url"], cluster, final, index in repeats))
                out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        progress.done()


def _final_clusters(dedup: Any) -> dict[str, Any]:
    """alias -> root cluster id, and url -> (root, canonical, relation, similarity, update_of)."""
    alias: dict[str, str] = {}
    canonical: dict[str, str] = {}
    members: dict[str, tuple[str | None, float | None]] = {}
    for record in dedup.finalize_clusters(min_size=2):
        root = record["cluster_id"]
        for merged in record["merged_ids"]:
            alias[merged] = root
        canonical[root] = record["canonical"]
        for copy in record["copies"]:
            members[copy["url"]] = (copy["relation"], copy["similarity"])
    return {"alias": alias, "canonical": canonical, "members": members}


def _fields(url: str, cluster: str, final: dict[str, Any], repeat: bool) -> dict[str, Any]:
    root = final["alias"].get(cluster, cluster)
    canonical = final["canonical"].get(root)
    relation, similarity = final["members"].get(url, (None, None))
    if repeat:
        relation, similarity = "identical", 1.0
    is_copy = repeat or (canonical is not None and canonical != url and relation != "update")
    return {
        "cluster_id": root,
        "duplicate_of": (canonical or url) if is_copy else None,
        "relation": relation if canonical and (is_copy or relation == "update") else None,
        "similarity": similarity if is_copy or relation == "update" else None,
        "update_of": canonical if relation == "update" and not is_copy else None,
    }


class _output:
    """Write to a temporary file renamed over ``path`` at the end (or to stdout)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.tmp: str | None = None
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path == "-":
            return sys.stdout
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        self.fh = os.fdopen(fd, "w", encoding="utf-8")
        return self.fh

    def __exit__(self, kind: object, *_: object) -> None:
        if self.fh is None or self.tmp is None:
            sys.stdout.flush()
            return
        self.fh.close()
        if kind is None:
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)


class _Progress:
    def __init__(self, every: int) -> None:
        self.every = every
        self.count = self.copies = self.bad = 0
        self.start = time.monotonic()

    def tick(self, copy: bool) -> None:
        self.count += 1
        self.copies += copy
        if self.count % self.every == 0:
            self.report("dedup")

    def report(self, label: str) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label}: {self.count} items, {self.count / elapsed:.0f} items/s, "
            f"{self.copies} copies, {self.bad} unreadable lines, peak RSS {rss:.0f} MB",
            file=sys.stderr,
            flush=True,
        )

    def done(self) -> None:
        self.report("dedup done")

"""Re-deduplicating existing JSONL files (the engine of ``scrapy dedup``).

Policy: every input line is written back, in input order, with ``cluster_id`` and
``duplicate_of`` (null for the canonical item of its story; for a repeated URL, the
URL it repeats), plus ``relation``, ``similarity`` and ``update_of`` when they
apply. An input line needs only ``url`` and ``body``; ``title``, ``site``,
``published``, ``authors`` and ``wire`` are used when present. A line that is not
a JSON object with a URL is written back unchanged and counted. The other fields
of a line are written back as they were read.

The canonical of each story is the final one (:mod:`crawler.dedup.clusters`), so
the output does not depend on the order of the input lines. Site boilerplate is
learned from all inputs first (unless ``learn`` is off). On large inputs, parsing
and fingerprinting run in worker processes (:mod:`crawler.dedup.parallel`) while
this process checks and stores, in batches of :data:`BATCH` documents per
transaction. The output goes to a temporary file renamed over the target at the
end. Progress goes to ``log`` every ``progress`` items.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crawler.dedup.model import Document

if TYPE_CHECKING:
    from crawler.dedup.core import Deduplicator
    from crawler.dedup.features import Fingerprint

#: Documents per check-and-insert transaction.
BATCH = 500
#: Inputs smaller than this are fingerprinted in this process.
PARALLEL_BYTES = 8 << 20
#: Fields written on every line (a line that already has one is re-serialized).
FIELDS = ("cluster_id", "duplicate_of", "relation", "similarity", "update_of")


@dataclass
class Summary:
    """What one run did."""

    items: int = 0
    copies: int = 0
    unreadable: int = 0
    seconds: float = 0.0


@dataclass
class Prepared:
    """A fingerprint computed elsewhere, with every line hash of its document and the
    ones it left out as boilerplate; ``source`` is the document or its JSON line."""

    fingerprint: Fingerprint
    line_hashes: tuple[int, ...]
    dropped: frozenset[int]
    source: Document | str

    @property
    def url(self) -> str:
        return self.fingerprint.url

    def document(self) -> Document:
        if isinstance(self.source, Document):
            return self.source
        return Document.from_item(json.loads(self.source))


def raw_lines(paths: Sequence[Path]) -> Iterator[str]:
    """Every non-empty line of every input, without its line break."""
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for raw in fh:
                if raw.strip():
                    yield raw.rstrip("\n")


def default_workers(paths: Sequence[Path]) -> int:
    """Worker processes: none for small inputs (start-up costs more than it saves),
    else one per CPU, at most 4 (they and this checking process share the CPUs)."""
    if sum(p.stat().st_size for p in paths) < PARALLEL_BYTES:
        return 0
    return max(1, min(4, os.cpu_count() or 1))


def dedup_files(
    dedup: Deduplicator,
    inputs: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    learn: bool = True,
    workers: int | None = None,
    progress: int = 10000,
    log: IO[str] | None = sys.stderr,
) -> Summary:
    """Flag every line of ``inputs`` with ``dedup`` and write them to ``output`` ("-":
    stdout); ``workers`` None picks :func:`default_workers`. Does not close ``dedup``."""
    from crawler.dedup.parallel import Workers

    paths = [Path(p) for p in inputs]
    tally = _Progress(max(1, progress), log)
    processes = default_workers(paths) if workers is None else max(0, workers)
    pool = Workers(dedup.config, processes)
    clusters: list[str | None] = []  # per line: cluster at check time
    urls: list[str] = []  # per line: its URL ("" when unreadable)
    repeats: set[int] = set()  # lines whose URL came before
    batch: list[Prepared] = []

    def flush() -> None:
        for prepared, verdict in zip(batch, dedup.check_and_add_prepared(batch), strict=True):
            if verdict.stage == "url" and verdict.relation == "identical":
                repeats.add(len(clusters))
            clusters.append(verdict.cluster_id)
            urls.append(prepared.url)
            tally.tick(verdict.is_copy)
        batch.clear()

    try:
        if learn:
            learned = pool.line_hashes(raw_lines(paths))
            dedup.learn_line_hashes(item for item in learned if item is not None)
        pool.set_boilerplate(dedup.boilerplate())
        for prepared in pool.prepare(raw_lines(paths)):
            if prepared is None:
                flush()
                clusters.append(None)
                urls.append("")
                tally.bad += 1
                continue
            batch.append(prepared)
            if len(batch) >= BATCH:
                flush()
        flush()
    finally:
        pool.close()
    final = final_clusters(dedup)
    with _output(str(output)) as out:
        for index, raw in enumerate(raw_lines(paths)):
            cluster = clusters[index]
            if cluster is None:
                out.write(raw + "\n")
                continue
            fields = line_fields(urls[index], cluster, final, index in repeats)
            out.write(with_fields(raw, fields) + "\n")
    tally.done()
    return Summary(tally.count, tally.copies, tally.bad, time.monotonic() - tally.start)


def with_fields(raw: str, fields: dict[str, Any]) -> str:
    """The JSON object line ``raw`` with ``fields`` set: appended to the text as it is,
    unless the line already has one of :data:`FIELDS` (then parsed and re-serialized)."""
    text = raw.rstrip()
    if text.endswith("}") and not any(f'"{name}"' in text for name in FIELDS):
        extra = json.dumps(fields, ensure_ascii=False)
        return f"{text[:-1]}, {extra[1:]}"
    obj = json.loads(raw)
    obj.update(fields)
    return json.dumps(obj, ensure_ascii=False)


def final_clusters(dedup: Deduplicator) -> dict[str, Any]:
    """alias -> root cluster id, root -> canonical URL, url -> (relation, similarity)."""
    alias: dict[str, str] = {}
    canonical: dict[str, str] = {}
    members: dict[str, tuple[str | None, float | None]] = {}
    for record in dedup.iter_finalized(min_size=2):
        root = record["cluster_id"]
        for merged in record["merged_ids"]:
            alias[merged] = root
        canonical[root] = record["canonical"]
        for copy in record["copies"]:
            members[copy["url"]] = (copy["relation"], copy["similarity"])
    return {"alias": alias, "canonical": canonical, "members": members}


def line_fields(url: str, cluster: str, final: dict[str, Any], repeat: bool) -> dict[str, Any]:
    """The verdict fields of the line of ``url``, checked into ``cluster``."""
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
        self.fh = os.fdopen(fd, "w", encoding="utf-8", buffering=1 << 20)
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
    def __init__(self, every: int, log: IO[str] | None) -> None:
        self.every = every
        self.log = log
        self.count = self.copies = self.bad = 0
        self.start = time.monotonic()

    def tick(self, copy: bool) -> None:
        self.count += 1
        self.copies += copy
        if self.count % self.every == 0:
            self.report("dedup")

    def report(self, label: str) -> None:
        if self.log is None:
            return
        elapsed = max(time.monotonic() - self.start, 1e-9)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label}: {self.count} items, {self.count / elapsed:.0f} items/s, "
            f"{self.copies} copies, {self.bad} unreadable lines, peak RSS {rss:.0f} MB",
            file=self.log,
            flush=True,
        )

    def done(self) -> None:
        self.report("dedup done")

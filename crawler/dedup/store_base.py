"""The store protocol every dedup backend implements (memory, SQLite, Redis).

A store keeps, per indexed copy, an :class:`Entry` (URL, site, dates, wire, cluster,
compact signatures) plus the lookup keys that find it: its URL, its exact body hash
and its LSH band keys. It also keeps the story clusters, the per-site line counts
used to learn boilerplate, the seen-URL set of incremental crawls and the runs.

Atomicity: :meth:`DedupStore.transaction` yields a :class:`DedupTxn`; everything a
check-and-insert reads and writes happens inside one transaction (SQLite ``BEGIN
IMMEDIATE``, a Redis lock, a process lock in memory), so two processes that receive
copies of one story at the same moment agree on one canonical.

Durable order: entries are inserted *pending* under the current run id and
promoted to *committed* by :meth:`DedupStore.commit_run` once the run's output is
durable (the pipeline calls it when the feed exporter has closed its files). When a
store opens, the pending entries of runs that are no longer alive are dropped
(:meth:`DedupStore.open` reconciles), so the next crawl processes those URLs again
and the store is never ahead of the output files.
"""

from __future__ import annotations

import os
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self, overload

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
#: ``Columns.published`` of an undated entry.
NO_DATE = np.iinfo(np.int64).min

PENDING = 0
COMMITTED = 1
#: Entries one lookup key contributes to a candidate search, at most (newest first).
KEY_CAP = 64


@dataclass
class Entry:
    """One indexed copy, as stored. Signatures are kept as their low 16 bits."""

    id: int
    url: str
    site: str | None
    published: int | None  # epoch seconds
    added: int  # epoch seconds (the injected clock)
    wire: tuple[str, ...]
    cluster: str
    exact: int
    words: int
    shingles: int
    lead_shingles: int
    sig: U16
    lead_sig: U16
    loose_sig: U16
    skeleton_sig: U16
    anchors: U16
    state: int = PENDING
    run: str = ""
    relation: str | None = None
    similarity: float | None = None
    duplicate_of: str | None = None
    update_of: str | None = None
    keys: U64 = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    #: The four signatures side by side, when the store keeps them so (the stages then
    #: compare them at once; the signature fields are views of it).
    packed: U16 | None = None


def _stacked(rows: Sequence[U16 | None]) -> U16 | None:
    """The packed rows as one array (None unless every row has one, all of one length)."""
    if not rows or any(r is None for r in rows) or len({len(r) for r in rows if r is not None}) > 1:
        return None
    return np.stack([r for r in rows if r is not None])


def split_packed(packed: U16, widths: Sequence[int]) -> tuple[U16, U16, U16, U16]:
    """Views of the four signatures side by side in ``packed`` (rows, or one row)."""
    a, b, c = widths[0], widths[0] + widths[1], widths[0] + widths[1] + widths[2]
    return packed[..., :a], packed[..., a:b], packed[..., b:c], packed[..., c:]


class Anchors(Sequence[U16]):
    """Anchor sequences stored as bytes, made arrays when read (most rows never are)."""

    def __init__(self, raw: list[bytes]) -> None:
        self.raw = raw

    def __len__(self) -> int:
        return len(self.raw)

    @overload
    def __getitem__(self, index: int) -> U16: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[U16]: ...
    def __getitem__(self, index: int | slice) -> U16 | Sequence[U16]:
        if isinstance(index, slice):
            return Anchors(self.raw[index])
        return np.frombuffer(self.raw[index], dtype=np.uint16)

    def take(self, rows: Sequence[int]) -> Anchors:
        return Anchors([self.raw[r] for r in rows])


@dataclass
class Columns:
    """What the stages compare of several stored entries, as arrays (one row each)."""

    ids: I64
    sig: U16
    lead_sig: U16
    loose_sig: U16
    skeleton_sig: U16
    words: I64
    shingles: I64
    lead_shingles: I64
    published: I64  # NO_DATE when undated
    wire: list[tuple[str, ...]]
    anchors: Sequence[U16]
    #: The four signatures side by side, one row each (the others are views of it), when
    #: the store keeps them so: the stages then compare them all at once.
    packed: U16 | None = None
    #: Site of each row (empty: unknown).
    sites: Sequence[str | None] = ()

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: Sequence[int]) -> Columns:
        """These rows, in this order."""
        if len(rows) == len(self) and all(r == i for i, r in enumerate(rows)):
            return self
        at = np.array(rows, dtype=np.intp)
        if self.packed is not None:
            packed = self.packed[at]
            sigs = split_packed(packed, self.widths())
        else:
            packed = None
            sigs = (self.sig[at], self.lead_sig[at], self.loose_sig[at], self.skeleton_sig[at])
        return Columns(
            ids=self.ids[at],
            sig=sigs[0],
            lead_sig=sigs[1],
            loose_sig=sigs[2],
            skeleton_sig=sigs[3],
            words=self.words[at],
            shingles=self.shingles[at],
            lead_shingles=self.lead_shingles[at],
            published=self.published[at],
            wire=[self.wire[r] for r in rows],
            anchors=(
                self.anchors.take(rows)
                if isinstance(self.anchors, Anchors)
                else [self.anchors[r] for r in rows]
            ),
            packed=packed,
            sites=[self.sites[r] for r in rows] if self.sites else (),
        )

    def widths(self) -> tuple[int, int, int, int]:
        """Lengths of the four signatures."""
        shapes = (self.sig, self.lead_sig, self.loose_sig, self.skeleton_sig)
        return shapes[0].shape[-1], shapes[1].shape[-1], shapes[2].shape[-1], shapes[3].shape[-1]

    @classmethod
    def from_entries(cls, entries: Sequence[Entry]) -> Columns:
        def ints(values: Iterable[int | None]) -> I64:
            return np.array([NO_DATE if v is None else v for v in values], dtype=np.int64)

        return cls(
            ids=ints(e.id for e in entries),
            sig=np.stack([e.sig for e in entries]) if entries else np.zeros((0, 0), np.uint16),
            lead_sig=np.stack([e.lead_sig for e in entries])
            if entries
            else np.zeros((0, 0), np.uint16),
            loose_sig=np.stack([e.loose_sig for e in entries])
            if entries
            else np.zeros((0, 0), np.uint16),
            skeleton_sig=np.stack([e.skeleton_sig for e in entries])
            if entries
            else np.zeros((0, 0), np.uint16),
            words=ints(e.words for e in entries),
            shingles=ints(e.shingles for e in entries),
            lead_shingles=ints(e.lead_shingles for e in entries),
            published=ints(e.published for e in entries),
            wire=[e.wire for e in entries],
            anchors=[e.anchors for e in entries],
            sites=[e.site for e in entries],
            packed=_stacked([e.packed for e in entries]),
        )


@dataclass
class Cluster:
    """A story cluster: its id and the entry its copies point to."""

    id: str
    canonical: int  # entry id
    merged: list[str] = field(default_factory=list)  # ids of clusters merged into this one


def run_identity() -> dict[str, Any]:
    """Host, process id and process start time of this process (to tell live runs)."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "start": process_start(os.getpid())}


def process_start(pid: int) -> str:
    """Start time of ``pid`` in clock ticks since boot (Linux), "" when unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            stat = fh.read()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]


def local_run_alive(info: Mapping[str, Any]) -> bool:
    """A run recorded by :func:`run_identity` on this host is alive (dead elsewhere: unknown,
    treated as alive unless its heartbeat is stale)."""
    if info.get("host") != socket.gethostname():
        return time.time() - float(info.get("heartbeat", 0)) < float(info.get("ttl", 600))
    pid = int(info.get("pid", 0))
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    start = str(info.get("start") or "")
    return not start or process_start(pid) in ("", start)


class DedupTxn(ABC):
    """Reads and writes of one atomic check-and-insert (see module docstring)."""

    def prefetch(self, keys: U64, wide: U64) -> None:
        """Every lookup key the next check will use (a store may read them at once):
        ``keys`` for :meth:`candidates`, ``wide`` (a subset) for the URL and exact
        lookups."""
        return None

    def prefetch_batch(self, queries: Sequence[tuple[U64, U64]]) -> None:
        """The :meth:`prefetch` arguments of each check of a batch about to run in this
        transaction, in order (a store may read at once the part of its index that the
        batch's inserts do not change)."""
        return None

    @abstractmethod
    def url_entry(self, url: str) -> Entry | None:
        """The latest stored version of ``url``, if any."""

    @abstractmethod
    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        """Entries whose normalized body hashes to ``exact`` (oldest first)."""

    @abstractmethod
    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        """``(entry id, shared keys)`` for entries sharing any of ``keys``, most shared
        first (ties: newest first), at most ``limit``. A key shared by very many entries
        may contribute only its newest :data:`KEY_CAP` (bounded work per document)."""

    @abstractmethod
    def entries(self, ids: Sequence[int]) -> list[Entry]:
        """The entries with these ids (missing ones skipped), in the given order."""

    def columns(self, ids: Sequence[int]) -> Columns:
        """The compared fields of these entries (missing ones skipped), as arrays."""
        return Columns.from_entries(self.entries(ids))

    @abstractmethod
    def insert(self, entry: Entry, keys: U64) -> int:
        """Store ``entry`` (its ``id`` is assigned) under ``keys``; returns the id. When
        ``entry.cluster`` is not known yet, the cluster is created with this entry as its
        canonical."""

    @abstractmethod
    def cluster(self, cluster_id: str) -> Cluster | None:
        """A cluster by id (following merges)."""

    @abstractmethod
    def touch_url(self, url: str) -> None:
        """Record that ``url`` was seen again (re-crawled unchanged)."""

    @abstractmethod
    def merge_clusters(self, into: str, others: Sequence[str]) -> None:
        """Move every entry of ``others`` into ``into``; the others become aliases."""

    @abstractmethod
    def add_lines(self, site: str, lines: Sequence[int]) -> None:
        """Count one more article of ``site`` carrying each of ``lines`` (distinct)."""


class DedupStore(ABC):
    """A dedup backend; built from settings like Scrapy's ``DUPEFILTER_CLASS``."""

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        """Build from Scrapy settings (each backend reads its own ``DEDUP_*`` keys)."""
        return cls()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls.from_settings(crawler.settings)

    @abstractmethod
    def open(self, *, run_id: str, params: Mapping[str, int], now: float) -> None:
        """Open for a run: check integrity and hashing parameters, register the run,
        drop pending entries of dead runs."""

    @abstractmethod
    def close(self) -> None:
        """Release the backend; pending entries of this run stay pending."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[DedupTxn]:
        """One atomic check-and-insert (or a batch of them)."""

    @abstractmethod
    def line_counts(self, site: str, lines: Sequence[int]) -> dict[int, int]:
        """How many distinct articles of ``site`` carried each line hash (known ones only).
        Read outside a transaction, other processes' counts may change right after
        (learning is approximate by design); read inside one (same thread), it includes
        that transaction's own :meth:`DedupTxn.add_lines` (a batch decides as one
        document at a time)."""

    def boilerplate_lines(self, min_count: int) -> dict[str, frozenset[int]] | None:
        """Per site, the line hashes counted on at least ``min_count`` articles (None:
        this store cannot list them cheaply)."""
        return None

    @abstractmethod
    def commit_run(self, run_id: str) -> int:
        """Promote the run's pending entries to committed; returns how many."""

    @abstractmethod
    def heartbeat(self, run_id: str, now: float) -> None:
        """Tell other processes that ``run_id`` is still alive."""

    @abstractmethod
    def prune(self, *, before: float, urls_before: float) -> int:
        """Drop entries published (or, undated, added) before ``before`` and seen URLs
        last seen before ``urls_before``; returns the entries dropped."""

    @abstractmethod
    def seen_urls(self, urls: Iterable[str], *, include_pending: bool = False) -> set[str]:
        """Which of ``urls`` are stored (committed; with ``include_pending`` also pending)."""

    @abstractmethod
    def run_clusters(self, run_id: str | None, *, min_size: int = 1) -> list[str]:
        """Ids of the clusters holding entries of ``run_id`` (None: every cluster) and at
        least ``min_size`` entries."""

    @abstractmethod
    def cluster_entries(self, cluster_ids: Sequence[str]) -> dict[str, list[Entry]]:
        """Entries of each cluster (after merges), oldest first."""

    @abstractmethod
    def set_canonical(self, cluster_id: str, entry_id: int) -> None:
        """Make ``entry_id`` the canonical its cluster's later copies point to."""

    def size(self) -> int:
        """Number of stored entries (for stats and logs)."""
        return 0


def iter_chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]

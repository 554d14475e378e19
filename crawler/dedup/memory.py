"""MemoryStore: the whole index in this process's memory (tests, ``scrapy dedup``).

Policy: nothing is written to disk and nothing survives the process. Entries live
in column chunks (zero-allocated numpy arrays of 1,048,576 rows, so only rows written
take memory: an entry's four signatures side by side in one uint16 row, numbers as typed
columns), cluster members
as linked lists in integer arrays, the lookup keys in a
:class:`crawler.dedup.lsh.KeyIndex`, so an entry costs about 1.3 KB instead of the
several KB of Python objects. A process lock
makes each transaction atomic among threads. Site line counts are bounded: past
``line_limit`` distinct lines, lines seen on one article only are forgotten
(lossy counting keeps the lines that repeat).
"""

from __future__ import annotations

import sys
import threading
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from crawler.dedup.lsh import KeyIndex
from crawler.dedup.memory_txn import DEAD, MemoryTxn
from crawler.dedup.store_base import (
    COMMITTED,
    PENDING,
    U64,
    DedupStore,
    DedupTxn,
    Entry,
    split_packed,
)

#: Rows per column chunk (allocated zeroed: pages count once written; one chunk holds a
#: million entries, so that reading rows is one fancy index).
_SHIFT = 20
_CHUNK = 1 << _SHIFT
_NONE = np.iinfo(np.int64).min
_DEAD = DEAD


class _Column:
    """An append-only column in fixed-size numpy chunks (no copy on growth)."""

    def __init__(self, dtype: Any, width: int = 0) -> None:
        self.dtype = dtype
        self.width = width
        self.chunks: list[npt.NDArray[Any]] = []
        self.size = 0

    def append(self, value: Any) -> None:
        row, offset = divmod(self.size, _CHUNK)
        if row == len(self.chunks):
            shape = (_CHUNK, self.width) if self.width else (_CHUNK,)
            self.chunks.append(np.zeros(shape, dtype=self.dtype))
        self.chunks[row][offset] = value
        self.size += 1

    def __getitem__(self, index: int) -> Any:
        return self.chunks[index >> _SHIFT][index & (_CHUNK - 1)]

    def __setitem__(self, index: int, value: Any) -> None:
        self.chunks[index >> _SHIFT][index & (_CHUNK - 1)] = value

    def take(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        """Rows ``ids`` gathered into one array (one fancy index per chunk touched)."""
        shape = (len(ids), self.width) if self.width else (len(ids),)
        if len(self.chunks) == 1:
            return self.chunks[0][ids]
        out = np.empty(shape, dtype=self.dtype)
        chunk_of = ids >> _SHIFT
        for chunk in np.unique(chunk_of).tolist():
            sel = chunk_of == chunk
            out[sel] = self.chunks[chunk][ids[sel] & (_CHUNK - 1)]
        return out


class MemoryStore(DedupStore):
    """Everything in memory (see module docstring)."""

    def __init__(self, *, line_limit: int = 1 << 18) -> None:
        self.lock = threading.RLock()
        self.index = KeyIndex(buffer_limit=1 << 18)
        self.urls: list[str] = []
        self.sites: list[str | None] = []
        self.wires: list[tuple[str, ...]] = []
        self.anchors: list[bytes] = []
        self.runs: list[str] = []
        self.flags: dict[int, tuple[str | None, float | None, str | None, str | None]] = {}
        self.keys: dict[int, U64] = {}
        self.state = _Column(np.int8)
        self.cluster = _Column(np.int32)
        self.published = _Column(np.int64)
        self.added = _Column(np.int64)
        self.exact = _Column(np.uint64)
        self.sizes = _Column(np.int32, 3)  # words, shingles, lead shingles
        self.sigs: _Column | None = None  # the four signatures of an entry, side by side
        self.widths: tuple[int, int, int, int] = (0, 0, 0, 0)
        self.cluster_ids: list[str] = []
        self.cluster_index: dict[str, int] = {}
        self.cluster_canonical = array("q")
        self.cluster_parent = array("q")
        # members of each cluster as a linked list over entry ids (live ones counted)
        self.member_head = array("q")
        self.member_tail = array("q")
        self.member_live = array("q")
        self.member_next = array("q")
        self.cluster_merged: dict[int, list[str]] = {}
        self.live = 0
        self.dead = 0
        self.line_limit = line_limit
        self.lines: dict[tuple[str, int], int] = {}
        self._interned: dict[tuple[str, ...], tuple[str, ...]] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls()

    # -- rows -----------------------------------------------------------------

    def root(self, index: int) -> int:
        parent = self.cluster_parent
        top = index
        while parent[top] != top:
            top = parent[top]
        while parent[index] != top:  # path compression
            parent[index], index = top, parent[index]
        return top

    def live_members(self, root: int) -> list[int]:
        """Entry ids of the cluster with index ``root``, dropped ones left out."""
        out: list[int] = []
        member = self.member_head[root]
        while member >= 0:
            if self.state[member] != _DEAD:
                out.append(member)
            member = self.member_next[member]
        return out

    def join_members(self, root: int, other: int) -> None:
        """Append the members of cluster ``other`` to those of ``root``."""
        head = self.member_head[other]
        if head < 0:
            return
        if self.member_tail[root] < 0:
            self.member_head[root] = head
        else:
            self.member_next[self.member_tail[root]] = head
        self.member_tail[root] = self.member_tail[other]
        self.member_live[root] += self.member_live[other]
        self.member_head[other] = self.member_tail[other] = -1
        self.member_live[other] = 0

    def insert(self, entry: Entry, keys: U64) -> int:
        entry_id = len(self.urls)
        sigs = (entry.sig, entry.lead_sig, entry.loose_sig, entry.skeleton_sig)
        if self.sigs is None:
            self.widths = (len(sigs[0]), len(sigs[1]), len(sigs[2]), len(sigs[3]))
            self.sigs = _Column(np.uint16, sum(self.widths))
        self.urls.append(entry.url)
        self.sites.append(sys.intern(entry.site) if entry.site else None)
        self.wires.append(self._interned.setdefault(entry.wire, entry.wire))
        self.anchors.append(entry.anchors.astype(np.uint16).tobytes())
        self.runs.append(sys.intern(entry.run))
        if entry.cluster not in self.cluster_index:
            self.cluster_index[entry.cluster] = len(self.cluster_ids)
            self.cluster_ids.append(entry.cluster)
            self.cluster_canonical.append(entry_id)
            self.cluster_parent.append(len(self.cluster_ids) - 1)
            self.member_head.append(-1)
            self.member_tail.append(-1)
            self.member_live.append(0)
        cluster = self.root(self.cluster_index[entry.cluster])
        self.cluster.append(cluster)
        self.member_next.append(-1)
        if self.member_tail[cluster] < 0:
            self.member_head[cluster] = entry_id
        else:
            self.member_next[self.member_tail[cluster]] = entry_id
        self.member_tail[cluster] = entry_id
        self.member_live[cluster] += 1
        self.state.append(entry.state)
        self.published.append(_NONE if entry.published is None else entry.published)
        self.added.append(entry.added)
        self.exact.append(entry.exact)
        self.sizes.append((entry.words, entry.shingles, entry.lead_shingles))
        packed = entry.packed
        if packed is None or len(packed) != self.sigs.width:
            packed = np.concatenate(sigs)
        self.sigs.append(packed)
        if entry.relation or entry.duplicate_of or entry.update_of:
            self.flags[entry_id] = (
                entry.relation,
                entry.similarity,
                entry.duplicate_of,
                entry.update_of,
            )
        self.index.add(keys, entry_id)
        self.live += 1
        entry.id = entry_id
        return entry_id

    def entry(self, i: int) -> Entry:
        assert self.sigs is not None
        packed = self.sigs[i]
        sig, lead_sig, loose_sig, skeleton_sig = split_packed(packed, self.widths)
        published = int(self.published[i])
        words, shingles, lead = (int(v) for v in self.sizes[i])
        relation, similarity, duplicate_of, update_of = self.flags.get(i, (None, None, None, None))
        return Entry(
            id=i,
            url=self.urls[i],
            site=self.sites[i],
            published=None if published == _NONE else published,
            added=int(self.added[i]),
            wire=self.wires[i],
            cluster=self.cluster_ids[self.root(int(self.cluster[i]))],
            exact=int(self.exact[i]),
            words=words,
            shingles=shingles,
            lead_shingles=lead,
            sig=sig,
            lead_sig=lead_sig,
            loose_sig=loose_sig,
            skeleton_sig=skeleton_sig,
            anchors=np.frombuffer(self.anchors[i], dtype=np.uint16),
            state=int(self.state[i]),
            run=self.runs[i],
            relation=relation,
            similarity=similarity,
            duplicate_of=duplicate_of,
            update_of=update_of,
            packed=packed,
        )

    def add_lines(self, site: str, lines: Sequence[int]) -> None:
        for line in set(lines):
            key = (site, line)
            self.lines[key] = self.lines.get(key, 0) + 1
        if len(self.lines) > self.line_limit:
            self.lines = {k: n for k, n in self.lines.items() if n > 1}

    # -- DedupStore -------------------------------------------------------------

    def open(self, *, run_id: str, params: Mapping[str, int], now: float) -> None:
        self.run_id = run_id

    def close(self) -> None:
        self.index.flush()

    @contextmanager
    def transaction(self) -> Iterator[DedupTxn]:
        with self.lock:
            yield MemoryTxn(self)

    def line_counts(self, site: str, lines: Sequence[int]) -> dict[int, int]:
        with self.lock:
            return {h: n for h in lines if (n := self.lines.get((site, h), 0))}

    def boilerplate_lines(self, min_count: int) -> dict[str, frozenset[int]] | None:
        found: dict[str, set[int]] = {}
        with self.lock:
            for (site, line), n in self.lines.items():
                if n >= min_count:
                    found.setdefault(site, set()).add(line)
        return {site: frozenset(lines) for site, lines in found.items()}

    def commit_run(self, run_id: str) -> int:
        count = 0
        with self.lock:
            for i, run in enumerate(self.runs):
                if run == run_id and self.state[i] == PENDING:
                    self.state[i] = COMMITTED
                    count += 1
        return count

    def heartbeat(self, run_id: str, now: float) -> None:
        return None

    def prune(self, *, before: float, urls_before: float) -> int:
        with self.lock:
            dead = [
                i
                for i in range(len(self.urls))
                if self.state[i] != _DEAD
                and (
                    int(self.published[i])
                    if int(self.published[i]) != _NONE
                    else int(self.added[i])
                )
                < before
            ]
            self._drop(dead)
        return len(dead)

    def _drop(self, ids: Sequence[int]) -> None:
        for i in ids:
            self.state[i] = _DEAD
            self.live -= 1
            self.dead += 1
            cluster = self.root(int(self.cluster[i]))
            self.member_live[cluster] -= 1
            members = self.live_members(cluster)
            if self.cluster_canonical[cluster] == i and members:
                self.cluster_canonical[cluster] = min(members)
        self.index.remove(set(ids))

    def seen_urls(self, urls: Iterable[str], *, include_pending: bool = False) -> set[str]:
        txn = MemoryTxn(self)
        seen: set[str] = set()
        with self.lock:
            for url in urls:
                entry = txn.url_entry(url)
                if entry is not None and (include_pending or entry.state == COMMITTED):
                    seen.add(url)
        return seen

    def run_clusters(self, run_id: str | None, *, min_size: int = 1) -> list[str]:
        with self.lock:
            roots = [
                root
                for root in range(len(self.cluster_ids))
                if self.member_live[root] >= min_size
                and self.cluster_parent[root] == root
                and any(run_id is None or self.runs[i] == run_id for i in self.live_members(root))
            ]
            return [self.cluster_ids[r] for r in sorted(roots)]

    def cluster_entries(self, cluster_ids: Sequence[str]) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        with self.lock:
            for cid in cluster_ids:
                root = self.root(self.cluster_index[cid])
                members = sorted(self.live_members(root))
                out[self.cluster_ids[root]] = [self.entry(i) for i in members]
        return out

    def set_canonical(self, cluster_id: str, entry_id: int) -> None:
        with self.lock:
            self.cluster_canonical[self.root(self.cluster_index[cluster_id])] = entry_id

    def cluster_canonical_url(self, cluster_id: str) -> str:
        root = self.root(self.cluster_index[cluster_id])
        return self.urls[self.cluster_canonical[root]]

    def size(self) -> int:
        return self.live

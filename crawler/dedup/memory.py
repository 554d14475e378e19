"""MemoryStore: the whole index in this process's memory (tests, ``scrapy dedup``).

Policy: nothing is written to disk and nothing survives the process. Entries live
in column chunks (numpy arrays of 16,384 rows: signatures as uint16 rows, numbers
as typed columns), the lookup keys in a :class:`crawler.dedup.lsh.KeyIndex`, so an
entry costs about 1 KB instead of the several KB of Python objects. A process lock
makes each transaction atomic among threads. Site line counts are bounded: past
``line_limit`` distinct lines, lines seen on one article only are forgotten
(lossy counting keeps the lines that repeat).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from crawler.dedup.features import url_key
from crawler.dedup.lsh import KeyIndex, ranked
from crawler.dedup.store_base import (
    COMMITTED,
    KEY_CAP,
    PENDING,
    U64,
    Cluster,
    Columns,
    DedupStore,
    DedupTxn,
    Entry,
)

_CHUNK = 1 << 14
_NONE = np.iinfo(np.int64).min
_DEAD = -1


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
        return self.chunks[index >> 14][index & (_CHUNK - 1)]

    def __setitem__(self, index: int, value: Any) -> None:
        self.chunks[index >> 14][index & (_CHUNK - 1)] = value

    def take(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
        """Rows ``ids`` gathered into one array (one fancy index per chunk touched)."""
        shape = (len(ids), self.width) if self.width else (len(ids),)
        if len(self.chunks) == 1:
            return self.chunks[0][ids]
        out = np.empty(shape, dtype=self.dtype)
        chunk_of = ids >> 14
        for chunk in np.unique(chunk_of).tolist():
            sel = chunk_of == chunk
            out[sel] = self.chunks[chunk][ids[sel] & (_CHUNK - 1)]
        return out


class _Txn(DedupTxn):
    def __init__(self, store: MemoryStore) -> None:
        self.s = store

    def url_entry(self, url: str) -> Entry | None:
        s = self.s
        ids = s.index.lookup(np.array([url_key(url)], dtype=np.uint64)).tolist()
        live = [i for i in ids if s.urls[i] == url and s.state[i] != _DEAD]
        return s.entry(max(live)) if live else None

    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        s = self.s
        from crawler.dedup.features import KIND_EXACT, scalar_key

        ids = s.index.lookup(np.array([scalar_key(exact, KIND_EXACT)], dtype=np.uint64))
        hits = sorted(i for i in set(ids.tolist()) if s.exact[i] == exact and s.state[i] != _DEAD)
        return [s.entry(i) for i in hits[:limit]]

    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        s = self.s
        found = s.index.lookup(keys, KEY_CAP)
        if s.dead and len(found):
            found = found[s.state.take(found) != _DEAD]
        return ranked(found, limit)

    def columns(self, ids: Sequence[int]) -> Columns:
        s = self.s
        if not len(ids) or s.sig is None:
            return Columns.from_entries([])
        assert s.sig is not None and s.lead_sig is not None
        assert s.loose_sig is not None and s.skeleton_sig is not None
        rows = np.array(ids, dtype=np.int64)
        if s.dead and len(rows):
            rows = rows[s.state.take(rows) != _DEAD]
        sizes = s.sizes.take(rows).astype(np.int64)
        idx = rows.tolist()
        return Columns(
            ids=rows,
            sig=s.sig.take(rows),
            lead_sig=s.lead_sig.take(rows),
            loose_sig=s.loose_sig.take(rows),
            skeleton_sig=s.skeleton_sig.take(rows),
            words=sizes[:, 0] if len(rows) else np.zeros(0, np.int64),
            shingles=sizes[:, 1] if len(rows) else np.zeros(0, np.int64),
            lead_shingles=sizes[:, 2] if len(rows) else np.zeros(0, np.int64),
            published=s.published.take(rows),
            wire=[s.wires[i] for i in idx],
            anchors=[np.frombuffer(s.anchors[i], dtype=np.uint16) for i in idx],
        )

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        return [
            self.s.entry(i) for i in ids if 0 <= i < len(self.s.urls) and self.s.state[i] != _DEAD
        ]

    def insert(self, entry: Entry, keys: U64) -> int:
        return self.s.insert(entry, keys)

    def cluster(self, cluster_id: str) -> Cluster | None:
        s = self.s
        index = s.cluster_index.get(cluster_id)
        if index is None:
            return None
        root = s.root(index)
        merged = list(s.cluster_merged.get(root, ()))
        return Cluster(s.cluster_ids[root], s.cluster_canonical[root], merged)

    def touch_url(self, url: str) -> None:
        return None

    def merge_clusters(self, into: str, others: Sequence[str]) -> None:
        s = self.s
        root = s.root(s.cluster_index[into])
        for other in others:
            index = s.root(s.cluster_index[other])
            if index == root:
                continue
            s.cluster_parent[index] = root
            s.cluster_members[root].extend(s.cluster_members.pop(index, []))
            s.cluster_merged.setdefault(root, []).extend(
                [s.cluster_ids[index], *s.cluster_merged.pop(index, [])]
            )

    def add_lines(self, site: str, lines: Sequence[int]) -> None:
        self.s.add_lines(site, lines)


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
        self.sig: _Column | None = None
        self.lead_sig: _Column | None = None
        self.loose_sig: _Column | None = None
        self.skeleton_sig: _Column | None = None
        self.cluster_ids: list[str] = []
        self.cluster_index: dict[str, int] = {}
        self.cluster_canonical: list[int] = []
        self.cluster_parent: list[int] = []
        self.cluster_members: dict[int, list[int]] = {}
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

    def insert(self, entry: Entry, keys: U64) -> int:
        entry_id = len(self.urls)
        if self.sig is None:
            self.sig = _Column(np.uint16, len(entry.sig))
            self.lead_sig = _Column(np.uint16, len(entry.lead_sig))
            self.loose_sig = _Column(np.uint16, len(entry.loose_sig))
            self.skeleton_sig = _Column(np.uint16, len(entry.skeleton_sig))
        assert self.lead_sig is not None and self.loose_sig is not None
        assert self.skeleton_sig is not None
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
            self.cluster_members[len(self.cluster_ids) - 1] = []
        cluster = self.root(self.cluster_index[entry.cluster])
        self.cluster.append(cluster)
        self.cluster_members[cluster].append(entry_id)
        self.state.append(entry.state)
        self.published.append(_NONE if entry.published is None else entry.published)
        self.added.append(entry.added)
        self.exact.append(entry.exact)
        self.sizes.append((entry.words, entry.shingles, entry.lead_shingles))
        self.sig.append(entry.sig)
        self.lead_sig.append(entry.lead_sig)
        self.loose_sig.append(entry.loose_sig)
        self.skeleton_sig.append(entry.skeleton_sig)
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
        assert self.sig is not None and self.lead_sig is not None and self.loose_sig is not None
        assert self.skeleton_sig is not None
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
            sig=self.sig[i],
            lead_sig=self.lead_sig[i],
            loose_sig=self.loose_sig[i],
            skeleton_sig=self.skeleton_sig[i],
            anchors=np.frombuffer(self.anchors[i], dtype=np.uint16),
            state=int(self.state[i]),
            run=self.runs[i],
            relation=relation,
            similarity=similarity,
            duplicate_of=duplicate_of,
            update_of=update_of,
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
            yield _Txn(self)

    def line_counts(self, site: str, lines: Sequence[int]) -> dict[int, int]:
        with self.lock:
            return {h: n for h in lines if (n := self.lines.get((site, h), 0))}

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
            members = self.cluster_members[cluster]
            if i in members:
                members.remove(i)
            if self.cluster_canonical[cluster] == i and members:
                self.cluster_canonical[cluster] = min(members)
        self.index.remove(set(ids))

    def seen_urls(self, urls: Iterable[str], *, include_pending: bool = False) -> set[str]:
        txn = _Txn(self)
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
                for root, members in self.cluster_members.items()
                if len(members) >= min_size
                and self.cluster_parent[root] == root
                and any(
                    self.state[i] != _DEAD and (run_id is None or self.runs[i] == run_id)
                    for i in members
                )
            ]
            return [self.cluster_ids[r] for r in sorted(roots)]

    def cluster_entries(self, cluster_ids: Sequence[str]) -> dict[str, list[Entry]]:
        out: dict[str, list[Entry]] = {}
        with self.lock:
            for cid in cluster_ids:
                root = self.root(self.cluster_index[cid])
                members = sorted(i for i in self.cluster_members[root] if self.state[i] != _DEAD)
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

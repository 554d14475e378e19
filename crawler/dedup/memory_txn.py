"""The memory store's transaction (:class:`DedupTxn`): every read and write of one
check-and-insert, under the process lock :class:`crawler.dedup.memory.MemoryStore` holds.
The lookup keys a check announces (:meth:`DedupTxn.prefetch`) are read from the index at
once; later lookups of those keys use what was read until the next insert. For a batch of
checks (:meth:`DedupTxn.prefetch_batch`), the sorted shards' part of every check's keys is
read in one pass first (inserts only change the buffer, until a merge: then the rest of
the batch is read again), so each check reads only the buffer itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from crawler.dedup.features import url_key
from crawler.dedup.lsh import BatchReads, Postings, ranked
from crawler.dedup.minhash import KIND_EXACT, scalar_key
from crawler.dedup.store_base import (
    KEY_CAP,
    U64,
    Anchors,
    Cluster,
    Columns,
    DedupTxn,
    Entry,
    split_packed,
)

if TYPE_CHECKING:
    from crawler.dedup.memory import MemoryStore

#: State of a dropped entry.
DEAD = -1
#: Ids per key the URL and exact lookups consider (the newest).
_WIDE_CAP = 256


class MemoryTxn(DedupTxn):
    def __init__(self, store: MemoryStore) -> None:
        self.s = store
        self.postings: Postings | None = None
        self.queries: Sequence[tuple[U64, U64]] = ()
        self.order: dict[int, int] = {}
        self.reads: BatchReads | None = None
        self.reads_from = 0

    def prefetch_batch(self, queries: Sequence[tuple[U64, U64]]) -> None:
        self.queries = queries
        self.order = {id(keys): i for i, (keys, _) in enumerate(queries)}
        self.reads = self.s.index.batch(queries, KEY_CAP, _WIDE_CAP)
        self.reads_from = 0

    def prefetch(self, keys: U64, wide: U64) -> None:
        index = self.s.index
        i = self.order.get(id(keys), -1)
        if self.reads is None or i < self.reads_from or wide is not self.queries[i][1]:
            self.postings = index.postings(keys, KEY_CAP, wide, _WIDE_CAP)
            return
        if self.reads.flushes != index.flushes:  # the shards changed: read the rest again
            self.reads = index.batch(self.queries[i:], KEY_CAP, _WIDE_CAP)
            self.reads_from = i
        self.postings = index.assemble(*self.reads.check(i - self.reads_from))

    def _lookup(self, keys: U64, cap: int) -> npt.NDArray[np.int64]:
        found = self.postings.gather(keys, cap) if self.postings is not None else None
        return found if found is not None else self.s.index.lookup(keys, cap)

    def _single(self, key: int) -> list[int]:
        found = self.postings.single(key, _WIDE_CAP) if self.postings is not None else None
        if found is None:
            return self.s.index.lookup(np.array([key], dtype=np.uint64), _WIDE_CAP).tolist()
        return found

    def url_entry(self, url: str) -> Entry | None:
        s = self.s
        ids = self._single(url_key(url))
        live = [i for i in ids if s.urls[i] == url and s.state[i] != DEAD]
        return s.entry(max(live)) if live else None

    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        s = self.s
        ids = self._single(scalar_key(exact, KIND_EXACT))
        hits = sorted(i for i in set(ids) if s.exact[i] == exact and s.state[i] != DEAD)
        return [s.entry(i) for i in hits[:limit]]

    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        s = self.s
        found = self._lookup(keys, KEY_CAP)
        if s.dead and len(found):
            found = found[s.state.take(found) != DEAD]
        return ranked(found, limit)

    def columns(self, ids: Sequence[int]) -> Columns:
        s = self.s
        if not len(ids) or s.sigs is None:
            return Columns.from_entries([])
        rows = np.array(ids, dtype=np.int64)
        if s.dead and len(rows):
            rows = rows[s.state.take(rows) != DEAD]
        sizes = s.sizes.take(rows).astype(np.int64)
        idx = rows.tolist()
        packed = s.sigs.take(rows)
        sig, lead_sig, loose_sig, skeleton_sig = split_packed(packed, s.widths)
        return Columns(
            ids=rows,
            sig=sig,
            lead_sig=lead_sig,
            loose_sig=loose_sig,
            skeleton_sig=skeleton_sig,
            words=sizes[:, 0] if len(rows) else np.zeros(0, np.int64),
            shingles=sizes[:, 1] if len(rows) else np.zeros(0, np.int64),
            lead_shingles=sizes[:, 2] if len(rows) else np.zeros(0, np.int64),
            published=s.published.take(rows),
            wire=[s.wires[i] for i in idx],
            anchors=Anchors([s.anchors[i] for i in idx]),
            packed=packed,
            sites=[s.sites[i] for i in idx],
        )

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        return [
            self.s.entry(i) for i in ids if 0 <= i < len(self.s.urls) and self.s.state[i] != DEAD
        ]

    def insert(self, entry: Entry, keys: U64) -> int:
        self.postings = None
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
            s.join_members(root, index)
            s.cluster_merged.setdefault(root, []).extend(
                [s.cluster_ids[index], *s.cluster_merged.pop(index, [])]
            )

    def add_lines(self, site: str, lines: Sequence[int]) -> None:
        self.s.add_lines(site, lines)

"""The memory store's transaction (:class:`DedupTxn`): every read and write of one
check-and-insert, under the process lock :class:`crawler.dedup.memory.MemoryStore` holds.
The lookup keys a check announces (:meth:`DedupTxn.prefetch`) are read from the index
at once; later lookups of those keys use what was read until the next insert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from crawler.dedup.features import url_key
from crawler.dedup.lsh import Postings, key32, ranked
from crawler.dedup.store_base import KEY_CAP, U64, Cluster, Columns, DedupTxn, Entry

if TYPE_CHECKING:
    from crawler.dedup.memory import MemoryStore

#: State of a dropped entry.
DEAD = -1
#: Ids per key the URL and exact lookups consider (the newest).
_WIDE_CAP = 256


class MemoryTxn(DedupTxn):
    def __init__(self, store: MemoryStore) -> None:
        self.s = store
        self.fetched: set[int] = set()
        self.fetched_wide: set[int] = set()
        self.postings: Postings | None = None

    def prefetch(self, keys: U64, wide: U64) -> None:
        self.postings = self.s.index.postings(keys, KEY_CAP, wide, _WIDE_CAP)
        self.fetched = set(key32(keys).tolist())
        self.fetched_wide = set(key32(wide).tolist())

    def _lookup(self, keys: U64, cap: int) -> npt.NDArray[np.int64]:
        wanted = key32(keys).tolist()
        fetched = self.fetched if cap <= KEY_CAP else self.fetched_wide
        if self.postings is not None and cap <= _WIDE_CAP and fetched.issuperset(wanted):
            if self.postings.found.isdisjoint(wanted):
                return np.zeros(0, dtype=np.int64)
            return self.postings.gather(keys, cap)
        return self.s.index.lookup(keys, cap)

    def url_entry(self, url: str) -> Entry | None:
        s = self.s
        ids = self._lookup(np.array([url_key(url)], dtype=np.uint64), _WIDE_CAP).tolist()
        live = [i for i in ids if s.urls[i] == url and s.state[i] != DEAD]
        return s.entry(max(live)) if live else None

    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        s = self.s
        from crawler.dedup.features import KIND_EXACT, scalar_key

        ids = self._lookup(np.array([scalar_key(exact, KIND_EXACT)], dtype=np.uint64), _WIDE_CAP)
        hits = sorted(i for i in set(ids.tolist()) if s.exact[i] == exact and s.state[i] != DEAD)
        return [s.entry(i) for i in hits[:limit]]

    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        s = self.s
        found = self._lookup(keys, KEY_CAP)
        if s.dead and len(found):
            found = found[s.state.take(found) != DEAD]
        return ranked(found, limit)

    def columns(self, ids: Sequence[int]) -> Columns:
        s = self.s
        if not len(ids) or s.sig is None:
            return Columns.from_entries([])
        assert s.sig is not None and s.lead_sig is not None
        assert s.loose_sig is not None and s.skeleton_sig is not None
        rows = np.array(ids, dtype=np.int64)
        if s.dead and len(rows):
            rows = rows[s.state.take(rows) != DEAD]
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
            self.s.entry(i) for i in ids if 0 <= i < len(self.s.urls) and self.s.state[i] != DEAD
        ]

    def insert(self, entry: Entry, keys: U64) -> int:
        self.fetched, self.fetched_wide, self.postings = set(), set(), None
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

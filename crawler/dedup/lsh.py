"""A compact in-memory multimap from 63-bit keys to entry ids (the memory store's index).

Why not a dict of sets (datasketch's ``MinHashLSH``): a Python dict entry plus a
set costs well over 100 bytes per (key, item) pair; with ~50 keys per item that is
several KB per item. Here each pair is one packed ``uint64`` — the key's top 32
bits and the entry id in the low 32 — kept in 4 sorted numpy arrays (sharded by
key, so a merge copies a quarter of the index at a time) plus a small dict buffer for recent
inserts. Lookups are ``np.searchsorted`` per shard; merges insert a sorted buffer
with ``np.insert``. That is 8 bytes per pair, plus a bounded buffer.

Keys are truncated to 32 bits, so a lookup can return an id whose full key differs
(about one spurious id per 4 billion stored pairs per key looked up); callers
verify every candidate anyway.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_SHARDS = 4
_SHARD_SHIFT = np.uint64(30)
_LOW = np.uint64(0xFFFFFFFF)


_SHARD_IDS = np.arange(_SHARDS + 1, dtype=np.uint64)
_32 = np.uint64(32)


def _key32(keys: U64) -> U64:
    return (keys.astype(np.uint64) >> np.uint64(31)) & _LOW


class KeyIndex:
    """Key -> entry ids (see module docstring). Ids must fit in 32 bits."""

    def __init__(self, buffer_limit: int = 1 << 20) -> None:
        self.shards: list[U64] = [np.zeros(0, dtype=np.uint64) for _ in range(_SHARDS)]
        self.buffer: dict[int, list[int]] = {}
        self.buffered = 0
        self.buffer_limit = buffer_limit

    def __len__(self) -> int:
        return sum(len(s) for s in self.shards) + self.buffered

    def add(self, keys: U64, entry_id: int) -> None:
        """Index ``entry_id`` under each of ``keys``."""
        for key in _key32(keys).tolist():
            self.buffer.setdefault(key, []).append(entry_id)
        self.buffered += len(keys)
        if self.buffered >= self.buffer_limit:
            self.flush()

    def flush(self) -> None:
        """Merge the buffer into the sorted shards."""
        if not self.buffer:
            return
        keys = np.fromiter(
            (k for k, ids in self.buffer.items() for _ in ids), dtype=np.uint64, count=self.buffered
        )
        ids = np.fromiter(
            (i for v in self.buffer.values() for i in v), dtype=np.uint64, count=self.buffered
        )
        packed = np.sort((keys << np.uint64(32)) | ids)
        self.buffer, self.buffered = {}, 0
        shard_of = (packed >> np.uint64(32)) >> _SHARD_SHIFT
        bounds = np.searchsorted(shard_of, np.arange(_SHARDS + 1, dtype=np.uint64))
        for shard in range(_SHARDS):
            part = packed[bounds[shard] : bounds[shard + 1]]
            if len(part):
                current = self.shards[shard]
                self.shards[shard] = np.insert(current, np.searchsorted(current, part), part)

    def lookup(self, keys: U64, cap: int = 256) -> I64:
        """Ids stored under any of ``keys`` (an id appears once per shared key); at most
        the ``cap`` newest ids per key."""
        found: list[npt.NDArray[np.uint64]] = []
        k32 = np.sort(_key32(keys))
        lows = k32 << np.uint64(32)
        bounds = np.searchsorted(k32 >> _SHARD_SHIFT, _SHARD_IDS).tolist()
        for shard in range(_SHARDS):
            current = self.shards[shard]
            if bounds[shard] == bounds[shard + 1] or not len(current):
                continue
            sel = lows[bounds[shard] : bounds[shard + 1]]
            lo = current.searchsorted(sel, side="left")
            inside = np.flatnonzero(lo < len(current))
            match = inside[(current[lo[inside]] >> _32) == (sel[inside] >> _32)]
            if not len(match):
                continue
            hi = current.searchsorted(sel[match] | _LOW, side="right")
            for start, end in zip(lo[match].tolist(), hi.tolist(), strict=True):
                found.append(current[max(start, end - cap) : end] & _LOW)
        extra: list[int] = []
        if self.buffer:
            for key in k32.tolist():
                ids = self.buffer.get(key)
                if ids:
                    extra.extend(ids[-cap:])
        if extra:
            found.append(np.array(extra, dtype=np.uint64))
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(found).astype(np.int64)

    def remove(self, ids: Collection[int]) -> None:
        """Forget every pair of the given entry ids."""
        if not ids:
            return
        self.flush()
        dead = np.fromiter(ids, dtype=np.uint64, count=len(ids))
        for shard, current in enumerate(self.shards):
            if len(current):
                self.shards[shard] = current[~np.isin(current & _LOW, dead)]

    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.shards)


def ranked(ids: I64, limit: int, exclude: Collection[int] = ()) -> list[tuple[int, int]]:
    """``(id, hits)`` for the ids found, most hits first then newest, at most ``limit``."""
    if not len(ids):
        return []
    unique, counts = np.unique(ids, return_counts=True)
    order = np.lexsort((-unique, -counts))
    out: list[tuple[int, int]] = []
    for i in order.tolist():
        entry_id = int(unique[i])
        if entry_id in exclude:
            continue
        out.append((entry_id, int(counts[i])))
        if len(out) >= limit:
            break
    return out

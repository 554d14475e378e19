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
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_SHARDS = 4
_SHARD_SHIFT = np.uint64(30)
_LOW = np.uint64(0xFFFFFFFF)


_SHARD_IDS = np.arange(_SHARDS + 1, dtype=np.uint64)
_32 = np.uint64(32)


def key32(keys: U64) -> U64:
    """The 32 bits of each 63-bit key the index keeps."""
    return (keys.astype(np.uint64) >> np.uint64(31)) & _LOW


def unique32(values: U64) -> U64:
    """Sorted distinct values."""
    if len(values) < 2:
        return values
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def take_ranges(values: npt.NDArray[Any], starts: I64, lengths: I64) -> npt.NDArray[Any]:
    """``values[starts[i] : starts[i] + lengths[i]]`` for every i, concatenated."""
    total = int(lengths.sum())
    if not total:
        return values[:0]
    offsets = np.cumsum(lengths) - lengths
    return values[np.repeat(starts - offsets, lengths) + np.arange(total)]


class Postings:
    """The ids found under a set of keys, per key: a part from the sorted shards and a
    part from the buffer, each oldest first (flat arrays with a start and a length per key)."""

    def __init__(
        self,
        keys: U64,
        any_found: bool,
        main: I64,
        main_start: I64,
        main_len: I64,
        buffer: I64,
        buffer_start: I64,
        buffer_len: I64,
    ) -> None:
        self.keys = keys
        self.any_found = any_found
        self.found: set[int] = (
            set(keys[(main_len + buffer_len) > 0].tolist()) if any_found else set()
        )
        self.parts = ((main, main_start, main_len), (buffer, buffer_start, buffer_len))

    def gather(self, keys: U64, cap: int) -> I64:
        """Ids under each of ``keys`` (once per occurrence of a key; keys not fetched have
        none), at most the ``cap`` newest of each part."""
        if not self.any_found or not len(keys):
            return np.zeros(0, dtype=np.int64)
        wanted = key32(keys)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        at = at[self.keys[at] == wanted]
        found = []
        for flat, start, length in self.parts:
            full = length[at]
            size = np.minimum(full, cap)
            found.append(take_ranges(flat, start[at] + full - size, size))
        return np.concatenate(found)


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
        for key in key32(keys).tolist():
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

    def postings(
        self, keys: U64, cap: int = 256, wide: U64 | None = None, wide_cap: int = 0
    ) -> Postings:
        """The ids stored under each distinct 32-bit key of ``keys`` (:func:`key32`): at
        most the ``cap`` newest of the sorted shards and the ``cap`` newest of the buffer
        (``wide_cap`` for the keys also in ``wide``)."""
        k32 = unique32(key32(keys))
        count = len(k32)
        caps = np.full(count, cap, dtype=np.int64)
        if wide is not None and len(wide) and count:
            at = np.minimum(np.searchsorted(k32, key32(wide)), count - 1)
            caps[at[k32[at] == key32(wide)]] = max(cap, wide_cap)
        main_start = np.zeros(count, dtype=np.int64)
        main_len = np.zeros(count, dtype=np.int64)
        main: list[I64] = []
        offset = 0
        bounds = np.searchsorted(k32 >> _SHARD_SHIFT, _SHARD_IDS).tolist()
        for shard in range(_SHARDS):
            current = self.shards[shard]
            first, last = bounds[shard], bounds[shard + 1]
            if first == last or not len(current):
                continue
            sel = k32[first:last] << _32
            lo = current.searchsorted(sel, side="left")
            hi = current.searchsorted(sel | _LOW, side="right")
            if not (hi > lo).any():
                continue
            length = np.minimum(hi - lo, caps[first:last]).astype(np.int64)
            taken = take_ranges(current, hi - length, length)
            main.append((taken & _LOW).astype(np.int64))
            ends = np.cumsum(length)
            main_start[first:last] = offset + ends - length
            main_len[first:last] = length
            offset += int(ends[-1]) if len(ends) else 0
        buf_start = np.zeros(count, dtype=np.int64)
        buf_len = np.zeros(count, dtype=np.int64)
        flat: list[int] = []
        if self.buffer:
            for i, key in enumerate(k32.tolist()):
                ids = self.buffer.get(key)
                if ids:
                    part = ids[-int(caps[i]) :]
                    buf_start[i], buf_len[i] = len(flat), len(part)
                    flat.extend(part)
        return Postings(
            k32,
            bool(main) or bool(flat),
            np.concatenate(main) if main else np.zeros(0, dtype=np.int64),
            main_start,
            main_len,
            np.array(flat, dtype=np.int64),
            buf_start,
            buf_len,
        )

    def lookup(self, keys: U64, cap: int = 256) -> I64:
        """Ids stored under any of ``keys`` (an id appears once per shared key); at most
        the ``cap`` newest ids per key (see :meth:`postings`)."""
        return self.postings(keys, cap).gather(keys, cap)

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

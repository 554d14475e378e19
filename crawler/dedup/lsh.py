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

from collections.abc import Collection, Sequence
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
_31 = np.uint64(31)


def key32(keys: U64) -> U64:
    """The 32 bits of each 63-bit key the index keeps."""
    return (np.asarray(keys, dtype=np.uint64) >> _31) & _LOW


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
    part from the buffer, each oldest first (one flat array; a start and a length per key
    and part), each read with at most ``caps`` ids per key."""

    def __init__(self, keys: U64, caps: I64, ids: I64, starts: I64, lengths: I64) -> None:
        self.keys = keys
        self.caps = caps
        self.ids = ids
        self.starts = starts  # (keys, 2): shards' part, buffer's part
        self.lengths = lengths
        self.any_found = bool(len(ids))
        self.total = lengths.sum(axis=1) if self.any_found else np.zeros(len(keys), np.int64)
        self.min_cap = int(caps.min()) if len(caps) else 0

    def gather(self, keys: U64, cap: int) -> I64 | None:
        """Ids under each of ``keys`` (once per occurrence of a key), at most the ``cap``
        newest of each part; None unless every key was read with at least ``cap`` ids."""
        if not len(keys):
            return np.zeros(0, dtype=np.int64)
        if not len(self.keys):
            return None
        wanted = key32(keys)
        at = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        if not bool((self.keys[at] == wanted).all()) or not self._complete(at, cap):
            return None
        if not self.any_found or not self.total[at].any():
            return np.zeros(0, dtype=np.int64)
        full = self.lengths[at]
        size = np.minimum(full, cap)
        return take_ranges(self.ids, (self.starts[at] + full - size).ravel(), size.ravel())

    def _complete(self, at: npt.NDArray[np.intp], cap: int) -> bool:
        """Keys at ``at`` were read with at least ``cap`` ids each, or all of theirs."""
        if cap <= self.min_cap:
            return True
        caps = self.caps[at]
        if bool((caps >= cap).all()):
            return True
        short = (self.lengths[at] < caps[:, None]).all(axis=1)
        return bool(((caps >= cap) | short).all())

    def single(self, key: int, cap: int) -> list[int] | None:
        """:meth:`gather` of one 63-bit key, as a list."""
        k = (key >> 31) & 0xFFFFFFFF
        i = int(np.searchsorted(self.keys, k)) if len(self.keys) else 0
        if i >= len(self.keys) or int(self.keys[i]) != k:
            return None
        if not self.any_found or not self.total[i]:
            return []  # nothing stored under it: complete whatever the cap
        if cap > self.min_cap and not self._complete(np.array([i]), cap):
            return None
        out: list[int] = []
        for first, size in zip(self.starts[i].tolist(), self.lengths[i].tolist(), strict=True):
            if size:
                out += self.ids[first + size - min(size, cap) : first + size].tolist()
        return out


class BatchReads:
    """The sorted shards' part of the postings of every check of a batch, read at once
    (:meth:`KeyIndex.batch`): each check's distinct keys, their caps and their newest ids,
    valid until the shards change (:attr:`KeyIndex.flushes`)."""

    def __init__(
        self, keys: U64, caps: I64, ids: I64, lengths: I64, bounds: list[int], flushes: int
    ) -> None:
        self.keys, self.caps, self.ids, self.lengths = keys, caps, ids, lengths
        self.offsets = np.concatenate(([0], np.cumsum(lengths)))
        self.bounds = bounds  # check i owns keys bounds[i]:bounds[i + 1]
        self.flushes = flushes

    def check(self, i: int) -> tuple[U64, I64, I64, I64, I64]:
        """(sorted distinct keys, caps, ids, start and length per key) of check ``i``."""
        a, b = self.bounds[i], self.bounds[i + 1]
        first, last = int(self.offsets[a]), int(self.offsets[b])
        starts = self.offsets[a:b] - first
        return self.keys[a:b], self.caps[a:b], self.ids[first:last], starts, self.lengths[a:b]


class KeyIndex:
    """Key -> entry ids (see module docstring). Ids must fit in 32 bits."""

    def __init__(self, buffer_limit: int = 1 << 20) -> None:
        self.shards: list[U64] = [np.zeros(0, dtype=np.uint64) for _ in range(_SHARDS)]
        self.buffer: dict[int, int | list[int]] = {}  # one id, or several oldest first
        self.buffered = 0
        self.buffer_limit = buffer_limit
        self.flushes = 0  # changes of the sorted shards

    def __len__(self) -> int:
        return sum(len(s) for s in self.shards) + self.buffered

    def add(self, keys: U64, entry_id: int) -> None:
        """Index ``entry_id`` under each of ``keys``."""
        buffer = self.buffer
        get = buffer.get
        for key in key32(keys).tolist():
            old = get(key)
            if old is None:
                buffer[key] = entry_id
            elif isinstance(old, int):
                buffer[key] = [old, entry_id]
            else:
                old.append(entry_id)
        self.buffered += len(keys)
        if self.buffered >= self.buffer_limit:
            self.flush()

    def flush(self) -> None:
        """Merge the buffer into the sorted shards."""
        if not self.buffer:
            return
        flat_keys: list[int] = []
        flat_ids: list[int] = []
        for key, found in self.buffer.items():
            if isinstance(found, int):
                flat_keys.append(key)
                flat_ids.append(found)
            else:
                flat_keys += [key] * len(found)
                flat_ids += found
        keys = np.array(flat_keys, dtype=np.uint64)
        ids = np.array(flat_ids, dtype=np.uint64)
        packed = np.sort((keys << np.uint64(32)) | ids)
        self.buffer, self.buffered = {}, 0
        self.flushes += 1
        shard_of = (packed >> np.uint64(32)) >> _SHARD_SHIFT
        bounds = np.searchsorted(shard_of, np.arange(_SHARDS + 1, dtype=np.uint64))
        for shard in range(_SHARDS):
            part = packed[bounds[shard] : bounds[shard + 1]]
            if len(part):
                current = self.shards[shard]
                self.shards[shard] = np.insert(current, np.searchsorted(current, part), part)

    def main_part(self, k32: U64, caps: I64) -> tuple[I64, I64, I64]:
        """The newest ``caps[i]`` ids of the sorted shards under each of the sorted distinct
        32-bit keys ``k32``, as (flat ids, start per key, length per key)."""
        count = len(k32)
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
        flat = np.concatenate(main) if main else np.zeros(0, dtype=np.int64)
        return flat, main_start, main_len

    def batch(self, queries: Sequence[tuple[U64, U64]], cap: int, wide_cap: int) -> BatchReads:
        """The shards' part of :meth:`postings` ``(keys, cap, wide, wide_cap)`` of each of
        ``queries`` (``(keys, wide)``), read at once."""
        sizes = [len(keys) for keys, _ in queries]
        wide_sizes = [len(wide) for _, wide in queries]
        checks = np.arange(len(queries), dtype=np.uint64)
        pairs = (np.repeat(checks, sizes) << _32) | key32(
            np.concatenate([keys for keys, _ in queries])
        )
        wide = unique32(
            (np.repeat(checks, wide_sizes) << _32) | key32(np.concatenate([w for _, w in queries]))
        )
        caps = np.full(len(pairs), cap, dtype=np.int64)
        if len(wide):
            at = np.minimum(np.searchsorted(wide, pairs), len(wide) - 1)
            caps[wide[at] == pairs] = max(cap, wide_cap)
        order = np.argsort(pairs, kind="stable")
        pairs, caps = pairs[order], caps[order]
        first = np.ones(len(pairs), dtype=bool)
        np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        pairs = pairs[starts]
        caps = np.maximum.reduceat(caps, starts) if len(starts) else caps[:0]
        keys = pairs & _LOW
        bounds = np.searchsorted(pairs >> _32, np.arange(len(queries) + 1, dtype=np.uint64))
        distinct = unique32(keys)
        most = np.full(len(distinct), max(cap, wide_cap), dtype=np.int64)
        flat, start, length = self.main_part(distinct, most)
        at = np.searchsorted(distinct, keys)
        full = length[at]
        taken = np.minimum(full, caps)
        ids = take_ranges(flat, start[at] + full - taken, taken)
        return BatchReads(keys, caps, ids, taken, bounds.tolist(), self.flushes)

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
        return self.assemble(k32, caps, *self.main_part(k32, caps))

    def assemble(self, k32: U64, caps: I64, main: I64, main_start: I64, main_len: I64) -> Postings:
        """:class:`Postings` of the sorted distinct keys ``k32`` from their shards' part and
        the buffer."""
        count = len(k32)
        offset = len(main)
        starts = np.empty((count, 2), dtype=np.int64)
        lengths = np.empty((count, 2), dtype=np.int64)
        starts[:, 0], lengths[:, 0] = main_start, main_len
        buf_start = [0] * count
        buf_len = [0] * count
        flat: list[int] = []
        if self.buffer:
            get = self.buffer.get
            limits = caps.tolist()
            for i, key in enumerate(k32.tolist()):
                ids = get(key)
                if ids is not None:
                    got = [ids] if isinstance(ids, int) else ids[-limits[i] :]
                    buf_start[i], buf_len[i] = offset + len(flat), len(got)
                    flat.extend(got)
        starts[:, 1], lengths[:, 1] = buf_start, buf_len
        found = np.concatenate((main, np.array(flat, dtype=np.int64))) if flat else main
        return Postings(k32, caps, found, starts, lengths)

    def lookup(self, keys: U64, cap: int = 256) -> I64:
        """Ids stored under any of ``keys`` (an id appears once per shared key); at most
        the ``cap`` newest ids per key (see :meth:`postings`)."""
        found = self.postings(keys, cap).gather(keys, cap)
        assert found is not None
        return found

    def remove(self, ids: Collection[int]) -> None:
        """Forget every pair of the given entry ids."""
        if not ids:
            return
        self.flush()
        dead = np.fromiter(ids, dtype=np.uint64, count=len(ids))
        self.flushes += 1
        for shard, current in enumerate(self.shards):
            if len(current):
                self.shards[shard] = current[~np.isin(current & _LOW, dead)]

    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.shards)


def ranked(ids: I64, limit: int, exclude: Collection[int] = ()) -> list[tuple[int, int]]:
    """``(id, hits)`` for the ids found, most hits first then newest, at most ``limit``."""
    if not len(ids):
        return []
    ordered = np.sort(ids)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(ordered)))
    ranking = np.sort((counts << 32) | ordered[starts])[::-1]  # hits, then id (32 bits)
    best = ranking[: limit + len(exclude)].tolist()
    out = [(v & 0xFFFFFFFF, v >> 32) for v in best if (v & 0xFFFFFFFF) not in exclude]
    return out[:limit]

"""Vectorised MinHash signatures, LSH band keys and similarity estimates.

Why not datasketch's ``MinHash``/``MinHashLSH`` directly: ``MinHash.update`` hashes
each shingle in Python with SHA-1 and permutes with ``(a*x+b) mod (2**61-1)``;
measured here at about 0.8-1.4 ms for a 500-word body, more than the whole budget
of a 1,000 items/s pipeline. ``MinHashLSH`` keeps every band key as a Python
``bytes`` in a dict of sets (about 7-9 KB per item), which at 1M items is far over a
2 GB budget, and it has no containment rule, no persistence shared by processes
and no atomic check-and-insert. Here:

- token hashes come from :mod:`crawler.dedup.normalize` (a fixed rolling hash, stable
  across processes), combined into word n-gram shingle hashes with numpy uint64
  arithmetic and mixed with splitmix64;
- each permutation is ``h_i(x) = (a_i * x + b_i) mod 2**32`` with odd ``a_i`` (a
  bijection of the 32-bit values, applied to well-mixed shingle hashes); one numpy
  uint32 table (``a_i * x + b_i``, one ``einsum`` of the rows ``(a_i, b_i)`` with the
  columns ``(x, 1)``) holds every permutation of every shingle, and its row minimum is
  the signature (uint32 halves the memory traffic of uint64 and needs no modulo);
- signatures are uint32 while computed; stores keep their low 16 bits (b-bit
  MinHash: two random values agree on 16 bits with probability 2**-16, which the
  Jaccard estimator corrects for), a quarter of datasketch's 64-bit values;
- band keys are 63-bit integers (fits SQLite's INTEGER and a packed numpy index).

The permutations come from ``numpy.random.PCG64(seed)``, so the same seed gives the
same signatures in every process and every run.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

from crawler.dedup.normalize import mix64, mix64_int, unique

U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

MASK63 = np.uint64((1 << 63) - 1)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_C2 = np.uint64(0xC2B2AE3D27D4EB4F)
_S32 = np.uint64(32)
_BLOCK = 1 << 17  # permuted values per signature block
_EMPTY = np.uint32(0xFFFFFFFF)
_EMPTY16 = np.uint16(0xFFFF)
_NO_KEYS = np.zeros(0, dtype=np.uint64)
_B_BITS = 16
_B_CHANCE = 1.0 / (1 << _B_BITS)

ROW_SALT = mix64(np.arange(1, 65, dtype=np.uint64) * _GOLD)
BAND_SALT = mix64(np.arange(1, 257, dtype=np.uint64) * _C2)

#: Key namespaces (mixed into every key so kinds never collide).
KIND_URL = 1
KIND_EXACT = 2
KIND_FULL = 3
KIND_LEAD = 4
KIND_LOOSE = 5


def shingles(hashes: U64, size: int) -> U64:
    """Distinct hashes of the ``size``-token windows of ``hashes`` (the tokens themselves
    when there are fewer than ``size``)."""
    if len(hashes) < size or size <= 1:
        return unique(hashes)
    return unique(window_hashes(hashes, size))


def window_hashes(hashes: U64, size: int) -> U64:
    """Hash of each ``size``-token window of ``hashes`` in order (``len(hashes) >= size >
    1``): the shingles before deduplication, so that the windows of a prefix are a prefix."""
    return mix64(window_sums(hashes, size))


def window_sums(hashes: U64, size: int, out: U64 | None = None) -> U64:
    """What :func:`window_hashes` mixes: for each window, ``h[0]``, then ``* GOLD + h[1]``,
    ``* C2 + h[2]``, ``* GOLD + h[3]`` ... (odd offsets multiply by GOLD, even ones by C2),
    modulo 2**64. That is ``sum(h[k] * c[k])`` with ``c[k]`` the product of the multipliers
    after offset ``k``: one product of the (overlapping) windows with ``c``, written to
    ``out`` when given."""
    count = max(len(hashes) - size + 1, 0)
    flat = np.ascontiguousarray(hashes, dtype=np.uint64)
    windows = np.ndarray((count, size), dtype=np.uint64, buffer=flat, strides=(8, 8))
    return np.matmul(windows, _window_coefficients(size), out=out)


@lru_cache(maxsize=16)
def _window_coefficients(size: int) -> U64:
    """The ``c[k]`` of :func:`window_sums` for windows of ``size`` tokens."""
    coefficients = [1]
    for offset in range(size - 1, 0, -1):
        multiplier = int(_GOLD) if offset % 2 else int(_C2)
        coefficients.insert(0, coefficients[0] * multiplier % 2**64)
    return np.array(coefficients, dtype=np.uint64)


class Permutations:
    """``count`` hash permutations ``x -> (a*x + b) mod 2**32`` (odd ``a``: a bijection of
    the 32-bit values) drawn from a fixed seed, applied to the top 32 bits of each
    (already mixed) shingle hash."""

    def __init__(self, count: int, seed: int) -> None:
        rng = np.random.Generator(np.random.PCG64(seed))
        self.a = rng.integers(0, 2**32, size=count, dtype=np.uint32) | np.uint32(1)
        self.b = rng.integers(0, 2**32, size=count, dtype=np.uint32)
        self.count = count
        self._ab = np.stack([self.a, self.b], axis=1)  # (a, b) of each permutation

    def signature(self, values: U64, start: int = 0, count: int | None = None) -> U32:
        """MinHash signature of the set ``values`` under permutations
        ``start .. start+count``; all 0xFFFFFFFF for an empty set."""
        count = self.count - start if count is None else count
        if not len(values):
            return np.full(count, _EMPTY, dtype=np.uint32)
        ab = self._ab[start : start + count]
        step = max(1, _BLOCK // max(count, 1))
        if len(values) <= step:  # one block: no running minimum
            return np.minimum.reduce(_table(ab, values), axis=1)
        out = np.full(count, _EMPTY, dtype=np.uint32)
        for lo in range(0, len(values), step):
            np.minimum(out, np.minimum.reduce(_table(ab, values[lo : lo + step]), axis=1), out=out)
        return out


def _table(ab: U32, values: U64) -> U32:
    """The (len(ab), len(values)) table ``a[i] * x[j] + b[i] mod 2**32`` of the top 32 bits
    ``x`` of ``values``: one ``einsum`` of the rows ``(a, b)`` with the columns ``(x, 1)``,
    a single pass over the table (unsigned 32-bit sums of products wrap modulo 2**32)."""
    columns = np.empty((2, len(values)), dtype=np.uint32)
    columns[0] = values >> _S32
    columns[1] = 1
    return np.einsum("ik,kj->ij", ab, columns)


def band_hashes(sig: U32, bands: int, rows: int = 0) -> U64:
    """One hash per band of ``sig`` (``rows`` values each; 0: len(sig) // bands), see
    :func:`band_keys`."""
    rows = rows or len(sig) // bands
    table = sig[: bands * rows].reshape(bands, rows).astype(np.uint64)
    table = mix64(table + ROW_SALT[:rows])  # each row value hashed with its position
    return np.bitwise_xor.reduce(table, axis=1) if rows > 1 else table[:, 0]


def band_keys(
    sig: U32, bands: int, kind: int, buckets: tuple[int, ...] = (0,), hashes: U64 | None = None
) -> U64:
    """63-bit keys of each band of ``sig``, namespaced by ``kind`` and by each time bucket
    (bucket-major order); ``hashes`` reuses :func:`band_hashes` already computed."""
    base = band_hashes(sig, bands) if hashes is None else hashes
    salts = np.array([kind_salt(kind, b) for b in buckets], dtype=np.uint64)
    keys = mix64((base[None, :] + BAND_SALT[None, : len(base)] + salts[:, None]).ravel())
    return keys & MASK63


def kind_salt(kind: int, bucket: int = 0) -> int:
    """What :func:`band_keys` adds to every key of ``kind`` in time bucket ``bucket``."""
    return mix64_int(kind * 0x9E3779B97F4A7C15 + (bucket & 0xFFFFFFFF) * 0xC2B2AE3D27D4EB4F)


class BandPlan:
    """The band keys of several signatures in two vectorised passes, the same keys as
    :func:`band_keys`: the banded values of every signature (full body, lead, skeleton,
    in that order) are salted by row and mixed, XORed per band, then each band hash
    (the skeleton's once per time bucket) is salted by band and kind and mixed again."""

    def __init__(self, parts: list[tuple[int, int, int]]) -> None:
        """``parts``: (bands, rows, kind) of each signature used; a ``KIND_LOOSE`` part
        comes last and is keyed in the buckets before, at and after the document's."""
        sizes = [bands * rows for bands, rows, _ in parts]
        self.sizes = sizes
        self.row_salt = np.concatenate(
            [np.tile(ROW_SALT[:rows], bands) for bands, rows, _ in parts] or [_NO_KEYS]
        )
        self.starts = np.cumsum([0] + [rows for bands, rows, _ in parts for _ in range(bands)])[
            :-1
        ].astype(np.intp)
        fixed = [p for p in parts if p[2] != KIND_LOOSE]
        self.fixed = sum(bands for bands, _, _ in fixed)
        self.loose = parts[-1][0] if len(fixed) < len(parts) else 0
        self.salt = np.concatenate(
            [BAND_SALT[:bands] + np.uint64(kind_salt(kind)) for bands, _, kind in fixed]
            or [_NO_KEYS]
        )
        spread = np.arange(self.fixed, dtype=np.intp)
        if self.loose:
            loose = np.arange(self.fixed, self.fixed + self.loose, dtype=np.intp)
            spread = np.concatenate([spread, loose, loose, loose])
        self.spread = spread
        self._bucket_salt: dict[int, U64] = {}

    def salts(self, bucket: int) -> U64:
        """Salts of every key: the fixed parts', then the skeleton's in three buckets."""
        if not self.loose:
            return self.salt
        found = self._bucket_salt.get(bucket)
        if found is None:
            if len(self._bucket_salt) > 4096:
                self._bucket_salt.clear()
            band = BAND_SALT[: self.loose]
            found = np.concatenate(
                [self.salt]
                + [
                    band + np.uint64(kind_salt(KIND_LOOSE, b))
                    for b in (bucket - 1, bucket, bucket + 1)
                ]
            )
            self._bucket_salt[bucket] = found
        return found

    def keys(self, sigs: list[U32], bucket: int = 0) -> U64:
        """Every key, in plan order (the skeleton's bucket-major)."""
        values = np.concatenate(
            [sig[:size] for sig, size in zip(sigs, self.sizes, strict=True)], dtype=np.uint64
        )
        values += self.row_salt
        base = np.bitwise_xor.reduceat(mix64(values), self.starts).take(self.spread)
        base += self.salts(bucket)
        keys = mix64(base)
        keys &= MASK63
        return keys


def scalar_key(value: int, kind: int) -> int:
    """A 63-bit key for one integer (URL hash, exact hash) in namespace ``kind``."""
    return mix64_int(value + kind * 0xC2B2AE3D27D4EB4F) & ((1 << 63) - 1)


def compact(sig: U32) -> U16:
    """The stored form of a signature: its low 16 bits."""
    return (sig & np.uint32(0xFFFF)).astype(np.uint16)


def jaccard(sig: U32 | U16, stored: U16) -> npt.NDArray[np.float64]:
    """Estimated Jaccard of ``sig`` against each row of ``stored`` (shape (k, n) or (n,)),
    corrected for chance agreement of 16-bit values. Empty sets score 0."""
    mine = sig if sig.dtype == np.uint16 else compact(sig.astype(np.uint32, copy=False))
    rows = stored if stored.ndim == 2 else stored[None, :]
    if not rows.shape[0]:
        return np.zeros(0, dtype=np.float64)
    agree = np.count_nonzero(rows == mine[None, :], axis=1) / rows.shape[1]
    estimate = (agree - _B_CHANCE) / (1.0 - _B_CHANCE)
    np.clip(estimate, 0.0, 1.0, out=estimate)
    if mine[0] == _EMPTY16 and bool(np.all(mine == _EMPTY16)):
        estimate[:] = 0.0
        return estimate
    maybe = np.flatnonzero(rows[:, 0] == _EMPTY16)  # an empty set's signature is all 0xFFFF
    if len(maybe):
        estimate[maybe[np.all(rows[maybe] == _EMPTY16, axis=1)]] = 0.0
    return estimate


def containment(
    j: npt.NDArray[np.float64], size_a: float, size_b: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(share of A in B, share of B in A) from the Jaccard estimate ``j`` and set sizes:
    ``|A ∩ B| = j (|A| + |B|) / (1 + j)``."""
    inter = j * (size_a + size_b) / (1.0 + j)
    return (
        np.clip(inter / max(size_a, 1.0), 0.0, 1.0),
        np.clip(inter / np.maximum(size_b, 1.0), 0.0, 1.0),
    )

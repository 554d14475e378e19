"""The plain MinHash LSH baseline: datasketch as most tools use it.

``MinHash(num_perm=128)`` over the set of word 5-shingles of the lowercased body,
``MinHashLSH(threshold=0.5)``; each document is queried, then inserted. A document
joins the cluster of its earliest-inserted candidate, else starts its own. No
boilerplate removal, no containment rule, no minimum length.
"""

from __future__ import annotations

import re

from datasketch import MinHash, MinHashLSH

TOKEN = re.compile(r"\w+")


def shingle_set(body: str, size: int = 5) -> set[bytes]:
    words = TOKEN.findall(body.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


class MinHashBaseline:
    """Query-then-insert clustering with datasketch's MinHashLSH."""

    def __init__(self, threshold: float = 0.5, num_perm: int = 128, shingle_words: int = 5):
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.cluster: dict[str, str] = {}
        self.order: dict[str, int] = {}

    def signature(self, body: str) -> MinHash:
        minhash = MinHash(num_perm=self.num_perm)
        minhash.update_batch(list(shingle_set(body, self.shingle_words)))
        return minhash

    def check_and_add(self, url: str, body: str) -> tuple[str, str | None]:
        """(cluster id, url of the matched document or None)."""
        if url in self.cluster:
            return self.cluster[url], url
        minhash = self.signature(body)
        hits = self.lsh.query(minhash)
        match = min(hits, key=self.order.__getitem__) if hits else None
        cluster = self.cluster[match] if match is not None else url
        self.lsh.insert(url, minhash)
        self.cluster[url] = cluster
        self.order[url] = len(self.order)
        return cluster, match

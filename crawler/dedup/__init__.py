"""Syndicated wire-copy deduplication: one story once, with every outlet that ran it.

Public API (stable; the benchmarks in ``bench/dedup`` use only this)::

    from crawler.dedup import Deduplicator, Document, MemoryStore

    dedup = Deduplicator(MemoryStore())            # or SqliteStore(path), RedisStore(url)
    verdict = dedup.check_and_add(Document(url=..., body=..., published="2024-09-13T10:05:00Z"))
    verdict.cluster_id, verdict.duplicate_of, verdict.relation, verdict.similarity, verdict.stage
    clusters = dedup.finalize_clusters()            # final canonical of each cluster
    dedup.close()

- :class:`Document`: ``url``, ``body`` and optionally ``title``, ``site``,
  ``published`` (ISO 8601), ``authors``, ``wire``.
- :class:`Verdict`: ``cluster_id``; ``duplicate_of`` (canonical URL, None unless a
  copy); ``relation`` (identical, truncated, edited, translated, update);
  ``similarity``; ``stage`` (url, exact, near, loose, new); ``update_of``.
- :class:`Deduplicator`: ``check_and_add(doc)`` (atomic check-and-insert),
  ``check_and_add_many(docs)`` (one transaction per batch), ``learn_lines(docs)``
  (site boilerplate from a batch before matching it), ``finalize_clusters()``
  (each cluster's final canonical, copies, wire, ``also_published_by``),
  ``commit()`` (this run's output is durable), ``close()``;
  ``Deduplicator.from_settings(settings)`` builds the store named by
  ``DEDUP_STORE_CLASS`` and reads every ``DEDUP_*`` setting.
- Stores: :class:`MemoryStore`, :class:`SqliteStore` (``path``),
  :class:`RedisStore` (``url``), all implementing :class:`DedupStore`.
- :class:`DedupConfig`: the tuning (``DEDUP_*`` settings, documented defaults).

Stages run cheapest first (URL, exact hash, near-duplicate MinHash LSH with a
containment rule, loose rewrite/translation stage); see :mod:`crawler.dedup.core`
for the policy and :mod:`crawler.dedup.minhash` / :mod:`crawler.dedup.lsh` for
why the index is not datasketch's ``MinHashLSH``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.dedup.model import DedupConfig, Document, Verdict
from crawler.dedup.store_base import DedupStore, DedupTxn, Entry

if TYPE_CHECKING:
    from crawler.dedup.core import Deduplicator
    from crawler.dedup.memory import MemoryStore
    from crawler.dedup.redis import RedisStore
    from crawler.dedup.sqlite import SqliteStore

__all__ = [
    "DedupConfig",
    "DedupStore",
    "DedupTxn",
    "Deduplicator",
    "Document",
    "Entry",
    "MemoryStore",
    "RedisStore",
    "SqliteStore",
    "Verdict",
]

_LAZY = {
    "Deduplicator": "crawler.dedup.core",
    "MemoryStore": "crawler.dedup.memory",
    "SqliteStore": "crawler.dedup.sqlite",
    "RedisStore": "crawler.dedup.redis",
}


def __getattr__(name: str) -> Any:
    """Backends load on first use (the Redis client is imported only when needed)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crawler.dedup' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

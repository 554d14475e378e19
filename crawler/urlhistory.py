"""What the dedup store knows of a URL, for incremental crawls: a Protocol and adapters.

Incremental crawls (``crawler/middlewares/incremental.py``) need, for each candidate
URL, whether it is stored (committed) and, to revisit recent stories on a TTL, when it
was published, first stored and last fetched. :class:`UrlHistory` is that one query.

A store that implements ``url_records(urls) -> dict[str, UrlRecord]`` is used as is.
Until the stores do, :func:`history_for` adapts them: :class:`SqliteUrlHistory` and
:class:`RedisUrlHistory` read the stores' own layout (read-only, committed URLs only);
any other store falls back to :class:`SeenUrlsHistory` (``DedupStore.seen_urls``:
membership without dates, so no TTL revisits).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "RedisUrlHistory",
    "SeenUrlsHistory",
    "SqliteUrlHistory",
    "UrlHistory",
    "UrlRecord",
    "history_for",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UrlRecord:
    """What the store knows of a stored URL (epoch seconds)."""

    published: float | None  # publication date of the stored version
    added: float  # when the URL was (first) stored
    last_seen: float  # last fetch that reached the store


@runtime_checkable
class UrlHistory(Protocol):
    """The committed URLs among ``urls``, with their dates."""

    def url_records(self, urls: Sequence[str]) -> dict[str, UrlRecord]: ...


class SqliteUrlHistory:
    """Over a :class:`~crawler.dedup.sqlite.SqliteStore`: its ``urls`` row (last seen,
    state) and the dates of its entries for the URL."""

    _SQL = (
        "SELECT u.last_seen, "
        "(SELECT e.published FROM entries e WHERE e.url_key = u.url_key AND e.url = u.url "
        " ORDER BY e.id DESC LIMIT 1), "
        "(SELECT min(e.added) FROM entries e WHERE e.url_key = u.url_key AND e.url = u.url) "
        "FROM urls u WHERE u.url_key = ? AND u.url = ? AND u.state = ?"
    )

    def __init__(self, store: Any) -> None:
        self.store = store

    def url_records(self, urls: Sequence[str]) -> dict[str, UrlRecord]:
        from crawler.dedup.features import url_key
        from crawler.dedup.store_base import COMMITTED

        found: dict[str, UrlRecord] = {}
        db = self.store.db
        if db is None:
            return found
        with self.store.lock:
            for url in dict.fromkeys(urls):
                row = db.execute(self._SQL, (url_key(url), url, COMMITTED)).fetchone()
                if row is None:
                    continue
                last_seen = float(row[0])
                published = float(row[1]) if row[1] is not None else None
                added = float(row[2]) if row[2] is not None else last_seen
                found[url] = UrlRecord(published, added, last_seen)
        return found


class RedisUrlHistory:
    """Over a :class:`~crawler.dedup.redis.RedisStore`: ``u:<urlkey>`` (entry, state),
    the ``urls`` sorted set (last seen) and the entry hash (dates); two round trips."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def url_records(self, urls: Sequence[str]) -> dict[str, UrlRecord]:
        from crawler.dedup.features import url_key
        from crawler.dedup.store_base import COMMITTED

        client, key = self.store.client, self.store.key
        unique = list(dict.fromkeys(urls))
        pipe = client.pipeline(transaction=False)
        for url in unique:
            pipe.hget(key(f"u:{url_key(url)}"), url)
        rows = {
            url: json.loads(raw) for url, raw in zip(unique, pipe.execute(), strict=True) if raw
        }
        stored = [url for url, row in rows.items() if row.get("s") == COMMITTED]
        pipe = client.pipeline(transaction=False)
        for url in stored:
            pipe.zscore(key("urls"), url)
            pipe.hmget(key(f"e:{rows[url]['e']}"), "published", "added")
        answers = pipe.execute()
        found: dict[str, UrlRecord] = {}
        for i, url in enumerate(stored):
            last_seen, (published, added) = answers[2 * i], answers[2 * i + 1]
            added_at = float(added) if added not in (None, b"", "") else 0.0
            found[url] = UrlRecord(
                float(published) if published not in (None, b"", "") else None,
                added_at,
                float(last_seen) if last_seen is not None else added_at,
            )
        return found


class SeenUrlsHistory:
    """From ``DedupStore.seen_urls`` alone: membership without dates, so stored URLs
    are never due for a TTL revisit (a newer sitemap ``lastmod`` still makes them due)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def url_records(self, urls: Sequence[str]) -> dict[str, UrlRecord]:
        seen = self.store.seen_urls(list(dict.fromkeys(urls)))
        return {url: UrlRecord(None, -math.inf, -math.inf) for url in seen}


def history_for(store: Any) -> UrlHistory:
    """The store itself when it implements ``url_records``; else an adapter."""
    if isinstance(store, UrlHistory):
        return store
    kind = type(store).__module__ + "." + type(store).__qualname__
    if kind == "crawler.dedup.sqlite.SqliteStore":
        return SqliteUrlHistory(store)
    if kind == "crawler.dedup.redis.RedisStore":
        return RedisUrlHistory(store)
    logger.info(
        "%s has no url_records(): incremental crawls skip stored URLs but do not "
        "revisit them on a TTL",
        kind,
    )
    return SeenUrlsHistory(store)

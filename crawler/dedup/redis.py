"""RedisStore: the dedup store of distributed crawls, shared through one Redis server.

Policy:

- Every check-and-insert runs under one Redis lock (``<prefix>:lock``, redis-py's
  ``Lock``: ``SET NX PX`` to take it, a Lua script to release only our own token),
  so processes on different machines that receive copies of one story at the same
  moment agree on one canonical. The lock expires after ``lock_timeout`` seconds if
  its holder dies. Each insert is one ``MULTI``/``EXEC``, so a crash never leaves
  half an entry.
- A run is alive while its ``<prefix>:run:<id>:alive`` key exists (set with a
  10-minute TTL, renewed by :meth:`heartbeat`); a store that opens drops the pending
  entries of runs whose key has expired or that closed without committing.
- Layout: ``e:<id>`` hash per entry; ``k:<key>`` set of entry ids per lookup key;
  ``u:<urlkey>`` hash url -> entry; ``urls`` sorted set url -> last seen; ``c:<id>``
  cluster hash and ``cm:<id>`` member set; ``bypub`` sorted set id -> age (retention);
  ``lines:<site>`` hash line -> articles; ``pending:<run>``, ``runclusters:<run>``.
  Memory grows with the number of entries (about 2-3 KB each with Redis overhead);
  the retention window bounds it.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self, cast

import numpy as np
import redis as redislib

from crawler.dedup.features import KIND_EXACT, scalar_key, url_key
from crawler.dedup.store_base import (
    COMMITTED,
    KEY_CAP,
    U64,
    Cluster,
    DedupStore,
    DedupTxn,
    Entry,
    iter_chunks,
    run_identity,
)

ALIVE_TTL = 600
_SIGS = ("sig", "lead_sig", "loose_sig", "skeleton_sig")


def _s(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _opt_int(value: Any) -> int | None:
    return None if value in (None, b"", "") else int(value)


class _Txn(DedupTxn):
    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.r = store.client
        self.k = store.key

    def _load(self, ids: Sequence[int]) -> list[Entry]:
        pipe = self.r.pipeline(transaction=False)
        for i in ids:
            pipe.hgetall(self.k(f"e:{i}"))
        return [self.store.entry(i, row) for i, row in zip(ids, pipe.execute(), strict=True) if row]

    def url_entry(self, url: str) -> Entry | None:
        raw = self.r.hget(self.k(f"u:{url_key(url)}"), url)
        if raw is None:
            return None
        found = self._load([int(json.loads(raw)["e"])])
        return found[0] if found else None

    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        ids = sorted(int(i) for i in self.r.smembers(self.k(f"k:{scalar_key(exact, KIND_EXACT)}")))
        return [e for e in self._load(ids) if e.exact == exact][:limit]

    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        pipe = self.r.pipeline(transaction=False)
        for key in keys.tolist():
            pipe.smembers(self.k(f"k:{key}"))
        counts: Counter[int] = Counter(
            i
            for members in pipe.execute()
            for i in sorted((int(m) for m in members), reverse=True)[:KEY_CAP]
        )
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], -kv[0]))
        return ranked[:limit]

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        return self._load(list(ids))

    def insert(self, entry: Entry, keys: U64) -> int:
        entry_id = int(self.r.incr(self.k("seq")))
        entry.id = entry_id
        now = self.store.now
        age = entry.published if entry.published is not None else entry.added
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.k(f"e:{entry_id}"), mapping=cast(Any, self.store.row(entry, keys)))
        for key in dict.fromkeys(keys.tolist()):
            pipe.sadd(self.k(f"k:{key}"), entry_id)
        pipe.hsetnx(self.k(f"c:{entry.cluster}"), "canonical", entry_id)
        pipe.sadd(self.k(f"cm:{entry.cluster}"), entry_id)
        url_row = json.dumps({"e": entry_id, "s": entry.state, "r": entry.run})
        pipe.hset(self.k(f"u:{url_key(entry.url)}"), entry.url, url_row)
        pipe.zadd(self.k("urls"), {entry.url: now})
        pipe.zadd(self.k("bypub"), {str(entry_id): age})
        pipe.sadd(self.k(f"pending:{entry.run}"), entry_id)
        pipe.sadd(self.k(f"runclusters:{entry.run}"), entry.cluster)
        pipe.execute()
        return entry_id

    def touch_url(self, url: str) -> None:
        self.r.zadd(self.k("urls"), {url: self.store.now})

    def cluster(self, cluster_id: str) -> Cluster | None:
        for _ in range(64):
            row = self.r.hgetall(self.k(f"c:{cluster_id}"))
            if not row:
                return None
            merged_into = row.get(b"merged_into")
            if not merged_into:
                merged = sorted(_s(m) for m in self.r.smembers(self.k(f"cmerged:{cluster_id}")))
                return Cluster(cluster_id, int(row[b"canonical"]), merged)
            cluster_id = _s(merged_into)
        raise RuntimeError(f"cluster merge chain too long at {cluster_id!r}")

    def merge_clusters(self, into: str, others: Sequence[str]) -> None:
        for other in others:
            if other == into:
                continue
            members = list(self.r.smembers(self.k(f"cm:{other}")))
            absorbed = list(self.r.smembers(self.k(f"cmerged:{other}")))
            pipe = self.r.pipeline(transaction=True)
            for member in members:
                pipe.hset(self.k(f"e:{_s(member)}"), "cluster", into)
            if members:
                pipe.sadd(self.k(f"cm:{into}"), *members)
            pipe.delete(self.k(f"cm:{other}"))
            pipe.hset(self.k(f"c:{other}"), "merged_into", into)
            pipe.sadd(self.k(f"cmerged:{into}"), other, *absorbed)
            pipe.delete(self.k(f"cmerged:{other}"))
            pipe.execute()

    def add_lines(self, site: str, lines: Sequence[int]) -> None:
        pipe = self.r.pipeline(transaction=False)
        for line in set(lines):
            pipe.hincrby(self.k(f"lines:{site}"), str(line), 1)
        pipe.execute()


class RedisStore(DedupStore):
    """Redis-backed store (see module docstring)."""

    def __init__(
        self, url: str = "redis://127.0.0.1:6379/0", *, prefix: str = "mesec:dedup",
        lock_timeout: float = 30.0,
    ) -> None:  # fmt: skip
        self.url = url
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self.client: redislib.Redis = redislib.Redis.from_url(url)
        self.now = int(time.time())
        self.run_id = ""

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls(
            settings.get("DEDUP_REDIS_URL") or "redis://127.0.0.1:6379/0",
            prefix=settings.get("DEDUP_REDIS_PREFIX") or "mesec:dedup",
        )

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # -- rows -----------------------------------------------------------------

    def row(self, entry: Entry, keys: U64) -> dict[str, Any]:
        return {
            "url": entry.url, "site": entry.site or "", "published": "" if entry.published is None
            else entry.published, "added": entry.added, "wire": json.dumps(list(entry.wire)),
            "cluster": entry.cluster, "exact": entry.exact, "words": entry.words,
            "shingles": entry.shingles, "lead_shingles": entry.lead_shingles,
            **{name: getattr(entry, name).tobytes() for name in _SIGS},
            "anchors": entry.anchors.astype(np.uint16).tobytes(),
            "keys": np.array(list(dict.fromkeys(keys.tolist())), dtype=np.uint64).tobytes(),
            "state": entry.state, "run": entry.run, "relation": entry.relation or "",
            "similarity": "" if entry.similarity is None else entry.similarity,
            "duplicate_of": entry.duplicate_of or "", "update_of": entry.update_of or "",
        }  # fmt: skip

    @staticmethod
    def entry(entry_id: int, row: Mapping[bytes, bytes]) -> Entry:
        text = {k.decode(): v for k, v in row.items()}
        sigs = {name: np.frombuffer(text[name], dtype=np.uint16) for name in _SIGS}
        similarity = text.get("similarity") or b""
        return Entry(
            id=entry_id, url=_s(text["url"]), site=_s(text["site"]) or None,
            published=_opt_int(text["published"]), added=int(text["added"]),
            wire=tuple(json.loads(text["wire"])), cluster=_s(text["cluster"]),
            exact=int(text["exact"]), words=int(text["words"]), shingles=int(text["shingles"]),
            lead_shingles=int(text["lead_shingles"]),
            anchors=np.frombuffer(text["anchors"], dtype=np.uint16),
            state=int(text["state"]), run=_s(text["run"]), relation=_s(text["relation"]) or None,
            similarity=float(similarity) if similarity else None,
            duplicate_of=_s(text["duplicate_of"]) or None, update_of=_s(text["update_of"]) or None,
            **sigs,  # type: ignore[arg-type]
        )  # fmt: skip

    # -- DedupStore -------------------------------------------------------------

    def open(self, *, run_id: str, params: Mapping[str, int], now: float) -> None:
        self.now, self.run_id = int(now), run_id
        wanted = json.dumps(dict(sorted(params.items())))
        with self.client.lock(self.key("lock"), timeout=self.lock_timeout, blocking_timeout=120):
            stored = self.client.get(self.key("params"))
            if stored is None:
                self.client.set(self.key("params"), wanted)
            elif _s(stored) != wanted:
                raise ValueError(
                    f"Redis dedup store {self.prefix!r} was built with hashing parameters "
                    f"{_s(stored)}, not {wanted}; use another DEDUP_REDIS_PREFIX"
                )
            self._reconcile()
            info = {**run_identity(), "state": "running", "started": time.time()}
            self.client.hset(self.key("runs"), run_id, json.dumps(info))
            self.client.set(self.key(f"run:{run_id}:alive"), 1, ex=ALIVE_TTL)

    def _reconcile(self) -> None:
        for run, raw in self.client.hgetall(self.key("runs")).items():
            run_id, info = _s(run), json.loads(raw)
            alive = self.client.exists(self.key(f"run:{run_id}:alive"))
            if info.get("state") == "running" and alive:
                continue
            if info.get("state") in ("running", "closed"):
                pending = [int(i) for i in self.client.smembers(self.key(f"pending:{run_id}"))]
                self._drop(pending)
            self.client.delete(self.key(f"pending:{run_id}"), self.key(f"runclusters:{run_id}"))
            self.client.hdel(self.key("runs"), run_id)

    def _drop(self, ids: Sequence[int]) -> None:
        txn = _Txn(self)
        for chunk in iter_chunks(list(ids), 200):
            entries = txn.entries(chunk)
            pipe = self.client.pipeline(transaction=True)
            for entry in entries:
                row = cast(list[Any], self.client.hmget(self.key(f"e:{entry.id}"), "keys"))
                for key in np.frombuffer(row[0] or b"", dtype=np.uint64).tolist():
                    pipe.srem(self.key(f"k:{key}"), entry.id)
                pipe.srem(self.key(f"cm:{entry.cluster}"), entry.id)
                pipe.zrem(self.key("bypub"), str(entry.id))
                pipe.delete(self.key(f"e:{entry.id}"))
                current = self.client.hget(self.key(f"u:{url_key(entry.url)}"), entry.url)
                if current is not None and int(json.loads(current)["e"]) == entry.id:
                    pipe.hdel(self.key(f"u:{url_key(entry.url)}"), entry.url)
            pipe.execute()
            for cluster in {e.cluster for e in entries}:
                members = sorted(int(i) for i in self.client.smembers(self.key(f"cm:{cluster}")))
                if not members:
                    self.client.delete(self.key(f"c:{cluster}"))
                elif (
                    int(cast(Any, self.client.hget(self.key(f"c:{cluster}"), "canonical")) or 0)
                    not in members
                ):
                    self.client.hset(self.key(f"c:{cluster}"), "canonical", members[0])

    @contextmanager
    def transaction(self) -> Iterator[DedupTxn]:
        with self.client.lock(self.key("lock"), timeout=self.lock_timeout, blocking_timeout=120):
            yield _Txn(self)

    def line_counts(self, site: str, lines: Sequence[int]) -> dict[int, int]:
        values = [str(v) for v in lines]
        if not values:
            return {}
        counts = self.client.hmget(self.key(f"lines:{site}"), values)
        return {int(v): int(n) for v, n in zip(values, counts, strict=True) if n}

    def commit_run(self, run_id: str) -> int:
        ids = [int(i) for i in self.client.smembers(self.key(f"pending:{run_id}"))]
        with self.client.lock(self.key("lock"), timeout=self.lock_timeout, blocking_timeout=120):
            for chunk in iter_chunks(ids, 500):
                urls = [_s(u) for u in self._pipe_hget([f"e:{i}" for i in chunk], "url")]
                pipe = self.client.pipeline(transaction=True)
                for entry_id, url in zip(chunk, urls, strict=True):
                    pipe.hset(self.key(f"e:{entry_id}"), "state", COMMITTED)
                    row = json.dumps({"e": entry_id, "s": COMMITTED, "r": run_id})
                    pipe.hset(self.key(f"u:{url_key(url)}"), url, row)
                pipe.srem(self.key(f"pending:{run_id}"), *chunk)
                pipe.execute()
            self._set_run_state(run_id, "committed")
        return len(ids)

    def _pipe_hget(self, names: Sequence[str], field: str) -> list[Any]:
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.hget(self.key(name), field)
        return list(pipe.execute())

    def _set_run_state(self, run_id: str, state: str) -> None:
        raw = self.client.hget(self.key("runs"), run_id)
        info = json.loads(raw) if raw else {}
        self.client.hset(self.key("runs"), run_id, json.dumps({**info, "state": state}))

    def heartbeat(self, run_id: str, now: float) -> None:
        self.client.set(self.key(f"run:{run_id}:alive"), 1, ex=ALIVE_TTL)

    def prune(self, *, before: float, urls_before: float) -> int:
        found = cast(
            list[bytes], self.client.zrangebyscore(self.key("bypub"), "-inf", f"({before}")
        )
        ids = [int(i) for i in found]
        with self.client.lock(self.key("lock"), timeout=self.lock_timeout, blocking_timeout=120):
            self._drop(ids)
            old = [
                _s(u)
                for u in self.client.zrangebyscore(self.key("urls"), "-inf", f"({urls_before}")
            ]
            for chunk in iter_chunks(old, 500):
                pipe = self.client.pipeline(transaction=True)
                for url in chunk:
                    raw = self.client.hget(self.key(f"u:{url_key(url)}"), url)
                    if raw is None or not self.client.exists(self.key(f"e:{json.loads(raw)['e']}")):
                        pipe.hdel(self.key(f"u:{url_key(url)}"), url)
                pipe.zrem(self.key("urls"), *chunk)
                pipe.execute()
        return len(ids)

    def seen_urls(self, urls: Iterable[str], *, include_pending: bool = False) -> set[str]:
        seen: set[str] = set()
        for url in urls:
            raw = self.client.hget(self.key(f"u:{url_key(url)}"), url)
            if raw is not None and (include_pending or json.loads(raw)["s"] == COMMITTED):
                seen.add(url)
        return seen

    def run_clusters(self, run_id: str | None, *, min_size: int = 1) -> list[str]:
        if run_id is None:
            names = [_s(k)[len(self.key("cm:")) :] for k in self.client.scan_iter(self.key("cm:*"))]
        else:
            names = [_s(c) for c in self.client.smembers(self.key(f"runclusters:{run_id}"))]
        txn = _Txn(self)
        roots = {c.id for c in (txn.cluster(n) for n in names) if c is not None}
        return sorted(r for r in roots if self.client.scard(self.key(f"cm:{r}")) >= min_size)

    def cluster_entries(self, cluster_ids: Sequence[str]) -> dict[str, list[Entry]]:
        txn = _Txn(self)
        out: dict[str, list[Entry]] = {}
        for cid in cluster_ids:
            cluster = txn.cluster(cid)
            if cluster is not None:
                ids = sorted(int(i) for i in self.client.smembers(self.key(f"cm:{cluster.id}")))
                out[cluster.id] = txn.entries(ids)
        return out

    def set_canonical(self, cluster_id: str, entry_id: int) -> None:
        self.client.hset(self.key(f"c:{cluster_id}"), "canonical", entry_id)

    def close(self) -> None:
        if self.run_id:
            raw = self.client.hget(self.key("runs"), self.run_id)
            if raw and json.loads(raw).get("state") == "running":
                self._set_run_state(self.run_id, "closed")
            self.client.delete(self.key(f"run:{self.run_id}:alive"))
        self.client.close()

    def size(self) -> int:
        return int(self.client.zcard(self.key("bypub")))

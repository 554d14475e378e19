"""SqliteStore: the default store, one file per host shared by every spider and process.

Policy:

- WAL journal, ``synchronous=NORMAL``, a 64 MB page cache (the lookup-key index is
  written at random places), a 60 s busy timeout. The WAL is checkpointed once it holds
  ``wal_bytes`` (16 MB), not every 1000 pages (SQLite's default): consecutive commits
  rewrite many of the same pages of the lookup-key and site-line indexes, and a
  checkpoint copies each page once however many commits wrote it (and syncs less
  often). After a checkpoint the file is cut back to that size; on close it is
  checkpointed and truncated (when other processes' readers allow it within a few
  seconds). Every check-and-insert runs in ``BEGIN IMMEDIATE`` (the write lock is taken
  before the first read), so two processes that receive copies of one story at the same
  moment are serialised and agree on one canonical.
- On open: ``PRAGMA quick_check`` (a damaged file raises :class:`StoreCorrupted`,
  or with ``DEDUP_SQLITE_RESET_CORRUPT`` is moved aside as ``<path>.corrupt-<time>``
  and a new store started), the hashing parameters are compared with those the
  store was built with, and runs that are no longer alive (dead process on this
  host, or closed without committing) have their pending entries dropped.
- Lookup keys live in a ``WITHOUT ROWID`` table keyed by (key, entry); each entry
  keeps its own keys so pruning deletes exactly its rows.
- The fields the stages compare are kept in memory by entry id once read or written
  (at most ``ROW_CACHE`` rows): a stored entry never changes them and ``AUTOINCREMENT``
  never gives a committed id again; a rolled-back transaction, a prune and ``open``
  forget them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import numpy as np

from crawler.dedup.features import url_key
from crawler.dedup.sqlite_txn import COLUMNS, SCHEMA, SqliteTxn, marks, row_entry
from crawler.dedup.store_base import (
    COMMITTED,
    PENDING,
    DedupStore,
    DedupTxn,
    Entry,
    iter_chunks,
    local_run_alive,
    run_identity,
)

DEFAULT_PATH = "output/.dedup/store.sqlite3"
#: One-article site lines older than this are forgotten (bounds the table).
_LINE_MAX_AGE = 30 * 86400
#: Counts of a site's lines (a JSON array).
_LINE_COUNTS = (
    "SELECT s.line, s.n FROM json_each(?) AS j "
    "CROSS JOIN site_lines AS s ON s.site = ? AND s.line = j.value"
)
#: The WAL is checkpointed when it reaches this size, and cut back to it afterwards.
WAL_BYTES = 16 << 20
#: How long closing waits for other processes' readers and writers to let the WAL be
#: checkpointed and truncated (else it is left to them).
_CLOSE_WAIT_MS = 5000


class StoreCorrupted(RuntimeError):
    """The SQLite file failed its integrity check."""


def _wal_mode(db: sqlite3.Connection, wait: float = 60.0) -> None:
    """Switch ``db`` to WAL. Two processes creating the store at once can each hold the
    lock the other needs for the switch; SQLite then answers "busy" without waiting, so
    the switch is retried (for up to ``wait`` seconds, like any other busy lock)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


class SqliteStore(DedupStore):
    """SQLite-backed store at ``path`` (see module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str] = DEFAULT_PATH,
        *,
        reset_corrupt: bool = False,
        wal_bytes: int = WAL_BYTES,
    ) -> None:
        self.path = Path(path)
        self.reset_corrupt = reset_corrupt
        self.wal_bytes = wal_bytes
        self.lock = threading.RLock()
        self.db: sqlite3.Connection | None = None
        self.now = int(time.time())
        #: Compared fields of stored entries by id (see :class:`SqliteTxn`).
        self.rows: dict[int, tuple[Any, ...]] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls(
            settings.get("DEDUP_STORE_PATH") or DEFAULT_PATH,
            reset_corrupt=bool(settings.getbool("DEDUP_SQLITE_RESET_CORRUPT"))
            if hasattr(settings, "getbool")
            else False,
        )

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None, check_same_thread=False)
        _wal_mode(db)
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-65536")
        page = int(db.execute("PRAGMA page_size").fetchone()[0])
        db.execute(f"PRAGMA wal_autocheckpoint={max(1, self.wal_bytes // page)}")
        db.execute(f"PRAGMA journal_size_limit={self.wal_bytes}")
        return db

    def _checked(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = None
        try:
            db = self._connect()
            result = db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            result = str(exc)
        if result == "ok" and db is not None:
            return db
        if db is not None:
            db.close()
        if not self.reset_corrupt:
            raise StoreCorrupted(f"dedup store {self.path} failed its integrity check: {result}")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self._connect()

    def open(self, *, run_id: str, params: Mapping[str, int], now: float) -> None:
        self.now = int(now)
        self.run_id = run_id
        self.rows.clear()
        db = self.db = self._checked()
        db.executescript(SCHEMA)
        with self._write():
            row = db.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
            wanted = json.dumps(dict(sorted(params.items())))
            if row is None:
                db.execute("INSERT INTO meta (key, value) VALUES ('params', ?)", (wanted,))
            elif row[0] != wanted:
                raise ValueError(
                    f"dedup store {self.path} was built with hashing parameters {row[0]}, "
                    f"not {wanted}; use another DEDUP_STORE_PATH or the same parameters"
                )
            self._reconcile(db)
            info = {**run_identity(), "heartbeat": time.time(), "ttl": 600}
            db.execute(
                "INSERT OR REPLACE INTO runs (id, info, state) VALUES (?, ?, 'running')",
                (run_id, json.dumps(info)),
            )
            db.execute(
                "DELETE FROM site_lines WHERE n = 1 AND seen < ?", (self.now - _LINE_MAX_AGE,)
            )

    def _reconcile(self, db: sqlite3.Connection) -> None:
        """Drop pending entries of runs that are dead or closed without committing."""
        for run, info, state in db.execute("SELECT id, info, state FROM runs").fetchall():
            if state == "running" and local_run_alive(json.loads(info)):
                continue
            if state in ("running", "closed"):
                query = "SELECT id FROM entries WHERE run = ? AND state = ?"
                ids = [r[0] for r in db.execute(query, (run, PENDING))]
                self._drop(db, ids)
                db.execute("DELETE FROM urls WHERE run = ? AND state = ?", (run, PENDING))
            db.execute("DELETE FROM runs WHERE id = ?", (run,))

    def _drop(self, db: sqlite3.Connection, ids: Sequence[int]) -> None:
        for entry_id in ids:
            self.rows.pop(entry_id, None)
        for chunk in iter_chunks(list(ids), 500):
            holes = marks(len(chunk))
            rows = db.execute(
                f"SELECT id, keys, cluster FROM entries WHERE id IN ({holes})", tuple(chunk)
            ).fetchall()
            db.executemany(
                "DELETE FROM keys WHERE key = ? AND entry = ?",
                [
                    (int(k), r[0])
                    for r in rows
                    for k in np.frombuffer(r[1], dtype=np.uint64).tolist()
                ],
            )
            db.execute(f"DELETE FROM entries WHERE id IN ({holes})", tuple(chunk))
            for cluster in {r[2] for r in rows}:
                left = db.execute(
                    "SELECT min(id) FROM entries WHERE cluster = ?", (cluster,)
                ).fetchone()
                if left[0] is None:
                    db.execute(
                        "DELETE FROM clusters WHERE id = ? OR merged_into = ?", (cluster, cluster)
                    )
                else:
                    db.execute(
                        "UPDATE clusters SET canonical = ? WHERE id = ? AND canonical NOT IN "
                        "(SELECT id FROM entries WHERE cluster = ?)",
                        (left[0], cluster, cluster),
                    )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        assert self.db is not None, "SqliteStore.open() was not called"
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[DedupTxn]:
        try:
            with self._write() as db:
                yield SqliteTxn(db, self.now, self.rows)
        except BaseException:
            self.rows.clear()  # rolled back: its entries' ids will be given again
            raise

    def line_counts(self, site: str, lines: Sequence[int]) -> dict[int, int]:
        assert self.db is not None
        values = json.dumps([int(v) for v in set(lines)])
        with self.lock:
            rows = self.db.execute(_LINE_COUNTS, (values, site)).fetchall()
        return dict(rows)

    def boilerplate_lines(self, min_count: int) -> dict[str, frozenset[int]] | None:
        assert self.db is not None
        found: dict[str, set[int]] = {}
        with self.lock:
            rows = self.db.execute("SELECT site, line FROM site_lines WHERE n >= ?", (min_count,))
            for site, line in rows:
                found.setdefault(site, set()).add(int(line))
        return {site: frozenset(lines) for site, lines in found.items()}

    def commit_run(self, run_id: str) -> int:
        with self._write() as db:
            count = db.execute(
                "UPDATE entries SET state = ? WHERE run = ? AND state = ?",
                (COMMITTED, run_id, PENDING),
            ).rowcount
            db.execute("UPDATE urls SET state = ? WHERE run = ?", (COMMITTED, run_id))
            db.execute("UPDATE runs SET state = 'committed' WHERE id = ?", (run_id,))
        return int(count)

    def heartbeat(self, run_id: str, now: float) -> None:
        with self._write() as db:
            row = db.execute("SELECT info FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row:
                info = {**json.loads(row[0]), "heartbeat": now}
                db.execute("UPDATE runs SET info = ? WHERE id = ?", (json.dumps(info), run_id))

    def prune(self, *, before: float, urls_before: float) -> int:
        assert self.db is not None
        query = "SELECT id FROM entries WHERE coalesce(published, added) < ?"
        ids = [r[0] for r in self.db.execute(query, (int(before),))]
        for chunk in iter_chunks(ids, 2000):
            with self._write() as db:
                self._drop(db, chunk)
        with self._write() as db:
            db.execute("DELETE FROM urls WHERE last_seen < ?", (int(urls_before),))
        return len(ids)

    def seen_urls(self, urls: Iterable[str], *, include_pending: bool = False) -> set[str]:
        assert self.db is not None
        seen: set[str] = set()
        states = (PENDING, COMMITTED) if include_pending else (COMMITTED,)
        with self.lock:
            for url in urls:
                row = self.db.execute(
                    "SELECT 1 FROM urls WHERE url_key = ? AND url = ? "
                    f"AND state IN ({marks(len(states))})",
                    (url_key(url), url, *states),
                ).fetchone()
                if row:
                    seen.add(url)
        return seen

    def run_clusters(self, run_id: str | None, *, min_size: int = 1) -> list[str]:
        assert self.db is not None
        query = "SELECT cluster FROM entries GROUP BY cluster HAVING count(*) >= ?"
        params: tuple[Any, ...] = (min_size,)
        if run_id is not None:
            query += " AND sum(run = ?) > 0"
            params += (run_id,)
        with self.lock:
            rows = self.db.execute(query, params).fetchall()
        return sorted(r[0] for r in rows)

    def cluster_entries(self, cluster_ids: Sequence[str]) -> dict[str, list[Entry]]:
        assert self.db is not None
        out: dict[str, list[Entry]] = {}
        with self.lock:
            for chunk in iter_chunks(list(cluster_ids), 500):
                rows = self.db.execute(
                    f"SELECT {COLUMNS} FROM entries "
                    f"WHERE cluster IN ({marks(len(chunk))}) ORDER BY id",
                    tuple(chunk),
                ).fetchall()
                for row in rows:
                    out.setdefault(row[6], []).append(row_entry(row))
        return out

    def set_canonical(self, cluster_id: str, entry_id: int) -> None:
        with self._write() as db:
            db.execute("UPDATE clusters SET canonical = ? WHERE id = ?", (entry_id, cluster_id))

    def close(self) -> None:
        if self.db is None:
            return
        with self._write() as db:
            db.execute(
                "UPDATE runs SET state = 'closed' WHERE id = ? AND state = 'running'",
                (self.run_id,),
            )
        try:
            self.db.execute(f"PRAGMA busy_timeout={_CLOSE_WAIT_MS}")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # busy: left to the others
        finally:
            self.db.close()
            self.db = None

    def size(self) -> int:
        assert self.db is not None
        with self.lock:
            return int(self.db.execute("SELECT count(*) FROM entries").fetchone()[0])

"""The SQLite store's schema and its transaction (:class:`DedupTxn`): every read and write
of one check-and-insert, run inside the ``BEGIN IMMEDIATE`` that
:class:`crawler.dedup.sqlite.SqliteStore` opens."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from crawler.dedup.features import KIND_EXACT, scalar_key, url_key
from crawler.dedup.store_base import (
    KEY_CAP,
    NO_DATE,
    U64,
    Anchors,
    Cluster,
    Columns,
    DedupTxn,
    Entry,
    split_packed,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, url_key INTEGER NOT NULL,
  site TEXT, published INTEGER, added INTEGER NOT NULL, wire TEXT NOT NULL,
  cluster TEXT NOT NULL, exact INTEGER NOT NULL, words INTEGER NOT NULL,
  shingles INTEGER NOT NULL, lead_shingles INTEGER NOT NULL, sig BLOB NOT NULL,
  lead_sig BLOB NOT NULL, loose_sig BLOB NOT NULL, skeleton_sig BLOB NOT NULL,
  anchors BLOB NOT NULL, keys BLOB NOT NULL,
  state INTEGER NOT NULL, run TEXT NOT NULL, relation TEXT, similarity REAL,
  duplicate_of TEXT, update_of TEXT);
CREATE INDEX IF NOT EXISTS entries_url ON entries(url_key);
CREATE INDEX IF NOT EXISTS entries_cluster ON entries(cluster);
CREATE INDEX IF NOT EXISTS entries_run ON entries(run, state);
CREATE INDEX IF NOT EXISTS entries_age ON entries(coalesce(published, added));
CREATE TABLE IF NOT EXISTS keys (key INTEGER NOT NULL, entry INTEGER NOT NULL,
  PRIMARY KEY (key, entry)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clusters (id TEXT PRIMARY KEY, canonical INTEGER NOT NULL,
  merged_into TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS clusters_merged ON clusters(merged_into);
CREATE TABLE IF NOT EXISTS site_lines (site TEXT NOT NULL, line INTEGER NOT NULL,
  n INTEGER NOT NULL, seen INTEGER NOT NULL, PRIMARY KEY (site, line)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS urls (url_key INTEGER NOT NULL, url TEXT NOT NULL,
  last_seen INTEGER NOT NULL, state INTEGER NOT NULL, run TEXT NOT NULL,
  PRIMARY KEY (url_key, url)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, info TEXT NOT NULL, state TEXT NOT NULL)
  WITHOUT ROWID;
"""
COLUMNS = (
    "id, url, site, published, added, wire, cluster, exact, words, shingles, lead_shingles, "
    "sig, lead_sig, loose_sig, skeleton_sig, anchors, state, run, relation, similarity, "
    "duplicate_of, update_of"
)


def row_entry(row: sqlite3.Row) -> Entry:
    return Entry(
        id=row[0], url=row[1], site=row[2], published=row[3], added=row[4],
        wire=tuple(json.loads(row[5])), cluster=row[6], exact=row[7], words=row[8],
        shingles=row[9], lead_shingles=row[10],
        sig=np.frombuffer(row[11], dtype=np.uint16),
        lead_sig=np.frombuffer(row[12], dtype=np.uint16),
        loose_sig=np.frombuffer(row[13], dtype=np.uint16),
        skeleton_sig=np.frombuffer(row[14], dtype=np.uint16),
        anchors=np.frombuffer(row[15], dtype=np.uint16),
        state=row[16], run=row[17], relation=row[18], similarity=row[19],
        duplicate_of=row[20], update_of=row[21],
    )  # fmt: skip


#: What the stages compare of an entry (:meth:`SqliteTxn.columns`).
_COMPARED = (
    "id, words, shingles, lead_shingles, published, wire, site, "
    "sig, lead_sig, loose_sig, skeleton_sig, anchors"
)


def marks(n: int) -> str:
    return ",".join("?" * n)


#: Compared rows a store keeps in memory, at most (then it starts afresh).
ROW_CACHE = 4096


class SqliteTxn(DedupTxn):
    def __init__(
        self, db: sqlite3.Connection, now: int, rows: dict[int, tuple[Any, ...]] | None = None
    ) -> None:
        self.db = db
        self.now = now
        #: Compared fields of entries by id (:meth:`columns`; they never change once stored,
        #: and an id is never reused), shared by the store's transactions.
        self.rows: dict[int, tuple[Any, ...]] = rows if rows is not None else {}
        #: Decoded ``wire`` values (few distinct ones).
        self.wires: dict[str, tuple[str, ...]] = {}

    def url_entry(self, url: str) -> Entry | None:
        row = self.db.execute(
            f"SELECT {COLUMNS} FROM entries WHERE url_key=? AND url=? ORDER BY id DESC LIMIT 1",
            (url_key(url), url),
        ).fetchone()
        return row_entry(row) if row else None

    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        cols = ", ".join(f"e.{c.strip()}" for c in COLUMNS.split(","))
        rows = self.db.execute(
            f"SELECT {cols} FROM keys k JOIN entries e ON e.id = k.entry "
            "WHERE k.key = ? AND e.exact = ? ORDER BY e.id LIMIT ?",
            (scalar_key(exact, KIND_EXACT), exact, limit),
        ).fetchall()
        return [row_entry(r) for r in rows]

    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        values = [int(k) for k in keys.tolist()]
        if not values:
            return []
        per_key = (
            "SELECT * FROM (SELECT entry FROM keys WHERE key = ? ORDER BY entry DESC "
            f"LIMIT {KEY_CAP})"
        )
        rows = self.db.execute(
            f"SELECT entry, count(*) AS n FROM ({' UNION ALL '.join([per_key] * len(values))}) "
            "GROUP BY entry ORDER BY n DESC, entry DESC LIMIT ?",
            (*values, limit),
        ).fetchall()
        return [(int(r[0]), int(r[1])) for r in rows]

    def entries(self, ids: Sequence[int]) -> list[Entry]:
        if not ids:
            return []
        rows = self.db.execute(
            f"SELECT {COLUMNS} FROM entries WHERE id IN ({marks(len(ids))})", tuple(ids)
        ).fetchall()
        by_id = {r[0]: row_entry(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def columns(self, ids: Sequence[int]) -> Columns:
        """The compared fields only, each column converted at once: the four signatures
        side by side (``packed``), anchors left as bytes until a stage reads them."""
        if not ids:
            return Columns.from_entries([])
        cache = self.rows
        missing = [i for i in ids if i not in cache]
        if missing:
            rows = self.db.execute(
                f"SELECT {_COMPARED} FROM entries WHERE id IN ({marks(len(missing))})",
                tuple(missing),
            ).fetchall()
            if len(cache) + len(rows) > ROW_CACHE:
                cache.clear()
            for r in rows:
                cache[r[0]] = r
        found = [cache[i] for i in ids if i in cache]
        if not found:
            return Columns.from_entries([])
        lengths = {(len(r[7]), len(r[8]), len(r[9]), len(r[10])) for r in found}
        if len(lengths) > 1:  # not one hashing configuration: compared entry by entry
            return Columns.from_entries(self.entries(ids))
        widths = tuple(n // 2 for n in lengths.pop())
        raw = bytearray(b"".join(b"".join(r[7:11]) for r in found))
        packed = np.frombuffer(raw, dtype=np.uint16).reshape(len(found), sum(widths))
        sig, lead_sig, loose_sig, skeleton_sig = split_packed(packed, widths)
        sizes = np.array([r[1:4] for r in found], dtype=np.int64).reshape(len(found), 3)
        wires = self.wires
        wire = []
        for r in found:
            decoded = wires.get(r[5])
            if decoded is None:
                decoded = wires[r[5]] = tuple(json.loads(r[5]))
            wire.append(decoded)
        return Columns(
            ids=np.array([r[0] for r in found], dtype=np.int64),
            sig=sig,
            lead_sig=lead_sig,
            loose_sig=loose_sig,
            skeleton_sig=skeleton_sig,
            words=sizes[:, 0],
            shingles=sizes[:, 1],
            lead_shingles=sizes[:, 2],
            published=np.array([NO_DATE if r[4] is None else r[4] for r in found], dtype=np.int64),
            wire=wire,
            anchors=Anchors([r[11] for r in found]),
            packed=packed,
            sites=[r[6] for r in found],
        )

    def insert(self, entry: Entry, keys: U64) -> int:
        key_list = [int(k) for k in dict.fromkeys(keys.tolist())]
        cur = self.db.execute(
            "INSERT INTO entries (url, url_key, site, published, added, wire, cluster, exact, "
            "words, shingles, lead_shingles, sig, lead_sig, loose_sig, skeleton_sig, anchors, "
            "keys, "
            "state, run, relation, similarity, duplicate_of, update_of) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                entry.url, url_key(entry.url), entry.site, entry.published, entry.added,
                json.dumps(list(entry.wire)), entry.cluster, entry.exact, entry.words,
                entry.shingles, entry.lead_shingles, entry.sig.tobytes(), entry.lead_sig.tobytes(),
                entry.loose_sig.tobytes(), entry.skeleton_sig.tobytes(),
                entry.anchors.astype(np.uint16).tobytes(),
                np.array(key_list, dtype=np.uint64).tobytes(), entry.state, entry.run,
                entry.relation, entry.similarity, entry.duplicate_of, entry.update_of,
            ),
        )  # fmt: skip
        entry_id = int(cur.lastrowid or 0)
        self.db.executemany(
            "INSERT OR IGNORE INTO keys (key, entry) VALUES (?, ?)",
            [(k, entry_id) for k in key_list],
        )
        self.db.execute(
            "INSERT OR IGNORE INTO clusters (id, canonical) VALUES (?, ?)",
            (entry.cluster, entry_id),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO urls (url_key, url, last_seen, state, run) VALUES (?,?,?,?,?)",
            (url_key(entry.url), entry.url, self.now, entry.state, entry.run),
        )
        entry.id = entry_id
        return entry_id

    def touch_url(self, url: str) -> None:
        self.db.execute(
            "UPDATE urls SET last_seen = ? WHERE url_key = ? AND url = ?",
            (self.now, url_key(url), url),
        )

    def cluster(self, cluster_id: str) -> Cluster | None:
        for _ in range(64):
            row = self.db.execute(
                "SELECT id, canonical, merged_into FROM clusters WHERE id = ?", (cluster_id,)
            ).fetchone()
            if row is None:
                return None
            if row[2] is None:
                merged = [r[0] for r in self.db.execute(
                    "SELECT id FROM clusters WHERE merged_into = ?", (row[0],))]  # fmt: skip
                return Cluster(row[0], int(row[1]), merged)
            cluster_id = row[2]
        raise RuntimeError(f"cluster merge chain too long at {cluster_id!r}")

    def merge_clusters(self, into: str, others: Sequence[str]) -> None:
        others = [o for o in others if o != into]
        if not others:
            return
        holes = marks(len(others))
        self.db.execute(
            f"UPDATE entries SET cluster = ? WHERE cluster IN ({holes})", (into, *others)
        )
        self.db.execute(
            f"UPDATE clusters SET merged_into = ? "
            f"WHERE merged_into IN ({holes}) OR id IN ({holes})",
            (into, *others, *others),
        )

    def add_lines(self, site: str, lines: Sequence[int]) -> None:
        self.db.executemany(
            "INSERT INTO site_lines (site, line, n, seen) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (site, line) DO UPDATE SET n = n + 1, seen = excluded.seen",
            [(site, int(line), self.now) for line in set(lines)],
        )

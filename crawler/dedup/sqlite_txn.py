"""The SQLite store's schema and its transaction (:class:`DedupTxn`): every read and write
of one check-and-insert, run inside the ``BEGIN IMMEDIATE`` that
:class:`crawler.dedup.sqlite.SqliteStore` opens.

Lookup keys: the entries of every candidate key a check announces
(:meth:`DedupTxn.prefetch`) are read with one statement at its first
:meth:`SqliteTxn.candidates` (each key's newest :data:`KEY_CAP`) and counted in memory;
what was read serves the check's other candidate searches until the next insert. Key
lists go to SQLite as one JSON array (one statement text whatever their length)."""

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


#: Entries stored under an exact key with that exact hash, oldest first.
_EXACT = (
    f"SELECT {', '.join(f'e.{c.strip()}' for c in COLUMNS.split(','))} "
    "FROM keys k JOIN entries e ON e.id = k.entry "
    "WHERE k.key = ? AND e.exact = ? ORDER BY e.id LIMIT ?"
)

#: What the stages compare of an entry (:meth:`SqliteTxn.columns`).
_COMPARED = (
    "id, words, shingles, lead_shingles, published, wire, site, "
    "sig, lead_sig, loose_sig, skeleton_sig, anchors"
)


def marks(n: int) -> str:
    return ",".join("?" * n)


def _shared_then_newest(item: tuple[int, int]) -> tuple[int, int]:
    """Sort key of a candidate ``(entry, shared keys)``: most shared first, then newest."""
    return -item[1], -item[0]


#: Compared rows a store keeps in memory, at most (then it starts afresh).
ROW_CACHE = 4096
#: The (key, entry) rows of the keys in a JSON array, at most as many as the second parameter.
_POSTINGS = (
    "SELECT k.key, k.entry FROM json_each(?) AS j CROSS JOIN keys AS k ON k.key = j.value LIMIT ?"
)
#: The newest :data:`KEY_CAP` entries of one key.
_CAPPED = f"SELECT entry FROM keys WHERE key = ? ORDER BY entry DESC LIMIT {KEY_CAP}"


class SqliteTxn(DedupTxn):
    def __init__(
        self, db: sqlite3.Connection, now: int, rows: dict[int, tuple[Any, ...]] | None = None
    ) -> None:
        self.db = db
        self.now = now
        #: Compared fields of entries by id, as read or inserted (:meth:`columns`; they
        #: never change once stored, and an id is never reused), shared by the store's
        #: transactions.
        self.rows: dict[int, tuple[Any, ...]] = rows if rows is not None else {}
        #: Decoded ``wire`` values (few distinct ones).
        self.wires: dict[str, tuple[str, ...]] = {}
        #: The candidate keys the next check announced (:meth:`prefetch`).
        self.announced: set[int] = set()
        #: The keys read for the current check (none until its first :meth:`candidates`,
        #: dropped by an insert) and their newest ``KEY_CAP`` entries, when they have any.
        self.covered: set[int] = set()
        self.postings: dict[int, list[int]] = {}

    def prefetch(self, keys: U64, wide: U64) -> None:
        self.announced = set(keys.tolist()).difference(wide.tolist())
        self.covered = set()

    def _read(self, keys: set[int]) -> None:
        """Read ``keys`` (distinct). The statement returns at most ``KEY_CAP`` rows per key
        on average; a key with more entries (a common band) can exhaust that, and then
        each key is read with its own cap."""
        budget = KEY_CAP * len(keys)
        rows = self.db.execute(_POSTINGS, (json.dumps(list(keys)), budget + 1)).fetchall()
        postings: dict[int, list[int]] = {}
        if len(rows) > budget:
            for key in keys:
                postings[key] = [r[0] for r in self.db.execute(_CAPPED, (key,))]
        else:
            for key, entry in rows:
                found = postings.get(key)
                if found is None:
                    postings[key] = [entry]
                else:
                    found.append(entry)
            if len(rows) > KEY_CAP:  # some key may have more entries than it contributes
                for found in postings.values():
                    if len(found) > KEY_CAP:
                        found.sort(reverse=True)
                        del found[KEY_CAP:]
        self.postings = postings
        self.covered = keys

    def url_entry(self, url: str) -> Entry | None:
        row = self.db.execute(
            f"SELECT {COLUMNS} FROM entries WHERE url_key=? AND url=? ORDER BY id DESC LIMIT 1",
            (url_key(url), url),
        ).fetchone()
        return row_entry(row) if row else None

    def exact_entries(self, exact: int, limit: int) -> list[Entry]:
        rows = self.db.execute(_EXACT, (scalar_key(exact, KIND_EXACT), exact, limit)).fetchall()
        return [row_entry(r) for r in rows]

    def candidates(self, keys: U64, limit: int) -> list[tuple[int, int]]:
        values = keys.tolist()
        if not values:
            return []
        if not self.covered.issuperset(values):
            self._read(self.announced.union(values))
        postings = self.postings
        counts: dict[int, int] = {}
        for key in values:
            found = postings.get(key)
            if found:
                for entry in found:
                    counts[entry] = counts.get(entry, 0) + 1
        if not counts:
            return []
        ranked = sorted(counts.items(), key=_shared_then_newest)
        return ranked[:limit] if limit >= 0 else ranked

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
            if len(cache) + len(rows) > ROW_CACHE:  # start afresh, keeping this call's rows
                kept = {i: cache[i] for i in ids if i in cache}
                cache.clear()
                cache.update(kept)
            for r in rows:
                cache[r[0]] = self._compared(r)
        found = [cache[i] for i in ids if i in cache]
        if not found:
            return Columns.from_entries([])
        widths = found[0][8]
        if any(r[8] != widths for r in found):  # not one hashing configuration
            return Columns.from_entries(self.entries(ids))
        n = len(found)
        raw = bytearray(b"".join([r[7] for r in found]))
        packed = np.frombuffer(raw, dtype=np.uint16).reshape(n, sum(widths))
        sig, lead_sig, loose_sig, skeleton_sig = split_packed(packed, widths)
        numbers = np.array([r[:5] for r in found], dtype=np.int64).reshape(n, 5)
        return Columns(
            ids=numbers[:, 0],
            sig=sig,
            lead_sig=lead_sig,
            loose_sig=loose_sig,
            skeleton_sig=skeleton_sig,
            words=numbers[:, 1],
            shingles=numbers[:, 2],
            lead_shingles=numbers[:, 3],
            published=numbers[:, 4],
            wire=[r[5] for r in found],
            anchors=Anchors([r[9] for r in found]),
            packed=packed,
            sites=[r[6] for r in found],
        )

    def _compared(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A :data:`_COMPARED` row as :meth:`columns` keeps it: id, words, shingles,
        lead shingles, published (``NO_DATE`` when undated), decoded wire, site, the four
        signatures' bytes side by side, their widths, anchors."""
        wire = self.wires.get(row[5])
        if wire is None:
            wire = self.wires[row[5]] = tuple(json.loads(row[5]))
        sigs = row[7:11]
        return (
            row[0], row[1], row[2], row[3], NO_DATE if row[4] is None else row[4], wire,
            row[6], b"".join(sigs), tuple(len(b) // 2 for b in sigs), row[11],
        )  # fmt: skip

    def insert(self, entry: Entry, keys: U64) -> int:
        key_list = list(dict.fromkeys(keys.tolist()))
        distinct = keys if len(key_list) == len(keys) else np.array(key_list, dtype=np.uint64)
        key = url_key(entry.url)
        wire = json.dumps(list(entry.wire))
        sigs = (
            entry.sig.tobytes(),
            entry.lead_sig.tobytes(),
            entry.loose_sig.tobytes(),
            entry.skeleton_sig.tobytes(),
        )
        anchors = entry.anchors.astype(np.uint16).tobytes()
        cur = self.db.execute(
            "INSERT INTO entries (url, url_key, site, published, added, wire, cluster, exact, "
            "words, shingles, lead_shingles, sig, lead_sig, loose_sig, skeleton_sig, anchors, "
            "keys, "
            "state, run, relation, similarity, duplicate_of, update_of) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                entry.url, key, entry.site, entry.published, entry.added, wire,
                entry.cluster, entry.exact, entry.words, entry.shingles, entry.lead_shingles,
                *sigs, anchors, distinct.astype(np.uint64, copy=False).tobytes(),
                entry.state, entry.run,
                entry.relation, entry.similarity, entry.duplicate_of, entry.update_of,
            ),
        )  # fmt: skip
        entry_id = int(cur.lastrowid or 0)
        self.db.execute(
            "INSERT OR IGNORE INTO keys (key, entry) SELECT value, ? FROM json_each(?)",
            (entry_id, json.dumps(key_list)),
        )
        self.announced, self.covered = set(), set()  # the check is over; the index changed
        self.db.execute(
            "INSERT OR IGNORE INTO clusters (id, canonical) VALUES (?, ?)",
            (entry.cluster, entry_id),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO urls (url_key, url, last_seen, state, run) VALUES (?,?,?,?,?)",
            (key, entry.url, self.now, entry.state, entry.run),
        )
        entry.id = entry_id
        if len(self.rows) >= ROW_CACHE:
            self.rows.clear()
        self.rows[entry_id] = self._compared(
            (entry_id, entry.words, entry.shingles, entry.lead_shingles, entry.published, wire,
             entry.site, *sigs, anchors)
        )  # fmt: skip
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

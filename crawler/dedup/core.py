"""The Deduplicator: stages cheapest first, one atomic check-and-insert per document.

Stages (the first that matches settles it; see :mod:`crawler.dedup.stages`):

1. ``url``: the URL is stored. Same normalized content: an identical copy (a
   re-crawl), nothing stored. Changed content: an ``update`` of the stored version,
   stored in the same cluster.
2. ``exact``: the normalized body hashes like a stored one (bodies of at least
   ``exact_min_words``): ``identical``.
3. ``near``: MinHash LSH over the full body and the lead, verified by Jaccard and
   the containment rule: identical, truncated, edited or update.
4. ``loose``: sentence-skeleton LSH within a time bucket, verified by several
   independent signals: ``translated``. Also tried on the near candidates that
   stage 3 rejected, and run even when stage 3 matched, so that which clusters get
   linked does not depend on the order documents arrive in; near matches rank first.
5. ``new``: a new cluster.

Policy: flag, never drop. A copy gets ``duplicate_of`` (the URL its cluster's
items point to: the cluster's stored canonical), ``relation`` and ``similarity``
(against that canonical when the rules relate them directly, else against the
closest stored copy); an update gets ``update_of`` and no ``duplicate_of``; every
document, copy or not,
is stored (a copy of a copy is still found). When a document matches several
clusters they are merged into the one whose canonical is oldest, so a story already
stored stays canonical. :meth:`Deduplicator.finalize_clusters` then picks each
cluster's final canonical independently of the order documents came in.

Site boilerplate: before matching, the lines of the document's site that were
seen on ``boilerplate_min_articles`` distinct articles are left out of its
shingles; the document's own lines are counted after its verdict. A batch checked in
one transaction (:meth:`Deduplicator.check_and_add_batch`) reads the counts inside it, so
each document sees the lines of those before it: the verdicts of one at a time.

Durable order (see :mod:`crawler.dedup.store_base`): entries are stored *pending*
under this run's id; :meth:`Deduplicator.commit` promotes them once the output is
durable, and a store drops the pending entries of dead runs when it opens. The
same store API serves incremental crawls (``DedupStore.seen_urls``) and liveness
across hosts (``heartbeat``).
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Self

import numpy as np

from crawler.clock import Clock, SystemClock, build_clock
from crawler.dedup.clusters import finalized
from crawler.dedup.features import Fingerprint, Fingerprinter
from crawler.dedup.minhash import jaccard
from crawler.dedup.model import DedupConfig, Document, Verdict
from crawler.dedup.normalize import Tokens, clean_paragraphs, line_hash, tokenize
from crawler.dedup.offline import Prepared
from crawler.dedup.stages import (
    Compacted,
    Estimates,
    Hit,
    Match,
    estimates,
    estimates_rows,
    loose_matches,
    near_matches,
)
from crawler.dedup.store_base import PENDING, U64, Columns, DedupStore, DedupTxn, Entry

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

#: Seconds between two liveness heartbeats of a run.
HEARTBEAT_EVERY = 30.0
_DAY = 86400.0


def new_run_id() -> str:
    """A run id unique across hosts and processes."""
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def verdict_stats(verdict: Verdict) -> list[str]:
    """Stats keys a verdict counts: ``dedup/new``, ``dedup/copies/<relation>``,
    ``dedup/updates`` and ``dedup/stage/<stage>``."""
    keys = [f"dedup/stage/{verdict.stage}"]
    if verdict.relation == "update":
        keys.append("dedup/updates")
    elif verdict.is_copy:
        keys.append(f"dedup/copies/{verdict.relation}")
    else:
        keys.append("dedup/new")
    return keys


def _rows(est: Estimates | None, rows: Sequence[int], every: bool) -> Estimates | None:
    """``est`` of ``rows`` (all of them, in order, when ``every``)."""
    if est is None or every:
        return est
    return estimates_rows(est, rows)


def _load_store(settings: Any) -> DedupStore:
    from scrapy.utils.misc import load_object

    cls = load_object(settings.get("DEDUP_STORE_CLASS") or "crawler.dedup.memory.MemoryStore")
    store = cls.from_settings(settings)
    if not isinstance(store, DedupStore):
        raise TypeError(f"DEDUP_STORE_CLASS {cls!r} is not a DedupStore")
    return store


class Deduplicator:
    """Check-and-insert documents against a :class:`DedupStore` (module docstring)."""

    def __init__(
        self,
        store: DedupStore,
        *,
        config: DedupConfig | None = None,
        clock: Clock | None = None,
        run_id: str | None = None,
    ) -> None:
        self.store = store
        self.config = config or DedupConfig()
        self.clock = clock or SystemClock()
        self.run_id = run_id or new_run_id()
        self.fingerprinter = Fingerprinter(self.config)
        self.stats: Counter[str] = Counter()
        self.lines_learned = False
        self._compacted: tuple[Fingerprint, Compacted] | None = None
        self._beat = 0.0
        now = self.clock.now().timestamp()
        store.open(run_id=self.run_id, params=self.config.hashing_params(), now=now)
        if self.config.retention_days > 0:
            pruned = store.prune(
                before=now - self.config.retention_days * _DAY,
                urls_before=now - self.config.url_retention_days * _DAY,
            )
            self.stats["dedup/pruned"] += pruned

    @classmethod
    def from_settings(cls, settings: Any, *, store: DedupStore | None = None) -> Self:
        """Store from ``DEDUP_STORE_CLASS``, tuning from ``DEDUP_*``, clock from ``CLOCK``."""
        return cls(
            store if store is not None else _load_store(settings),
            config=DedupConfig.from_settings(settings),
            clock=build_clock(settings),
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls.from_settings(crawler.settings)

    # -- checking -----------------------------------------------------------------

    def fingerprint(self, doc: Document, tokens: Tokens | None = None) -> Fingerprint:
        """The document's fingerprint with its site's learned boilerplate lines left out."""
        tokens = tokens if tokens is not None else tokenize(doc.body)
        site = self.fingerprinter.site(doc)
        counts = self.store.line_counts(site, tokens.line_hashes) if tokens.line_hashes else {}
        limit = self.config.boilerplate_min_articles
        drop = {h for h, n in counts.items() if n >= limit}
        return self.fingerprinter.fingerprint(doc, tokens, drop)

    def check_and_add(self, doc: Document) -> Verdict:
        """Decide and store ``doc`` in one atomic transaction."""
        fp = self.fingerprint(doc)
        with self.store.transaction() as txn:
            verdict = self._decide(txn, fp)
        self._count(verdict)
        return verdict

    def check_and_add_many(self, docs: Sequence[Document]) -> list[Verdict]:
        """Like :meth:`check_and_add` for a batch, in one transaction (bulk loads)."""
        fps = [self.fingerprint(doc) for doc in docs]
        with self.store.transaction() as txn:
            verdicts = self._decide_batch(txn, fps)
        for verdict in verdicts:
            self._count(verdict)
        return verdicts

    def check_and_add_prepared(self, items: Sequence[Prepared]) -> list[Verdict]:
        """Like :meth:`check_and_add_many` with fingerprints computed elsewhere (worker
        processes, from a snapshot of the learned boilerplate lines: a
        :class:`Fingerprinter` needs no store). A fingerprint made without exactly the
        lines the store calls boilerplate now is redone here, so the result is the
        same as :meth:`check_and_add_many`'s."""
        fps = [self._current(item) for item in items]
        with self.store.transaction() as txn:
            verdicts = self._decide_batch(txn, fps)
        for verdict in verdicts:
            self._count(verdict)
        return verdicts

    def check_and_add_batch(self, items: Sequence[Prepared | Document]) -> list[Verdict]:
        """Check and store each of ``items`` in turn, in ONE transaction, with exactly the
        verdicts of :meth:`check_and_add` (a document) or a one-item
        :meth:`check_and_add_prepared` (a fingerprint made elsewhere) called one at a time
        in this order: each document's boilerplate lines are read inside the transaction,
        after the lines the batch's earlier documents added (a prepared fingerprint made
        without exactly those lines is redone: ``dedup/refingerprinted``), and a URL
        stored earlier in the batch is seen. An exception rolls the whole batch back."""
        first = [item.fingerprint if isinstance(item, Prepared) else None for item in items]
        queries = [self._query(fp) if fp is not None else None for fp in first]
        announced = [q for q in queries if q is not None]
        verdicts: list[Verdict] = []
        with self.store.transaction() as txn:
            if len(announced) > 1:
                txn.prefetch_batch(announced)
            for item, query in zip(items, queries, strict=True):
                if isinstance(item, Prepared):
                    fp = self._current(item)
                    query = query if fp is item.fingerprint else None
                else:
                    fp = self.fingerprint(item)
                verdicts.append(self._decide(txn, fp, query))
        for verdict in verdicts:
            self._count(verdict)
        return verdicts

    def _current(self, item: Prepared) -> Fingerprint:
        """``item``'s fingerprint, redone unless made without exactly the lines the store
        calls boilerplate now."""
        fp = item.fingerprint
        if not item.line_hashes:
            return fp
        counts = self.store.line_counts(fp.site, item.line_hashes)
        limit = self.config.boilerplate_min_articles
        drop = frozenset(h for h, n in counts.items() if n >= limit)
        if drop == item.dropped:
            return fp
        self.stats["dedup/refingerprinted"] += 1
        return self.fingerprinter.fingerprint(item.document(), None, drop)

    def boilerplate(self) -> dict[str, frozenset[int]] | None:
        """Each site's lines the store now calls boilerplate (None: the store cannot
        list them); a snapshot for :meth:`check_and_add_prepared`'s fingerprints."""
        return self.store.boilerplate_lines(self.config.boilerplate_min_articles)

    def learn_lines(self, docs: Iterable[Document]) -> int:
        """Count each document's lines for its site before any is checked (offline runs:
        boilerplate is then known from the first document on). The documents checked
        afterwards are the ones learned: their lines are not counted again when stored
        (counting them twice would make the boilerplate depend on the order of the
        input). Returns documents seen."""
        return self.learn_line_hashes(
            (self.fingerprinter.site(doc), [line_hash(p) for p in clean_paragraphs(doc.body)])
            for doc in docs
        )

    def learn_line_hashes(self, items: Iterable[tuple[str, Sequence[int]]]) -> int:
        """:meth:`learn_lines` with each document's (site, line hashes) computed elsewhere."""
        seen = 0
        with self.store.transaction() as txn:
            for site, lines in items:
                txn.add_lines(site, lines)
                seen += 1
        self.lines_learned = True
        return seen

    def _count(self, verdict: Verdict) -> None:
        for key in verdict_stats(verdict):
            self.stats[key] += 1
        if time.monotonic() - self._beat > HEARTBEAT_EVERY:
            self.heartbeat()

    def heartbeat(self) -> None:
        """Tell other processes this run is alive (also called on a timer by the pipeline)."""
        self._beat = time.monotonic()
        self.store.heartbeat(self.run_id, time.time())

    def _probe(self, fp: Fingerprint) -> Compacted:
        """``fp`` compacted (once for the fingerprint being checked)."""
        cached = self._compacted
        if cached is None or cached[0] is not fp:
            cached = self._compacted = (fp, Compacted.of(fp))
        return cached[1]

    def _query(self, fp: Fingerprint) -> tuple[U64, U64]:
        """Every lookup key of ``fp``'s check, and its URL and exact keys."""
        exact = fp.exact_words >= self.config.exact_min_words
        head = np.array([fp.url_key, fp.exact_key] if exact else [fp.url_key], dtype=np.uint64)
        return np.concatenate([head, fp.near_keys, fp.loose_query]), head

    def _decide_batch(self, txn: DedupTxn, fps: Sequence[Fingerprint]) -> list[Verdict]:
        """Check and store each of ``fps`` in turn, the batch's lookup keys announced first."""
        queries = [self._query(fp) for fp in fps]
        if len(queries) > 1:
            txn.prefetch_batch(queries)
        return [self._decide(txn, fp, query) for fp, query in zip(fps, queries, strict=True)]

    def _decide(
        self, txn: DedupTxn, fp: Fingerprint, query: tuple[U64, U64] | None = None
    ) -> Verdict:
        cfg = self.config
        exact = fp.exact_words >= cfg.exact_min_words
        txn.prefetch(*(query or self._query(fp)))
        old = txn.url_entry(fp.url)
        if old is not None:
            same = old.exact == fp.exact
            j = 1.0 if same else round(float(jaccard(fp.sig, old.sig)[0]), 4)
            if same:
                txn.touch_url(fp.url)
                return Verdict(
                    old.cluster, self._canonical_url(txn, old.cluster), "identical", j, "url"
                )
            self._store(txn, fp, old.cluster, relation="update", similarity=j, update_of=old.url)
            return Verdict(old.cluster, None, "update", j, "url", update_of=old.url)
        if exact:
            same_body = txn.exact_entries(fp.exact, 8)
            if same_body:
                return self._join(txn, fp, [Match(same_body[0], "identical", 1.0, "exact")])
        # both candidate sets first (nothing is stored in between), compared columns read once
        near = txn.candidates(fp.near_keys, cfg.max_candidates) if len(fp.near_keys) else []
        loose = (
            txn.candidates(fp.loose_query, cfg.loose_max_candidates) if len(fp.loose_query) else []
        )
        checked = [i for i, _ in near]
        every = sorted(set(checked) | {i for i, _ in loose})
        cols = txn.columns(every) if every else Columns.from_entries([])
        row = {int(i): r for r, i in enumerate(cols.ids.tolist())}
        probe = self._probe(fp)
        # the near stage's estimates, made for every compared row at once: the loose stage
        # reads its rows' from them
        est = (
            estimates(probe, cols)
            if near and len(cols) and probe.words >= cfg.flash_min_words
            else None
        )
        hits: list[tuple[int, Hit]] = []  # (entry id, hit)
        if near:
            at = [row[i] for i in checked if i in row]
            near_cols = cols.take(at)
            found = near_matches(probe, near_cols, cfg, _rows(est, at, near_cols is cols))
            hits = [(int(near_cols.ids[h.index]), h) for h in found]
        if len(fp.loose_query):  # always: the match graph must not depend on order
            matched = {i for i, _ in hits}
            at = [r for i, r in row.items() if i not in matched]
            loose_cols = cols.take(at)
            found = loose_matches(probe, loose_cols, cfg, _rows(est, at, loose_cols is cols))
            hits += [(int(loose_cols.ids[h.index]), h) for h in found]
        if hits:
            entries = {e.id: e for e in txn.entries([i for i, _ in hits])}
            matches = [
                Match(entries[i], h.relation, h.similarity, h.stage)
                for i, h in hits
                if i in entries
            ]
            return self._join(txn, fp, matches)
        # named after its first copy: the same input gives the same ids in every run
        cluster_id = hashlib.sha1(f"{fp.url}\n{fp.exact}".encode()).hexdigest()[:16]
        self._store(txn, fp, cluster_id)
        return Verdict(cluster_id, None, None, None, "new")

    def _join(self, txn: DedupTxn, fp: Fingerprint, matches: Sequence[Match]) -> Verdict:
        """Join the best match's story; merge every other matched cluster into the one
        whose canonical is oldest. Near matches decide the relation when there are any;
        an update only when it updates every one of them (a copy of the full story is not
        an update of a truncated copy)."""
        deciding = [m for m in matches if m.stage == "near"] or list(matches)
        copies = [m for m in deciding if m.relation != "update"]
        best = copies[0] if copies else deciding[0]
        clusters = [
            c for c in (txn.cluster(cid) for cid in {m.entry.cluster for m in matches}) if c
        ]
        target = min(clusters, key=lambda c: c.canonical)
        others = [c.id for c in clusters if c.id != target.id]
        if others:
            txn.merge_clusters(target.id, others)
        found = txn.entries([target.canonical])
        canonical = found[0].url if found else None
        similarity = round(best.similarity, 4)
        if best.relation == "update":
            self._store(txn, fp, target.id, relation="update", similarity=similarity,
                        update_of=best.entry.url)  # fmt: skip
            return Verdict(target.id, None, "update", similarity, best.stage, best.entry.url)
        relation = best.relation
        if found and found[0].id != best.entry.id:  # describe the copy against its canonical
            cols = Columns.from_entries(found)
            probe = self._probe(fp)
            direct = near_matches(probe, cols, self.config) or loose_matches(
                probe, cols, self.config
            )
            if direct and direct[0].relation != "update":
                relation, similarity = direct[0].relation, round(direct[0].similarity, 4)
        self._store(txn, fp, target.id, relation=relation, similarity=similarity,
                    duplicate_of=canonical)  # fmt: skip
        return Verdict(target.id, canonical, relation, similarity, best.stage)

    def _canonical_url(self, txn: DedupTxn, cluster_id: str) -> str | None:
        cluster = txn.cluster(cluster_id)
        found = txn.entries([cluster.canonical]) if cluster else []
        return found[0].url if found else None

    def _store(
        self,
        txn: DedupTxn,
        fp: Fingerprint,
        cluster_id: str,
        *,
        relation: str | None = None,
        similarity: float | None = None,
        duplicate_of: str | None = None,
        update_of: str | None = None,
    ) -> int:
        probe = self._probe(fp)
        entry = Entry(
            id=0,
            url=fp.url,
            site=fp.site,
            published=fp.published,
            added=int(self.clock.now().timestamp()),
            wire=fp.wire,
            cluster=cluster_id,
            exact=fp.exact,
            words=fp.words,
            shingles=fp.shingles,
            lead_shingles=fp.lead_shingles,
            sig=probe.sig,
            lead_sig=probe.lead_sig,
            loose_sig=probe.loose_sig,
            skeleton_sig=probe.skeleton_sig,
            anchors=fp.anchors,
            state=PENDING,
            run=self.run_id,
            relation=relation,
            similarity=similarity,
            duplicate_of=duplicate_of,
            update_of=update_of,
            packed=probe.packed,
        )
        entry_id = txn.insert(entry, fp.index_keys(self.config.exact_min_words))
        if fp.lines and update_of is None and not self.lines_learned:
            txn.add_lines(fp.site, fp.lines)
        return entry_id

    # -- end of run -----------------------------------------------------------------

    def finalize_clusters(
        self, *, run_only: bool = True, min_size: int = 1
    ) -> list[dict[str, Any]]:
        """Each cluster's final record (see :mod:`crawler.dedup.clusters`), for the clusters
        holding this run's documents (``run_only``) or every stored cluster; only clusters of
        at least ``min_size`` URLs. The final canonical is stored: later copies point to it."""
        return list(self.iter_finalized(run_only=run_only, min_size=min_size))

    def iter_finalized(
        self, *, run_only: bool = True, min_size: int = 1
    ) -> Iterator[dict[str, Any]]:
        """:meth:`finalize_clusters` one record at a time (bounded memory on large runs)."""
        run = self.run_id if run_only else None
        return finalized(self.store, run, self.run_id, self.config, min_size)

    def commit(self) -> int:
        """This run's output is durable: its pending entries now count for later runs."""
        return self.store.commit_run(self.run_id)

    def close(self) -> None:
        """Close the store (pending entries of an uncommitted run are reconciled later)."""
        self.store.close()

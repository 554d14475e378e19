"""Final canonical of a story cluster, and the cluster records of the clusters file.

Canonical choice (independent of download order):

1. a canonical already committed by an earlier run stays canonical;
2. otherwise the wire agency's own copy (a member published on an agency's site,
   e.g. afp.com, reuters.com, aa.com.tr), then the earliest-published member
   (undated members last), then the smallest URL, so ties never depend on order.

Each record gives the canonical URL and site, every other member's URL, site,
publication date and relation to the canonical (recomputed against the final
canonical with the stage rules, else the relation given when it was flagged), the
agencies credited by any member (``wire``) and the other sites that ran the story
(``also_published_by``). Clusters merged into this one are listed in ``merged_ids``
(items flagged earlier carry those ids).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from crawler.dedup.model import DedupConfig
from crawler.dedup.stages import loose_matches, near_matches
from crawler.dedup.store_base import COMMITTED, Cluster, Columns, DedupStore, Entry

#: Sites of the agencies in ``crawler.wire.AGENCIES`` (a copy there is the agency's own).
AGENCY_SITES: dict[str, tuple[str, ...]] = {
    "AFP": ("afp.com",),
    "Reuters": ("reuters.com",),
    "AP": ("apnews.com", "ap.org"),
    "Anadolu": ("aa.com.tr",),
    "dpa": ("dpa.com", "dpa-international.com"),
    "EFE": ("efe.com",),
    "Xinhua": ("xinhuanet.com", "news.cn"),
    "ANI": ("aninews.in",),
    "IRNA": ("irna.ir",),
    "WAM": ("wam.ae",),
    "SPA": ("spa.gov.sa",),
    "KUNA": ("kuna.net.kw",),
    "QNA": ("qna.org.qa",),
    "SANA": ("sana.sy",),
    "INA": ("ina.iq",),
    "NNA": ("nna-leb.gov.lb",),
    "MENA": ("mena.org.eg",),
    "UPI": ("upi.com",),
    "Bloomberg": ("bloomberg.com",),
    "ANSA": ("ansa.it",),
    "Kyodo": ("kyodonews.net",),
    "TASS": ("tass.com", "tass.ru"),
    "Tasnim": ("tasnimnews.com",),
    "Fars": ("farsnews.ir",),
}
_AGENCY_OF_SITE = {site: agency for agency, sites in AGENCY_SITES.items() for site in sites}


def agency_of_site(site: str | None) -> str | None:
    """The agency whose own site ``site`` is, if any."""
    return _AGENCY_OF_SITE.get(site or "")


def iso(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def canonical_key(entry: Entry) -> tuple[int, int, int, str]:
    """Sort key of rule 2 (smaller is more canonical)."""
    published = entry.published
    return (
        0 if agency_of_site(entry.site) else 1,
        0 if published is not None else 1,
        published if published is not None else 0,
        entry.url,
    )


def latest_per_url(entries: Iterable[Entry]) -> list[Entry]:
    """One member per URL: its latest stored version."""
    by_url: dict[str, Entry] = {}
    for entry in entries:
        if entry.url not in by_url or entry.id > by_url[entry.url].id:
            by_url[entry.url] = entry
    return sorted(by_url.values(), key=lambda e: e.id)


def choose_canonical(members: Sequence[Entry], current: Entry | None, run_id: str) -> Entry:
    """The final canonical (module rules 1-2)."""
    if current is not None and current.state == COMMITTED and current.run != run_id:
        return current
    return min(members, key=canonical_key)


def relation_to(
    member: Entry, canonical: Entry, cfg: DedupConfig
) -> tuple[str | None, float | None]:
    """How ``member`` relates to ``canonical`` by the stage rules (else as flagged)."""
    if member.exact == canonical.exact and member.words >= cfg.exact_min_words:
        return "identical", 1.0
    cols = Columns.from_entries([canonical])
    found = near_matches(member, cols, cfg) or loose_matches(member, cols, cfg)
    if found:
        return found[0].relation, round(found[0].similarity, 4)
    if member.url == canonical.url:
        return "update", member.similarity
    return member.relation, member.similarity


def cluster_record(
    cluster: Cluster, entries: Sequence[Entry], current: Entry | None, run_id: str, cfg: DedupConfig
) -> tuple[dict[str, Any], Entry]:
    """The clusters-file record of one cluster, and its final canonical entry."""
    versions = sorted(entries, key=lambda e: e.id)
    members = latest_per_url(versions)
    canonical = choose_canonical(members, current, run_id)
    wire = sorted({agency for e in versions for agency in e.wire})
    copies: list[dict[str, Any]] = []
    for member in sorted(members, key=canonical_key):
        if member.url == canonical.url:
            continue
        relation, similarity = relation_to(member, canonical, cfg)
        copies.append(
            {
                "url": member.url,
                "site": member.site,
                "published": iso(member.published),
                "relation": relation,
                "similarity": similarity,
                "wire": list(member.wire),
            }
        )
    updates = [
        {"url": e.url, "published": iso(e.published)}
        for e in versions
        if e.url == canonical.url and e.id != canonical.id and e.id > canonical.id
    ]
    sites = sorted({m.site for m in members if m.site and m.site != canonical.site})
    record = {
        "cluster_id": cluster.id,
        "merged_ids": sorted(cluster.merged),
        "canonical": canonical.url,
        "site": canonical.site,
        "published": iso(canonical.published),
        "wire": wire,
        "also_published_by": sites,
        "size": len(members),
        "copies": copies,
        "versions": updates,
    }
    return record, canonical


def finalized(
    store: DedupStore, run: str | None, run_id: str, cfg: DedupConfig, min_size: int
) -> Iterator[dict[str, Any]]:
    """The record of each cluster holding entries of ``run`` (None: every cluster) with at
    least ``min_size`` URLs, 500 clusters at a time; a cluster's new final canonical is
    stored (later copies point to it)."""
    ids = store.run_clusters(run, min_size=min(min_size, 2))
    for start in range(0, len(ids), 500):
        groups = store.cluster_entries(ids[start : start + 500])
        moves: list[tuple[str, int]] = []
        records: list[dict[str, Any]] = []
        with store.transaction() as txn:
            for cid, entries in groups.items():
                cluster = txn.cluster(cid)
                if cluster is None or not entries:
                    continue
                current = next((e for e in entries if e.id == cluster.canonical), None)
                record, canonical = cluster_record(cluster, entries, current, run_id, cfg)
                if canonical.id != cluster.canonical:
                    moves.append((cluster.id, canonical.id))
                if record["size"] >= min_size:
                    records.append(record)
        for cluster_id, entry_id in moves:
            store.set_canonical(cluster_id, entry_id)
        yield from records

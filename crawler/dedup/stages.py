"""Matching rules of the near and loose stages, and how a copy relates to a stored one.

Near stage (candidates from the full-body and lead LSH bands), for a new body N
and a stored body E, with ``J`` the estimated Jaccard of their shingle sets and
``C`` the estimated share of the *shorter* body's shingles found in the longer one
(``|A∩B| = J(|A|+|B|)/(1+J)``):

- a copy when ``J >= near_jaccard``;
- or when ``C >= containment`` and either the sizes are comparable (shorter at least
  30% of the longer, where the estimate is reliable) or the leads agree
  (lead Jaccard >= 0.5): a truncated or lead-only copy;
- or, for a much shorter body (a flash or a lead-only copy), when its lead is
  contained in the other's lead (>= 0.85) and ``C >= containment - 0.25``.

Relation: ``identical`` when ``J >= identical_jaccard``; ``update`` when E is
(mostly) inside N, N is at least ``update_growth`` times longer and was published
later; ``truncated`` when the shorter one is contained and clearly shorter;
otherwise ``edited``.

Loose stage (candidates from the sentence-skeleton bands within a time bucket): a
heavy rewrite or machine translation keeps the facts in order, not the phrasing.
A match needs *every* one of these independent signals, so that different
agencies' reports of one event (same names, places, numbers and often the same
quote) are never merged:

- both dated, published within ``loose_window_hours``;
- comparable length (shorter at least 60% of the longer, in words);
- shingle Jaccard >= ``loose_shingle_jaccard`` (some phrasing survives a rewrite;
  a shared quote alone stays below it);
- content-word Jaccard >= ``loose_word_jaccard``;
- sentence-skeleton Jaccard >= ``loose_skeleton_jaccard`` (the stopwords stay in
  place when the words around them are reworded);
- the anchors (numbers, capitalised names in order of first use) align: their
  longest common subsequence is at least ``loose_min_anchors`` long and covers
  ``loose_anchor_ratio`` of the longer anchor list;
- no conflicting wire credits (both credited, to disjoint agencies).

The relation is then ``translated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from crawler.dedup.minhash import U16, U32, containment, jaccard
from crawler.dedup.model import DedupConfig
from crawler.dedup.store_base import NO_DATE, Columns, Entry

#: Below this size ratio the full-body containment estimate needs the leads' support.
RELIABLE_RATIO = 0.3
LEAD_AGREES = 0.5
LEAD_CONTAINED = 0.85
FLASH_SLACK = 0.25
TRUNCATED_RATIO = 0.85
UPDATE_SLACK = 0.1
LOOSE_LENGTH_RATIO = 0.6


class Probe(Protocol):
    """What the rules read of a document: a new fingerprint or a stored entry."""

    @property
    def sig(self) -> U32 | U16: ...
    @property
    def lead_sig(self) -> U32 | U16: ...
    @property
    def loose_sig(self) -> U32 | U16: ...
    @property
    def skeleton_sig(self) -> U32 | U16: ...
    @property
    def anchors(self) -> U16: ...
    @property
    def words(self) -> int: ...
    @property
    def shingles(self) -> int: ...
    @property
    def lead_shingles(self) -> int: ...
    @property
    def published(self) -> int | None: ...
    @property
    def wire(self) -> tuple[str, ...]: ...


@dataclass
class Hit:
    """Row ``index`` of the compared columns is a copy (or an earlier version) of the probe."""

    index: int
    relation: str
    similarity: float
    stage: str


@dataclass
class Match:
    """A stored entry the new document copies (or updates)."""

    entry: Entry
    relation: str
    similarity: float
    stage: str


def _rank(hits: list[Hit], ids: npt.NDArray[np.int64]) -> list[Hit]:
    """Best first: highest similarity, then the oldest entry."""
    return sorted(hits, key=lambda h: (-h.similarity, int(ids[h.index])))


def near_matches(fp: Probe, cols: Columns, cfg: DedupConfig) -> list[Hit]:
    """Rows of ``cols`` that ``fp`` is a near-duplicate of (module rules), best first."""
    if not len(cols) or fp.words < cfg.min_words:
        return []
    j = jaccard(fp.sig, cols.sig)
    lead_j = jaccard(fp.lead_sig, cols.lead_sig)
    sizes = cols.shingles.astype(np.float64)
    lead_sizes = cols.lead_shingles.astype(np.float64)
    new_in_old, old_in_new = containment(j, float(fp.shingles), sizes)
    lead_new_in_old, lead_old_in_new = containment(lead_j, float(fp.lead_shingles), lead_sizes)
    new_shorter = fp.shingles <= sizes
    shorter_c = np.where(new_shorter, new_in_old, old_in_new)
    lead_c = np.where(new_shorter, lead_new_in_old, lead_old_in_new)
    ratio = np.minimum(sizes, fp.shingles) / np.maximum(np.maximum(sizes, fp.shingles), 1.0)
    long_enough = cols.words >= cfg.min_words
    near = j >= cfg.near_jaccard
    contained = (shorter_c >= cfg.containment) & (
        (ratio >= RELIABLE_RATIO) | (lead_j >= LEAD_AGREES)
    )
    flash = (
        (ratio < RELIABLE_RATIO)
        & (lead_c >= LEAD_CONTAINED)
        & (shorter_c >= cfg.containment - FLASH_SLACK)
    )
    found: list[Hit] = []
    for i in np.flatnonzero((near | contained | flash) & long_enough).tolist():
        published = int(cols.published[i])
        later = fp.published is not None and published != NO_DATE and fp.published > published
        if j[i] >= cfg.identical_jaccard:
            relation, similarity = "identical", float(j[i])
        elif (
            later
            and fp.shingles >= cfg.update_growth * sizes[i]
            and (old_in_new[i] >= cfg.containment - UPDATE_SLACK or contained[i] or flash[i])
        ):
            relation, similarity = "update", float(old_in_new[i])
        elif (contained[i] or flash[i]) and ratio[i] < TRUNCATED_RATIO:
            relation, similarity = "truncated", float(shorter_c[i])
        else:
            relation, similarity = "edited", float(max(j[i], min(shorter_c[i], ratio[i])))
        found.append(Hit(i, relation, similarity, "near"))
    return _rank(found, cols.ids)


def lcs_length(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common subsequence (bit-parallel, Hyyrö 2004)."""
    if not len(a) or not len(b):
        return 0
    masks: dict[int, int] = {}
    for i, value in enumerate(a):
        masks[value] = masks.get(value, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for value in b:
        u = v & masks.get(value, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def _wires_conflict(a: Sequence[str], b: Sequence[str]) -> bool:
    return bool(a) and bool(b) and not set(a) & set(b)


def loose_matches(fp: Probe, cols: Columns, cfg: DedupConfig) -> list[Hit]:
    """Rows of ``cols`` that ``fp`` is a heavy rewrite or translation of (module rules)."""
    if fp.published is None or fp.words < cfg.min_words or not len(cols):
        return []
    window = cfg.loose_window_hours * 3600
    dated = cols.published != NO_DATE
    words = cols.words
    pool = (
        dated
        & (np.abs(np.where(dated, cols.published, fp.published) - fp.published) <= window)
        & (words >= cfg.min_words)
        & (np.minimum(words, fp.words) >= LOOSE_LENGTH_RATIO * np.maximum(words, fp.words))
    )
    rows = np.flatnonzero(pool)
    if not len(rows):
        return []
    word_j = jaccard(fp.loose_sig, cols.loose_sig[rows])
    skeleton_j = jaccard(fp.skeleton_sig, cols.skeleton_sig[rows])
    shingle_j = jaccard(fp.sig, cols.sig[rows])
    passing = (
        (word_j >= cfg.loose_word_jaccard)
        & (skeleton_j >= cfg.loose_skeleton_jaccard)
        & (shingle_j >= cfg.loose_shingle_jaccard)
    )
    mine = fp.anchors.tolist()
    found: list[Hit] = []
    for k in np.flatnonzero(passing).tolist():
        i = int(rows[k])
        if _wires_conflict(fp.wire, cols.wire[i]):
            continue
        theirs = cols.anchors[i].tolist()
        common = lcs_length(mine, theirs)
        longest = max(len(mine), len(theirs), 1)
        if common < cfg.loose_min_anchors or common < cfg.loose_anchor_ratio * longest:
            continue
        similarity = float((word_j[k] + skeleton_j[k] + common / longest) / 3)
        found.append(Hit(i, "translated", similarity, "loose"))
    return _rank(found, cols.ids)

"""Matching rules of the near and loose stages, and how a copy relates to a stored one.

Near stage (candidates from the full-body and lead LSH bands and the opening key),
for a new body N and a stored body E, with ``J`` the estimated Jaccard of their
shingle sets and ``C`` the estimated share of the *shorter* body's shingles found in
the longer one (``|A∩B| = J(|A|+|B|)/(1+J)``). When both have at least ``min_words``
words:

- a copy when ``J >= near_jaccard``;
- or when ``C >= containment`` and either the sizes are comparable (shorter at least
  30% of the longer, where the estimate is reliable) or the leads agree
  (lead Jaccard >= 0.5): a truncated or lead-only copy;
- or, for a much shorter body (a flash or a lead-only copy), when its lead is
  contained in the other's lead (>= 0.85) and ``C >= containment - 0.25``.

Flash rule, when the shorter body has ``flash_min_words`` (25) to ``min_words`` words:
its shingles must be contained in the longer body's lead (estimated on the 64-value
lead signature, >= 0.8) *and* its names and numbers (at least 2) must come, in order,
among the longer body's first ones (>= 80% of them aligned). 25 words give over 20
distinct shingles, the least for a containment estimate to mean anything; a true
flash repeats the lead verbatim (containment 1.0, estimated >= 0.85), while another
agency's opening on the same event shares at most about half of a flash's shingles
(estimates stay under 0.75) and names the people and places in its own order. Learned
site lines are left out first, so a site's repeated lines cannot make two short
briefs contained in each other.

Relation of N to E:

- ``update`` when N comes from E's site (when both are known: an outlet updates its
  own story, another outlet's longer copy is a copy), was published later, is longer
  by at least ``update_growth`` and by at least a paragraph (30 shingles), contains E
  (>= ``containment``) and opens on E's first names and numbers (a later version
  keeps the story's opening; a copy with a site intro opens on the intro);
- ``identical`` when ``J >= identical_jaccard``, the sizes are comparable and one
  body holds the other entirely (>= 0.97: only whole lines were added or removed,
  no sentence was reworded);
- ``truncated`` when N is clearly shorter, is contained in E (or matched as a flash)
  and its names and numbers are the start of E's (a cut copy keeps the order; an
  edited one drops and moves sentences);
- otherwise ``edited``.

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
  place when the words around them are reworded; the skeleton leaves out articles
  and "of", which translations drop or move: a translated copy keeps 0.6-1.0 of its
  source's skeleton, another report of the event under 0.25);
- the anchors (numbers, capitalised names in order of first use) align: their
  longest common subsequence is at least ``loose_min_anchors`` long and covers
  ``loose_anchor_ratio`` of the longer anchor list (a translation keeps over 0.7 of
  them in order, another report of the event about half at most);
- no conflicting wire credits (both credited, to disjoint agencies).

The relation is then ``translated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from crawler.dedup.minhash import U16, U32, compact, containment, jaccard
from crawler.dedup.model import DedupConfig
from crawler.dedup.store_base import NO_DATE, Columns, Entry, split_packed

if TYPE_CHECKING:
    from crawler.dedup.features import Fingerprint

#: Below this size ratio the full-body containment estimate needs the leads' support.
RELIABLE_RATIO = 0.3
LEAD_AGREES = 0.5
LEAD_CONTAINED = 0.85
FLASH_SLACK = 0.25
TRUNCATED_RATIO = 0.85
IDENTICAL_CONTAINED = 0.97
UPDATE_MIN_NEW = 30
OPENING_ANCHORS = 3
OPENING_SLACK = 2
FLASH_LEAD_CONTAINED = 0.8
FLASH_MIN_ANCHORS = 2
FLASH_ANCHORS = 0.8
FLASH_ANCHOR_SLACK = 4
LOOSE_LENGTH_RATIO = 0.6
#: Chance agreement of two 16-bit signature values, and an empty set's value (as in
#: :func:`crawler.dedup.minhash.jaccard`).
_CHANCE = 1.0 / (1 << 16)
_EMPTY16 = np.uint16(0xFFFF)
F64 = npt.NDArray[np.float64]
#: Estimated Jaccard of the full bodies, leads, content words and skeletons, one per row.
Estimates = tuple[F64, F64, F64, F64]


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
    @property
    def site(self) -> str | None: ...


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


@dataclass(slots=True)
class Compacted:
    """What the stages compare of a fingerprint, its signatures in their stored 16-bit form
    (computed once per check: the near and loose rules and the stored entry share them)."""

    sig: U16
    lead_sig: U16
    loose_sig: U16
    skeleton_sig: U16
    anchors: U16
    words: int
    shingles: int
    lead_shingles: int
    published: int | None
    wire: tuple[str, ...]
    site: str | None
    packed: U16  # the four signatures side by side

    @classmethod
    def of(cls, fp: Fingerprint) -> Compacted:
        """The stages' view of ``fp``."""
        sigs = (fp.sig, fp.lead_sig, fp.loose_sig, fp.skeleton_sig)
        packed = compact(np.concatenate(sigs))
        sig, lead_sig, loose_sig, skeleton_sig = split_packed(packed, [len(s) for s in sigs])
        return cls(
            sig,
            lead_sig,
            loose_sig,
            skeleton_sig,
            fp.anchors,
            fp.words,
            fp.shingles,
            fp.lead_shingles,
            fp.published,
            fp.wire,
            fp.site,
            packed,
        )


@lru_cache(maxsize=8)
def _segments(
    widths: tuple[int, int, int, int],
) -> tuple[npt.NDArray[np.intp], F64, list[tuple[int, int]]]:
    """Start of each signature in a packed row, their lengths, their (start, end)."""
    ends = np.cumsum(widths)
    starts = ends - np.array(widths)
    bounds = list(zip(starts.tolist(), ends.tolist(), strict=True))
    return starts.astype(np.intp), np.array(widths, dtype=np.float64), bounds


def estimates(fp: Probe, cols: Columns) -> Estimates:
    """Estimated Jaccard of each of ``fp``'s signatures (full body, lead, content words,
    skeleton) against every row of ``cols``: :func:`crawler.dedup.minhash.jaccard` per
    signature, or the same estimates from one comparison when both sides are packed.
    Each row's estimates depend on that row alone (see :func:`estimates_rows`)."""
    packed = getattr(fp, "packed", None)
    widths = cols.widths()
    mine = (len(fp.sig), len(fp.lead_sig), len(fp.loose_sig), len(fp.skeleton_sig))
    if packed is None or cols.packed is None or widths != mine or not len(cols):
        return (
            jaccard(fp.sig, cols.sig),
            jaccard(fp.lead_sig, cols.lead_sig),
            jaccard(fp.loose_sig, cols.loose_sig),
            jaccard(fp.skeleton_sig, cols.skeleton_sig),
        )
    starts, sizes, bounds = _segments(widths)
    agree = np.add.reduceat(cols.packed == packed, starts, axis=1, dtype=np.int64)
    est = (agree / sizes - _CHANCE) / (1.0 - _CHANCE)
    np.maximum(est, 0.0, out=est)
    np.minimum(est, 1.0, out=est)
    first = cols.packed[:, starts] == _EMPTY16  # an empty set's signature is all 0xFFFF
    mine_empty = packed[starts] == _EMPTY16
    if first.any() or mine_empty.any():
        for k, (a, b) in enumerate(bounds):
            if mine_empty[k] and bool(np.all(packed[a:b] == _EMPTY16)):
                est[:, k] = 0.0
            for r in np.flatnonzero(first[:, k]).tolist():
                if bool(np.all(cols.packed[r, a:b] == _EMPTY16)):
                    est[r, k] = 0.0
    return est[:, 0], est[:, 1], est[:, 2], est[:, 3]


def estimates_rows(est: Estimates, rows: Sequence[int]) -> Estimates:
    """``est`` of these rows, in this order: :func:`estimates` of the same rows taken
    from the columns (:meth:`Columns.take`)."""
    at = np.array(rows, dtype=np.intp)
    return est[0][at], est[1][at], est[2][at], est[3][at]


def _rank(hits: list[Hit], ids: npt.NDArray[np.int64]) -> list[Hit]:
    """Best first: highest similarity, then the oldest entry."""
    return sorted(hits, key=lambda h: (-h.similarity, int(ids[h.index])))


def near_matches(
    fp: Probe, cols: Columns, cfg: DedupConfig, est: Estimates | None = None
) -> list[Hit]:
    """Rows of ``cols`` that ``fp`` is a near-duplicate of (module rules), best first;
    ``est``: :func:`estimates` of ``fp`` against ``cols`` when already known."""
    if not len(cols) or fp.words < cfg.flash_min_words:
        return []
    j, lead_j, _, _ = est if est is not None else estimates(fp, cols)
    sizes = cols.shingles.astype(np.float64)
    lead_sizes = cols.lead_shingles.astype(np.float64)
    new_in_old, old_in_new = containment(j, float(fp.shingles), sizes)
    lead_new_in_old, lead_old_in_new = containment(lead_j, float(fp.lead_shingles), lead_sizes)
    new_shorter = fp.shingles <= sizes
    shorter_c = np.where(new_shorter, new_in_old, old_in_new)
    lead_c = np.where(new_shorter, lead_new_in_old, lead_old_in_new)
    ratio = np.minimum(sizes, fp.shingles) / np.maximum(np.maximum(sizes, fp.shingles), 1.0)
    short = np.minimum(cols.words, fp.words) < cfg.min_words
    long_enough = cols.words >= cfg.flash_min_words
    near = (j >= cfg.near_jaccard) & ~short
    contained = (
        (shorter_c >= cfg.containment)
        & ((ratio >= RELIABLE_RATIO) | (lead_j >= LEAD_AGREES))
        & ~short
    )
    flash = (
        (ratio < RELIABLE_RATIO)
        & (lead_c >= LEAD_CONTAINED)
        & (shorter_c >= cfg.containment - FLASH_SLACK)
        & ~short
    )
    brief = short & (lead_c >= FLASH_LEAD_CONTAINED)
    mine = fp.anchors.tolist()
    found: list[Hit] = []
    for i in np.flatnonzero((near | contained | flash | brief) & long_enough).tolist():
        theirs = cols.anchors[i].tolist()
        if brief[i] and not _opening_names_agree(mine, theirs, bool(new_shorter[i])):
            continue
        scores = (
            float(j[i]),
            float(shorter_c[i]),
            float(ratio[i]),
            float(old_in_new[i]),
            float(new_in_old[i]),
        )
        lead_only = bool(flash[i] or brief[i])
        relation, similarity = _relation(
            fp, cols, i, cfg, scores, bool(new_shorter[i]), lead_only, (mine, theirs)
        )
        found.append(Hit(i, relation, similarity, "near"))
    return _rank(found, cols.ids)


def _opening_names_agree(mine: Sequence[int], theirs: Sequence[int], mine_shorter: bool) -> bool:
    """The shorter body's anchors (at least ``FLASH_MIN_ANCHORS``) come, in order, among
    the longer one's first anchors: a flash repeats the names and numbers of the
    story's opening, another report of the event names them in its own order."""
    short, long = (mine, theirs) if mine_shorter else (theirs, mine)
    if len(short) < FLASH_MIN_ANCHORS:
        return False
    window = long[: 2 * len(short) + FLASH_ANCHOR_SLACK]
    return lcs_length(short, window) >= FLASH_ANCHORS * len(short)


def _opens_alike(new: Sequence[int], old: Sequence[int]) -> bool:
    """The old version's first names and numbers open the new one too, in order (a
    later version keeps the story's opening and may add a paragraph after the lead; a
    copy with a site intro opens on the intro's own names). Without anchors (scripts
    without capitals, no numbers) there is no evidence either way."""
    k = min(OPENING_ANCHORS, len(old))
    if k == 0 or not len(new):
        return True
    return lcs_length(list(old[:k]), list(new[: k + OPENING_SLACK])) == k


def _same_sequence(a: Sequence[int], b: Sequence[int]) -> bool:
    """One anchor list starts with the whole other one: the same text, cut or with
    lines added after it; dropped, moved or inserted sentences break it. Without
    anchors there is no evidence either way."""
    n = min(len(a), len(b))
    return n == 0 or list(a[:n]) == list(b[:n])


def _relation(
    fp: Probe,
    cols: Columns,
    i: int,
    cfg: DedupConfig,
    scores: tuple[float, float, float, float, float],
    new_shorter: bool,
    lead_only: bool,
    anchors: tuple[Sequence[int], Sequence[int]],
) -> tuple[str, float]:
    """Relation of the new body to row ``i`` (module rules) and its similarity;
    ``scores`` are (Jaccard, shorter-in-longer containment, size ratio, old-in-new and
    new-in-old containment)."""
    j, shorter_c, ratio, old_in_new, new_in_old = scores
    published = int(cols.published[i])
    later = fp.published is not None and published != NO_DATE and fp.published > published
    size = float(cols.shingles[i])
    grown = fp.shingles >= max(size + UPDATE_MIN_NEW, cfg.update_growth * size)
    same = _same_sequence(*anchors)
    theirs = cols.sites[i] if cols.sites else None
    own = fp.site is None or theirs is None or fp.site == theirs
    if (
        later
        and own
        and not new_shorter
        and grown
        and old_in_new >= cfg.containment
        and _opens_alike(*anchors)
    ):
        return "update", old_in_new
    if (
        j >= cfg.identical_jaccard
        and ratio >= TRUNCATED_RATIO
        and max(old_in_new, new_in_old) >= IDENTICAL_CONTAINED
    ):
        return "identical", j
    if ratio < TRUNCATED_RATIO and same and (lead_only or shorter_c >= cfg.containment):
        return "truncated", shorter_c
    return "edited", max(j, min(shorter_c, ratio))


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


def loose_matches(
    fp: Probe, cols: Columns, cfg: DedupConfig, est: Estimates | None = None
) -> list[Hit]:
    """Rows of ``cols`` that ``fp`` is a heavy rewrite or translation of (module rules);
    ``est``: :func:`estimates` of ``fp`` against ``cols`` when already known."""
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
    all_shingle_j, _, all_word_j, all_skeleton_j = est if est is not None else estimates(fp, cols)
    word_j, skeleton_j, shingle_j = all_word_j[rows], all_skeleton_j[rows], all_shingle_j[rows]
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

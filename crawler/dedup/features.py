"""Fingerprints: everything the stages compare, computed once per document.

A :class:`Fingerprint` holds the URL and exact-body keys, the full-body MinHash
signature (word n-gram shingles), the lead signature (the first ``lead_words``
words: truncated copies and flashes keep the lead), the content-word signature and
the sequence of anchors (numbers and capitalised names, in order of first use) and
the sentence-skeleton signature (4-grams of the token sequence with stopwords kept
and every run of other words reduced to one placeholder: a reworded copy keeps its
grammar, another report of the same event does not) for the loose stage, and the
LSH band keys: full body and lead for the near stage, the skeleton within a time
bucket for the loose stage (the skeleton, not the content words, because unrelated
texts on one topic share many words but few sentence shapes, so its bands stay
selective on large indexes).

The skeleton leaves out the words a translation drops or moves freely: articles
and "of" (``the X of the Y`` often comes back as ``the Y X``), so that a copy
which drops most articles keeps the skeleton of its source.

The *opening key* (the first ``OPENING_WORDS`` tokens of the cleaned body, hashed)
finds flashes and lead-only copies, which keep the story's first sentence verbatim
but are too short for the lead bands to find them reliably. Bodies of at least
``flash_min_words`` words (and under ``min_words``) get the lead bands and the
opening key only: they can be matched as flashes, never on the full-body rules.

Lines a site repeats on ``boilerplate_min_articles`` or more distinct articles are
removed before shingling (not before the exact hash, which must not depend on
what has been learned). Bodies under ``flash_min_words`` words get no band keys at
all: too little text to claim any match; bodies under ``min_words`` get no full-body
or loose keys.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from crawler.dedup.minhash import (
    KIND_EXACT,
    KIND_FULL,
    KIND_LEAD,
    KIND_LOOSE,
    KIND_URL,
    U16,
    U32,
    U64,
    BandPlan,
    Permutations,
    scalar_key,
    window_sums,
)
from crawler.dedup.model import DedupConfig, Document
from crawler.dedup.normalize import (
    HashSet,
    Tokens,
    exact_hash,
    line_hash,
    mix64,
    token_hashes,
    tokenize,
    unique,
)

#: Paragraphs longer than this are never counted as a site's repeated lines.
LINE_MAX_WORDS = 80
#: Anchors kept per document (in order of first use).
MAX_ANCHORS = 48
#: Tokens per skeleton shingle.
SKELETON_GRAM = 4
#: Tokens hashed into the opening key.
OPENING_WORDS = 8
#: Key namespace of the opening key (beside the ``KIND_*`` of :mod:`minhash`).
KIND_OPENING = 6
#: Permutations of the lead signature its LSH bands use (4 rows each); the others
#: only sharpen the lead containment estimate.
LEAD_BAND_PERMS = 32
#: Function words left out of the skeleton (articles and "of", English and French).
_DROPPABLE = HashSet(token_hashes("a an the of le la les un une des du de"))
_PLACEHOLDER = np.uint64(0x5BD1E9955BD1E995)
_EMPTY_KEYS = np.zeros(0, dtype=np.uint64)


def parse_published(value: str | None) -> int | None:
    """Epoch seconds of an ISO 8601 date (naive taken as UTC); None when unparsable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


@lru_cache(maxsize=4096)
def site_of(url: str) -> str:
    """Registrable domain of a URL's host (cached per host)."""
    from crawler.urls import registrable_domain

    return registrable_domain(url)


def host_of(url: str) -> str:
    rest = url.split("//", 1)[-1]
    return rest.split("/", 1)[0]


@dataclass
class Fingerprint:
    """What one document brings to the stages (see module docstring)."""

    url: str
    url_key: int
    site: str
    published: int | None
    wire: tuple[str, ...]
    exact: int
    exact_words: int
    words: int
    shingles: int
    lead_shingles: int
    sig: U32
    lead_sig: U32
    loose_sig: U32
    skeleton_sig: U32
    anchors: U16
    near_keys: U64 = field(default_factory=lambda: _EMPTY_KEYS)
    loose_keys: U64 = field(default_factory=lambda: _EMPTY_KEYS)
    loose_query: U64 = field(default_factory=lambda: _EMPTY_KEYS)
    lines: tuple[int, ...] = ()

    @property
    def exact_key(self) -> int:
        return scalar_key(self.exact, KIND_EXACT)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled compactly: the scalar fields, then the arrays' bytes in one buffer with
        their lengths, rebuilt as views of that buffer (a ``bytearray``: the arrays are
        writable, as unpickled numpy arrays are). One buffer instead of eight pickled
        arrays, as fingerprints cross a process boundary once per article. Arrays of
        other dtypes or shapes than the fingerprinter makes pickle the ordinary way."""
        arrays = _arrays_of(self)
        if [a.dtype for a in arrays] != _PACKED_DTYPES or any([a.ndim != 1 for a in arrays]):
            return (Fingerprint, tuple([getattr(self, f.name) for f in fields(self)]))
        try:
            packed = bytearray().join(arrays)
        except TypeError:  # a non-contiguous array
            packed = bytearray().join([a.tobytes() for a in arrays])
        scalars = (
            self.url,
            self.url_key,
            self.site,
            self.published,
            self.wire,
            self.exact,
            self.exact_words,
            self.words,
            self.shingles,
            self.lead_shingles,
            self.lines,
        )
        return (_unpack, (scalars, tuple([len(a) for a in arrays]), packed))

    def index_keys(self, exact_min_words: int) -> U64:
        """Every key the stored entry is found by."""
        head = [self.url_key]
        if self.exact_words >= exact_min_words:
            head.append(self.exact_key)
        return np.concatenate(
            [np.array(head, dtype=np.uint64), self.near_keys, self.loose_keys]
        ).astype(np.uint64, copy=False)


#: Array fields of :class:`Fingerprint` in the order they are packed, and their dtypes.
_ARRAY_FIELDS = (
    "near_keys",
    "loose_keys",
    "loose_query",
    "sig",
    "lead_sig",
    "loose_sig",
    "skeleton_sig",
    "anchors",
)
_U64, _U32, _U16 = np.dtype(np.uint64), np.dtype(np.uint32), np.dtype(np.uint16)
_PACKED_DTYPES = [_U64] * 3 + [_U32] * 4 + [_U16]
_arrays_of = attrgetter(*_ARRAY_FIELDS)


def _unpack(scalars: tuple[Any, ...], sizes: tuple[int, ...], packed: bytearray) -> Fingerprint:
    """The :class:`Fingerprint` :meth:`Fingerprint.__reduce__` packed (one view per dtype,
    sliced: fewer numpy calls than a view per array)."""
    url, key, site, published, wire, exact, exact_words, words, shingles_, lead, lines = scalars
    n_near, n_loose, n_query, n_sig, n_lead, n_content, n_skeleton, n_anchors = sizes
    end = n_near + n_loose
    wide = np.frombuffer(packed, _U64, end + n_query)
    near, loose, query = wide[:n_near], wide[n_near:end], wide[end:]
    offset = 8 * (end + n_query)
    lead_end, content_end = n_sig + n_lead, n_sig + n_lead + n_content
    sigs = np.frombuffer(packed, _U32, content_end + n_skeleton, offset)
    sig, lead_sig = sigs[:n_sig], sigs[n_sig:lead_end]
    loose_sig, skeleton_sig = sigs[lead_end:content_end], sigs[content_end:]
    offset += 4 * (content_end + n_skeleton)
    anchors = np.frombuffer(packed, _U16, n_anchors, offset)
    return Fingerprint(
        url,
        key,
        site,
        published,
        wire,
        exact,
        exact_words,
        words,
        shingles_,
        lead,
        sig,
        lead_sig,
        loose_sig,
        skeleton_sig,
        anchors,
        near,
        loose,
        query,
        lines,
    )


def url_key(url: str) -> int:
    """The URL stage's key."""
    return scalar_key(line_hash(url), KIND_URL)


class Fingerprinter:
    """Builds fingerprints with one fixed set of permutations."""

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        total = config.num_perm + config.lead_perm + config.loose_perm + config.skeleton_perm
        self.perms = Permutations(total, config.seed)
        self.loose_span = config.loose_window_hours * 3600.0
        self.lead_band_perms = min(config.lead_perm, LEAD_BAND_PERMS)
        self._plans: dict[tuple[bool, bool, bool], BandPlan] = {}

    def site(self, doc: Document) -> str:
        return doc.site or site_of(host_of(doc.url))

    def _plan(self, full: bool, lead: bool, loose: bool) -> BandPlan:
        key = (full, lead, loose)
        plan = self._plans.get(key)
        if plan is None:
            cfg = self.config
            lead_bands = max(1, self.lead_band_perms // 4)
            parts = [
                *([(cfg.bands, 4, KIND_FULL)] if full else []),
                *([(lead_bands, self.lead_band_perms // lead_bands, KIND_LEAD)] if lead else []),
                *(
                    [(cfg.loose_bands, cfg.skeleton_perm // cfg.loose_bands, KIND_LOOSE)]
                    if loose
                    else []
                ),
            ]
            plan = self._plans[key] = BandPlan(parts)
        return plan

    def fingerprint(
        self, doc: Document, tokens: Tokens | None = None, drop_lines: Collection[int] = ()
    ) -> Fingerprint:
        """Fingerprint ``doc``; ``drop_lines`` are line hashes of the site's boilerplate."""
        cfg = self.config
        tokens = tokens if tokens is not None else tokenize(doc.body)
        hashes = tokens.hashes
        exact = exact_hash(hashes)
        anchor, stop = tokens.anchor, tokens.stop
        if drop_lines and len(hashes):
            dropped = [i for i, h in enumerate(tokens.line_hashes) if h in drop_lines]
            if dropped:
                gone = np.zeros(len(tokens.line_hashes), dtype=bool)
                gone[dropped] = True
                keep = ~gone[tokens.paragraph]
                hashes, anchor, stop = hashes[keep], anchor[keep], stop[keep]
        full, lead, skeleton = _shingle_sets(hashes, stop, cfg.shingle_words, cfg.lead_words)
        content = unique(hashes[~stop])
        start_lead, start_loose = cfg.num_perm, cfg.num_perm + cfg.lead_perm
        start_skeleton = start_loose + cfg.loose_perm
        perms = self.perms
        sig = perms.signature(full, 0, cfg.num_perm)
        lead_sig = perms.signature(lead, start_lead, cfg.lead_perm)
        loose_sig = perms.signature(content, start_loose, cfg.loose_perm)
        skeleton_sig = perms.signature(skeleton, start_skeleton, cfg.skeleton_perm)
        published = parse_published(doc.published)
        words = len(hashes)
        fp = Fingerprint(
            url=doc.url,
            url_key=url_key(doc.url),
            site=self.site(doc),
            published=published,
            wire=tuple(doc.wire),
            exact=exact,
            exact_words=len(tokens.hashes),
            words=words,
            shingles=len(full),
            lead_shingles=len(lead),
            sig=sig,
            lead_sig=lead_sig,
            loose_sig=loose_sig,
            skeleton_sig=skeleton_sig,
            anchors=_anchor_sequence(hashes[anchor]),
            lines=tuple(
                dict.fromkeys(
                    [
                        h
                        for h, p in zip(tokens.line_hashes, tokens.paragraphs, strict=True)
                        if p.count(" ") < LINE_MAX_WORDS
                    ]
                )
            ),
        )
        near = words >= cfg.flash_min_words
        is_full = words >= cfg.min_words
        loose = is_full and published is not None
        if near or loose:
            plan = self._plan(near and is_full, near, loose)
            sigs = [sig] if near and is_full else []
            sigs += [lead_sig] if near else []
            sigs += [skeleton_sig] if loose else []
            bucket = int(published // self.loose_span) if published is not None else 0
            keys = plan.keys(sigs, bucket)
            if near:
                opening = scalar_key(exact_hash(hashes[:OPENING_WORDS]), KIND_OPENING)
                fp.near_keys = np.empty(plan.fixed + 1, dtype=np.uint64)
                fp.near_keys[:-1] = keys[: plan.fixed]
                fp.near_keys[-1] = opening
            if loose:
                bands = plan.loose
                fp.loose_keys = keys[plan.fixed + bands : plan.fixed + 2 * bands].copy()
                fp.loose_query = keys[plan.fixed :].copy()
        return fp


def _shingle_sets(
    hashes: U64, stop: npt.NDArray[np.bool_], size: int, lead_words: int
) -> tuple[U64, U64, U64]:
    """The distinct shingles of the body (``size``-token windows) and of its first
    ``lead_words`` tokens, and the shingles of its skeleton (:func:`_skeleton`,
    ``SKELETON_GRAM``-token windows, repeats kept: only a signature, the same for a set
    and its repeats, is made of them): what :func:`crawler.dedup.minhash.shingles` gives,
    the lead's windows taken as the first of the body's, both kinds mixed in one pass."""
    skeleton = _skeleton(hashes, stop)
    body_count = len(hashes) - size + 1 if len(hashes) >= size > 1 else 0
    skeleton_count = len(skeleton) - SKELETON_GRAM + 1 if len(skeleton) >= SKELETON_GRAM > 1 else 0
    sums = np.empty(body_count + skeleton_count, dtype=np.uint64)
    if body_count:
        window_sums(hashes, size, out=sums[:body_count])
    if skeleton_count:
        window_sums(skeleton, SKELETON_GRAM, out=sums[body_count:])
    windows = mix64(sums)
    if body_count:
        head = min(len(hashes), lead_words)
        full = unique(windows[:body_count])
        lead = unique(windows[: head - size + 1]) if head >= size else unique(hashes[:lead_words])
    else:
        full, lead = unique(hashes), unique(hashes[:lead_words])
    return full, lead, windows[body_count:] if skeleton_count else skeleton


def _skeleton(hashes: U64, stop: npt.NDArray[np.bool_]) -> U64:
    """Stopwords as themselves (droppable function words left out), each run of other
    words as one placeholder."""
    kept = _DROPPABLE.outside(hashes)
    marked = np.where(stop, hashes, _PLACEHOLDER)[kept]
    if not len(marked):
        return marked
    stop = stop[kept]
    keep = np.empty(len(marked), dtype=bool)
    keep[0] = True
    np.logical_or(stop[1:], stop[:-1], out=keep[1:])
    return marked[keep]


def _anchor_sequence(values: U64) -> U16:
    """Distinct anchors in order of first use, at most ``MAX_ANCHORS``, as 16-bit hashes."""
    ordered = list(dict.fromkeys(values.astype(np.uint16).tolist()))[:MAX_ANCHORS]
    return np.array(ordered, dtype=np.uint16)

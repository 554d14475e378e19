"""Public value types of the deduplicator: the input ``Document``, the ``Verdict``
and ``DedupConfig`` (every ``DEDUP_*`` tuning setting, with its default).

Policy: a verdict never drops anything. ``duplicate_of`` is set only for a copy
(the item then goes to the duplicates feed); an ``update`` (a later, longer version
of a stored story, or the same URL re-crawled with changed content) keeps
``duplicate_of`` empty, names ``update_of`` and goes to the main feed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from operator import attrgetter
from typing import Any, Literal, Self

Relation = Literal["identical", "truncated", "edited", "translated", "update"]
Stage = Literal["url", "exact", "near", "loose", "new"]

#: Version of what the fingerprints hold (skeleton words, opening key): stores made
#: with another version are incompatible.
FEATURES_VERSION = 2

RELATIONS: tuple[str, ...] = ("identical", "truncated", "edited", "translated", "update")
STAGES: tuple[str, ...] = ("url", "exact", "near", "loose", "new")


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(str(v) for v in value if v)


@dataclass(frozen=True)
class Document:
    """One article as the deduplicator sees it.

    ``url`` identifies the copy and ``body`` holds plain text (paragraphs separated
    by blank lines). ``published`` is an ISO 8601 string (an offset is expected; a
    naive one is taken as UTC); ``site`` is the outlet's registrable domain (taken
    from the URL when missing); ``wire`` lists the agencies credited.
    """

    url: str
    body: str
    title: str | None = None
    site: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    wire: tuple[str, ...] = ()

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Self:
        """Build from an ``Article`` item or a JSONL line (only ``url`` and ``body`` needed)."""
        return cls(
            url=str(item["url"]),
            body=str(item.get("body") or ""),
            title=item.get("title") or None,
            site=item.get("site") or None,
            published=item.get("published") or None,
            authors=_strings(item.get("authors")),
            wire=_strings(item.get("wire")),
        )


@dataclass(frozen=True)
class Verdict:
    """What the deduplicator decided for one document.

    ``cluster_id``: the story cluster (every item gets one). ``duplicate_of``: the
    canonical URL when this is a copy, else None. ``relation``: how a copy (or an
    update) relates to it: identical, truncated, edited, translated or update.
    ``similarity``: the score that decided the match (0..1). ``stage``: the cheapest
    stage that settled it (url, exact, near, loose, or new for a new story).
    ``update_of``: for an update, the URL of the version it supersedes.
    """

    cluster_id: str
    duplicate_of: str | None = None
    relation: str | None = None
    similarity: float | None = None
    stage: str = "new"
    update_of: str | None = None

    @property
    def is_copy(self) -> bool:
        """A copy goes to the duplicates feed; canonical items and updates do not."""
        return self.duplicate_of is not None

    def item_fields(self) -> dict[str, Any]:
        """The item fields this verdict sets (schema 1.1.0)."""
        return {
            "cluster_id": self.cluster_id,
            "duplicate_of": self.duplicate_of,
            "relation": self.relation,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "update_of": self.update_of,
        }


@dataclass(frozen=True)
class DedupConfig:
    """Tuning of the deduplicator; each field is the setting ``DEDUP_<FIELD>``.

    Changing a hashing field (``shingle_words``, ``num_perm``, ``bands``,
    ``lead_words``, ``lead_perm``, ``loose_perm``, ``seed``) makes stored signatures
    incompatible; a store refuses to open with other hashing parameters.
    """

    #: Words per shingle (word n-grams of the normalized body).
    shingle_words: int = 3
    #: MinHash permutations of the full-body signature.
    num_perm: int = 128
    #: LSH bands over the full-body signature, 4 rows each (the other permutations only
    #: sharpen the similarity estimates).
    bands: int = 24
    #: Words of the body's lead indexed on their own (truncated copies, flashes).
    lead_words: int = 80
    #: Permutations of the lead signature (its first 32 make 8 LSH bands of 4 rows; all
    #: of them estimate how much of a flash the other body's lead contains).
    lead_perm: int = 64
    #: Permutations of the content-word signature used by the loose stage.
    loose_perm: int = 32
    #: LSH bands over the sentence-skeleton signature (rows = skeleton_perm // loose_bands).
    loose_bands: int = 8
    #: Permutations of the sentence-skeleton signature (stopwords kept, other words
    #: reduced to their class) used by the loose stage.
    skeleton_perm: int = 32
    #: Seed of the hash permutations (fixed: signatures are stable across processes).
    seed: int = 20240913
    #: No full-body near match and no loose match for a body shorter than this (words
    #: after cleaning).
    min_words: int = 60
    #: A shorter body (a flash) can still match as a lead-only copy down to this many
    #: words, under the stricter flash rule (:mod:`crawler.dedup.stages`).
    flash_min_words: int = 25
    #: No exact match for a body shorter than this.
    exact_min_words: int = 12
    #: Estimated Jaccard of two bodies' shingles at or above which they are copies.
    near_jaccard: float = 0.5
    #: Jaccard at or above which (with similar lengths) a copy is "identical".
    identical_jaccard: float = 0.85
    #: Share of the shorter body's shingles found in the longer one for a truncated copy.
    containment: float = 0.8
    #: A later version at least this many times longer (in shingles, and by at least a
    #: paragraph's worth) is an update.
    update_growth: float = 1.05
    #: Loose stage: minimum estimated Jaccard of the shingles (some phrasing survives).
    loose_shingle_jaccard: float = 0.1
    #: Loose stage: minimum estimated Jaccard of the content-word sets.
    loose_word_jaccard: float = 0.3
    #: Loose stage: minimum share of aligned names/numbers (longest common subsequence).
    loose_anchor_ratio: float = 0.65
    #: Loose stage: minimum number of aligned names/numbers.
    loose_min_anchors: int = 6
    #: Loose stage: minimum estimated Jaccard of the sentence skeletons.
    loose_skeleton_jaccard: float = 0.4
    #: Loose stage: both copies published within this many hours of each other.
    loose_window_hours: float = 72.0
    #: A line seen on this many distinct articles of a site is that site's boilerplate.
    boilerplate_min_articles: int = 5
    #: Candidates verified by the near stage per document (the most band hits first).
    max_candidates: int = 64
    #: Candidates verified by the loose stage per document.
    loose_max_candidates: int = 24
    #: Entries older than this (by publication date, else by insertion) are pruned.
    retention_days: float = 14.0
    #: Seen URLs (stage 1, incremental crawls) are kept this long.
    url_retention_days: float = 90.0

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        """Read ``DEDUP_<FIELD>`` from a Scrapy ``Settings`` or any mapping."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f"DEDUP_{f.name.upper()}"
            raw = settings.get(key) if hasattr(settings, "get") else None
            if raw is None:
                continue
            default: Any = f.default
            values[f.name] = type(default)(raw)
        return cls(**values)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as its field values, unpickled to one shared instance per distinct value
        (it rides beside every fingerprint an extraction worker sends back)."""
        return (_config, (_config_values(self),))

    def hashing_params(self) -> dict[str, int]:
        """Parameters a store's signatures depend on."""
        return {
            "shingle_words": self.shingle_words,
            "num_perm": self.num_perm,
            "bands": self.bands,
            "band_rows": 4,
            "lead_words": self.lead_words,
            "lead_perm": self.lead_perm,
            "loose_perm": self.loose_perm,
            "loose_bands": self.loose_bands,
            "skeleton_perm": self.skeleton_perm,
            "loose_window_hours": int(self.loose_window_hours),
            "seed": self.seed,
            "features": FEATURES_VERSION,
        }


_config_values = attrgetter(*(f.name for f in fields(DedupConfig)))


def _config(values: tuple[Any, ...]) -> DedupConfig:
    """The :class:`DedupConfig` of ``values`` (field order), shared: it is frozen."""
    try:
        return _shared_config(values)
    except TypeError:  # an unhashable value
        return DedupConfig(*values)


@lru_cache(maxsize=64)
def _shared_config(values: tuple[Any, ...]) -> DedupConfig:
    return DedupConfig(*values)


@dataclass
class ClusterCopy:
    """One member of a finalized cluster."""

    url: str
    site: str | None
    published: str | None
    relation: str | None = None
    similarity: float | None = None
    wire: list[str] = field(default_factory=list)


def as_tuple(values: Iterable[str] | None) -> tuple[str, ...]:
    return _strings(values)

"""Records of the labelled corpus: base stories and the items fed to the deduplicator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Story:
    """One independently written text: a fixture article or a synthetic report.

    ``event`` is shared by independent reports of the same event (hard negatives);
    ``facts`` holds the slots a writer used, for update paragraphs and intros.
    """

    id: str
    title: str
    paragraphs: tuple[str, ...]
    site: str
    url: str
    published: datetime
    origin: str  # "fixture" | "synthetic" | "brief"
    agency: str | None = None
    event: str | None = None
    authors: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class Item:
    """One document of the corpus with its label.

    ``cluster`` is the true cluster (one per independently written story); ``kind``
    is the copy type (``original`` for the story's own first run); ``relation`` is
    the relation a deduplicator should report (None for a canonical item).
    """

    url: str
    title: str
    body: str
    site: str
    published: str
    cluster: str
    kind: str
    relation: str | None
    source: str  # url of the story's original item
    event: str | None = None
    authors: tuple[str, ...] = ()
    wire: tuple[str, ...] = ()

    def as_record(self) -> dict[str, Any]:
        """The JSONL line ``scrapy dedup`` reads (labels under ``_label``)."""
        return {
            "url": self.url,
            "title": self.title,
            "body": self.body,
            "site": self.site,
            "published": self.published,
            "authors": list(self.authors),
            "wire": list(self.wire),
            "_label": {
                "cluster": self.cluster,
                "kind": self.kind,
                "relation": self.relation,
                "source": self.source,
                "event": self.event,
            },
        }

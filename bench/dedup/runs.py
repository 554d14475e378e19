"""Feeding the corpus to a deduplicator in a given order and collecting a Prediction.

``run_ours`` runs the code of ``scrapy dedup IN.jsonl -o OUT.jsonl`` (no ``--store``:
a fresh in-memory store) in this process on the items written as JSONL in the given
order, and reads each line's ``cluster_id`` and ``relation`` back from the output;
the check-time stage of each URL and the final canonicals are recorded on the way.
``run_baseline`` runs the datasketch baseline. Orders: ``published`` (the order a
crawl meets the copies) and seeded shuffles.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.dedup.baseline import MinHashBaseline
from bench.dedup.model import Item
from bench.dedup.quality import Prediction


def ordered(items: Sequence[Item], order: str | int) -> list[Item]:
    """``"published"``: by publication time (then URL); an int: a shuffle seeded by it."""
    if order == "published":
        return sorted(items, key=lambda i: (i.published, i.url))
    shuffled = list(items)
    random.Random(order).shuffle(shuffled)
    return shuffled


def run_baseline(items: Sequence[Item]) -> Prediction:
    baseline = MinHashBaseline()
    labels: dict[str, str] = {}
    start = time.perf_counter()
    for item in items:
        labels[item.url], _ = baseline.check_and_add(item.url, item.body)
    return Prediction("datasketch MinHashLSH", labels, seconds=time.perf_counter() - start)


def project_dedup() -> Any:
    """A ``Deduplicator`` as ``scrapy dedup`` builds it without ``--store``: the project's
    ``DEDUP_*`` settings and clock, a fresh in-memory store."""
    from scrapy.utils.project import get_project_settings

    from crawler.dedup import Deduplicator, MemoryStore

    return Deduplicator.from_settings(get_project_settings(), store=MemoryStore())


def dedup_file(dedup: Any, source: Path, output: Path, *, workers: int | None = None) -> None:
    """Exactly what ``scrapy dedup SOURCE -o OUTPUT`` does with ``dedup`` (learn the
    sites' lines, check in batches, finalize, write every line back), progress muted."""
    from crawler.dedup.offline import dedup_files

    dedup_files(dedup, [source], output, workers=workers, log=None)


CHECKS = ("check_and_add_prepared", "check_and_add_many")


def doc_url(entry: Any) -> str:
    """URL of a batch entry: a ``Document`` or a ``Prepared`` fingerprint."""
    return str(entry.url)


def capture(dedup: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Record the check-time verdict of each URL and the finalized cluster records."""
    verdicts: dict[str, Any] = {}
    records: list[dict[str, Any]] = []

    def checking(check: Any) -> Any:
        def checked(batch: Sequence[Any]) -> Any:
            found = check(batch)
            for entry, verdict in zip(batch, found, strict=True):
                verdicts.setdefault(doc_url(entry), verdict)
            return found

        return checked

    for name in CHECKS:
        if hasattr(dedup, name):
            setattr(dedup, name, checking(getattr(dedup, name)))
    finalize = dedup.iter_finalized

    def finalized(*args: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        for record in finalize(*args, **kwargs):
            records.append(record)
            yield record

    dedup.iter_finalized = finalized
    return verdicts, records


def run_ours(items: Sequence[Item]) -> Prediction:
    """One ``scrapy dedup`` pass over ``items`` (written as JSONL in this order)."""
    with tempfile.TemporaryDirectory(prefix="bench-dedup-") as tmp:
        source, output = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for item in items:
                fh.write(json.dumps(item.as_record(), ensure_ascii=False) + "\n")
        dedup = project_dedup()
        verdicts, records = capture(dedup)
        start = time.perf_counter()
        dedup_file(dedup, source, output)
        seconds = time.perf_counter() - start
        dedup.close()
        lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return Prediction(
        "ours",
        {r["url"]: r["cluster_id"] for r in lines},
        relation={r["url"]: r.get("relation") for r in lines},
        stage={url: v.stage for url, v in verdicts.items()},
        similarity={r["url"]: r.get("similarity") for r in lines},
        canonical={r["cluster_id"]: r["canonical"] for r in records},
        seconds=seconds,
    )

"""Batched check-and-add: :meth:`Deduplicator.check_and_add_batch` gives the verdicts of
one-at-a-time checks in the same order (boilerplate learned inside the batch, a URL seen
twice in one batch) on every store; the pipeline's batches flush on close and on their
timer, and a failed batch fails each of its items without hanging."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from crawler.clock import FixedClock
from crawler.dedup import DedupConfig, Deduplicator, Document, MemoryStore, SqliteStore
from crawler.dedup.features import Fingerprinter
from crawler.dedup.model import Verdict
from crawler.dedup.normalize import tokenize
from crawler.dedup.offline import Prepared
from crawler.dedup.redis import RedisStore
from crawler.dedup.store_base import DedupStore
from crawler.precomputed import attach
from tests.integration.test_dedup_concurrency import redis_url  # noqa: F401 (fixture)
from tests.unit.test_dedup_corpus import (
    _sentence,
    edited,
    make_event,
    make_story,
    reworded,
    short_briefs,
    truncated,
    updated,
)
from tests.unit.test_dedup_pipeline import items, make_pipeline
from tests.unit.test_dedup_store import docs as store_docs

NOW = "2024-09-20T12:00:00+00:00"
#: Site lines become boilerplate on the third brief: inside the batch.
CONFIG: dict[str, Any] = {"boilerplate_min_articles": 3, "retention_days": 0}

Open = Callable[[str], Deduplicator]


@pytest.fixture(params=["sqlite", "memory", "redis"])
def open_dedup(request: pytest.FixtureRequest, tmp_path: Path) -> Open:
    """A fresh deduplicator per name, on the parametrized store."""
    new_store: Callable[[str], DedupStore]
    if request.param == "sqlite":
        new_store = lambda name: SqliteStore(tmp_path / f"{name}.sqlite3")  # noqa: E731
    elif request.param == "memory":
        new_store = lambda name: MemoryStore()  # noqa: E731
    else:
        url = request.getfixturevalue("redis_url")
        new_store = lambda name: RedisStore(url, prefix=f"test:{name}")  # noqa: E731

    def open_(name: str) -> Deduplicator:
        config = DedupConfig(**CONFIG)
        return Deduplicator(new_store(name), config=config, clock=FixedClock(NOW))

    return open_


def portal(count: int) -> list[Document]:
    """Short reports wrapped in the same eight site lines: near copies of each other until
    those lines are the site's boilerplate."""
    rng = random.Random(5)
    shared = [_sentence(rng, []) for _ in range(8)]
    out = []
    for n in range(count):
        event = make_event(rng)
        own = " ".join(_sentence(rng, [event.places[0], event.people[0]]) for _ in range(3))
        body = "\n\n".join([*shared[:4], own, *shared[4:]])
        published = "2024-09-14T10:00:00+00:00"
        out.append(Document(f"https://portal.example/{n}", body, title=f"Report {n}",
                            site="portal.example", published=published))  # fmt: skip
    return out


def corpus() -> list[Document]:
    """Reports wrapped in site lines that become boilerplate inside the batch, briefs,
    stories with their copies, a URL crawled twice unchanged and one crawled again
    changed, interleaved."""
    docs = portal(8) + [b.doc() for b in short_briefs(random.Random(10), "briefs.example", 6)]
    for n in range(3):
        rng = random.Random(100 + n)
        event = make_event(rng)
        original = make_story(rng, event, url=f"https://afp.com/{n}", site="afp.com")
        docs += [
            original.doc(),
            truncated(original, f"https://c.com/{n}", "c.com").doc(),
            edited(rng, original, f"https://g.com/{n}", "g.com").doc(),
            reworded(rng, original, f"https://h.com/{n}", "h.com").doc(),
            original.doc(),  # the same URL, unchanged
            updated(rng, original, original.url, "afp.com", event).doc(),  # changed
        ]
    random.Random(4).shuffle(docs)
    return docs


def prepared(dedup: Deduplicator, docs: Sequence[Document]) -> list[Prepared]:
    """Fingerprints made elsewhere without any boilerplate lines (an empty snapshot)."""
    maker = Fingerprinter(dedup.config)
    return [
        Prepared(maker.fingerprint(d), tuple(tokenize(d.body).line_hashes), frozenset(), d)
        for d in docs
    ]


def chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def test_the_corpus_needs_boilerplate_learned_inside_a_batch(open_dedup: Open) -> None:
    """Counting lines only before the batch (as check_and_add_many does) would decide
    differently: the corpus tells the two apart."""
    docs = corpus()
    one = open_dedup("one")
    expected = [one.check_and_add(d) for d in docs]
    assert expected != open_dedup("many").check_and_add_many(docs)
    assert {"url", "new"} <= {v.stage for v in expected}
    assert any(v.relation == "update" and v.stage == "url" for v in expected)
    assert any(v.relation == "identical" and v.stage == "url" for v in expected)


@pytest.mark.parametrize("size", [1, 4, 64])
def test_a_batch_decides_as_documents_one_at_a_time(open_dedup: Open, size: int) -> None:
    docs = corpus()
    one = open_dedup("one")
    expected = [one.check_and_add(d) for d in docs]
    batched = open_dedup("batched")
    got: list[Verdict] = []
    for chunk in chunks(docs, size):
        got += batched.check_and_add_batch(chunk)
    assert got == expected
    assert batched.stats == one.stats


def test_prepared_fingerprints_are_redone_as_one_at_a_time(open_dedup: Open) -> None:
    """Fingerprints made without the lines the batch's earlier documents made boilerplate
    are redone (and counted) exactly as when checked one at a time; documents and
    fingerprints mix in one batch."""
    docs = corpus()
    one, batched = open_dedup("one"), open_dedup("batched")

    def mixed(dedup: Deduplicator) -> list[Prepared | Document]:
        made = prepared(dedup, docs)
        return [made[i] if i % 3 else doc for i, doc in enumerate(docs)]

    expected = [
        one.check_and_add_prepared([x])[0] if isinstance(x, Prepared) else one.check_and_add(x)
        for x in mixed(one)
    ]
    assert batched.check_and_add_batch(mixed(batched)) == expected
    assert batched.stats["dedup/refingerprinted"] == one.stats["dedup/refingerprinted"] > 0
    assert batched.stats == one.stats


def test_a_failing_batch_is_rolled_back_as_a_whole(tmp_path: Path) -> None:
    dedup = Deduplicator(SqliteStore(tmp_path / "s.sqlite3"), clock=FixedClock(NOW))
    docs = corpus()[:4]
    dedup.check_and_add_batch(docs[:1])
    before = dedup.store.size()
    with pytest.raises(AttributeError):
        dedup.check_and_add_batch([docs[1], docs[2], "not a document"])  # type: ignore[list-item]
    assert dedup.store.size() == before


def test_ids_given_again_after_a_rollback_are_compared_afresh(tmp_path: Path) -> None:
    """A rolled-back batch's entry ids are given to the next entries: what was read of the
    rolled-back ones must not stand for them."""
    dedup = Deduplicator(SqliteStore(tmp_path / "s.sqlite3"), clock=FixedClock(NOW))
    story, copy = store_docs(1)
    with pytest.raises(AttributeError):
        dedup.check_and_add_batch([story, copy, "not a document"])  # type: ignore[list-item]
    other = list(store_docs(2))
    fresh = Deduplicator(MemoryStore(), clock=FixedClock(NOW))
    expected = fresh.check_and_add_batch(other)
    assert expected[1].duplicate_of == other[0].url
    assert dedup.check_and_add_batch(other) == expected


# -- the pipeline ---------------------------------------------------------------------


def _flags(item: Any) -> dict[str, Any]:
    keys = ("url", "cluster_id", "duplicate_of", "relation", "similarity", "update_of")
    return {k: item.get(k) for k in keys}


def _one_at_a_time(tmp_path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    pipeline, crawler = make_pipeline(tmp_path / "one", DEDUP_BATCH_SIZE=1)
    pipeline.open_spider()
    out = [_flags(pipeline.process_item(item)) for item in items()]
    pipeline.close_spider()
    return out, crawler.stats.get_stats()


def _verdict_stats(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stats.items() if k.startswith(("dedup/stage", "dedup/new",
            "dedup/copies", "dedup/updates", "dedup/committed", "dedup/clusters"))}  # fmt: skip


def test_the_pipeline_flushes_waiting_items_on_close(tmp_path: Path) -> None:
    expected, expected_stats = _one_at_a_time(tmp_path)
    pipeline, crawler = make_pipeline(
        tmp_path / "batched", DEDUP_BATCH_SIZE=32, DEDUP_BATCH_SECONDS=3600
    )
    pipeline.open_spider()

    async def crawl() -> list[Any]:
        waiting = [asyncio.ensure_future(pipeline.process_item(item)) for item in items()]
        await asyncio.sleep(0)
        assert not any(w.done() for w in waiting) and len(pipeline.waiting) == 2
        pipeline.close_spider()  # no item may be left waiting
        return list(await asyncio.gather(*waiting))

    out = asyncio.run(crawl())
    assert [_flags(item) for item in out] == expected
    stats = crawler.stats.get_stats()
    assert _verdict_stats(stats) == _verdict_stats(expected_stats)
    assert stats["dedup/batches"] == 1


def test_the_pipeline_decides_a_batch_when_its_window_ends(tmp_path: Path) -> None:
    expected, _ = _one_at_a_time(tmp_path)
    pipeline, crawler = make_pipeline(
        tmp_path / "batched", DEDUP_BATCH_SIZE=32, DEDUP_BATCH_SECONDS=0.01
    )
    pipeline.open_spider()

    async def crawl() -> list[Any]:
        return list(await asyncio.gather(*(pipeline.process_item(item) for item in items())))

    out = asyncio.run(crawl())
    assert [_flags(item) for item in out] == expected
    assert crawler.stats.get_value("dedup/batches") == 1
    pipeline.close_spider()
    assert crawler.stats.get_value("dedup/committed") == 2


def test_a_failed_batch_fails_each_item_and_the_crawl_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline, crawler = make_pipeline(tmp_path, DEDUP_BATCH_SIZE=2, DEDUP_BATCH_SECONDS=3600)
    pipeline.open_spider()
    assert pipeline.dedup is not None

    def broken(batch: Any) -> list[Verdict]:
        raise RuntimeError("store unavailable")

    async def crawl() -> list[Any]:
        first, second = items()
        return list(
            await asyncio.gather(
                pipeline.process_item(first), pipeline.process_item(second),
                return_exceptions=True,
            )
        )  # fmt: skip

    with monkeypatch.context() as patch, caplog.at_level(logging.ERROR, "pipelines.dedup"):
        patch.setattr(pipeline.dedup, "check_and_add_batch", broken)
        failed = asyncio.run(crawl())
    assert [type(x) for x in failed] == [RuntimeError, RuntimeError]
    assert crawler.stats.get_value("dedup/batch_errors") == 1
    assert "batch of 2 items failed" in caplog.text
    assert not pipeline.waiting

    async def again() -> list[Any]:  # the next batch is checked as usual
        return list(await asyncio.gather(*(pipeline.process_item(item) for item in items())))

    out = asyncio.run(again())
    assert out[1]["duplicate_of"] == out[0]["url"]
    pipeline.close_spider()
    assert crawler.stats.get_value("dedup/committed") == 2


def test_items_without_a_precomputed_fingerprint_and_with_one_batch_alike(
    tmp_path: Path,
) -> None:
    """A batch mixing items that carry an extraction worker's fingerprint and items that
    do not flags them as one at a time."""
    expected, _ = _one_at_a_time(tmp_path)
    pipeline, _crawler = make_pipeline(tmp_path / "b", DEDUP_BATCH_SIZE=2, DEDUP_BATCH_SECONDS=60)
    pipeline.open_spider()
    assert pipeline.dedup is not None
    config = pipeline.dedup.config
    maker = Fingerprinter(config)
    batch = items()
    doc = Document.from_item(dict(batch[0]))
    made = (maker.fingerprint(doc), tuple(tokenize(doc.body).line_hashes))
    attach(batch[0], {"dedup": ((doc, config), made)})

    async def crawl() -> list[Any]:
        return list(await asyncio.gather(*(pipeline.process_item(item) for item in batch)))

    out = asyncio.run(crawl())
    assert [_flags(item) for item in out] == expected
    pipeline.close_spider()

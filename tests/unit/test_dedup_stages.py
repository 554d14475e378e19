"""Each stage and relation of the Deduplicator, order independence, canonical choice."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from crawler.dedup import DedupConfig, Deduplicator, Document, MemoryStore
from crawler.dedup.core import verdict_stats
from crawler.dedup.model import Verdict
from tests.unit.test_dedup_corpus import (
    Story,
    copy_of,
    edited,
    make_event,
    make_story,
    retitled,
    reworded,
    short_briefs,
    truncated,
    updated,
    with_boilerplate,
    with_intro,
)

SEEDS = range(12)


def fresh(**config: object) -> Deduplicator:
    return Deduplicator(MemoryStore(), config=DedupConfig(retention_days=0, **config))  # type: ignore[arg-type]


def story(seed: int, site: str = "afp.com") -> tuple[random.Random, Story]:
    rng = random.Random(seed)
    event = make_event(rng)
    return rng, make_story(rng, event, url=f"https://{site}/story-{seed}", site=site)


def test_new_story_gets_a_cluster_and_no_flags() -> None:
    dedup = fresh()
    verdict = dedup.check_and_add(story(1)[1].doc())
    assert verdict.stage == "new" and verdict.duplicate_of is None and verdict.relation is None
    assert len(verdict.cluster_id) == 16
    assert verdict_stats(verdict) == ["dedup/stage/new", "dedup/new"]


def test_url_stage_same_content_is_identical_changed_content_is_an_update() -> None:
    dedup = fresh()
    _, original = story(2)
    first = dedup.check_and_add(original.doc())
    again = dedup.check_and_add(original.doc())
    assert (again.stage, again.relation, again.duplicate_of) == ("url", "identical", original.url)
    longer = replace(original, paragraphs=[*original.paragraphs, "A new paragraph was added."])
    update = dedup.check_and_add(longer.doc())
    assert (update.stage, update.relation) == ("url", "update")
    assert update.duplicate_of is None and update.update_of == original.url
    assert update.cluster_id == first.cluster_id


@pytest.mark.parametrize("seed", SEEDS)
def test_exact_stage_catches_retitled_and_boilerplate_copies(seed: int) -> None:
    dedup = fresh()
    _, original = story(seed)
    dedup.check_and_add(original.doc())
    for copy in (retitled(original, "https://b.com/x", "b.com"),
                 with_boilerplate(original, "https://f.com/x", "f.com")):  # fmt: skip
        verdict = dedup.check_and_add(copy.doc())
        assert (verdict.stage, verdict.relation) == ("exact", "identical")
        assert verdict.duplicate_of == original.url and verdict.similarity == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_near_stage_relations(seed: int) -> None:
    dedup = fresh()
    rng, original = story(seed)
    dedup.check_and_add(original.doc())
    cases = {
        "truncated": truncated(original, "https://c.com/x", "c.com"),
        "lead only": truncated(original, "https://d.com/x", "d.com", share=0.2),
        "edited": edited(rng, original, "https://g.com/x", "g.com"),
        "with intro": with_intro(original, "https://e.com/x", "e.com"),
    }
    relations = {}
    for name, copy in cases.items():
        verdict = dedup.check_and_add(copy.doc())
        assert verdict.stage == "near", name
        assert verdict.duplicate_of == original.url, name
        relations[name] = verdict.relation
    assert relations == {
        "truncated": "truncated",
        "lead only": "truncated",
        "edited": "edited",
        "with intro": "identical",
    }


def test_loose_stage_catches_reworded_copies() -> None:
    stages = []
    for seed in SEEDS:
        dedup = fresh(near_jaccard=0.95, containment=0.99)  # leave rewording to stage 4
        rng, original = story(seed)
        dedup.check_and_add(original.doc())
        verdict = dedup.check_and_add(reworded(rng, original, "https://h.com/x", "h.com").doc())
        stages.append((verdict.stage, verdict.relation))
    assert stages.count(("loose", "translated")) >= len(SEEDS) - 1


def flash_then_longer(seed: int, site: str) -> tuple[Deduplicator, Story, Verdict]:
    """An AFP flash stored, then a later, longer version of it from ``site``."""
    dedup = fresh()
    rng = random.Random(seed)
    event = make_event(rng)
    flash = make_story(
        rng, event, url=f"https://afp.com/flash-{seed}", site="afp.com", paragraphs=3
    )
    dedup.check_and_add(flash.doc())
    full = updated(rng, flash, f"https://{site}/full-{seed}", site, event)
    return dedup, flash, dedup.check_and_add(full.doc())


@pytest.mark.parametrize("seed", SEEDS)
def test_later_longer_version_is_an_update_in_the_main_feed(seed: int) -> None:
    _, flash, verdict = flash_then_longer(seed, "afp.com")
    assert (verdict.relation, verdict.duplicate_of, verdict.update_of) == (
        "update", None, flash.url)  # fmt: skip
    assert verdict_stats(verdict) == [f"dedup/stage/{verdict.stage}", "dedup/updates"]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_later_longer_copy_from_another_site_is_not_an_update(seed: int) -> None:
    dedup, flash, verdict = flash_then_longer(seed, "other.com")
    assert verdict.relation != "update" and verdict.update_of is None
    assert verdict.cluster_id == dedup.check_and_add(flash.doc()).cluster_id


@pytest.mark.parametrize("seed", range(40))
def test_other_agencies_reports_of_the_same_event_are_never_merged(seed: int) -> None:
    """Same people, places, numbers and quote, facts in the same order: still two stories."""
    dedup = fresh()
    rng = random.Random(seed)
    event = make_event(rng)
    afp = make_story(rng, event, url=f"https://afp.com/{seed}", site="afp.com")
    reuters = make_story(
        random.Random(seed + 500), event, url=f"https://reuters.com/{seed}", site="reuters.com"
    )
    reuters = replace(reuters, wire=())  # no credit to tell them apart
    dedup.check_and_add(afp.doc())
    assert dedup.check_and_add(reuters.doc()).stage == "new"


def test_short_bodies_never_near_match() -> None:
    dedup = fresh()
    text = " ".join(f"word{i}" for i in range(40))
    dedup.check_and_add(Document("https://a.com/1", text))
    verdict = dedup.check_and_add(Document("https://b.com/1", text + " extra tail words here"))
    assert verdict.stage == "new"
    assert dedup.check_and_add(Document("https://c.com/1", text)).stage == "exact"


def test_learned_site_lines_keep_boilerplate_briefs_apart() -> None:
    rng = random.Random(9)
    briefs = short_briefs(rng, "briefs.example", 12)
    dedup = fresh()
    dedup.learn_lines([b.doc() for b in briefs])
    assert [dedup.check_and_add(b.doc()).stage for b in briefs] == ["new"] * 12


def test_online_learning_stops_boilerplate_matches_once_lines_are_known() -> None:
    rng = random.Random(10)
    briefs = short_briefs(rng, "briefs.example", 14)
    dedup = fresh(boilerplate_min_articles=3)
    stages = [dedup.check_and_add(b.doc()).stage for b in briefs]
    assert stages[4:] == ["new"] * 10


def shuffled_corpus(seed: int) -> list[Document]:
    docs: list[Document] = []
    for n in range(6):
        rng, original = story(100 + n)
        docs += [
            original.doc(),
            truncated(original, f"https://c.com/{n}", "c.com").doc(),
            retitled(original, f"https://b.com/{n}", "b.com").doc(),
            edited(rng, original, f"https://g.com/{n}", "g.com").doc(),
            reworded(rng, original, f"https://h.com/{n}", "h.com").doc(),
            with_intro(original, f"https://e.com/{n}", "e.com").doc(),
        ]
    random.Random(seed).shuffle(docs)
    return docs


def clusters_of(docs: list[Document]) -> set[tuple[str, frozenset[str]]]:
    dedup = fresh()
    for doc in docs:
        dedup.check_and_add(doc)
    return {
        (c["canonical"], frozenset([c["canonical"], *(m["url"] for m in c["copies"])]))
        for c in dedup.finalize_clusters()
    }


def test_clusters_and_canonicals_do_not_depend_on_order() -> None:
    first = clusters_of(shuffled_corpus(0))
    assert len(first) == 6
    assert all(canonical.startswith("https://afp.com/") for canonical, _ in first)
    for seed in range(1, 6):
        assert clusters_of(shuffled_corpus(seed)) == first


def test_canonical_prefers_the_agency_site_then_the_earliest() -> None:
    _, original = story(30, site="farm.example")
    early = replace(copy_of(original, "https://early.example/x", "early.example", hour_delta=-3))
    agency = copy_of(original, "https://afp.com/x", "afp.com", hour_delta=5)
    dedup = fresh()
    for doc in (original.doc(), early.doc()):
        dedup.check_and_add(doc)
    (cluster,) = dedup.finalize_clusters()
    assert cluster["canonical"] == early.url
    dedup.check_and_add(agency.doc())
    (cluster,) = dedup.finalize_clusters()
    assert cluster["canonical"] == agency.url
    assert cluster["also_published_by"] == ["early.example", "farm.example"]
    assert cluster["wire"] == ["AFP"]
    assert {c["url"] for c in cluster["copies"]} == {original.url, early.url}


def test_batch_checks_match_single_checks() -> None:
    docs = shuffled_corpus(7)
    one, many = fresh(), fresh()
    singles = [one.check_and_add(d) for d in docs]
    batch = many.check_and_add_many(docs)
    assert [(v.stage, v.relation) for v in singles] == [(v.stage, v.relation) for v in batch]

"""Flash, translation and relation rules of the near and loose stages, on agency-style
reports: what must match, what must stay apart, and how copies are labelled."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bench.dedup import transforms
from bench.dedup.model import Story
from bench.dedup.stories import outlets, writer
from bench.dedup.stories.briefs import write_brief
from crawler.dedup import DedupConfig, Deduplicator, Document, MemoryStore, Verdict

START = datetime(2024, 9, 2, 6, 0, tzinfo=UTC)
SEEDS = range(8)


def fresh() -> Deduplicator:
    return Deduplicator(MemoryStore(), config=DedupConfig(retention_days=0))


def doc(story: Story, paragraphs: list[str] | None = None, **changes: object) -> Document:
    fields: dict[str, object] = {
        "url": story.url,
        "body": "\n\n".join(paragraphs if paragraphs is not None else story.paragraphs),
        "title": story.title,
        "site": story.site,
        "published": story.published.isoformat(),
        "wire": (story.agency,) if story.agency else (),
    }
    fields.update(changes)
    return Document(**fields)  # type: ignore[arg-type]


def reports(seed: int, styles: tuple[str, ...] = ("AFP",)) -> list[Story]:
    event = writer.make_event(seed, seed, START)
    return [
        writer.write_report(event, style, event.when + timedelta(minutes=20 + 30 * k))
        for k, style in enumerate(styles)
    ]


def later(story: Story, minutes: int) -> str:
    return (story.published + timedelta(minutes=minutes)).isoformat()


def check(dedup: Deduplicator, *docs: Document) -> list[Verdict]:
    return [dedup.check_and_add(d) for d in docs]


@pytest.mark.parametrize("seed", SEEDS)
def test_machine_translated_copy_is_found_as_translated(seed: int) -> None:
    (original,) = reports(seed)
    rng = random.Random(seed)
    paragraphs, share = transforms.mt_rewrite(list(original.paragraphs), rng, 0.35)
    assert share >= 0.25  # a heavy rewording: plain shingles cannot see it
    copy = doc(original, paragraphs, url="https://farm.example/x", site="farm.example",
               published=later(original, 90))  # fmt: skip
    _, verdict = check(fresh(), doc(original), copy)
    assert (verdict.stage, verdict.relation, verdict.duplicate_of) == (
        "loose", "translated", original.url)  # fmt: skip


@pytest.mark.parametrize("seed", SEEDS)
def test_flash_of_the_lead_is_a_truncated_copy_in_either_order(seed: int) -> None:
    (original,) = reports(seed)
    lead = list(original.paragraphs[:2])
    assert len(" ".join(lead).split()) >= DedupConfig().flash_min_words
    flash = doc(original, lead, url="https://flash.example/x", site="flash.example",
                published=later(original, 15))  # fmt: skip
    _, second = check(fresh(), doc(original), flash)
    assert (second.stage, second.relation, second.duplicate_of) == (
        "near", "truncated", original.url)  # fmt: skip
    before, after = check(fresh(), flash, doc(original))
    assert after.cluster_id == before.cluster_id


@pytest.mark.parametrize("seed", range(12))
def test_other_agencies_reports_of_one_event_stay_apart(seed: int) -> None:
    """Same people, places, toll and official quote, written independently: never one
    story, neither as full reports, nor as translated copies, nor as flashes."""
    afp, reuters, ap = reports(seed, ("AFP", "Reuters", "AP"))
    rng = random.Random(seed)
    mt, _ = transforms.mt_rewrite(list(afp.paragraphs), rng, 0.35)
    docs = [
        doc(afp),
        doc(afp, mt, url="https://farm.example/mt", site="farm.example",
            published=later(afp, 60), wire=()),
        doc(afp, list(afp.paragraphs[:1]), url="https://flash.example/a",
            site="flash.example", published=later(afp, 5), wire=()),
    ]  # fmt: skip
    for other in (reuters, ap):
        docs += [
            doc(other, wire=()),  # no credit to tell them apart
            doc(other, list(other.paragraphs[:1]), url=other.url + "-flash",
                site="flash2.example", published=later(other, 5), wire=()),
        ]  # fmt: skip
    dedup = fresh()
    verdicts = check(dedup, *docs)
    clusters = {v.cluster_id for v in verdicts}
    afp_cluster = verdicts[0].cluster_id
    assert len(clusters) >= 3
    assert verdicts[1].cluster_id == afp_cluster  # the translated copy is AFP's story
    assert all(v.cluster_id != afp_cluster for v in verdicts[3:])


def briefs_site(count: int) -> list[Document]:
    written = []
    for index in range(count):
        event = writer.make_event(5, 1000 + index, START)
        for variant in (0, 1):
            moment = event.when + timedelta(minutes=30 + 180 * variant)
            written.append(write_brief(event, variant, moment, outlets.BRIEFS_HOST))
    top, bottom = outlets.BRIEFS_BOILERPLATE_TOP, outlets.BRIEFS_BOILERPLATE_BOTTOM
    return [
        doc(brief, [*top, *brief.paragraphs, *bottom], site="gulfwirenow.com") for brief in written
    ]


def test_short_briefs_on_a_boilerplate_heavy_site_stay_apart() -> None:
    """Two briefs of one event (same names and numbers) and briefs of other events,
    wrapped in the same lines: the site's lines are learned, the rest is too thin and
    too different to be a flash of each other."""
    docs = briefs_site(8)
    dedup = fresh()
    dedup.learn_lines(docs)
    verdicts = check(dedup, *docs)
    assert [v.stage for v in verdicts] == ["new"] * len(docs)


@pytest.mark.parametrize("seed", SEEDS)
def test_site_intro_copy_is_not_an_update_and_an_update_is(seed: int) -> None:
    (original,) = reports(seed)
    rng = random.Random(seed)
    outlet = outlets.OUTLETS[seed % len(outlets.OUTLETS)]
    intro = transforms.with_intro(list(original.paragraphs), outlet, original.title, rng)
    intro_doc = doc(original, intro, url=f"https://{outlet.host}/x", site=outlet.host,
                    published=later(original, 300))  # fmt: skip
    new = writer.update_paragraphs(original.facts, rng, 3)
    update = transforms.with_update(list(original.paragraphs), new)
    update_doc = doc(original, update, url=original.url + "-update",
                     published=later(original, 240))  # fmt: skip
    dedup = fresh()
    _, copy = check(dedup, doc(original), intro_doc)
    assert copy.relation in ("edited", "identical") and copy.duplicate_of == original.url
    dedup = fresh()
    _, newer = check(dedup, doc(original), update_doc)
    assert (newer.relation, newer.update_of, newer.duplicate_of) == (
        "update", original.url, None)  # fmt: skip

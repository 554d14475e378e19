"""The labelled syndication corpus, generated at run time from a seed.

Base stories:

- the fixture articles (``tests/fixtures/sites/*/expected/*.json``; body extracted
  from the page the fixture server serves), grouped by ``FIXTURE_CLUSTERS`` where
  the fixture sites already carry copies of one agency story, plus that story's
  agency original from ``www.lemonde.fr/expected/_shared_afp_story.json``;
- synthetic agency reports (``bench.dedup.stories``): each event gets one report,
  every third event two or three agencies' independent reports (hard negatives).

Every base story is run by the outlets of ``stories.outlets`` with each copy type
of ``transforms.COPY_TYPES`` (each with probability ``copy_rate``). Other hard
negatives: the outlets' other stories (shared site lines) and the briefs site
(3-4 sentence briefs in heavy boilerplate; some events get two briefs).
"""

from __future__ import annotations

import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.dedup import transforms
from bench.dedup.model import Item, Story
from bench.dedup.stories import outlets, writer
from bench.dedup.stories.briefs import write_brief

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sites"
START = datetime(2024, 9, 2, 6, 0, tzinfo=UTC)

#: Fixture articles that are runs of one agency story (first: the base version).
FIXTURE_CLUSTERS: dict[str, tuple[str, ...]] = {
    "fx-afp-hezbollah-drone": (
        "www.lemonde.fr/hezbollah-commander-drone",
        "www.france24.com/tyre-drone-strike",
        "www.timesofisrael.com/drone-strike-commander",
        "english.aawsat.com/afp-drone",
        "www.arabnews.com/afp-drone-tyre",
        "www.naharnet.com/afp-drone",
        "www.rudaw.net/afp-hezbollah-commander-drone",
        "www.thenationalnews.com/afp-drone",
        "www.al-monitor.com/afp-hezbollah-commander-drone",
        "shafaq.com/lebanon-drone-hezbollah-commander",  # Shafaq's own rewrite of the dispatch
    ),
    "fx-afp-baghdad-embassy": (
        "www.worldnewsflash24.com/after-rocket-attack-on-us-diplomatic-site-washington-blames-"
        "iran-aligned-militias",
        "levantchronicle.com/us-embassy-says-iran-aligned-militias-behind-baghdad-airport-rocket-"
        "strike",
    ),
}
#: Fixture articles that are different reports of one event (hard negatives).
FIXTURE_EVENTS: dict[str, tuple[str, ...]] = {
    "fx-baghdad-airport-rockets": (
        "www.lemonde.fr/baghdad-airport-rockets",
        "www.thenationalnews.com/baghdad-rockets",
        "www.rudaw.net/baghdad-airport-rocket",
    ),
    "fx-damascus-strike": (
        "www.timesofisrael.com/damascus-strikes",
        "english.aawsat.com/damascus-strike",
    ),
    "fx-houthi-ship": (
        "www.aljazeera.com/houthi-tanker",
        "www.arabnews.com/houthis-red-sea-vessel",
    ),
}
REWRITES = frozenset({"shafaq.com/lebanon-drone-hezbollah-commander"})
GENERIC_UPDATES = (
    "In an update issued on {day} evening, officials said the number of people affected had "
    "risen and that {n} more people had been taken to hospital.",
    "Later on {day}, a government spokesman told reporters that a committee had been formed to "
    "investigate the incident and would report within {n} days.",
    "The foreign ministry said on {day} that it had summoned {n} ambassadors to explain the "
    "position of their governments on the incident.",
    "Local television showed crowds gathering near the site on {day} night as security forces "
    "kept journalists at a distance of about {n} hundred metres.",
    "A senior official said late on {day} that {n} suspects had been questioned and that further "
    "arrests were possible in the coming hours.",
)


@dataclass
class Corpus:
    items: list[Item]
    stories: list[Story]
    notes: list[str] = field(default_factory=list)
    mt_shares: list[float] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        """Counts per copy type and origin, body length, MT change share."""
        words = [len(i.body.split()) for i in self.items]
        origins = Counter(s.origin for s in self.stories)
        return {
            "items": len(self.items),
            "clusters": len({i.cluster for i in self.items}),
            "kinds": dict(sorted(Counter(i.kind for i in self.items).items())),
            "stories": dict(sorted(origins.items())),
            "synthetic_words": sorted(s.words for s in self.stories if s.origin == "synthetic"),
            "median_words": statistics.median(words) if words else 0,
            "mt_share": statistics.mean(self.mt_shares) if self.mt_shares else 0.0,
        }


def _parse(value: str | None) -> datetime:
    if not value:
        return START
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def domain(host: str) -> str:
    """The site name used for every item: the host without a leading "www."."""
    return host.removeprefix("www.")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70]


def fixture_articles(sites: Path = FIXTURES) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Fixture id ("host/slug") -> extracted article; notes on articles left out."""
    from bench.extraction.__main__ import load_fixture_pages
    from crawler.extraction import extract_article

    pages, notes = load_fixture_pages(sites)
    for expected in sorted(sites.glob("*/expected/[!_]*.json")):
        if json.loads(expected.read_text(encoding="utf-8")).get("requires_js"):
            fid = f"{expected.parent.parent.name}/{expected.stem}"
            notes.append(f"{fid}: JS-rendered page (requires_js), left out")
    articles: dict[str, dict[str, Any]] = {}
    for page in pages:
        article = extract_article(page.path.read_bytes(), page.url)
        if not (article.get("body") or "").strip():
            notes.append(f"{page.id}: no body extracted, left out")
            continue
        articles[page.id] = article
    return articles, notes


def _article_story(fid: str, article: dict[str, Any]) -> Story:
    return Story(
        id=fid,
        title=article.get("title") or fid,
        paragraphs=tuple(p for p in article["body"].split("\n\n") if p.strip()),
        site=domain(article.get("site") or fid.split("/")[0]),
        url=article["url"],
        published=_parse(article.get("published")),
        origin="fixture",
        agency=(article.get("wire") or [None])[0],
        authors=tuple(article.get("authors") or ()),
        facts={"language": article.get("language") or "en"},
    )


def afp_original(sites: Path = FIXTURES) -> Story | None:
    """The agency original of the shared fixture story, as the agency filed it."""
    path = sites / "www.lemonde.fr" / "expected" / "_shared_afp_story.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))["original"]
    return Story(
        id="fx-afp-original",
        title=data["title"],
        paragraphs=tuple(data["paragraphs"]),
        site="afp.com",
        url="https://www.afp.com/en/news/" + _slug(data["title"]),
        published=_parse(data["filed"]),
        origin="fixture",
        agency="AFP",
    )


def _item(story: Story, cluster: str, kind: str, relation: str | None, source: str) -> Item:
    return Item(
        url=story.url,
        title=story.title,
        body="\n\n".join(story.paragraphs),
        site=story.site,
        published=_iso(story.published),
        cluster=cluster,
        kind=kind,
        relation=relation,
        source=source,
        event=story.event,
        authors=story.authors,
        wire=(story.agency,) if story.agency else (),
    )


def fixture_part(sites: Path) -> tuple[list[Item], list[Story], list[str]]:
    """Fixture items (labelled) and the base stories copies are made from."""
    articles, notes = fixture_articles(sites)
    event_of = {fid: ev for ev, fids in FIXTURE_EVENTS.items() for fid in fids}
    items: list[Item] = []
    bases: list[Story] = []
    grouped = {fid for fids in FIXTURE_CLUSTERS.values() for fid in fids}
    original = afp_original(sites)
    for cluster, fids in FIXTURE_CLUSTERS.items():
        present = [fid for fid in fids if fid in articles]
        if not present:
            continue
        base = _article_story(present[0], articles[present[0]])
        if cluster == "fx-afp-hezbollah-drone" and original is not None:
            base = original
            items.append(_item(original, cluster, "original", None, original.url))
        for fid in present:
            kind = "fixture_rewrite" if fid in REWRITES else "fixture_copy"
            if fid == base.id:
                kind = "original"
            items.append(_item(_article_story(fid, articles[fid]), cluster, kind, None, base.url))
        bases.append(base)
    for fid, article in sorted(articles.items()):
        if fid in grouped:
            continue
        story = _article_story(fid, article)
        story = replace(story, event=event_of.get(fid))
        items.append(_item(story, f"fx-{fid}", "original", None, story.url))
        bases.append(story)
    return items, bases, notes


def synthetic_part(seed: int, events: int) -> list[Story]:
    """Synthetic agency reports: every third event is covered by 2-3 agencies."""
    rng = random.Random(seed)
    styles = ("AFP", "Reuters", "AP")
    reports: list[Story] = []
    for index in range(events):
        event = writer.make_event(seed, index, START)
        count = rng.choice((2, 3)) if index % 3 == 0 else 1
        first = index % len(styles)
        for k in range(count):
            style = styles[(first + k) % len(styles)]
            delay = timedelta(minutes=15 + 25 * k + rng.randint(0, 20))
            reports.append(writer.write_report(event, style, event.when + delay))
    return reports


def briefs_part(seed: int, count: int) -> list[Item]:
    """Briefs of the boilerplate-heavy site: every third event gets a second brief."""
    rng = random.Random(seed + 1)
    written: list[Story] = []
    for index in range(count):
        event = writer.make_event(seed, 1000 + index, START)
        for variant in range(2 if index % 3 == 0 else 1):
            moment = event.when + timedelta(minutes=30 + 180 * variant)
            written.append(write_brief(event, variant, moment, outlets.BRIEFS_HOST))
    items: list[Item] = []
    for brief in written:
        trending = " · ".join(b.title for b in rng.sample(written, 3) if b is not brief)
        paragraphs = (
            *outlets.BRIEFS_BOILERPLATE_TOP,
            *brief.paragraphs,
            f"Trending now: {trending}",
            *outlets.BRIEFS_BOILERPLATE_BOTTOM,
        )
        story = replace(brief, paragraphs=paragraphs, site=domain(brief.site))
        items.append(_item(story, f"brief-{brief.id}", "brief", None, brief.url))
    return items


def copies_of(
    base: Story, cluster: str, rng: random.Random, titles: list[str], copy_rate: float
) -> Iterator[tuple[Item, float | None]]:
    """The generated copies of one base story (with the MT change share, if any)."""
    english = base.facts.get("language", "en") == "en"
    chosen = [t for t in transforms.COPY_TYPES if rng.random() < copy_rate]
    if not english:
        chosen = [t for t in chosen if t not in ("edited", "translated")]
    sites = rng.sample(outlets.OUTLETS, len(outlets.OUTLETS))
    sites = [o for o in sites if domain(o.host) != domain(base.site)] * 2
    for kind, outlet in zip(chosen, sites, strict=False):
        paragraphs, title, share = list(base.paragraphs), base.title, None
        published = base.published + timedelta(minutes=rng.randint(10, 600))
        site, agency = domain(outlet.host), base.agency
        if kind == "reheadlined":
            title = transforms.reheadline(title, rng)
        elif kind in ("truncated_40", "truncated_60"):
            paragraphs = transforms.keep_fraction(paragraphs, int(kind[-2:]) / 100)
        elif kind == "flash":
            paragraphs = transforms.flash(paragraphs, rng)
        elif kind == "site_intro":
            paragraphs = transforms.with_intro(paragraphs, outlet, title, rng)
        elif kind == "edited":
            paragraphs = transforms.light_edit(paragraphs, rng)
        elif kind == "translated":
            paragraphs, share = transforms.mt_rewrite(paragraphs, rng, rng.uniform(0.3, 0.4))
            title = transforms.mt_rewrite([title], rng, 0.35)[0][0]
        elif kind == "update":
            published = base.published + timedelta(minutes=rng.randint(120, 480))
            new = _update_paragraphs(base, rng)
            paragraphs = transforms.with_update(paragraphs, new)
            site = base.site
        if kind != "update":
            paragraphs = transforms.with_site_lines(paragraphs, outlet, agency)
        if kind == "boilerplate":
            related = rng.sample([t for t in titles if t != base.title], 2)
            paragraphs = transforms.with_boilerplate(paragraphs, outlet, related, rng)
        stamp = published.astimezone(UTC)
        if kind == "update":
            url = f"{base.url.rstrip('/')}-update"
        else:
            slug = f"{_slug(title)}-{rng.randint(1000, 99999)}"
            url = f"https://{outlet.host}/{stamp:%Y/%m/%d}/{slug}/"
        copy = Story(
            id=f"{base.id}:{kind}",
            title=title,
            paragraphs=tuple(paragraphs),
            site=site,
            url=url,
            published=published,
            origin=base.origin,
            agency=agency,
            event=base.event,
        )
        relation = transforms.COPY_TYPES[kind][0]
        yield _item(copy, cluster, kind, relation, base.url), share


def _update_paragraphs(base: Story, rng: random.Random) -> list[str]:
    count = rng.randint(2, 4)
    if "killed_later" in base.facts:
        return writer.update_paragraphs(base.facts, rng, count)
    day = base.published.strftime("%A")
    return [t.format(day=day, n=rng.randint(2, 9)) for t in rng.sample(GENERIC_UPDATES, count)]


def build_corpus(
    seed: int = 13,
    *,
    events: int = 48,
    briefs: int = 36,
    copy_rate: float = 0.7,
    fixtures: Path | None = FIXTURES,
) -> Corpus:
    """The whole labelled corpus, deterministic for a given seed, sizes and fixtures."""
    items: list[Item] = []
    bases: list[tuple[Story, str]] = []
    notes: list[str] = []
    if fixtures is not None and fixtures.is_dir():
        fixture_items, fixture_bases, notes = fixture_part(fixtures)
        items += fixture_items
        cluster_of = {i.source: i.cluster for i in fixture_items}
        bases += [(b, cluster_of[b.url]) for b in fixture_bases]
    for report in synthetic_part(seed, events):
        items.append(_item(report, f"syn-{report.id}", "original", None, report.url))
        bases.append((report, f"syn-{report.id}"))
    titles = [b.title for b, _ in bases]
    shares: list[float] = []
    for base, cluster in bases:
        own = random.Random(f"{seed}|{base.id}")  # one story's copies do not shift another's
        for item, share in copies_of(base, cluster, own, titles, copy_rate):
            items.append(item)
            if share is not None:
                shares.append(share)
    items += briefs_part(seed, briefs)
    stories = [b for b, _ in bases]
    return Corpus(items=items, stories=stories, notes=notes, mt_shares=shares)

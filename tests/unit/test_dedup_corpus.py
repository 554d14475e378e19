"""A small seeded generator of wire stories, copies and hard negatives for the dedup tests.

Stories are made of invented sentences over a fixed vocabulary, with event facts
(people, places, numbers, a quoted statement) woven in, so that:

- copies (verbatim, re-headlined, truncated, with intro, boilerplate, edited,
  reworded) are built by transforming a story's paragraphs;
- a *different report of the same event* shares the facts and the quote but not the
  sentences (the hard negative the loose stage must never merge).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from crawler.dedup import Document

_WORDS = [
    "security",
    "forces",
    "officials",
    "reported",
    "convoy",
    "district",
    "border",
    "province",
    "statement",
    "military",
    "attack",
    "rocket",
    "drone",
    "strike",
    "militia",
    "checkpoint",
    "curfew",
    "airport",
    "embassy",
    "ministry",
    "council",
    "vehicle",
    "patrol",
    "village",
    "residents",
    "hospital",
    "wounded",
    "casualties",
    "investigation",
    "witnesses",
    "negotiations",
    "ceasefire",
    "talks",
    "delegation",
    "agreement",
    "coalition",
    "withdrawal",
    "troops",
    "base",
    "warplanes",
    "shelling",
    "positions",
    "displaced",
    "families",
    "shelters",
    "aid",
    "agencies",
    "supplies",
    "fuel",
    "electricity",
    "water",
    "crossing",
    "route",
    "highway",
    "bridge",
    "market",
    "mosque",
    "school",
    "clinic",
    "region",
    "capital",
    "parliament",
    "government",
    "prime",
    "president",
    "minister",
    "spokesman",
    "commander",
    "fighters",
    "group",
    "faction",
    "cell",
    "network",
    "operation",
    "raid",
    "arrests",
    "suspects",
    "weapons",
    "explosives",
    "device",
    "blast",
    "damage",
    "buildings",
    "roof",
    "street",
    "neighbourhood",
    "night",
    "morning",
    "afternoon",
    "evening",
    "week",
    "month",
    "earlier",
    "later",
    "previous",
    "recent",
    "latest",
    "heavy",
    "light",
    "major",
    "minor",
    "several",
    "dozens",
    "hundreds",
    "thousands",
    "local",
    "foreign",
    "regional",
    "international",
    "senior",
    "junior",
    "former",
    "acting",
    "interior",
    "defence",
    "foreign",
    "finance",
    "health",
    "transport",
    "energy",
    "oil",
    "gas",
    "pipeline",
    "field",
    "port",
    "harbour",
    "shipping",
    "vessel",
    "tanker",
    "cargo",
    "sanctions",
    "exports",
    "imports",
    "prices",
    "currency",
    "budget",
    "protest",
    "demonstrators",
    "crowd",
    "police",
    "tear",
    "gas",
    "clashes",
    "injuries",
    "arrests",
    "detained",
    "released",
    "prisoners",
    "exchange",
    "mediators",
    "envoy",
    "visit",
    "meeting",
    "summit",
    "conference",
    "pledge",
    "warning",
    "threat",
    "response",
    "retaliation",
    "escalation",
    "tension",
    "calm",
    "quiet",
    "restored",
    "resumed",
    "suspended",
    "closed",
    "opened",
    "announced",
    "confirmed",
    "denied",
    "claimed",
    "blamed",
    "accused",
    "condemned",
    "welcomed",
    "urged",
    "called",
    "demanded",
    "rejected",
    "accepted",
    "signed",
    "approved",
    "delayed",
    "postponed",
    "cancelled",
]
_SYNONYMS = {
    "officials": "authorities", "reported": "said", "attack": "assault", "strike": "raid",
    "wounded": "injured", "residents": "inhabitants", "talks": "negotiations",
    "troops": "soldiers", "shelling": "bombardment", "displaced": "uprooted",
    "supplies": "provisions", "route": "road", "capital": "city", "spokesman": "representative",
    "fighters": "militants", "blast": "explosion", "damage": "destruction",
    "neighbourhood": "district", "several": "a number of", "dozens": "scores",
    "senior": "high-ranking", "confirmed": "verified", "denied": "rejected",
    "blamed": "held responsible", "condemned": "denounced", "urged": "called on",
    "announced": "declared", "delayed": "put off", "vehicle": "car", "patrol": "unit",
    "statement": "communique", "warning": "alert", "threat": "menace", "meeting": "session",
    "clashes": "confrontations", "crowd": "throng", "released": "freed", "closed": "shut",
    "opened": "reopened", "heavy": "intense", "major": "significant", "recent": "latest",
    "later": "afterwards", "earlier": "previously", "night": "overnight", "weapons": "arms",
}  # fmt: skip
_FIRST = ("Karim", "Leila", "Omar", "Rana", "Samir", "Huda", "Tariq", "Nadia", "Yusuf", "Mona")
_LAST = ("Haddad", "Nassar", "Qasim", "Darwish", "Salim", "Aziz", "Mansour", "Khalil", "Bakr")
_PLACES = tuple(
    [
        "Baghdad",
        "Erbil",
        "Basra",
        "Mosul",
        "Kirkuk",
        "Beirut",
        "Tyre",
        "Sidon",
        "Homs",
        "Aleppo",
        "Sanaa",
        "Aden",
        "Hodeidah",
        "Rafah",
        "Nabatieh",
        "Sulaimaniyah",
        "Anbar",
    ]
)


@dataclass
class Event:
    """Facts every report of one event shares."""

    people: list[str]
    places: list[str]
    numbers: list[str]
    quote: str
    day: int  # September 2024


@dataclass
class Story:
    url: str
    title: str
    paragraphs: list[str]
    published: str
    site: str
    wire: tuple[str, ...] = ("AFP",)
    extra: dict[str, str] = field(default_factory=dict)

    def doc(self) -> Document:
        return Document(
            url=self.url,
            body="\n\n".join(self.paragraphs),
            title=self.title,
            site=self.site,
            published=self.published,
            wire=self.wire,
        )


def make_event(rng: random.Random) -> Event:
    people = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(3)]
    quote = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(18, 26)))
    return Event(
        people=people,
        places=rng.sample(_PLACES, 3),
        numbers=[str(rng.randint(2, 400)) for _ in range(4)],
        quote=f"“{quote.capitalize()}.”",
        day=rng.randint(2, 27),
    )


_FUNCTION = tuple(
    [
        "the",
        "a",
        "of the",
        "in the",
        "on",
        "and",
        "to the",
        "for",
        "with",
        "at",
        "by the",
        "from",
        "that",
        "was",
        "were",
        "has",
        "had",
        "after",
        "before",
        "as",
    ]
)


def _sentence(rng: random.Random, facts: list[str]) -> str:
    """Function words and content words interleaved, facts inserted between phrases."""
    phrases = [
        f"{rng.choice(_FUNCTION)} {' '.join(rng.choice(_WORDS) for _ in range(rng.randint(1, 2)))}"
        for _ in range(rng.randint(6, 10))
    ]
    for fact in facts:
        phrases.insert(rng.randint(1, len(phrases)), f"in {fact}")
    text = " ".join(phrases)
    return text[:1].upper() + text[1:] + "."


def make_story(
    rng: random.Random, event: Event, *, url: str, site: str, hour: int = 10, paragraphs: int = 10
) -> Story:
    """One report of ``event``: facts in order, the quote in the third paragraph."""
    facts = [*event.places, *event.people, *event.numbers]
    out: list[str] = []
    for index in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(2, 3)):
            chosen = (
                [facts[(index * 2 + len(sentences)) % len(facts)]] if rng.random() < 0.8 else []
            )
            sentences.append(_sentence(rng, chosen))
        if index == 2:
            sentences.append(f"{event.people[0]} said: {event.quote}")
        out.append(" ".join(sentences))
    title = " ".join(rng.choice(_WORDS) for _ in range(8)).capitalize()
    published = f"2024-09-{event.day:02d}T{hour:02d}:05:00+00:00"
    return Story(url, title, out, published, site)


# -- copies -------------------------------------------------------------------------


def copy_of(story: Story, url: str, site: str, *, hour_delta: int = 1) -> Story:
    day, hour = story.published[8:10], int(story.published[11:13]) + hour_delta
    return replace(story, url=url, site=site, published=f"2024-09-{day}T{hour:02d}:20:00+00:00")


def retitled(story: Story, url: str, site: str) -> Story:
    return replace(copy_of(story, url, site), title="Breaking: " + story.title.lower())


def truncated(story: Story, url: str, site: str, share: float = 0.4) -> Story:
    keep = max(1, round(len(story.paragraphs) * share))
    return replace(copy_of(story, url, site), paragraphs=story.paragraphs[:keep])


def with_intro(story: Story, url: str, site: str) -> Story:
    intro = "Our correspondents in the region sent this report on the latest developments today."
    return replace(copy_of(story, url, site), paragraphs=[intro, *story.paragraphs])


def with_boilerplate(story: Story, url: str, site: str) -> Story:
    paragraphs = list(story.paragraphs)
    paragraphs.insert(3, "Read also | Officials meet again in the capital as talks resume")
    paragraphs += ["The world with AFP", "Reuse this content"]
    first = f"{story.extra.get('place', 'BAGHDAD')} (AFP) — {paragraphs[0]}"
    return replace(copy_of(story, url, site), paragraphs=[first, *paragraphs[1:]])


def edited(rng: random.Random, story: Story, url: str, site: str, rate: float = 0.05) -> Story:
    paragraphs = []
    for paragraph in story.paragraphs:
        words = paragraph.split()
        for i in range(len(words)):
            if rng.random() < rate:
                words[i] = rng.choice(_WORDS)
        paragraphs.append(" ".join(words))
    return replace(copy_of(story, url, site), paragraphs=paragraphs[:-1])


def reworded(rng: random.Random, story: Story, url: str, site: str, rate: float = 0.9) -> Story:
    """Machine-translation-like rewording: synonyms for most vocabulary, facts kept."""
    paragraphs = []
    for paragraph in story.paragraphs:
        words = paragraph.split()
        out = []
        for word in words:
            bare = word.strip(".,:“”").lower()
            if bare in _SYNONYMS and rng.random() < rate:
                out.append(word.lower().replace(bare, _SYNONYMS[bare]))
            else:
                out.append(word)
        paragraphs.append(" ".join(out))
    return replace(copy_of(story, url, site, hour_delta=3), paragraphs=paragraphs)


def updated(rng: random.Random, story: Story, url: str, site: str, event: Event) -> Story:
    more = make_story(rng, event, url=url, site=site, paragraphs=5).paragraphs
    return replace(copy_of(story, url, site, hour_delta=4), paragraphs=story.paragraphs + more)


def short_briefs(rng: random.Random, site: str, count: int, day: int = 14) -> list[Story]:
    """Short briefs (~65 words) on one site, each wrapped in the same four site lines."""
    lines = [
        "This brief is part of our live coverage of the region, updated through the day.",
        "Sign in to save articles to your reading list and follow the topics you care about.",
        "Our newsroom verifies every report with at least two independent local sources.",
        "Send tips and corrections to the desk using the contact form at the bottom.",
    ]
    out = []
    for n in range(count):
        event = make_event(rng)
        body = [_sentence(rng, [event.places[0]]) for _ in range(4)]
        out.append(
            Story(
                f"https://{site}/brief-{n}",
                f"Brief {n}",
                [lines[0], " ".join(body[:2]), lines[1], " ".join(body[2:]), lines[2], lines[3]],
                f"2024-09-{day:02d}T{8 + n % 10:02d}:00:00+00:00",
                site,
                (),
            )
        )
    return out


def test_generator_is_deterministic() -> None:
    a = make_story(random.Random(1), make_event(random.Random(2)), url="u", site="s")
    b = make_story(random.Random(1), make_event(random.Random(2)), url="u", site="s")
    assert a == b
    assert sum(len(p.split()) for p in a.paragraphs) >= 300

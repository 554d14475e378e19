"""Seeded writer of synthetic events, agency reports, updates and short briefs.

An ``Event`` fixes the facts (place, actors, toll, the official and his quote).
``write_report(event, style)`` renders one agency's report of it: the style's own
templates, witnesses, verbs and headline, drawn from a generator seeded by
(event, style), so two agencies' reports share facts but not wording.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bench.dedup.model import Story
from bench.dedup.stories import slots
from bench.dedup.stories.countries import COUNTRIES
from bench.dedup.stories.templates import UPDATES, Role, styles

SLOT = re.compile(r"(\{[^}]*\})")
WORD = re.compile(r"[A-Za-z]+")
MIN_WORDS = 260
SOURCES = ("a security source", "a police officer", "an army officer", "a local official")
MIDDLE_ORDER = (
    "witness",
    "claim",
    "reaction",
    "security",
    "analyst",
    "background",
    "tally",
    "politics",
    "impact",
    "earlier",
)


@dataclass(frozen=True)
class Event:
    id: str
    country: str
    kind: str
    when: datetime
    facts: dict[str, Any]


def rng_for(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def number(n: int, *, digits: bool = False) -> str:
    return str(n) if digits or n >= len(slots.NUMBERS) else slots.NUMBERS[n]


def people(n: int, *, digits: bool = False) -> str:
    return "one person" if n == 1 else f"{number(n, digits=digits)} people"


def make_event(seed: int, index: int, start: datetime) -> Event:
    """Event ``index`` of the corpus seeded ``seed``: facts every report shares."""
    rng = rng_for("event", seed, index)
    country = COUNTRIES[index % len(COUNTRIES)]
    kind = rng.choice(sorted(country.kinds))
    attackers, targets = country.kinds[kind]
    city, area, province = rng.choice(country.places)
    others = [p for p in country.places if p[1] != area]
    other = rng.choice(others)
    killed = 0 if rng.random() < 0.3 else rng.choice((1, 2, 3, 4, 5, 6, 7, 9, 12, 14, 17, 23))
    first, last = rng.choice(country.first), rng.choice(country.last)
    body = rng.choice(country.bodies)
    attacker = rng.choice(attackers)
    quote = rng.choice(slots.OFFICIAL_QUOTES).format(attacker=attacker, area=other[1])
    facts: dict[str, Any] = {
        "country": country.name if country.name != "Gulf" else province,
        "adj": country.adj,
        "city": city,
        "area": area,
        "province": province,
        "other_area": other[1],
        "other_city": other[0],
        "attacker": attacker,
        "target": rng.choice(targets),
        "n_weapon": rng.randint(2, 9),
        "weapon_noun": rng.choice(slots.KINDS[kind]["weapon"]),
        "killed": killed,
        "wounded": rng.randint(0 if killed == 0 else 1, 30),
        "dead_detail": rng.choice(
            (
                "two children",
                "a woman and her son",
                "a soldier",
                "members of one family",
                "two paramedics",
                "a local official",
                "three teenagers",
            )
        ),
        "damage": rng.choice(
            (
                "several parked cars",
                "a perimeter wall",
                "the roof of a warehouse",
                "power lines",
                "a mosque's minaret",
                "shop fronts",
            )
        ),
        "official": f"{rng.choice(country.ranks)} {first} {last}",
        "official_last": last,
        "role": f"spokesman for {body}",
        "body": body,
        "quote": quote,
        "claimed": rng.random() < 0.45,
        "grievance": rng.choice(
            (
                "the killing of its commanders",
                "the war in Gaza",
                "the presence of foreign forces",
                "raids on its members",
                "strikes on its positions last week",
            )
        ),
        "monitor": rng.choice(country.monitors),
        "prev": rng.randint(4, 60),
        "ordinal": rng.choice(slots.ORDINALS),
        "month": rng.choice(slots.MONTHS),
        "prev_day": rng.choice(slots.WEEKDAYS),
        "prev_toll": rng.choice(
            (
                "one soldier dead",
                "two civilians wounded",
                "a police officer dead",
                "four people wounded",
                "a shepherd dead",
            )
        ),
        "prev_event": rng.choice(
            (
                "a deadly ambush",
                "a strike on a fuel depot",
                "a series of explosions",
                "an attack on a convoy",
                "a drone strike on a car",
            )
        ),
        "launch": rng.choice(
            (
                "a farm on the edge of the town",
                "a pickup truck parked in a field",
                "a hillside overlooking the road",
                "an abandoned building",
                "a palm grove",
            )
        ),
        "km": rng.randint(3, 40),
        "n_left": number(rng.randint(2, 6)),
        "hour": f"{rng.randint(1, 11)}:{rng.choice(('05', '15', '30', '40', '50'))}",
        "n_detained": number(rng.randint(2, 9)),
        "later": rng.choice(slots.LATER),
        "daypart": rng.choice(slots.DAYPARTS),
    }
    when = start + timedelta(hours=rng.randint(0, 24 * 28), minutes=rng.randint(0, 59))
    facts["day"] = slots.WEEKDAYS[when.weekday()]
    facts["killed_later"] = facts["killed"] + rng.randint(2, 9)
    return Event(f"ev{index:03d}", country.name, kind, when, facts)


def slot_values(event: Event, style: str) -> dict[str, Any]:
    """The template slots of one style's report of ``event``."""
    rng = rng_for("style", event.id, style)
    f = dict(event.facts)
    kind = slots.KINDS[event.kind]
    digits = style == "Reuters"
    killed, wounded = f["killed"], f["wounded"]
    n_weapon = number(f["n_weapon"], digits=digits)
    city_up = f["city"].upper()
    f["dl"] = {
        "AFP": f"{city_up} (AFP) —",
        "Reuters": f"{city_up}, {event.when:%b} {event.when.day} (Reuters) -",
        "AP": f"{city_up} (AP) —",
    }[style]
    if killed:
        wounding = "injuring" if style != "AFP" else "wounding"
        f["toll_ing"] = f"killing {people(killed, digits=digits)}" + (
            f" and {wounding} {number(wounded, digits=digits)}" if wounded else ""
        )
        f["toll_ed"] = f"killed {people(killed, digits=digits)}"
    else:
        f["toll_ing"] = {
            "AFP": "without causing casualties",
            "Reuters": "causing no casualties",
            "AP": "but no one was hurt",
        }[style]
        f["toll_ed"] = {
            "AFP": "caused no casualties",
            "Reuters": "did not cause casualties",
            "AP": "hurt no one",
        }[style]
    f["killed"] = number(killed, digits=digits)
    f["wounded"] = number(wounded, digits=digits)
    f["killed_people"] = people(killed, digits=digits)
    f["wounded_people"] = people(wounded, digits=digits)
    f["killed_later"] = number(f["killed_later"], digits=digits)
    f["n_weapon"] = n_weapon
    f["weapons"] = f["weapon_noun"]
    f["weapon"] = f"{n_weapon} {f['weapon_noun']}"
    f["noun"] = rng.choice(kind["noun"])
    f["Noun_a"] = ("An " if f["noun"][0] in "aeiou" else "A ") + f["noun"]
    f["act"] = rng.choice(kind["act"])
    f["hit"] = rng.choice(kind["hit"])
    country = next(c for c in COUNTRIES if c.name == event.country)
    first = rng.choice(country.first)
    f["witness_first"] = first
    f["witness"] = f"{first} {rng.choice(country.last)}"
    f["age"] = rng.randint(19, 67)
    f["job"] = rng.choice(slots.WITNESS_JOBS)
    f["wq"] = rng.choice(slots.WITNESS_QUOTES).format(n=rng.choice(("two", "three", "four")))
    f["claimant"] = f["attacker"]
    f["reactor"] = rng.choice(slots.REACTORS)
    f["reaction"] = rng.choice(slots.REACTIONS)
    f["context"], f["context2"] = rng.sample(country.context, 2)
    f["src"] = rng.choice(SOURCES)
    f["analyst"] = rng.choice(slots.ANALYSTS)
    f["analyst_last"] = f["analyst"].split()[-1]
    f["tank"] = rng.choice(slots.THINK_TANKS)
    f["aq"] = rng.choice(slots.ANALYST_QUOTES)
    f["capital"] = slots.CAPITALS[event.country]
    f["_words"] = word_choices(rng)
    f["reporter"], f["writer"] = rng.sample(slots.REPORTERS, 2)
    f["editor"] = rng.choice(slots.EDITORS)
    for key in ("attacker", "body", "claimant", "reactor", "monitor", "context"):
        f[_cap(key)] = _cap(f[key])
    f["Weapon"] = _cap(f["weapon"])
    return f


def word_choices(rng: random.Random) -> dict[str, str]:
    """A report's house wording: one variant per ``slots.LEXICON`` entry."""
    return {word: rng.choice(options) for word, options in slots.LEXICON.items()}


def vary(template: str, choices: dict[str, str]) -> str:
    """``template`` with its fixed words (not its slots) replaced per ``choices``."""
    parts = SLOT.split(template)
    for i in range(0, len(parts), 2):
        parts[i] = WORD.sub(lambda m: choices.get(m.group(0), m.group(0)), parts[i])
    return "".join(parts)


def paragraph(role: Role, facts: dict[str, Any], rng: random.Random) -> str:
    """One paragraph of ``role``: an alternative per sentence position, blanks dropped,
    in the report's wording (``facts["_words"]``)."""
    chosen = [rng.choice(alternatives) for alternatives in role]
    words = facts.get("_words", {})
    return " ".join(vary(t, words).format(**facts) for t in chosen if t)


def headline(f: dict[str, Any], rng: random.Random) -> str:
    options = [
        f"{_cap(f['noun'])} hits {f['target']} near {f['city']}",
        f"{f['Attacker']} {f['act']} {f['target']} in {f['province']}",
        f"{_cap(f['noun'])} in {f['area']}: {f['body']} says investigation opened",
    ]
    if f["killed_people"] != "zero people":
        options.append(
            f"{_cap(f['noun'])} kills {f['killed_people']} in {f['country']}'s {f['area']}"
        )
        options.append(f"{_cap(f['killed_people'])} killed as {f['weapons']} hit {f['area']}")
    return rng.choice(options)


def write_report(event: Event, style: str, published: datetime) -> Story:
    """One agency's report of ``event``: 250-700 words in that agency's style."""
    rng = rng_for("report", event.id, style)
    f = slot_values(event, style)
    bank = styles()[style]
    casualty_role = "casualties" if event.facts["killed"] else "no_casualties"
    claim_role = "claim" if event.facts["claimed"] else "no_claim"
    roles = ["lead", "detail", casualty_role, "quote"]
    middle = [r if r != "claim" else claim_role for r in MIDDLE_ORDER]
    target_words = rng.randint(280, 660)
    paragraphs = [paragraph(bank[r], f, rng) for r in roles]
    for role in middle:
        words = sum(len(p.split()) for p in paragraphs)
        if words >= target_words:
            break
        if words >= MIN_WORDS and rng.random() < 0.15:
            continue
        paragraphs.append(paragraph(bank[role], f, rng))
        if role == "background" and rng.random() < 0.4:
            paragraphs.append(_cap(f["context2"]) + ".")
    if sum(len(p.split()) for p in paragraphs) < MIN_WORDS:
        paragraphs.append(_cap(f["context2"]) + ".")
    paragraphs.append(paragraph(bank["outlook"], f, rng))
    site = {"AFP": "afp.com", "Reuters": "reuters.com", "AP": "apnews.com"}[style]
    slug = f"{event.id}-{style.lower()}-{event.kind}-{f['area'].lower().replace(' ', '-')}"
    return Story(
        id=f"{event.id}-{style.lower()}",
        title=headline(f, rng),
        paragraphs=tuple(paragraphs),
        site=site,
        url=f"https://www.{site}/world/middle-east/{slug}",
        published=published,
        origin="synthetic",
        agency=style,
        event=event.id,
        facts=f,
    )


def update_paragraphs(facts: dict[str, Any], rng: random.Random, count: int) -> list[str]:
    """``count`` new paragraphs a later version of a synthetic story adds."""
    return [t.format(**facts) for t in rng.sample(UPDATES, count)]

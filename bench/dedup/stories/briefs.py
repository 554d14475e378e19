"""Short briefs (3-4 sentences) of the boilerplate-heavy briefs site."""

from __future__ import annotations

from datetime import datetime

from bench.dedup.model import Story
from bench.dedup.stories.writer import Event, headline, rng_for, slot_values

BRIEF_LEADS = (
    "{Attacker} {act} {target} near {area}, {country}, on {day}, {toll_ing}, {body} said.",
    "{Weapon} {hit} {target} in {province} on {day}, {toll_ing}, according to {body}.",
    "{Noun_a} on {target} in {area} {toll_ed} on {day}, local officials said.",
)
BRIEF_MORE = (
    '"{quote}," {official} said.',
    "{Context}.",
    "No group has claimed the incident so far.",
    "It is the {ordinal} incident of its kind in {province} since {month}.",
    "Security forces have sealed off the area around {area}.",
    "{Reactor} {reaction}.",
    "Witnesses reported hearing {n_weapon} loud blasts.",
    "The wounded were taken to hospitals in {city}.",
    "An investigation has been opened, {body} added.",
    "Residents of {area} were urged to stay indoors.",
)


def write_brief(event: Event, variant: int, published: datetime, site: str) -> Story:
    """A 3-4 sentence brief of ``event``. Variants of one event are written apart: a
    different lead and no other sentence in common."""
    shared = rng_for("brief", event.id)
    first_lead = shared.randrange(len(BRIEF_LEADS))
    order = shared.sample(BRIEF_MORE, len(BRIEF_MORE))
    rng = rng_for("brief", event.id, variant)
    f = slot_values(event, ("AFP", "Reuters", "AP")[variant % 3])
    lead = BRIEF_LEADS[(first_lead + variant) % len(BRIEF_LEADS)]
    more = order[3 * variant : 3 * variant + rng.randint(2, 3)]
    text = " ".join(t.format(**f) for t in (lead, *more))
    slug = f"{event.id}-brief-{variant}"
    return Story(
        id=slug,
        title=headline(f, rng),
        paragraphs=(text,),
        site=site,
        url=f"https://{site}/briefs/{slug}/",
        published=published,
        origin="brief",
        event=event.id,
        facts=f,
    )

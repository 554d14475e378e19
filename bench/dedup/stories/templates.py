"""Paragraph templates of three agency house styles (AFP, Reuters, AP).

Each style writes the same facts in its own words: two styles' reports of one
event share names, places, numbers and the official's quote, not sentences.
A role is a sequence of sentence positions; a paragraph takes one alternative per
position (``""`` leaves the position out), so one style's reports of different
events rarely share a whole paragraph. Templates are ``str.format`` strings over
the slots built by ``bench.dedup.stories.writer.slot_values``.
"""

from __future__ import annotations

Role = tuple[tuple[str, ...], ...]
Bank = dict[str, Role]


def styles() -> dict[str, Bank]:
    """Agency name -> its templates."""
    from bench.dedup.stories.afp import AFP
    from bench.dedup.stories.ap import AP
    from bench.dedup.stories.reuters import REUTERS

    return {"AFP": AFP, "Reuters": REUTERS, "AP": AP}


#: Paragraphs a later version of a story adds (developing-story updates).
UPDATES: tuple[str, ...] = (
    "The death toll later rose to {killed_later}, {body} said in an updated statement, as "
    "rescuers pulled more victims from the debris.",
    "Later on {day}, {claimant} issued a second statement saying the operation had been planned "
    "for weeks and warning of further attacks.",
    "{adj} authorities said on {day} evening they had arrested {n_detained} people suspected of "
    "helping the attackers, including a man who rented the vehicle used in the attack.",
    "Funerals for the victims were held in {city} on {day} night, with hundreds of mourners "
    "chanting slogans against {attacker}.",
    "In a televised address, the {adj} prime minister announced three days of mourning and "
    "ordered a review of security around {target}.",
    "An official at {body} said late on {day} that the investigation had identified the launch "
    "site and recovered parts of the {weapons}.",
)

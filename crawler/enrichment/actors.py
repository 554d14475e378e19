"""Armed groups, forces and governments named in a text (``crawler/data/actors.json``).

Policy: every English and Arabic alias of every actor goes into one token trie; the
longest alias wins, so a name that contains another actor's name is that other actor
only when nothing longer matches ("Kataib Hezbollah", "Hezbollah Brigades" and
"Harakat Hezbollah al-Nujaba" are Iraqi groups; "Hezbollah", "Lebanon's Hezbollah" and
"Hezbollah brigades" are Lebanon's Hezbollah). Aliases with capitals are matched with
capitals only ("an Islamic state" is not the Islamic State). Actors are listed once, in
order of first mention, as ``{"id", "name", "kind"}``; ids are stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.enrichment.data import load
from crawler.enrichment.trie import AliasTrie, Match

#: Kinds that carry arms (the others are governments and international missions).
ARMED_KINDS = frozenset({"militia", "armed_group", "umbrella", "state_forces", "coalition"})


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    kind: str
    country: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind}


def build_actor_trie() -> AliasTrie:
    """One trie over every actor alias (built once, see ``core``)."""
    trie = AliasTrie()
    seen: set[str] = set()
    for item in load("actors")["actors"]:
        if item["id"] in seen:
            raise ValueError(f"actors.json: duplicate id {item['id']!r}")
        seen.add(item["id"])
        actor = Actor(item["id"], item["name"], item["kind"], item.get("country"))
        for alias in (item["name"], *item["en"], *item["ar"]):
            trie.add(alias, actor)
    return trie


def actors_in(matches: list[Match]) -> list[Actor]:
    """Actors of the matches, once each, in order of first mention."""
    found: dict[str, Actor] = {}
    for match in matches:
        for alias in match.aliases:
            actor: Actor = alias.target
            found.setdefault(actor.id, actor)
    return list(found.values())

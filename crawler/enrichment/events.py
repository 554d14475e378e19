"""ACLED-style event types of a text, each with the sentence that triggered it.

Policy (data in ``crawler/data/events.json``):

- Triggers and negatives share one case-insensitive token trie; the longest phrase
  wins, so a negative ("heart attack", "drone show", "shelling out", "box office bomb")
  hides the trigger word inside it.
- A *strong* phrase ("airstrike", "car bomb", "gun battle", "kidnapped", "protesters",
  "signed an agreement") gives its type wherever it appears.
- A *weak* word ("attack", "strike", "clashes", "arrested", "protest", "drone",
  "ceasefire") only counts when its sentence holds a cue: its rules are tried in order
  and the first cue class present gives the type, e.g. "attack" is explosions/remote
  violence next to a weapon (rocket, drone, IED), violence against civilians next to
  civilians (villagers, worshippers), battles next to an armed target (checkpoint,
  soldiers); "ceasefire" is a strategic development only next to an agreement word
  (agreed, announced, took effect), not when talks are about one; a drone is a
  strategic development next to contraband (a smuggling drone shot down). Not cues:
  the trigger's own words, words of a negative phrase, and a word directly followed by
  an attribution word ("police said"). A sentence with a sports cue (goal, striker,
  league) never counts weak words. A *fallback* weak word ("killed") counts only in a
  sentence that has no other type.
- Within a sentence riots supersede protests (a demonstration that turns violent is a
  riot, as ACLED codes it): "protesters stormed the council" is a riot.
- Each type is reported once, with its first trigger and sentence.
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from itertools import compress
from typing import Any

from crawler.enrichment.data import load
from crawler.enrichment.tokens import MemoState, Tokens, WordMemo, token_keys
from crawler.enrichment.trie import AliasTrie, Match

EVENT_TYPES: tuple[str, ...] = (
    "battles",
    "explosions/remote violence",
    "violence against civilians",
    "protests",
    "riots",
    "strategic developments",
)
_MAX_SENTENCE = 400
_SPORT, _ATTRIBUTION = "<sport>", "<attribution>"


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str | None  # strong: the type; weak and negative: None
    rules: tuple[tuple[str, int], ...] = ()  # weak: (type, cue class bit) in order
    negative: bool = False
    fallback: bool = False  # weak: only in a sentence without another type
    kinds: frozenset[str] = frozenset()  # weak: the types of ``rules``


@dataclass(slots=True)
class EventIndex(MemoState):
    """The trigger trie and, per word, a bit mask of the cue classes it belongs to
    (plus a sports bit and an attribution bit), memoised per word as written."""

    trie: AliasTrie
    bits: dict[str, int]  # cue class -> bit
    cue_words: dict[int, frozenset[str]]  # bit -> keys (attribution and sport included)
    supersedes: dict[str, frozenset[str]]
    mask: Callable[[str], int] = field(init=False)

    def __post_init__(self) -> None:
        self.mask = WordMemo(self._mask).__getitem__

    def _mask(self, word: str) -> int:
        keys = token_keys(word)
        return sum(bit for bit, words in self.cue_words.items() if any(k in words for k in keys))


def _keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(token_keys(w)[0] for w in words)


def build_event_index() -> EventIndex:
    """The trigger trie and cue masks (built once, see ``core``)."""
    data = load("events")
    trie = AliasTrie(cased=False)
    for kind, phrases in data["strong"].items():
        if kind not in EVENT_TYPES:
            raise ValueError(f"events.json: unknown event type {kind!r}")
        for phrase in phrases:
            trie.add(phrase, Trigger(kind))
    cue_lists: dict[str, list[str]] = data["cues"]
    names = [*cue_lists, _SPORT, _ATTRIBUTION]
    bits = {name: 1 << n for n, name in enumerate(names)}
    cue_words: dict[int, frozenset[str]] = {
        bits[_SPORT]: _keys(data["sport_cues"]),
        bits[_ATTRIBUTION]: _keys(data["attribution_words"]),
    }
    for name, words in cue_lists.items():
        parts = [w for w in words if not w.startswith("union:")]
        for w in words:
            if w.startswith("union:"):
                parts.extend(cue_lists[w.removeprefix("union:")])
        cue_words[bits[name]] = _keys(parts)
    for group in data["weak"]:
        rules: list[tuple[str, int]] = []
        for kind, cue in group["rules"]:
            if kind not in EVENT_TYPES or cue not in cue_lists:
                raise ValueError(f"events.json: bad weak rule {kind!r}/{cue!r}")
            rules.append((str(kind), bits[cue]))
        fallback = bool(group.get("fallback", False))
        for phrase in group["phrases"]:
            kinds = frozenset(kind for kind, _ in rules)
            trie.add(phrase, Trigger(None, tuple(rules), fallback=fallback, kinds=kinds))
    for phrase in data["negatives"]:
        trie.add(phrase, Trigger(None, negative=True))
    return EventIndex(
        trie=trie,
        bits=bits,
        cue_words=cue_words,
        supersedes={k: frozenset(v) for k, v in data["supersedes"].items()},
    )


def _cue_masks(
    tokens: Tokens, sentence: int, hidden: set[int], index: EventIndex
) -> tuple[int, list[int]]:
    """A sentence's first token and its tokens' cue masks, leaving out the words of
    negative phrases and nouns directly followed by an attribution word."""
    first, stop = tokens.sentence_first[sentence], tokens.sentence_first[sentence + 1]
    masks = list(map(index.mask, tokens.surfaces[first:stop]))
    attribution = index.bits[_ATTRIBUTION]
    # Positions k >= 1 whose word is an attribution word, among those with any cue (few):
    # clearing k - 1 leaves masks[k] as found until step k reads it.
    for k in compress(range(1, len(masks)), masks[1:]):
        if masks[k] & attribution:
            masks[k - 1] = 0
    if hidden:
        for t in hidden:
            if first <= t < stop:
                masks[t - first] = 0
    return first, masks


def _weak_type(match: Match, cues: tuple[int, list[int]], index: EventIndex) -> str | None:
    """The type a weak trigger takes from the cues of its sentence (its own words aside:
    the OR of the masks before and after it)."""
    first, masks = cues
    around = reduce(operator.or_, masks[: match.start - first], 0)
    around = reduce(operator.or_, masks[match.end - first :], around)
    if around & index.bits[_SPORT]:
        return None
    for alias in match.aliases:
        trigger: Trigger = alias.target
        for kind, bit in trigger.rules:
            if around & bit:
                return kind
    return None


def _hit_start(hit: tuple[str, Match]) -> int:
    return hit[1].start


def event_types(tokens: Tokens, matches: list[Match], index: EventIndex) -> list[dict[str, Any]]:
    """Event types of a text with their first trigger and sentence (module policy)."""
    strong: dict[int, list[tuple[str, Match]]] = {}
    weak: dict[int, list[Match]] = {}
    hidden: set[int] = set()
    sentence_first = tokens.sentence_first
    for match in matches:
        trigger: Trigger = match.aliases[0].target
        if trigger.negative:
            hidden.update(range(match.start, match.end))
            continue
        sentence = bisect_right(sentence_first, match.start) - 1  # tokens.sentence_of
        if trigger.type is not None:
            strong.setdefault(sentence, []).append((trigger.type, match))
        else:
            weak.setdefault(sentence, []).append(match)
    found: dict[str, tuple[int, Match]] = {}
    for sentence in sorted(strong.keys() | weak.keys()):
        hits = strong.get(sentence, [])  # this sentence's own list: free to extend
        weak_here = weak.get(sentence, ())
        possible = {kind for kind, _ in hits}
        for match in weak_here:
            possible |= match.aliases[0].target.kinds
        if possible <= found.keys():
            continue  # only types already reported from an earlier sentence
        fallbacks: list[tuple[str, Match]] = []
        if weak_here:
            cues = _cue_masks(tokens, sentence, hidden, index)
        for match in weak_here:
            kind = _weak_type(match, cues, index)
            if kind is not None:
                fallback = match.aliases[0].target.fallback
                (fallbacks if fallback else hits).append((kind, match))
        if not hits:
            hits = fallbacks
            if not hits:
                continue
        if len(hits) > 1:
            hits.sort(key=_hit_start)
        kinds = {kind for kind, _ in hits}
        superseded = {h for kind in kinds for h in index.supersedes.get(kind, ())}
        for kind, match in hits:
            if kind not in superseded and kind not in found:
                found[kind] = (sentence, match)
    result: list[dict[str, Any]] = []
    for kind, (sentence, match) in found.items():
        text = tokens.sentence_text(sentence)
        if len(text) > _MAX_SENTENCE:
            text = text[: _MAX_SENTENCE - 1].rstrip() + "…"
        trigger_text = tokens.source(match.start, match.end)
        result.append({"type": kind, "trigger": trigger_text, "sentence": text})
    return result

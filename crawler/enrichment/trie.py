"""A token trie over alias keys: one pass over a text finds every alias, longest first.

Policy:

- Aliases are stored word by word (keys from :func:`crawler.enrichment.tokens.token_keys`),
  so matching is on whole words only and costs one dict lookup per token, whatever the
  number of aliases. A text token tries its candidate keys in order.
- Leftmost-longest: from each position the longest alias wins and its words are consumed
  ("Hezbollah Brigades" is one match, never "Hezbollah" plus a stray word). When the
  longest alias fails its case check, the next shorter one is tried.
- Case: an alias word written with a capital needs a capital in the text, an acronym
  (two or more capitals) needs all capitals, a lowercase word matches any case. So
  "Islamic State" is not "an Islamic state", "US" is not "us", and "Hezbollah Brigades"
  is not "Hezbollah brigades". Arabic has no case. A trie built with ``cased=False``
  ignores case altogether (event triggers).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from crawler.enrichment.tokens import WordMemo, alias_tokens, token_keys

_END = ""  # a token key is never empty, so "" marks the end of an alias in a node

#: Per-word case rules.
ANY, CAPITAL, ALL_CAPS = 0, 1, 2
#: The commonest rule (one capitalised word), shared so that it is tested by identity.
CAPITALISED_WORD: tuple[int, ...] = (CAPITAL,)


@dataclass(frozen=True, slots=True)
class Alias:
    """One way of writing a target."""

    target: Any
    text: str
    case: tuple[int, ...] | None  # per-word rule, None when no word is constrained


class Match(NamedTuple):
    """Aliases found over tokens ``start`` (inclusive) to ``end`` (exclusive)."""

    start: int
    end: int
    aliases: tuple[Alias, ...]


#: Builds a Match without the Python-level ``__new__`` of NamedTuple (the hot path).
_new_match = tuple.__new__
_second = itemgetter(1)
#: A word's first step in :meth:`LayeredTrie.scan`: the node to walk on from, and the
#: one-word aliases found, ``(layer, aliases)`` per layer.
_Start = tuple[dict[str, Any] | None, tuple[tuple[int, tuple[Alias, ...]], ...]]


def case_rules(surfaces: Sequence[str]) -> tuple[int, ...] | None:
    """The case rule of each alias word (see module docstring)."""
    rules = tuple(
        ALL_CAPS if len(s) > 1 and s.isupper() else CAPITAL if s[:1].isupper() else ANY
        for s in surfaces
    )
    if rules == CAPITALISED_WORD:
        return CAPITALISED_WORD
    return rules if any(rules) else None


def case_ok(rules: tuple[int, ...], surfaces: Sequence[str], start: int) -> bool:
    """Whether the text words from ``start`` satisfy ``rules``."""
    for offset, rule in enumerate(rules):
        if rule == ANY:
            continue
        word = surfaces[start + offset]
        if rule == ALL_CAPS:
            if not word.isupper():
                return False
        elif not word[:1].isupper():
            return False
    return True


def _case_filter(
    aliases: tuple[Alias, ...], surfaces: Sequence[str], start: int
) -> tuple[Alias, ...]:
    """The aliases whose case rule the text words from ``start`` satisfy."""
    if len(aliases) == 1:
        rule = aliases[0].case
        if rule is None:
            return aliases
        if rule is CAPITALISED_WORD:
            return aliases if surfaces[start][:1].isupper() else ()
        return aliases if case_ok(rule, surfaces, start) else ()
    return tuple(a for a in aliases if a.case is None or case_ok(a.case, surfaces, start))


class AliasTrie:
    """Aliases keyed word by word (a builder: :class:`LayeredTrie` scans texts)."""

    def __init__(self, *, cased: bool = True) -> None:
        self.root: dict[str, Any] = {}
        self.cased = cased
        self.size = 0

    def add(self, text: str, target: Any) -> bool:
        """Add alias ``text`` for ``target``; False when it has no word characters."""
        keys, surfaces = alias_tokens(text)
        if not keys:
            return False
        node = self.root
        for key in keys:
            node = node.setdefault(key, {})
        case = case_rules(surfaces) if self.cased else None
        node.setdefault(_END, []).append(Alias(target, text, case))
        self.size += 1
        return True

    def entries(self) -> list[list[Alias]]:
        """Every alias list stored at a word sequence (for build-time pruning)."""
        found: list[list[Alias]] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            for key, child in node.items():
                if key == _END:
                    found.append(child)
                else:
                    stack.append(child)
        return found


class LayeredTrie:
    """Several alias tries merged into one, scanned in one pass.

    Each layer keeps its own leftmost-longest semantics (module docstring): a match of
    one layer never hides a match of another ("Islamic Resistance in Iraq" is an actor
    *and* a mention of Iraq), but within a layer the longest alias consumes its words.
    """

    def __init__(self, tries: Sequence[AliasTrie]) -> None:
        self.root: dict[str, Any] = {}
        self.layers = len(tries)
        for layer, trie in enumerate(tries):
            self._merge(self.root, trie.root, layer)
        # The loosest case rule of any alias's first word, per first word: "the" (of
        # "The Hague") and "is" (of "IS fighters") never start a match in lowercase.
        self._first_rule = {key: self._loosest(child) for key, child in self.root.items()}
        # Memoised first step per distinct word as written: most words start no alias,
        # and this turns them away with one dict lookup.
        self._first = WordMemo(self._root_child)

    def __getstate__(self) -> dict[str, Any]:
        return {"root": self.root, "layers": self.layers, "_first_rule": self._first_rule}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._first = WordMemo(self._root_child)

    @staticmethod
    def _loosest(node: dict[str, Any]) -> int:
        loosest = ALL_CAPS
        stack = [node]
        while stack and loosest > ANY:
            current = stack.pop()
            for key, child in current.items():
                if key == _END:
                    for _, aliases, _ in child:
                        for alias in aliases:
                            loosest = min(loosest, alias.case[0] if alias.case else ANY)
                else:
                    stack.append(child)
        return loosest

    def _merge(self, into: dict[str, Any], node: dict[str, Any], layer: int) -> None:
        # A word sequence's entries: one (layer, aliases, cased) per layer that has any.
        for key, child in node.items():
            if key == _END:
                aliases = tuple(child)
                cased = any(a.case is not None for a in aliases)
                into[_END] = (*into.get(_END, ()), (layer, aliases, cased))
            else:
                self._merge(into.setdefault(key, {}), child, layer)

    def _root_child(self, surface: str) -> _Start | None:
        """The first step from word ``surface``, or None when no alias may start there:
        the node to walk on from (None when no alias goes on) and the one-word aliases
        found, ``(layer, aliases)`` per layer, their case rules already checked against
        ``surface`` (they involve this word only)."""
        for key in token_keys(surface):
            child = self.root.get(key)
            if child is None:
                continue
            rule = self._first_rule[key]
            if (
                rule == ANY
                or (rule == CAPITAL and surface[:1].isupper())
                or (rule == ALL_CAPS and surface.isupper())
            ):
                words: list[tuple[int, tuple[Alias, ...]]] = []
                for layer, aliases, cased in child.get(_END, ()):
                    if cased:
                        aliases = _case_filter(aliases, (surface,), 0)
                    if aliases:
                        words.append((layer, aliases))
                walk_on = child if len(child) > (_END in child) else None
                if walk_on is None and not words:
                    return None
                return walk_on, tuple(words)
        return None

    def scan(self, surfaces: Sequence[str]) -> list[list[Match]]:
        """Leftmost-longest matches of each layer over a text's words."""
        found: list[list[Match]] = [[] for _ in range(self.layers)]
        resume = [0] * self.layers  # per layer, the first token not yet consumed
        n = len(surfaces)
        keys_of = token_keys
        # Each word's first step (:meth:`_root_child`); ``filter`` keeps exactly the
        # positions where an alias may start (the loops in C).
        steps: Iterator[tuple[int, Any]] = enumerate(map(self._first.__getitem__, surfaces))
        for i, (node, one_word) in filter(_second, steps):
            if node is not None:
                # Walk on while the next word continues an alias, noting where aliases
                # end (a node with only an end has no continuation).
                ends = []
                j = i + 1
                while j < n:
                    for key in keys_of(surfaces[j]):
                        child = node.get(key)
                        if child is not None:
                            break
                    else:
                        break
                    node = child
                    j += 1
                    here = node.get(_END)
                    if here is not None:
                        ends.append((j, here))
                        if len(node) == 1:
                            break
                # The longest first; a match moves its layer's resume point past ``i``,
                # so shorter aliases of that layer from here are passed over.
                for end, entries in reversed(ends):
                    for layer, aliases, cased in entries:
                        if i < resume[layer]:
                            continue
                        if cased:
                            aliases = _case_filter(aliases, surfaces, i)
                            if not aliases:
                                continue
                        found[layer].append(_new_match(Match, (i, end, aliases)))
                        resume[layer] = end
            for layer, aliases in one_word:
                if i >= resume[layer]:
                    found[layer].append(_new_match(Match, (i, i + 1, aliases)))
                    resume[layer] = i + 1
        return found

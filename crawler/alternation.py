"""Regex alternations of many literal-led alternatives, grouped by their first character.

Policy: ``(a1|a2|b1)`` makes the regex engine try every alternative at each position it
reaches; ``(a(?:1|2)|b(?:1))`` tries one first character per group instead. The two match
exactly alike when the groups' first characters are pairwise exclusive (no character of the
text matches two of them under the flags): alternatives of one group keep their order, and
those of another group cannot match where this group's first character does. When that
cannot be shown (an alternative not led by a plain character, or two first characters one
matches as the other under the flags), the plain alternation is returned.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _first(pattern: str) -> str | None:
    """The pattern's leading literal character (escaped or not), or None."""
    if pattern.startswith("\\"):
        char = pattern[1:2]
        return pattern[:2] if char and not char.isalnum() else None
    if not pattern or pattern[0] in "()[]{}|.^$*+?":
        return None
    return pattern[0]


def grouped(patterns: Sequence[str], flags: int = 0) -> str:
    """``a|b|…`` (no enclosing group) equivalent to ``"|".join(patterns)`` (module policy)."""
    groups: dict[str, list[str]] = {}
    for pattern in patterns:
        first = _first(pattern)
        if first is None:
            return "|".join(patterns)
        rest = pattern[len(first) :]
        if rest[:1] in ("*", "+", "?", "{"):  # the first character is quantified
            return "|".join(patterns)
        key = first.lower() if flags & re.I else first
        groups.setdefault(key, []).append(rest)
    keys = list(groups)
    for i, one in enumerate(keys):
        for other in keys[i + 1 :]:
            if re.fullmatch(one, re.sub(r"^\\", "", other), flags) or re.fullmatch(
                other, re.sub(r"^\\", "", one), flags
            ):
                return "|".join(patterns)
    return "|".join(
        key + "(?:" + "|".join(rests) + ")" if len(rests) > 1 else key + rests[0]
        for key, rests in groups.items()
    )

"""Wire agencies by name: the agency table, names that *are* an agency, and agency
names mentioned in running text or captions.

Policy (the wire rule itself is in :mod:`crawler.wire`): a name is an agency when the
whole of it, lead words ("By", "with", "©") and surrounding punctuation aside, is one
of an agency's names (:func:`match_agency`). Running text names an agency where one
of its aliases stands as words of their own, spaces, dots and hyphens between an
alias's parts being interchangeable; short all-caps aliases count there only when
listed in :data:`_RUNNING_TEXT_SHORT`, and in captions in exact case. A text holding
none of the aliases' needles (:func:`_may_name`) is not searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from crawler.alternation import grouped
from crawler.text import Needles, needle_char

#: Canonical agency name -> names and aliases (English, French, Arabic).
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "France-Presse", "أ ف ب",
            "أ.ف.ب", "ا ف ب", "فرانس برس", "وكالة الصحافة الفرنسية"),
    "Reuters": ("Reuters", "Thomson Reuters", "رويترز"),
    "AP": ("AP", "Associated Press", "The Associated Press", "أسوشيتد برس", "أسوشييتد برس"),
    "Anadolu": ("Anadolu", "Anadolu Agency", "Anadolu Ajansı", "AA", "الأناضول", "وكالة الأناضول"),
    "dpa": ("dpa", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "Xinhua": ("Xinhua", "Xinhua News Agency", "شينخوا"),
    "ANI": ("ANI", "Asian News International"),
    "IRNA": ("IRNA", "Islamic Republic News Agency", "إرنا"),
    "WAM": ("WAM", "Emirates News Agency", "وام", "وكالة أنباء الإمارات"),
    "SPA": ("SPA", "Saudi Press Agency", "واس", "وكالة الأنباء السعودية"),
    "KUNA": ("KUNA", "Kuwait News Agency", "كونا"),
    "QNA": ("QNA", "Qatar News Agency", "قنا"),
    "SANA": ("SANA", "Syrian Arab News Agency", "سانا"),
    "INA": ("INA", "Iraqi News Agency", "واع", "وكالة الأنباء العراقية"),
    "NNA": ("NNA", "National News Agency", "الوكالة الوطنية للإعلام"),
    "MENA": ("MENA", "Middle East News Agency", "أ ش أ", "وكالة أنباء الشرق الأوسط"),
    "UPI": ("UPI", "United Press International"),
    "Bloomberg": ("Bloomberg",),
    "ANSA": ("ANSA",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "TASS": ("TASS",),
    "Tasnim": ("Tasnim", "Tasnim News Agency", "تسنيم"),
    "Fars": ("Fars", "Fars News Agency", "فارس"),
}  # fmt: skip

#: Aliases also trusted in running text (for "mention" evidence): short
#: all-caps forms and names that double as words or person names are not.
_RUNNING_TEXT_SHORT = frozenset({"AFP", "IRNA"})
_NOT_IN_RUNNING_TEXT = frozenset(
    {"Fars", "Tasnim", "فارس", "تسنيم", "قنا", "وام", "واس", "واع", "كونا", "سانا"}
)

_MAX_EVIDENCE = 200


def clear_caches() -> None:
    """Forget what was built from :data:`AGENCIES` (after it changed)."""
    _alias_index.cache_clear()
    _mention_regexes.cache_clear()
    _running_text_needles.cache_clear()


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, aliases in AGENCIES.items():
        for alias in (canonical, *aliases):
            index[_key(alias)] = canonical
    return index


_NAME_SEP = re.compile(r"[\s.\-]+")
_NAME_LEAD = re.compile(r"^\s*(?:by|with|par|avec|©|\(c\)|source\s*:)\s*", re.I)


def _key(name: str) -> str:
    return _NAME_SEP.sub(" ", name).strip().casefold()


def match_agency(name: str) -> str | None:
    """Return the canonical agency for a name that *is* an agency, else None.

    ``"Agence France-Presse"`` -> ``"AFP"``; ``"The Associated Press"`` -> ``"AP"``;
    ``"John Smith"`` -> None. The whole string must be the agency name
    (a leading "By"/"with"/"©" and surrounding punctuation are ignored).
    """
    cleaned = _NAME_LEAD.sub("", name)
    cleaned = cleaned.strip(" \t\n()[]-—–|,;:.")
    return _alias_index().get(_key(cleaned))


_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def _alias_pattern(alias: str) -> str:
    """Spaces, dots and hyphens between an alias's parts are interchangeable."""
    parts = [re.escape(p) for p in re.split(r"[\s.\-]+", alias) if p]
    return (
        r"[\s.\-]*".join(parts) if len(parts) > 1 and len(alias) <= 6 else r"[\s.\-]+".join(parts)
    )


_Regexes = tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]
_Groups = tuple[list[str], list[str], list[str], list[str]]


def _alias_groups() -> _Groups:
    """Aliases for running text (exact case, any case), then captions (exact, any case).

    Short ASCII aliases ("AP", "AA", "dpa", "Fars") are matched case-sensitively in
    captions and never in running text, except the unambiguous ones listed above.
    """
    groups: _Groups = ([], [], [], [])
    exact, loose, caption_exact, caption_loose = groups
    for canonical, aliases in AGENCIES.items():
        for alias in dict.fromkeys((canonical, *aliases)):
            short = len(alias) <= 4 and alias.isascii()
            (caption_exact if short else caption_loose).append(alias)
            if short:
                if alias in _RUNNING_TEXT_SHORT:
                    exact.append(alias)
            elif alias not in _NOT_IN_RUNNING_TEXT:
                loose.append(alias)
    return groups


@lru_cache(maxsize=1)
def _mention_regexes() -> _Regexes:
    """Running text (exact case, any case), then captions (exact case, any case)."""
    exact, loose, caption_exact, caption_loose = (
        [_alias_pattern(alias) for alias in group] for group in _alias_groups()
    )

    def build(patterns: list[str], before: str, flags: int = 0) -> re.Pattern[str]:
        ordered = sorted(set(patterns), key=len, reverse=True)
        # The characters an alias can start with, as a lookahead: most word starts fail
        # on it at once instead of on every alias in turn (same matches, same flags).
        firsts = sorted({p[1] if p.startswith("\\") else p[0] for p in ordered})
        first = "(?=[" + "".join(re.escape(c) for c in firsts) + "])" if firsts else ""
        return re.compile(  # the lookahead first: it fails at once on most positions
            rf"{first}(?<![\w@{before}-])(" + grouped(ordered, flags) + r")(?![\w@-])", flags
        )

    return (
        build(exact, "/."),
        build(loose, "/.", re.I),
        build(caption_exact, "."),
        build(caption_loose, ".", re.I),
    )


def _alias_parts(alias: str) -> list[str]:
    return [p for p in re.split(r"[\s.\-]+", alias) if p]


@lru_cache(maxsize=1)
def _running_text_needles() -> tuple[tuple[str, ...], Needles | None]:
    """Substrings one of which every running-text match holds (an alias matches only
    where each of its parts does): the exact-case aliases' longest part; the any-case
    aliases' longest part lower-cased, as :class:`crawler.text.Needles` (None when
    an alias has no part it accepts as a needle).
    """
    exact, loose, _, _ = _alias_groups()
    exact_needles = {max(_alias_parts(alias), key=len) for alias in exact}
    loose_needles: set[str] = set()
    for alias in loose:
        parts = [p.lower() for p in _alias_parts(alias) if all(map(needle_char, p.lower()))]
        if not parts:
            return tuple(sorted(exact_needles)), None
        loose_needles.add(max(parts, key=len))
    return tuple(sorted(exact_needles)), Needles(sorted(loose_needles))


def _may_name(text: str) -> bool:
    """False only when running text cannot hold a match of the running-text regexes."""
    exact, loose = _running_text_needles()
    if any(map(text.__contains__, exact)):
        return True
    return loose is None or loose.may_match(text)


def _named(text: str, *, caption: bool = False) -> Iterable[tuple[str, str]]:
    """(agency, sentence) for each agency named in running text or a caption."""
    if not caption and not _may_name(text):
        return
    regexes = _mention_regexes()[2:] if caption else _mention_regexes()[:2]
    # Sentences are split at whitespace, which the patterns' guards accept: a text
    # without a match as a whole has none in any of its sentences.
    if not any(regex.search(text) for regex in regexes):
        return
    for sentence in [text] if caption else _SENTENCE_END.split(text):
        for regex in regexes:
            for match in regex.finditer(sentence):
                agency = match_agency(match.group(1))
                if agency:
                    yield agency, _window(sentence, match.start())


def _window(text: str, start: int = 0) -> str:
    """At most 200 characters of ``text``, keeping the match at ``start`` in view."""
    if len(text) <= _MAX_EVIDENCE:
        return text.strip()
    left = max(0, min(start - 80, len(text) - _MAX_EVIDENCE))
    return text[left : left + _MAX_EVIDENCE].strip()

"""Copy transformations: how an outlet turns a wire story into its own page.

Every function is pure: paragraphs in, paragraphs out, randomness only from the
``random.Random`` passed in, so a seeded corpus is reproducible. The copy types
(``COPY_TYPES``) and the relation a deduplicator should report for each are the
labels of the benchmark.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence

from bench.dedup.stories.lexicon import EDIT, MT
from bench.dedup.stories.outlets import Outlet

#: copy type -> relations a deduplicator may report for it (the first is the label)
COPY_TYPES: dict[str, tuple[str, ...]] = {
    "identical": ("identical",),
    "reheadlined": ("identical",),
    "truncated_40": ("truncated",),
    "truncated_60": ("truncated",),
    "flash": ("truncated",),
    "site_intro": ("edited", "identical"),
    "boilerplate": ("identical", "edited"),
    "edited": ("edited",),
    "translated": ("translated", "edited"),
    "update": ("update",),
}

SENTENCE = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“A-Z0-9(])")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
DATELINE = re.compile(r"^[A-Z][A-Z .'-]+(?:, [A-Z][a-z]{2} \d{1,2})? \((?:AFP|Reuters|AP)\) [—-] ")
ATTRIBUTION = re.compile(
    r"^(?P<body>[^\"“].{20,}?), (?P<who>[^,]{3,70}?) (?P<verb>said|told [A-Z][\w.]+|added)"
    r"(?P<tail>(?: on \w+day)?)\.$"
)
STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "after",
        "before",
        "since",
        "than",
        "then",
        "there",
        "their",
        "they",
        "them",
        "he",
        "his",
        "him",
        "she",
        "her",
        "we",
        "our",
        "you",
        "your",
        "not",
        "no",
        "nor",
        "so",
        "if",
        "into",
        "about",
        "over",
        "under",
        "between",
        "during",
        "through",
        "against",
        "also",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "very",
        "can",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
    ]
)
ARTICLES = frozenset(("the", "a", "an"))


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences (closing quotes stay with their sentence)."""
    parts = SENTENCE.split(paragraph)
    out: list[str] = []
    for match, part in zip(SENTENCE.finditer(paragraph), parts, strict=False):
        out.append(part + match.group(0).strip())
    out.append(parts[-1])
    return [s.strip() for s in out if s.strip()]


def keep_fraction(paragraphs: Sequence[str], fraction: float) -> list[str]:
    """The first ``fraction`` of the paragraphs (rounded up, at least one)."""
    return list(paragraphs[: max(1, math.ceil(len(paragraphs) * fraction - 1e-9))])


def flash(paragraphs: Sequence[str], rng: random.Random) -> list[str]:
    """An early "flash": the first one or two paragraphs."""
    return list(paragraphs[: rng.choice((1, 2))])


def strip_dateline(paragraphs: Sequence[str]) -> list[str]:
    """Drop a wire dateline ("BAGHDAD (AFP) — ") from the first paragraph."""
    if not paragraphs:
        return []
    first = DATELINE.sub("", paragraphs[0])
    return [first[:1].upper() + first[1:], *paragraphs[1:]]


def with_site_lines(paragraphs: Sequence[str], outlet: Outlet, agency: str | None) -> list[str]:
    """The outlet's credit line (for wire copy) and footer lines after the story."""
    out = list(paragraphs)
    if agency:
        out.append(outlet.credit.format(agency=agency))
    return out + list(outlet.footer)


def with_intro(
    paragraphs: Sequence[str], outlet: Outlet, title: str, rng: random.Random
) -> list[str]:
    """A site-specific intro paragraph before the story."""
    topic = title.rstrip(".")
    intro = rng.choice(outlet.intros).format(topic=topic, topic_lower=topic[:1].lower() + topic[1:])
    return [intro, *paragraphs]


def with_boilerplate(
    paragraphs: Sequence[str],
    outlet: Outlet,
    related_titles: Sequence[str],
    rng: random.Random,
) -> list[str]:
    """ "Read also" lines inside the story and a newsletter prompt after it."""
    out = list(paragraphs)
    for title in related_titles:
        out.insert(rng.randint(1, max(1, len(out) - 1)), outlet.read_also.format(title=title))
    out.append(outlet.newsletter)
    return out


def swap_words(
    text: str, table: dict[str, str], rate: float, rng: random.Random
) -> tuple[str, int]:
    """Replace lowercase words found in ``table`` with probability ``rate``."""
    changed = 0

    def sub(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        if word in table and rng.random() < rate:
            changed += 1
            return table[word]
        return word

    return WORD.sub(sub, text), changed


def light_edit(paragraphs: Sequence[str], rng: random.Random) -> list[str]:
    """A sub-editor's pass: dateline dropped, ~10% of sentences dropped (never the
    first), sentences reordered inside some paragraphs, a few synonym swaps."""
    out: list[str] = []
    for index, paragraph in enumerate(strip_dateline(paragraphs)):
        kept = [
            s
            for i, s in enumerate(sentences(paragraph))
            if (index == 0 and i == 0) or rng.random() >= 0.1
        ]
        if len(kept) >= 2 and index > 0 and rng.random() < 0.5:
            kept = [kept[-1], *kept[:-1]]
        text, _ = swap_words(" ".join(kept), EDIT, 0.35, rng)
        if text:
            out.append(text)
    return out


def content_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w[0].islower() and w not in STOP and len(w) >= 3]


def mt_rewrite(
    paragraphs: Sequence[str], rng: random.Random, share: float
) -> tuple[list[str], float]:
    """Machine-translation-like rewording: attributions moved to the front, "the X of
    the Y" turned round, articles mostly dropped and about ``share`` of the content
    words replaced by clumsy synonyms. Returns the paragraphs and the share of content
    words actually replaced."""
    source = strip_dateline(paragraphs)
    words = [w for p in source for w in content_words(p)]
    covered = sum(w in MT for w in words)
    rate = min(1.0, share * len(words) / covered) if covered else 0.0
    changed = 0
    out: list[str] = []
    for paragraph in source:
        parts = []
        for sentence in sentences(paragraph):
            match = ATTRIBUTION.match(sentence)
            if match and rng.random() < 0.8:
                body = match["body"][:1].lower() + match["body"][1:]
                sentence = f"According to {match['who']}{match['tail']}, {body}."
            sentence = re.sub(r"\bthe (\w+) of the (\w+)\b", r"the \2 \1", sentence)
            sentence, n = swap_words(sentence, MT, rate, rng)
            changed += n
            parts.append(drop_articles(sentence, rng))
        out.append(" ".join(parts))
    return out, (changed / len(words) if words else 0.0)


def drop_articles(sentence: str, rng: random.Random) -> str:
    tokens = sentence.split(" ")
    kept: list[str] = []
    for i, token in enumerate(tokens):
        if token.lower() in ARTICLES and i + 1 < len(tokens) and rng.random() < 0.7:
            continue
        kept.append(token)
    text = " ".join(kept)
    return text[:1].upper() + text[1:]


def with_update(paragraphs: Sequence[str], new: Sequence[str]) -> list[str]:
    """A later, longer version: the first new paragraph goes after the lead, the
    others at the end."""
    if not new:
        return list(paragraphs)
    return [*paragraphs[:1], new[0], *paragraphs[1:], *new[1:]]


HEADLINE_FORMS = (
    "{title}",
    "UPDATE: {title}",
    "{title} — officials",
    "Breaking: {title}",
    "{title}, reports say",
    "Watch: {title}",
)


def reheadline(title: str, rng: random.Random) -> str:
    """A new headline: words of the old one in a new frame, reordered or cut."""
    words = title.split()
    if len(words) > 6 and rng.random() < 0.5:
        cut = rng.randint(4, len(words) - 2)
        title = " ".join([*words[cut:], "—", *words[:cut]])
    form = rng.choice(HEADLINE_FORMS[1:])
    return form.format(title=title)

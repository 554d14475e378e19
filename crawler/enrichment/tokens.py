"""Words and sentences of a text, in the form the alias matchers compare.

Policy:

- A token is a run of word characters; Arabic diacritics and tatweel stay inside the
  token. Apostrophes, hyphens and dots split words, on the alias side and on the text
  side alike: "Kata'ib" is ``kata ib``, "Iran-backed" is ``iran backed``, "U.S." is ``u s``.
- Latin tokens are casefolded and lose their diacritics ("Égypte" -> ``egypte``,
  "Diyarbakır" -> ``diyarbakir``). Case is checked separately, on the surface form
  (:mod:`crawler.enrichment.trie`).
- Arabic tokens lose harakat and tatweel; alef forms become ا, ى -> ي, ة -> ه, Persian
  ک/ی -> ك/ي. A token with a shadda offers the shadda form first (عمّان, Amman, is not
  عمان, Oman). Further candidate keys peel the proclitics و/ف, then ب/ل/ك, then the
  article ال, so والعراق, بالعراق and للعراق all reach العراق.
- Sentences end at . ! ? ؟ followed by a capital, digit, quote or Arabic letter, and at
  line breaks (title, standfirst and paragraphs are separate sentences).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import fields
from operator import methodcaller
from typing import Any, Generic, TypeVar

_WORD = re.compile(r"[\w\u064b-\u065f\u0670\u0640]+")
#: ``_WORD`` on a text in ASCII: there ``\w`` is exactly these characters.
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+")
_span = methodcaller("span")
#: Sentence breaks: an end mark before a capital, digit, quote or Arabic letter, or a
#: line break, each with the spaces after it. The cuts are where breaks end; the group
#: makes ``split`` keep the breaks, so the pieces' lengths add up to the cuts.
_END_MARKS = ".!?\u061f…"
_AFTER_END_MARK = r"[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9\u0600-\u06ff])"
_BREAKS = re.compile(
    "(" + "|".join([*(re.escape(m) + _AFTER_END_MARK for m in _END_MARKS), r"\n\s*"]) + ")"
)
#: UTF-8 bytes with every ASCII byte that is no word character made a space. The other
#: bytes (those of wider characters) are kept, so the text decodes to as many
#: characters as it had: offsets stay valid, and in an ASCII stretch the words are
#: exactly the runs that ``str.split`` returns.
_ASCII_NON_WORD_TO_SPACE = bytes(
    b if b >= 0x80 or chr(b).isalnum() or chr(b) == "_" else 0x20 for b in range(256)
)
#: Characters of no word that are common in wider texts, made spaces before such a
#: sentence is split (an optimisation only: :func:`_wide_words` is exact without it).
_WIDE_PUNCTUATION = "’“”«»—–،"
_AR_MARKS = re.compile("[\u064b-\u0650\u0652-\u065f\u0670\u0640]")  # all harakat but shadda
_SHADDA = "\u0651"
_AR_FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ک": "ك", "ی": "ي"}
)
_LATIN_FOLD = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l"})


_T = TypeVar("_T")

#: Words remembered per memo before it starts afresh (bounds memory in long crawls).
MEMO_SIZE = 1 << 16


class WordMemo(dict[str, _T], Generic[_T]):
    """``compute(word)`` remembered per word as written.

    Policy: a hit is one C-level dict lookup (``memo[word]``, or ``map(memo.__getitem__,
    words)``), cheaper than ``functools.lru_cache``; a miss computes and stores the value;
    a memo holding :data:`MEMO_SIZE` words is emptied before it stores another. Only for
    pure functions of the word: what is remembered never changes a result.
    """

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[str], _T]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> _T:
        if len(self) >= MEMO_SIZE:
            self.clear()
        value = self[word] = self.compute(word)
        return value

    def __reduce__(self) -> tuple[type[WordMemo[_T]], tuple[Callable[[str], _T]]]:
        return type(self), (self.compute,)  # pickled empty: a memo is not data


def _is_arabic(token: str) -> bool:
    return "\u0600" <= token[0] <= "\u06ff"


def _fold_latin(key: str) -> str:
    decomposed = unicodedata.normalize("NFKD", key.translate(_LATIN_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _arabic_keys(token: str) -> tuple[str, ...]:
    base = _AR_MARKS.sub("", token).translate(_AR_FOLD)
    keys: list[str] = []
    if _SHADDA in base:
        keys.append(base)
        base = base.replace(_SHADDA, "")
    stems = [base]
    if len(base) > 3 and base[0] in "وف":
        stems.append(base[1:])
    for stem in list(stems):
        if len(stem) > 3 and stem[0] in "بلك":
            rest = stem[1:]
            stems.append(rest)
            if stem[0] == "ل" and rest.startswith("ل"):
                stems.append("ا" + rest)  # لل + noun: the article's alef is elided
    for stem in list(stems):
        if stem.startswith("ال") and len(stem) > 4:
            stems.append(stem[2:])
    for stem in stems:
        if stem not in keys:
            keys.append(stem)
    return tuple(keys)


def _token_keys(token: str) -> tuple[str, ...]:
    if _is_arabic(token):
        return _arabic_keys(token)
    key = token.casefold()
    if not key.isascii():
        key = _fold_latin(key)
    return (key,)


#: Lookup keys of one token, best first (see module docstring), memoised per word.
token_keys: Callable[[str], tuple[str, ...]] = WordMemo(_token_keys).__getitem__


def alias_tokens(alias: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(keys, surfaces)`` of an alias: one key per word (its first key) and the words
    as written, for the case check."""
    surfaces = tuple(_WORD.findall(alias))
    return tuple(token_keys(s)[0] for s in surfaces), surfaces


def _wide_words(piece: str) -> list[str]:
    """The words of a sentence that is not all ASCII, its ASCII characters of no word
    already spaces: a whitespace-separated chunk of alphanumerics is one word
    (``str.isalnum`` is ``\\w`` without the underscore), any other chunk is read with
    ``_WORD``."""
    for mark in _WIDE_PUNCTUATION:
        piece = piece.replace(mark, " ")
    chunks = piece.split()
    if all(map(str.isalnum, chunks)):
        return chunks
    return [w for chunk in chunks for w in ((chunk,) if chunk.isalnum() else _WORD.findall(chunk))]


class Tokens:
    """A text's tokens grouped by sentence.

    Keys and character offsets are only needed around matches, so they are computed
    lazily (keys memoised per word, offsets one sentence at a time).
    """

    __slots__ = (
        "_spans",
        "_words",
        "sentence_bounds",
        "sentence_first",
        "surfaces",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.surfaces: list[str] = []
        #: (start, end) character offsets of each sentence (with its trailing space).
        self.sentence_bounds: list[tuple[int, int]] = []
        #: index of each sentence's first token, plus the token count at the end.
        self.sentence_first: list[int] = [0]
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._words: frozenset[str] | None = None
        # Words: runs of word characters, which never hold whitespace, so splitting at
        # whitespace once the ASCII characters of no word are spaces gives them
        # directly in an ASCII sentence (most, even when a dash elsewhere makes the
        # text wide) and, chunk by chunk, in a wider one (:func:`_wide_words`).
        plain = (
            text.encode("utf-8", "surrogatepass")
            .translate(_ASCII_NON_WORD_TO_SPACE)
            .decode("utf-8", "surrogatepass")
        )
        surfaces, bounds, first = self.surfaces, self.sentence_bounds, self.sentence_first
        parts = iter(_BREAKS.split(text))  # sentence, break, sentence, ..., sentence
        start = 0
        for sentence in parts:
            end = start + len(sentence)
            piece = plain[start:end]
            words = piece.split() if piece.isascii() else _wide_words(piece)
            cut = end + len(next(parts, ""))
            if words:
                surfaces += words
                bounds.append((start, cut))
                first.append(len(surfaces))
            start = cut

    def __len__(self) -> int:
        return len(self.surfaces)

    def keys(self, token: int) -> tuple[str, ...]:
        """Lookup keys of token ``token`` (:func:`token_keys`, memoised per word)."""
        return token_keys(self.surfaces[token])

    def words(self) -> frozenset[str]:
        """The distinct words of the text, as written (computed once)."""
        if self._words is None:
            self._words = frozenset(self.surfaces)
        return self._words

    def sentence_of(self, token: int) -> int:
        """Index of the sentence holding token ``token``."""
        return bisect_right(self.sentence_first, token) - 1

    def sentence_tokens(self, sentence: int) -> range:
        """Token indices of sentence ``sentence``."""
        return range(self.sentence_first[sentence], self.sentence_first[sentence + 1])

    def tokens_before(self, offset: int) -> int:
        """Number of tokens in the sentences that start before character ``offset``."""
        count = sum(1 for start, _ in self.sentence_bounds if start < offset)
        return self.sentence_first[count]

    def sentence_text(self, sentence: int) -> str:
        start, end = self.sentence_bounds[sentence]
        return self.text[start:end].strip()

    def span(self, token: int) -> tuple[int, int]:
        """Character offsets of token ``token``."""
        sentence = self.sentence_of(token)
        spans = self._spans.get(sentence)
        if spans is None:
            start, end = self.sentence_bounds[sentence]
            word = _ASCII_WORD if self.text[start:end].isascii() else _WORD
            spans = list(map(_span, word.finditer(self.text, start, end)))
            self._spans[sentence] = spans
        return spans[token - self.sentence_first[sentence]]

    def source(self, start: int, end: int) -> str:
        """The text covered by tokens ``start`` to ``end`` (exclusive)."""
        return self.text[self.span(start)[0] : self.span(end - 1)[1]]

    def gap(self, left: int, right: int) -> str:
        """Text between adjacent tokens; a line break when they are in different
        sentences."""
        if self.sentence_of(left) != self.sentence_of(right):
            return "\n"
        return self.text[self.span(left)[1] : self.span(right)[0]]


def tokenize(text: str) -> Tokens:
    """Tokens and sentences of ``text``."""
    return Tokens(text)


class MemoState:
    """Pickling for a dataclass with per-word memos: the fields given to ``__init__`` are
    pickled, and ``__post_init__`` rebuilds the memos (empty) on load."""

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}  # type: ignore[arg-type]

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.__post_init__()  # type: ignore[attr-defined]

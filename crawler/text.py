"""Plain-text normalisation shared by every extracted field.

Policy: text leaves this module HTML-unescaped, in Unicode NFC, without
invisible format characters (zero-width spaces and joiners, word joiner, BOM,
soft hyphen, bidi marks and embeddings), with every run of whitespace
(NBSP and other Unicode spaces included) collapsed to one ASCII space.

:class:`Needles` is the substring test run before a costly case-insensitive regex:
it may let a text through that the regex then rejects, never the other way round.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from itertools import filterfalse

#: Invisible characters removed outright: zero-width space/non-joiner/joiner,
#: word joiner, BOM, soft hyphen, LRM/RLM/ALM, bidi embeddings and isolates.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\u061c\u202a-\u202e\u2066-\u2069]")
#: A letter or digit (``[^\W_]`` is exactly ``str.isalnum`` of one character).
_ALNUM = re.compile(r"[^\W_]")
#: Characters ``re.I`` matches to an ASCII letter they do not lower-case to.
_CASE_OUTLIERS = re.compile("[\u0130\u0131\u017f]")
#: ASCII characters other than letters, digits and white space (deleted by
#: :func:`word_count`), and a table turning the white space ``str.split`` splits at but
#: ``bytes.split`` does not (``\x1c``-``\x1f``) into spaces.
_ASCII_PUNCTUATION = bytes(i for i in range(128) if not chr(i).isalnum() and not chr(i).isspace())
_ASCII_SPACES = bytes.maketrans(b"\x1c\x1d\x1e\x1f", b"    ")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def clean_text(value: str) -> str:
    """Unescape entities, NFC-normalise, drop invisible characters, collapse spaces.

    ``"Caf&eacute;\\u00a0 du\\u200b  port "`` -> ``"Café du port"``. Entities are
    unescaped a second time only when complete entities remain, so double-escaped
    text (``&amp;#8217;``) is fixed too.
    """
    if not value:
        return ""
    if type(value) is str and _is_clean_ascii(value):  # a str subclass leaves as a str
        return value
    text = html.unescape(value)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if not text.isascii():  # NFC and the invisible characters only concern non-ASCII text
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def _is_clean_ascii(value: str) -> bool:
    """``value`` is printable ASCII without "&", its spaces single and inside: text that
    :func:`clean_text` returns as it is (nothing to unescape, normalise or collapse)."""
    return (
        value.isascii()
        and value.isprintable()
        and "&" not in value
        and "  " not in value
        and value[0] != " "
        and value[-1] != " "
    )


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Clean each paragraph, drop empty ones, join them with one blank line."""
    cleaned = (clean_text(p) for p in paragraphs if p)
    return "\n\n".join(p for p in cleaned if p)


class Needles:
    """Lower-case substrings one of which every match of a case-insensitive regex holds:
    a prefilter, :meth:`may_match` is False only where the regex cannot match.

    Needles are made of ASCII characters and uncased letters (:func:`needle_char`). A
    character ``re.I`` matches to such a needle character lower-cases to it, except "İ",
    "ı" and "ſ" (matched to "i"/"s"): a text holding one of those is let through.
    """

    def __init__(self, needles: Iterable[str]) -> None:
        self.all = tuple(dict.fromkeys(needles))
        for needle in self.all:
            if not needle or needle != needle.lower() or not all(map(needle_char, needle)):
                raise ValueError(f"not a lower-case needle of ASCII or uncased letters: {needle!r}")
        self.ascii = tuple(n for n in self.all if n.isascii())

    def may_match(self, text: str) -> bool:
        """False only when ``text`` holds none of the needles in any letter case."""
        if text.isascii():
            needles = self.ascii  # an ASCII text holds no other needle
        elif _CASE_OUTLIERS.search(text):
            return True
        else:
            needles = self.all
        low = text.lower()
        return any(map(low.__contains__, needles))  # no generator frame per needle


def needle_char(char: str) -> bool:
    """The character may be in a :class:`Needles` needle: ASCII, or a letter without
    case (Arabic script), which ``re.I`` matches to itself only."""
    return char.isascii() or (unicodedata.category(char) == "Lo" and char.lower() == char)


def word_count(text: str) -> int:
    """Number of whitespace-separated tokens holding at least one letter or digit.

    Works for any script (Arabic words with diacritics count once); punctuation-only
    tokens such as ``"—"`` or ``"|"`` do not count.
    """
    # The tokens left once ASCII punctuation is deleted, split at ASCII white space (as
    # bytes: quicker). A token left holds a letter or digit, unless it holds non-ASCII
    # characters: those tokens are split at any white space again and searched (``[^\W_]``
    # finds a letter or digit; all-alphanumeric tokens need no search).
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_SPACES, _ASCII_PUNCTUATION)
    tokens = data.split()
    if text.isascii():
        return len(tokens)
    others = list(filterfalse(bytes.isascii, tokens))
    count = len(tokens) - len(others)
    for other in others:
        for token in other.decode("utf-8", "surrogatepass").split():
            if token.isalnum() or _ALNUM.search(token):
                count += 1
    return count

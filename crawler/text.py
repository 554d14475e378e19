"""Plain-text normalisation shared by every extracted field.

Policy: text leaves this module HTML-unescaped, in Unicode NFC, without
invisible format characters (zero-width spaces and joiners, word joiner, BOM,
soft hyphen, bidi marks and embeddings), with every run of whitespace
(NBSP and other Unicode spaces included) collapsed to one ASCII space.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

#: Invisible characters removed outright: zero-width space/non-joiner/joiner,
#: word joiner, BOM, soft hyphen, LRM/RLM/ALM, bidi embeddings and isolates.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad\u061c\u202a-\u202e\u2066-\u2069]")
#: A whitespace-delimited token from its first letter or digit on (``[^\W_]`` is exactly
#: ``str.isalnum``; ``\S`` is exactly what ``str.split`` does not split on).
_WORD = re.compile(r"[^\W_]\S*")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def clean_text(value: str) -> str:
    """Unescape entities, NFC-normalise, drop invisible characters, collapse spaces.

    ``"Caf&eacute;\\u00a0 du\\u200b  port "`` -> ``"Café du port"``. Entities are
    unescaped a second time only when complete entities remain, so double-escaped
    text (``&amp;#8217;``) is fixed too.
    """
    if not value:
        return ""
    text = html.unescape(value)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    if not text.isascii():  # NFC and the invisible characters only concern non-ASCII text
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Clean each paragraph, drop empty ones, join them with one blank line."""
    cleaned = (clean_text(p) for p in paragraphs if p)
    return "\n\n".join(p for p in cleaned if p)


def word_count(text: str) -> int:
    """Number of whitespace-separated tokens holding at least one letter or digit.

    Works for any script (Arabic words with diacritics count once); punctuation-only
    tokens such as ``"—"`` or ``"|"`` do not count.
    """
    return len(_WORD.findall(text))

"""Body normalization for deduplication: what two copies of one story have in common.

Policy, in order:

1. Paragraphs are the body's blank-line-separated blocks (single lines when the
   body has no blank lines), NFC-normalized.
2. Short paragraphs (up to 30 words) that :mod:`crawler.body`'s rules call
   boilerplate are removed: "Read also | …" (and "Further reading: …", "More on this
   story: …" headline links), agency credit lines ("The world with
   AFP", "— AFP"), "Reporting by …" trailers, reuse/subscribe/share prompts; a
   "Recent Posts"/"Related articles" heading drops the rest. Rule results are cached
   per paragraph text (boilerplate repeats across copies).
3. A leading dateline ("BAGHDAD (AFP) —", "BEIRUT, Sept 13 (Reuters) -",
   "NABATIEH, Lebanon —") is cut from the first paragraph.
4. Tokens are runs of letters and digits in the UTF-8 bytes; punctuation, quotes,
   dashes and whitespace only separate them, so punctuation and spacing differences
   vanish. Case is folded for ASCII and Latin-1 letters (other scripts as written;
   Arabic has no case).
5. Each token is hashed with a fixed polynomial rolling hash computed for all
   tokens at once with numpy (stable across processes; Python's salted ``hash()``
   is never used), then mixed with splitmix64.

The result keeps, per token, its paragraph and whether it is an *anchor* (a number,
or a capitalised non-stopword that does not open a sentence: names and places),
and, per paragraph, a stable line hash (:func:`line_hash`) used to learn each
site's repeated lines.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from crawler import boilerplate as bp
from crawler.wire import credit_line_agencies, dateline_agencies

U64 = npt.NDArray[np.uint64]

_P = 1099511628211  # FNV prime: odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 2**64)
_MASK63 = np.uint64((1 << 63) - 1)
_BLOCK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SHORT_WORDS = 30
#: Links to other stories with an explicit separator, up to ``_SHORT_WORDS`` words.
_MORE_READING = re.compile(
    r"^\W*(?:further\s+reading|more\s+on\s+this(?:\s+story)?|related\s+(?:stories|articles?)"
    r"|recommended(?:\s+reading)?|read\s+(?:also|more)|see\s+also)\s*[:|]",
    re.I,
)
_CAPS_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3})(?:,\s*[A-Z][\w.]+(?:\s+[\w.]+){0,2})?"
    r"\s*[—–-]\s+(?=\S)"
)

_STOPWORDS = (
    "a an the and or but if of to in on at by for with from as is are was were be been being "
    "has have had do does did this that these those it its he she they we you i his her their "
    "our your them him us not no than then there here which who whom whose what when where why "
    "how all any both each few more most other some such only own same so too very can will "
    "just should now also after before over under into about against between through during "
    "said says say told according would could may might must shall while since until per "
    "le la les de des du un une et ou en au aux par pour sur dans avec que qui est sont été "
    "ce cette ces il elle ils elles son sa ses leur leurs ne pas plus selon "
    "في من على إلى عن مع أن إن كان التي الذي وقال قال هذا هذه بعد قبل"
    " monday tuesday wednesday thursday friday saturday sunday"
)


def _powers(size: int) -> tuple[U64, U64]:
    base = np.full(size, _P, dtype=np.uint64)
    inv = np.full(size, _P_INV, dtype=np.uint64)
    base[0] = inv[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(base, dtype=np.uint64), np.cumprod(inv, dtype=np.uint64)


_POW, _POW_INV = _powers(1 << 16)


def _ensure_powers(size: int) -> None:
    global _POW, _POW_INV
    if size > len(_POW):
        _POW, _POW_INV = _powers(1 << max(size - 1, 1).bit_length())


_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def mix64(x: U64) -> U64:
    """splitmix64 finalizer: spreads every input bit over the whole word (arrays wrap
    silently; only numpy scalar arithmetic warns on overflow)."""
    x = x ^ (x >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    return x ^ (x >> _S31)


def mix64_int(value: int) -> int:
    """:func:`mix64` of one Python integer."""
    x = value & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def unique(values: U64) -> U64:
    """Sorted distinct values (faster than ``np.unique`` on short arrays)."""
    if len(values) < 2:
        return values.copy()
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


_WORD = np.zeros(256, dtype=bool)
_WORD[list(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")] = True
_WORD[0x80:] = True
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
_UPPER_OR_DIGIT = np.zeros(256, dtype=bool)
_UPPER_OR_DIGIT[list(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")] = True
_UPPER_OR_DIGIT[0xC3] = True  # Latin-1 capitals (checked on the next byte)
_SENTENCE_END = np.frombuffer(b".!?:", dtype=np.uint8)
#: Two-byte UTF-8 punctuation: NBSP, «, », soft hyphen, middle dot, Arabic comma,
#: semicolon, question mark, full stop.
_PUNCT2 = ((0xC2, 0xA0), (0xC2, 0xAB), (0xC2, 0xBB), (0xC2, 0xAD), (0xC2, 0xB7),
           (0xD8, 0x8C), (0xD8, 0x9B), (0xD8, 0x9F), (0xDB, 0x94))  # fmt: skip


@dataclass
class Tokens:
    """Token hashes of a cleaned body, with per-token and per-paragraph facts."""

    hashes: U64  # one per token, 64-bit
    paragraph: npt.NDArray[np.intp]  # paragraph index of each token
    anchor: npt.NDArray[np.bool_]  # number or capitalised non-stopword
    stop: npt.NDArray[np.bool_]  # stopword
    line_hashes: list[int]  # one stable 63-bit hash per paragraph
    paragraphs: list[str]

    def __len__(self) -> int:
        return len(self.hashes)


def _translation() -> bytes:
    """Byte map: ASCII letters to lower case, other ASCII except digits to a space."""
    table = bytearray(range(256))
    for byte in range(0x80):
        char = chr(byte)
        if char.isupper():
            table[byte] = ord(char.lower())
        elif not char.isalnum():
            table[byte] = 0x20
    return bytes(table)


_TRANSLATE = _translation()
#: Multi-byte separators: U+2000..U+207F (dashes, quotes, special spaces), NBSP, «, », soft
#: hyphen, middle dot, Arabic comma, semicolon, question mark and full stop.
_SEPARATORS = re.compile(
    rb"\xe2[\x80\x81][\x80-\xbf]|\xc2[\xa0\xab\xbb\xad\xb7]|\xd8[\x8c\x9b\x9f]|\xdb\x94"
)
_LATIN_CAPITAL = re.compile(rb"\xc3[\x80-\x96\x98-\x9e]")
_SENTENCE_END_BYTE = np.zeros(256, dtype=bool)
_SENTENCE_END_BYTE[_SENTENCE_END] = True


def _blank(match: re.Match[bytes]) -> bytes:
    return b" " * len(match.group())


def _fold_latin(match: re.Match[bytes]) -> bytes:
    return bytes((0xC3, match.group()[1] + 32))


def _byte_tokens(data: bytes) -> tuple[U64, npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """(token hashes, token start offsets, token starts upper-case/digit) of UTF-8 ``data``."""
    folded = data.translate(_TRANSLATE)
    if not data.isascii():
        folded = _LATIN_CAPITAL.sub(_fold_latin, _SEPARATORS.sub(_blank, folded))
    raw = np.frombuffer(b" " + folded + b" ", dtype=np.uint8)
    word = raw != 0x20
    change = np.flatnonzero(word[1:] != word[:-1])
    starts, ends = change[0::2], change[1::2]  # offsets in ``data`` (the pad shifts by one)
    size = len(raw)
    _ensure_powers(size + 1)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(raw * _POW_INV[:size], dtype=np.uint64, out=prefix[1:])
    hashes = (prefix[ends + 1] - prefix[starts + 1]) * _POW[ends]
    hashes = mix64(hashes + (ends - starts).astype(np.uint64))
    original = np.frombuffer(b"  " + data, dtype=np.uint8)  # original[i + 2] == data[i]
    first = original[starts + 2]
    capital = _UPPER_OR_DIGIT[first]
    latin = np.flatnonzero(first == 0xC3)
    if len(latin):
        second = original[np.minimum(starts[latin] + 3, len(original) - 1)]
        capital[latin] = (second >= 0x80) & (second <= 0x9E) & (second != 0x97)
    # a capital opening a sentence is grammar, not a name
    before = original[starts + 1]
    initial = (starts == 0) | (before == 0x0A)
    initial |= (before == 0x20) & _SENTENCE_END_BYTE[original[starts]]
    capital &= ~initial | (first <= 0x39)
    return hashes, starts, capital


def token_hashes(text: str) -> U64:
    """Hashes of the tokens of ``text`` (same hashing as the body's)."""
    return _byte_tokens(unicodedata.normalize("NFC", text).encode("utf-8"))[0]


_STOP_HASHES = np.unique(token_hashes(_STOPWORDS))
_STOP_LAST = len(_STOP_HASHES) - 1


def split_paragraphs(body: str) -> list[str]:
    """Blank-line-separated blocks, or lines when the body has no blank line."""
    if not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    blocks = _BLOCK.split(body.strip())
    if len(blocks) == 1:
        blocks = body.splitlines()
    return [" ".join(b.split()) for b in blocks if b and not b.isspace()]


@lru_cache(maxsize=1 << 16)
def paragraph_kind(paragraph: str) -> str:
    """ "" for content, "cut" for a heading after which nothing is article, else the
    boilerplate kind of a short paragraph (rules of :mod:`crawler.boilerplate`)."""
    words = paragraph.count(" ") + 1
    if words > _SHORT_WORDS:
        return ""
    if words <= 8 and (cut := bp.CUT.match(paragraph)) and cut.lastgroup:
        return "cut"
    if (bp.READ_ALSO.match(paragraph) and words <= 20) or _MORE_READING.match(paragraph):
        return "read_also"
    if credit_line_agencies(paragraph) or bp.CREDIT_TRAILER.match(paragraph):
        return "credit"
    return bp.line_kind(paragraph)


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading wire or capitalised-place dateline."""
    _, end = dateline_agencies(paragraph)
    if end:
        return paragraph[end:].lstrip(" -—–:|,")
    match = _CAPS_DATELINE.match(paragraph)
    return paragraph[match.end() :] if match else paragraph


def clean_paragraphs(body: str) -> list[str]:
    """Paragraphs with boilerplate removed and the dateline cut (steps 1-3)."""
    kept: list[str] = []
    for paragraph in split_paragraphs(body):
        kind = paragraph_kind(paragraph)
        if kind == "cut" and kept:
            break
        if kind:
            continue
        kept.append(paragraph)
    for index in range(min(2, len(kept))):
        stripped = strip_dateline(kept[index])
        if stripped != kept[index]:
            kept[index] = stripped
            break
    return [p for p in kept if p]


def tokenize(body: str) -> Tokens:
    """Clean ``body`` and hash its tokens (steps 1-5)."""
    paragraphs = clean_paragraphs(body)
    encoded = [p.encode("utf-8") for p in paragraphs]
    data = b"\n".join(encoded)
    hashes, starts, capital = _byte_tokens(data)
    bounds = np.cumsum([len(e) + 1 for e in encoded], dtype=np.intp)
    paragraph = np.searchsorted(bounds, starts, side="right")
    stop = stopword_mask(hashes)
    anchor = capital & ~stop
    return Tokens(hashes, paragraph, anchor, stop, [line_hash(p) for p in paragraphs], paragraphs)


def line_hash(paragraph: str) -> int:
    """Stable 63-bit hash of a paragraph, case and spacing aside (site line learning)."""
    digest = hashlib.blake2b(paragraph.casefold().encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & ((1 << 63) - 1)


def exact_hash(hashes: U64) -> int:
    """Stable 63-bit hash of a token sequence (the exact stage's key)."""
    digest = hashlib.blake2b(hashes.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little") & ((1 << 63) - 1)


def stopword_mask(hashes: U64) -> npt.NDArray[np.bool_]:
    """True for stopword tokens."""
    at = np.minimum(np.searchsorted(_STOP_HASHES, hashes), _STOP_LAST)
    return np.asarray(_STOP_HASHES[at] == hashes)

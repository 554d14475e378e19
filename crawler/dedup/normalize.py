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
    out = np.right_shift(x, _S30)
    out ^= x
    out *= _M1
    tmp = np.right_shift(out, _S27)
    out ^= tmp
    out *= _M2
    np.right_shift(out, _S31, out=tmp)
    out ^= tmp
    return out


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
    ordered = values.copy()
    ordered.sort()
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class HashSet:
    """Membership of 64-bit hashes in a fixed set, without search: a direct-address table
    indexed by ``bits`` bits of the hash (the narrowest window where the members do not
    collide); a slot holds its member, an empty slot any member (never equal to a
    non-member whose slot it is)."""

    def __init__(self, values: U64) -> None:
        members = np.unique(np.asarray(values, dtype=np.uint64))
        self.size = len(members)
        self.shift, self.mask = np.uint64(0), np.uint64(0)
        self.table = members[:1].copy()
        if not self.size:
            return
        for bits in range(max(1, self.size.bit_length()), 24):
            mask = np.uint64((1 << bits) - 1)
            for shift in range(64 - bits + 1):
                slots = (members >> np.uint64(shift)) & mask
                if len(np.unique(slots)) == self.size:
                    self.table = np.full(1 << bits, members[0], dtype=np.uint64)
                    self.table[slots] = members
                    self.shift, self.mask = np.uint64(shift), mask
                    return
        raise ValueError("no collision-free window")  # pragma: no cover

    def contains(self, hashes: U64) -> npt.NDArray[np.bool_]:
        """True for the hashes in the set."""
        if not self.size:
            return np.zeros(len(hashes), dtype=bool)
        slots = np.right_shift(hashes, self.shift)
        slots &= self.mask
        return np.asarray(self.table.take(slots.view(np.int64)) == hashes)

    def outside(self, hashes: U64) -> npt.NDArray[np.bool_]:
        """True for the hashes not in the set (``~contains``, one pass fewer)."""
        if not self.size:
            return np.ones(len(hashes), dtype=bool)
        slots = np.right_shift(hashes, self.shift)
        slots &= self.mask
        return np.asarray(self.table.take(slots.view(np.int64)) != hashes)


_SENTENCE_END = np.frombuffer(b".!?:", dtype=np.uint8)


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
    """Byte map: ASCII letters to lower case, other ASCII except digits to 0 (a separator)."""
    table = bytearray(range(256))
    for byte in range(0x80):
        char = chr(byte)
        if char.isupper():
            table[byte] = ord(char.lower())
        elif not char.isalnum():
            table[byte] = 0
    return bytes(table)


def _pair_tables() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Tables indexed by two bytes read as ``first | second << 8``: the class of a token's
    first two bytes (3 a digit, 1 an ASCII or Latin-1 capital, 0 other), and 1 when the two
    bytes before a token open a sentence (a newline, or ``.!?:`` and a space). A token
    is an anchor candidate when its class is above its opening flag."""
    first = np.arange(1 << 16) & 0xFF
    second = np.arange(1 << 16) >> 8
    digit = (first >= 0x30) & (first <= 0x39)
    upper = (first >= 0x41) & (first <= 0x5A)
    upper |= (first == 0xC3) & (second >= 0x80) & (second <= 0x9E) & (second != 0x97)
    kind = np.where(digit, 3, np.where(upper, 1, 0)).astype(np.uint8)
    opening = (second == 0x0A) | ((second == 0x20) & _SENTENCE_END_BYTE[first])
    return kind, opening.astype(np.uint8)


_TRANSLATE = _translation()
#: Multi-byte separators: U+2000..U+207F (dashes, quotes, special spaces), NBSP, «, », soft
#: hyphen, middle dot, Arabic comma, semicolon, question mark and full stop.
_SEPARATORS = re.compile(
    rb"\xe2[\x80\x81][\x80-\xbf]|\xc2[\xa0\xab\xbb\xad\xb7]|\xd8[\x8c\x9b\x9f]|\xdb\x94"
)
_LATIN_CAPITAL = re.compile(rb"\xc3[\x80-\x96\x98-\x9e]")
_SENTENCE_END_BYTE = np.zeros(256, dtype=bool)
_SENTENCE_END_BYTE[_SENTENCE_END] = True
_KIND, _OPENING = _pair_tables()


def _blank(match: re.Match[bytes]) -> bytes:
    return bytes(len(match.group()))


def _fold_latin(match: re.Match[bytes]) -> bytes:
    return bytes((0xC3, match.group()[1] + 32))


def _byte_tokens(data: bytes) -> tuple[U64, npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """(token hashes, token start offsets, token starts upper-case/digit) of UTF-8 ``data``.

    Separators become 0 bytes, so each token's polynomial hash is one segment sum of
    ``byte * P**-offset`` (times ``P**end``); the capital and sentence-opening tests read
    the two bytes before a token and its first two (one 4-byte read) through
    :func:`_pair_tables`."""
    folded = data.translate(_TRANSLATE)
    if not data.isascii():
        folded = _LATIN_CAPITAL.sub(_fold_latin, _SEPARATORS.sub(_blank, folded))
    raw = np.frombuffer(b"\0" + folded + b"\0", dtype=np.uint8)
    word = raw.astype(bool)
    change = np.not_equal(word[1:], word[:-1]).nonzero()[0]
    starts, ends = change[0::2], change[1::2]  # offsets in ``data`` (the pad shifts by one)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), starts, np.zeros(0, dtype=bool)
    size = len(raw)
    _ensure_powers(size + 1)
    hashes = np.add.reduceat((raw * _POW_INV[:size])[1:], starts)
    hashes *= _POW.take(ends)
    hashes += ends.view(np.uintp)  # + the length ends - starts (offsets are not negative)
    hashes -= starts.view(np.uintp)
    hashes = mix64(hashes)
    padded = b" \n" + data + b" "  # padded[i + 2] == data[i]; a start of data opens a line
    # the two bytes before each token and its first two, as ``before | first << 16``
    around = np.ndarray((len(padded) - 3,), dtype="<u4", buffer=padded, strides=(1,)).take(starts)
    capital = _KIND.take(around >> 16) > _OPENING.take(around & 0xFFFF)
    return hashes, starts, capital


def token_hashes(text: str) -> U64:
    """Hashes of the tokens of ``text`` (same hashing as the body's)."""
    return _byte_tokens(unicodedata.normalize("NFC", text).encode("utf-8"))[0]


_STOP_HASHES = np.unique(token_hashes(_STOPWORDS))
_STOPSET = HashSet(_STOP_HASHES)


def split_paragraphs(body: str) -> list[str]:
    """Blank-line-separated blocks, or lines when the body has no blank line, each as
    ``" ".join(block.split())``: skipped when there is nothing to squash (every whitespace
    character but the space is unprintable)."""
    if not body.isascii() and not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    blocks = _BLOCK.split(body.strip())
    if len(blocks) == 1:
        blocks = body.splitlines()
    out = []
    for block in blocks:
        if not block or block.isspace():
            continue
        if not block.isprintable() or "  " in block or block[0] == " " or block[-1] == " ":
            block = " ".join(block.split())
        out.append(block)
    return out


def paragraph_kind(paragraph: str) -> str:
    """ "" for content, "cut" for a heading after which nothing is article, else the
    boilerplate kind of a short paragraph (rules of :mod:`crawler.boilerplate`)."""
    if paragraph.count(" ") >= _SHORT_WORDS:
        return ""
    return _short_kind(paragraph)


def clear_caches() -> None:
    """Forget the cached rule results of short paragraphs."""
    _short_kind.cache_clear()


@lru_cache(maxsize=1 << 16)
def _short_kind(paragraph: str) -> str:
    """:func:`paragraph_kind` of a paragraph of at most ``_SHORT_WORDS`` words."""
    words = paragraph.count(" ") + 1
    if words <= 8 and (cut := bp.CUT.match(paragraph)) and cut.lastgroup:
        return "cut"
    if (bp.READ_ALSO.match(paragraph) and words <= 20) or _MORE_READING.match(paragraph):
        return "read_also"
    if credit_line_agencies(paragraph) or bp.CREDIT_TRAILER.match(paragraph):
        return "credit"
    return bp.line_kind(paragraph)


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading wire or capitalised-place dateline."""
    end = dateline_agencies(paragraph)[1] if "(" in paragraph else 0  # it needs "(AGENCY)"
    if end:
        return paragraph[end:].lstrip(" -—–:|,")
    match = _CAPS_DATELINE.match(paragraph)
    return paragraph[match.end() :] if match else paragraph


def clean_paragraphs(body: str) -> list[str]:
    """Paragraphs with boilerplate removed and the dateline cut (steps 1-3)."""
    kept: list[str] = []
    for paragraph in split_paragraphs(body):
        # the rule of :func:`paragraph_kind`
        kind = "" if paragraph.count(" ") >= _SHORT_WORDS else _short_kind(paragraph)
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
    text = "\n".join(paragraphs)
    data = text.encode("utf-8")
    hashes, starts, capital = _byte_tokens(data)
    if data.count(b"\n") == len(paragraphs) - 1:  # no paragraph holds a newline
        # a token's paragraph: the newlines before it
        newlines = np.equal(np.frombuffer(data, dtype=np.uint8), 10).nonzero()[0]
        paragraph = newlines.searchsorted(starts)
    else:
        sizes = [len(p.encode("utf-8")) + 1 for p in paragraphs]
        paragraph = np.searchsorted(np.cumsum(sizes, dtype=np.intp), starts, side="right")
    stop = stopword_mask(hashes)
    anchor = np.greater(capital, stop)  # capital and not a stopword
    lines = _line_hashes(paragraphs, text, data)
    return Tokens(hashes, paragraph, anchor, stop, lines, paragraphs)


#: An empty 8-byte BLAKE2b state; copying it is cheaper than building a new one.
_BLAKE8 = hashlib.blake2b(digest_size=8)
_MASK63 = (1 << 63) - 1


def line_hash(paragraph: str) -> int:
    """Stable 63-bit hash of a paragraph, case and spacing aside (site line learning)."""
    state = _BLAKE8.copy()
    state.update(paragraph.casefold().encode("utf-8"))
    return int.from_bytes(state.digest(), "little") & _MASK63


def _line_hashes(paragraphs: list[str], text: str, data: bytes) -> list[int]:
    """:func:`line_hash` of each paragraph, ``text`` their lines and ``data`` its UTF-8
    bytes: case folded and encoded once for all (folding maps no character to a newline;
    ASCII text folds as its bytes do)."""
    if not paragraphs:
        return []
    folded = data.lower() if len(data) == len(text) else text.casefold().encode("utf-8")
    lines = folded.split(b"\n")
    if len(lines) != len(paragraphs):  # a paragraph holds a newline
        return [line_hash(p) for p in paragraphs]
    copy, out = _BLAKE8.copy, []
    for line in lines:
        state = copy()
        state.update(line)
        out.append(int.from_bytes(state.digest(), "little") & _MASK63)
    return out


def exact_hash(hashes: U64) -> int:
    """Stable 63-bit hash of a token sequence (the exact stage's key)."""
    state = _BLAKE8.copy()
    state.update(hashes.tobytes())
    return int.from_bytes(state.digest(), "little") & _MASK63


def stopword_mask(hashes: U64) -> npt.NDArray[np.bool_]:
    """True for stopword tokens."""
    return _STOPSET.contains(hashes)

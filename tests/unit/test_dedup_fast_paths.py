"""The vectorised token, shingle and signature paths give what straightforward definitions,
written out here one token, window or permutation at a time, give on random inputs."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest

from crawler.dedup.features import (
    MAX_ANCHORS,
    SKELETON_GRAM,
    Fingerprinter,
    _anchor_sequence,
    _shingle_sets,
    _skeleton,
)
from crawler.dedup.minhash import Permutations, window_hashes, window_sums
from crawler.dedup.model import DedupConfig, Document
from crawler.dedup.normalize import (
    _STOPWORDS,
    HashSet,
    clean_paragraphs,
    tokenize,
)

MASK64 = (1 << 64) - 1
FNV = 1099511628211
GOLD, C2 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F
#: Characters :mod:`crawler.dedup.normalize` reads as separators besides ASCII punctuation.
SEPARATORS = {chr(c) for c in range(0x2000, 0x2080)} | set("\u00a0«»\u00ad·،؛؟۔")
DROPPABLE = "a an the of le la les un une des du de"

_WORDS = (
    "the of and to in a said officials minister rockets airport Baghdad Beirut Erbil "
    "le la les de des un une été État Élise à forêt ÉCOLE Œuvre ça garçon naïve "
    "في من على قال المتحدث الهجوم الثلاثاء ΟΔΟΣ Σοφία ὀδυσσεύς straße ǅemal İstanbul "
    "ﬁnal e-mail U.S. al-Sadr 42 2024 3.5 COVID-19 日本 Москва 🙂"
)
WORDS = _WORDS.split()
#: What comes between two words: spaces (doubled, tabs, special ones), punctuation, quotes.
GLUE = [" "] * 4 + [", ", ". ", "! ", "? ", ": ", " — ", " – ", "\u00a0", "\u2009", " «", "» "]
GLUE += ["’", "“", "”", "، ", "؟ ", "\u00ad", "·", "(", ") ", "; ", "\t", "  "]


def mix(x: int) -> int:
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def fold(data: bytes) -> bytes:
    """Each character of ``data`` folded: ASCII letters lowered, Latin-1 capitals lowered,
    other ASCII but digits and the separators blanked (zero bytes), the rest kept."""
    out = bytearray()
    for char in data.decode("utf-8"):
        raw = char.encode("utf-8")
        if char.isascii():
            out += char.lower().encode() if char.isalnum() else b"\0"
        elif char in SEPARATORS:
            out += bytes(len(raw))
        elif "À" <= char <= "Þ" and char != "×":
            out += chr(ord(char) + 32).encode("utf-8")
        else:
            out += raw
    return bytes(out)


def plain_tokens(data: bytes) -> list[tuple[int, int, bool]]:
    """(hash, start offset, capital) of each token of UTF-8 ``data``, one at a time."""
    folded = fold(data)
    tokens = []
    start = None
    for index in range(len(folded) + 1):
        inside = index < len(folded) and folded[index] != 0
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            value = 0
            for byte in folded[start:index]:
                value = (value * FNV + byte) & MASK64
            value = mix((value + index - start) & MASK64)
            first, second = data[start], data[start + 1] if start + 1 < len(data) else 0x20
            digit = 0x30 <= first <= 0x39
            upper = 0x41 <= first <= 0x5A or (first == 0xC3 and 0x80 <= second <= 0x9E)
            upper = upper and not (first == 0xC3 and second == 0x97)
            before = b" \n" + data
            opening = before[start + 1] == 0x0A or (
                before[start + 1] == 0x20 and before[start] in b".!?:"
            )
            tokens.append((value, start, digit or (upper and not opening)))
            start = None
    return tokens


def plain_windows(hashes: list[int], size: int) -> list[int]:
    """Each window's hash: ``h[0]``, then ``* GOLD + h[1]``, ``* C2 + h[2]`` ..., mixed."""
    out = []
    for lo in range(len(hashes) - size + 1):
        value = hashes[lo]
        for offset in range(1, size):
            value = (value * (GOLD if offset % 2 else C2) + hashes[lo + offset]) & MASK64
        out.append(mix(value))
    return out


def plain_signature(values: list[int], a: list[int], b: list[int]) -> list[int]:
    if not values:
        return [0xFFFFFFFF] * len(a)
    tops = {v >> 32 for v in values}
    return [min((ai * x + bi) & 0xFFFFFFFF for x in tops) for ai, bi in zip(a, b, strict=True)]


def random_body(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.choice([0, 1, 1, 2, 5, 12])):
        words = [rng.choice(WORDS) for _ in range(rng.choice([1, 3, 8, 25, 60, 120]))]
        text = words[0]
        for word in words[1:]:
            text += rng.choice(GLUE) + (word.upper() if rng.random() < 0.05 else word)
        paragraphs.append(text)
    if rng.random() < 0.3:
        paragraphs.insert(0, rng.choice(["BAGHDAD (AFP) — Rockets hit", "Read also | More"]))
    return rng.choice(["\n\n", "\n", "\n \n", "\r\n\r\n"]).join(paragraphs)


STOP_HASHES = {h for h, _, _ in plain_tokens(_STOPWORDS.encode("utf-8"))}
DROP_HASHES = {h for h, _, _ in plain_tokens(DROPPABLE.encode("utf-8"))}


@pytest.mark.parametrize("seed", range(4))
def test_tokens_are_the_plain_definition(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        body = random_body(rng)
        tokens = tokenize(body)
        paragraphs = clean_paragraphs(body)
        assert tokens.paragraphs == paragraphs
        data = "\n".join(paragraphs).encode("utf-8")
        plain = plain_tokens(data)
        assert tokens.hashes.dtype == np.uint64
        assert tokens.hashes.tolist() == [h for h, _, _ in plain]
        ends = np.cumsum([len(p.encode("utf-8")) + 1 for p in paragraphs]).tolist()
        expected = [sum(1 for end in ends if end <= start) for _, start, _ in plain]
        assert tokens.paragraph.tolist() == expected
        stop = [h in STOP_HASHES for h, _, _ in plain]
        assert tokens.stop.tolist() == stop
        assert tokens.anchor.tolist() == [
            c and not s for (_, _, c), s in zip(plain, stop, strict=True)
        ]
        lines = []
        for paragraph in paragraphs:
            digest = hashlib.blake2b(paragraph.casefold().encode("utf-8"), digest_size=8)
            lines.append(int.from_bytes(digest.digest(), "little") & ((1 << 63) - 1))
        assert tokens.line_hashes == lines


def test_case_folding_of_the_lines_is_per_character() -> None:
    paragraphs = ["ΟΔΟΣ ΣΟΦΙΑΣ", "Straße İstanbul ǅemal", "plain ascii LINE", "ﬁnal Σ"]
    tokens = tokenize("\n\n".join(paragraphs))
    for paragraph, value in zip(paragraphs, tokens.line_hashes, strict=True):
        digest = hashlib.blake2b(paragraph.casefold().encode("utf-8"), digest_size=8)
        assert value == int.from_bytes(digest.digest(), "little") & ((1 << 63) - 1)


def test_hash_set_outside_is_not_contains() -> None:
    rng = np.random.default_rng(2)
    members = rng.integers(0, 2**64, 40, dtype=np.uint64)
    probe = np.concatenate([members, rng.integers(0, 2**64, 500, dtype=np.uint64)])
    for chosen in (members, members[:1], members[:0]):
        found = HashSet(chosen)
        assert found.outside(probe).tolist() == (~np.isin(probe, chosen)).tolist()
        assert found.contains(probe).tolist() == np.isin(probe, chosen).tolist()


def test_window_hashes_are_the_plain_recurrence() -> None:
    rng = np.random.default_rng(4)
    for size in (2, 3, 4, 5, 8):
        for length in (size, size + 1, 40, 700):
            hashes = rng.integers(0, 2**64, length, dtype=np.uint64)
            plain = plain_windows(hashes.tolist(), size)
            assert window_hashes(hashes, size).tolist() == plain
            strided = rng.integers(0, 2**64, 2 * length, dtype=np.uint64)[::2]
            assert window_hashes(strided, size).tolist() == plain_windows(strided.tolist(), size)
            out = np.zeros(length - size + 3, dtype=np.uint64)
            window_sums(hashes, size, out=out[1 : length - size + 2])
            assert out[0] == out[-1] == 0
            assert out[1:-1].tolist() == window_sums(hashes, size).tolist()


def test_shingle_sets_and_skeleton_are_the_plain_definition() -> None:
    rng = random.Random(6)
    for _ in range(300):
        body = random_body(rng)
        tokens = tokenize(body)
        hashes, stop = tokens.hashes, tokens.stop
        values = hashes.tolist()
        plain_skeleton, previous_stop = [], True
        for value, is_stop in zip(values, stop.tolist(), strict=True):
            if value in DROP_HASHES:
                continue
            if is_stop:
                plain_skeleton.append(value)
            elif previous_stop:
                plain_skeleton.append(0x5BD1E9955BD1E995)
            previous_stop = is_stop
        assert _skeleton(hashes, stop).tolist() == plain_skeleton
        size, lead_words = rng.choice([(3, 80), (2, 5), (5, 120), (1, 10), (3, 2)])
        full, lead, skeleton = _shingle_sets(hashes, stop, size, lead_words)

        def shingled(part: list[int], width: int) -> list[int]:
            windows = plain_windows(part, width) if len(part) >= width > 1 else part
            return sorted(set(windows))

        assert full.tolist() == shingled(values, size)
        assert lead.tolist() == shingled(values[:lead_words], size)
        assert sorted(set(skeleton.tolist())) == shingled(plain_skeleton, SKELETON_GRAM)


def test_signatures_are_the_plain_minimum_of_each_permutation() -> None:
    perms = Permutations(96, 11)
    a, b = perms.a.tolist(), perms.b.tolist()
    rng = np.random.default_rng(8)
    for size in (0, 1, 2, 7, 100, 1400, 1500):
        values = rng.integers(0, 2**64, size, dtype=np.uint64)
        if size > 2:
            values[1] = values[2]  # a repeat changes nothing
        for start, count in ((0, 96), (0, 64), (64, 32), (90, 6), (95, 1)):
            got = perms.signature(values, start, count)
            assert got.dtype == np.uint32
            end = start + count
            assert got.tolist() == plain_signature(values.tolist(), a[start:end], b[start:end])


def test_fingerprint_signatures_are_the_plain_definition() -> None:
    config = DedupConfig(
        num_perm=32,
        bands=8,
        lead_perm=16,
        loose_perm=8,
        skeleton_perm=8,
        loose_bands=4,
        lead_words=20,
        min_words=10,
        flash_min_words=4,
    )
    maker = Fingerprinter(config)
    a, b = maker.perms.a.tolist(), maker.perms.b.tolist()
    lead_at, content_at = config.num_perm, config.num_perm + config.lead_perm
    skeleton_at = content_at + config.loose_perm
    rng = random.Random(9)
    for index in range(150):
        body = random_body(rng)
        doc = Document(f"https://a.example/{index}", body, published="2024-09-13T10:00:00Z")
        tokens = tokenize(body)
        fp = maker.fingerprint(doc, tokens)
        values = tokens.hashes.tolist()
        stop = tokens.stop.tolist()
        windows = plain_windows(values, 3) if len(values) >= 3 else values
        head = values[: config.lead_words]
        lead = plain_windows(head, 3) if len(head) >= 3 else head
        content = [v for v, s in zip(values, stop, strict=True) if not s]
        skeleton = _skeleton(tokens.hashes, tokens.stop).tolist()
        skeleton = plain_windows(skeleton, SKELETON_GRAM) if len(skeleton) >= 4 else skeleton
        assert (fp.shingles, fp.lead_shingles) == (len(set(windows)), len(set(lead)))
        assert fp.sig.tolist() == plain_signature(windows, a[:lead_at], b[:lead_at])
        assert fp.lead_sig.tolist() == plain_signature(
            lead, a[lead_at:content_at], b[lead_at:content_at]
        )
        assert fp.loose_sig.tolist() == plain_signature(
            content, a[content_at:skeleton_at], b[content_at:skeleton_at]
        )
        assert fp.skeleton_sig.tolist() == plain_signature(
            skeleton, a[skeleton_at:], b[skeleton_at:]
        )
        anchors = [v & 0xFFFF for v, m in zip(values, tokens.anchor.tolist(), strict=True) if m]
        assert fp.anchors.dtype == np.uint16
        assert fp.anchors.tolist() == list(dict.fromkeys(anchors))[:MAX_ANCHORS]


def test_anchor_sequence_keeps_first_uses() -> None:
    rng = np.random.default_rng(10)
    values = rng.integers(0, 2**64, 200, dtype=np.uint64) & np.uint64(0xFFFF00000000003F)
    plain = list(dict.fromkeys(v & 0xFFFF for v in values.tolist()))[:MAX_ANCHORS]
    assert _anchor_sequence(values).tolist() == plain
    assert _anchor_sequence(values[:0]).dtype == np.uint16

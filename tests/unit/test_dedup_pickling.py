"""What crosses a process boundary: fingerprints and the dedup configuration pickle compactly
and come back equal, field by field, with writable arrays. And the faster forms of the
hashes (a copied BLAKE2b state, einsum products) give what the plain definitions give."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import fields, replace
from typing import Any

import numpy as np
import pytest

from crawler.dedup.features import Fingerprint, Fingerprinter
from crawler.dedup.minhash import Permutations
from crawler.dedup.model import DedupConfig, Document
from crawler.dedup.normalize import exact_hash, line_hash, token_hashes, tokenize

BODY = "\n\n".join(
    [
        "BEIRUT (AFP) — Lebanese officials said on Tuesday that talks with Israel over the "
        "maritime border would resume in Naqoura next week, after a pause of three months.",
        "Read also | Officials meet again in the capital",
        "The talks, mediated by the United States, stalled in May when both sides presented "
        "maps claiming a larger share of the Mediterranean gas fields off the coast.",
        "Prime Minister Najib Mikati told reporters the government wants a deal before winter; "
        "the Energy Ministry said 2 billion dollars of offshore licences depend on it.",
        "“We are ready,” said Elias Bou Saab, the deputy speaker. — AFP",
    ]
)
DOCS = [
    Document(
        "https://www.example.com/a", BODY, published="2024-03-05T10:00:00+02:00", wire=("AFP",)
    ),
    Document("https://www.example.com/b", BODY),  # no date: no loose keys
    Document("https://news.example.org/flash", "Rockets hit the airport in Baghdad tonight " * 4),
    Document("https://news.example.org/short", "Too short."),
    Document("https://news.example.org/empty", ""),
    Document("https://ar.example.net/x", "قال المتحدث، إن الهجوم وقع مساء الثلاثاء " * 30),
]


def fingerprints() -> list[Fingerprint]:
    maker = Fingerprinter(DedupConfig())
    out = [maker.fingerprint(doc) for doc in DOCS]
    tokens = tokenize(BODY)
    out.append(maker.fingerprint(DOCS[0], tokens, frozenset(tokens.line_hashes[:1])))
    return out


def assert_same(a: Fingerprint, b: Fingerprint) -> None:
    for f in fields(Fingerprint):
        mine, theirs = getattr(a, f.name), getattr(b, f.name)
        if isinstance(mine, np.ndarray):
            assert isinstance(theirs, np.ndarray), f.name
            assert theirs.dtype == mine.dtype and theirs.shape == mine.shape, f.name
            assert theirs.tobytes() == mine.tobytes(), f.name
        else:
            assert type(theirs) is type(mine) and theirs == mine, f.name


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_a_fingerprint_comes_back_equal_field_by_field(protocol: int) -> None:
    for fp in fingerprints():
        assert_same(pickle.loads(pickle.dumps(fp, protocol)), fp)


def test_unpickled_arrays_are_writable_and_independent() -> None:
    fp = fingerprints()[0]
    back = pickle.loads(pickle.dumps(fp, pickle.HIGHEST_PROTOCOL))
    arrays = [getattr(back, f.name) for f in fields(Fingerprint)]
    arrays = [a for a in arrays if isinstance(a, np.ndarray)]
    assert all(a.flags.writeable and a.flags.aligned for a in arrays)
    before = back.sig.copy()
    back.near_keys[:] = 0  # writes to one array leave the others as they were
    back.anchors[:] = 0
    assert back.sig.tobytes() == before.tobytes() == fp.sig.tobytes()
    assert fp.near_keys.any()


def test_the_arrays_travel_as_one_buffer() -> None:
    fp = fingerprints()[0]
    payload = pickle.dumps(fp, pickle.HIGHEST_PROTOCOL)
    assert b"numpy" not in payload  # no per-array reconstruction
    plain = pickle.dumps({f.name: getattr(fp, f.name) for f in fields(Fingerprint)})
    assert len(payload) < len(plain)


def test_unusual_arrays_pickle_the_ordinary_way() -> None:
    fp = fingerprints()[0]
    odd: list[Any] = [
        replace(fp, anchors=fp.anchors.astype(">u2")),  # not native byte order
        replace(fp, sig=fp.sig.reshape(8, -1)),  # not 1-D
        replace(fp, loose_keys=fp.near_keys[::2]),  # not contiguous
        replace(fp, anchors=fp.anchors.astype(np.uint32)),  # another integer dtype
    ]
    for made in odd:
        assert_same(pickle.loads(pickle.dumps(made, pickle.HIGHEST_PROTOCOL)), made)


def test_the_config_comes_back_equal_and_shared() -> None:
    config = DedupConfig(num_perm=64, near_jaccard=0.55, retention_days=3.5)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(config, protocol))
        assert type(back) is DedupConfig and back == config
    first = pickle.loads(pickle.dumps(config))
    assert pickle.loads(pickle.dumps(config)) is first
    assert pickle.loads(pickle.dumps(DedupConfig())) == DedupConfig() != first


def test_line_and_exact_hashes_are_blake2b() -> None:
    def blake(data: bytes) -> int:
        digest = hashlib.blake2b(data, digest_size=8).digest()
        return int.from_bytes(digest, "little") & ((1 << 63) - 1)

    for text in ("Read also | Officials meet", "ÉTAT Major", "قال المتحدث", ""):
        assert line_hash(text) == blake(text.casefold().encode("utf-8"))
        hashes = token_hashes(text)
        assert exact_hash(hashes) == blake(hashes.tobytes())
        assert exact_hash(hashes[::-1]) == blake(hashes[::-1].tobytes())


def test_signatures_are_the_plain_minhash_definition() -> None:
    perms = Permutations(256, 7)
    rng = np.random.default_rng(3)
    for size in (1, 5, 127, 128, 129, 600, 1024, 1025, 5000):
        values = rng.integers(0, 2**64, size, dtype=np.uint64)
        x = (values >> np.uint64(32)).astype(np.uint64)
        for start, count in ((0, 128), (128, 64), (192, 32), (0, 256)):
            a = perms.a[start : start + count].astype(np.uint64)[:, None]
            b = perms.b[start : start + count].astype(np.uint64)[:, None]
            plain = ((a * x + b) & np.uint64(0xFFFFFFFF)).min(axis=1).astype(np.uint32)
            assert perms.signature(values, start, count).tobytes() == plain.tobytes()


def test_a_config_with_an_unhashable_value_still_pickles() -> None:
    config = DedupConfig(seed=[1, 2])  # type: ignore[arg-type]
    assert pickle.loads(pickle.dumps(config)).seed == [1, 2]

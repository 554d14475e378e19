"""The vectorised fingerprint paths agree with their plain definitions."""

from __future__ import annotations

import json
import random

import numpy as np

from bench.dedup.fingerprint import measure
from crawler.dedup.features import (
    KIND_OPENING,
    OPENING_WORDS,
    SKELETON_GRAM,
    Fingerprinter,
    _shingle_sets,
    _skeleton,
)
from crawler.dedup.minhash import (
    KIND_FULL,
    KIND_LEAD,
    KIND_LOOSE,
    BandPlan,
    band_hashes,
    band_keys,
    scalar_key,
    shingles,
    window_hashes,
)
from crawler.dedup.model import DedupConfig, Document
from crawler.dedup.normalize import (
    HashSet,
    exact_hash,
    split_paragraphs,
    stopword_mask,
    token_hashes,
    tokenize,
)


def _random_hashes(rng: np.random.Generator, size: int) -> np.ndarray:
    return rng.integers(0, 2**63, size=size, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def test_hash_set_is_membership() -> None:
    rng = np.random.default_rng(3)
    members = _random_hashes(rng, 300)
    probe = np.concatenate([members[::3], _random_hashes(rng, 2000), members[:1]])
    found = HashSet(members).contains(probe)
    assert found.tolist() == np.isin(probe, members).tolist()
    assert not HashSet(members[:0]).contains(probe).any()


def test_stopwords_are_found_among_words() -> None:
    hashes = token_hashes("The minister said that Baghdad and the airport were closed")
    mask = stopword_mask(hashes).tolist()
    assert mask == [True, False, True, True, False, True, True, False, True, False]


def test_lead_windows_are_a_prefix_of_the_body_windows() -> None:
    rng = np.random.default_rng(5)
    hashes = _random_hashes(rng, 50)
    stop = rng.random(50) < 0.4
    assert window_hashes(hashes, 3)[:10].tolist() == window_hashes(hashes[:12], 3).tolist()
    for size in (1, 2, 3, 5):
        for length in (0, 1, 2, 3, 4, 9, 50):
            for lead_words in (0, 2, 3, 8, 80):
                part = hashes[:length]
                full, lead, skeleton = _shingle_sets(part, stop[:length], size, lead_words)
                assert full.tolist() == shingles(part, size).tolist()
                assert lead.tolist() == shingles(part[:lead_words], size).tolist()
                expected = shingles(_skeleton(part, stop[:length]), SKELETON_GRAM)
                assert np.unique(skeleton).tolist() == expected.tolist()


def test_band_plan_gives_the_band_keys() -> None:
    rng = np.random.default_rng(7)
    sig = rng.integers(0, 2**32, 128, dtype=np.uint32)
    lead_sig = rng.integers(0, 2**32, 64, dtype=np.uint32)
    skeleton = rng.integers(0, 2**32, 32, dtype=np.uint32)
    plan = BandPlan([(24, 4, KIND_FULL), (8, 4, KIND_LEAD), (8, 4, KIND_LOOSE)])
    bucket = 19_977
    keys = plan.keys([sig, lead_sig, skeleton], bucket)
    expected = np.concatenate(
        [
            band_keys(sig, 24, KIND_FULL, hashes=band_hashes(sig, 24, 4)),
            band_keys(lead_sig[:32], 8, KIND_LEAD),
            band_keys(skeleton, 8, KIND_LOOSE, (bucket - 1, bucket, bucket + 1)),
        ]
    )
    assert keys.tolist() == expected.tolist()
    lead_only = BandPlan([(1, 6, KIND_LEAD)]).keys([lead_sig])
    assert lead_only.tolist() == band_keys(lead_sig[:6], 1, KIND_LEAD).tolist()


def test_fingerprint_keys_follow_the_documented_layout() -> None:
    config = DedupConfig()
    body = "\n\n".join(
        f"Paragraph {i} tells how officials in Baghdad counted {i * 7} rockets near the "
        "airport perimeter, according to a statement released on Tuesday evening."
        for i in range(8)
    )
    doc = Document(url="https://a.example/x", body=body, published="2024-09-13T10:00:00Z")
    fp = Fingerprinter(config).fingerprint(doc)
    tokens = tokenize(body).hashes
    opening = scalar_key(exact_hash(tokens[:OPENING_WORDS]), KIND_OPENING)
    assert fp.near_keys[-1] == opening
    assert len(fp.near_keys) == config.bands + 8 + 1
    assert fp.published is not None
    bucket = int(fp.published // (config.loose_window_hours * 3600))
    query = band_keys(
        fp.skeleton_sig, config.loose_bands, KIND_LOOSE, (bucket - 1, bucket, bucket + 1)
    )
    assert fp.loose_query.tolist() == query.tolist()
    assert fp.loose_keys.tolist() == query[config.loose_bands : 2 * config.loose_bands].tolist()


def test_capitals_are_names_not_sentence_openers() -> None:
    tokens = tokenize("Officials in Baghdad said. Later Élise and 42 others left!\nNew line")
    words = [
        "officials",
        "in",
        "baghdad",
        "said",
        "later",
        "élise",
        "and",
        "42",
        "others",
        "left",
        "new",
        "line",
    ]
    anchors = [w for w, a in zip(words, tokens.anchor.tolist(), strict=True) if a]
    assert anchors == ["baghdad", "élise", "42"]


def test_paragraph_spacing_is_squashed() -> None:
    rng = random.Random(11)
    pieces = ["word", "Mot", " ", "  ", "\t", "\u00a0", "\u2009", "\u00ad", ".", "\u3000"]
    for _ in range(500):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        out = split_paragraphs(f"{block}\n\nsecond  paragraph")
        expected = [" ".join(b.split()) for b in (block.strip(), "second  paragraph")]
        assert out == [e for e in expected if e]


def test_fingerprint_benchmark_runs() -> None:
    lines = [
        json.dumps({"url": f"https://a.example/{i}", "body": "Some words here. " * 40})
        for i in range(5)
    ]
    result = measure(lines, repeat=1)
    assert result["documents"] == 5 and result["median_ms"] > 0

"""Micro-benchmark of one document's parse + fingerprint (``python -m bench.dedup.fingerprint``).

Generates ``-n`` JSONL records with the scale benchmark's generator
(:mod:`bench.dedup.scale`, median ~480 words) or takes the labelled quality corpus
(``--quality-corpus``), then times, per document and in CPU time of this process,
what a fingerprinting worker does for one document: parse the JSON line, clean and
tokenize the body, build the :class:`crawler.dedup.features.Fingerprint`. Generation
and a warm-up pass are not timed; the per-paragraph rule cache is emptied before each
pass. ``worker_ms_per_doc`` adds the rest of a worker's share of ``scrapy dedup``
(the learning pass's line hashes and pickling the results, in chunks as the pool
sends them), as CPU time over the whole input. Prints one JSON line: documents, median
words, median/mean/p90 ms per document (the best of ``--repeat`` passes for each).
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from typing import Any

from crawler.dedup import normalize, parallel
from crawler.dedup.features import Fingerprinter
from crawler.dedup.model import DedupConfig

CHUNK = 200


def scale_lines(n: int, seed: int) -> list[str]:
    """``n`` JSONL lines of the scale benchmark's generator."""
    from bench.dedup.scale import Generator

    gen = Generator(seed, 0.3)
    return [json.dumps(gen.record(index)) for index in range(n)]


def quality_lines(seed: int) -> list[str]:
    """The labelled quality corpus as JSONL lines."""
    from bench.dedup.corpus import build_corpus

    return [json.dumps(item.as_record()) for item in build_corpus(seed).items]


def measure(lines: list[str], repeat: int = 3) -> dict[str, Any]:
    """CPU milliseconds per document (best of ``repeat`` passes each)."""
    fingerprinter = Fingerprinter(DedupConfig())
    best = [float("inf")] * len(lines)
    words: list[int] = []
    for attempt in range(repeat + 1):
        normalize.clear_caches()  # each pass meets the paragraphs as a first run does
        for index, raw in enumerate(lines):
            started = time.process_time()
            doc = parallel.parse_line(raw)
            assert doc is not None
            tokens = normalize.tokenize(doc.body)
            fingerprinter.fingerprint(doc, tokens)
            elapsed = time.process_time() - started
            if attempt:  # the first pass warms caches up
                best[index] = min(best[index], elapsed)
            elif index % 10 == 0:
                words.append(len(tokens))
    ms = sorted(b * 1000.0 for b in best)
    return {
        "documents": len(lines),
        "median_words": statistics.median(words) if words else 0,
        "median_ms": statistics.median(ms),
        "mean_ms": statistics.fmean(ms),
        "p90_ms": ms[int(0.9 * (len(ms) - 1))],
        "docs_per_cpu_second": 1000.0 / statistics.fmean(ms),
    }


def worker_ms(lines: list[str]) -> float:
    """CPU milliseconds per document of a worker's whole share (learning pass, then
    fingerprints, each chunk's results pickled)."""
    parallel._init(DedupConfig())
    normalize.clear_caches()
    chunks = [lines[i : i + CHUNK] for i in range(0, len(lines), CHUNK)]
    started = time.process_time()
    for chunk in chunks:
        pickle.dumps(parallel._lines(chunk), protocol=pickle.HIGHEST_PROTOCOL)
    for chunk in chunks:
        pickle.dumps(parallel._prepare(chunk, {}), protocol=pickle.HIGHEST_PROTOCOL)
    return (time.process_time() - started) * 1000.0 / max(len(lines), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="generated documents (3000)")
    parser.add_argument("--seed", type=int, default=7, help="generator / corpus seed (7)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (3)")
    parser.add_argument(
        "--quality-corpus", action="store_true", help="time the labelled quality corpus instead"
    )
    args = parser.parse_args(argv)
    lines = quality_lines(args.seed) if args.quality_corpus else scale_lines(args.n, args.seed)
    result = measure(lines, args.repeat)
    result["worker_ms_per_doc"] = worker_ms(lines)
    result["corpus"] = "quality" if args.quality_corpus else "scale"
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fingerprinting in worker processes, for the offline tool on large inputs.

Policy: parsing JSON lines, cleaning, tokenizing and MinHash signatures are pure
functions of one document (a :class:`crawler.dedup.features.Fingerprinter` needs no
store), so worker processes compute them and the parent only runs the stateful part
(the atomic check-and-insert). Workers fingerprint without the sites' learned
boilerplate lines; the parent redoes the rare document whose site has learned lines
it carries (:meth:`crawler.dedup.core.Deduplicator.check_and_add_fingerprints`).
Results come back in input order.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from crawler.dedup.features import Fingerprint, Fingerprinter
from crawler.dedup.model import DedupConfig, Document
from crawler.dedup.normalize import clean_paragraphs, line_hash

_FINGERPRINTER: Fingerprinter | None = None

#: (raw line, document or None when unreadable, fingerprint)
Parsed = tuple[str, Document | None, Fingerprint | None]


def parse_line(raw: str) -> Document | None:
    """The document of one JSONL line; None unless it is an object with a ``url``."""
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("url"), str) or not obj["url"]:
        return None
    return Document.from_item(obj)


def _init(config: DedupConfig) -> None:
    global _FINGERPRINTER
    _FINGERPRINTER = Fingerprinter(config)


def _fingerprint(raws: list[str]) -> list[Parsed]:
    assert _FINGERPRINTER is not None
    out: list[Parsed] = []
    for raw in raws:
        doc = parse_line(raw)
        out.append((raw, doc, _FINGERPRINTER.fingerprint(doc) if doc is not None else None))
    return out


def _lines(raws: list[str]) -> list[tuple[str, list[int]] | None]:
    assert _FINGERPRINTER is not None
    out: list[tuple[str, list[int]] | None] = []
    for raw in raws:
        doc = parse_line(raw)
        if doc is None:
            out.append(None)
        else:
            lines = [line_hash(p) for p in clean_paragraphs(doc.body)]
            out.append((_FINGERPRINTER.site(doc), lines))
    return out


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Workers:
    """A pool of fingerprinting processes (``processes`` 0: everything in this process)."""

    def __init__(self, config: DedupConfig, processes: int, chunk: int = 200) -> None:
        self.chunk = chunk
        self.window = 2 * processes + 2
        self.pool: Any = None
        if processes > 0:
            ctx = multiprocessing.get_context("spawn")
            self.pool = ctx.Pool(processes, initializer=_init, initargs=(config,))
        else:
            _init(config)

    def _map(self, fn: Any, lines: Iterable[str]) -> Iterator[Any]:
        """``fn`` over chunks of lines, in order, with a bounded number of chunks in flight
        (``Pool.imap`` would read the whole input ahead and hold every result)."""
        chunks = _chunks(lines, self.chunk)
        if self.pool is None:
            for chunk in chunks:
                yield from fn(chunk)
            return
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(self.pool.apply_async(fn, (chunk,)))
            if len(pending) >= self.window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()

    def fingerprints(self, lines: Iterable[str]) -> Iterator[Parsed]:
        """(raw line, document, fingerprint) for each line, in order."""
        return self._map(_fingerprint, lines)

    def line_hashes(self, lines: Iterable[str]) -> Iterator[tuple[str, list[int]] | None]:
        """(site, paragraph line hashes) for each line (None when unreadable), in order."""
        return self._map(_lines, lines)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None

"""Fingerprinting in worker processes, for the offline tool on large inputs.

Policy: parsing JSON lines, cleaning, tokenizing and MinHash signatures are pure
functions of one document and of the set of lines its site repeats (a
:class:`crawler.dedup.features.Fingerprinter` needs no store), so worker processes
compute them and the parent only runs the stateful part (the atomic
check-and-insert). Workers leave out the lines of a snapshot of the learned
boilerplate taken after the learning pass (:meth:`Workers.set_boilerplate`); the
parent redoes the rare document whose site has learned more lines since
(:meth:`crawler.dedup.core.Deduplicator.check_and_add_prepared`), so results are
those of fingerprinting in the parent. Results come back in input order; documents
are not sent back (the parent re-reads the rare one it redoes from its line).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from crawler.dedup.core import Prepared
from crawler.dedup.features import Fingerprint, Fingerprinter
from crawler.dedup.model import DedupConfig, Document
from crawler.dedup.normalize import clean_paragraphs, line_hash, tokenize

_FINGERPRINTER: Fingerprinter | None = None
_SNAPSHOT: tuple[str, Mapping[str, frozenset[int]]] = ("", {})
_NOTHING: frozenset[int] = frozenset()

#: What a worker returns per line: None when unreadable, else (fingerprint, every
#: line hash of the document, the line hashes left out).
Result = tuple[Fingerprint, tuple[int, ...], frozenset[int]] | None


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


def _boilerplate(source: str | Mapping[str, frozenset[int]]) -> Mapping[str, frozenset[int]]:
    """The snapshot itself, or the one pickled at path ``source`` (loaded once)."""
    global _SNAPSHOT
    if not isinstance(source, str):
        return source
    if _SNAPSHOT[0] != source:
        with open(source, "rb") as fh:
            _SNAPSHOT = (source, pickle.load(fh))
    return _SNAPSHOT[1]


def _prepare(raws: list[str], boilerplate: str | Mapping[str, frozenset[int]]) -> list[Result]:
    fingerprinter = _FINGERPRINTER
    assert fingerprinter is not None
    sites = _boilerplate(boilerplate)
    out: list[Result] = []
    for raw in raws:
        doc = parse_line(raw)
        if doc is None:
            out.append(None)
            continue
        tokens = tokenize(doc.body)
        learned = sites.get(fingerprinter.site(doc)) if sites else None
        dropped = frozenset(h for h in tokens.line_hashes if h in learned) if learned else _NOTHING
        fp = fingerprinter.fingerprint(doc, tokens, dropped)
        out.append((fp, tuple(tokens.line_hashes), dropped))
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
        self.snapshot: Mapping[str, frozenset[int]] = {}
        self.snapshot_path: str | None = None
        if processes > 0:
            ctx = multiprocessing.get_context("spawn")
            self.pool = ctx.Pool(processes, initializer=_init, initargs=(config,))
        else:
            _init(config)

    def _map(self, fn: Any, lines: Iterable[str], *args: Any) -> Iterator[tuple[str, Any]]:
        """(line, ``fn``'s result) over chunks of lines, in order, with a bounded number
        of chunks in flight (``Pool.imap`` would read the whole input ahead)."""
        chunks = _chunks(lines, self.chunk)
        if self.pool is None:
            for chunk in chunks:
                yield from zip(chunk, fn(chunk, *args), strict=True)
            return
        pending: deque[tuple[list[str], Any]] = deque()
        for chunk in chunks:
            pending.append((chunk, self.pool.apply_async(fn, (chunk, *args))))
            if len(pending) >= self.window:
                done, result = pending.popleft()
                yield from zip(done, result.get(), strict=True)
        while pending:
            done, result = pending.popleft()
            yield from zip(done, result.get(), strict=True)

    def set_boilerplate(self, snapshot: Mapping[str, frozenset[int]] | None) -> None:
        """The learned boilerplate lines :meth:`prepare` leaves out (None: none)."""
        self.snapshot = snapshot or {}
        if self.pool is not None and self.snapshot:
            fd, path = tempfile.mkstemp(prefix="dedup-boilerplate-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(dict(self.snapshot), fh, protocol=pickle.HIGHEST_PROTOCOL)
            self._drop_snapshot()
            self.snapshot_path = path

    def prepare(self, lines: Iterable[str]) -> Iterator[Prepared | None]:
        """The :class:`Prepared` fingerprint of each line (None when unreadable), in order."""
        source: str | Mapping[str, frozenset[int]] = (
            self.snapshot_path if self.pool is not None and self.snapshot_path else self.snapshot
        )
        for raw, result in self._map(_prepare, lines, source):
            if result is None:
                yield None
            else:
                fp, line_hashes, dropped = result
                yield Prepared(fp, line_hashes, dropped, raw)

    def line_hashes(self, lines: Iterable[str]) -> Iterator[tuple[str, list[int]] | None]:
        """(site, paragraph line hashes) for each line (None when unreadable), in order."""
        for _, result in self._map(_lines, lines):
            yield result

    def _drop_snapshot(self) -> None:
        if self.snapshot_path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.snapshot_path)
            self.snapshot_path = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None
        self._drop_snapshot()

"""What the extraction workers' fork server imports and builds once, before any worker.

Policy: the extraction workers are forked from one template process, multiprocessing's
fork server (:func:`crawler.workerpipes.worker_context`), which imports this module first:
the modules that article extraction, the enrichment fields and the dedup fingerprint use
(:mod:`crawler.extractwork`), and what they build on first use and keep, whatever the
crawl: the enrichment matchers, the wire-agency patterns (rebuilt by a worker whose crawl
adds agencies) and a dedup fingerprinter's imports. Every worker is forked from it with all
that in place (shared, copy on write), so a worker's start costs a fork instead of the
imports and the builds. The garbage collector is off meanwhile, then the template's
objects are moved out of its reach (``gc.freeze``): the workers' collections neither walk
them nor copy their memory; the workers collect less often (:data:`GC_THRESHOLDS`). Only
a fork server does this on import (other importers get nothing done); nothing here may
fail it: whatever is not loaded here, a worker loads itself, as a spawned one does.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from types import FrameType

#: Imported in the fork server: the workers' code (serve, run_page), what it uses per page,
#: the spider bases, and what the crawl process's main module (the ``scrapy`` command)
#: imports, which every worker runs again as multiprocessing's children do. The crawl's
#: own spider module is imported by each worker when it builds the crawl's spider.
MODULES = (
    "crawler.workerpipes",
    "crawler.extractwork",
    "scrapy.cmdline",
    "scrapy.http",
    "scrapy.selector",
    "scrapy.utils.misc",
    "w3lib.html",
    "crawler.spider",
    "crawler.families.wordpress",
    "crawler.wire",
    "crawler.precomputed",
    "crawler.enrichment",
    "crawler.dedup.features",
    "crawler.dedup.model",
    "crawler.dedup.normalize",
)


#: Collector thresholds of the fork server, inherited by the workers: a page makes tens of
#: thousands of short-lived objects, and the default first threshold (700 allocations)
#: ran a collection several times a page (the bench crawl: about 1.5% less CPU).
GC_THRESHOLDS = (10_000, 20, 20)

#: The process that ran :func:`preload` (in a worker: the fork server it came from), and
#: what failed there.
PRELOADED_IN: int | None = None
FAILED: list[str] = []


def in_fork_server() -> bool:
    """Whether this process is multiprocessing's fork server, preloading its modules."""
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        if (
            frame.f_code.co_name == "main"
            and frame.f_globals.get("__name__") == "multiprocessing.forkserver"
        ):
            return True
        frame = frame.f_back
    return False


def _warm_wire() -> None:
    from crawler.wire import detect_wire

    detect_wire(bylines=["By AP"], paragraphs=["BEIRUT (Reuters) - Text."], captions=["AFP"])


def _warm_dedup() -> None:
    from crawler.dedup.features import Fingerprinter
    from crawler.dedup.model import DedupConfig

    Fingerprinter(DedupConfig())


def _warm_enrichment() -> None:
    from crawler.enrichment import matchers

    matchers()


#: Built once in the fork server, after the imports (name, builder).
BUILDS = (("matchers", _warm_enrichment), ("wire", _warm_wire), ("dedup", _warm_dedup))


def preload() -> list[str]:
    """Import :data:`MODULES`, run :data:`BUILDS` and freeze the objects made so far
    (module policy); returns what failed (skipped: the workers do it themselves)."""
    global PRELOADED_IN
    collecting = gc.isenabled()
    gc.disable()
    failed = []
    try:
        for name in MODULES:
            try:
                importlib.import_module(name)
            except Exception:
                failed.append(name)
        for name, build in BUILDS:
            try:
                build()
            except Exception:
                failed.append(name)
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
    finally:
        if collecting:
            gc.enable()
    PRELOADED_IN = os.getpid()
    FAILED[:] = failed
    return failed


if in_fork_server():
    preload()

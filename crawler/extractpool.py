"""ExtractionPool: article pages parsed and extracted in worker processes.

Policy:

- ``EXTRACTION_WORKERS`` worker processes (0: none, everything runs in the crawl process)
  are started when the spider opens and shut down when it closes; crawls of one process
  (``scrapy crawlall``) share them, and the last to close shuts them down. The crawl keeps
  Scrapy's own work, the spider's decisions (what to emit, which links to follow) and the
  pipelines' stateful parts. A worker runs the spider's own
  :meth:`crawler.spider.NewsSpider.extract_page` on the page (see
  :mod:`crawler.extractwork`), so items are those of in-process extraction.
- Needs the asyncio reactor and a spider class importable by its path; without them the
  pool stays off, with one log line, and pages are extracted in the crawl process.
- A page not done in ``EXTRACTION_WORKER_TIMEOUT`` seconds, a worker that dies, or an error
  in the worker: the page is extracted in the crawl process instead (never lost) and counted
  (``extraction/pool/timeouts``, ``extraction/pool/crashes``, ``extraction/pool/errors``;
  every such page also as ``extraction/pool/fallback``), with a log line. After a timeout
  or a crash the pool is restarted (``extraction/pool/restarts``); after
  ``EXTRACTION_WORKER_MAX_RESTARTS`` restarts it stays off for the crawls using it.
- ``EXTRACTION_WORKER_NICE``: the workers run that many steps below the crawl process's
  CPU priority, so the crawl process (Scrapy, the pipelines, feeding the workers) is never
  kept waiting for a CPU by extraction; the workers use the rest.
- Start: the workers are forked from multiprocessing's fork server where the system has
  one (else spawned), which imports and builds what extraction needs once
  (:mod:`crawler.workerpreload`, :data:`PRELOAD`), so a worker, a restarted one too, starts
  in a few milliseconds of CPU; the server is a child of the crawl process, stopped when the
  last pool shuts down (no process is left, and its CPU time is counted with the crawl's
  children). Its first start blocks the crawl process until the preload is done (under a
  second), once per set of crawls.
- Hand-off: pages go to the workers, and results come back, through pipes the crawl's
  event loop writes and reads itself (:mod:`crawler.workerpipes`): no thread of the crawl
  process takes part. Pages wait in the crawl process for the first free worker.
- Stats: ``extraction/pool/workers``, ``extraction/pool/fork_server`` (1: the workers come
  from a fork server), ``extraction/pool/pages`` (pages a worker extracted),
  ``extraction/pool/peak_rss_kb`` (the peak resident sets of the workers and their fork
  server, summed, at close: pages they share are counted once per process).
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from crawler.extractwork import (
    PageOutcome,
    PageTask,
    WorkerConfig,
    plain_meta,
    prepare,
    run_page,
    spider_config,
    warm,
)
from crawler.workerpipes import PipePool, forkserver_pid, stop_forkserver, worker_context

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import TextResponse

logger = logging.getLogger(__name__)

#: What the workers' fork server imports and builds before it forks them.
PRELOAD = ("crawler.workerpreload",)


def _global_name(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def _importable(cls: type) -> bool:
    from scrapy.utils.misc import load_object

    try:
        return bool(load_object(_global_name(cls)) is cls)
    except (ImportError, AttributeError, NameError, ValueError):
        return False


def vm_hwm_kb(pid: int) -> int:
    """Peak resident set of process ``pid`` in kB (0 when unknown)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _enabled(settings: Any, flag: str, pipeline: str) -> bool:
    pipelines = settings.getdict("ITEM_PIPELINES")
    listed = any(str(k).endswith(pipeline) and v is not None for k, v in pipelines.items())
    return listed and settings.getbool(flag, True)


class Workers:
    """One process pool shared by every crawl of this process that asks for the same number
    of workers (``scrapy crawlall`` runs many): started by the first, shut down when the
    last one closes; replaced after a crash or a timeout, up to ``max_restarts`` times."""

    def __init__(self, count: int, max_restarts: int, nice: int = 0) -> None:
        self.count = count
        self.max_restarts = max_restarts
        self.nice = nice
        self.users = 0
        self.restarts = 0
        self.executor: PipePool | None = None
        self._start()

    def _start(self) -> bool:
        """Start the processes; False (logged, no pool) when they do not start."""
        try:
            self.executor = PipePool(self.count, worker_context(PRELOAD), nice=self.nice)
        except Exception:
            logger.exception(
                "extraction pool: the workers did not start; pages are extracted in the crawl "
                "process"
            )
            self.executor = None
            return False
        self.executor.send_all(warm)
        return True

    def pids(self) -> list[int]:
        return self.executor.pids() if self.executor else []

    def restart(self, broken: PipePool, reason: str) -> bool:
        """Replace ``broken`` if it is still the pool; True when this call restarted it."""
        if self.executor is not broken:
            return False
        self.executor = None
        broken.kill()  # killed and reaped now: no process outlives its pool
        if self.users <= 0:
            return False
        if self.restarts >= self.max_restarts:
            logger.error(
                "extraction pool off after %d restarts (%s): pages are extracted in the "
                "crawl process",
                self.restarts,
                reason,
            )
            return False
        self.restarts += 1
        logger.warning("extraction pool restarted (%s)", reason)
        return self._start()

    def shutdown(self) -> None:
        executor, self.executor = self.executor, None
        if executor is not None:
            executor.shutdown()


#: (worker count, niceness) -> the process's shared pool of that kind.
_SHARED: dict[tuple[int, int], Workers] = {}


def acquire(count: int, max_restarts: int, nice: int = 0) -> Workers:
    """The shared pool of ``count`` workers at ``nice`` (started if none runs), for one
    more crawl."""
    key = (count, nice)
    workers = _SHARED.get(key)
    if workers is None or workers.executor is None:
        workers = _SHARED[key] = Workers(count, max_restarts, nice)
    workers.users += 1
    return workers


def release(workers: Workers) -> None:
    """One crawl less on ``workers``; the last one shuts the processes down, and the fork
    server too when no pool is left."""
    workers.users -= 1
    if workers.users <= 0:
        key = (workers.count, workers.nice)
        if _SHARED.get(key) is workers:
            del _SHARED[key]
        workers.shutdown()
        if not _SHARED:
            stop_forkserver()


class ExtractionPool:
    """One crawl's use of the extraction workers (module policy)."""

    def __init__(
        self, crawler: Crawler, workers: int, timeout: float, max_restarts: int, nice: int = 0
    ) -> None:
        self.crawler = crawler
        self.workers = workers
        self.timeout = timeout
        self.max_restarts = max_restarts
        self.nice = nice
        self.shared: Workers | None = None
        self.config: WorkerConfig | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        pool = cls(
            crawler,
            workers=max(0, settings.getint("EXTRACTION_WORKERS", 0)),
            timeout=settings.getfloat("EXTRACTION_WORKER_TIMEOUT", 60.0),
            max_restarts=settings.getint("EXTRACTION_WORKER_MAX_RESTARTS", 3),
            nice=max(0, settings.getint("EXTRACTION_WORKER_NICE", 0)),
        )
        crawler.signals.connect(pool.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pool.spider_closed, signal=signals.spider_closed)
        return pool

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> Self | None:
        """The pool for this crawl, or None when ``EXTRACTION_WORKERS`` is 0."""
        if crawler.settings.getint("EXTRACTION_WORKERS", 0) <= 0:
            return None
        return cls.from_crawler(crawler)

    @property
    def active(self) -> bool:
        return self.shared is not None and self.shared.executor is not None

    def _inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    # -- life cycle ------------------------------------------------------------------

    def spider_opened(self, spider: Any) -> None:
        from scrapy.utils.reactor import is_asyncio_reactor_installed

        if not is_asyncio_reactor_installed():
            logger.info("extraction pool off: it needs the asyncio reactor")
            return
        self.start(spider)

    def start(self, spider: Any) -> bool:
        """Join (or start) the workers for ``spider``; False (logged) when its class cannot
        be imported by its path or the workers do not start."""
        cls = type(spider)
        if not _importable(cls):
            logger.info("extraction pool off: %s is not importable by its path", cls.__qualname__)
            return False
        settings = self.crawler.settings
        dedup_config = None
        if _enabled(settings, "DEDUP_ENABLED", "DedupPipeline"):
            from crawler.dedup.model import DedupConfig

            dedup_config = DedupConfig.from_settings(settings)
        self.config = WorkerConfig(
            key=f"{os.getpid()}:{id(self)}:{_global_name(cls)}",
            spider_class=_global_name(cls),
            spider_state=spider_config(spider),
            agencies=settings.getdict("WIRE_AGENCIES_EXTRA"),
            enrich=_enabled(settings, "ENRICH_ENABLED", "EnrichPipeline"),
            dedup_config=dedup_config,
        )
        shared = acquire(self.workers, self.max_restarts, self.nice)
        if shared.executor is None:  # the workers did not start (logged)
            release(shared)
            return False
        self.shared = shared
        # build the spider in the workers ahead of its pages
        shared.executor.send_all(prepare, self.config)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("extraction/pool/workers", self.workers)
        if forkserver_pid() is not None:
            self.crawler.stats.set_value("extraction/pool/fork_server", 1)
        logger.info("extraction pool: %d worker processes", self.workers)
        return True

    def spider_closed(self, spider: Any) -> None:
        shared, self.shared = self.shared, None
        if shared is None:
            return
        server = forkserver_pid()
        peak = sum(vm_hwm_kb(pid) for pid in [*shared.pids(), *([server] if server else [])])
        release(shared)
        if peak:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value("extraction/pool/peak_rss_kb", peak)

    # -- pages -----------------------------------------------------------------------

    @staticmethod
    def task(response: TextResponse) -> PageTask:
        request = getattr(response, "request", None)
        return PageTask(
            response_class=_global_name(type(response)),
            url=response.url,
            status=response.status,
            headers={k: list(v) for k, v in response.headers.items()},
            body=response.body,
            encoding=response.encoding,
            meta=plain_meta(request.meta) if request is not None else {},
            flags=list(response.flags),
        )

    async def extract(self, spider: Any, response: TextResponse) -> PageOutcome:
        """The page's outcome from a worker, or from the crawl process when the pool fails."""
        shared, config = self.shared, self.config
        executor = shared.executor if shared is not None else None
        if shared is None or executor is None or config is None:
            return spider.extract_page(response, self.crawler.stats)
        try:
            future = executor.run(run_page, config, self.task(response))
            outcome, ops = await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            self._fallback("timeouts", response.url, f"no result in {self.timeout:g} s")
            if shared.restart(executor, "a page timed out"):
                self._inc("extraction/pool/restarts")
        except (BrokenProcessPool, RuntimeError) as exc:
            if shared.executor is executor:
                self._inc("extraction/pool/crashes")
            self._fallback("crashes", response.url, f"worker pool broken: {exc}", count=False)
            if shared.restart(executor, "a worker died"):
                self._inc("extraction/pool/restarts")
        except Exception as exc:
            self._fallback("errors", response.url, f"{type(exc).__name__}: {exc}")
        else:
            stats = self.crawler.stats
            for op, key, value in ops:
                getattr(stats, op)(key, value)
            self._inc("extraction/pool/pages")
            return outcome
        return spider.extract_page(response, self.crawler.stats)

    def _fallback(self, kind: str, url: str, why: str, *, count: bool = True) -> None:
        if count:
            self._inc(f"extraction/pool/{kind}")
        self._inc("extraction/pool/fallback")
        logger.warning("extraction pool: %s extracted in the crawl process (%s)", url, why)


__all__ = ["ExtractionPool", "PageOutcome", "Workers", "vm_hwm_kb"]

"""The crawl benchmark's contenders, and the child process that runs one of them.

All three read the same section listings (``.listing`` teasers, ``a.next`` pagination)
of the generated site (:mod:`bench.crawl.site`) and request the same article pages:

- ``bare``: a plain Scrapy spider; article callbacks do nothing and nothing is stored.
- ``trafilatura``: what a user would write instead: the same spider with
  ``trafilatura.extract(response.text, url=..., output_format="json", with_metadata=True)``
  in the article callback, items written to JSONL by a Scrapy feed.
- ``ours``: a :class:`crawler.spider.NewsSpider` subclass configured like a site file
  (selectors, ``article_links``, ``next_page``), run with the project settings
  (``get_project_settings()``, as ``scrapy runspider``/``scrapy crawl`` do): every
  project middleware, extension and item pipeline (validate, enrich, dedup with its
  SQLite store in the work directory) and the project FEEDS (JSONL, canonical and
  duplicates files) redirected to the work directory.

The first two run on Scrapy's default settings. Every contender gets the same
overrides (:data:`COMMON`): concurrency, no delay, no AutoThrottle, no robots.txt,
LOG_LEVEL INFO. ``python -m bench.crawl.spiders CONTENDER --base URL --workdir DIR``
runs one crawl in this process (``--profile FILE`` under cProfile) and writes
``report.json`` there (:class:`BenchReport`); ``python -m bench.crawl`` starts it as a
child so that its CPU time and peak RSS are its own. The project is imported only by
``ours``, so the other contenders' memory is Scrapy's alone.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
from scrapy import signals
from scrapy.http import Response

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

CONTENDERS = ("bare", "trafilatura", "ours")
#: Settings every contender runs with (``CONCURRENT_REQUESTS`` comes from ``--concurrency``).
COMMON: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "INFO",
    "TELNETCONSOLE_ENABLED": False,
    "EXTENSIONS": {"bench.crawl.spiders.BenchReport": 0},
}


def vm_hwm_kb() -> int | None:
    """This process's peak resident set (``VmHWM``, kB), or None without /proc. Unlike
    ``ru_maxrss`` it starts afresh at ``exec``, so a child does not report the RSS of the
    parent it was forked from."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class BenchReport:
    """Extension: wall and CPU time from its own creation to ``engine_stopped`` (feeds
    closed, pipelines done; CPU of the extraction workers included), the peak RSS
    (:func:`vm_hwm_kb`; the workers' own, summed, as reported by the pool) and the final
    stats, written to ``BENCH_REPORT_FILE``."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.started = self._clock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler, Path(crawler.settings["BENCH_REPORT_FILE"]))
        # Built with the crawler's extensions, before its engine, its components and the
        # spider's opening (the extraction workers' start-up is inside the window).
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    @staticmethod
    def _clock() -> tuple[float, float, float]:
        """Wall time, the CPU time of this process and that of its finished children (the
        extraction workers, shut down when the spider closes, before the engine stops)."""
        cpu = [0.0, 0.0]
        for i, who in enumerate((resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)):
            usage = resource.getrusage(who)
            cpu[i] = usage.ru_utime + usage.ru_stime
        return time.perf_counter(), cpu[0], cpu[1]

    def engine_stopped(self) -> None:
        wall, cpu, workers_cpu = self._clock()
        peak = vm_hwm_kb()
        assert self.crawler.stats is not None
        stats = {
            k: v
            for k, v in self.crawler.stats.get_stats().items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        main_cpu, workers_cpu = cpu - self.started[1], workers_cpu - self.started[2]
        report = {
            "crawl_seconds": wall - self.started[0],
            "crawl_cpu": main_cpu + workers_cpu,
            "crawl_cpu_main": main_cpu,
            "crawl_cpu_workers": workers_cpu,
        }
        if peak is not None:
            report["vmhwm_kb"] = peak
        report["workers"] = int(stats.get("extraction/pool/workers", 0))
        report["workers_vmhwm_kb"] = int(stats.get("extraction/pool/peak_rss_kb", 0))
        self.path.write_text(json.dumps({**report, "stats": stats}, indent=1), encoding="utf-8")


class BareSpider(scrapy.Spider):
    """Follows listing teasers and pagination; article pages are fetched, nothing more."""

    name = "bench_bare"

    def __init__(self, *args: Any, start_urls: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = [u for u in start_urls.split(",") if u]

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            yield scrapy.Request(url, self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        for href in response.css(".listing h2 a::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        next_page = response.css("a.next::attr(href)").get()
        if next_page:
            yield response.follow(next_page, self.parse)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield from ()


class TrafilaturaSpider(BareSpider):
    """The bare spider plus ``trafilatura.extract`` on every article, one JSONL line each."""

    name = "bench_trafilatura"

    def parse_article(self, response: Response) -> Iterator[Any]:
        import trafilatura

        text = trafilatura.extract(
            response.text, url=response.url, output_format="json", with_metadata=True
        )
        if text:
            yield json.loads(text)


def our_spider() -> type[scrapy.Spider]:
    """The NewsSpider subclass for the generated site (imported here, so that the other
    contenders never import the project)."""
    from bench.crawl.oursite import BenchSiteSpider

    return BenchSiteSpider


def crawl_settings(contender: str, workdir: Path, concurrency: int) -> dict[str, Any]:
    """Overrides for one contender (on top of Scrapy's or the project's settings)."""
    out = {
        **COMMON,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "BENCH_REPORT_FILE": str(workdir / "report.json"),
        "LOG_FILE": str(workdir / "crawl.log"),
    }
    if contender == "trafilatura":
        out["FEEDS"] = {str(workdir / "items.jsonl"): {"format": "jsonlines", "encoding": "utf-8"}}
    return out


def project_overrides(base: Any, workdir: Path) -> dict[str, Any]:
    """The project's FEEDS (with their item filters), dedup store and monitor reports,
    moved into ``workdir``; the benchmark's extension added to the project's."""
    feeds = {}
    for uri, options in base.getdict("FEEDS").items():
        feeds[str(workdir / Path(uri).name)] = options
    extensions = {**base.getdict("EXTENSIONS"), **COMMON["EXTENSIONS"]}
    return {
        "FEEDS": feeds,
        "EXTENSIONS": extensions,
        "DEDUP_STORE_PATH": str(workdir / "dedup" / "store.sqlite3"),
        "MONITOR_REPORT_DIR": str(workdir / "reports"),
        "STATS_DUMP_FILE": str(workdir / "stats.json"),
        "ARTICLE_MAX_PAGES": 1_000_000,
    }


def parse_set(pairs: list[str]) -> dict[str, Any]:
    """``["CONCURRENT_ITEMS=16", "X=abc"]`` -> ``{"CONCURRENT_ITEMS": 16, "X": "abc"}``
    (values read as JSON when they are JSON, else kept as strings)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"expected NAME=VALUE, got {pair!r}")
        try:
            out[name] = json.loads(value)
        except json.JSONDecodeError:
            out[name] = value
    return out


def run(
    contender: str,
    start_urls: list[str],
    workdir: Path,
    concurrency: int,
    extra: dict[str, Any] | None = None,
) -> None:
    """One crawl in this process (blocks until the reactor stops); ``extra`` settings
    go on top of everything."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    workdir.mkdir(parents=True, exist_ok=True)
    overrides = crawl_settings(contender, workdir, concurrency)
    spidercls: type[scrapy.Spider]
    if contender == "ours":
        from scrapy.utils.project import get_project_settings

        settings = get_project_settings()
        overrides.update(project_overrides(settings, workdir))
        spidercls = our_spider()
    else:
        settings = Settings()
        spidercls = BareSpider if contender == "bare" else TrafilaturaSpider
    settings.setdict({**overrides, **(extra or {})}, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(spidercls, start_urls=",".join(start_urls))
    process.start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl.spiders", description=__doc__)
    parser.add_argument("contender", choices=CONTENDERS)
    parser.add_argument("--start-urls", required=True, help="comma-separated listing URLs")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", type=Path, help="run under cProfile, stats to this file")
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="extra setting"
    )
    args = parser.parse_args(argv)
    urls = [u for u in args.start_urls.split(",") if u]
    extra = parse_set(args.set)
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU time: robust to other load
        profiler.runcall(run, args.contender, urls, args.workdir, args.concurrency, extra)
        profiler.dump_stats(args.profile)
    else:
        run(args.contender, urls, args.workdir, args.concurrency, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())

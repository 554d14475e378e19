"""``scrapy canary [SPIDER ...] [--json PATH]``: is each site's parser still right?

Crawls one recent article per site (every spider when none is named) and compares what
the spider's selectors extract with the page's own JSON-LD/OpenGraph values; see
:mod:`crawler.monitors.canary` for the crawl and :mod:`crawler.monitors.probe` for the
comparison. Prints one line per site (ok / degraded / broken / skipped, with reasons),
writes the same as JSON with ``--json``, and exits 1 when any site is broken. Needs
internet access; ``-s HOST_OVERRIDES=...`` points it at local copies. ``-a NAME=VALUE``
goes to every spider run (the ``wordpress`` family spider needs ``-a start_urls=...``
and is skipped without it).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import get_settings_priority
from scrapy.utils.conf import arglist_to_dict

from crawler.monitors.canary import (
    CANARY_ARGS,
    STATUS_ORDER,
    SiteHealth,
    canary_spider,
    runnable,
)
from crawler.spider import NewsSpider

FIELDS = ("title", "published", "authors", "body")
#: Extensions a canary crawl has no use for (monitors, coverage, the stats dump).
QUIET_EXTENSIONS = (
    "crawler.monitors.coverage.ItemCoverage",
    "crawler.monitors.extension.Monitors",
    "crawler.extensions.statsdump.StatsDump",
)


def render_table(results: list[SiteHealth]) -> str:
    """One line per site, then its reasons indented."""
    width = max([len(r.spider) for r in results] + [6])
    head = f"{'SPIDER':<{width}}  {'STATUS':<8}  " + "  ".join(f"{f:<9}" for f in FIELDS)
    lines = [head + "  URL"]
    for health in results:
        cells = "  ".join(
            f"{(health.fields[f].status if f in health.fields else '-'):<9}" for f in FIELDS
        )
        lines.append(f"{health.spider:<{width}}  {health.status:<8}  {cells}  {health.url or ''}")
        lines.extend(f"{'':<{width}}  - {reason}" for reason in health.reasons)
    counts = {s: sum(r.status == s for r in results) for s in STATUS_ORDER}
    lines.append(", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no sites")
    return "\n".join(lines) + "\n"


def report(results: list[SiteHealth]) -> dict[str, Any]:
    return {
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": {s: sum(r.status == s for r in results) for s in STATUS_ORDER},
        "sites": [r.as_dict() for r in results],
    }


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[SPIDER ...] [--json PATH] [--max-pages N] [--max-articles N] [-a NAME=VALUE]"

    def short_desc(self) -> str:
        return "Check one recent article per site: site selectors against the page's metadata"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
        parser.add_argument(
            "--max-pages", type=int, default=25, help="pages fetched per site at most (25)"
        )
        parser.add_argument(
            "--max-articles", type=int, default=5, help="article candidates tried per site (5)"
        )
        parser.add_argument(
            "-a",
            dest="spargs",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="spider argument for every spider, e.g. start_urls (may be repeated)",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None
        cmdline = get_settings_priority("cmdline")
        if not opts.loglevel and (self.settings.getpriority("LOG_LEVEL") or 0) < cmdline:
            # Quiet by default; a project's LOG_LEVEL is meant for crawls.
            self.settings.set("LOG_LEVEL", "WARNING", priority="project")
        if opts.max_pages < 1 or opts.max_articles < 1:
            raise UsageError("--max-pages and --max-articles must be >= 1", print_help=False)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None and self.settings is not None
        loader = self.crawler_process.spider_loader
        names = args or sorted(loader.list())
        unknown = [name for name in names if name not in loader.list()]
        if unknown:
            raise UsageError(f"no spider named {', '.join(unknown)}", print_help=False)
        results: dict[str, SiteHealth] = {}
        skipped: dict[str, SiteHealth] = {}
        # The project's extensions minus the ones a canary crawl turns off (no warnings).
        extensions = {**self.settings.getdict("EXTENSIONS"), **dict.fromkeys(QUIET_EXTENSIONS)}
        for name in names:
            spidercls = loader.load(name)
            why = runnable(spidercls, opts.spargs)
            if why or not issubclass(spidercls, NewsSpider):
                skipped[name] = SiteHealth(name, "skipped", reasons=[why or "not a NewsSpider"])
                continue
            canary = canary_spider(
                spidercls,
                results,
                max_pages=opts.max_pages,
                max_articles=opts.max_articles,
                settings={"EXTENSIONS": extensions},
            )
            self.crawler_process.crawl(canary, **{**CANARY_ARGS, **opts.spargs})
        if len(skipped) < len(names):
            self.crawler_process.start()
        ordered = [results.get(n) or skipped.get(n) or self._lost(n) for n in names]
        sys.stdout.write(render_table(ordered))
        sys.stdout.flush()
        if opts.json:
            path = Path(opts.json)
            path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(report(ordered), indent=2, ensure_ascii=False) + "\n"
            path.write_text(text, encoding="utf-8")
        broken = any(r.status == "broken" for r in ordered)
        if broken or getattr(self.crawler_process, "bootstrap_failed", False):
            self.exitcode = 1

    @staticmethod
    def _lost(name: str) -> SiteHealth:
        return SiteHealth(name, "broken", reasons=["the canary crawl did not start"])

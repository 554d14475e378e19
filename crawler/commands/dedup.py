"""``scrapy dedup IN.jsonl [IN2.jsonl ...] -o OUT.jsonl [--store PATH]``: re-deduplicate JSONL.

Policy (see :mod:`crawler.dedup.offline`): every input line is written back, in
input order, flagged with ``cluster_id`` and ``duplicate_of`` (plus ``relation``,
``similarity`` and ``update_of`` when they apply). Without ``--store`` the index
lives in memory and no file is left behind; ``--store PATH`` uses (and keeps) a
SQLite store, ``--store redis://…`` a Redis store, so earlier runs count. Site
boilerplate is learned from all inputs first (``--no-learn`` skips that pass). On
large inputs, parsing and fingerprinting run in ``--workers`` processes. Progress
goes to stderr every ``--progress`` items.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "IN.jsonl [IN2.jsonl ...] -o OUT.jsonl [--store PATH]"

    def short_desc(self) -> str:
        return "Flag syndicated copies in existing JSONL files (cluster_id, duplicate_of)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", required=True, help="output JSONL (- for stdout)")
        parser.add_argument(
            "--store", default=None, help="SQLite file or redis:// URL to use and keep"
        )
        parser.add_argument(
            "--progress", type=int, default=10000, help="report progress every N items"
        )
        parser.add_argument(
            "--no-learn", action="store_true", help="do not learn site boilerplate first"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="fingerprinting processes (default: up to 4 on large inputs, 0 = none)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one input JSONL file")
        paths = [Path(a) for a in args]
        for path in paths:
            if not path.is_file():
                raise UsageError(f"cannot read {path}", print_help=False)
        from crawler.dedup.core import Deduplicator
        from crawler.dedup.offline import dedup_files

        dedup = Deduplicator.from_settings(self.settings, store=store(opts.store))
        try:
            dedup_files(
                dedup,
                paths,
                opts.output,
                learn=not opts.no_learn,
                workers=opts.workers,
                progress=opts.progress,
            )
        except BaseException:
            dedup.close()
            raise
        dedup.commit()
        dedup.close()


def store(spec: str | None) -> Any:
    """The store ``--store`` names: in memory (None), Redis (a redis:// URL) or SQLite."""
    if spec is None:
        from crawler.dedup.memory import MemoryStore

        return MemoryStore()
    if spec.startswith(("redis://", "rediss://", "unix://")):
        from crawler.dedup.redis import RedisStore

        return RedisStore(spec)
    from crawler.dedup.sqlite import SqliteStore

    return SqliteStore(spec)

"""``scrapy enrich IN.jsonl [-o OUT.jsonl]``: add the analyst fields to a JSONL file.

Every non-blank line is read as a JSON object and written back, in the same order,
with the fields of ``crawler.enrichment.ENRICH_FIELDS`` set (replacing any already
there) and ``schema_version`` set to the current version; nothing is filtered. ``IN``
may be ``-`` (standard input); without ``-o`` the lines go to standard output. ``OUT``
is written to a temporary file and renamed into place, so it may be ``IN`` itself. A
line that is not a JSON object stops the command with its line number, and ``OUT`` is
left untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.items import SCHEMA_VERSION


def enrich_lines(lines: Iterable[str], *, name: str = "input") -> Iterator[str]:
    """The enriched JSON line (with newline) of every non-blank input line."""
    from crawler.enrichment import enrich_article

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{name}:{number}: not JSON: {exc.msg}", print_help=False) from None
        if not isinstance(item, dict):
            raise UsageError(f"{name}:{number}: not a JSON object", print_help=False)
        item.update(enrich_article(item))
        item["schema_version"] = SCHEMA_VERSION
        yield json.dumps(item, ensure_ascii=False) + "\n"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "IN.jsonl [-o OUT.jsonl]"

    def short_desc(self) -> str:
        return "Add countries, places, actors, event types and relevance to a JSONL file"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-o", "--output", default=None, help="write here (default: standard output)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one IN.jsonl (use - for standard input)")
        source = args[0]
        if source == "-":
            lines = sys.stdin.buffer.read().decode("utf-8").splitlines()
        else:
            try:
                lines = Path(source).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise UsageError(
                    f"cannot read {source}: {exc.strerror}", print_help=False
                ) from None
        enriched = enrich_lines(lines, name=source)
        if opts.output is None:
            for line in enriched:
                sys.stdout.buffer.write(line.encode("utf-8"))
            sys.stdout.flush()
            return
        target = Path(opts.output)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                count = self._write(fh, enriched)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        print(f"enriched {count} line(s) into {target}", file=sys.stderr)

    @staticmethod
    def _write(out: IO[str], lines: Iterable[str]) -> int:
        count = 0
        for line in lines:
            out.write(line)
            count += 1
        return count

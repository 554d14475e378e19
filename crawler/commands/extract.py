"""``scrapy extract FILE --url URL [--spider NAME]``: extract one saved page, print JSON.

The profile is the named spider's, or the one whose domains and path prefixes
cover ``URL`` (found through the project's spider loader), or the generic one.
The output is the item as the crawl would write it (``spider`` is null), as
indented UTF-8 JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.profile import GENERIC, SiteProfile


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "FILE --url URL [--spider NAME]"

    def short_desc(self) -> str:
        return "Extract the article from a saved HTML page and print it as JSON"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--url", required=True, help="URL the page was fetched from (resolves links, profile)"
        )
        parser.add_argument(
            "--spider", default=None, help="use this spider's profile instead of the URL's"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one FILE (use - for standard input)")
        from crawler.extraction import extract_article

        html = sys.stdin.buffer.read() if args[0] == "-" else self._read(Path(args[0]))
        profile = self._profile(opts.url, opts.spider)
        item = extract_article(html, opts.url, profile=profile, settings=self.settings)
        text = json.dumps(item, indent=2, ensure_ascii=False) + "\n"
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}", print_help=False) from None

    def _profile(self, url: str, spider: str | None) -> SiteProfile:
        from crawler.profiles import find_profile, find_profile_by_name

        if spider:
            try:
                return find_profile_by_name(spider, self.settings)
            except KeyError:
                raise UsageError(f"no spider named {spider!r}", print_help=False) from None
        return find_profile(url, self.settings) or GENERIC

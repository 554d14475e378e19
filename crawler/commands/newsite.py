"""``scrapy newsite NAME DOMAIN [--output-dir DIR]``: scaffold a new site.

Writes, under the project root (the directory of ``scrapy.cfg``) or ``--output-dir``:

* ``spiders/NAME.py``: a :class:`crawler.spider.NewsSpider` subclass with every
  vocabulary attribute set to a TODO value (valid Python, so ``scrapy list`` keeps
  working while the site is being written);
* ``tests/fixtures/sites/DOMAIN/``: ``NOTES.md`` template, ``pages/robots.txt``,
  ``pages/index.html`` placeholder, ``expected/TODO-example-article.json`` and the
  ``expected/_nonarticles.json``/``_never_fetched.json`` lists;
* ``tests/integration/test_site_NAME.py``: a test that fails until no TODO is left,
  at least three expected articles are written and the registry test accepts the spider.

Policy: NAME must be a lower-case Python identifier that no spider uses yet and
DOMAIN a lower-case host name (no scheme, path or port). Nothing is overwritten:
if any target file exists, nothing is written at all. Templates are the package
data in ``crawler/templates/newsite/`` (``string.Template`` syntax).
"""

from __future__ import annotations

import argparse
import keyword
import re
import sys
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import closest_scrapy_cfg

__all__ = ["TARGETS", "Command", "render", "validate_domain", "validate_name"]

#: (template file, target path relative to the root; ``{name}``/``{domain}`` filled in).
TARGETS: tuple[tuple[str, str], ...] = (
    ("spider.py.tmpl", "spiders/{name}.py"),
    ("NOTES.md.tmpl", "tests/fixtures/sites/{domain}/NOTES.md"),
    ("robots.txt.tmpl", "tests/fixtures/sites/{domain}/pages/robots.txt"),
    ("index.html.tmpl", "tests/fixtures/sites/{domain}/pages/index.html"),
    ("article.json.tmpl", "tests/fixtures/sites/{domain}/expected/TODO-example-article.json"),
    ("nonarticles.json.tmpl", "tests/fixtures/sites/{domain}/expected/_nonarticles.json"),
    ("never_fetched.json.tmpl", "tests/fixtures/sites/{domain}/expected/_never_fetched.json"),
    ("test_site.py.tmpl", "tests/integration/test_site_{name}.py"),
)

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def validate_name(name: str) -> str:
    """The spider name, or UsageError: a lower-case identifier, not a keyword."""
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise UsageError(
            f"NAME must be a lower-case Python identifier (e.g. gulfnews_en), got {name!r}",
            print_help=False,
        )
    return name


def validate_domain(domain: str) -> str:
    """The host name, or UsageError: lower-case labels, a dot, no scheme/path/port."""
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or not labels[-1].isalpha()
    ):
        raise UsageError(
            f"DOMAIN must be a lower-case host name like www.example.com "
            f"(no scheme, path or port), got {domain!r}",
            print_help=False,
        )
    return domain


def class_name(name: str) -> str:
    """``gulf_news_en`` -> ``GulfNewsEnSpider``."""
    return "".join(part.capitalize() for part in name.split("_") if part) + "Spider"


def render(template: str, name: str, domain: str) -> str:
    """One template filled in for ``name`` and ``domain``."""
    text = resources.files("crawler").joinpath("templates", "newsite", template).read_text("utf-8")
    return Template(text).substitute(name=name, domain=domain, class_name=class_name(name))


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "NAME DOMAIN [--output-dir DIR]"

    def short_desc(self) -> str:
        return "Scaffold a site: spider file, fixture site skeleton and a failing test"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--output-dir",
            default=None,
            help="write under this directory instead of the project root",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("give NAME and DOMAIN, e.g. scrapy newsite gulfnews www.gulfnews.com")
        name, domain = validate_name(args[0]), validate_domain(args[1])
        self._check_unused(name)
        root = self._root(opts.output_dir)
        files = {
            root / target.format(name=name, domain=domain): render(template, name, domain)
            for template, target in TARGETS
        }
        existing = sorted(str(path) for path in files if path.exists())
        if existing:
            raise UsageError(
                "refusing to overwrite existing files:\n  " + "\n  ".join(existing),
                print_help=False,
            )
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            sys.stdout.write(f"created {path}\n")
        sys.stdout.write("next: follow CONTRIBUTING.md (replace every TODO)\n")

    @staticmethod
    def _root(output_dir: str | None) -> Path:
        if output_dir:
            return Path(output_dir).resolve()
        cfg = closest_scrapy_cfg()
        return Path(cfg).parent if cfg else Path.cwd()

    def _check_unused(self, name: str) -> None:
        from scrapy.spiderloader import get_spider_loader

        assert self.settings is not None
        if name in get_spider_loader(self.settings).list():
            raise UsageError(f"a spider named {name!r} already exists", print_help=False)

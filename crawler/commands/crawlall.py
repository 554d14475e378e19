"""``scrapy crawlall [SPIDER ...]``: one unattended run of every enabled spider.

Run it with the ``cron`` profile (``SCRAPY_SETTINGS_MODULE=crawler.settings.cron``);
``docs/operations.md`` has the crontab line and systemd units.

Policy:

* **One process, one run.** Every selected spider gets its own crawler in this process;
  they share one run id and start time (``RUN_ID``/``RUN_STARTED``), so their files land
  in one run directory (:mod:`crawler.runlayout`), and one dedup store (each crawler's
  dedup pipeline opens the store named by ``DEDUP_STORE_CLASS``/``DEDUP_STORE_PATH``).
* **Selection.** Without names: every spider except those with ``enabled = False``,
  those that cannot run without arguments (no ``start_urls`` and no
  ``allowed_domains``, like ``wordpress``), those in ``RUN_EXCLUDE``/``--exclude``, and
  ``js_rendered`` spiders when the browser is missing; each is logged with its reason.
  Named spiders run as asked. ``-a NAME=VALUE`` goes to every spider.
* **Locking** (``RUN_LOCK_ENABLED``): the run holds ``crawlall.lock``; a second run exits
  at once with status 75 and names the holder. It also takes each spider's lock; a spider
  whose lock is held (a plain ``scrapy crawl`` of it is running) is left out, logged and
  recorded as ``locked``.
* **Exit status** (:mod:`crawler.runstatus`): 0 ok, 1 a spider failed (did not start,
  stopped abnormally, error rate above ``RUN_MAX_ERROR_RATE``, or found nothing when it
  normally does), 3 the monitors failed, 75 locked.
* **End.** The merged stream, run summary and ``latest.json`` are written
  (:func:`crawler.runlayout.finalize_run`), then one summary table is logged.
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict
from scrapy.utils.misc import load_object

from crawler.clock import build_clock
from crawler.lock import LockHeld, RunLock, lock_dir, lock_path
from crawler.runlayout import (
    RunInfo,
    RunLayout,
    SpiderRun,
    crawler_stats,
    finalize_run,
    previous_summary,
    run_from_settings,
)
from crawler.runstatus import ExitCode, judge_spider, monitors_check, run_exit_code

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

STATUS_NAMES = {
    ExitCode.OK: "ok",
    ExitCode.FAILED: "failed",
    ExitCode.MONITORS_FAILED: "monitors_failed",
}


def skip_reason(spidercls: type[Spider], settings: BaseSettings, excluded: set[str]) -> str | None:
    """Why ``spidercls`` is left out of an unattended run (None: it runs)."""
    if spidercls.name in excluded:
        return "excluded (RUN_EXCLUDE / --exclude)"
    if not getattr(spidercls, "enabled", True):
        return "disabled (enabled = False)"
    if not getattr(spidercls, "start_urls", None) and not getattr(
        spidercls, "allowed_domains", None
    ):
        return "needs arguments (no start_urls, no allowed_domains)"
    if getattr(spidercls, "js_rendered", False):
        from crawler.families.browser import browser_unavailable

        problem = browser_unavailable(settings)
        if problem:
            return f"needs a browser: {problem}"
    return None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "[SPIDER ...] [-a NAME=VALUE] [--exclude NAME] [--list]"

    def short_desc(self) -> str:
        return "Run every enabled spider in one process as one unattended run"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
            help="spider argument for every spider (may be repeated)",
        )  # fmt: skip
        parser.add_argument(
            "--exclude", action="append", default=[], metavar="NAME",
            help="leave this spider out (may be repeated)",
        )  # fmt: skip
        parser.add_argument(
            "--list", action="store_true", help="print the spiders a run would crawl and exit"
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None
        assert self.settings is not None
        self.settings.set("RUN_COMMAND", "crawlall", priority="cmdline")
        self.settings.set("RUN_FINALIZE", False, priority="cmdline")
        self.settings.set("PROGRESS_SUMMARY", False, priority="cmdline")

    # -- selection -------------------------------------------------------------------

    def select(self, names: list[str], exclude: list[str]) -> list[str]:
        assert self.crawler_process is not None and self.settings is not None
        loader = self.crawler_process.spider_loader
        known = set(loader.list())
        unknown = sorted(set(names) - known)
        if unknown:
            raise UsageError(f"no spider named {', '.join(unknown)}", print_help=False)
        if names:
            return list(dict.fromkeys(names))
        excluded = {*self.settings.getlist("RUN_EXCLUDE"), *exclude}
        chosen = []
        for name in sorted(known):
            reason = skip_reason(loader.load(name), self.settings, excluded)
            if reason:
                logger.info("crawlall: skipping %s: %s", name, reason)
            else:
                chosen.append(name)
        return chosen

    # -- run ---------------------------------------------------------------------------

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None and self.settings is not None
        settings = self.settings
        names = self.select(args, opts.exclude)
        if opts.list:
            print("\n".join(names))
            return
        locks: list[RunLock] = []
        if settings.getbool("RUN_LOCK_ENABLED"):
            try:
                locks.append(RunLock(lock_path(lock_dir(settings), "crawlall")).acquire())
            except LockHeld as exc:
                message = f"crawlall: another run is in progress: {exc}"
                logger.error("%s; exiting with status %d", message, ExitCode.LOCKED)
                self.exitcode = int(ExitCode.LOCKED)
                return
        try:
            self.exitcode = int(self._crawl(names, opts.spargs, locks))
        finally:
            for lock in reversed(locks):
                lock.release()

    def _lock_spiders(self, names: list[str], locks: list[RunLock]) -> dict[str, str]:
        """Take each spider's lock; returns ``{name: why}`` for the ones held elsewhere."""
        assert self.settings is not None
        refused: dict[str, str] = {}
        if not self.settings.getbool("RUN_LOCK_ENABLED"):
            return refused
        for name in names:
            try:
                locks.append(RunLock(lock_path(lock_dir(self.settings), name)).acquire())
            except LockHeld as exc:
                refused[name] = str(exc)
                logger.warning("crawlall: leaving %s out: %s", name, exc)
        return refused

    def _crawl(self, names: list[str], spargs: dict[str, str], locks: list[RunLock]) -> ExitCode:
        assert self.crawler_process is not None and self.settings is not None
        settings = self.settings
        clock = build_clock(settings)
        started = clock.now()
        began = time.monotonic()
        if not settings.get("RUN_STARTED"):
            settings.set("RUN_STARTED", started.isoformat(), priority="cmdline")
        if not settings.get("RUN_ID"):
            settings.set("RUN_ID", RunInfo.new_id(started), priority="cmdline")
        refused = self._lock_spiders(names, locks)
        crawlers: list[tuple[str, Crawler]] = []
        for name in names:
            if name in refused:
                continue
            crawler = self.crawler_process.create_crawler(name)
            self.crawler_process.crawl(crawler, **spargs)
            crawlers.append((name, crawler))
        if crawlers:
            self.crawler_process.start()
        run = self._run_info()
        previous = previous_summary(run.root) if run is not None else None
        records = self._records(crawlers, refused, previous)
        check = monitors_check()
        monitors_failed = check is not None and any(
            check(r.stats) for r in records if r.status != "locked" and r.stats
        )
        code = run_exit_code((r.status for r in records), monitors_failed)
        if run is not None:
            finished = run.started + timedelta(seconds=time.monotonic() - began)
            finalize_run(
                run,
                records,
                status=STATUS_NAMES[code],
                exit_code=int(code),
                finished=finished,
                extra={"monitors_failed": monitors_failed},
            )
        self._log_summary(records, code)
        return code

    def _run_info(self) -> RunInfo | None:
        """This run's layout (the one every crawler's RunLayout add-on computed from
        ``RUN_ID``/``RUN_STARTED``), or None when the profile has no dated layout."""
        assert self.settings is not None
        addons = self.settings.getdict("ADDONS")
        enabled = any(
            value is not None and load_object(path) is RunLayout for path, value in addons.items()
        )
        if not enabled or not self.settings.getbool("RUN_LAYOUT_ENABLED", True):
            return None
        return run_from_settings(self.settings)

    def _records(
        self,
        crawlers: list[tuple[str, Crawler]],
        refused: dict[str, str],
        previous: dict[str, Any] | None,
    ) -> list[SpiderRun]:
        """Each spider's record, judged (:mod:`crawler.runstatus`)."""
        records: list[SpiderRun] = []
        for name, crawler in crawlers:
            addon = crawler.get_addon(RunLayout)
            if addon is not None:
                record = addon.spider_run()
            else:
                record = SpiderRun(name, stats=crawler_stats(crawler))
            if crawler.spider is None:
                record.status, record.reasons = "failed", ["did not start (see the log)"]
            else:
                record.status, record.reasons = judge_spider(
                    record.stats, crawler.settings, previous, name
                )
            records.append(record)
        for name, why in refused.items():
            records.append(SpiderRun(name, status="locked", reasons=[why]))
        return records

    @staticmethod
    def _log_summary(records: list[SpiderRun], code: ExitCode) -> None:
        from crawler.extensions.progress import format_summary

        table = format_summary([(r.name, r.status, r.stats) for r in records])
        lines = [f"crawlall finished: {STATUS_NAMES[code]} (exit status {int(code)})", table]
        for record in records:
            for reason in record.reasons:
                lines.append(f"  {record.name}: {reason}")
        logger.log(logging.INFO if code == ExitCode.OK else logging.ERROR, "\n".join(lines))

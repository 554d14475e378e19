"""Single-run lock: one unattended run at a time on a host.

Policy:

* A run holds an exclusive ``fcntl.flock`` on a lock file (``RUN_LOCK_DIR/<name>.lock``)
  for its whole life. The kernel drops the lock when the process ends, however it ends
  (SIGKILL included), so a crashed run never leaves a stale lock behind; the file itself
  stays and is reused.
* A second run does not wait: :meth:`RunLock.acquire` raises :class:`LockHeld` at once,
  naming the holder (pid, host, start time and command line, written into the file by
  the holder), and the command exits with :data:`EXIT_LOCKED`.
* Two locks: ``crawlall`` (taken by ``scrapy crawlall``) and one per spider, so a
  plain ``scrapy crawl NAME`` under the ``cron`` profile never overlaps itself or a
  ``crawlall`` crawling NAME. The per-spider lock is the :class:`SpiderLock` add-on; under
  ``crawlall`` the command takes the spider locks itself (a spider whose lock is held is
  left out of that run). A refused plain crawl logs why and exits with :data:`EXIT_LOCKED`
  before anything is crawled.
* ``flock`` is per host: keep ``RUN_LOCK_DIR`` on a local disk (on NFS it is emulated
  and unreliable). Several hosts sharing a crawl use the ``distributed`` profile, where
  concurrency is intended and the lock is off.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = ["EXIT_LOCKED", "LockHeld", "RunLock", "SpiderLock", "lock_path"]

logger = logging.getLogger(__name__)

#: Exit status of a run refused because another one holds the lock
#: (``EX_TEMPFAIL`` from sysexits.h: "try again later").
EXIT_LOCKED = 75


class LockHeld(RuntimeError):
    """Another process holds the lock; ``holder`` is what it wrote into the file."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        who = ", ".join(f"{k} {holder[k]}" for k in ("pid", "host", "since") if k in holder)
        super().__init__(f"another run holds {path}" + (f" ({who})" if who else ""))


def lock_path(directory: str | os.PathLike[str], name: str) -> Path:
    """``<directory>/<name>.lock``."""
    return Path(directory) / f"{name}.lock"


def lock_dir(settings: BaseSettings) -> Path:
    """``RUN_LOCK_DIR``, default ``<RUN_OUTPUT_ROOT>/.locks``."""
    explicit = settings.get("RUN_LOCK_DIR")
    return (
        Path(explicit) if explicit else Path(settings.get("RUN_OUTPUT_ROOT") or "output") / ".locks"
    )


class RunLock:
    """An exclusive, non-blocking lock on ``path`` (see module policy)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> Self:
        """Take the lock or raise :class:`LockHeld` without waiting."""
        if self._file is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise LockHeld(self.path, self.holder()) from None
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "argv": sys.argv,
        }
        handle.write(json.dumps(info) + "\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        """Drop the lock (the file stays)."""
        if self._file is None:
            return
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        finally:
            self._file.close()
            self._file = None

    def holder(self) -> dict[str, Any]:
        """What the current holder wrote into the lock file ({} when unreadable)."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
            data = json.loads(text) if text else {}
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


class SpiderLock:
    """Add-on: hold ``<RUN_LOCK_DIR>/<spider>.lock`` for the crawl when ``RUN_LOCK_ENABLED``
    (module policy); a no-op under ``scrapy crawlall`` (``RUN_COMMAND = "crawlall"``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.lock: RunLock | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("RUN_LOCK_ENABLED") or settings.get("RUN_COMMAND") == "crawlall":
            return
        name = str(self.crawler.spidercls.name)
        lock = RunLock(lock_path(lock_dir(settings), name))
        try:
            self.lock = lock.acquire()
        except LockHeld as exc:
            refuse(f"spider {name} is already running: {exc}")


def refuse(message: str) -> None:
    """Log ``message`` and end the process with :data:`EXIT_LOCKED` (nothing has started)."""
    logger.error("%s; exiting with status %d", message, EXIT_LOCKED)
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()
    logging.shutdown()
    os._exit(EXIT_LOCKED)

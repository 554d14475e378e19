"""Atomic local feed storage: readers never see a half-written feed file.

Registered for local paths in ``FEED_STORAGES`` (schemes ``""`` and ``file``) by the
``cron``, ``scrapyd`` and ``distributed`` profiles.

Policy: the exporter writes into a hidden temporary file beside the target
(``.<name>.<random>.part``); :meth:`AtomicFileFeedStorage.store` flushes it, fsyncs it
and renames it over the target with ``os.replace`` (atomic on one POSIX file system),
then fsyncs the directory so the rename survives a power cut. A run that dies before
``store`` leaves only the ``.part`` file: the target is either absent or the previous
complete version. With ``overwrite: false`` the existing file is copied into the
temporary file first, so appending stays atomic too. Stale ``.part`` files older than
:data:`STALE_PART_SECONDS` in the target directory are removed when a feed opens.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from w3lib.url import file_uri_to_path

if TYPE_CHECKING:
    from scrapy import Spider

__all__ = ["PART_SUFFIX", "AtomicFileFeedStorage", "atomic_replace", "fsync_dir"]

PART_SUFFIX = ".part"
#: A ``.part`` file untouched this long belongs to a dead run.
STALE_PART_SECONDS = 24 * 3600


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_replace(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` over ``target`` and make the rename durable."""
    os.replace(tmp, target)
    fsync_dir(target.parent)


def _umask() -> int:
    """The process umask (Linux ``/proc``; 0o022 elsewhere), without changing it."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _remove_stale_parts(directory: Path, now: float) -> None:
    for part in directory.glob(f".*{PART_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()


class AtomicFileFeedStorage:
    """Local file feed storage with temporary file + rename (see module docstring)."""

    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None) -> None:
        self.path = Path(file_uri_to_path(uri) if uri.startswith("file:") else uri)
        self.overwrite = bool((feed_options or {}).get("overwrite", False))
        self.tmp_path: Path | None = None

    def open(self, spider: Spider) -> IO[bytes]:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        _remove_stale_parts(directory, time.time())
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=PART_SUFFIX, dir=directory)
        self.tmp_path = Path(tmp)
        # mkstemp creates 0600; give the feed the mode a plain open() would.
        os.chmod(fd, 0o666 & ~_umask())
        handle = os.fdopen(fd, "w+b")
        if not self.overwrite and self.path.exists():
            with self.path.open("rb") as existing:
                shutil.copyfileobj(existing, handle)
        return handle

    def store(self, file: IO[bytes]) -> None:
        """Flush, fsync, close and rename into place."""
        try:
            file.flush()
            os.fsync(file.fileno())
        finally:
            file.close()
        if self.tmp_path is None:
            raise RuntimeError("AtomicFileFeedStorage.store() called before open()")
        atomic_replace(self.tmp_path, self.path)
        self.tmp_path = None

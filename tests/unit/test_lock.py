"""RunLock: one run at a time, no waiting, no stale lock after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.lock import EXIT_LOCKED, LockHeld, RunLock, lock_dir, lock_path
from tests.conftest import ROOT

HOLD = """
import sys, time
from crawler.lock import RunLock
lock = RunLock(sys.argv[1]).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_second_holder_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "crawlall.lock"
    with RunLock(path) as first:
        assert first.held
        with pytest.raises(LockHeld) as refused:
            RunLock(path).acquire()
        assert refused.value.holder["pid"] == os.getpid()
        assert f"pid {os.getpid()}" in str(refused.value)
    assert not first.held
    RunLock(path).acquire().release()


def test_acquire_twice_is_a_no_op(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "x.lock")
    assert lock.acquire() is lock.acquire()
    lock.release()
    lock.release()


def test_lock_dies_with_its_process(tmp_path: Path) -> None:
    path = tmp_path / "crawlall.lock"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeld) as refused:
            RunLock(path).acquire()
        assert refused.value.holder["pid"] == child.pid
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
    RunLock(path).acquire().release()


def test_holder_of_an_unreadable_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    path.write_text("not json")
    assert RunLock(path).holder() == {}


def test_lock_paths() -> None:
    assert lock_path("/var/run", "aa_en") == Path("/var/run/aa_en.lock")
    assert lock_dir(Settings({"RUN_OUTPUT_ROOT": "/srv/out"})) == Path("/srv/out/.locks")
    assert lock_dir(Settings({"RUN_LOCK_DIR": "/run/mesec"})) == Path("/run/mesec")
    assert EXIT_LOCKED == 75

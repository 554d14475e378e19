"""Helpers for the operation tests (cron, Scrapyd, distributed): servers and CLI runs.

- ``serve_sites(sites_dir, workdir)``: a fixture web server over a sites directory the
  test controls (a temporary copy it can change between runs: pages are read per request).
- ``free_port()``, ``wait_until(predicate, timeout)``.
- ``scrapy_env(profile)`` and ``run_scrapy(args, ...)``: the ``scrapy`` CLI in a subprocess
  with a settings profile and ``-s`` settings (dicts and lists as JSON).
- ``read_jsonl(path)``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SERVER_START_TIMEOUT, FixtureServer


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``predicate`` until it returns a true value; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


@contextmanager
def serve_sites(sites_dir: Path, workdir: Path) -> Iterator[FixtureServer]:
    """The fixture server over ``sites_dir`` (stopped on exit)."""
    workdir.mkdir(parents=True, exist_ok=True)
    manifest = workdir / "manifest.json"
    log = workdir / "requests.jsonl"
    stderr_path = workdir / "server.stderr"
    command = [sys.executable, "-m", "tests.mockserver.server", "--sites", str(sites_dir)]
    command += ["--manifest", str(manifest), "--log", str(log)]
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until(
            lambda: manifest.exists() or proc.poll() is not None,
            SERVER_START_TIMEOUT,
            "the fixture server",
        )
        if proc.poll() is not None:
            pytest.fail(f"fixture server died: {stderr_path.read_text(errors='replace')}")
        data = json.loads(manifest.read_text(encoding="utf-8"))
        yield FixtureServer(data["sites"], data["__catchall__"], Path(data["log"]))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def setting_args(settings: Mapping[str, Any]) -> list[str]:
    """``-s KEY=VALUE`` arguments (dicts and lists as JSON)."""
    args: list[str] = []
    for key, value in settings.items():
        text = json.dumps(value) if isinstance(value, (dict, list, tuple)) else str(value)
        args += ["-s", f"{key}={text}"]
    return args


def scrapy_env(profile: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment of a ``scrapy`` subprocess using ``crawler.settings.<profile>``."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": f"crawler.settings.{profile}"}
    env.pop("SCRAPY_PROJECT", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


@dataclass
class CliRun:
    """One finished ``scrapy`` subprocess."""

    returncode: int
    output: str
    seconds: float


def scrapy_command(args: list[str], settings: Mapping[str, Any]) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args, *setting_args(settings)]


def run_scrapy(
    args: list[str],
    *,
    settings: Mapping[str, Any],
    env: Mapping[str, str],
    cwd: Path,
    timeout: float = 180.0,
) -> CliRun:
    """Run ``scrapy ARGS -s ...`` to the end."""
    started = time.monotonic()
    proc = subprocess.run(
        scrapy_command(args, settings),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliRun(proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]

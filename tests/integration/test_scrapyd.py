"""Scrapyd: build the egg with ``scrapyd-deploy``, run a real Scrapyd on 127.0.0.1, deploy,
schedule a spider against the fixture server, and check the items and the dedup store.

The project is copied to a temporary directory first, so building leaves nothing in the
repository (``build/``, ``*.egg-info``). Scrapyd runs with credentials from its environment
(``SCRAPYD_USERNAME``/``SCRAPYD_PASSWORD``), ``SqliteJobStorage`` and an empty
``items_dir``; it is restarted at the end to show that the finished job is still listed.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler.dedup.model import DedupConfig
from crawler.dedup.sqlite import SqliteStore
from tests.conftest import ROOT, FixtureServer
from tests.integration._services import free_port, read_jsonl, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.service]

SPIDER = "lemonde_en"
SITE = "www.lemonde.fr"
USER, PASSWORD = "mesec", "s3cret-for-tests"
BIN = Path(sys.executable).parent
#: Repository parts a build needs.
PROJECT_FILES = ("crawler", "spiders", "pipelines", "pyproject.toml", "setup.py", "scrapy.cfg")
DATA_DIRS = ("crawler/schema", "crawler/data", "crawler/templates")


def _available() -> tuple[bool, str]:
    for tool in ("scrapyd", "scrapyd-deploy"):
        if not (BIN / tool).exists():
            return False, f"{tool} is not installed in {BIN}"
    return True, ""


@dataclass
class Scrapyd:
    """A running Scrapyd: its URL and working directory."""

    url: str
    workdir: Path
    proc: subprocess.Popen[bytes]

    def call(self, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + endpoint, data=body)
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=10) as reply:
            return dict(json.loads(reply.read()))


def scrapyd_env() -> dict[str, str]:
    """Scrapyd's environment: credentials, and no SCRAPY_SETTINGS_MODULE (it would win over
    the egg's settings entry point) nor PYTHONPATH (jobs must run the egg's code)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SCRAPY_SETTINGS_MODULE", "PYTHONPATH")}
    env.pop("SCRAPY_PROJECT", None)
    env.update({"SCRAPYD_USERNAME": USER, "SCRAPYD_PASSWORD": PASSWORD})
    return env


def start_scrapyd(workdir: Path) -> Scrapyd:
    port = free_port()
    (workdir / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {workdir / 'eggs'}\n"
        f"logs_dir = {workdir / 'logs'}\n"
        f"dbs_dir = {workdir / 'dbs'}\n"
        "items_dir =\n"
        "jobstorage = scrapyd.jobstorage.SqliteJobStorage\n"
        "poll_interval = 0.5\n"
        "max_proc = 2\n",
        encoding="utf-8",
    )
    with (workdir / "scrapyd.out").open("ab") as out:
        proc = subprocess.Popen(
            [str(BIN / "scrapyd")],
            cwd=workdir,
            env=scrapyd_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = Scrapyd(f"http://127.0.0.1:{port}/", workdir, proc)

    def ready() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"scrapyd exited: {(workdir / 'scrapyd.out').read_text(errors='replace')}")
        try:
            return server.call("daemonstatus.json").get("status") == "ok"
        except (urllib.error.URLError, ConnectionError):
            return False

    wait_until(ready, 30, "scrapyd to answer")
    return server


def stop(server: Scrapyd) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The repository's buildable parts, without caches."""
    target = tmp_path / "project"
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in (*PROJECT_FILES, "README.md"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    ok, reason = _available()
    from tests.conftest import require_service

    require_service("scrapyd", ok, reason)
    workdir = tmp_path / "scrapyd"
    workdir.mkdir()
    server = start_scrapyd(workdir)
    try:
        yield server
    finally:
        stop(server)  # the test may have replaced server.proc by a restarted Scrapyd


def build_egg(project: Path, egg: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "scrapyd-deploy"), "--build-egg", str(egg)],
        cwd=project,
        env=scrapyd_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def check_egg(egg: Path) -> None:
    """Every package, module and data file of the repository is in the egg, and the
    ``scrapy`` entry point names the scrapyd profile."""
    names = set(zipfile.ZipFile(egg).namelist())
    wanted = []
    for package in ("crawler", "spiders", "pipelines"):
        wanted += [p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py")]
    for folder in DATA_DIRS:
        if (ROOT / folder).is_dir():
            wanted += [
                p.relative_to(ROOT).as_posix()
                for p in (ROOT / folder).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            ]
    missing = sorted(set(wanted) - names)
    assert not missing, f"missing from the egg: {missing}"
    entry_points = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]" in entry_points
    assert "settings = crawler.settings.scrapyd" in entry_points


def test_deploy_and_run_on_scrapyd(
    scrapyd: Scrapyd, project_copy: Path, fixture_server: FixtureServer, tmp_path: Path
) -> None:
    egg = tmp_path / "mesec.egg"
    built = build_egg(project_copy, egg)
    assert built.returncode == 0, built.stdout + built.stderr
    check_egg(egg)

    # Deploy with scrapyd-deploy: a target whose credentials come from the environment.
    with (project_copy / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        cfg.write(
            f"\n[deploy:test]\nurl = {scrapyd.url}\nproject = mesec\n"
            "username = ${SCRAPYD_USERNAME}\npassword = ${SCRAPYD_PASSWORD}\n"
        )
    deployed = subprocess.run(
        [str(BIN / "scrapyd-deploy"), "test", "--egg", str(egg), "--version", "1"],
        cwd=project_copy,
        env=scrapyd_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert json.loads(deployed.stdout)["status"] == "ok"
    spiders = scrapyd.call("listspiders.json?project=mesec")["spiders"]
    assert SPIDER in spiders and "wordpress" in spiders

    items = tmp_path / "items.jsonl"
    store = tmp_path / "dedup" / "store.sqlite3"
    output = tmp_path / "output"
    settings = {
        "HOST_OVERRIDES": json.dumps(fixture_server.host_overrides()),
        "FEEDS": json.dumps({str(items): {"format": "jsonlines", "overwrite": True}}),
        "DEDUP_STORE_PATH": str(store),
        "RUN_OUTPUT_ROOT": str(output),
        "MONITOR_REPORT_DIR": str(tmp_path / "reports"),
        "CLOCK": "crawler.clock.FixedClock",
        "CLOCK_FIXED_AT": "2024-10-02T18:00:00+00:00",
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
    }
    scheduled = scrapyd.call(
        "schedule.json",
        [("project", "mesec"), ("spider", SPIDER)]
        + [("setting", f"{k}={v}") for k, v in settings.items()],
    )
    assert scheduled["status"] == "ok", scheduled
    job = scheduled["jobid"]

    def finished() -> dict[str, Any] | None:
        jobs = scrapyd.call("listjobs.json?project=mesec")
        return next((j for j in jobs["finished"] if j["id"] == job), None)

    record = wait_until(finished, 120, f"job {job} to finish")
    log = (scrapyd.workdir / "logs" / "mesec" / SPIDER / f"{job}.log").read_text(encoding="utf-8")
    assert "ERROR" not in log, log[-3000:]
    assert record.get("exit_code", 0) in (0, None), record

    articles = read_jsonl(items)
    urls = sorted(i["url"] for i in articles)
    assert len(urls) == 5 and all(u.startswith(f"https://{SITE}/en/") for u in urls)
    assert all(i["cluster_id"] for i in articles)
    # The egg's settings are the scrapyd profile: a dated run named by the job id.
    latest = json.loads((output / "latest.json").read_text(encoding="utf-8"))
    assert latest["run_id"] == job

    dedup = SqliteStore(store)
    dedup.open(run_id="test-check", params=DedupConfig().hashing_params(), now=0)
    try:
        assert dedup.seen_urls(urls) == set(urls)
        assert dedup.size() == 5
    finally:
        dedup.close()

    # SqliteJobStorage: the finished job is still listed after a restart.
    stop(scrapyd)
    again = start_scrapyd(scrapyd.workdir)
    try:
        jobs = again.call("listjobs.json?project=mesec")
        assert job in [j["id"] for j in jobs["finished"]]
    finally:
        stop(again)
        scrapyd.proc = again.proc
    summary = json.loads((output / latest["summary"]).read_text(encoding="utf-8"))
    figures = summary["spiders"][SPIDER]
    print(
        f"scrapyd job {job}: requests {figures['requests']}, items {len(articles)}, "
        f"crawl {summary['elapsed_seconds']} s"
    )

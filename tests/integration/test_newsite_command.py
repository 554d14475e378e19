"""``scrapy newsite NAME DOMAIN``: the site scaffold, run in a temporary copy of the project
layout (``scrapy.cfg`` and an empty ``spiders`` package) so the real tree is never touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import UsageError

from crawler.commands.newsite import TARGETS, class_name, validate_domain, validate_name

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
#: Environment variables that would point Scrapy at the real project.
SCRAPY_ENV = ("SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT")
NAME = "gulf_example"
DOMAIN = "www.gulf-example.com"


def scrapy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``scrapy ARGS`` in ``cwd``; the project's code is importable, its spiders are not."""
    env = {k: v for k, v in os.environ.items() if k not in SCRAPY_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(cwd), str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project layout of its own: ``scrapy.cfg`` and an empty ``spiders`` package."""
    shutil.copy(ROOT / "scrapy.cfg", tmp_path / "scrapy.cfg")
    (tmp_path / "spiders").mkdir()
    (tmp_path / "spiders" / "__init__.py").write_text("", encoding="utf-8")
    return tmp_path


def targets(root: Path, name: str = NAME, domain: str = DOMAIN) -> list[Path]:
    return [root / target.format(name=name, domain=domain) for _, target in TARGETS]


def snapshot(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def test_scaffold_writes_a_loadable_spider_and_the_fixture_skeleton(project: Path) -> None:
    done = scrapy("newsite", NAME, DOMAIN, cwd=project)
    assert done.returncode == 0, done.stderr
    for path in targets(project):
        assert path.is_file(), path
        assert f"created {path}" in done.stdout
    listed = scrapy("list", cwd=project)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == [NAME]
    site = project / "tests" / "fixtures" / "sites" / DOMAIN
    for path in (site / "expected").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    assert "TODO" in (site / "NOTES.md").read_text(encoding="utf-8")


def test_scaffold_sets_every_vocabulary_attribute(project: Path) -> None:
    assert scrapy("newsite", NAME, DOMAIN, cwd=project).returncode == 0
    from crawler.profile import SiteProfile
    from crawler.spider import NewsSpider

    namespace: dict[str, object] = {}
    code = (project / "spiders" / f"{NAME}.py").read_text(encoding="utf-8")
    exec(compile(code, f"{NAME}.py", "exec"), namespace)
    spidercls = namespace[class_name(NAME)]
    assert isinstance(spidercls, type) and issubclass(spidercls, NewsSpider)
    assert spidercls.name == NAME
    assert spidercls.allowed_domains == [DOMAIN]
    missing = set(NewsSpider.__annotations__) - set(vars(spidercls))
    assert missing == set(), f"vocabulary attributes not in the scaffold: {sorted(missing)}"
    SiteProfile.from_spider(spidercls)  # selector keys are valid


def test_scaffolded_python_is_lint_clean(project: Path) -> None:
    assert scrapy("newsite", NAME, DOMAIN, cwd=project).returncode == 0
    files = [str(p) for p in targets(project) if p.suffix == ".py"]
    config = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
    for command in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, *config, *files],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_scaffolded_test_fails_until_the_site_is_written(project: Path) -> None:
    assert scrapy("newsite", NAME, DOMAIN, cwd=project).returncode == 0
    test_file = project / "tests" / "integration" / f"test_site_{NAME}.py"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    assert "passed" not in done.stdout.splitlines()[-1]
    assert "still has TODO markers" in done.stdout
    assert "expected files still marked TODO" in done.stdout


def test_output_dir_writes_there(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    done = scrapy("newsite", NAME, DOMAIN, "--output-dir", str(out), cwd=project)
    assert done.returncode == 0, done.stderr
    assert all(path.is_file() for path in targets(out))
    assert not (project / "spiders" / f"{NAME}.py").exists()


def test_refuses_to_overwrite_anything(project: Path) -> None:
    spider = project / "spiders" / f"{NAME}.py"
    spider.write_text('"""Work in progress."""\n', encoding="utf-8")
    before = snapshot(project)
    done = scrapy("newsite", NAME, DOMAIN, cwd=project)
    assert done.returncode != 0
    assert "refusing to overwrite" in done.stderr
    assert str(spider) in done.stderr
    assert snapshot(project) == before  # nothing else was written either


def test_refuses_a_name_already_used_by_a_spider(project: Path) -> None:
    assert scrapy("newsite", NAME, DOMAIN, cwd=project).returncode == 0
    before = snapshot(project)
    done = scrapy("newsite", NAME, "www.other-example.com", "--output-dir", "out", cwd=project)
    assert done.returncode != 0
    assert "already exists" in done.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("name", "domain", "message"),
    [
        ("Gulf", DOMAIN, "NAME must be"),
        ("gulf-news", DOMAIN, "NAME must be"),
        (NAME, "https://www.gulf-example.com/", "DOMAIN must be"),
    ],
)
def test_rejects_bad_arguments(project: Path, name: str, domain: str, message: str) -> None:
    before = snapshot(project)
    done = scrapy("newsite", name, domain, cwd=project)
    assert done.returncode != 0
    assert message in done.stderr
    assert snapshot(project) == before


@pytest.mark.parametrize("name", ["gulfnews", "gulf_news_en", "a1"])
def test_valid_names(name: str) -> None:
    assert validate_name(name) == name


@pytest.mark.parametrize("name", ["", "1gulf", "Gulf", "gulf-news", "gulf news", "class", "gülf"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(UsageError):
        validate_name(name)


@pytest.mark.parametrize("domain", ["www.gulfnews.com", "english.aawsat.com", "x-y.co.uk"])
def test_valid_domains(domain: str) -> None:
    assert validate_domain(domain) == domain


@pytest.mark.parametrize(
    "domain",
    [
        "localhost",
        "WWW.GULFNEWS.COM",
        "https://www.gulfnews.com",
        "www.gulfnews.com/en",
        "www.gulfnews.com:8080",
        "-bad.com",
        "bad-.com",
        "www..com",
        "127.0.0.1",
        "a." + "b" * 64 + ".com",
    ],
)
def test_invalid_domains(domain: str) -> None:
    with pytest.raises(UsageError):
        validate_domain(domain)


def test_class_name() -> None:
    assert class_name("gulf_news_en") == "GulfNewsEnSpider"

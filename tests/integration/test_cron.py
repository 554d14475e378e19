"""Cron operation: incremental runs of ``scrapy crawlall`` (cron profile) against a copy of
the Le Monde fixture site that the test changes between runs.

Run 1 crawls everything. Before run 2 the site "publishes" a new story (listing page 1,
news sitemap, RSS), appends a paragraph to two stored stories (one found again by its TTL,
one by a newer sitemap ``lastmod``) and pushes a story from page 1 to page 2. Run 2 must
fetch only the new story and those two revisits, stop paging at page 2 (page 3 holds only
stored stories) and write only the new story and two update records. Run 3, a plain
``scrapy crawl`` under the same profile an hour later, fetches no article at all.

A second test holds a slow run, checks that concurrent runs are refused with status 75,
SIGKILLs the slow run and checks that it left no complete-looking file and that the next run
writes every story.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SITES_DIR, FixtureServer
from tests.integration._services import (
    CliRun,
    read_jsonl,
    run_scrapy,
    scrapy_command,
    scrapy_env,
    serve_sites,
    wait_until,
)

pytestmark = pytest.mark.slow

SITE = "www.lemonde.fr"
SPIDER = "lemonde_en"
ORIGIN = f"https://{SITE}"
ARTICLE_DIR = "/en/international/article"
DRONE = (
    f"{ARTICLE_DIR}/2024/10/02/"
    "israeli-drone-strike-kills-hezbollah-commander-in-southern-lebanon_6728461_4.html"
)
BEIRUT = (
    f"{ARTICLE_DIR}/2024/10/02/"
    "in-beirut-displaced-families-crowd-into-schools-as-israeli-bombing-widens_6728433_4.html"
)
IRAN = (
    f"{ARTICLE_DIR}/2024/10/02/"
    "iran-s-missile-salvo-tests-the-limits-of-israel-s-air-defense-shield_6728402_4.html"
)
BAGHDAD = (
    f"{ARTICLE_DIR}/2024/10/01/"
    "rockets-fired-at-baghdad-airport-base-hosting-us-led-coalition-personnel_6728370_4.html"
)
ARSENAL = (
    f"{ARTICLE_DIR}/2024/09/28/how-hezbollah-rebuilt-its-arsenal-after-the-2006-war_6727953_4.html"
)
NEW = (
    f"{ARTICLE_DIR}/2024/10/02/"
    "aid-convoy-reaches-villages-cut-off-in-southern-lebanon_6728499_4.html"
)
STORED = (DRONE, BEIRUT, IRAN, BAGHDAD, ARSENAL)

#: Project-clock instants: run 1 after the fixture stories, run 2 seven hours later
#: (the drone story, 10.8 h old, is due for its 6 h TTL inside the 12 h window), run 3
#: one hour after run 2 (nothing due).
T1, T2, T3 = "2024-10-02T18:00:00+00:00", "2024-10-03T01:00:00+00:00", "2024-10-03T02:00:00+00:00"

NEW_TITLE = "Aid convoy reaches villages cut off in southern Lebanon"
NEW_DESC = "Trucks carrying flour, medicine and fuel crossed a damaged bridge after a day of talks."
NEW_PARAGRAPHS = (
    "A convoy of twelve trucks organised by the Lebanese Red Cross and two United Nations "
    "agencies reached four hill villages east of Tyre on Wednesday evening, the first aid to "
    "arrive there since the bridge over the Litani valley was hit last week.",
    "Drivers said the crossing took more than three hours because the damaged deck could carry "
    "only one lorry at a time, and engineers from the municipality guided each vehicle across "
    "by hand with torches after sunset.",
    "The cargo included sacks of flour for the village bakeries, insulin and antibiotics for a "
    "clinic that had run out of both, and diesel for the generators that pump drinking water "
    "from a spring below the main square.",
    "Local officials estimate that about two thousand residents stayed behind when most families "
    "left for the coast, many of them elderly farmers who refused to abandon their olive groves "
    "before the harvest.",
    "A second convoy is planned for Friday if the road through the valley remains open, the "
    "coordinator of the operation told reporters in Sidon, adding that fuel was now the most "
    "urgent need for the remaining households.",
)
DRONE_UPDATE = (
    "Update: the army said late on Wednesday that a second strike had hit a depot used by the "
    "group near Naqoura, and residents reported a column of smoke visible from the coast road."
)
BAGHDAD_UPDATE = (
    "Update: Iraqi security officials said on Wednesday that two suspects had been detained in "
    "the Abu Ghraib district in connection with the launch, and that the rocket tubes were found "
    "in a truck abandoned near a farm."
)
BAGHDAD_LASTMOD = "2024-10-02T23:40:00+02:00"


# -- the site copy -------------------------------------------------------------------


def _page(pages: Path, path: str) -> Path:
    return (
        pages / path.lstrip("/")
        if path.endswith(".html")
        else pages / path.lstrip("/") / "index.html"
    )


def _teaser(html: str, path: str) -> str:
    match = re.search(
        r'<section class="teaser[^"]*"><a class="teaser__link" href="'
        + re.escape(ORIGIN + path)
        + r'">.*?</section>\n',
        html,
        flags=re.S,
    )
    assert match, f"no teaser for {path}"
    return match.group(0)


def _add_page_three(pages: Path) -> None:
    """Page 2 gets a next page holding the arsenal story, so stopped paging shows."""
    page2 = _page(pages, "/en/international/2/")
    html = page2.read_text(encoding="utf-8")
    three = f"{ORIGIN}/en/international/3/"
    page3 = html.replace(
        _teaser(html, BAGHDAD),
        _teaser(html, BAGHDAD)
        .replace(BAGHDAD, ARSENAL)
        .replace(
            "Rockets fired at Baghdad airport base hosting US-led coalition personnel",
            "How Hezbollah rebuilt its arsenal after the 2006 war",
        ),
    )
    page3 = page3.replace(
        f'<link rel="prev" href="{ORIGIN}/en/international/">',
        f'<link rel="prev" href="{ORIGIN}/en/international/2/">',
    ).replace('aria-current="page">2</a>', 'aria-current="page">3</a>')
    _page(pages, "/en/international/3/").parent.mkdir(parents=True, exist_ok=True)
    _page(pages, "/en/international/3/").write_text(page3, encoding="utf-8")
    html = html.replace(
        f'<link rel="prev" href="{ORIGIN}/en/international/">',
        f'<link rel="prev" href="{ORIGIN}/en/international/">\n<link rel="next" href="{three}">',
    ).replace(
        'aria-current="page">2</a></section>',
        'aria-current="page">2</a>'
        f'<a class="river__pagination--page" href="{three}">3</a></section>',
    )
    page2.write_text(html, encoding="utf-8")


def _append_paragraph(pages: Path, path: str, text: str) -> None:
    page = _page(pages, path)
    html = page.read_text(encoding="utf-8")
    last = list(re.finditer(r'<p class="article__paragraph ">.*?</p>\n', html, flags=re.S))[-1]
    addition = f'<p class="article__paragraph ">{text}</p>\n'
    page.write_text(html[: last.end()] + addition + html[last.end() :], encoding="utf-8")


def _write_new_article(pages: Path) -> None:
    html = _page(pages, DRONE).read_text(encoding="utf-8")
    old_title = "Israeli drone strike kills Hezbollah commander in southern Lebanon"
    old_desc = re.search(r'<p class="article__desc">(.*?)</p>', html, flags=re.S)
    assert old_desc
    html = html.replace(DRONE, NEW).replace(old_title, NEW_TITLE)
    html = html.replace(old_desc.group(1), NEW_DESC)
    html = html.replace("2024-10-02T16:12:05+02:00", "2024-10-02T22:30:00+02:00")
    html = re.sub(r'<p class="article__paragraph ">.*?</p>\n', "", html, flags=re.S)
    opening = '<article class="article__content  old__article-content-single">\n'
    body = "".join(f'<p class="article__paragraph ">{p}</p>\n' for p in NEW_PARAGRAPHS)
    assert opening in html
    html = html.replace(opening, opening + body)
    target = _page(pages, NEW)
    target.write_text(html, encoding="utf-8")


def publish(pages: Path) -> None:
    """What the site does between run 1 and run 2 (module docstring)."""
    _write_new_article(pages)
    _append_paragraph(pages, DRONE, DRONE_UPDATE)
    _append_paragraph(pages, BAGHDAD, BAGHDAD_UPDATE)
    river = '<section id="river" class="river river--rubrique">\n'
    page1 = _page(pages, "/en/international/")
    html = page1.read_text(encoding="utf-8")
    new_teaser = (
        _teaser(html, DRONE)
        .replace(DRONE, NEW)
        .replace("Israeli drone strike kills Hezbollah commander in southern Lebanon", NEW_TITLE)
    )
    moved = _teaser(html, IRAN)
    page1.write_text(html.replace(moved, "").replace(river, river + new_teaser), encoding="utf-8")
    page2 = _page(pages, "/en/international/2/")
    page2.write_text(
        page2.read_text(encoding="utf-8").replace(river, river + moved), encoding="utf-8"
    )
    sitemap = pages / "en" / "sitemap_news.xml"
    xml = sitemap.read_text(encoding="utf-8")
    entry = (
        f"<url><loc>{ORIGIN}{NEW}</loc><news:news><news:publication><news:name>Le Monde"
        "</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2024-10-02T22:30:00+02:00</news:publication_date>"
        f"<news:title>{NEW_TITLE}</news:title></news:news></url>\n"
    )
    xml = xml.replace("<url>", entry + "<url>", 1)
    xml = xml.replace(
        f"<loc>{ORIGIN}{BAGHDAD}</loc>",
        f"<loc>{ORIGIN}{BAGHDAD}</loc><lastmod>{BAGHDAD_LASTMOD}</lastmod>",
    )
    sitemap.write_text(xml, encoding="utf-8")
    feed = pages / "en" / "international" / "rss_full.xml"
    rss = feed.read_text(encoding="utf-8")
    item = (
        f"<item>\n<title><![CDATA[{NEW_TITLE}]]></title>\n"
        "<pubDate>Wed, 02 Oct 2024 22:30:00 +0200</pubDate>\n"
        f'<guid isPermaLink="true">{ORIGIN}{NEW}</guid>\n<link>{ORIGIN}{NEW}</link>\n</item>\n'
    )
    feed.write_text(rss.replace("<item>", item + "<item>", 1), encoding="utf-8")


# -- runs ------------------------------------------------------------------------------


def kind(path: str) -> str:
    """What a request of the Le Monde site fetched."""
    if "/article/" in path:
        return "article"
    if path == "/robots.txt":
        return "robots"
    if "sitemap" in path:
        return "sitemap"
    if path.endswith((".xml", "/rss")):
        return "feed"
    return "listing"


@dataclass
class Run:
    """One finished run: exit status, requests by kind, files and summary."""

    cli: CliRun
    requests: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    run_dir: Path | None = None

    def paths(self, what: str) -> list[str]:
        return [r["path"] for r in self.requests if kind(r["path"]) == what]

    def feed(self, suffix: str = ".jsonl") -> list[dict[str, Any]]:
        assert self.run_dir is not None
        return read_jsonl(self.run_dir / f"{SPIDER}{suffix}")

    def figures(self) -> str:
        counts = {k: len(self.paths(k)) for k in ("article", "listing", "sitemap", "feed")}
        return (
            f"requests {len(self.requests)} ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
            f"items {len(self.feed())}, crawl {self.summary.get('elapsed_seconds')} s, "
            f"process {self.cli.seconds:.1f} s"
        )


class CronEnv:
    """A temporary site copy, its server, and the runs' output root and dedup store."""

    def __init__(self, tmp: Path, server: FixtureServer, pages: Path) -> None:
        self.tmp = tmp
        self.server = server
        self.pages = pages
        self.output = tmp / "output"
        self.env = scrapy_env("cron")

    def settings(self, at: str, **extra: Any) -> dict[str, Any]:
        return {
            "HOST_OVERRIDES": self.server.host_overrides(),
            "CLOCK": "crawler.clock.FixedClock",
            "CLOCK_FIXED_AT": at,
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "RUN_OUTPUT_ROOT": str(self.output),
            "DEDUP_STORE_PATH": str(self.tmp / "store" / "dedup.sqlite3"),
            "MONITOR_REPORT_DIR": str(self.tmp / "reports"),
            "INCREMENTAL_REVISIT_WINDOW_HOURS": 12,
            **extra,
        }

    def latest(self) -> dict[str, Any] | None:
        path = self.output / "latest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def run(self, at: str, *args: str, **extra: Any) -> Run:
        mark = self.server.mark()
        cli = run_scrapy(
            list(args), settings=self.settings(at, **extra), env=self.env, cwd=self.tmp
        )
        run = Run(cli, self.server.requests(mark))
        latest = self.latest()
        if latest is not None:
            run.run_dir = self.output / latest["dir"]
            run.summary = json.loads((self.output / latest["summary"]).read_text(encoding="utf-8"))
        return run

    def start(self, at: str, *args: str, **extra: Any) -> subprocess.Popen[bytes]:
        """Start a run in the background (its own process group)."""
        with (self.tmp / "background.log").open("wb") as log:
            return subprocess.Popen(
                scrapy_command(list(args), self.settings(at, **extra)),
                cwd=self.tmp,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )


@pytest.fixture
def cron_env(tmp_path: Path) -> Iterator[CronEnv]:
    sites = tmp_path / "sites"
    shutil.copytree(SITES_DIR / SITE, sites / SITE)
    pages = sites / SITE / "pages"
    _add_page_three(pages)
    with serve_sites(sites, tmp_path / "server") as server:
        yield CronEnv(tmp_path, server, pages)


def test_second_run_fetches_only_new_and_due_articles(cron_env: CronEnv) -> None:
    first = cron_env.run(T1, "crawlall", SPIDER)
    assert first.cli.returncode == 0, first.cli.output[-3000:]
    assert sorted(first.paths("article")) == sorted(STORED)
    assert first.paths("listing") == [
        "/en/international/",
        "/en/international/2/",
        "/en/international/3/",
    ]
    assert len(first.paths("sitemap")) == 1 and len(first.paths("feed")) == 1
    assert sorted(i["url"] for i in first.feed()) == sorted(ORIGIN + p for p in STORED)
    assert first.summary["status"] == "ok" and first.summary["exit_code"] == 0
    assert read_jsonl(first.run_dir / "all.jsonl") == first.feed()  # type: ignore[operator]

    publish(cron_env.pages)
    second = cron_env.run(T2, "crawlall", SPIDER)
    assert second.cli.returncode == 0, second.cli.output[-3000:]
    assert second.run_dir != first.run_dir
    # Only the new story, the TTL revisit (drone) and the lastmod revisit (Baghdad).
    assert sorted(second.paths("article")) == sorted([NEW, DRONE, BAGHDAD])
    # Page 2 holds only stored stories: page 3 is not requested.
    assert second.paths("listing") == ["/en/international/", "/en/international/2/"]
    written = {i["url"]: i for i in second.feed()}
    assert sorted(written) == sorted(ORIGIN + p for p in (NEW, DRONE, BAGHDAD))
    assert written[ORIGIN + NEW]["relation"] is None
    for path, added in ((DRONE, DRONE_UPDATE), (BAGHDAD, BAGHDAD_UPDATE)):
        assert written[ORIGIN + path]["relation"] == "update"
        assert written[ORIGIN + path]["update_of"] == ORIGIN + path
        assert added in written[ORIGIN + path]["body"]
    assert second.feed(".duplicates.jsonl") == []
    figures = second.summary["spiders"][SPIDER]
    assert figures["revisits"] == 2 and figures["unchanged"] == 0
    assert figures["new"] == 1 and figures["updates"] == 2
    assert cron_env.latest()["run_id"] == second.summary["run_id"]  # type: ignore[index]

    # The profile does it for a plain `scrapy crawl` too: nothing new, nothing due.
    third = cron_env.run(T3, "crawl", SPIDER)
    assert third.cli.returncode == 0, third.cli.output[-3000:]
    assert third.paths("article") == []
    assert third.paths("listing") == ["/en/international/"]
    assert third.feed() == [] and third.summary["status"] == "ok"
    for name, run in (("run 1", first), ("run 2", second), ("run 3", third)):
        print(f"cron {name}: {run.figures()}")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and ".locks" not in p.parts)


def test_concurrent_run_refused_and_killed_run_recovers(cron_env: CronEnv) -> None:
    # One request every 5 s: the run is killed right after its second article, seconds
    # before a third could be fetched.
    slow = {"DOWNLOAD_DELAY": 5, "RANDOMIZE_DOWNLOAD_DELAY": False, "CONCURRENT_REQUESTS": 1}
    mark = cron_env.server.mark()
    proc = cron_env.start(T1, "crawlall", SPIDER, **slow)

    def articles() -> int:
        return len([r for r in cron_env.server.requests(mark) if kind(r["path"]) == "article"])

    try:
        wait_until(lambda: cron_env.server.requests(mark), 60, "the slow run to start crawling")
        refused = cron_env.run(T1, "crawlall", SPIDER)
        assert refused.cli.returncode == 75, refused.cli.output[-3000:]
        assert "another run is in progress" in refused.cli.output
        plain = cron_env.run(T1, "crawl", SPIDER)
        assert plain.cli.returncode == 75, plain.cli.output[-3000:]
        assert f"spider {SPIDER} is already running" in plain.cli.output
        wait_until(lambda: articles() >= 2, 90, "the slow run to fetch two articles")
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    killed_fetches = [
        r["path"] for r in cron_env.server.requests(mark) if kind(r["path"]) == "article"
    ]
    assert 2 <= len(set(killed_fetches)) < len(STORED)
    # Nothing the killed run left looks complete: only temporary .part files, no manifest.
    assert cron_env.latest() is None
    leftovers = [p for p in _files(cron_env.output) if "reports" not in p.parts]
    assert all(p.name.startswith(".") and p.name.endswith(".part") for p in leftovers), leftovers

    recovered = cron_env.run(T1, "crawlall", SPIDER)
    assert recovered.cli.returncode == 0, recovered.cli.output[-3000:]
    assert sorted(i["url"] for i in recovered.feed()) == sorted(ORIGIN + p for p in STORED)
    assert set(killed_fetches) <= set(recovered.paths("article"))
    print(f"cron killed run: {len(killed_fetches)} article requests before SIGKILL")
    print(f"cron recovery run: {recovered.figures()}")

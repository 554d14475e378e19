"""``python -m bench.extraction``: score ``extract_article`` against trafilatura.

Pages: every ``tests/fixtures/sites/*/expected/*.json`` (its page found from the
expected URL's path) and, when ``../shared/real-pages/`` exists, every page of
its ``truth.jsonl``. Each tool runs once per page (warm-up; that output is
scored), then ``--repeats`` timed rounds; the speed is the median over pages
of the per-page median. Only page ids and scores are printed or written.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bench.extraction import scoring

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("title", "published", "authors", "body")
TOOLS = ("ours", "trafilatura")

Extractor = Callable[[bytes, str], dict[str, Any]]


@dataclass
class Page:
    id: str
    kind: str  # "fixture" or "real"
    url: str
    site: str
    path: Path
    truth: dict[str, Any]  # title, published, authors, body (real) / body_checks (fixture)


@dataclass
class Run:
    output: dict[str, Any] | None = None
    error: str | None = None
    times: list[float] = field(default_factory=list)

    @property
    def ms(self) -> float | None:
        return statistics.median(self.times) * 1000 if self.times else None


def fixture_page_path(site_dir: Path, url: str) -> Path:
    """The file the fixture server serves for ``url``: a ``routes.json`` entry with a
    ``file`` whose path (and query, key by key) matches, else the default rule:
    ``/a/b/`` -> ``pages/a/b/index.html``, ``/x.html`` -> ``pages/x.html``."""
    parts = urlsplit(url)
    routes_file = site_dir / "routes.json"
    if routes_file.is_file():
        query = parse_qs(parts.query)
        for route in json.loads(routes_file.read_text(encoding="utf-8")):
            if route.get("file") and route.get("path") in (parts.path, unquote(parts.path)):
                wanted = (route.get("query") or {}).items()
                if all(query.get(str(k)) == [str(v)] for k, v in wanted):
                    return site_dir / route["file"]
    path = unquote(parts.path).strip("/")
    pages = site_dir / "pages"
    if path.endswith((".html", ".htm")):
        return pages / path
    return pages / path / "index.html" if path else pages / "index.html"


def load_fixture_pages(sites_dir: Path) -> tuple[list[Page], list[str]]:
    pages: list[Page] = []
    problems: list[str] = []
    for expected_file in sorted(sites_dir.glob("*/expected/*.json")):
        if expected_file.name.startswith("_"):
            continue  # auxiliary lists (non-article URLs...), not article records
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        site_dir = expected_file.parent.parent
        page_id = f"{site_dir.name}/{expected_file.stem}"
        url = expected.get("url") if isinstance(expected, dict) else None
        if expected.get("requires_js"):
            # The served HTML is a JS shell; the crawl renders it in Chromium
            # (tests/integration/test_browser.py), so static extraction is not scored.
            continue
        if not url:
            problems.append(f"{page_id}: expected record has no url")
            continue
        host = urlsplit(url).hostname or site_dir.name
        if (sites_dir / host).is_dir():
            site_dir = sites_dir / host
        path = fixture_page_path(site_dir, url)
        if not path.is_file():
            problems.append(f"{page_id}: page not found at {path.relative_to(sites_dir)}")
            continue
        truth = {
            "title": expected.get("title"),
            "published": expected.get("published"),
            "authors": expected.get("authors"),
            "body_checks": expected,
        }
        pages.append(Page(page_id, "fixture", url, host, path, truth))
    return pages, problems


def load_real_pages(real_dir: Path) -> list[Page]:
    pages: list[Page] = []
    with (real_dir / "truth.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            truth = {k: record.get(k) for k in ("title", "authors", "body")}
            truth["published"] = record.get("date")
            path = real_dir / "pages" / f"{record['id']}.html"
            site = record.get("site") or urlsplit(record["url"]).hostname or ""
            pages.append(Page(record["id"], "real", record["url"], site, path, truth))
    return pages


def trafilatura_extractor() -> Extractor:
    """Defaults, with the URL and metadata; comments are not scored, so not extracted.
    Authors: the ``author`` string split on ``;`` and ``,``; body: ``text`` with its
    one-line-per-block paragraphs separated by a blank line, as in our ``body``."""
    from trafilatura import bare_extraction

    def run(html: bytes, url: str) -> dict[str, Any]:
        doc = bare_extraction(html, url=url, with_metadata=True, include_comments=False)
        if doc is None:
            return {}
        data = doc if isinstance(doc, dict) else doc.as_dict()
        text = data.get("text") or ""  # one line per block: make them blank-line paragraphs
        return {
            "title": data.get("title"),
            "published": data.get("date"),
            "authors": scoring.split_author_string(data.get("author")),
            "body": "\n\n".join(line for line in text.splitlines() if line.strip()),
        }

    return run


def ours_extractor() -> tuple[Extractor | None, str | None]:
    try:
        from crawler.extraction import extract_article
    except ImportError as exc:
        return None, f"crawler.extraction is not importable ({exc}); only trafilatura is run"

    def run(html: bytes, url: str) -> dict[str, Any]:
        data = extract_article(html, url)
        return {key: data.get(key) for key in FIELDS}

    return run, None


def measure(pages: list[Page], tools: dict[str, Extractor], repeats: int) -> dict[str, dict]:
    """page id -> tool -> Run. Warm-up output is scored; tool order alternates per round."""
    html = {page.id: page.path.read_bytes() for page in pages}
    runs: dict[str, dict[str, Run]] = {p.id: {name: Run() for name in tools} for p in pages}
    for page in pages:
        for name, extract in tools.items():
            try:
                runs[page.id][name].output = extract(html[page.id], page.url)
            except Exception as exc:  # a crash is a result: scored 0, not timed
                runs[page.id][name].error = f"{type(exc).__name__}: {exc}"
    order = list(tools.items())
    for round_no in range(repeats):
        for page in pages:
            for name, extract in order if round_no % 2 == 0 else order[::-1]:
                run = runs[page.id][name]
                if run.error:
                    continue
                start = time.perf_counter()
                try:
                    extract(html[page.id], page.url)
                except Exception as exc:
                    run.error, run.times = f"{type(exc).__name__}: {exc}", []
                    continue
                run.times.append(time.perf_counter() - start)
    return runs


def score_page(page: Page, output: dict[str, Any] | None) -> dict[str, float | None]:
    """Field -> score (None = no ground truth). A missing output scores 0."""
    out = output or {}
    truth = page.truth
    scores: dict[str, float | None] = dict.fromkeys(FIELDS)
    if truth["title"]:
        scores["title"] = scoring.title_score(out.get("title"), truth["title"])
    if truth["published"]:
        scores["published"] = scoring.date_score(out.get("published"), truth["published"])
    if truth["authors"] is not None:
        scores["authors"] = scoring.authors_score(
            out.get("authors") or [], truth["authors"], page.site
        )
    if page.kind == "real" and truth["body"]:
        scores["body"] = scoring.token_f1(out.get("body"), truth["body"])
    elif page.kind == "fixture":
        scores["body"] = scoring.fixture_body_score(out.get("body"), truth["body_checks"])
    return scores


def summarise(pages: list[Page], results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Overall rows: (metric, set) -> n, mean per tool; then speed rows."""
    rows: list[dict[str, Any]] = []
    sets: list[tuple[str, str | None]] = [("fixtures", "fixture"), ("real pages", "real")]
    if len({page.kind for page in pages}) > 1:
        sets.append(("all", None))
    for metric in FIELDS:
        for label, kind in sets:
            if metric == "body" and kind is None:
                continue  # fixture checks and token F1 are different measures
            chosen = [p for p in pages if kind is None or p.kind == kind]
            row: dict[str, Any] = {"metric": metric, "set": label}
            for tool in TOOLS:
                got = [results[p.id][tool]["scores"].get(metric) for p in chosen]
                present = [v for v in got if v is not None]
                row[tool] = statistics.fmean(present) if present else None
                row["n"] = len(present)  # the same for both tools (truth-driven)
            if row["n"]:
                rows.append(row)
    for label, kind in sets:
        chosen = [p for p in pages if kind is None or p.kind == kind]
        row = {"metric": "ms/page (median)", "set": label, "n": len(chosen)}
        for tool in TOOLS:
            times = [results[p.id][tool]["ms"] for p in chosen]
            times = [t for t in times if t is not None]
            row[tool] = statistics.median(times) if times else None
        if chosen:
            rows.append(row)
    return rows


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _cell(result: dict[str, Any], metric: str) -> str:
    if result.get("error"):
        return "err"
    if result.get("skipped"):
        return "n/a"
    return _fmt(result["scores"].get(metric))


def render(
    pages: list[Page], results: dict[str, dict[str, Any]], rows: list[dict], meta: dict
) -> str:
    out = ["# Extraction benchmark: extract_article vs trafilatura.bare_extraction", ""]
    out += [f"- Date: {meta['date']}", f"- Machine: {meta['machine']}"]
    out += [f"- Command: `{meta['command']}`", f"- Timed rounds per page: {meta['repeats']}"]
    out += [f"- Note: {note}" for note in meta["notes"]]
    out += ["", "Scores are 0-1; `—` = no ground truth; see bench/extraction/README.md.", ""]
    out += ["## Overall", "", "| metric | set | n | ours | trafilatura |", "|---|---|---|---|---|"]
    for row in rows:
        digits = 1 if row["metric"].startswith("ms") else 3
        cells = [row["metric"], row["set"], str(row["n"])]
        cells += [_fmt(row[t], digits) for t in TOOLS]
        out.append("| " + " | ".join(cells) + " |")
    ratios = [
        f"- {row['set']}: **{row['ours'] / row['trafilatura']:.2f}**"
        for row in rows
        if row["metric"].startswith("ms") and row["ours"] and row["trafilatura"]
    ]
    if ratios:
        out += ["", "Speed ratio ours / trafilatura (median ms/page; target ≤ 1.5):", "", *ratios]
    header = "| page | " + " | ".join(f"{m} ours | {m} traf" for m in FIELDS)
    header += " | ms ours | ms traf |"
    for kind, title in (
        ("fixture", "Fixture pages (body = check score)"),
        ("real", "Real pages (body = token F1)"),
    ):
        chosen = [p for p in pages if p.kind == kind]
        if not chosen:
            continue
        out += ["", f"## {title}", "", header, "|---" * (2 * len(FIELDS) + 3) + "|"]
        for page in chosen:
            cells = [page.id]
            for metric in FIELDS:
                cells += [_cell(results[page.id][t], metric) for t in TOOLS]
            cells += [_fmt(results[page.id][t]["ms"], 1) for t in TOOLS]
            out.append("| " + " | ".join(cells) + " |")
    losses = [
        f"- {p.id}: {m} {_fmt(ours)} < {_fmt(traf)}"
        for p in pages
        for m in FIELDS
        if (ours := results[p.id]["ours"]["scores"].get(m)) is not None
        and (traf := results[p.id]["trafilatura"]["scores"].get(m)) is not None
        and not results[p.id]["ours"].get("skipped")
        and ours < traf
    ]
    out += ["", "## Where ours scores below trafilatura", ""] + (losses or ["- none"])
    errors = [
        f"- {pid} ({t}): {r['error']}"
        for pid, rs in results.items()
        for t, r in rs.items()
        if r.get("error")
    ]
    if errors:
        out += ["", "## Errors", "", *errors]
    return "\n".join(out) + "\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from trafilatura import __version__ as traf_version

    return (
        f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, trafilatura {traf_version}"
    )


def collect_pages(args: argparse.Namespace) -> tuple[list[Page], list[str]]:
    """The pages to score and notes about fixtures that could not be used."""
    notes: list[str] = []
    pages: list[Page] = []
    if args.only != "real" and args.fixtures.is_dir():
        fixture_pages, problems = load_fixture_pages(args.fixtures)
        pages += fixture_pages
        notes += problems
    if args.only != "fixture" and (args.real_pages / "truth.jsonl").is_file():
        pages += load_real_pages(args.real_pages)
    if args.page:
        pages = [p for p in pages if any(s in p.id for s in args.page)]
    return pages, notes


def score_runs(pages: list[Page], runs: dict[str, dict[str, Run]]) -> dict[str, dict[str, Any]]:
    """page id -> tool -> {ms, error, skipped, scores[, failed_body_checks]}."""
    results: dict[str, dict[str, Any]] = {}
    for page in pages:
        results[page.id] = {}
        for tool in TOOLS:
            found = runs[page.id].get(tool)
            run = found or Run()
            entry: dict[str, Any] = {"ms": run.ms, "error": run.error, "skipped": found is None}
            output = None if run.error else run.output
            entry["scores"] = score_page(page, output) if found else dict.fromkeys(FIELDS)
            if page.kind == "fixture" and run.output is not None:
                body = run.output.get("body")
                checks = scoring.fixture_body_checks(body, page.truth["body_checks"])
                entry["failed_body_checks"] = [name for name, ok in checks.items() if not ok]
            results[page.id][tool] = entry
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds per page (5)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--out", type=Path, help="write the Markdown report here")
    parser.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "fixtures" / "sites")
    parser.add_argument("--real-pages", type=Path, default=ROOT.parent / "shared" / "real-pages")
    parser.add_argument("--only", choices=("fixture", "real"), help="score one page set only")
    parser.add_argument(
        "--page", action="append", help="only page ids containing this (repeatable)"
    )
    args = parser.parse_args(argv)

    pages, notes = collect_pages(args)
    if not pages:
        print("no pages found", file=sys.stderr)
        return 1
    tools: dict[str, Extractor] = {}
    ours, problem = ours_extractor()
    if ours is not None:
        tools["ours"] = ours
    else:
        notes.append(str(problem))
    tools["trafilatura"] = trafilatura_extractor()
    results = score_runs(pages, measure(pages, tools, args.repeats))

    command = ".venv/bin/python -m bench.extraction"
    if argv is None:
        argv = sys.argv[1:]
    if argv:
        command += " " + shlex.join(argv)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "command": command,
        "repeats": args.repeats,
        "notes": notes,
    }
    rows = summarise(pages, results)
    report = render(pages, results, rows, meta)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    if args.json:
        payload = {
            **meta,
            "overall": rows,
            "pages": [{"id": p.id, "kind": p.kind, "site": p.site, **results[p.id]} for p in pages],
        }
        args.json.write_text(
            json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

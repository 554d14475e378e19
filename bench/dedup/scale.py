"""Scale benchmark: stream N generated items through the deduplicator and through the
plain datasketch baseline, each in its own process, and compare speed and memory.

The corpus (``generate``) is random text over a 50,000-word Zipf vocabulary (about
10% capitalised "names", 1% numbers), bodies of median ~470 words, 300 sites with
two footer lines each, and ``copy_share`` copies of recent items (identical with
another site's footer, truncated to 40-70%, with an intro, lightly edited, or a
longer update). It is written to JSONL first; generation is not timed.

Each run is a worker subprocess (``bench.dedup.scale_worker``; or ``scrapy dedup``
itself) that reads the JSONL, decides every line, writes it back with
``cluster_id`` and ``duplicate_of``, and reports its own timing and peak RSS. The
parent then scores the output against the generator's labels (copies found with
their original, pairwise precision).
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from bench.dedup import metrics

SITES = 300
VOCAB = 50_000
RECENT = 20_000
COPY_KINDS = ("identical", "truncated", "intro", "edited", "update")
COPY_WEIGHTS = (0.25, 0.25, 0.15, 0.2, 0.15)


def vocabulary(rng: np.random.Generator) -> np.ndarray:
    """``VOCAB`` distinct pseudo-words, most frequent first."""
    syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < VOCAB:
        size = int(rng.integers(1, 5))
        word = "".join(syllables[i] for i in rng.integers(0, len(syllables), size))
        if word not in seen:
            seen.add(word)
            words.append(word)
    ranks = np.arange(VOCAB)
    names = (ranks > 200) & (rng.random(VOCAB) < 0.1)
    numbers = (ranks > 100) & (rng.random(VOCAB) < 0.01)
    out = np.array(words, dtype=object)
    out[names] = [w.capitalize() for w in out[names]]
    out[numbers] = [str(int(n)) for n in rng.integers(2, 5000, int(numbers.sum()))]
    return out


class Generator:
    """Deterministic stream of labelled records (see module docstring)."""

    def __init__(self, seed: int, copy_share: float) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = vocabulary(self.rng)
        weights = 1.0 / (np.arange(VOCAB) + 2.7)
        self.cdf = np.cumsum(weights / weights.sum())
        self.footers = [[self.text(12), self.text(9)] for _ in range(SITES)]
        self.copy_share = copy_share
        self.recent: list[dict[str, Any]] = []
        self.start = 1_725_000_000

    def words(self, count: int) -> np.ndarray:
        idx = np.searchsorted(self.cdf, self.rng.random(count))
        return self.vocab[np.minimum(idx, VOCAB - 1)]

    def text(self, count: int) -> str:
        return " ".join(self.words(count))

    def paragraphs(self, count: int) -> list[str]:
        words = self.words(count)
        cuts = np.cumsum(self.rng.integers(30, 70, count // 30 + 2))
        cuts = cuts[cuts < count]
        return [" ".join(part) for part in np.split(words, cuts) if len(part)]

    def record(self, index: int) -> dict[str, Any]:
        rng = self.rng
        moment = self.start + 3 * index
        if self.recent and rng.random() < self.copy_share:
            return self.copy(index, moment)
        site = int(rng.integers(0, SITES))
        body = self.paragraphs(int(np.clip(rng.normal(470, 130), 150, 1100)))
        url = f"https://s{site}.example/a/{index}"
        self.recent.append({"paragraphs": body, "cluster": index, "url": url})
        if len(self.recent) > RECENT:
            self.recent.pop(0)
        return self.line(url, site, body, moment, index, "original")

    def copy(self, index: int, moment: int) -> dict[str, Any]:
        rng = self.rng
        story = self.recent[int(rng.integers(0, len(self.recent)))]
        body = list(story["paragraphs"])
        kind = str(rng.choice(COPY_KINDS, p=COPY_WEIGHTS))
        site = int(rng.integers(0, SITES))
        url = f"https://s{site}.example/c/{index}"
        if kind == "truncated":
            body = body[: max(1, round(len(body) * rng.uniform(0.4, 0.7)))]
        elif kind == "intro":
            body = [self.text(int(rng.integers(25, 50))), *body]
        elif kind == "edited":
            words = " ".join(body).split(" ")
            for i in rng.choice(len(words), len(words) // 20, replace=False):
                words[i] = self.text(1)
            body = [" ".join(words[i : i + 50]) for i in range(0, len(words), 50)]
        elif kind == "update":
            body = body + self.paragraphs(int(rng.integers(60, 140)))
            url = f"{story['url']}-update-{index}"
        return self.line(url, site, body, moment, story["cluster"], kind)

    def line(
        self, url: str, site: int, body: list[str], moment: int, cluster: int, kind: str
    ) -> dict[str, Any]:
        published = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(moment))
        return {
            "url": url,
            "site": f"s{site}.example",
            "published": published,
            "body": "\n\n".join([*body, *self.footers[site]]),
            "_label": {"cluster": cluster, "kind": kind},
        }


def generate(path: Path, n: int, seed: int = 7, copy_share: float = 0.3) -> dict[str, Any]:
    """Write ``n`` records to ``path``; return corpus statistics."""
    started = time.perf_counter()
    gen = Generator(seed, copy_share)
    kinds: Counter[str] = Counter()
    sample: list[int] = []
    with path.open("w", encoding="utf-8") as out:
        for index in range(n):
            record = gen.record(index)
            kinds[record["_label"]["kind"]] += 1
            if index % 50 == 0:
                sample.append(len(record["body"].split()))
            out.write(json.dumps(record) + "\n")
    copies = n - kinds["original"]
    return {
        "items": n,
        "copy_share": copies / n if n else 0.0,
        "kinds": dict(kinds),
        "median_words": statistics.median(sample) if sample else 0,
        "seconds": time.perf_counter() - started,
    }


def generated(path: Path, n: int, seed: int) -> dict[str, Any]:
    """:func:`generate`, or the statistics of the same corpus already generated at
    ``path`` (a kept ``--workdir``; generation is not timed)."""
    stats = path.with_suffix(".stats.json")
    if path.is_file() and stats.is_file():
        known = json.loads(stats.read_text())
        if known.get("items") == n and known.get("seed") == seed:
            return dict(known)
    corpus = {**generate(path, n, seed), "seed": seed}
    stats.write_text(json.dumps(corpus))
    return corpus


def memory_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current RSS, peak RSS) in MB from ``/proc/<pid>/status``.

    ``VmHWM`` is used rather than ``getrusage().ru_maxrss``: on Linux a process keeps
    the ``ru_maxrss`` of its parent's image across fork and exec, so a worker started
    by a large parent would report the parent's size.
    """
    values = {"VmRSS": 0.0, "VmHWM": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return values["VmRSS"], values["VmHWM"]


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (parents read from ``/proc/*/stat``)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def score(output: Path) -> dict[str, float | None]:
    """Copies found with their original and pairwise precision, from an output file."""
    pred: dict[str, str] = {}
    true: dict[str, str] = {}
    first_of: dict[int, str] = {}
    copies: list[tuple[str, int]] = []
    with output.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            label = record["_label"]
            url = record["url"]
            pred[url] = str(record.get("cluster_id"))
            true[url] = str(label["cluster"])
            if label["kind"] == "original":
                first_of[label["cluster"]] = url
            else:
                copies.append((url, label["cluster"]))
    found = [pred[u] == pred[first_of[c]] for u, c in copies if c in first_of]
    return {
        "copy_recall": sum(found) / len(found) if found else None,
        "pair_precision": metrics.pairwise(pred, true).precision if pred else None,
    }


def run_worker(
    kind: str, source: Path, output: Path, limit: int = 0, *, cli: bool = False
) -> dict[str, Any]:
    """One worker process (or ``scrapy dedup`` itself with ``cli``): its report, its
    peak RSS (its own ``VmHWM``, or the largest sum of the RSS of the process and its
    children sampled every 0.25 s, whichever is larger), its CPU time (children
    included) and the scores of its output."""
    root = Path(__file__).resolve().parents[2]
    if cli:
        scrapy = Path(sys.executable).with_name("scrapy")
        command = [str(scrapy), "dedup", str(source), "-o", str(output)]
    else:
        module = "bench.dedup.scale_worker"
        command = [sys.executable, "-m", module, kind, str(source), str(output), str(limit)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    log = output.with_suffix(".log")
    started = time.perf_counter()
    peak = 0.0
    with log.open("w") as err, output.with_suffix(".report").open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=root)
        tree: list[int] = [proc.pid]
        for tick in itertools.count():
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if tick % 20 == 0:  # finding the children scans /proc: not every sample
                tree = descendants(proc.pid)
            rss = sum(memory_mb(p)[0] for p in tree)
            peak = max(peak, memory_mb(proc.pid)[1], rss)
            time.sleep(0.25)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{tail}")
    if cli:
        with output.open("rb") as written:
            items = sum(1 for _ in written)
        report: dict[str, Any] = {
            "name": "scrapy dedup (CLI process)",
            "items": items,
            "seconds": wall,
            "rate": items / wall if wall else 0.0,
            "rate_last": None,
            "rss_per_item_kb": None,
            "maxrss_mb": peak,
        }
    else:
        report = json.loads(output.with_suffix(".report").read_text().strip().splitlines()[-1])
        report["process_peak_mb"] = report["maxrss_mb"]
        report["maxrss_mb"] = max(report["maxrss_mb"], peak)
    report["tree_peak_mb"] = peak
    report["wall_seconds"] = wall
    report["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    report["rate_cpu"] = report["items"] / report["cpu_seconds"] if report["cpu_seconds"] else 0.0
    return {**report, **score(output)}


def run_scale(
    n: int, workdir: Path, *, seed: int = 7, baseline_max: int = 50_000, ours: str = "worker"
) -> dict[str, Any]:
    """Generate ``n`` items, run ours on all of them (``ours``: "worker", "cli" for
    ``scrapy dedup`` itself, or "both") and the baseline on the first
    ``min(n, baseline_max)``."""
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"scale-{n}.jsonl"
    corpus = generated(source, n, seed)
    runs = []
    if ours in ("worker", "both"):
        runs.append(run_worker("ours", source, workdir / "ours.jsonl"))
    if ours in ("cli", "both"):
        runs.append(run_worker("ours", source, workdir / "cli.jsonl", cli=True))
    limit = min(n, baseline_max)
    if limit:
        runs.append(run_worker("baseline", source, workdir / "baseline.jsonl", limit))
    result: dict[str, Any] = {"corpus": corpus, "runs": runs}
    first, base = runs[0], runs[-1]
    if limit and base["rate"]:
        result["ratios"] = {
            "rate": first["rate"] / base["rate"],
            "rate_cpu": first["rate_cpu"] / base["rate_cpu"],
        }
        if first.get("rss_per_item_kb") and base.get("rss_per_item_kb"):
            result["ratios"]["rss_per_item"] = first["rss_per_item_kb"] / base["rss_per_item_kb"]
    return result

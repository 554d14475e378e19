"""Worker processes of the scale benchmark (``python -m bench.dedup.scale_worker``).

``ours``: the code of ``scrapy dedup IN -o OUT`` (a fresh in-memory store: learn the
sites' lines, check in batches, finalize, write every line back). ``baseline``:
the datasketch baseline on the first ``limit`` lines, written back the same way.
Each prints one JSON line: items, seconds, items/s overall and over the last 10%
of the items, peak RSS, RSS per item (peak minus the RSS before the first item),
time per phase and verdicts per stage when available.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.dedup.scale import memory_mb

#: Items between two progress lines of ours on stderr (the run's log).
PROGRESS = 50_000


class PhaseTimer:
    """Accumulated seconds (wall clock and this process's CPU) of wrapped callables."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.cpu[name] += time.process_time() - cpu

        return timed


def count_lines(path: Path, limit: int) -> int:
    with path.open("rb") as source:
        total = sum(1 for _ in source)
    return min(total, limit) if limit else total


def lines(path: Path, limit: int) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as source:
        for index, line in enumerate(source):
            if limit and index >= limit:
                return
            yield json.loads(line)


def ours(source: Path, output: Path, limit: int) -> dict[str, Any]:
    """``scrapy dedup SOURCE -o OUTPUT`` in this process (``limit`` is not applied).

    Phases are timed in this process: the learning pass, the checks (with near and
    loose verification inside), finalize; the rest is reading, parsing and
    fingerprinting (in the command's worker processes on large inputs) and writing."""
    from bench.dedup.runs import CHECKS, project_dedup
    from crawler.dedup import core, offline

    timer = PhaseTimer()
    offline.final_clusters = timer.wrap("finalize", offline.final_clusters)
    core.near_matches = timer.wrap("near verify", core.near_matches)
    core.loose_matches = timer.wrap("loose verify", core.loose_matches)
    total = count_lines(source, 0)
    mark = total - total // 10
    rss0 = memory_mb()[0]
    started = time.perf_counter()
    dedup = project_dedup()
    for attr, name in (
        ("learn_lines", "learn pass"),
        ("learn_line_hashes", "learn pass"),
        ("fingerprint", "fingerprint (main process)"),
    ):
        if hasattr(dedup, attr):
            setattr(dedup, attr, timer.wrap(name, getattr(dedup, attr)))
    fingerprinter = dedup.fingerprinter  # redone in this process (learned lines changed)
    fingerprinter.fingerprint = timer.wrap("fingerprint (main process)", fingerprinter.fingerprint)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    progress = {"count": 0, "mark": started, "mark_count": 0, "done": started}

    def counting(check: Any) -> Any:
        def checked(batch: Any) -> Any:
            found = check(batch)
            before = progress["count"]
            progress["count"] += len(batch)
            if before < mark <= progress["count"]:
                progress["mark"] = time.perf_counter()
                progress["mark_count"] = progress["count"]
            progress["done"] = time.perf_counter()
            return found

        return timer.wrap("check", checked)

    for attr in CHECKS:
        if hasattr(dedup, attr):
            setattr(dedup, attr, counting(getattr(dedup, attr)))
    offline.dedup_files(dedup, [source], output, progress=PROGRESS, log=sys.stderr)
    seconds = time.perf_counter() - started
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    main_cpu = own.ru_utime + own.ru_stime - cpu0.ru_utime - cpu0.ru_stime
    stages = {k.split("/")[-1]: v for k, v in dedup.stats.items() if k.startswith("dedup/stage/")}
    stages["re-fingerprinted"] = dedup.stats.get("dedup/refingerprinted", 0)
    dedup.close()
    last = progress["done"] - progress["mark"]
    last_items = progress["count"] - int(progress["mark_count"])
    out = report("ours (scrapy dedup)", total, seconds, last, last_items, rss0, {}, stages)
    out["phases"] = split_phases(timer.seconds, seconds)
    out["phases_cpu"] = split_phases(timer.cpu, main_cpu)
    out["main_cpu_seconds"] = main_cpu
    out["workers_cpu_seconds"] = children.ru_utime + children.ru_stime
    return out


def split_phases(t: dict[str, float], total: float) -> dict[str, float]:
    """Exclusive seconds per phase: the checks without the verification and re-fingerprinting
    inside them, and the rest (reading, waiting for the fingerprinting processes, writing)."""
    inner = sum(
        t.get(k, 0.0) for k in ("near verify", "loose verify", "fingerprint (main process)")
    )
    phases = {k: v for k, v in t.items() if k != "check"}
    phases["index lookup + store"] = t.get("check", 0.0) - inner
    outer = t.get("learn pass", 0.0) + t.get("check", 0.0) + t.get("finalize", 0.0)
    phases["read, fingerprint (workers), write"] = total - outer
    return phases


def baseline(source: Path, output: Path, limit: int) -> dict[str, Any]:
    from bench.dedup.baseline import MinHashBaseline

    total = count_lines(source, limit)
    rss0 = memory_mb()[0]
    started = time.perf_counter()
    dedup = MinHashBaseline()
    mark = total - total // 10
    mark_time = started
    count = 0
    with output.open("w", encoding="utf-8") as out:
        for record in lines(source, limit):
            cluster, match = dedup.check_and_add(record["url"], record["body"])
            record.update({"cluster_id": cluster, "duplicate_of": match})
            out.write(json.dumps(record) + "\n")
            count += 1
            if count == mark:
                mark_time = time.perf_counter()
    seconds = time.perf_counter() - started
    last = time.perf_counter() - mark_time
    return report("datasketch MinHashLSH", count, seconds, last, total - mark, rss0, {}, {})


def report(
    name: str,
    items: int,
    seconds: float,
    last_seconds: float,
    last_items: int,
    rss0: float,
    phases: dict[str, float],
    stages: dict[str, int],
) -> dict[str, Any]:
    peak = memory_mb()[1]
    return {
        "name": name,
        "items": items,
        "seconds": seconds,
        "rate": items / seconds if seconds else 0.0,
        "rate_last": last_items / last_seconds if last_items and last_seconds else None,
        "maxrss_mb": peak,
        "rss_per_item_kb": (peak - rss0) * 1024 / items if items else 0.0,
        "phases": phases,
        "stages": stages,
    }


def main(argv: list[str]) -> int:
    kind, source, output, limit = argv[0], Path(argv[1]), Path(argv[2]), int(argv[3])
    run = {"ours": ours, "baseline": baseline}[kind]
    print(json.dumps(run(source, output, limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

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
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.dedup.scale import memory_mb


class PhaseTimer:
    """Accumulated seconds of wrapped callables."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started

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
    from bench.dedup.runs import CHECKS, dedup_file, project_dedup
    from crawler.dedup import core

    timer = PhaseTimer()
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
        ("finalize_clusters", "finalize"),
    ):
        if hasattr(dedup, attr):
            setattr(dedup, attr, timer.wrap(name, getattr(dedup, attr)))
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
    dedup_file(dedup, source, output)
    seconds = time.perf_counter() - started
    t = dict(timer.seconds)
    inner = sum(
        t.get(k, 0.0) for k in ("near verify", "loose verify", "fingerprint (main process)")
    )
    phases = {k: v for k, v in t.items() if k != "check"}
    phases["index lookup + store"] = t.get("check", 0.0) - inner
    outer = t.get("learn pass", 0.0) + t.get("check", 0.0) + t.get("finalize", 0.0)
    phases["read, parse, fingerprint, write"] = seconds - outer
    stages = {k.split("/")[-1]: v for k, v in dedup.stats.items() if k.startswith("dedup/stage/")}
    dedup.close()
    last = progress["done"] - progress["mark"]
    last_items = progress["count"] - int(progress["mark_count"])
    return report("ours (scrapy dedup)", total, seconds, last, last_items, rss0, phases, stages)


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

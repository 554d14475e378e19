"""Markdown tables of the quality and scale results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TARGETS = (
    ("pairwise F1", "≥ 0.95"),
    ("pairwise F1 without flashes", "≥ 0.95"),
    ("pairwise precision", "≥ 0.99"),
    ("recall on truncated copies (40% and 60%)", "≥ 0.95"),
    ("merges of different reports of one event", "0"),
)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def truncated_recall(result: dict[str, Any]) -> float | None:
    rows = [r for r in result["types"] if r["kind"] in ("truncated_40", "truncated_60")]
    total = sum(r["items"] for r in rows)
    return sum(r["linked"] * r["items"] for r in rows) / total if total else None


def targets(ours: dict[str, Any]) -> list[str]:
    overall = ours["overall"]
    same_event = ours["hard_negatives"]["same_event"]["story_pairs"]
    no_flash = ours["overall_no_flash"]
    values = (
        (overall["pair_f1"], overall["pair_f1"] >= 0.95),
        (no_flash["pair_f1"], no_flash["pair_f1"] >= 0.95),
        (overall["pair_p"], overall["pair_p"] >= 0.99),
        (truncated_recall(ours), (truncated_recall(ours) or 0) >= 0.95),
        (same_event, same_event == 0),
    )
    rows = []
    for (name, goal), (value, ok) in zip(TARGETS, values, strict=True):
        shown = value if isinstance(value, int) else num(value)
        rows.append((name, goal, shown, "pass" if ok else "**fail**"))
    return table(("target", "goal", "ours", ""), rows)


def corpus_section(stats: dict[str, Any], notes: Sequence[str]) -> list[str]:
    kinds = ", ".join(f"{k} {v}" for k, v in stats["kinds"].items())
    stories = ", ".join(f"{k} {v}" for k, v in stats["stories"].items())
    words = stats["synthetic_words"]
    lines = [
        f"- {stats['items']} items in {stats['clusters']} true clusters; base stories: {stories}.",
        f"- Items per type: {kinds}.",
        f"- Median body: {stats['median_words']:.0f} words; synthetic reports "
        f"{min(words)}–{max(words)} words (median {words[len(words) // 2]}).",
        f"- Machine-translation-like copies replace {pct(stats['mt_share'])} of content words "
        "on average.",
    ]
    lines += [f"- {note}" for note in notes]
    return lines


def overall_section(results: Sequence[dict[str, Any]]) -> list[str]:
    rows = []
    for result in results:
        for label, key in (("all items", "overall"), ("without flashes", "overall_no_flash")):
            s = result[key]
            rows.append(
                (
                    f"{result['name']} ({result['seconds']:.1f} s)",
                    label,
                    num(s["pair_p"]),
                    num(s["pair_r"]),
                    num(s["pair_f1"]),
                    num(s["b3_p"]),
                    num(s["b3_r"]),
                    num(s["b3_f1"]),
                )
            )
    header = ("run", "items", "pair P", "pair R", "pair F1", "B³ P", "B³ R", "B³ F1")
    return table(header, rows)


def types_section(ours: dict[str, Any], baseline: dict[str, Any] | None) -> list[str]:
    base = {r["kind"]: r for r in baseline["types"]} if baseline else {}
    rows = []
    for row in ours["types"]:
        other = base.get(row["kind"], {})
        stages = ", ".join(f"{k} {v}" for k, v in (row.get("stages") or {}).items())
        rows.append(
            (
                row["kind"],
                row["items"],
                pct(row.get("linked")),
                pct(row.get("pair_r")),
                pct(row["b3_p"]),
                pct(row.get("relation_ok")),
                stages,
                pct(other.get("linked")),
                pct(other.get("b3_p")),
            )
        )
    header = (
        "type",
        "items",
        "found with original",
        "pair recall",
        "B³ P",
        "relation ok",
        "stages",
        "baseline found",
        "baseline B³ P",
    )
    return table(header, rows)


def hard_negative_section(results: Sequence[dict[str, Any]]) -> list[str]:
    rows = []
    for result in results:
        hn = result["hard_negatives"]
        rows.append(
            (
                result["name"],
                hn["all"]["story_pairs"],
                hn["same_event"]["story_pairs"],
                hn["same_site"]["story_pairs"],
                hn["briefs"]["story_pairs"],
            )
        )
    out = table(
        ("run", "stories merged (pairs)", "same event", "same site", "involving a brief"), rows
    )
    first = results[0]["hard_negatives"]
    out += [
        "",
        f"{first['multi_report_events']} events have two or more independent reports "
        f"({first['same_event_story_pairs']} pairs of stories that must stay apart).",
    ]
    for result in results:
        examples = result["hard_negatives"]["all"]["examples"]
        if examples:
            shown = "; ".join(" + ".join(pair) for pair in examples[:5])
            out.append(f"{result['name']} merged, e.g.: {shown}")
    return out


def order_section(orders: Sequence[dict[str, Any]]) -> list[str]:
    rows = []
    for o in orders:
        same = o["differing_items"] == 0 and o["canonical_changes"] == 0
        moved = ", ".join(f"{k} {v}" for k, v in o["linked_changes"].items()) or "—"
        rows.append(
            (
                o["order"],
                num(o["pair_f1"]),
                o["differing_clusters"],
                o["differing_items"],
                o["canonical_changes"],
                moved,
                "yes" if same else "**no**",
            )
        )
    header = (
        "order",
        "pair F1",
        "clusters not in the published-order run",
        "items in them",
        "canonicals changed",
        "copies found/lost vs published order",
        "identical",
    )
    return table(header, rows)


def misses_section(ours: dict[str, Any], per_type: int = 3) -> list[str]:
    out = []
    for row in ours["types"]:
        misses = ours["misses"].get(row["kind"]) or []
        if not misses:
            continue
        missed = round((1 - (row.get("linked") or 0)) * row["items"])
        out.append(f"- **{row['kind']}**: {missed} of {row['items']} not with their original")
        for miss in misses[:per_type]:
            out.append(
                f"  - {miss['url']} ({miss['words']} words; stage {miss['stage']}, "
                f"similarity {miss['similarity']}) — original {miss['source']}"
            )
    return out


def scale_section(scale: dict[str, Any]) -> list[str]:
    corpus = scale["corpus"]
    lines = [
        f"Corpus: {corpus['items']:,} items, {pct(corpus['copy_share'])} copies, median body "
        f"{corpus['median_words']:.0f} words, generated in {corpus['seconds']:.0f} s (not timed).",
        "",
    ]
    rows = []
    for run in scale["runs"]:
        rows.append(
            (
                run["name"],
                f"{run['items']:,}",
                f"{run['seconds']:.1f}",
                f"{run['rate']:,.0f}",
                f"{run.get('rate_cpu', 0):,.0f}",
                "—" if run.get("rate_last") is None else f"{run['rate_last']:,.0f}",
                f"{run['maxrss_mb']:,.0f}",
                num(run.get("rss_per_item_kb"), 2),
                pct(run.get("copy_recall")),
                pct(run.get("pair_precision")),
            )
        )
    header = (
        "run",
        "items",
        "seconds",
        "items/s",
        "items per CPU-second",
        "items/s (last 10%)",
        "peak RSS MB",
        "RSS KB/item",
        "copies found",
        "pair precision",
    )
    lines += table(header, rows)
    if scale.get("ratios"):
        r = scale["ratios"]
        per_item = f", RSS per item × {r['rss_per_item']:.2f}" if "rss_per_item" in r else ""
        lines += [
            "",
            f"Ours / baseline: items/s × {r['rate']:.2f}, items per CPU-second × "
            f"{r['rate_cpu']:.2f}{per_item}.",
        ]
    for run in scale["runs"]:
        if run.get("phases"):
            phases = ", ".join(f"{k} {v:.1f} s" for k, v in run["phases"].items())
            lines += ["", f"Time per phase ({run['name']}): {phases}."]
        if run.get("stages"):
            stages = ", ".join(f"{k} {v:,}" for k, v in run["stages"].items())
            lines += ["", f"Verdicts per stage ({run['name']}): {stages}."]
    return lines

"""The seed document (read at run time from ../shared/seed/, never copied here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.enrichment import enrich_article

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "seed-article.txt"


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    if not SEED.is_file():
        pytest.skip(f"seed document not found at {SEED}")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title = next(line for line in lines[2:] if line.strip())
    return enrich_article(
        {"title": title, "body": "\n".join(lines), "section": "Entertainment News"}
    )


def test_seed_countries(seed: dict[str, Any]) -> None:
    assert {"IQ", "US", "IR"} <= set(seed["countries"])
    assert seed["primary_country"] == "IQ"
    assert "geonames:98182" in [p["id"] for p in seed["places"]]  # Baghdad


def test_seed_actors(seed: dict[str, Any]) -> None:
    ids = [a["id"] for a in seed["actors"]]
    assert "iran-aligned-iraqi-militias" in ids
    assert "kataib-hezbollah" in ids  # "the Hezbollah Brigades"
    assert "hezbollah" not in ids


def test_seed_event_is_the_rocket_attack(seed: dict[str, Any]) -> None:
    explosions = [e for e in seed["event_types"] if e["type"] == "explosions/remote violence"]
    assert len(explosions) == 1
    assert "rocket" in explosions[0]["sentence"].lower() or "Katyusha" in explosions[0]["sentence"]


def test_seed_relevance_is_high_despite_its_section(seed: dict[str, Any]) -> None:
    assert seed["relevance"] >= 0.7

"""Actors: stable ids, English and Arabic aliases, Kataib Hezbollah never Lebanon's
Hezbollah and the reverse, the Iran-aligned militias umbrella."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from crawler.enrichment import enrich_article

KH, HEZBOLLAH, UMBRELLA = "kataib-hezbollah", "hezbollah", "iran-aligned-iraqi-militias"


def actor_ids(text: str) -> list[str]:
    return [a["id"] for a in enrich_article({"body": text})["actors"]]


@pytest.mark.parametrize(
    "text",
    [
        "Kataib Hezbollah denied involvement.",
        "Kata'ib Hizballah denied involvement.",
        "Kata’ib Hizballah denied involvement.",
        "Kataib Hizbullah denied involvement.",
        "The Hezbollah Brigades denied involvement.",
        "Iraq's Hezbollah Brigades denied involvement.",
        "HEZBOLLAH BRIGADES DENY INVOLVEMENT",
        "نفت كتائب حزب الله أي تورط.",
        "وقالت كتائب حزب الله إنها غير متورطة.",
    ],
)
def test_kataib_hezbollah_is_never_lebanons_hezbollah(text: str) -> None:
    assert actor_ids(text) == [KH]


@pytest.mark.parametrize(
    "text",
    [
        "Hezbollah fired rockets at northern Israel.",
        "Lebanon's Hezbollah said its fighters attacked.",
        "Lebanese Hezbollah fighters crossed the border.",
        "Hezbollah brigades deployed along the Litani river.",
        "Hizballah's leader spoke on television.",
        "HEZBOLLAH FIRES ROCKETS",
        "أعلن حزب الله استهداف موقع إسرائيلي.",
        "نفى حزب الله اللبناني أي علاقة له بالحادث.",
    ],
)
def test_lebanons_hezbollah_is_never_kataib_hezbollah(text: str) -> None:
    assert actor_ids(text) == [HEZBOLLAH]


def test_both_groups_in_one_text_stay_apart() -> None:
    text = "Kataib Hezbollah, not to be confused with Lebanon's Hezbollah, is Iraqi."
    assert actor_ids(text) == [KH, HEZBOLLAH]
    assert actor_ids("Harakat Hezbollah al-Nujaba and Hezbollah") == [
        "harakat-al-nujaba",
        HEZBOLLAH,
    ]


@pytest.mark.parametrize(
    "phrase",
    [
        "Iran-backed militias",
        "Iranian allied militias",
        "Iranian-backed militias",
        "Iran-aligned armed groups",
        "militias allied to Iran",
        "pro-Iranian armed groups",
        "pro-Iran factions",
        "the Islamic Resistance in Iraq",
        "المقاومة الإسلامية في العراق",
        "الفصائل الموالية لإيران",
    ],
)
def test_umbrella_for_iran_aligned_iraqi_militias(phrase: str) -> None:
    assert actor_ids(f"US officials blamed {phrase} for the attack.")[-1] == UMBRELLA


def test_a_single_iran_backed_group_is_not_the_umbrella() -> None:
    assert UMBRELLA not in actor_ids("Strikes killed fighters from an Iran-backed group.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Islamic State fighters, ISIS, ISIL and Daesh.", ["islamic-state"]),
        ("The IS group claimed it; IS militants fled.", ["islamic-state"]),
        ("They want an Islamic state, which is not the group.", []),
        ("The Houthis, also called Ansar Allah, and الحوثيون.", ["houthis"]),
        ("The PMF, Hashd al-Shaabi and الحشد الشعبي.", ["pmf"]),
        (
            "The Saudi-led coalition and the US-led coalition.",
            ["saudi-led-coalition", "us-led-coalition"],
        ),
        ("the Qassam Brigades, Hamas's armed wing", ["hamas"]),
        ("The IRGC's Quds Force and Iran's Revolutionary Guards.", ["irgc"]),
        ("He said it is time to go.", []),
    ],
)
def test_aliases_and_case(text: str, expected: list[str]) -> None:
    assert actor_ids(text) == expected


def test_actor_output_shape_and_unique_stable_ids() -> None:
    actors = enrich_article({"body": "Hamas and the IDF; Hamas again."})["actors"]
    assert actors == [
        {"id": "hamas", "name": "Hamas", "kind": "armed_group"},
        {"id": "idf", "name": "Israel Defense Forces", "kind": "state_forces"},
    ]
    data = json.loads(files("crawler").joinpath("data/actors.json").read_text(encoding="utf-8"))
    ids = [a["id"] for a in data["actors"]]
    assert len(ids) == len(set(ids))
    assert {KH, HEZBOLLAH, UMBRELLA, "houthis", "islamic-state", "pkk", "sdf", "pmf"} <= set(ids)
    assert {"irgc", "idf", "iraqi-security-forces", "us-led-coalition", "hamas"} <= set(ids)
    for actor in data["actors"]:
        assert actor["en"] and actor["ar"], actor["id"]

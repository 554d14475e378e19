"""Countries and places: names, demonyms, transliterations, people's names, same-name
places elsewhere, ambiguous names resolved by context."""

from __future__ import annotations

from typing import Any

import pytest

from crawler.enrichment import enrich_article


def enrich(text: str, **fields: Any) -> dict[str, Any]:
    return enrich_article({"body": text, **fields})


def countries(text: str) -> list[str]:
    return sorted(enrich(text)["countries"])


def place_ids(text: str) -> list[str]:
    return [p["id"] for p in enrich(text)["places"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rockets were fired at a base in Iraq.", ["IQ"]),
        ("Iraqi officials met Iranian envoys.", ["IQ", "IR"]),
        ("The U.S. and the United States of America, the USA.", ["US"]),
        ("American and British diplomats left Beirut.", ["GB", "LB", "US"]),
        ("Iran-backed groups attacked.", ["IR"]),
        ("Les forces en Syrie et en Irak.", ["IQ", "SY"]),
        ("قالت الحكومة العراقية إن الوفد الإيراني وصل.", ["IQ", "IR"]),
        ("وصل الوفد إلى بغداد والعراق.", ["IQ"]),
    ],
)
def test_names_demonyms_and_languages(text: str, expected: list[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize("name", ["Erbil", "Arbil", "Irbil", "Hewler", "Hawler", "أربيل"])
def test_transliterations_of_erbil_are_one_place(name: str) -> None:
    result = enrich(f"A drone hit {name} airport.")
    assert result["countries"] == ["IQ"]
    assert [p["name"] for p in result["places"]] == ["Erbil"]


@pytest.mark.parametrize("name", ["Baghdad", "Bagdad", "بغداد"])
def test_transliterations_of_baghdad(name: str) -> None:
    assert place_ids(f"Talks in {name} resumed.") == ["geonames:98182"]


def test_places_carry_coordinates_and_kinds() -> None:
    places = enrich("Clashes in Anbar province and near Jurf al-Sakhar.")["places"]
    assert places == [
        {
            "id": "iso:IQ-AN",
            "name": "Anbar",
            "kind": "governorate",
            "country": "IQ",
            "lat": 33.0,
            "lon": 42.0,
        },
        {
            "id": "mesec:jurf-al-sakhar",
            "name": "Jurf al-Sakhar",
            "kind": "town",
            "country": "IQ",
            "lat": 32.87,
            "lon": 44.16,
        },
    ]
    baghdad = enrich("Baghdad")["places"][0]
    assert baghdad["kind"] == "city" and 33 < baghdad["lat"] < 34 and 44 < baghdad["lon"] < 45


def test_a_city_name_is_the_city_and_province_makes_it_the_governorate() -> None:
    assert place_ids("Baghdad") == ["geonames:98182"]
    assert place_ids("Baghdad province") == ["iso:IQ-BG"]
    assert place_ids("محافظة الأنبار") == ["iso:IQ-AN"]


@pytest.mark.parametrize(
    "text",
    [
        "Jordan Henderson has signed for Ajax.",
        "Michael Jordan's sneakers were sold at auction.",
        "Michael Jordan retired. Jordan later bought a team.",
        "Jordan Bardella addressed supporters in Marseille.",
        "Israel Adesanya lost his title fight.",
        "Chad Johnson caught two touchdowns.",
        "Georgia May Jagger walked the runway.",
    ],
)
def test_people_named_like_countries_are_not_countries(text: str) -> None:
    assert countries(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jordan closed its border with Syria.", ["JO", "SY"]),
        ("Jordan's army shot down a drone.", ["JO"]),
        ("In Jordan, protests continued.", ["JO"]),
        ("The Israel Defense Forces said troops entered Gaza.", ["IL", "PS"]),
        ("Rockets Hit Northern Israel After Strike", ["IL"]),
        ("King Abdullah of Jordan met Jordan Henderson in Amman.", ["JO"]),
    ],
)
def test_country_names_next_to_capitalised_words_still_count(
    text: str, expected: list[str]
) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lebanon, Pennsylvania, holds a bologna drop.", ["US"]),
        ("Lebanon, Pa., holds a bologna drop.", ["US"]),
        ("Medina, Ohio, opened a library.", ["US"]),
        ("Cairo, Illinois, lost half its people.", ["US"]),
        ("Athens, Georgia, has a music scene.", ["US"]),
        ("Lebanon and Pennsylvania are far apart.", ["LB", "US"]),
    ],
)
def test_same_name_places_in_the_us(text: str, expected: list[str]) -> None:
    assert countries(text) == expected
    if expected == ["US"]:
        assert enrich(text)["places"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Voters in Georgia elect a senator; Atlanta suburbs will decide.", ["US"]),
        ("Georgia accused Russia of moving markers in South Ossetia.", ["GE", "RU"]),
        ("Tbilisi said Georgia would not back down.", ["GE"]),
        ("Georgia is mentioned here alone.", []),
    ],
)
def test_georgia_the_country_or_the_us_state_by_context(text: str, expected: list[str]) -> None:
    assert countries(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Militias clashed in Tripoli, the Libyan capital.", "LY"),
        ("Gunmen fought the Lebanese army in Tripoli.", "LB"),
        ("Clashes in Tripoli near Beirut's north.", "LB"),
        ("Clashes in Tripoli, Benghazi and Misrata.", "LY"),
        ("Clashes erupted in Tripoli overnight.", "LY"),  # no cue: the larger city
        ("اشتباكات بين الجيش اللبناني ومسلحين في طرابلس.", "LB"),
    ],
)
def test_tripoli_is_libya_or_lebanon_by_context(text: str, expected: str) -> None:
    tripoli = [p for p in enrich(text)["places"] if p["name"] == "Tripoli"]
    assert [p["country"] for p in tripoli] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Turkey prices rise before Thanksgiving.",
        "Damascus steel knives are prized.",
        "Bethlehem Steel closed its plant.",
        "Ships avoided the Gulf of Aden.",
        "She ate cold turkey and French fries.",
        "A turkey sandwich, a china plate, a jersey.",
        "Batman returns; Salt prices rose; Van drivers struck.",
        "She is a member of the Pueblo of Isleta Indian tribe.",
        "صبغ شعره باللون الرمادي",  # "grey", not Ramadi
    ],
)
def test_negatives_and_common_words_are_no_country(text: str) -> None:
    assert countries(text) == []


def test_amman_and_oman_in_arabic() -> None:
    assert countries("تظاهر المئات في عمّان") == ["JO"]
    assert countries("زار الوزير سلطنة عمان") == ["OM"]


def test_inside_an_actor_name_only_countries_count() -> None:
    result = enrich("Kataib Sayyid al-Shuhada and the Islamic Resistance in Iraq.")
    assert result["countries"] == ["IQ"]
    assert result["places"] == []


def test_primary_country_weighs_places_and_title() -> None:
    result = enrich_article(
        {
            "title": "Rockets hit Baghdad airport",
            "body": "The US embassy, US officials and American diplomats blamed Iranian allies.",
        }
    )
    assert result["primary_country"] == "IQ"
    assert result["countries"][0] == "IQ"
    assert set(result["countries"]) == {"IQ", "US", "IR"}
    assert enrich("")["primary_country"] is None

"""Countries of the synthetic events: places, actors, spokesmen, context clauses.

Place names are real; every person is made up from the name lists. Each country
lists the event kinds it can host, who carries them out and what they hit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    name: str
    adj: str
    places: tuple[tuple[str, str, str], ...]  # (dateline city, area, province)
    kinds: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # kind -> (attackers, targets)
    bodies: tuple[str, ...]  # who speaks for the authorities
    ranks: tuple[str, ...]
    first: tuple[str, ...]
    last: tuple[str, ...]
    monitors: tuple[str, ...]
    context: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "Iraq",
        "Iraqi",
        (
            ("Baghdad", "Radwaniyah", "Baghdad province"),
            ("Baghdad", "Jurf al-Nasr", "Babylon province"),
            ("Kirkuk", "Daquq", "Kirkuk province"),
            ("Mosul", "Badush", "Nineveh province"),
            ("Erbil", "Harir", "the Kurdistan region"),
            ("Ramadi", "al-Qaim", "Anbar province"),
            ("Baquba", "Muqdadiyah", "Diyala province"),
            ("Tikrit", "Tarmiyah", "Salahuddin province"),
            ("Basra", "Zubair", "Basra province"),
        ),
        {
            "rocket": (
                ("the Islamic Resistance in Iraq", "Kataib Hezbollah", "an Iran-aligned faction"),
                (
                    "a base hosting US-led coalition troops",
                    "the airport logistics hub",
                    "an oil field operated by a foreign company",
                    "a diplomatic compound",
                ),
            ),
            "drone": (
                (
                    "the Islamic Resistance in Iraq",
                    "an unidentified group",
                    "Kataib Sayyid al-Shuhada",
                ),
                (
                    "a gas field",
                    "an airbase used by coalition forces",
                    "a checkpoint of the Kurdish Peshmerga",
                ),
            ),
            "bomb": (
                ("Islamic State militants", "jihadist remnants", "unknown assailants"),
                ("an army patrol", "a convoy carrying coalition supplies", "a busy market street"),
            ),
            "clash": (
                ("Islamic State fighters", "tribal gunmen", "militants hiding in the orchards"),
                (
                    "an army outpost",
                    "a police checkpoint",
                    "a Popular Mobilisation Forces position",
                ),
            ),
        },
        (
            "the Security Media Cell",
            "the Joint Operations Command",
            "the interior ministry",
            "the provincial police command",
        ),
        ("Major General", "Brigadier General", "Colonel", "Lieutenant Colonel"),
        ("Haider", "Mustafa", "Yahya", "Saad", "Abbas", "Tahseen", "Kadhim", "Muhannad"),
        (
            "al-Jubouri",
            "al-Obeidi",
            "al-Saadi",
            "al-Khafaji",
            "al-Tamimi",
            "al-Dulaimi",
            "al-Shammari",
            "al-Zaidi",
        ),
        ("the Iraqi Observatory for Human Rights", "a local security official"),
        (
            "Iraq has sought to keep out of the wider regional conflict while hosting about "
            "2,500 US troops under an agreement with the coalition",
            "armed factions close to Iran have claimed dozens of attacks on US interests in "
            "Iraq and Syria over the past year",
            "Islamic State sleeper cells remain active in the rugged areas between Kirkuk, "
            "Salahuddin and Diyala despite the group's territorial defeat in 2017",
            "the government of Prime Minister Mohammed Shia al-Sudani depends on the support "
            "of a coalition that includes parties with links to the armed factions",
        ),
    ),
    Country(
        "Syria",
        "Syrian",
        (
            ("Damascus", "Mazzeh", "Damascus countryside"),
            ("Damascus", "Sayyida Zeinab", "Damascus countryside"),
            ("Deir Ezzor", "Albu Kamal", "Deir Ezzor province"),
            ("Aleppo", "al-Safira", "Aleppo province"),
            ("Homs", "al-Qusayr", "Homs province"),
            ("Daraa", "Tafas", "Daraa province"),
            ("Qamishli", "Tal Tamr", "Hasakeh province"),
        ),
        {
            "airstrike": (
                ("Israeli warplanes", "US aircraft", "Russian jets"),
                (
                    "a residential building",
                    "a weapons depot used by Iran-backed groups",
                    "a truck convoy on the border road",
                    "a military airport",
                ),
            ),
            "drone": (
                ("a Turkish drone", "an unidentified drone", "Iran-backed fighters"),
                (
                    "a car on the highway",
                    "a base of the Kurdish-led forces",
                    "a motorcycle in the old market",
                ),
            ),
            "bomb": (
                ("unknown assailants", "Islamic State militants", "gunmen"),
                ("a bus carrying soldiers", "a minibus of pilgrims", "a fuel station"),
            ),
            "shelling": (
                ("government forces", "rebel groups", "Turkish artillery"),
                (
                    "villages on the frontline",
                    "a camp for displaced families",
                    "farmland outside the town",
                ),
            ),
        },
        (
            "the defence ministry",
            "the official SANA news agency",
            "the provincial governor's office",
        ),
        ("General", "Brigadier", "Colonel"),
        ("Bassam", "Khaled", "Firas", "Nizar", "Rami", "Wael", "Ghassan", "Maher"),
        ("Haddad", "Khoury", "al-Hamwi", "Darwish", "Shami", "Hallak", "Sabbagh", "Idlibi"),
        ("the Syrian Observatory for Human Rights", "a local monitoring network"),
        (
            "Syria's war has killed more than half a million people since it broke out with "
            "the repression of anti-government protests in 2011",
            "Israel has carried out hundreds of strikes in Syria, mostly targeting "
            "Iran-backed forces and Hezbollah positions, but rarely comments on them",
            "the Islamic State group has stepped up attacks in the central desert, where its "
            "cells hide in caves and abandoned villages",
            "about 900 US troops remain in the northeast alongside Kurdish-led forces",
        ),
    ),
    Country(
        "Lebanon",
        "Lebanese",
        (
            ("Tyre", "Maaliyeh", "south Lebanon"),
            ("Nabatieh", "Kfar Roummane", "south Lebanon"),
            ("Marjayoun", "Khiam", "south Lebanon"),
            ("Bint Jbeil", "Aitaroun", "south Lebanon"),
            ("Baalbek", "Hermel", "the Bekaa valley"),
            ("Sidon", "Ghaziyeh", "south Lebanon"),
            ("Beirut", "Haret Hreik", "Beirut's southern suburbs"),
        ),
        {
            "airstrike": (
                ("Israeli warplanes", "the Israeli air force"),
                (
                    "a three-storey building",
                    "a house on the edge of the village",
                    "a warehouse near the river",
                    "a car on the coastal road",
                ),
            ),
            "drone": (
                ("an Israeli drone", "Israeli drones"),
                (
                    "a car on the coastal road",
                    "a motorcycle near the municipality",
                    "a group of men outside a shop",
                ),
            ),
            "shelling": (
                ("Israeli artillery", "Israeli tanks"),
                (
                    "the outskirts of the village",
                    "orchards near the border",
                    "a school used as a shelter",
                ),
            ),
            "rocket": (
                ("Hezbollah", "a Palestinian faction"),
                (
                    "an Israeli army position across the border",
                    "the town of Kiryat Shmona",
                    "a military base in the Upper Galilee",
                ),
            ),
        },
        ("the health ministry", "the National News Agency", "the Lebanese army", "civil defence"),
        ("Dr", "Brigadier General", "Colonel"),
        ("Ali", "Hussein", "Mohammad", "Khalil", "Imad", "Fadi", "Rabih", "Nabil"),
        ("Mroueh", "Fadlallah", "Bazzi", "Nassar", "Saad", "Hamdan", "Jaber", "Sweidan"),
        ("the National News Agency", "a local mayor"),
        (
            "more than 1,000 people have been killed in Lebanon since the escalation began in "
            "late September, according to the health ministry",
            "Hezbollah says it opened the front in support of its ally Hamas the day after "
            "the October 7 attack",
            "the United Nations says hundreds of thousands of people have fled the south, many "
            "of them to schools turned into shelters in Beirut and Sidon",
            "Unifil peacekeepers patrol the area between the Litani river and the border under "
            "Security Council resolution 1701",
        ),
    ),
    Country(
        "Gaza",
        "Palestinian",
        (
            ("Gaza City", "Zeitoun", "northern Gaza"),
            ("Gaza City", "Shejaiya", "northern Gaza"),
            ("Khan Younis", "Bani Suheila", "southern Gaza"),
            ("Rafah", "Tal al-Sultan", "southern Gaza"),
            ("Deir el-Balah", "Nuseirat", "central Gaza"),
            ("Jabalia", "Beit Lahia", "northern Gaza"),
        ),
        {
            "airstrike": (
                ("Israeli aircraft", "the Israeli air force"),
                (
                    "a school sheltering displaced families",
                    "a family home",
                    "a tent camp near the coast",
                    "a crowd waiting for flour",
                ),
            ),
            "shelling": (
                ("Israeli tanks", "Israeli artillery"),
                (
                    "the eastern neighbourhoods",
                    "a street near the hospital",
                    "a water distribution point",
                ),
            ),
            "clash": (
                ("Hamas fighters", "Islamic Jihad's armed wing", "Palestinian gunmen"),
                ("Israeli troops", "an Israeli tank unit", "soldiers clearing a tunnel shaft"),
            ),
        },
        (
            "the civil defence agency",
            "the health ministry in the Hamas-run territory",
            "the Israeli military",
        ),
        ("Dr", "spokesman", "director"),
        ("Mahmoud", "Khalil", "Ahmed", "Ismail", "Yousef", "Mohammed", "Hazem", "Basel"),
        ("Abu Shamala", "al-Masri", "Qudra", "Baroud", "Abu Amer", "Shurrab", "al-Agha", "Hijazi"),
        ("the UN humanitarian office OCHA", "medics at al-Aqsa Martyrs hospital"),
        (
            "the war began with Hamas's October 7, 2023 attack on southern Israel",
            "most of Gaza's 2.4 million people have been displaced at least once, according to "
            "the United Nations",
            "aid agencies say hunger is spreading as deliveries through the crossings have slowed",
            "mediators from Qatar, Egypt and the United States have failed to secure a truce",
        ),
    ),
    Country(
        "Yemen",
        "Yemeni",
        (
            ("Hodeidah", "Ras Isa", "the Red Sea coast"),
            ("Sanaa", "Bani Matar", "Sanaa province"),
            ("Marib", "Sirwah", "Marib province"),
            ("Taez", "al-Hawban", "Taez province"),
            ("Aden", "Khor Maksar", "Aden"),
            ("Mokha", "Dhubab", "the Bab el-Mandeb strait"),
        ),
        {
            "ship": (
                ("the Houthis", "Huthi rebels"),
                (
                    "a Liberian-flagged bulk carrier",
                    "a Greek-owned oil tanker",
                    "a container ship bound for Suez",
                ),
            ),
            "airstrike": (
                ("US and British aircraft", "Israeli jets", "coalition warplanes"),
                (
                    "fuel storage tanks at the port",
                    "a radar site",
                    "a power station",
                    "a missile launch site",
                ),
            ),
            "drone": (
                ("the Houthis", "al-Qaeda in the Arabian Peninsula"),
                (
                    "a government military camp",
                    "a checkpoint of southern forces",
                    "an oil terminal",
                ),
            ),
            "clash": (
                ("Houthi fighters", "tribal forces", "government troops"),
                ("government positions", "a Houthi supply line", "front-line trenches"),
            ),
        },
        (
            "the Houthi-run Saba news agency",
            "UKMTO",
            "US Central Command",
            "the government defence ministry",
        ),
        ("Brigadier", "Colonel", "Captain"),
        ("Abdulmalik", "Yahya", "Nasser", "Fares", "Mohammed", "Saleh", "Hamoud", "Abdullah"),
        ("al-Hamdani", "al-Ahmar", "al-Awlaqi", "al-Sharabi", "Qaid", "al-Muqbili", "al-Hakimi"),
        ("a port official", "a Yemeni security source"),
        (
            "the Houthis have attacked dozens of merchant ships since November, saying they act in "
            "solidarity with Palestinians in Gaza",
            "Yemen's war has pitted the Houthis against a Saudi-led coalition since 2015",
            "shipping companies have diverted vessels around the Cape of Good Hope to avoid the "
            "Red Sea",
            "the United States and Britain have struck Houthi targets repeatedly since January",
        ),
    ),
    Country(
        "Iran",
        "Iranian",
        (
            ("Tehran", "Parchin", "Tehran province"),
            ("Zahedan", "Saravan", "Sistan-Baluchestan province"),
            ("Isfahan", "Natanz", "Isfahan province"),
            ("Kermanshah", "Sarpol-e Zahab", "Kermanshah province"),
            ("Ahvaz", "Shadegan", "Khuzestan province"),
            ("Bandar Abbas", "Qeshm", "Hormozgan province"),
        ),
        {
            "clash": (
                ("Jaish al-Adl militants", "armed smugglers", "gunmen"),
                ("a police station", "a border guard post", "a Revolutionary Guards convoy"),
            ),
            "bomb": (
                ("unknown assailants", "a suicide bomber", "militants"),
                ("a crowd at a memorial", "a police car", "a gas pipeline"),
            ),
            "drone": (
                ("small quadcopters", "unidentified drones"),
                ("a military workshop", "an ammunition factory", "a radar installation"),
            ),
        },
        (
            "the IRNA news agency",
            "the interior ministry",
            "the Revolutionary Guards",
            "the provincial governor",
        ),
        ("General", "Colonel", "Commander"),
        ("Reza", "Mehdi", "Hamid", "Saeed", "Majid", "Farhad", "Alireza", "Hossein"),
        ("Rahimi", "Karimi", "Mousavi", "Ahmadi", "Jafari", "Nouri", "Sadeghi", "Hosseini"),
        ("the Haalvsh rights group", "a local official quoted by Tasnim"),
        (
            "Iran fired about 200 missiles at Israel on October 1, saying it was avenging the "
            "killing of militant leaders",
            "Sistan-Baluchestan, which borders Pakistan and Afghanistan, is one of Iran's poorest "
            "provinces and has seen repeated clashes",
            "Tehran has accused Israel of sabotage at several military and nuclear sites",
            "Iran has warned it will respond to any attack on its territory",
        ),
    ),
    Country(
        "Gulf",
        "Gulf",
        (
            ("Dubai", "the Strait of Hormuz", "the Gulf"),
            ("Fujairah", "the Gulf of Oman", "the United Arab Emirates"),
            ("Riyadh", "Ras Tanura", "Saudi Arabia"),
            ("Manama", "Sitra", "Bahrain"),
            ("Muscat", "Duqm", "Oman"),
        ),
        {
            "ship": (
                ("unidentified attackers", "Iranian naval forces", "the Houthis"),
                (
                    "a tanker carrying crude oil",
                    "a Panama-flagged chemical tanker",
                    "a bulk carrier anchored offshore",
                ),
            ),
            "drone": (
                ("the Houthis", "an unidentified group"),
                ("an oil terminal", "a desalination plant", "an airport fuel depot"),
            ),
        },
        (
            "UKMTO",
            "the Saudi defence ministry",
            "the UAE foreign ministry",
            "the Oman maritime security centre",
        ),
        ("Captain", "Brigadier General", "Colonel"),
        ("Khalifa", "Saeed", "Hamad", "Sultan", "Faisal", "Rashid", "Turki", "Majed"),
        (
            "al-Mazrouei",
            "al-Otaibi",
            "al-Harbi",
            "al-Kaabi",
            "al-Dosari",
            "al-Balushi",
            "al-Khalifa",
        ),
        ("the British maritime security firm Ambrey", "a shipping industry source"),
        (
            "about a fifth of the world's oil passes through the Strait of Hormuz",
            "Gulf states have stepped up diplomacy to prevent the wars in Gaza and Lebanon from "
            "spreading to their waters",
            "insurers have raised war-risk premiums for ships calling at Gulf ports",
            "Iran has seized several tankers in the area in recent years",
        ),
    ),
)

"""AP house style: paragraph templates (see ``bench.dedup.stories.templates``)."""

from __future__ import annotations

from bench.dedup.stories.templates import Bank

AP: Bank = {
    "analyst": (
        (
            '"{aq}," said {analyst}, an expert at {tank}.',
            "{analyst}, who studies the region at {tank}, said the attack carried a message. "
            '"{aq}," {analyst_last} said.',
        ),
        (
            "",
            "{analyst_last} said the authorities faced a difficult choice.",
            "Other experts said it was too early to draw conclusions.",
        ),
    ),
    "politics": (
        (
            "The attack prompted calls in {capital} for tougher security measures.",
            "In {capital}, the government faced criticism from rivals who said it had ignored "
            "warnings.",
        ),
        (
            "",
            "Parliament was expected to take up the issue {later}.",
            "The interior minister said he would visit {area} {later}.",
        ),
    ),
    "impact": (
        (
            "Residents of {area} say the violence has upended daily life.",
            "Business owners in {city} said customers had stayed away since the attack.",
        ),
        (
            "",
            "Some families have already packed up and left for {other_city}.",
            "Power cuts have become more frequent, residents said.",
        ),
    ),
    "lead": (
        (
            "{dl} {Attacker} {act} {target} in {province} on {day}, {toll_ing}, officials said.",
            "{dl} {Noun_a} on {target} near the {adj} city of {city} {toll_ed} on {day}, "
            "authorities said.",
            "{dl} {Weapon} {hit} {target} outside {city} {daypart} {day}, {toll_ing}, according "
            "to local officials and witnesses.",
        ),
    ),
    "detail": (
        (
            "The attack began at about {hour} when the {weapons} struck {target}, {body} said.",
            "Police said the attackers fired from {launch} before escaping towards {other_area}.",
            "The {noun} sent people running into the streets of {area}, witnesses said.",
        ),
        (
            "",
            "Sirens sounded across {city} for several minutes.",
            "It was not clear how many {weapons} were used.",
            "Part of {target} was left in flames.",
        ),
    ),
    "casualties": (
        (
            "{Body} said the dead included {dead_detail}.",
            "An official with {body} said {killed_people} died at the scene and {wounded_people} "
            "were hurt.",
            "The toll of {killed} dead and {wounded} wounded was expected to rise, a hospital "
            "director said.",
        ),
        (
            "",
            "Another {wounded_people} were taken to hospitals in {city}.",
            "The official spoke on condition of anonymity in line with regulations.",
        ),
    ),
    "no_casualties": (
        (
            "There were no injuries, according to {body}, though the attack damaged {damage}.",
            "No one was hurt, officials said.",
            "The attack caused some damage but no casualties, {body} said.",
        ),
    ),
    "quote": (
        (
            '"{quote}," {official}, {role}, told The Associated Press.',
            '{official}, {role}, said the authorities were still assessing the damage. "{quote}," '
            "he said.",
            'Speaking to reporters at the scene, {official} said: "{quote}."',
        ),
    ),
    "witness": (
        (
            '"{wq}," said {witness}, who lives nearby.',
            '{witness}, a {age}-year-old {job}, described the moment of the attack: "{wq}."',
            'Another resident, {witness}, said: "{wq}."',
        ),
        (
            "",
            "Residents swept up broken glass as night fell.",
            "Some people slept in their cars, fearing another attack.",
        ),
    ),
    "claim": (
        (
            "{Claimant} took responsibility for the attack, saying it was revenge for {grievance}.",
            "In a statement, {claimant} said it targeted the site because of {grievance}.",
        ),
    ),
    "no_claim": (
        (
            "No one immediately claimed the attack.",
            "No group took responsibility, though {attacker} have been accused of similar strikes.",
        ),
    ),
    "reaction": (
        (
            "{Reactor} {reaction}.",
            "The attack was quickly condemned. {Reactor} {reaction}.",
            "Hours later, {reactor} {reaction}, in a statement posted online.",
        ),
    ),
    "background": (
        (
            "{Context}.",
            "The violence comes as {context}.",
            "Tensions have been high since {month}: {context}.",
        ),
    ),
    "tally": (
        (
            "It was the {ordinal} attack of its kind in the area in recent weeks.",
            "At least {prev} people have been killed in similar attacks since {month}, according "
            "to {monitor}.",
        ),
    ),
    "security": (
        (
            "Footage circulating online showed a column of smoke rising over {area} and "
            "ambulances racing to the scene.",
            "Authorities imposed a curfew in parts of {city} after the attack.",
        ),
    ),
    "earlier": (
        (
            "Less than a week earlier, {prev_event} near {other_area} left {prev_toll}.",
            "Last month, {attacker} were blamed for {prev_event} in {other_area}.",
        ),
    ),
    "outlook": (
        (
            "Officials said more details would be released once the investigation was complete.",
            "Associated Press writer {reporter} in {other_city} contributed to this report.",
        ),
    ),
}

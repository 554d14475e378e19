"""AFP house style: paragraph templates (see ``bench.dedup.stories.templates``)."""

from __future__ import annotations

from bench.dedup.stories.templates import Bank

AFP: Bank = {
    "analyst": (
        (
            '"{aq}," said {analyst}, an analyst at {tank}.',
            '{analyst} of {tank} told AFP: "{aq}."',
            'For {analyst}, a researcher with {tank}, the attack fits a pattern. "{aq}," '
            "{analyst_last} said.",
        ),
        (
            "",
            "{analyst_last} said the coming weeks would show whether the authorities could "
            "restore calm.",
            "Other observers warned that retaliation could follow within days.",
            "The analyst noted that similar incidents had preceded previous rounds of fighting.",
        ),
    ),
    "politics": (
        (
            "In {capital}, politicians traded accusations over who was to blame for the security "
            "failure.",
            "The attack sparked an angry debate in {capital}, where opposition figures accused "
            "the government of negligence.",
            "{adj} officials in {capital} held an emergency meeting on {day} evening to discuss "
            "the attack.",
        ),
        (
            "",
            "A parliamentary committee said it would question the interior minister {later}.",
            "The prime minister's office said security would be reinforced around sensitive sites.",
            "Some lawmakers called for the dismissal of the local security commander.",
        ),
    ),
    "impact": (
        (
            "The violence has hit the local economy hard, with traders in {city} reporting a "
            "sharp fall in business.",
            "Aid groups say repeated attacks have disrupted water and electricity supplies around "
            "{area}.",
            "Farmers around {area} say they can no longer reach their fields safely.",
        ),
        (
            "",
            "Many families who had returned to {area} in recent months are leaving again.",
            "The local council has appealed for help to repair damaged homes.",
            "Schools in the district have moved some lessons online.",
        ),
    ),
    "lead": (
        (
            "{dl} {Weapon} {hit} {target} near {area} in {province} {daypart} on {day}, "
            "{toll_ing}, {src} told AFP.",
            "{dl} {Attacker} {act} {target} outside {city} on {day}, {toll_ing}, according to "
            "{body}.",
            "{dl} {Noun_a} on {target} near the {adj} town of {area} {toll_ed} on {day}, {body} "
            "said, the latest in a string of incidents rattling {country}.",
            "{dl} {Attacker} {act} {target} in {province} {daypart} on {day}, {toll_ing}, "
            "officials and {src} said.",
        ),
    ),
    "detail": (
        (
            "The {weapons} were launched from {launch} about {km} kilometres from {area}, {src} "
            "said, speaking on condition of anonymity.",
            "According to the first findings of the investigation, the attackers used {launch} as "
            "cover before fleeing towards {other_area}.",
            "Pictures circulating on social media showed {damage} and debris scattered across the "
            "road leading into {area}.",
            "Witnesses said they counted {n_weapon} blasts within a few minutes as the {weapons} "
            "came down on {target}.",
        ),
        (
            "",
            "The sound of the explosions was heard as far away as {city}, residents said.",
            "Security forces found {n_left} launchers that had failed to fire, along with a "
            "timer, {src} added.",
            "An AFP photographer saw charred vehicles and shattered glass outside {target}.",
            "Electricity was cut in parts of {area} for several hours afterwards.",
        ),
    ),
    "casualties": (
        (
            "Among the dead were {dead_detail}, a medical source at a hospital in {city} said.",
            "The health authorities put the toll at {killed_people} dead and {wounded_people} "
            "wounded.",
            "{Body} said {killed_people} had lost their lives.",
            "Hospital staff in {city} said they had received {killed_people} killed, among them "
            "{dead_detail}.",
        ),
        (
            "Several of the injured were in a critical condition and had been transferred to "
            "{other_city}, the source added.",
            "Rescuers were still searching the rubble for survivors late into the evening.",
            "Relatives gathered outside the morgue waiting for news of the missing.",
            "Doctors appealed for blood donations as the wounded kept arriving.",
        ),
    ),
    "no_casualties": (
        (
            "There were no immediate reports of casualties, but the blast damaged {damage}, "
            "{src} added.",
            "Nobody was hurt, {body} said in a short statement, adding that {damage} had been "
            "damaged.",
            "The attack caused material damage only, according to a preliminary assessment by "
            "{body}.",
        ),
        (
            "",
            "Experts from the bomb squad were inspecting the site on {day} afternoon.",
            "Traffic on the main road was diverted while engineers checked the damage.",
            "A fire broke out briefly but was brought under control, civil defence said.",
        ),
    ),
    "quote": (
        (
            '"{quote}," {official}, {role}, told AFP.',
            '{official}, {role}, said in a statement: "{quote}."',
            '"{quote}," said {official}, {role}, in remarks carried by state media.',
        ),
        (
            "",
            "He did not say whether any arrests had been made.",
            "He gave no further details on the identity of the attackers.",
            "The spokesman said more information would be released after the investigation.",
        ),
    ),
    "witness": (
        (
            '"{wq}," said {witness}, a {age}-year-old {job} who lives a few streets away.',
            'A {job} in {area}, who gave his name only as {witness_first}, told AFP: "{wq}."',
            'Residents described scenes of panic. "{wq}," {witness}, {age}, said by telephone.',
            '{witness}, a {job} from {area}, was at home when the attack started. "{wq}," he said.',
        ),
        (
            "",
            "Many families left the neighbourhood for relatives' homes in {other_city}.",
            "Neighbours said it was the worst violence the area had seen in months.",
            "He said his family would spend the night with relatives further from the site.",
        ),
    ),
    "claim": (
        (
            "{Claimant} claimed responsibility in a statement on Telegram, saying it was a "
            "response to {grievance}.",
            "The attack was later claimed by {claimant}, which said it was retaliation for "
            "{grievance}.",
            "In a message posted on its channels, {claimant} said its fighters had acted to avenge "
            "{grievance}.",
        ),
        (
            "",
            "The statement could not be independently verified.",
            "It threatened further operations if what it called the aggression continued.",
        ),
    ),
    "no_claim": (
        (
            "There was no immediate claim of responsibility, but suspicion fell on {attacker}.",
            "No group claimed the attack, which security officials said bore the hallmarks of "
            "{attacker}.",
            "Nobody immediately claimed responsibility for the attack.",
        ),
        (
            "",
            "Similar attacks in the past have been blamed on the same groups.",
            "Investigators were examining surveillance footage from nearby shops.",
        ),
    ),
    "reaction": (
        (
            "{Reactor} {reaction}, in a statement released hours after the attack.",
            "The attack drew condemnation abroad. {Reactor} {reaction}.",
            "Diplomats said {reactor} {reaction} during a telephone call with {adj} leaders.",
        ),
        (
            "",
            "{adj} lawmakers demanded that the security chiefs appear before parliament.",
            "The foreign ministry summoned the chargé d'affaires of a neighbouring country.",
        ),
    ),
    "background": (
        (
            "The incident comes at a time of heightened tension: {context}.",
            "{Context}.",
            "Analysts say the latest violence shows how fragile the situation remains, as "
            "{context}.",
        ),
    ),
    "tally": (
        (
            "It was the {ordinal} such attack in {province} since {month}, according to an AFP "
            "tally based on official statements.",
            "{Monitor} has recorded {prev} similar incidents in the area since {month}.",
            "According to {monitor}, at least {prev} people have been killed in comparable "
            "attacks this year.",
        ),
    ),
    "security": (
        (
            "Security forces sealed off the area and set up checkpoints on the roads leading to "
            "{city}, an AFP correspondent said.",
            "Ambulances rushed to the scene and firefighters worked for hours to put out the "
            "blaze, images broadcast by local television showed.",
            "Troops later combed the orchards around {area} in search of the launch site.",
        ),
        (
            "",
            "Helicopters flew over the area throughout the night.",
            "A curfew was declared in {area} until further notice.",
        ),
    ),
    "earlier": (
        (
            "On {prev_day}, a similar attack near {other_area} left {prev_toll}.",
            "The attack followed {prev_event} in {other_area} earlier this month.",
            "Last week, {official_last}'s office had warned of possible attacks around "
            "{other_area}.",
        ),
    ),
    "outlook": (
        (
            "The authorities said the investigation was continuing and that they expected to "
            "release more details {later}.",
            "Schools in {area} will remain closed {later}, the local council announced.",
            "Residents fear further violence as the conflict in the region shows no sign of "
            "abating.",
        ),
    ),
}

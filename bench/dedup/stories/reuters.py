"""Reuters house style: paragraph templates (see ``bench.dedup.stories.templates``)."""

from __future__ import annotations

from bench.dedup.stories.templates import Bank

REUTERS: Bank = {
    "analyst": (
        (
            '"{aq}," said {analyst} of {tank}.',
            '{analyst}, a fellow at {tank}, said: "{aq}."',
            'Analysts said the attack underlined the risks. "{aq}," said {analyst} at {tank}.',
        ),
        (
            "",
            "{analyst_last} added that much depended on the response of the authorities.",
            "Other analysts said the incident was unlikely to change the broader picture.",
        ),
    ),
    "politics": (
        (
            "{adj} politicians in {capital} called for an urgent review of security arrangements.",
            "The government in {capital} came under pressure from rival factions after the attack.",
            "Senior officials in {capital} met late on {day} to discuss the response, two sources "
            "said.",
        ),
        (
            "",
            "A government spokesman said the state would not be dragged into a wider conflict.",
            "An opposition bloc demanded a parliamentary inquiry.",
        ),
    ),
    "impact": (
        (
            "Traders in {city} said business had slumped since the attacks began.",
            "Local officials said the violence had disrupted power supplies to thousands of homes "
            "around {area}.",
            "Aid workers said the attacks had forced some clinics near {area} to close.",
        ),
        (
            "",
            "Families who could afford it have moved to {other_city}.",
            "Insurers have raised premiums for businesses in the area, industry sources said.",
        ),
    ),
    "lead": (
        (
            "{dl} {Attacker} {act} {target} near {area} on {day}, {toll_ing}, two security "
            "sources told Reuters.",
            "{dl} {Weapon} {hit} {target} in {province} {daypart} on {day}, {body} said, "
            "{toll_ing}.",
            "{dl} At least {n_weapon} {weapons} {hit} {target} close to {city} on {day} in an "
            "attack that {toll_ed}, officials said.",
            "{dl} {Attacker} {act} {target} on the outskirts of {city} on {day}, {toll_ing}, "
            "according to police and medical sources.",
        ),
    ),
    "detail": (
        (
            "The {weapons} appeared to have been launched from {launch}, one of the sources said.",
            "Two officials said the attack began at around {hour} local time and lasted several "
            "minutes.",
            "The sources said roughly {km} km separated the launch point from {target}.",
            "Police found the remains of {n_left} launchers near the scene, an officer said.",
        ),
        (
            "",
            "Security forces had found {n_left} unused launchers nearby.",
            "Reuters could not independently confirm the details.",
            "Air defences were activated but failed to intercept the {weapons}, a source said.",
            "Residents said the blasts shook buildings in {area}.",
        ),
    ),
    "casualties": (
        (
            "Hospital sources said {killed_people} were killed and {wounded_people} were injured.",
            "The dead included {dead_detail}, according to a medic at the scene.",
            "{Body} put the death toll at {killed}, adding that the number of wounded stood at "
            "{wounded}.",
            "Medics said {killed_people} died, including {dead_detail}.",
        ),
        (
            "",
            "Some of the wounded were in serious condition, the sources said.",
            "The toll could rise, a health official said.",
            "The medic asked not to be named because he was not authorised to speak to media.",
        ),
    ),
    "no_casualties": (
        (
            "No casualties were reported, though {damage} sustained damage, a police source said.",
            "The sources said there were no injuries.",
            "Nobody was hurt in the incident, {body} said.",
        ),
        (
            "",
            "Photos shared on social media showed {damage} damaged.",
            "A fire at the site was put out within an hour, police said.",
        ),
    ),
    "quote": (
        (
            '"{quote}," {official}, {role}, said in a televised statement.',
            '{official}, {role}, told reporters: "{quote}."',
            '"{quote}," {official} said, according to a statement from {body}.',
        ),
        (
            "",
            "He did not elaborate.",
            "He declined to say who the authorities believed was responsible.",
        ),
    ),
    "witness": (
        (
            '"{wq}," {witness}, a {job}, told Reuters by phone from {area}.',
            'A resident of {area}, {witness}, said: "{wq}."',
            '{witness}, {age}, said the attack happened as people were returning home. "{wq}," '
            "the {job} said.",
        ),
        (
            "",
            "Shops in the area stayed shut for the rest of the day.",
            "Several families packed their cars and headed towards {other_city}.",
        ),
    ),
    "claim": (
        (
            "{Claimant} said in a statement it had carried out the attack in retaliation for "
            "{grievance}.",
            "Responsibility was claimed by {claimant}, which cited {grievance} as the reason.",
            "{Claimant}, in a post on its Telegram channel, said the operation was a response to "
            "{grievance}.",
        ),
        (
            "",
            "Reuters could not verify the claim.",
            "The group said more attacks would follow.",
        ),
    ),
    "no_claim": (
        (
            "No group immediately claimed responsibility.",
            "It was not immediately clear who was behind the attack, but {attacker} have been "
            "blamed for previous incidents in the area.",
            "Security officials said they suspected {attacker} but had yet to identify those "
            "responsible.",
        ),
    ),
    "reaction": (
        (
            "{Reactor} {reaction}, a spokesperson said.",
            "Responding to the attack, {reactor} {reaction}.",
            "{Reactor} {reaction}, according to a statement issued late on {day}.",
        ),
        (
            "",
            "Oil prices edged higher on news of the attack.",
            "The {adj} government spokesman said the cabinet would discuss the attack.",
        ),
    ),
    "background": (
        (
            "The attack came as {context}.",
            "Regional security officials say {context}.",
            "{Context}, and officials fear a further escalation.",
        ),
    ),
    "tally": (
        (
            "It was at least the {ordinal} such incident in {province} this year, according to a "
            "Reuters tally.",
            "{Monitor} said {prev} people had been killed in similar incidents since {month}.",
            "The area has seen {prev} comparable attacks since {month}, security sources said.",
        ),
    ),
    "security": (
        (
            "Security forces deployed heavily around the site and closed the main road to {city}, "
            "witnesses said.",
            "Video verified by Reuters showed smoke rising from the site and emergency vehicles "
            "arriving.",
            "Police said they had detained {n_detained} suspects for questioning.",
        ),
    ),
    "earlier": (
        (
            "A similar incident near {other_area} on {prev_day} left {prev_toll}.",
            "Earlier this month, {prev_event} in {other_area} was also blamed on {attacker}.",
        ),
    ),
    "outlook": (
        (
            "Officials said an investigation was under way.",
            "The {adj} government was due to hold an emergency security meeting {later}, a "
            "government source said.",
            "(Reporting by {reporter}; Writing by {writer}; Editing by {editor})",
        ),
    ),
}

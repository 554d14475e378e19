"""Slot values of the synthetic wire stories other than countries: event kinds,
quotes, reactions, analysts, numbers, reporters and per-report word variants.

Every person is made up.
"""

from __future__ import annotations

KINDS: dict[str, dict[str, tuple[str, ...]]] = {
    # noun: the event; weapon: plural weapon noun; act: verb with the attacker as
    # subject; hit: verb with the weapons as subject.
    "rocket": {
        "noun": ("rocket attack", "rocket strike"),
        "weapon": ("Katyusha rockets", "107mm rockets", "Grad rockets"),
        "act": ("fired rockets at", "launched a rocket salvo at", "shelled"),
        "hit": ("slammed into", "landed near", "struck"),
    },
    "drone": {
        "noun": ("drone strike", "drone attack"),
        "weapon": ("explosives-laden drones", "attack drones", "one-way attack drones"),
        "act": ("launched drones at", "sent attack drones against", "targeted"),
        "hit": ("hit", "crashed into", "struck"),
    },
    "airstrike": {
        "noun": ("air strike", "air raid"),
        "weapon": ("missiles", "guided bombs", "air-to-surface missiles"),
        "act": ("struck", "bombed", "carried out strikes on"),
        "hit": ("hit", "flattened", "tore through"),
    },
    "bomb": {
        "noun": ("bombing", "bomb attack"),
        "weapon": ("roadside bombs", "improvised explosive devices", "sticky bombs"),
        "act": ("set off explosives near", "planted bombs targeting", "bombed"),
        "hit": ("tore through", "exploded near", "went off beside"),
    },
    "ship": {
        "noun": ("attack on a merchant vessel", "attack on a cargo ship"),
        "weapon": ("anti-ship missiles", "ballistic missiles", "drone boats"),
        "act": ("fired missiles at", "attacked", "targeted"),
        "hit": ("struck", "exploded near", "hit"),
    },
    "clash": {
        "noun": ("clashes", "gun battle", "firefight"),
        "weapon": ("rocket-propelled grenades", "mortar rounds", "hand grenades"),
        "act": ("attacked", "ambushed", "stormed"),
        "hit": ("hit", "landed inside", "struck"),
    },
    "shelling": {
        "noun": ("shelling", "artillery barrage"),
        "weapon": ("artillery shells", "mortar rounds", "tank shells"),
        "act": ("shelled", "pounded", "fired shells at"),
        "hit": ("hit", "landed in", "struck"),
    },
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYPARTS = (
    "shortly after dawn",
    "before midnight",
    "in the early hours",
    "around midday",
    "at nightfall",
    "late in the afternoon",
)
WITNESS_JOBS = ("shopkeeper", "taxi driver", "farmer", "teacher", "fisherman", "nurse", "student")
WITNESS_QUOTES = (
    "We heard {n} huge explosions and then the windows of the whole street fell in",
    "My children were asleep when the first blast came, we ran out barefoot",
    "There was smoke everywhere and people were shouting for ambulances",
    "Nobody warned us, the sound was like thunder right above the roof",
    "I saw the flash from my fields and the ground shook under my feet",
    "We have nowhere else to go, every week it gets closer to our homes",
    "The men pulled two neighbours from under the rubble with their bare hands",
    "It went on for almost an hour and then the drones stayed overhead",
)
OFFICIAL_QUOTES = (
    "This criminal act will not go unpunished and those responsible will be pursued",
    "Our forces responded immediately to the source of fire and the situation is under control",
    "The attack targeted civilians in a residential area with no military presence",
    "We hold {attacker} fully responsible for this dangerous escalation",
    "Search operations are continuing and the toll could rise in the coming hours",
    "Security forces have opened an investigation and sealed off the area",
    "This is a violation of our sovereignty that we will raise with the Security Council",
    "The teams worked through the night to reach people trapped under the debris",
    "We will not allow anyone to drag the country into a war it does not want",
    "The perpetrators used the cover of darkness and fled towards {area}",
)
REACTORS = (
    "the United Nations",
    "the US State Department",
    "the European Union",
    "France",
    "the Arab League",
    "Qatar",
    "Egypt",
    "the International Committee of the Red Cross",
)
REACTIONS = (
    "called for restraint and the protection of civilians",
    "condemned the violence and urged all sides to avoid further escalation",
    "said it was following the situation closely and was in contact with the authorities",
    "warned that the region could not afford a wider war",
    "demanded an independent investigation into the circumstances of the attack",
)
ANALYSTS = (
    "Hamdi Malik",
    "Lina Khatib",
    "Renad Mansour",
    "Farea al-Muslimi",
    "Dina Esfandiary",
    "Aron Lund",
    "Michael Knights",
    "Heiko Wimmen",
    "Elizabeth Kendall",
    "Ali Vaez",
    "Sajad Jiyad",
    "Maha Yahya",
)
THINK_TANKS = (
    "the Washington Institute",
    "Chatham House",
    "the Century Foundation",
    "the Crisis Group",
    "the Sanaa Center for Strategic Studies",
    "the Carnegie Middle East Center",
    "the Middle East Institute",
    "the Arab Gulf States Institute",
)
ANALYST_QUOTES = (
    "Every side is testing how far it can go without triggering a full-scale war",
    "The message is aimed as much at domestic audiences as at the enemy",
    "The government has very little leverage over the groups that carry out these attacks",
    "What we are seeing is a slow escalation that nobody seems able to stop",
    "The security services are stretched thin and the armed groups know it",
    "Deterrence has broken down and the red lines keep moving",
    "This is a reminder that the conflict is far from contained",
    "Without a political track, these incidents will keep recurring",
)
NUMBERS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
ORDINALS = ("third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
MONTHS = ("mid-August", "early September", "late August", "the start of the summer", "July")
LATER = ("in the coming days", "on Thursday", "later in the week", "after the weekend")
REPORTERS = (
    "Maya Gebeily",
    "Timour Azhari",
    "Ahmed Rasheed",
    "Mohammed Ghobari",
    "Parisa Hafezi",
    "Nidal al-Mughrabi",
    "Laila Bassam",
    "Suleiman al-Khalidi",
    "Jana Choukeir",
    "Omar Fahmy",
)
EDITORS = ("Peter Graff", "Alison Williams", "Andrew Heavens", "Toby Chopra", "Hugh Lawson")
LEXICON: dict[str, tuple[str, ...]] = {
    "attack": ("attack", "assault", "strike"),
    "attacks": ("attacks", "assaults", "strikes"),
    "area": ("area", "district", "neighbourhood"),
    "residents": ("residents", "locals", "inhabitants"),
    "investigation": ("investigation", "inquiry", "probe"),
    "violence": ("violence", "unrest", "bloodshed"),
    "officials": ("officials", "authorities"),
    "rushed": ("rushed", "raced", "hurried"),
    "scene": ("scene", "site"),
    "site": ("site", "location", "spot"),
    "incident": ("incident", "episode"),
    "families": ("families", "households"),
    "statement": ("statement", "communique"),
    "several": ("several", "a number of", "many"),
    "warned": ("warned", "cautioned"),
    "hours": ("hours", "much of the night"),
    "blaze": ("blaze", "fire", "flames"),
    "damage": ("damage", "destruction"),
    "local": ("local", "nearby"),
}
CAPITALS = {
    "Iraq": "Baghdad",
    "Syria": "Damascus",
    "Lebanon": "Beirut",
    "Gaza": "Ramallah",
    "Yemen": "Aden",
    "Iran": "Tehran",
    "Gulf": "Riyadh",
}

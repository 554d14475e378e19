"""Made-up outlets that run wire copy, each with its own repeated lines.

Every copy an outlet runs carries its ``footer`` lines and, for wire stories,
its ``credit`` line: the same lines appear under every story of the site, which is
what makes "other stories from the same site" a hard negative. ``intros`` are the
site's intro paragraphs (``{topic}`` is the story's headline). ``BRIEFS`` is a
site of 3-4 sentence briefs wrapped in heavy boilerplate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    host: str
    name: str
    credit: str  # "{agency}" is the wire agency
    footer: tuple[str, ...]
    intros: tuple[str, ...]
    read_also: str  # "{title}" is another story's headline
    newsletter: str


OUTLETS: tuple[Outlet, ...] = (
    Outlet(
        "www.worldnewsflash24.com",
        "World News Flash 24",
        "The world with {agency}",
        (),
        (
            "World News Flash 24 brings you the latest from the Middle East. {topic}: here is "
            "what we know so far about the situation on the ground.",
            "As tensions continue across the region, our team is following the story closely. "
            "{topic}, according to agency reports.",
        ),
        "Read also | {title}",
        "Do not miss any news: subscribe to the World News Flash 24 daily alert.",
    ),
    Outlet(
        "levantchronicle.com",
        "Levant Chronicle",
        "— {agency}",
        (
            "Levant Chronicle is an independent newspaper covering Lebanon, Syria and the wider "
            "Levant since 2009.",
        ),
        (
            "Levant Chronicle — Our regional desk has compiled the following agency report on a "
            "developing story: {topic}.",
            "Editor's note: this article is based on agency copy and was updated by Levant "
            "Chronicle editors. {topic}.",
        ),
        "Read more: {title}",
        "Sign up for the Levant Chronicle morning briefing, delivered to your inbox at 7am.",
    ),
    Outlet(
        "www.gulfdispatch.net",
        "Gulf Dispatch",
        "With {agency}",
        ("Follow Gulf Dispatch on WhatsApp and Telegram for breaking news alerts.",),
        (
            "DUBAI — Gulf Dispatch is tracking reactions across the Gulf after {topic_lower}, "
            "with officials in several capitals monitoring the situation.",
            "Gulf Dispatch readers have been asking about the latest security incident. In short: "
            "{topic}.",
        ),
        "Also read: {title}",
        "Get the Gulf Dispatch newsletter for the stories that matter in the region.",
    ),
    Outlet(
        "www.mesopotamiapost.com",
        "Mesopotamia Post",
        "({agency})",
        ("© Mesopotamia Post. Reproduction of this article requires written permission.",),
        (
            "BAGHDAD — Mesopotamia Post correspondents report growing concern among Iraqis after "
            "the latest news from the region: {topic}.",
            "The following dispatch was received from international agencies and reviewed by our "
            "Baghdad desk. {topic}.",
        ),
        "Related: {title}",
        "Join the Mesopotamia Post community: subscribe for free to our evening digest.",
    ),
    Outlet(
        "www.cedarsdaily.com",
        "Cedars Daily",
        "Source: {agency}",
        (
            "Cedars Daily — news from Lebanon and the region, updated around the clock.",
            "Have a tip? Write to the Cedars Daily newsroom.",
        ),
        (
            "BEIRUT — Cedars Daily is following events minute by minute. {topic}, agencies "
            "reported on the day.",
            "In a story that has drawn wide attention in Lebanon and abroad, {topic_lower}.",
        ),
        "Read also: {title}",
        "Subscribe to Cedars Daily to receive our top stories every morning.",
    ),
    Outlet(
        "www.arabiawirefeed.net",
        "Arabia Wire Feed",
        "The world with {agency}",
        ("Arabia Wire Feed aggregates news from trusted international sources.",),
        (
            "Arabia Wire Feed: latest update. {topic}. More details below from our partners.",
            "Breaking from the region — {topic}. Arabia Wire Feed will update this page.",
        ),
        "Read also | {title}",
        "Enable notifications to never miss an Arabia Wire Feed update.",
    ),
    Outlet(
        "www.tigrisobserver.com",
        "Tigris Observer",
        "Agencies",
        ("The Tigris Observer is part of the Two Rivers Media Group.",),
        (
            "ERBIL — The Tigris Observer has learned more about the incident that has dominated "
            "headlines today: {topic}.",
            "Here is the full report as it reached our desk this afternoon: {topic}.",
        ),
        "See also: {title}",
        "Support independent journalism in Iraq: subscribe to the Tigris Observer.",
    ),
    Outlet(
        "www.redseamonitor.org",
        "Red Sea Monitor",
        "Copyright {agency}",
        (
            "Red Sea Monitor tracks maritime security and politics around the Red Sea and the Gulf "
            "of Aden.",
        ),
        (
            "Red Sea Monitor — the security picture in the region shifted again today. {topic}.",
            "Our maritime and security desk brings you the agency account of today's incident: "
            "{topic}.",
        ),
        "Further reading: {title}",
        "Get the weekly Red Sea Monitor security bulletin by email.",
    ),
    Outlet(
        "www.persianglobe24.com",
        "Persian Globe 24",
        "With agencies",
        ("Persian Globe 24: independent coverage of Iran and its neighbours.",),
        (
            "Persian Globe 24 is monitoring reactions in Tehran and across the region after "
            "{topic_lower}.",
            "What happened and why it matters: {topic}. Persian Globe 24 explains.",
        ),
        "Read also: {title}",
        "Follow Persian Globe 24 on social media for live coverage.",
    ),
    Outlet(
        "www.dailyfrontline.news",
        "Daily Frontline",
        "{agency} contributed to this report",
        (
            "Daily Frontline — conflict reporting without borders.",
            "Comments are moderated. Please keep the discussion civil.",
        ),
        (
            "Daily Frontline — {topic}. This is a developing story and will be updated.",
            "Our live team is following the situation closely after {topic_lower}.",
        ),
        "More on this story: {title}",
        "Become a Daily Frontline member for ad-free reading and exclusive analysis.",
    ),
)

BRIEFS_HOST = "www.gulfwirenow.com"
#: Repeated lines wrapped around every brief of the briefs site (about 160 words).
BRIEFS_BOILERPLATE_TOP: tuple[str, ...] = (
    "Gulf Wire Now | Breaking security news from Iraq, Syria, Lebanon, Yemen, Iran and the Gulf, "
    "updated every hour by our regional desk.",
    "Follow us on Telegram, X and WhatsApp for instant alerts. Tap the bell icon to enable "
    "notifications and never miss a breaking story.",
)
BRIEFS_BOILERPLATE_BOTTOM: tuple[str, ...] = (
    "Disclaimer: this brief was compiled from agency reports, official statements and social "
    "media sources. Gulf Wire Now does not independently verify every claim and will update "
    "the story as more information becomes available.",
    "Subscribe to our morning newsletter to receive the top security stories from the region in "
    "your inbox every day before 7am. It is free and you can unsubscribe at any time.",
    "© 2024 Gulf Wire Now. All rights reserved. Reproduction without written permission is "
    "prohibited. Advertising enquiries: ads desk.",
)

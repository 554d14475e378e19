"""Text and markup of the generated site's pages (see :mod:`bench.crawl.site`).

Policy: sentences come from templates over small vocabularies of places, actors and
events of the region; markup follows a WordPress-style news theme (mega menu, share
bar, ad slots, "Read also" line, tags, author box, related teasers, newsletter form,
footer). The filler blobs (``js``, ``css``, ``svg``) are deterministic and safe to cut:
anywhere for ``js`` and ``css``, before any ``<path`` for ``svg``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

OUTLET = "Levant Monitor"
# fmt: off
SECTIONS = ("iraq", "syria", "lebanon", "gaza", "yemen", "iran", "gulf", "turkey", "jordan",
            "israel")
PLACES = {
    "iraq": ("Baghdad", "Erbil", "Mosul", "Basra", "Kirkuk", "Sulaimaniyah", "Fallujah"),
    "syria": ("Damascus", "Aleppo", "Idlib", "Deir ez-Zor", "Homs", "Raqqa", "Daraa"),
    "lebanon": ("Beirut", "Tyre", "Sidon", "Nabatieh", "Baalbek", "Tripoli"),
    "gaza": ("Gaza City", "Rafah", "Khan Younis", "Deir al-Balah", "Jabalia"),
    "yemen": ("Sanaa", "Aden", "Hodeidah", "Marib", "Taiz", "Mukalla"),
    "iran": ("Tehran", "Isfahan", "Tabriz", "Mashhad", "Bandar Abbas", "Ahvaz"),
    "gulf": ("Riyadh", "Dubai", "Doha", "Manama", "Muscat", "Kuwait City", "Abu Dhabi"),
    "turkey": ("Ankara", "Istanbul", "Diyarbakir", "Gaziantep", "Hakkari", "Sirnak"),
    "jordan": ("Amman", "Zarqa", "Irbid", "Aqaba", "Mafraq"),
    "israel": ("Jerusalem", "Tel Aviv", "Haifa", "Eilat", "Ashkelon", "Sderot"),
}
ACTORS = ("the defence ministry", "a military spokesman", "the interior ministry",
          "local officials", "a security source", "the provincial governor", "witnesses",
          "the health ministry", "a senior commander", "the coalition", "rescue workers",
          "the foreign ministry", "a police colonel", "tribal elders", "the border guard",
          "an army statement")
EVENTS = ("a drone strike", "a rocket attack", "a roadside bomb", "an artillery barrage",
          "a car bombing", "clashes with gunmen", "an air raid", "a mortar attack",
          "a raid on a hideout", "an ambush on a convoy", "a missile launch",
          "a shooting at a checkpoint")
TARGETS = ("a military base", "an oil field", "a border crossing", "a market", "a fuel depot",
           "a power station", "a convoy", "an airport", "a port", "a refugee camp",
           "a weapons store", "a hospital")
VERBS = ("condemned", "denied responsibility for", "opened an inquiry into",
         "warned of retaliation for", "called for calm after", "said it had intercepted",
         "blamed rival factions for", "confirmed details of", "vowed to investigate",
         "released footage of")
NOUNS = ("ceasefire", "talks", "negotiations", "truce", "offensive", "deployment", "sanctions",
         "operation", "withdrawal", "reconstruction", "elections", "agreement")
ADJS = ("fragile", "renewed", "long-delayed", "disputed", "regional", "tentative", "fresh",
        "wider", "costly", "stalled", "contested", "broader")
NAMES = ("Rami Haddad", "Leila Nassar", "Omar Khalil", "Sara Mansour", "Karim Aziz",
         "Dalia Farouk", "Youssef Amin", "Hiba Saleh", "Tariq Jaber", "Nour Hamdan",
         "Samir Idris", "Maya Karam", "Ziad Rahal", "Rania Obeid", "Fadi Sayegh",
         "Lina Suleiman")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh")
# fmt: on
TEMPLATES = (
    "{actor} said {num} people were killed in {event} near {place} on {day}.",
    "The {adj} {noun} came under strain after {event} targeted {target} outside {place}.",
    "{Actor} {verb} {event} that hit {target} in {place}, according to {actor2}.",
    "At least {num} people were wounded, {actor} told reporters in {place}.",
    "Residents of {place} described {event} that shook {target} late on {day}.",
    "Diplomats said the {adj} {noun} would be discussed when envoys meet in {place2} next week.",
    "{Actor} has {verb} {num} similar incidents since the start of the year.",
    "No group immediately claimed {event}, which {actor} linked to the {adj} {noun}.",
    "Images shared online showed smoke rising over {target} as {actor2} arrived in {place}.",
    "The {noun} has been {adj2} for months, with {num} violations reported around {place2}.",
    "Analysts in {place2} said {event} could derail the {adj} {noun} brokered last spring.",
    "{Actor2} urged restraint and said a {adj} {noun} was the only way to protect {target}.",
    "Schools and shops in {place} were closed on {day} while {actor} searched the area.",
    "A statement from {actor2} put the number of dead at {num}, higher than earlier reports.",
    "Officials in {place2} said {num} families had left their homes near {target}.",
    "The incident was the {ordinal} of its kind this month, {actor} said.",
)


@dataclass
class Article:
    """One generated article (``source`` is the index it copies, or its own)."""

    index: int
    section: str
    title: str
    summary: str
    published: datetime
    authors: list[str]
    wire: str | None
    paragraphs: list[str]
    size: int  # target page weight in bytes
    source: int
    path: str = ""


def sentence(rng: random.Random, section: str) -> str:
    """One news sentence about ``section``'s places."""
    place, place2 = rng.choice(PLACES[section]), rng.choice(PLACES[rng.choice(SECTIONS)])
    actor, actor2 = rng.choice(ACTORS), rng.choice(ACTORS)
    text = rng.choice(TEMPLATES).format(
        actor=actor,
        Actor=actor[0].upper() + actor[1:],
        actor2=actor2,
        Actor2=actor2[0].upper() + actor2[1:],
        place=place,
        place2=place2,
        event=rng.choice(EVENTS),
        target=rng.choice(TARGETS),
        verb=rng.choice(VERBS),
        noun=rng.choice(NOUNS),
        adj=rng.choice(ADJS),
        adj2=rng.choice(ADJS),
        num=rng.randrange(2, 90),
        day=rng.choice(DAYS),
        ordinal=rng.choice(ORDINALS),
    )
    return text[0].upper() + text[1:]


def blob(size: int, seed: int, kind: str) -> bytes:
    """About ``size`` bytes of minified-looking ``js``, ``css`` or ``svg`` paths."""
    rng = random.Random(f"{seed}-{kind}")
    out: list[str] = []
    total = 0
    while total < size:
        a, b, n = rng.choice(NOUNS), rng.choice(ADJS).replace("-", "_"), rng.randrange(10**6)
        if kind == "js":
            part = f'{a}_{n}:{{"id":{n},"kind":"{b}","ts":{n * 7},"ok":!0,"v":[{n % 97}]}},'
        elif kind == "css":
            part = f".{b}-{a}-{n % 997}{{margin:{n % 9}px {n % 13}px;color:#{n % 4096:03x}}}"
        else:
            points = " ".join(f"L{rng.randrange(48)} {rng.randrange(48)}" for _ in range(40))
            part = f'<path d="M{n % 48} {n % 31} {points}Z"/>'
        out.append(part)
        total += len(part)
    return "".join(out).encode()


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def teaser(a: Article) -> str:
    """A related-article teaser (~9 elements)."""
    return (
        f'<div class="teaser"><a href="{a.path}"><img src="/img/{a.index}.jpg" alt="" '
        f'loading="lazy" width="300" height="200"></a><div class="teaser-body">'
        f'<span class="cat">{a.section.capitalize()}</span><h4><a href="{a.path}">'
        f'{escape(a.title)}</a></h4><time datetime="{iso(a.published)}">'
        f"{a.published:%d %b %Y}</time></div></div>"
    )


def listing_item(a: Article) -> str:
    return (
        f'<article class="teaser"><a href="{a.path}"><img src="/img/{a.index}.jpg" alt="">'
        f'</a><h2><a href="{a.path}">{escape(a.title)}</a></h2>'
        f"<p>{escape(a.summary)}</p></article>"
    )


def chrome() -> str:
    """Top bar with a date widget, logo and a mega menu of 130 links (every page)."""
    items = "".join(
        f'<li class="menu-item"><a href="/section/{s}/">{s.capitalize()}</a><ul class="sub-menu">'
        + "".join(f'<li><a href="/section/{s}/?topic={t}">{t.capitalize()}</a></li>' for t in NOUNS)
        + "</ul></li>"
        for s in SECTIONS
    )
    return (
        '<div class="top-bar"><span class="date-widget">Friday, September 13, 2024</span>'
        '<a class="login" href="/login/">Sign in</a></div><header class="site-header">'
        f'<a class="logo" href="/"><img src="/logo.png" alt="{OUTLET}"></a>'
        f'<nav class="main-menu"><ul class="menu">{items}</ul></nav></header><main id="main">'
    )


FOOTER = (
    '<aside class="newsletter"><form action="/subscribe/"><p>Subscribe to our newsletter</p>'
    '<input type="email" name="email"><button>Sign up</button></form></aside>'
    '<footer class="site-footer"><ul>'
    + "".join(f'<li><a href="/page/{w}/">{w.capitalize()}</a></li>' for w in NOUNS + ADJS)
    + f"</ul><p>© 2024 {OUTLET}. All rights reserved.</p></footer>"
    + '<script>(function(w,d){w.dataLayer=w.dataLayer||[];w.dataLayer.push({"event":"pv"});'
    + 'var s=d.createElement("script");s.async=1;s.src="/static/analytics.js";'
    + "d.head.appendChild(s)})(window,document);</script>"
).encode()


def head(a: Article, base: str) -> str:
    """``<head>`` up to the inline styles: title, meta, og/twitter tags, canonical, JSON-LD."""
    url = base + a.path
    image = f"{base}/img/{a.index}.jpg"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "description": a.summary,
        "datePublished": iso(a.published),
        "dateModified": iso(a.published + timedelta(hours=a.index % 5)),
        "author": [{"@type": "Person", "name": name} for name in a.authors],
        "publisher": {"@type": "Organization", "name": OUTLET, "logo": base + "/logo.png"},
        "image": image,
        "articleSection": a.section.capitalize(),
        "keywords": [a.section.capitalize(), "Security", NOUNS[a.index % len(NOUNS)]],
        "mainEntityOfPage": url,
        "isAccessibleForFree": True,
    }
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Home", "item": base + "/"},
            {"@type": "ListItem", "position": 2, "name": a.section.capitalize(),
             "item": f"{base}/section/{a.section}/"},
        ],
    }  # fmt: skip
    names = [("description", a.summary), ("twitter:card", "summary_large_image")]
    names += [("twitter:title", a.title), ("author", ", ".join(a.authors))]
    props = [("og:type", "article"), ("og:title", f"{a.title} | {OUTLET}")]
    props += [("og:description", a.summary), ("og:url", url), ("og:image", image)]
    props += [("og:site_name", OUTLET), ("article:published_time", iso(a.published))]
    props += [("article:section", a.section.capitalize()), ("article:tag", "Security")]
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">'
        f"<title>{escape(a.title)} | {OUTLET}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        + "".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in names)
        + "".join(f'<meta property="{k}" content="{escape(v)}">' for k, v in props)
        + f'<link rel="canonical" href="{url}"><link rel="stylesheet" href="/static/site.css">'
        + f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        + f'<script type="application/ld+json">{json.dumps(crumbs)}</script>'
    )


_AD = (
    '<div class="ad-slot"><script>googletag.cmd.push(function(){{'
    'googletag.display("ad-{}")}});</script></div>'
)
_SHARE = "".join(
    f'<a class="share-{s}" href="#">{s}</a>'
    for s in ("facebook", "x", "whatsapp", "telegram", "email")
)


def article_body(a: Article, read_also: Article) -> str:
    """Breadcrumbs and the ``<article>``: header, figure, share bar, paragraphs with ad
    slots and a "Read also" line, the agency credit, tags and the author box."""
    paragraphs = [f"<p>{escape(p)}</p>" for p in a.paragraphs]
    for k in range(len(paragraphs) - 1, 2, -4):
        paragraphs.insert(k, _AD.format(k))
    also = f'<a href="{read_also.path}">{escape(read_also.title)}</a>'
    paragraphs.insert(min(3, len(paragraphs)), f"<p><strong>Read also | {also}</strong></p>")
    if a.wire:
        paragraphs.append(f"<p>— {a.wire}</p>")
    bylines = " and ".join(
        f'<a class="author" rel="author" href="/author/{n.lower().replace(" ", "-")}/">{n}</a>'
        for n in a.authors
    )
    tags = "".join(
        f'<a rel="tag" href="/tag/{t}/">{t}</a>'
        for t in (a.section, "security", NOUNS[a.index % len(NOUNS)])
    )
    section = a.section.capitalize()
    return (
        f'<div class="breadcrumbs"><a href="/">Home</a> › <a href="/section/{a.section}/">'
        f'{section}</a></div><article class="post"><header class="entry-header">'
        f'<span class="cat">{section}</span><h1 class="entry-title">{escape(a.title)}</h1>'
        f'<p class="standfirst">{escape(a.summary)}</p><div class="entry-meta">'
        f'<span class="byline">By {bylines}</span> <time class="published" '
        f'datetime="{iso(a.published)}">{a.published:%A, %B %d, %Y - %I:%M %p}</time></div>'
        f'</header><figure class="featured"><img src="/img/{a.index}.jpg" alt="" width="1200"'
        f' height="675"><figcaption>Smoke over {section} (Photo: AFP)</figcaption></figure>'
        f'<div class="share">{_SHARE}</div><div class="entry-content">{"".join(paragraphs)}'
        f'</div><div class="tags">{tags}</div><div class="author-box"><p>{a.authors[0]} '
        "covers security for the regional desk.</p></div></article>"
    )

"""Canary probe: a page's site selectors against its own JSON-LD/OpenGraph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parsel import Selector

from crawler.monitors.canary import SiteHealth
from crawler.monitors.probe import PageProbe, probe_page, similar_titles
from crawler.profile import SiteProfile

ROOT = Path(__file__).resolve().parents[2]
STORY = "pages/en/story/361842.html"
URL = (
    "https://www.kurdistan24.net/en/story/361842/"
    "iraqi-army-and-local-fighters-clash-at-shingal-checkpoint-two-wounded"
)


def kurdistan24() -> SiteProfile:
    from spiders.kurdistan24_en import Kurdistan24EnSpider

    return SiteProfile.from_spider(Kurdistan24EnSpider)


def fixture_page(kind: str) -> str:
    return (ROOT / "tests" / "fixtures" / kind / "www.kurdistan24.net" / STORY).read_text("utf-8")


def probe(html: str, profile: SiteProfile, url: str = URL) -> PageProbe:
    return probe_page(Selector(text=html), url, profile, min_words=40)


def statuses(result: PageProbe) -> dict[str, str]:
    return {name: field.status for name, field in result.fields.items()}


def test_healthy_fixture_page_is_ok() -> None:
    result = probe(fixture_page("sites"), kurdistan24())
    assert statuses(result) == {"title": "ok", "published": "n/a", "authors": "ok", "body": "ok"}
    title = result.fields["title"]
    assert title.site == title.reference
    assert title.reference_layer == "jsonld"
    assert result.fields["authors"].site == ["Hardi Osman"]
    health = SiteHealth.from_probe("k24", result, pages=4, tried=[URL])
    assert (health.status, health.reasons) == ("ok", [])


def test_redesigned_fixture_page_is_broken() -> None:
    result = probe(fixture_page("redesigned"), kurdistan24())
    assert statuses(result) == {
        "title": "broken",
        "published": "n/a",
        "authors": "degraded",
        "body": "broken",
    }
    assert result.fields["title"].reference.startswith("Iraqi army and local fighters")
    assert result.fields["body"].site == 0
    assert result.fields["body"].reference > 200
    health = SiteHealth.from_probe("k24", result, pages=4, tried=[URL])
    assert health.status == "broken"
    assert health.reasons[0] == "title: title selector 'h1.story__title' matched nothing"
    assert "body came from generic" in health.reasons[2]
    assert health.as_dict()["fields"]["body"]["status"] == "broken"


def test_wrong_headline_is_degraded() -> None:
    html = fixture_page("sites").replace(
        '<h1 class="story__title">Iraqi army and local fighters clash at Shingal checkpoint, '
        "two wounded</h1>",
        '<h1 class="story__title">Weather: sunny spells over Erbil</h1>',
    )
    result = probe(html, kurdistan24())
    assert result.fields["title"].status == "degraded"
    assert "differs from jsonld" in (result.fields["title"].reason or "")


# -- synthetic pages ----------------------------------------------------------------------


def synthetic(
    *,
    site_words: int,
    ld_words: int | None = None,
    site_date: str = "2024-10-01T09:00:00+03:00",
    authors: list[dict[str, Any]] | None = None,
    byline: str = "",
) -> str:
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Drone strike hits convoy near the border",
        "datePublished": "2024-10-01T09:00:00+03:00",
        "author": authors if authors is not None else [{"@type": "Person", "name": "Lina Aziz"}],
    }
    if ld_words:
        node["articleBody"] = " ".join(["report"] * ld_words)
    paragraphs = "".join(
        f"<p>{' '.join(['words'] * 20)}</p>" for _ in range(max(1, site_words // 20))
    )
    return (
        "<html><head>"
        f'<script type="application/ld+json">{json.dumps(node)}</script>'
        '<meta property="og:type" content="article"></head><body>'
        '<h1 class="title">Drone strike hits convoy near the border | Example News</h1>'
        f'<time class="date" datetime="{site_date}">date</time>'
        f'<span class="by">{byline}</span>'
        f'<div class="story">{paragraphs}</div></body></html>'
    )


PROFILE = SiteProfile(
    name="example",
    domains=("example.test",),
    timezone="Asia/Baghdad",
    selectors={
        "title": "h1.title",
        "published": "time.date::attr(datetime)",
        "authors": "span.by::text",
        "body": "div.story",
    },
)
EXAMPLE = "https://example.test/news/drone-strike-hits-convoy-near-the-border"


def test_body_much_shorter_than_article_body_is_degraded() -> None:
    result = probe(synthetic(site_words=100, ld_words=400, byline="Lina Aziz"), PROFILE, EXAMPLE)
    body = result.fields["body"]
    assert (body.status, body.site, body.reference, body.reference_layer) == (
        "degraded",
        100,
        400,
        "jsonld",
    )
    ok = probe(synthetic(site_words=300, ld_words=400, byline="Lina Aziz"), PROFILE, EXAMPLE)
    assert statuses(ok) == {"title": "ok", "published": "ok", "authors": "ok", "body": "ok"}


def test_body_under_the_minimum_is_broken() -> None:
    result = probe(synthetic(site_words=20), PROFILE, EXAMPLE)
    assert result.fields["body"].status == "broken"


def test_date_far_from_metadata_is_degraded() -> None:
    html = synthetic(site_words=200, site_date="2023-01-05T10:00:00+03:00", byline="Lina Aziz")
    result = probe(html, PROFILE, EXAMPLE)
    assert result.fields["published"].status == "degraded"


def test_authors_selector_missing_a_named_person_is_degraded() -> None:
    result = probe(synthetic(site_words=200, byline=""), PROFILE, EXAMPLE)
    assert result.fields["authors"].status == "degraded"
    other = probe(synthetic(site_words=200, byline="By Omar Said"), PROFILE, EXAMPLE)
    assert "share no name" in (other.fields["authors"].reason or "")


def test_desk_copy_without_persons_is_fine() -> None:
    html = synthetic(site_words=200, authors=[{"@type": "Organization", "name": "AFP"}])
    assert probe(html, PROFILE, EXAMPLE).fields["authors"].status == "ok"


def test_fields_without_selectors_are_not_applicable() -> None:
    bare = SiteProfile(name="bare", domains=("example.test",))
    result = probe(synthetic(site_words=200), bare, EXAMPLE)
    assert set(statuses(result).values()) == {"n/a"}
    assert result.fields["title"].reference == "Drone strike hits convoy near the border"


def test_similar_titles() -> None:
    assert similar_titles("Drone strike hits convoy", "Drone strike hits convoy | Example News")
    assert similar_titles("Drone strike hits convoy!", "drone strike hits convoy")
    assert not similar_titles("Drone strike hits convoy", "Weather: sunny spells over Erbil")
    assert not similar_titles("", "Drone strike")

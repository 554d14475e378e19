"""Article extraction: layer order, provenance, dates, canonical, language, wire, profiles."""

from __future__ import annotations

import json
import textwrap
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from parsel import Selector
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler import generic, profiles
from crawler.extraction import extract_article, extract_from_response
from crawler.items import ARTICLE_FIELDS
from crawler.profile import GENERIC, SiteProfile

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "fixtures" / "pages"
SCHEMA = ROOT / "crawler" / "schema" / "article.schema.json"
REAL_PAGES = ROOT.parent / "shared" / "real-pages"

TAGDIV_URL = "https://gulfdigest.example/drone-strike-reported-near-erbil-airport/"
YOAST_URL = "https://levantledger.example/2024/09/14/ceasefire-talks-stall-over-prisoner-lists/"
PLAIN_URL = "https://frontiernotes.example/news/border-crossing-reopens-after-three-days"
ARTICLE_URL = "https://news.example/2024/09/13/militia-denies-role-in-attack/"
BODY = "".join(
    f"<p>Paragraph {n} of the story says the convoy was attacked near the border crossing "
    "late on Thursday, officials said, and that the road stayed closed overnight.</p>"
    for n in range(1, 5)
)


def gulf_profile(**overrides: object) -> SiteProfile:
    values: dict[str, object] = {
        "name": "gulfdigest",
        "domains": ("gulfdigest.example",),
        "timezone": "Asia/Dubai",
        "language": "en",
        "source": {"name": "Gulf Daily Digest", "country": "AE", "type": "unknown"},
    }
    values.update(overrides)
    return SiteProfile(**values)  # type: ignore[arg-type]


def fixture(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def page(head: str = "", body: str = BODY, *, lang: str | None = None, h1: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return (
        f"<html{lang_attr}><head><title>Page title | Example News</title>{head}</head>"
        f"<body><main><article>{heading}{body}</article></main></body></html>"
    )


def ld(**fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def og(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{content}">'


def meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{content}">'


def extract(html: str, url: str = ARTICLE_URL, **kwargs: object) -> dict:
    kwargs.setdefault("profile", GENERIC)
    return extract_article(html, url, **kwargs)  # type: ignore[arg-type]


# -- output shape -------------------------------------------------------------


def test_output_has_every_article_field_and_validates_against_the_schema() -> None:
    item = extract(fixture("yoast_graph.html"), YOAST_URL)
    assert tuple(item) == ARTICLE_FIELDS
    jsonschema.validate(item, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert item["spider"] is None
    assert item["crawled_at"].endswith("+00:00")


# -- layer order and provenance -----------------------------------------------

TITLE_LAYERS = {
    "site": "",
    "jsonld": ld(headline="JSON-LD headline"),
    "microdata": (
        '<meta itemscope itemtype="https://schema.org/NewsArticle" itemref="md-headline">'
        '<meta id="md-headline" itemprop="headline" content="Microdata headline">'
    ),
    "opengraph": og("og:title", "OpenGraph title"),
    "meta": meta("twitter:title", "Twitter title"),
}
EXPECTED_TITLE = {
    "site": "Site headline",
    "jsonld": "JSON-LD headline",
    "microdata": "Microdata headline",
    "opengraph": "OpenGraph title",
    "meta": "Twitter title",
    "generic": "Visible headline",
}


@pytest.mark.parametrize("first", list(EXPECTED_TITLE))
def test_title_layer_order_and_provenance(first: str) -> None:
    order = list(EXPECTED_TITLE)
    present = order[order.index(first) :]
    head = "".join(TITLE_LAYERS[layer] for layer in present if layer in TITLE_LAYERS)
    body = '<div class="kicker">Site headline</div>' + BODY
    selectors = {"title": "div.kicker"} if "site" in present else {}
    profile = SiteProfile(name="t", domains=("news.example",), selectors=selectors)
    item = extract(page(head, body, h1="Visible headline"), profile=profile)
    assert item["title"] == EXPECTED_TITLE[first]
    assert item["provenance"]["title"] == first


def test_title_tag_loses_the_outlet_suffix() -> None:
    head = og("og:site_name", "Frontier Notes")
    html = f"<html><head><title>Border reopens - Frontier Notes</title>{head}</head>"
    item = extract(html + f"<body>{BODY}</body></html>")
    assert (item["title"], item["provenance"]["title"]) == ("Border reopens", "generic")


def test_empty_layer_value_falls_through_to_the_next_layer() -> None:
    head = ld(headline="   ") + og("og:title", "OpenGraph title")
    item = extract(page(head))
    assert item["title"] == "OpenGraph title"
    assert item["provenance"]["title"] == "opengraph"


def test_og_title_decorated_with_section_gives_way_to_the_headline() -> None:
    head = og("og:title", "Middle East - Militia denies role in attack")
    item = extract(page(head, h1="Militia denies role in attack"))
    assert item["title"] == "Militia denies role in attack"


def test_summary_layers_skip_fragments() -> None:
    head = meta("description", "| Example News") + og("og:description", "Too short")
    assert extract(page(head))["summary"] is None
    head = ld(description="The convoy was attacked near the border, officials said.")
    item = extract(page(head + og("og:description", "Another standfirst for the story")))
    assert item["summary"] == "The convoy was attacked near the border, officials said."
    assert item["provenance"]["summary"] == "jsonld"


def test_tags_section_and_image_from_structured_layers() -> None:
    head = ld(keywords="Iraq, Iran", articleSection=["World"], image={"url": "/img/a.jpg"})
    head += og("article:tag", "Ignored") + og("article:section", "Ignored")
    item = extract(page(head))
    assert item["tags"] == ["Iraq", "Iran"]
    assert item["section"] == "World"
    assert item["image"] == "https://news.example/img/a.jpg"
    head = og("article:tag", "Gaza") + og("article:tag", "Ceasefire")
    item = extract(page(head))
    assert item["tags"] == ["Gaza", "Ceasefire"]
    assert item["provenance"]["tags"] == "opengraph"


# -- dates ----------------------------------------------------------------------


def test_visible_posted_on_date_is_read_in_the_site_timezone() -> None:
    item = extract_article(fixture("tagdiv_article.html"), TAGDIV_URL, profile=gulf_profile())
    assert item["published"] == "2024-09-13T10:05:00+04:00"
    assert item["provenance"]["published"] == "visible"


@pytest.mark.parametrize("variant", ["og_time", "visible_only", "no_article_date"])
def test_header_date_widget_never_becomes_published(variant: str) -> None:
    html = fixture("tagdiv_article.html")
    assert "Monday, September 23, 2024 - 8:56 am" in html  # the widget is there
    if variant == "og_time":
        tag = og("article:published_time", "2024-09-13T06:05:00+00:00")
        html = html.replace("<!--EXTRA-HEAD-->", tag)
    if variant == "no_article_date":
        html = html.replace("Posted on Friday, September 13, 2024 - 10:05 am", "Posted in World")
    item = extract_article(html, TAGDIV_URL, profile=gulf_profile())
    assert not (item["published"] or "").startswith("2024-09-23")
    expected = {
        "og_time": ("2024-09-13T06:05:00+00:00", "opengraph"),
        "visible_only": ("2024-09-13T10:05:00+04:00", "visible"),
        "no_article_date": (None, None),
    }[variant]
    assert (item["published"], item["provenance"].get("published")) == expected


def test_metadata_dates_win_over_visible_text_and_keep_their_offset() -> None:
    item = extract(fixture("yoast_graph.html"), YOAST_URL)
    assert item["published"] == "2024-09-14T09:30:00+03:00"
    assert item["provenance"]["published"] == "jsonld"
    assert item["modified"] == "2024-09-14T11:00:00+03:00"


@pytest.mark.parametrize(
    ("head", "layer"),
    [
        (og("article:published_time", "2024-09-12T08:00:00Z"), "opengraph"),
        (meta("pubdate", "2024-09-12T08:00:00Z"), "meta"),
        (meta("sailthru.date", "2024-09-12T08:00:00Z"), "meta"),
    ],
)
def test_published_from_opengraph_and_meta(head: str, layer: str) -> None:
    body = '<div class="entry-meta"><span class="date">September 1, 2024</span></div>' + BODY
    item = extract(page(head, body))
    assert item["published"] == "2024-09-12T08:00:00+00:00"
    assert item["provenance"]["published"] == layer


def test_site_date_selector_only_after_metadata() -> None:
    body = '<span class="when">2024-09-10T07:00:00Z</span>' + BODY
    profile = SiteProfile(name="t", domains=("news.example",), selectors={"published": ".when"})
    item = extract(page("", body), profile=profile)
    assert (item["published"], item["provenance"]["published"]) == (
        "2024-09-10T07:00:00+00:00",
        "site",
    )
    item = extract(page(ld(datePublished="2024-09-11T07:00:00Z"), body), profile=profile)
    assert item["provenance"]["published"] == "jsonld"


# -- canonical URL ------------------------------------------------------------


def _canonical_page(href: str) -> str:
    return page(f'<link rel="canonical" href="{href}">')


def test_same_site_article_canonical_is_accepted() -> None:
    fetched = ARTICLE_URL + "?utm_source=feed&page=1"
    canonical = "https://www.news.example/2024/09/13/militia-denies-role-in-attack/"
    item = extract(_canonical_page(canonical), fetched)
    assert item["url"] == canonical
    assert item["fetched_url"] == fetched
    assert item["declared_canonical"] == canonical
    assert item["provenance"]["url"] == "meta"
    assert item["site"] == "news.example"


@pytest.mark.parametrize(
    "declared",
    ["https://other.example/2024/09/13/militia-denies-role-in-attack/", "/", "/category/world/"],
)
def test_foreign_or_listing_canonical_is_refused(declared: str) -> None:
    item = extract(_canonical_page(declared), ARTICLE_URL + "?utm_medium=x")
    assert item["url"] == ARTICLE_URL
    assert item["declared_canonical"] == declared
    assert item["provenance"]["url"] == "fetched"


def test_og_url_is_the_second_candidate_and_id_follows_the_canonical() -> None:
    declared = "https://news.example/2024/09/13/militia-denies-role-in-attack-2/"
    item = extract(page(og("og:url", declared)))
    assert item["url"] == declared
    assert item["provenance"]["url"] == "opengraph"
    other = extract(page(og("og:url", declared)), ARTICLE_URL + "?utm_source=x")
    assert other["id"] == item["id"]


# -- language -----------------------------------------------------------------


def test_language_precedence() -> None:
    head = og("og:locale", "fr_FR") + ld(inLanguage="ar")
    assert extract(page(head, lang="en-GB"))["language"] == "en"
    item = extract(page(head))
    assert (item["language"], item["provenance"]["language"]) == ("fr", "opengraph")
    item = extract(page(ld(inLanguage="ar-LB")))
    assert (item["language"], item["provenance"]["language"]) == ("ar", "jsonld")


def test_profile_language_is_only_a_fallback() -> None:
    profile = SiteProfile(name="t", domains=("news.example",), language="ar")
    item = extract(page(), profile=profile)
    assert (item["language"], item["provenance"]["language"]) == ("ar", "spider")
    assert extract(page(lang="en"), profile=profile)["language"] == "en"


# -- authors and wire -----------------------------------------------------------


def test_wire_from_jsonld_publisher() -> None:
    head = ld(
        headline="Convoy attacked",
        author={"@type": "Person", "name": "Omar Saleh"},
        publisher={"@type": "Organization", "name": "Agence France-Presse"},
    )
    item = extract(page(head))
    assert item["wire"] == ["AFP"]
    assert {"agency": "AFP", "kind": "jsonld", "strength": "credit"}.items() <= (
        item["wire_evidence"][0].items()
    )
    assert item["authors"] == ["Omar Saleh"]


def test_agency_author_goes_to_wire_not_authors() -> None:
    head = ld(author=[{"@type": "Organization", "name": "Reuters"}, "Lina Farah"])
    item = extract(page(head))
    assert item["authors"] == ["Lina Farah"]
    assert item["wire"] == ["Reuters"]


def test_outlet_is_never_its_own_wire() -> None:
    profile = SiteProfile(name="t", domains=("news.example",), source={"name": "Reuters"})
    head = ld(publisher={"@type": "Organization", "name": "Reuters"})
    item = extract(page(head), profile=profile)
    assert item["wire"] == []


def test_byline_text_is_the_last_author_layer() -> None:
    body = '<div class="byline">By Hana Khalil and Sami Aziz</div>' + BODY
    item = extract(page("", body))
    assert item["authors"] == ["Hana Khalil", "Sami Aziz"]
    assert item["provenance"]["authors"] == "visible"
    item = extract(page(meta("author", "Rania Daher"), body))
    assert item["authors"] == ["Rania Daher"]
    assert item["provenance"]["authors"] == "meta"


def test_outlet_names_are_not_authors() -> None:
    head = meta("author", "Example News") + og("og:site_name", "Example News")
    assert extract(page(head))["authors"] == []


# -- body, related links, partial -------------------------------------------------


def test_site_body_selector_uses_the_container_rules_and_collects_related_links() -> None:
    related = (
        '<div class="td-related"><a href="/2024/09/01/border-clashes-resume/">a</a>'
        '<a href="https://elsewhere.example/2024/09/01/other-story/">b</a>'
        f'<a href="{TAGDIV_URL}">self</a>'
        '<a href="/2024/09/10/coalition-talks-resume-in-baghdad/">dup</a></div>'
    )
    html = fixture("tagdiv_article.html").replace("</article>", related + "</article>")
    profile = gulf_profile(
        selectors={"body": "div.td-post-content", "related": "div.td-related a::attr(href)"}
    )
    item = extract_article(html, TAGDIV_URL, profile=profile)
    assert item["provenance"]["body"] == "site"
    assert item["body"].startswith("Two explosive-laden drones")
    for boilerplate in ("Read also", "The world with AFP", "Reuse this content"):
        assert boilerplate not in item["body"]
    assert item["related_urls"] == [
        "https://gulfdigest.example/2024/09/10/coalition-talks-resume-in-baghdad/",
        "https://gulfdigest.example/2024/09/01/border-clashes-resume/",
    ]
    assert item["wire"] == ["AFP"]
    assert item["authors"] == ["Samira Haddad"]
    assert item["word_count"] == len(item["body"].split())


def test_generic_body_still_collects_read_also_links() -> None:
    item = extract(fixture("yoast_graph.html"), YOAST_URL)
    assert item["provenance"]["body"] == "generic"
    assert item["related_urls"] == [
        "https://levantledger.example/2024/09/01/mediators-outline-three-phase-plan/"
    ]


def test_missing_site_body_falls_back_to_generic_and_counts_it() -> None:
    stats: Counter[str] = Counter()
    profile = SiteProfile(name="t", domains=("news.example",), selectors={"body": ".nowhere"})
    item = extract(page(), profile=profile, stats=stats)
    assert item["provenance"]["body"] == "generic"
    assert stats["extraction/fallback/body"] == 1


def test_generic_fallback_on_a_page_without_metadata() -> None:
    item = extract(fixture("plain_page.html"), PLAIN_URL)
    assert item["title"] == "Border crossing reopens after three days"
    assert item["provenance"]["title"] == "generic"
    assert item["body"].startswith("The main border crossing")
    assert "independent newsletter" not in item["body"]
    assert item["provenance"]["body"] == "generic"
    assert item["word_count"] > 80
    assert (item["published"], item["language"], item["authors"]) == (None, None, [])
    assert item["url"] == PLAIN_URL


@pytest.mark.parametrize(
    ("head", "body", "partial"),
    [
        (ld(isAccessibleForFree="False"), BODY, True),
        ("", BODY + '<div class="paywall js-paywall">Subscribe</div>', True),
        ("", BODY + '<div class="steady-paywall-container"></div>', False),
        (ld(isAccessibleForFree=True), BODY, False),
    ],
)
def test_partial_flag(head: str, body: str, partial: bool) -> None:
    assert extract(page(head, body))["partial"] is partial


def test_paywall_notice_in_the_body_makes_the_item_partial() -> None:
    notice = "Il vous reste 62 % de cet article à lire. La suite est réservée aux abonnés."
    item = extract(page(body=BODY + f"<p>{notice}</p>"))
    assert item["partial"] is True
    assert "Il vous reste" not in item["body"]


STANDFIRST = (
    "Residents of the border town say they were given no warning before the convoy was hit "
    "and the only road out was closed."
)


@pytest.mark.parametrize(
    "shown",
    [
        f"<h2>{STANDFIRST}</h2>",
        f'<p class="article__chapo">{STANDFIRST}</p>',
        f"<p><strong>{STANDFIRST}</strong></p>",
        f'<div class="intro"><span class="text-lg">{STANDFIRST}</span></div>',
    ],
)
def test_standfirst_repeating_the_summary_is_not_body(shown: str) -> None:
    item = extract(page(og("og:description", STANDFIRST), shown + BODY))
    assert item["summary"] == STANDFIRST
    assert item["body"].startswith("Paragraph 1 of the story")


def test_first_paragraph_that_doubles_as_the_description_stays() -> None:
    first = f"<p>{STANDFIRST}</p>"
    item = extract(page(og("og:description", STANDFIRST), first + BODY))
    assert item["body"].startswith(STANDFIRST)


def test_paragraph_repeating_a_figure_caption_is_not_body() -> None:
    caption = "Smoke rises over the crossing after the convoy was hit on Thursday night."
    figure = (
        '<div class="wp-caption"><img src="/a.jpg" alt="">'
        f'<div class="wp-caption-text">{caption}</div></div>'
    )
    item = extract(page(body=BODY + figure + f"<p>{caption}</p>" + BODY))
    assert caption not in item["body"]
    assert item["body"].count("Paragraph 1 of the story") == 2


def test_heading_repeating_the_title_with_other_quotes_is_not_body() -> None:
    head = og("og:title", "Militia denies “role” in attack")
    item = extract(page(head, '<h2>Militia denies "role" in attack</h2>' + BODY))
    assert item["title"] == "Militia denies “role” in attack"
    assert item["body"].startswith("Paragraph 1 of the story")


def test_trafilatura_fast_mode_is_rechecked_with_fallbacks_when_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []
    long_text = "A full paragraph of the story. " * 40

    def fake(root: object, url: str, *, fast: bool) -> str:
        calls.append(fast)
        return "Too short." if fast else long_text

    monkeypatch.setattr(generic, "_trafilatura_text", fake)
    sel = Selector(text=page())
    assert generic.trafilatura_paragraphs(sel, ARTICLE_URL) == [long_text]
    assert calls == [True, False]

    calls.clear()
    monkeypatch.setattr(generic, "_trafilatura_text", lambda root, url, *, fast: long_text)
    assert generic.trafilatura_paragraphs(sel, ARTICLE_URL) == [long_text]


def test_trafilatura_fast_mode_is_rechecked_when_it_misses_the_scope_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []
    medium = "Some text of the story. " * 50  # 1200 characters

    def fake(root: object, url: str, *, fast: bool) -> str:
        calls.append(fast)
        return medium

    monkeypatch.setattr(generic, "_trafilatura_text", fake)
    scope_text = "".join(f"<p>{'Scope paragraph text here. ' * 20}</p>" for _ in range(10))
    sel = Selector(text=page(body=scope_text))
    generic.trafilatura_paragraphs(sel, ARTICLE_URL, scope=generic.article_scope(sel))
    assert calls == [True, False]


# -- inputs and stats -----------------------------------------------------------


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    title = "اشتباكات على الحدود"
    html = page(f'<meta charset="windows-1256">{og("og:title", title)}').encode("cp1256")
    assert extract(html)["title"] == title


def test_broken_jsonld_is_counted_in_stats() -> None:
    stats: Counter[str] = Counter()
    extract(fixture("yoast_graph.html"), YOAST_URL, stats=stats)
    assert stats["extraction/jsonld/broken"] == 1


def test_extract_from_response_shares_the_tree_and_names_the_spider() -> None:
    html = fixture("yoast_graph.html")
    response = HtmlResponse(YOAST_URL, body=html.encode("utf-8"), encoding="utf-8")
    profile = SiteProfile(name="levant", domains=("levantledger.example",))
    item = extract_from_response(response, profile)
    direct = extract_article(html, YOAST_URL, profile=profile)
    assert item["spider"] == "levant"
    for key in ("title", "body", "published", "authors", "url", "provenance"):
        assert item[key] == direct[key]


# -- profile lookup -------------------------------------------------------------

SPIDERS_SOURCE = """
import scrapy


class OutletAll(scrapy.Spider):
    name = "outlet_all"
    allowed_domains = ["outlet.example"]


class OutletEnglish(scrapy.Spider):
    name = "outlet_en"
    allowed_domains = ["outlet.example"]
    path_prefixes = ["/en/"]
    language = "en"


class OutletEnglishWorld(scrapy.Spider):
    name = "outlet_en_world"
    allowed_domains = ["outlet.example"]
    path_prefixes = ["/en/world/"]


class OutletBlog(scrapy.Spider):
    name = "outlet_blog"
    allowed_domains = ["blog.outlet.example"]
    timezone = "Asia/Beirut"


class Family(scrapy.Spider):
    name = "family"
"""


@pytest.fixture(scope="module")
def spider_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    import sys

    module = f"profile_spiders_{uuid.uuid4().hex[:8]}"
    directory = tmp_path_factory.mktemp("spiders")
    (directory / f"{module}.py").write_text(textwrap.dedent(SPIDERS_SOURCE), encoding="utf-8")
    sys.path.insert(0, str(directory))
    try:
        yield Settings({"SPIDER_MODULES": [module]})
    finally:
        sys.path.remove(str(directory))
        sys.modules.pop(module, None)
        profiles.clear_cache()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://outlet.example/fr/monde/un-article-ici/", "outlet_all"),
        ("https://www.outlet.example/en/politics/a-story-here/", "outlet_en"),
        ("https://outlet.example/en/world/a-story-here/", "outlet_en_world"),
        ("https://blog.outlet.example/en/a-post-here/", "outlet_blog"),
        ("https://unknown.example/en/world/a-story-here/", None),
    ],
)
def test_find_profile_prefers_the_most_specific_spider(
    spider_settings: Settings, url: str, expected: str | None
) -> None:
    found = profiles.find_profile(url, spider_settings)
    assert (found.name if found else None) == expected


def test_spiders_without_domains_never_match_and_profiles_are_cached(
    spider_settings: Settings,
) -> None:
    loaded = profiles.all_profiles(spider_settings)
    assert "family" in {p.name for p in loaded}
    assert profiles.all_profiles(spider_settings) is loaded
    assert profiles.find_profile_by_name("outlet_blog", spider_settings).timezone == "Asia/Beirut"
    with pytest.raises(KeyError):
        profiles.find_profile_by_name("nope", spider_settings)


def test_extract_article_finds_the_profile_from_settings(spider_settings: Settings) -> None:
    url = "https://outlet.example/en/politics/a-story-here/"
    item = extract_article(page(), url, settings=spider_settings)
    assert (item["language"], item["provenance"]["language"]) == ("en", "spider")


# -- real pages (generic sanity only) -------------------------------------------


def _real_pages() -> list[object]:
    truth = REAL_PAGES / "truth.jsonl"
    if not truth.exists():
        return [pytest.param(None, id="real-pages-absent")]
    rows = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines() if line]
    return [pytest.param(row, id=row["id"]) for row in rows]


@pytest.mark.parametrize("row", _real_pages())
def test_real_page_sanity(row: dict | None) -> None:
    if row is None:
        pytest.skip(f"{REAL_PAGES} is absent")
    html = (REAL_PAGES / "pages" / f"{row['id']}.html").read_bytes()
    item = extract_article(html, row["url"], profile=GENERIC)
    jsonschema.validate(item, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert item["title"]
    assert item["word_count"] >= 50
    assert item["site"] == row["site"]
    print(
        f"{row['id']}: title={item['title'][:50]!r} published={item['published']} "
        f"({item['provenance'].get('published')}) words={item['word_count']} "
        f"authors={item['authors']} wire={item['wire']}"
    )


def test_site_byline_holding_only_a_desk_and_place_gives_no_person() -> None:
    """A matched site byline settles authors: later layers must not read the
    location next to the desk credit as a person."""
    profile = SiteProfile(
        name="desk", domains=("example.com",), selectors={"authors": ".byline .name"}
    )
    html = page(
        meta("author", "Baghdad"),
        '<div class="byline"><span class="name">Meridian Newsdesk</span>'
        '<span class="place">Baghdad</span></div>' + BODY,
    )
    out = extract(html, profile=profile)
    assert out["authors"] == []
    assert out["provenance"]["authors"] == "site"


@pytest.mark.parametrize(
    ("text", "published", "modified"),
    [
        ("02.10.2024 - Update : 03.10.2024", "02.10.2024", "03.10.2024"),
        ("02.10.2024", "02.10.2024", None),
        (
            "Le 2 octobre 2024, mis à jour le 3 octobre 2024",
            "Le 2 octobre 2024",
            "le 3 octobre 2024",
        ),
    ],
)
def test_visible_date_line_splits_publication_and_update(
    text: str, published: str, modified: str | None
) -> None:
    from crawler.layers import split_update

    assert split_update(text, "published").strip(" ,") == published
    assert split_update(text, "modified") == modified


def test_headline_loses_the_outlet_suffix_seo_plugins_add() -> None:
    head = og("og:site_name", "Harbour Times") + ld(headline="Strike hits depot - Harbour Times")
    out = extract(page(head))
    assert out["title"] == "Strike hits depot"
    assert out["provenance"]["title"] == "jsonld"

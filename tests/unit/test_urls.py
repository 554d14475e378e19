"""URLs: tracking removal, registrable domains (offline), article-likeness, canonicals, ids."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from crawler import urls
from crawler.urls import (
    article_id,
    choose_canonical,
    is_article_like,
    registrable_domain,
    strip_tracking,
)

ARTICLE = "https://www.example-news.com/middle-east/us-accuses-pro-iranian-groups/"

# -- strip_tracking ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.lemonde.fr/a/b.html?utm_source=twitter&utm_medium=social&utm_campaign=x",
            "https://www.lemonde.fr/a/b.html",
        ),
        ("https://x.com/a?fbclid=abc&id=5&gclid=z", "https://x.com/a?id=5"),
        ("https://x.com/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4", "https://x.com/a"),
        ("https://x.com/a?at_medium=RSS&at_campaign=KSH&xtor=RSS-3", "https://x.com/a"),
        ("https://x.com/a?UTM_Source=x&page=2", "https://x.com/a?page=2"),
        ("https://x.com/a#comments", "https://x.com/a"),
        ("https://x.com/a?b=2&a=1&utm_x=0#top", "https://x.com/a?b=2&a=1"),
        ("https://x.com/a?q=caf%C3%A9%20noir&utm_source=x", "https://x.com/a?q=caf%C3%A9%20noir"),
        ("https://x.com/News/Some-Story?ID=7", "https://x.com/News/Some-Story?ID=7"),
        ("HTTPS://WWW.Example.COM/Path", "https://www.example.com/Path"),
        ("https://x.com:443/a", "https://x.com/a"),
        ("http://x.com:80/a", "http://x.com/a"),
        ("http://127.0.0.1:8080/a?utm_source=x", "http://127.0.0.1:8080/a"),
        ("https://x.com", "https://x.com/"),
        ("https://x.com/a?", "https://x.com/a"),
    ],
)
def test_strip_tracking(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


# -- registrable_domain --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.lemonde.fr/international/", "lemonde.fr"),
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("www.aljazeera.com", "aljazeera.com"),
        ("WWW.LEMONDE.FR.", "lemonde.fr"),
        ("https://english.alarabiya.net:443/News", "alarabiya.net"),
        ("127.0.0.1:8080", "127.0.0.1"),
        ("http://127.0.0.1:8080/wp/2024/09/13/slug/", "127.0.0.1"),
        ("localhost:8000", "localhost"),
        ("http://localhost/", "localhost"),
        ("http://[::1]:8080/x", "::1"),
        ("https://www.exampletimes.test/middle-east/", "exampletimes.test"),
        ("", ""),
    ],
)
def test_registrable_domain(value: str, expected: str) -> None:
    assert registrable_domain(value) == expected


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    urls._extractor.cache_clear()
    yield
    urls._extractor.cache_clear()


def test_registrable_domain_never_touches_the_network(no_network: None) -> None:
    assert registrable_domain("https://www.theguardian.co.uk/world") == "theguardian.co.uk"
    extractor = urls._extractor()
    assert extractor is urls._extractor()
    assert tuple(extractor.suffix_list_urls) == ()


# -- is_article_like ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/",
        "https://x.com",
        "https://x.com/en/",
        "https://x.com/middle-east/",
        "https://x.com/en/middle-east/",
        "https://x.com/category/x/",
        "https://x.com/category/entertainment-news-and-more/",
        "https://x.com/tag/iran/",
        "https://x.com/author/anthony-robbins-writer/",
        "https://x.com/page/2/",
        "https://x.com/category/middle-east/page/3/",
        "https://x.com/2024/09/13/",
        "https://x.com/2024/09/",
        "https://x.com/news/article.html",
        "https://x.com/feed/",
    ],
)
def test_listing_and_home_pages_are_not_article_like(url: str) -> None:
    assert not is_article_like(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/following-attack-on-us-diplomatic-centre/",
        "https://x.com/en/middle-east/us-accuses-pro-iranian-groups",
        "https://x.com/2024/09/13/attack/",
        "https://x.com/2024/09/attack/",
        "https://x.com/news/1234567",
        "https://x.com/news/story_about_the_attack.html",
        "https://x.com/a/1234567.html",
        "https://x.com/?p=123",
        "https://x.com/ar/%D9%87%D8%AC%D9%88%D9%85-%D8%B9%D9%84%D9%89-%D9%85%D8%B1%D9%83%D8%B2",
        "https://www.lemonde.fr/en/international/article/2024/09/13/us-accuses_6726000_4.html",
    ],
)
def test_article_urls_are_article_like(url: str) -> None:
    assert is_article_like(url)


# -- choose_canonical -------------------------------------------------------------------


def test_same_domain_article_canonical_is_accepted() -> None:
    fetched = "https://www.example-news.com/amp/us-accuses-pro-iranian-groups/?utm_source=x"
    assert choose_canonical(fetched, [ARTICLE]) == (ARTICLE, ARTICLE)


def test_subdomain_of_same_site_is_accepted() -> None:
    fetched = "https://m.example-news.com/us-accuses-pro-iranian-groups/"
    assert choose_canonical(fetched, [ARTICLE])[0] == ARTICLE


def test_other_domain_canonical_is_rejected() -> None:
    fetched = "https://www.copycat-farm.com/entertainment/us-accuses-pro-iranian-groups/"
    declared = (
        "https://www.lemonde.fr/en/international/article/2024/09/13/us-accuses_6726000_4.html"
    )
    assert choose_canonical(fetched, [declared]) == (fetched, declared)


def test_home_page_canonical_is_rejected() -> None:
    assert choose_canonical(ARTICLE, ["https://www.example-news.com/"]) == (
        ARTICLE,
        "https://www.example-news.com/",
    )


def test_section_page_canonical_keeps_articles_distinct() -> None:
    section = "https://www.example-news.com/middle-east/"
    first = "https://www.example-news.com/middle-east/attack-on-us-diplomatic-centre/"
    second = "https://www.example-news.com/middle-east/iraq-coalition-talks-resume/"
    url1, declared1 = choose_canonical(first, [section])
    url2, declared2 = choose_canonical(second, [section])
    assert (url1, url2) == (first, second)
    assert declared1 == declared2 == section
    assert article_id(url1) != article_id(url2)


def test_tracking_params_are_removed_from_accepted_and_fallback_urls() -> None:
    accepted, _ = choose_canonical(ARTICLE, [ARTICLE + "?utm_source=rss#x"])
    assert accepted == ARTICLE
    fallback, declared = choose_canonical(ARTICLE + "?fbclid=1&id=9", [])
    assert fallback == ARTICLE + "?id=9"
    assert declared is None


def test_relative_canonical_is_resolved() -> None:
    fetched = "https://www.example-news.com/amp/story/?utm_medium=x"
    assert choose_canonical(fetched, ["/middle-east/us-accuses-pro-iranian-groups/"]) == (
        ARTICLE,
        "/middle-east/us-accuses-pro-iranian-groups/",
    )
    protocol_relative = "//www.example-news.com/middle-east/us-accuses-pro-iranian-groups/"
    assert choose_canonical(fetched, [protocol_relative])[0] == ARTICLE


def test_og_url_is_used_when_rel_canonical_is_rejected() -> None:
    fetched = "https://www.example-news.com/?p=4512"
    declared = ["https://www.example-news.com/middle-east/", ARTICLE]
    assert choose_canonical(fetched, declared) == (ARTICLE, declared[0])


def test_empty_and_non_http_candidates_are_skipped() -> None:
    result = choose_canonical(ARTICLE, [None, "", "  ", "javascript:void(0)"])
    assert result == (ARTICLE, "javascript:void(0)")


def test_loopback_site_canonical() -> None:
    fetched = "http://127.0.0.1:8080/?p=12"
    declared = "http://127.0.0.1:8080/2024/09/13/following-attack-on-us-centre/"
    assert choose_canonical(fetched, [declared]) == (declared, declared)


# -- article_id -----------------------------------------------------------------------------


def test_article_id_is_sha1_prefix() -> None:
    expected = hashlib.sha1(ARTICLE.encode()).hexdigest()[:20]
    assert article_id(ARTICLE) == expected
    assert len(expected) == 20
    assert article_id(ARTICLE) == article_id(ARTICLE)
    assert article_id(ARTICLE) != article_id(ARTICLE + "x")

"""Sitemap, robots.txt and feed parsing; the date window that filters entries."""

from __future__ import annotations

import gzip
from datetime import date, datetime

import pytest

from crawler.discovery import (
    DateWindow,
    Entry,
    parse_date_arg,
    parse_feed,
    parse_feed_date,
    parse_sitemap,
    robots_sitemaps,
    sitemap_body,
)


def test_robots_sitemap_lines_are_absolute_and_unique() -> None:
    body = (
        b"User-agent: *\nDisallow: /wp-admin/\n"
        b"Sitemap: https://example.test/sitemap_index.xml\n"
        b"sitemap: /wp-sitemap.xml\n"
        b"Sitemap: https://example.test/sitemap_index.xml\n"
    )
    assert robots_sitemaps(body, "https://example.test/robots.txt") == [
        "https://example.test/sitemap_index.xml",
        "https://example.test/wp-sitemap.xml",
    ]


def test_sitemap_index_entries_with_lastmod() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.test/post-sitemap.xml</loc>
    <lastmod>2024-09-13T10:05:00+00:00</lastmod></sitemap>
  <sitemap><loc>https://example.test/page-sitemap.xml</loc></sitemap>
</sitemapindex>"""
    kind, entries = parse_sitemap(body)
    assert kind == "sitemapindex"
    assert [e.url for e in entries] == [
        "https://example.test/post-sitemap.xml",
        "https://example.test/page-sitemap.xml",
    ]
    assert entries[0].modified == datetime.fromisoformat("2024-09-13T10:05:00+00:00")
    assert entries[1].modified is None


def test_news_sitemap_keeps_publication_date_and_title() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://example.test/2024/09/13/rockets-hit-airport-base/</loc>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>en</news:language>
      </news:publication>
      <news:publication_date>2024-09-13T10:05:00+03:00</news:publication_date>
      <news:title>Rockets hit airport base</news:title>
    </news:news>
  </url>
  <url><loc>https://example.test/older-story-about-talks/</loc>
    <lastmod>2024-08-01</lastmod></url>
</urlset>"""
    kind, entries = parse_sitemap(body)
    assert kind == "urlset"
    first, second = entries
    assert first.published == datetime.fromisoformat("2024-09-13T10:05:00+03:00")
    assert first.title == "Rockets hit airport base"
    assert second.published is None
    assert second.modified == datetime(2024, 8, 1)


def test_news_sitemap_date_filter_with_since_and_until() -> None:
    window = DateWindow.from_args("2024-09-10", "2024-09-12")
    entries = [
        Entry("https://e.test/a", published=datetime.fromisoformat("2024-09-11T08:00:00+00:00")),
        Entry("https://e.test/b", published=datetime.fromisoformat("2024-09-09T23:00:00+00:00")),
        Entry("https://e.test/c", published=datetime.fromisoformat("2024-09-13T01:00:00+00:00")),
        Entry("https://e.test/d"),
        # modified before since: published earlier still, skipped
        Entry("https://e.test/e", modified=datetime(2024, 9, 1)),
        # modified after until says nothing about publication: kept
        Entry("https://e.test/f", modified=datetime(2024, 9, 20)),
    ]
    assert [e.url for e in entries if window.keeps(e)] == [
        "https://e.test/a",
        "https://e.test/d",
        "https://e.test/f",
    ]


def test_window_reads_dates_in_the_site_time_zone() -> None:
    window = DateWindow.from_args("2024-09-14", None, "Asia/Baghdad")
    # 22:30 UTC on the 13th is 01:30 on the 14th in Baghdad
    assert window.contains("2024-09-13T22:30:00+00:00")
    assert not window.contains("2024-09-13T20:00:00+00:00")
    assert window.contains(None)


def test_date_args() -> None:
    assert parse_date_arg("2024-09-13") == date(2024, 9, 13)
    assert parse_date_arg("") is None
    assert parse_date_arg(None) is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date_arg("13/09/2024", "since")
    with pytest.raises(ValueError):
        parse_date_arg("2024-02-30")
    with pytest.raises(ValueError, match="after"):
        DateWindow.from_args("2024-09-14", "2024-09-13")
    assert not DateWindow().bounded


def test_invalid_sitemap_gives_no_entries() -> None:
    assert parse_sitemap(b"<html><body>Not found</body></html>") == ("", [])
    assert parse_sitemap(b"") == ("", [])


def test_gzipped_sitemap_body() -> None:
    xml = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    assert sitemap_body(gzip.compress(xml), "https://e.test/s.xml.gz") == xml
    assert sitemap_body(xml, "https://e.test/sitemap") == xml
    assert sitemap_body(b"User-agent: *", "https://e.test/robots") is None


def test_rss2_items() -> None:
    body = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example</title><link>https://example.test/</link>
  <item><title>Drone strike near border crossing</title>
    <link>https://example.test/drone-strike-near-border/?utm_source=rss</link>
    <pubDate>Fri, 13 Sep 2024 10:05:00 +0300</pubDate></item>
  <item><title>No link, permalink guid</title>
    <guid isPermaLink="true">https://example.test/guid-only-story-here/</guid>
    <dc:date>2024-09-12T08:00:00Z</dc:date></item>
  <item><title>Nothing to follow</title><guid isPermaLink="false">42</guid></item>
</channel></rss>"""
    entries = parse_feed(body, "https://example.test/feed/")
    assert [e.url for e in entries] == [
        "https://example.test/drone-strike-near-border/?utm_source=rss",
        "https://example.test/guid-only-story-here/",
    ]
    assert entries[0].published == datetime.fromisoformat("2024-09-13T10:05:00+03:00")
    assert entries[0].title == "Drone strike near border crossing"
    assert entries[1].published == datetime.fromisoformat("2024-09-12T08:00:00+00:00")


def test_atom_entries() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example</title>
  <entry><title>Ceasefire talks resume in Cairo</title>
    <link rel="alternate" type="text/html" href="/2024/09/13/ceasefire-talks-resume/"/>
    <link rel="replies" href="/2024/09/13/ceasefire-talks-resume/#comments"/>
    <published>2024-09-13T07:00:00+02:00</published>
    <updated>2024-09-13T09:00:00+02:00</updated></entry>
</feed>"""
    (entry,) = parse_feed(body, "https://example.test/feed/atom/")
    assert entry.url == "https://example.test/2024/09/13/ceasefire-talks-resume/"
    assert entry.published == datetime.fromisoformat("2024-09-13T07:00:00+02:00")
    assert entry.modified == datetime.fromisoformat("2024-09-13T09:00:00+02:00")


def test_feed_date_parsing_is_tolerant() -> None:
    assert parse_feed_date("not a date") is None
    assert parse_feed_date("") is None
    assert parse_feed_date("2024-09-13") == datetime(2024, 9, 13)


def test_broken_feed_gives_nothing() -> None:
    assert parse_feed(b"", "https://e.test/") == []
    assert parse_feed(b"<html><p>oops</p></html>", "https://e.test/") == []


def test_entities_are_not_resolved() -> None:
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&x;</title>
<link>https://example.test/safe-story-link-here/</link></item></channel></rss>"""
    (entry,) = parse_feed(body, "https://example.test/feed/")
    assert "root:" not in (entry.title or "")

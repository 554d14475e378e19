"""Discovery helpers: robots.txt ``Sitemap:`` lines, sitemaps, RSS/Atom feeds, date windows.

Pure functions over response bodies, so they are testable without a crawl.
Policy:

* Sitemaps are read with Scrapy's :class:`scrapy.utils.sitemap.Sitemap`
  (entities never resolved); a Google News ``<news:publication_date>`` nested
  in a ``<url>`` is kept as the entry's publication date, ``<lastmod>`` as its
  modification date.
* Feeds: RSS 2.0 ``<item>`` (``link``/``guid``, ``pubDate``/``dc:date``), RSS 1.0
  and Atom ``<entry>`` (``link rel=alternate``, ``published``/``updated``).
* A :class:`DateWindow` skips an entry only when a *known* date proves it is
  outside the window: a publication or modification date before ``since``, or
  a publication date after ``until`` (a late modification says nothing about
  when the piece was published). Undated entries are always kept.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

__all__ = [
    "DateWindow",
    "Entry",
    "parse_date_arg",
    "parse_feed",
    "parse_feed_date",
    "parse_sitemap",
    "robots_sitemaps",
    "sitemap_body",
]

#: Cap on a decompressed ``.xml.gz`` sitemap (sitemaps.org allows 50 MB).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One URL found by a sitemap or a feed, with the dates it declared."""

    url: str
    published: datetime | None = None
    modified: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class DateWindow:
    """Inclusive ``since``/``until`` calendar dates, read in the site's time zone."""

    since: date | None = None
    until: date | None = None
    timezone: str = "UTC"

    @classmethod
    def from_args(cls, since: str | None, until: str | None, timezone: str = "UTC") -> DateWindow:
        """Build from ``-a since=YYYY-MM-DD -a until=YYYY-MM-DD``; raises ValueError."""
        window = cls(parse_date_arg(since, "since"), parse_date_arg(until, "until"), timezone)
        if window.since and window.until and window.since > window.until:
            raise ValueError(f"since ({window.since}) is after until ({window.until})")
        return window

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def local_date(self, value: datetime | str) -> date | None:
        """Calendar date of ``value`` in the window's time zone (naive = already local)."""
        moment = _to_datetime(value) if isinstance(value, str) else value
        if moment is None:
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(ZoneInfo(self.timezone))
        return moment.date()

    def contains(self, value: datetime | str | None) -> bool:
        """False only when ``value`` is a known date outside the window."""
        day = self.local_date(value) if value is not None else None
        if day is None:
            return True
        if self.since and day < self.since:
            return False
        return not (self.until and day > self.until)

    def before_since(self, value: datetime | str | None) -> bool:
        """True when ``value`` is a known date earlier than ``since``."""
        day = self.local_date(value) if value is not None else None
        return bool(day and self.since and day < self.since)

    def keeps(self, entry: Entry) -> bool:
        """Whether a discovered entry may be fetched (see module policy)."""
        if self.before_since(entry.published) or self.before_since(entry.modified):
            return False
        return entry.published is None or self.contains(entry.published)


def parse_date_arg(value: str | date | None, name: str = "date") -> date | None:
    """``"2024-09-13"`` -> ``date(2024, 9, 13)``; empty -> None; else ValueError."""
    if value is None or isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"{name} must be YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc} ({value!r})") from None


def _to_datetime(value: str | None) -> datetime | None:
    """W3C datetime (sitemaps, Atom) or ISO 8601; date-only -> midnight, naive."""
    if not value:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})", text[:10])
    if match:
        try:
            return datetime.combine(date.fromisoformat(match.group(1)), time())
        except ValueError:
            return None
    return None


def parse_feed_date(value: str | None) -> datetime | None:
    """RSS ``pubDate`` (RFC 822) or Atom/Dublin Core ISO dates; None when unreadable."""
    if not value or not value.strip():
        return None
    moment = _to_datetime(value)
    if moment is not None:
        return moment
    try:
        return parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None


# -- robots.txt and sitemaps ---------------------------------------------------


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """Absolute sitemap URLs from the ``Sitemap:`` lines of a robots.txt body."""
    return list(dict.fromkeys(sitemap_urls_from_robots(body, base_url=base_url)))


def sitemap_body(body: bytes, url: str) -> bytes | None:
    """The XML of a sitemap response: gunzipped when needed, None if not XML."""
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as handle:
                data = handle.read(MAX_SITEMAP_BYTES + 1)
        except (OSError, EOFError):
            return None
        return data if len(data) <= MAX_SITEMAP_BYTES else None
    head = body[:512].lstrip()
    if head.startswith(b"<") or url.endswith((".xml", ".xml.gz")):
        return body
    return None


class _NewsSitemap(Sitemap):
    """Scrapy's Sitemap, also keeping nested ``<news:publication_date>``/``<news:title>``."""

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        nested: dict[str, str] = {}
        for child in elem:
            for node in child.iterdescendants():
                name = self._get_tag_name(node)
                if name in ("publication_date", "title") and node.text:
                    nested.setdefault(f"news_{name}", node.text.strip())
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry.update(nested)
        return entry


def parse_sitemap(body: bytes) -> tuple[str, list[Entry]]:
    """``("sitemapindex" | "urlset" | "", entries)`` of a sitemap XML body."""
    try:
        sitemap = _NewsSitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return "", []
    if sitemap.type not in ("sitemapindex", "urlset"):
        return "", []
    entries: list[Entry] = []
    try:
        for raw in sitemap:
            loc = (raw.get("loc") or "").strip()
            if not loc:
                continue
            entries.append(
                Entry(
                    url=loc,
                    published=_to_datetime(raw.get("news_publication_date")),
                    modified=_to_datetime(raw.get("lastmod")),
                    title=raw.get("news_title") or None,
                )
            )
    except lxml.etree.XMLSyntaxError:
        pass  # keep what was read before the damage
    return sitemap.type, entries


# -- RSS / Atom ---------------------------------------------------------------


def _local(node: Any) -> str:
    tag = node.tag
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _child_text(node: Any, *names: str) -> str | None:
    for name in names:
        for child in node:
            if _local(child) == name and child.text and child.text.strip():
                return str(child.text).strip()
    return None


def _atom_link(node: Any) -> str | None:
    for child in node:
        if _local(child) == "link" and child.get("rel", "alternate") == "alternate":
            href = child.get("href")
            if href:
                return str(href).strip()
    return None


def _feed_items(root: Any) -> Iterator[Any]:
    for node in root.iter():
        if _local(node) in ("item", "entry"):
            yield node


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; links made absolute."""
    parser = lxml.etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, remove_comments=True
    )
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries: list[Entry] = []
    for item in _feed_items(root):
        link = _atom_link(item) if _local(item) == "entry" else None
        if not link:
            link = _child_text(item, "link") or item.get(
                "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
            )
        if not link:
            guid = next((c for c in item if _local(c) == "guid"), None)
            if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
                link = guid.text.strip()
        if not link:
            continue
        published = parse_feed_date(_child_text(item, "pubdate", "published", "date", "issued"))
        modified = parse_feed_date(_child_text(item, "updated", "modified"))
        entries.append(
            Entry(
                url=urljoin(base_url, link),
                published=published,
                modified=modified,
                title=_child_text(item, "title"),
            )
        )
    return entries


def unique_urls(entries: Iterable[Entry]) -> list[str]:
    """Entry URLs in order, without repeats."""
    return list(dict.fromkeys(entry.url for entry in entries))

"""WordPress REST API posts (``/wp/v2/posts?_embed=1``) as Article-shaped dicts.

Policy: the API's own fields are used as they are, with the same cleaning as a
page: ``title.rendered`` as text, ``content.rendered`` through
:func:`crawler.body.clean_container` (so "Read also" links go to
``related_urls`` and credit lines to wire detection), authors from
``_embedded.author`` split into persons and agencies, section and tags from
``_embedded["wp:term"]``, the featured image from ``_embedded["wp:featuredmedia"]``.
Dates keep the site's UTC offset (``date`` minus ``date_gmt``); ``modified``
equal to ``published`` (a post never edited) is left out. ``summary`` is the
excerpt only when it was written by hand (an automatic one ends in "[…]" or
repeats the body's start). ``language`` comes from Yoast's ``og_locale``, else
the caller's site language. Every field taken from the API is marked
``wp_api`` in provenance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import lxml.html
from lxml.etree import ParserError

from crawler.authors import split_authors
from crawler.body import clean_container
from crawler.dates import parse_date
from crawler.profile import SiteProfile
from crawler.text import clean_text, join_paragraphs, word_count
from crawler.urls import article_id, registrable_domain, strip_tracking
from crawler.wire import detect_wire

__all__ = ["is_protected", "post_article", "post_language", "wp_date"]

#: Fields whose value comes from the API (recorded in provenance).
API_FIELDS = (
    "url", "title", "summary", "body", "authors", "published", "modified", "language",
    "section", "tags", "image", "wire",
)  # fmt: skip
_LOCALE = re.compile(r"[a-z]{2}(?:[_-]|$)", re.I)
_AUTO_EXCERPT = re.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*$|continue reading", re.I)


def wp_date(local: str | None, gmt: str | None, tz: str = "UTC") -> str | None:
    """ISO date with the site's own UTC offset, from the API's naive local and GMT values.

    ``("2024-09-13T10:05:00", "2024-09-13T06:05:00")`` -> ``"2024-09-13T10:05:00+04:00"``.
    """
    if not gmt:
        return parse_date(local, timezone=tz) if local else None
    try:
        moment = datetime.fromisoformat(gmt).replace(tzinfo=UTC)
    except ValueError:
        return None
    if local:
        try:
            offset = datetime.fromisoformat(local) - datetime.fromisoformat(gmt)
        except ValueError:
            offset = timedelta(0)
        if abs(offset) < timedelta(hours=15):
            return moment.astimezone(timezone(offset)).isoformat()
    return moment.isoformat()


def post_language(post: Mapping[str, Any]) -> str | None:
    """ISO 639-1 code from Yoast's ``og_locale`` ("en_US" -> "en"), if any."""
    locale = str(_mapping(post.get("yoast_head_json")).get("og_locale") or "")
    return locale[:2].lower() if _LOCALE.match(locale) else None


def is_protected(post: Mapping[str, Any]) -> bool:
    """Password-protected posts expose no content."""
    return bool(_mapping(post.get("content")).get("protected"))


def post_article(
    post: Mapping[str, Any],
    *,
    profile: SiteProfile,
    site_language: str | None = None,
) -> dict[str, Any]:
    """Article fields of one post (see module policy); ``title``/``body`` may be empty."""
    link = strip_tracking(str(post.get("link") or ""))
    tz = profile.timezone
    title = _html_text(_rendered(post, "title"))
    paragraphs, related, credits = _body(_rendered(post, "content"), link, profile, title)
    body = join_paragraphs(paragraphs)
    embedded = _mapping(post.get("_embedded"))
    yoast = _mapping(post.get("yoast_head_json"))
    names = [_mapping(a).get("name") for a in embedded.get("author") or ()]
    bylines = [clean_text(n) for n in names if isinstance(n, str) and n.strip()]
    outlet = profile.source.get("name") if profile.source else None
    persons, agencies = split_authors(bylines, exclude=[outlet] if outlet else ())
    wire = detect_wire(bylines=bylines, paragraphs=paragraphs, credit_lines=credits, outlet=outlet)
    terms = _terms(embedded)
    image = _mapping((embedded.get("wp:featuredmedia") or [{}])[0]).get("source_url")
    excerpt = _html_text(_rendered(post, "excerpt"))
    manual_excerpt = excerpt and not (
        _AUTO_EXCERPT.search(excerpt) or body.startswith(excerpt[:80])
    )
    published = wp_date(post.get("date"), post.get("date_gmt"), tz)
    modified = wp_date(post.get("modified"), post.get("modified_gmt"), tz)
    data: dict[str, Any] = {
        "url": link,
        "fetched_url": link,
        "declared_canonical": yoast.get("canonical") or None,
        "id": article_id(link),
        "site": registrable_domain(link),
        "title": title,
        "summary": excerpt if manual_excerpt else None,
        "body": body,
        "authors": persons,
        "published": published,
        "modified": modified if modified != published else None,
        "language": post_language(post) or site_language,
        "section": next(iter(terms.get("category", [])), None),
        "tags": terms.get("post_tag", []),
        "image": image if isinstance(image, str) else None,
        "wire": list(dict.fromkeys([*agencies, *wire.agencies])),
        "wire_evidence": wire.evidence,
        "related_urls": [u for u in dict.fromkeys(related) if u.startswith("http")],
        "word_count": word_count(body),
        "partial": False,
        "crawled_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    data["provenance"] = {key: "wp_api" for key in API_FIELDS if data[key] not in (None, [], "")}
    return data


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _rendered(post: Mapping[str, Any], key: str) -> str:
    return str(_mapping(post.get(key)).get("rendered") or "")


def _html_text(fragment: str | None) -> str:
    """Visible text of an HTML fragment (API ``rendered`` values)."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except ParserError:
        return clean_text(fragment)
    return clean_text(root.text_content())


def _body(
    html: str, link: str, profile: SiteProfile, title: str
) -> tuple[list[str], list[str], list[str]]:
    """(paragraphs, related URLs, credit lines) of ``content.rendered``."""
    if not html.strip():
        return [], [], []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except ParserError:
        return [], [], []
    result = clean_container([root], link, exclude=profile.body_exclude, title=title)
    return result.paragraphs, result.related_urls, result.credit_lines


def _terms(embedded: Mapping[str, Any]) -> dict[str, list[str]]:
    """taxonomy -> term names from ``_embedded["wp:term"]`` (a list per taxonomy)."""
    terms: dict[str, list[str]] = {}
    for group in embedded.get("wp:term") or ():
        for term in group if isinstance(group, list) else ():
            name = _mapping(term).get("name")
            if name:
                terms.setdefault(str(term.get("taxonomy")), []).append(clean_text(str(name)))
    return terms

"""URLs: tracking-parameter removal, registrable domains, canonical choice, ids.

Policy:

- ``strip_tracking`` drops the fragment and known tracking parameters, lower-cases
  scheme and host, drops a default port; path case and other parameters (with
  their original encoding and order) are kept.
- ``registrable_domain`` uses tldextract's bundled public-suffix snapshot only,
  never the network. IP addresses and single-label hosts (``localhost``) are
  returned as is; hosts under an unknown suffix (``.test``) give their last two
  labels.
- A declared canonical URL (rel=canonical, then og:url) replaces the fetched URL
  only when it is on the same registrable domain and looks like an article, so
  pages that all declare their section or home page as canonical keep distinct
  URLs and ids.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import tldextract

#: Query parameters removed by name (compared lower-cased).
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "ocid", "cmpid", "xtor", "xtref", "_ga", "_gl",
        "s_cid", "ito", "cmp", "smid", "sr_share", "__twitter_impression", "mkt_tok",
        "fb_action_ids", "fb_action_types", "fb_source", "ns_mchannel", "ns_source",
        "ns_campaign", "ns_linkname", "ns_fee", "spm",
    }
)  # fmt: skip
#: Query parameter prefixes removed (``utm_source``, ``at_medium``…).
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "hsa_", "oly_")

#: Path segments that introduce a listing, not an article.
LISTING_SEGMENTS = frozenset(
    {
        "category", "categories", "tag", "tags", "author", "authors", "page", "topic",
        "topics", "search", "archive", "archives", "feed", "rubrique", "rubriques",
        "auteur", "auteurs", "mot-cle", "keyword", "keywords",
    }
)  # fmt: skip
_ARTICLE_SUFFIXES = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp")
_ID_PARAMS = frozenset({"p", "id", "article", "articleid", "article_id", "nid", "story", "sid"})
_LONG_DIGITS = re.compile(r"\d{5,}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def strip_tracking(url: str) -> str:
    """Remove tracking parameters and the fragment; keep everything else as given."""
    parts = urlsplit(url.strip())
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not _is_tracking(unquote(pair.split("=", 1)[0]).lower())
    ]
    netloc = parts.netloc
    if parts.hostname:
        host = parts.hostname.rstrip(".")
        if ":" in host:
            host = f"[{host}]"
        userinfo = netloc.rpartition("@")[0]
        netloc = (userinfo + "@" if userinfo else "") + host
        try:
            port = parts.port
        except ValueError:  # malformed port: leave the authority untouched
            return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, "&".join(kept), ""))
        if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
            netloc += f":{port}"
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((parts.scheme.lower(), netloc, path, "&".join(kept), ""))


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    """The one extractor: bundled suffix list, no cache directory, no network."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(url_or_host: str) -> str:
    """``"https://www.lemonde.fr/x"`` -> ``"lemonde.fr"``; ``"127.0.0.1:8080"`` -> ``"127.0.0.1"``.

    Accepts a URL or a bare host (with or without a port).
    """
    text = url_or_host.strip()
    host = urlsplit(text if "//" in text else "//" + text).hostname or ""
    return _host_domain(host.rstrip(".").lower())


@lru_cache(maxsize=4096)
def _host_domain(host: str) -> str:
    """:func:`registrable_domain` of a lower-cased host (a page links few hosts, often)."""
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    if "." not in host:
        return host
    found = _extractor()(host).top_domain_under_public_suffix
    return found or ".".join(host.split(".")[-2:])


def is_article_like(url: str) -> bool:
    """True when the URL's path names one article rather than a home or listing page.

    Article-like: a date path (``/2024/09/13/slug``), a segment of three or more
    hyphen- or underscore-joined words, a run of five or more digits, a
    ``.html``/``.php``… page with such a slug, or a numeric ``?p=``/``?id=``.
    Listing paths (``/category/…``, ``/tag/…``, ``/author/…``, ``/page/2/``) never are.
    """
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if any(s.lower() in LISTING_SEGMENTS for s in segments):
        return False
    if _has_id_param(parts.query):
        return True
    if not segments:
        return False
    if _has_date_path(segments):
        return True
    for segment in segments:
        stem = segment
        lowered = segment.lower()
        for suffix in _ARTICLE_SUFFIXES:
            if lowered.endswith(suffix):
                stem = segment[: -len(suffix)]
                break
        if _LONG_DIGITS.search(stem) or len([w for w in re.split(r"[-_]", stem) if w]) >= 3:
            return True
    return False


def _has_date_path(segments: list[str]) -> bool:
    """``/2024/09/…`` or ``/2024/09/13/…`` followed by a non-numeric segment."""
    for i in range(len(segments) - 2):
        year, month = segments[i], segments[i + 1]
        if not (year.isdigit() and len(year) == 4 and month.isdigit() and len(month) <= 2):
            continue
        if not (1990 <= int(year) <= 2100 and 1 <= int(month) <= 12):
            continue
        rest = segments[i + 2 :]
        if rest and rest[0].isdigit() and len(rest[0]) <= 2:
            rest = rest[1:]
        if rest and not rest[0].isdigit():
            return True
    return False


def _has_id_param(query: str) -> bool:
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name.lower() in _ID_PARAMS and value.isdigit() and len(value) >= 2:
            return True
    return False


def choose_canonical(fetched_url: str, declared: Iterable[str | None]) -> tuple[str, str | None]:
    """Return ``(canonical url, first declared value as given)``.

    Candidates are tried in order (rel=canonical, then og:url); relative ones are
    resolved against ``fetched_url``. The first http(s) candidate on the same
    registrable domain that is article-like wins; otherwise the fetched URL is kept.
    Tracking parameters are stripped from the result either way.
    """
    first: str | None = None
    site = registrable_domain(fetched_url)
    for candidate in declared:
        if not candidate or not candidate.strip():
            continue
        if first is None:
            first = candidate
        resolved = urljoin(fetched_url, candidate.strip())
        if urlsplit(resolved).scheme not in ("http", "https"):
            continue
        if registrable_domain(resolved) == site and is_article_like(resolved):
            return strip_tracking(resolved), first
    return strip_tracking(fetched_url), first


def article_id(url: str) -> str:
    """Stable item id: the first 20 hex digits of sha1(url)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]

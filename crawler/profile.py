"""Site profiles: what extraction needs to know about one outlet.

A spider's class attributes *are* its profile; :meth:`SiteProfile.from_spider`
reads them, so ``crawler/`` never imports ``spiders/``. Selectors are plain CSS
(parsel syntax, ``::text`` and ``::attr()`` allowed); a missing key means "leave
this field to the metadata and generic layers".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

#: Keys a spider's ``selectors`` mapping may use.
SELECTOR_KEYS = frozenset(
    {
        "title",
        "summary",
        "body",  # container(s) whose block children are the paragraphs
        "authors",
        "published",
        "modified",
        "section",
        "tags",
        "image",
        "related",  # href of "Read also"/related-article links
    }
)


@dataclass(frozen=True)
class SiteProfile:
    """Extraction hints for one outlet (or one family of sites)."""

    name: str
    domains: tuple[str, ...] = ()
    #: URL path prefixes the profile covers, e.g. ``("/en/",)``; empty = all paths.
    path_prefixes: tuple[str, ...] = ()
    language: str | None = None
    timezone: str = "UTC"
    selectors: Mapping[str, str] = field(default_factory=dict)
    #: CSS selectors removed from the body container before paragraphs are read.
    body_exclude: tuple[str, ...] = ()
    source: Mapping[str, Any] = field(default_factory=dict)

    def covers(self, url: str) -> bool:
        """True when ``url``'s host is one of ``domains`` (or a subdomain) and
        its path starts with one of ``path_prefixes`` (when any are set)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in self.domains):
            return False
        if not self.path_prefixes:
            return True
        path = parts.path or "/"
        return any(path.startswith(p) for p in self.path_prefixes)

    @classmethod
    def from_spider(cls, spidercls: type) -> SiteProfile:
        """Build the profile from a spider class's attributes."""
        selectors = dict(getattr(spidercls, "selectors", {}) or {})
        unknown = set(selectors) - SELECTOR_KEYS
        if unknown:
            raise ValueError(f"{spidercls.__name__}: unknown selector keys {sorted(unknown)}")
        return cls(
            name=getattr(spidercls, "name", spidercls.__name__),
            domains=tuple(getattr(spidercls, "allowed_domains", ()) or ()),
            path_prefixes=tuple(getattr(spidercls, "path_prefixes", ()) or ()),
            language=getattr(spidercls, "language", None),
            timezone=getattr(spidercls, "timezone", "UTC") or "UTC",
            selectors=selectors,
            body_exclude=tuple(getattr(spidercls, "body_exclude", ()) or ()),
            source=dict(getattr(spidercls, "source", {}) or {}),
        )


GENERIC = SiteProfile(name="generic")

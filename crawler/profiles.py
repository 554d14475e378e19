"""Site-profile lookup: which spider's profile covers a URL.

Policy: the project's spider loader (``SPIDER_LOADER_CLASS`` over
``SPIDER_MODULES``) lists the spider classes; each becomes a
:class:`~crawler.profile.SiteProfile` through :meth:`SiteProfile.from_spider`, so
``crawler/`` never imports ``spiders/``. A profile matches a URL when
:meth:`SiteProfile.covers` says so; spiders without ``allowed_domains`` (family
spiders such as the generic WordPress one) never match. When several match, the
most specific (longest) matching domain wins (``blog.outlet.example`` over
``outlet.example``), then the longest matching path prefix (``/en/world/`` over
``/en/`` over none), then the spider name, so the choice is deterministic.
Profiles are built once per settings object.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.profile import SiteProfile

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

#: id(settings) -> (settings, profiles). The settings object is kept so its id
#: cannot be reused by another object while the entry lives.
_CACHE: dict[int, tuple[object, tuple[SiteProfile, ...]]] = {}
_PROJECT_KEY = 0


def _load_profiles(settings: BaseSettings) -> tuple[SiteProfile, ...]:
    from scrapy.spiderloader import get_spider_loader

    try:
        loader = get_spider_loader(settings)
    except ImportError:
        logger.warning("no spider modules could be imported; extraction runs without profiles")
        return ()
    profiles: list[SiteProfile] = []
    for name in sorted(loader.list()):
        try:
            profiles.append(SiteProfile.from_spider(loader.load(name)))
        except ValueError:
            logger.exception("spider %r has an invalid profile; ignored", name)
    return tuple(profiles)


def all_profiles(settings: BaseSettings | None = None) -> tuple[SiteProfile, ...]:
    """Profiles of every spider of the project (cached per settings object)."""
    key = _PROJECT_KEY if settings is None else id(settings)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached[1]
    if settings is None:
        from scrapy.utils.project import get_project_settings

        settings = get_project_settings()
    profiles = _load_profiles(settings)
    _CACHE[key] = (settings, profiles)
    return profiles


def _specificity(profile: SiteProfile, url: str) -> tuple[int, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    domain = max(
        (len(d) for d in profile.domains if host == d or host.endswith("." + d)), default=0
    )
    prefix = max((len(p) for p in profile.path_prefixes if path.startswith(p)), default=0)
    return domain, prefix


def find_profile(url: str, settings: BaseSettings | None = None) -> SiteProfile | None:
    """The most specific spider profile covering ``url``, or None."""
    matches = [p for p in all_profiles(settings) if p.domains and p.covers(url)]
    if not matches:
        return None
    # Longest domain, then longest prefix; the name only breaks exact ties.
    matches.sort(key=lambda p: p.name)
    return max(matches, key=lambda p: _specificity(p, url))


def find_profile_by_name(name: str, settings: BaseSettings | None = None) -> SiteProfile:
    """The profile of the spider called ``name``; KeyError when there is none."""
    for profile in all_profiles(settings):
        if profile.name == name:
            return profile
    raise KeyError(f"Spider not found: {name}")


def clear_cache() -> None:
    """Forget the loaded profiles (tests, or after spiders changed on disk)."""
    _CACHE.clear()

"""What a crawl of one spider is expected to deliver, checked by the monitors at close.

Policy: the defaults are the ``MONITOR_DEFAULT_EXPECTATIONS`` setting (a dict, calibrated
on the fixture sites); a spider class may override any of them with an ``expectations``
class attribute holding literals, e.g. ``expectations = {"min_items": 10, "authors": 0.5}``.
Unknown keys and out-of-range values raise ``ValueError`` (a typo must not silently
disable a monitor). Coverage values and rates are fractions in [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

__all__ = ["Expectations", "expectations_for"]

#: Keys whose value is a fraction in [0, 1].
FRACTIONS = frozenset(
    {
        "published",
        "body_coverage",
        "authors",
        "max_fallback_rate",
        "max_error_rate",
        "max_retry_rate",
    }
)


@dataclass(frozen=True)
class Expectations:
    """Thresholds of the spider-close monitors (see ``crawler.monitors.checks``)."""

    #: Items the crawl must emit at least.
    min_items: int = 3
    #: Share of items with a ``published`` date.
    published: float = 0.9
    #: Words a body needs to count as a full body for ``body_coverage``.
    body_min_words: int = 80
    #: Share of items whose body has at least ``body_min_words`` words.
    body_coverage: float = 0.9
    #: Share of items naming at least one person as author (wire copy often names none).
    authors: float = 0.0
    #: Share of items where a field the spider has a site selector for came from
    #: another layer (the redesign alarm).
    max_fallback_rate: float = 0.2
    #: Errors (ERROR logs, spider exceptions, download exceptions other than
    #: ``IgnoreRequest``) per request sent.
    max_error_rate: float = 0.05
    #: Retries per request sent.
    max_retry_rate: float = 0.25

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Any], base: Expectations | None = None
    ) -> Expectations:
        """``base`` (default: the class defaults) with ``values`` applied and checked."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown expectation keys {unknown}; known: {sorted(known)}")
        typed: dict[str, Any] = {}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"expectation {key!r} must be a number, got {value!r}")
            if key in FRACTIONS:
                if not 0.0 <= float(value) <= 1.0:
                    raise ValueError(f"expectation {key!r} must be in [0, 1], got {value!r}")
                typed[key] = float(value)
            else:
                if int(value) != value or value < 0:
                    raise ValueError(f"expectation {key!r} must be a whole number >= 0")
                typed[key] = int(value)
        return replace(base or cls(), **typed)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def expectations_for(spider: Any, defaults: Mapping[str, Any] | None = None) -> Expectations:
    """The spider's (instance or class) ``expectations`` on top of ``defaults``
    (normally the ``MONITOR_DEFAULT_EXPECTATIONS`` setting)."""
    base = Expectations.from_mapping(defaults or {})
    own = getattr(spider, "expectations", None) or {}
    if not isinstance(own, Mapping):
        name = getattr(spider, "name", spider)
        raise ValueError(f"{name}: expectations must be a dict, got {type(own).__name__}")
    return Expectations.from_mapping(own, base)

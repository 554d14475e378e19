"""The project's one clock: every "now" that policy depends on comes from here.

Policy: retention windows, TTL revisits and ``since`` filters ask the clock built
from the ``CLOCK`` setting (a class path) instead of calling ``datetime.now``.
Production uses :class:`SystemClock`; tests set ``CLOCK`` to
``crawler.clock.FixedClock`` and ``CLOCK_FIXED_AT`` to an ISO 8601 instant, so
fixtures with fixed past dates behave the same whatever today's date is.
``now()`` always returns an aware UTC datetime.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, Self, runtime_checkable

from scrapy.utils.misc import load_object


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls()


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class FixedClock:
    """A clock that stays where it is put (tests); :meth:`advance` moves it."""

    def __init__(self, at: datetime | str) -> None:
        self.at = _aware(datetime.fromisoformat(at) if isinstance(at, str) else at)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at += delta

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        at = settings.get("CLOCK_FIXED_AT")
        if not at:
            raise ValueError("CLOCK = crawler.clock.FixedClock needs CLOCK_FIXED_AT (ISO 8601)")
        return cls(str(at))


def build_clock(settings: Any) -> Clock:
    """The clock named by the ``CLOCK`` setting (default :class:`SystemClock`)."""
    path = settings.get("CLOCK") if settings is not None else None
    cls = load_object(path) if path else SystemClock
    if not isinstance(cls, type) and isinstance(cls, Clock):  # an instance was given
        return cls
    builder = getattr(cls, "from_settings", None)
    clock = builder(settings) if builder else cls()
    if not isinstance(clock, Clock):
        raise TypeError(f"CLOCK {path!r} does not provide now()")
    return clock


def timestamp(clock: Clock) -> float:
    """``clock.now()`` as epoch seconds."""
    return clock.now().timestamp()

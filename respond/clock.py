"""Where "now" comes from, and local-time conversions.

The core never calls ``datetime.now()`` itself: it asks a :class:`Clock`. The CLI builds a
:class:`SystemClock`, or a :class:`FixedClock` when the hidden ``--now`` option pins time, and
tests build whichever they need.

Local time: ``tz=None`` means the system's local zone (honouring ``TZ``), converted through the
C library so that daylight-saving changes are right; tests may pass a ``zoneinfo.ZoneInfo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time (timezone-aware)."""

    tz: tzinfo | None

    def now(self) -> datetime: ...


@dataclass(frozen=True)
class SystemClock:
    """The real clock."""

    tz: tzinfo | None = None

    def now(self) -> datetime:
        return to_local(datetime.now(UTC), self.tz)


@dataclass(frozen=True)
class FixedClock:
    """A clock pinned at one instant (``--now`` and tests)."""

    at: datetime
    tz: tzinfo | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        return to_local(self.at, self.tz)


def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """An aware datetime expressed in local time (``tz`` or the system zone)."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def localize(naive: datetime, tz: tzinfo | None = None) -> datetime:
    """Attach the local zone to a naive wall-clock time, respecting DST at that date."""
    if naive.tzinfo is not None:
        return naive
    if tz is not None:
        return naive.replace(tzinfo=tz)
    return naive.astimezone()


def to_utc_iso(moment: datetime) -> str:
    """The storage form of a timestamp: UTC, ISO 8601, seconds precision."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """Parse a stored ISO 8601 timestamp (always aware)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value

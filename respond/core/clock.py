"""Where "now" comes from, and local-time conversions.

The core never calls ``datetime.now()`` itself: it asks a :class:`Clock`. The CLI builds a
:class:`SystemClock`, or a :class:`FixedClock` when the hidden ``--now`` option pins time, and
tests build whichever they need.

Local time: ``tz=None`` means the system's local zone (honouring ``TZ``), converted through the
C library so that daylight-saving changes are right; tests may pass a ``zoneinfo.ZoneInfo``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from respond.core.value import Value

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Protocol
else:
    Protocol = object  # the protocol is mypy's; at run time a plain base, without typing


class Clock(Protocol):
    """Anything that can tell the current time (timezone-aware)."""

    tz: tzinfo | None

    def now(self) -> datetime: ...


class SystemClock(Value):
    """The real clock."""

    __slots__ = ("tz",)
    tz: tzinfo | None

    def __init__(self, tz: tzinfo | None = None) -> None:
        object.__setattr__(self, "tz", tz)

    def now(self) -> datetime:
        return to_local(datetime.now(UTC), self.tz)


class FixedClock(Value):
    """A clock pinned at one instant (``--now`` and tests)."""

    __slots__ = ("at", "tz")
    at: datetime
    tz: tzinfo | None

    def __init__(self, at: datetime, tz: tzinfo | None = None) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "tz", tz)

    def now(self) -> datetime:
        return to_local(self.at, self.tz)


def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    """An aware datetime expressed in local time (``tz`` or the system zone)."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def localize(naive: datetime, tz: tzinfo | None = None) -> datetime:
    """Attach the local zone to a naive wall-clock time, respecting DST at that date.

    The result is aware and in local time (``tz`` or the system zone), and the same for both:

    * a wall time that occurs once is that moment;
    * a repeated wall time (the autumn fold, e.g. 02:30 when clocks go back from 03:00 to
      02:00) is its *first* occurrence (``fold=1`` asks for the second one);
    * a wall time that does not exist (the spring-forward gap, e.g. 02:30 when clocks jump
      from 02:00 to 03:00) moves *forward* by the gap: 02:30 becomes 03:30.

    The system zone is asked only through ``astimezone`` of aware moments (the C library's
    ``localtime``), never through ``mktime`` of a naive time, whose answer inside a gap is
    platform-defined (glibc gives 01:30 for 02:30, an hour *before* the gap).
    An aware ``naive`` is returned unchanged.
    """
    if naive.tzinfo is not None:
        return naive
    wall = naive.replace(fold=0)
    # The zone's offsets around this wall time: a day before and after covers any change.
    before = _offset_at(wall, -_DAY, tz)
    after = _offset_at(wall, _DAY, tz)
    # Largest offset first = earliest instant first.
    offsets = sorted({before, after, _offset_at(wall, _ZERO, tz)}, reverse=True)
    found = [
        moment
        for moment in (_instant(wall, offset, tz) for offset in offsets)
        if moment is not None and moment.replace(tzinfo=None, fold=0) == wall
    ]
    if found:
        return found[-1] if naive.fold else found[0]
    # In a gap: read the wall time with the offset in force before the change. That instant
    # is after the change, where the clock shows the wall time plus the gap.
    moment = _instant(wall, before, tz)
    return moment if moment is not None else wall.replace(tzinfo=UTC).astimezone(tz)


def aware(naive: datetime, tz: tzinfo | None = None) -> datetime:
    """Local wall-clock time -> aware local datetime, as :func:`localize` (a wall time in a DST
    gap moves forward, a repeated one is its first occurrence unless ``fold=1``).

    The round trip through UTC normalizes: ``astimezone`` to the *same* zone is a no-op.
    """
    return to_local(localize(naive, tz).astimezone(UTC), tz)


_DAY = timedelta(days=1)
_ZERO = timedelta(0)


def _offset_at(wall: datetime, shift: timedelta, tz: tzinfo | None) -> timedelta:
    """The zone's UTC offset at about ``wall + shift`` (read as if it were UTC: near enough)."""
    try:
        offset = to_local((wall + shift).replace(tzinfo=UTC), tz).utcoffset()
    except (OverflowError, ValueError, OSError):
        offset = None
    return offset if offset is not None else _ZERO


def _instant(wall: datetime, offset: timedelta, tz: tzinfo | None) -> datetime | None:
    """The local time of the instant ``wall - offset`` (UTC), or None out of range."""
    try:
        return to_local((wall - offset).replace(tzinfo=UTC), tz)
    except (OverflowError, ValueError, OSError):
        return None


def has_passed(moment: datetime, now: datetime) -> bool:
    """Whether the minute ``moment`` names is over at ``now``: the line between past and future
    for the dates people type (``now`` itself is the current minute, so it has not passed).

    Compared in UTC, so that the two occurrences of a repeated (autumn) hour stay apart."""
    return moment.astimezone(UTC) < now.astimezone(UTC).replace(second=0, microsecond=0)


def to_utc_iso(moment: datetime) -> str:
    """The storage form of a timestamp: UTC, ISO 8601, seconds precision."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


#: The years a stored time may fall in: a year inside Python's own (1 to 9999) on each side, so
#: that showing one in any time zone, or a day's or a month's arithmetic on it, never overflows
#: (``9999-12-31T20:00Z`` is year 10000 in Tokyo).
YEARS = range(2, 9999)


def storable(moment: datetime) -> bool:
    """Whether an aware ``moment`` is a time respond stores: within :data:`YEARS` as written
    and in UTC, its stored form (``0002-01-01T00:00+14:00`` is year 1 in UTC)."""
    return moment.year in YEARS and moment.astimezone(UTC).year in YEARS


#: What respond reads as an ISO 8601 date and time (``--now``, and the date grammar's ISO form,
#: :mod:`respond.core.dates`): ``2026-11-25``, then ``T`` or a space, ``14:00`` with optional
#: seconds (and up to six decimals), then optionally ``Z`` or an offset (``+01``, ``+0100``,
#: ``+01:00``). Case-insensitive.
ISO_DATE = r"(?:19|2[01])\d{2}-\d{2}-\d{2}"
ISO_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
ISO_OFFSET = r"z|[+-]\d{2}(?::?\d{2})?"


def iso_moment(text: str, tz: tzinfo | None = None) -> datetime | None:
    """The moment an ISO 8601 date and time names (:data:`ISO_DATE`, ``T`` or a space,
    :data:`ISO_TIME`, an optional :data:`ISO_OFFSET`; surrounding whitespace ignored), in
    local time (``tz`` or the system zone): with an offset, that instant; without, that wall
    time, as :func:`aware` reads it (a DST gap moves forward). ``None`` for text of any other
    shape; ``ValueError`` for that shape naming no real time (``2026-02-30T10:00``).

    One rule for ``--now`` (read here without the date grammar and dateutil, which cost a
    few milliseconds to import) and the grammar's ISO form, which calls this."""
    import re  # (re's own cache keeps the compiled pattern)

    m = re.fullmatch(rf"\s*({ISO_DATE})[t ]({ISO_TIME})({ISO_OFFSET})?\s*", text, re.IGNORECASE)
    if m is None:
        return None
    day, clock, offset = m.groups()
    moment = datetime.fromisoformat(f"{day}T{clock}{(offset or '').upper()}")
    return to_local(moment, tz) if moment.tzinfo is not None else aware(moment, tz)


def from_iso(text: str) -> datetime:
    """Parse a stored ISO 8601 timestamp (always aware). ``ValueError`` for text that is not
    one, or a time outside :data:`YEARS`: every reader of stored times treats both alike."""
    value = datetime.fromisoformat(text)
    if value.year not in YEARS:
        raise ValueError(f"{value.year:04d} is outside the years {YEARS[0]}-{YEARS[-1]}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value

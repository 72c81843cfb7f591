"""Working hours, business days and response-time targets (SLAs).

Pure and stdlib-only (no dateutil). All arithmetic happens on *local wall-clock* time: a
moment is converted to local time (``tz`` or the system zone, see :mod:`respond.core.clock`), its
zone is dropped, hours and days are counted on the naive wall clock, and the result is given
its zone back with :func:`respond.core.clock.aware`. That way a daylight-saving change never
moves the opening (09:00) or the close (17:00) of a working day.

Results are always timezone-aware and expressed in local time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from respond.core.clock import aware, to_local
from respond.core.value import Value

__all__ = [
    "DAY_NAMES",
    "FULL_DAY_NAMES",
    "SLA_DEFAULTS",
    "WEEKDAYS",
    "WorkWeek",
    "add_business_days",
    "add_working_hours",
    "on_workday",
    "sla_due",
]

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)

#: The weekdays, Monday=0 .. Sunday=6 (as :meth:`datetime.date.weekday` counts them).
FULL_DAY_NAMES: tuple[str, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip
#: Their short names, as the config file shows them: ``mon`` .. ``sun``.
DAY_NAMES: tuple[str, ...] = tuple(name[:3] for name in FULL_DAY_NAMES)
#: Every spelling of a weekday that is understood (typed dates, the config file) -> its number.
WEEKDAYS: dict[str, int] = {
    **{name: day for day, name in enumerate(DAY_NAMES)},
    **{name: day for day, name in enumerate(FULL_DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}


_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday to Friday


class WorkWeek(Value):
    """Which weekdays are worked (Monday=0 .. Sunday=6) and the daily opening hours.

    Every working day has the same hours, ``start`` (inclusive) to ``end``. A week without
    working days, or with ``start >= end``, raises :class:`ValueError` on construction (it
    would make "the next working moment" loop forever).
    """

    __slots__ = ("days", "start", "end")  # noqa: RUF023 (the fields' order)
    days: frozenset[int]
    start: time
    end: time

    def __init__(
        self,
        days: Iterable[int] = _WEEKDAYS,
        start: time = time(9, 0),
        end: time = time(17, 0),
    ) -> None:
        try:
            days = frozenset(days)
        except TypeError as err:
            raise ValueError(f"working days must be a set of weekday numbers: {err}") from err
        if not days:
            raise ValueError("a working week needs at least one working day")
        for day in days:
            if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
                raise ValueError(f"working days are 0 (Monday) to 6 (Sunday), not {day!r}")
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, time):
                raise ValueError(f"working day {name} must be a time, not {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"working day {name} must be a wall-clock time without zone")
        if start >= end:
            raise ValueError(
                f"working day must start before it ends ({start:%H:%M} >= {end:%H:%M})"
            )
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def day_length(self) -> timedelta:
        """The working time in one working day."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` (a date, or a datetime's local date) is a working day."""
        return d.weekday() in self.days

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d = d + _ONE_DAY
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def end_of_day(self, d: date, tz: tzinfo | None = None) -> datetime:
        """``d`` at the close of the working day (``self.end``), aware, in local time."""
        return aware(datetime.combine(d, self.end), tz)


def _not_before(naive: datetime, start: datetime, tz: tzinfo | None) -> datetime:
    """``naive`` made aware; in a repeated DST hour, the occurrence that is not before start."""
    result = aware(naive, tz)
    if start.tzinfo is None or result.astimezone(UTC) >= start:  # UTC: same-zone ignores fold
        return result
    later = aware(naive.replace(fold=1), tz)
    return later if later.astimezone(UTC) >= start else to_local(start, tz)


def _wall(moment: datetime, tz: tzinfo | None) -> datetime:
    """An aware (or naive local) moment -> naive local wall-clock time."""
    if moment.tzinfo is None:
        return moment
    return to_local(moment, tz).replace(tzinfo=None)


def add_working_hours(
    start: datetime, hours: float, week: WorkWeek, tz: tzinfo | None = None
) -> datetime:
    """``start`` plus ``hours`` of working time.

    Only time inside working hours on working days counts: with the default week, Friday
    16:00 + 4 working hours is Monday 12:00. A start outside working hours (evening, weekend,
    early morning) counts from the next opening, so the result is always inside working time
    or exactly at a close; when the hours run out exactly at a close the result is that close
    (Friday 13:00 + 4h = Friday 17:00), not the next opening.
    ``hours=0`` gives ``start`` itself when it is within working time, else the next opening.

    Hours are counted on the local wall clock: on a DST day, working hours that span the
    change count as their wall-clock length (a result in the skipped hour moves forward by
    the gap; in the repeated hour it is never before ``start``). A naive ``start`` is taken
    as local wall-clock time. Raises :class:`ValueError` for negative or non-finite ``hours``.
    """
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"working hours must be a finite number >= 0, not {hours!r}")
    remaining = timedelta(hours=hours)
    cursor = _wall(start, tz)
    per_week = week.day_length * len(week.days)
    first = True
    while True:
        if not first and remaining > 2 * per_week:
            # Skip whole weeks at once: from midnight, 7 days hold exactly `per_week`.
            weeks = remaining // per_week - 1
            cursor += _ONE_WEEK * weeks
            remaining -= per_week * weeks
        first = False
        day = cursor.date()
        if week.is_workday(day):
            opening = datetime.combine(day, week.start)
            closing = datetime.combine(day, week.end)
            cursor = max(cursor, opening)
            if cursor <= closing:
                available = closing - cursor
                if remaining <= available:
                    return _not_before(cursor + remaining, start, tz)
                remaining -= available
        cursor = datetime.combine(day + _ONE_DAY, time.min)


def add_business_days(
    start: datetime, n: int, week: WorkWeek, tz: tzinfo | None = None
) -> datetime:
    """The ``n``-th working day strictly after ``start``'s local date, at the close.

    Saturday + 1 = Monday 17:00; Monday 10:00 + 1 = Tuesday 17:00. ``n=0`` is the close of
    today's working day when today is a working day (even if that close has passed), else the
    close of the next working day. A naive ``start`` is taken as local wall-clock time.
    Raises :class:`ValueError` for negative or non-integral ``n``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        if isinstance(n, float) and not isinstance(n, bool) and n.is_integer():
            n = int(n)
        else:
            raise ValueError(f"business days must be a whole number, not {n!r}")
    if n < 0:
        raise ValueError(f"business days must be >= 0, not {n}")
    day = _wall(start, tz).date()
    if n == 0:
        return week.end_of_day(day if week.is_workday(day) else week.next_workday(day), tz)
    per_week = len(week.days)
    # Any 7 consecutive days hold exactly `per_week` working days: jump whole weeks first.
    weeks = (n - 1) // per_week
    day += _ONE_WEEK * weeks
    n -= weeks * per_week
    for _ in range(n):
        day = week.next_workday(day)
    return week.end_of_day(day, tz)


def on_workday(moment: datetime, week: WorkWeek, tz: tzinfo | None = None) -> datetime:
    """``moment`` if its local date is a working day, else the same wall-clock time on the next
    working day: where follow-up and chase times land (``3d`` from a Wednesday, Saturday 17:00,
    becomes Monday 17:00). The result is aware, in local time."""
    local = to_local(moment, tz)
    if week.is_workday(local.date()):
        return local
    day = week.next_workday(local.date())
    return aware(datetime.combine(day, local.time().replace(fold=0)), tz)


#: Default response targets per contact channel: ``("hours", N)`` is N working hours after the
#: contact was received, ``("bdays", N)`` is the close of the N-th working day after it.
SLA_DEFAULTS: dict[str, tuple[str, float]] = {
    "phone": ("hours", 4),
    "chat": ("hours", 4),
    "email": ("bdays", 1),
    "in-person": ("bdays", 1),
    "meeting": ("bdays", 2),
    "other": ("bdays", 1),
}


def sla_due(
    channel: str,
    received: datetime,
    week: WorkWeek,
    sla: Mapping[str, tuple[str, float]] = SLA_DEFAULTS,
    tz: tzinfo | None = None,
) -> datetime:
    """When a reply to a contact on ``channel`` received at ``received`` is due.

    ``channel`` is looked up in ``sla`` as given, then stripped and lower-cased. Unknown
    channels and malformed rules raise :class:`ValueError` (there is no silent fallback).
    """
    rule = sla.get(channel)
    if rule is None:
        rule = sla.get(channel.strip().lower())
    if rule is None:
        known = ", ".join(sorted(sla))
        raise ValueError(f"no response target for channel {channel!r} (known: {known})")
    try:
        unit, amount = rule
    except (TypeError, ValueError) as err:
        raise ValueError(f"bad response target for {channel!r}: {rule!r}") from err
    if unit == "hours":
        return add_working_hours(received, float(amount), week, tz)
    if unit == "bdays":
        if float(amount) != int(amount):
            raise ValueError(f"business days for {channel!r} must be whole, not {amount!r}")
        return add_business_days(received, int(amount), week, tz)
    raise ValueError(f"bad response target unit for {channel!r}: {unit!r} (use hours or bdays)")

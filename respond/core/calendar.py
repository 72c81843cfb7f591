"""The local calendar that weeks and working days are counted in: one value. Pure core.

A :class:`Calendar` holds the time zone (``None``: the system zone, see
:mod:`respond.core.clock`), the working week (:class:`respond.core.worktime.WorkWeek`: working
days and hours, which grace and relay days read) and the weekday a week starts on (the
``week_start`` setting). They travel together: a score is counted in local weeks, and a check's
deadline in working days, of the same zone. It is built once per command from the settings and
the clock (:attr:`respond.core.env.Env.calendar`), and every function that counts in weeks
takes it as a required argument, so none can fall back to a Monday the user did not choose.

A plain class with ``__slots__``, not a dataclass: it is built on every command's path and
must cost nothing to define (see CONTRIBUTING, "Every other command's budget").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from respond.core.clock import to_local

if TYPE_CHECKING:
    from respond.core.settings import Settings
    from respond.core.worktime import WorkWeek


class Calendar:
    """The time zone, the working week and the first weekday of a week (Monday=0 .. Sunday=6)."""

    __slots__ = ("first_weekday", "tz", "week")

    tz: tzinfo | None
    week: WorkWeek
    first_weekday: int

    def __init__(self, tz: tzinfo | None, week: WorkWeek, first_weekday: int) -> None:
        if isinstance(first_weekday, bool) or not isinstance(first_weekday, int):
            raise ValueError(f"a week starts on a weekday number 0-6, not {first_weekday!r}")
        if not 0 <= first_weekday <= 6:
            raise ValueError(f"a week starts on a weekday 0 (Monday) to 6, not {first_weekday}")
        self.tz = tz
        self.week = week
        self.first_weekday = first_weekday

    @classmethod
    def of(cls, settings: Settings, tz: tzinfo | None) -> Calendar:
        """The calendar the settings describe, in zone ``tz`` (the clock's)."""
        return cls(tz, settings.week, settings.week_start)

    @property
    def iso_weeks(self) -> bool:
        """Whether weeks start on Monday, as ISO 8601 weeks do (so they have ISO numbers)."""
        return self.first_weekday == 0

    def week_of_day(self, day: date) -> date:
        """The first day of the week holding the local date ``day``."""
        return day - timedelta(days=(day.weekday() - self.first_weekday) % 7)

    def this_week(self, now: datetime) -> date:
        """The first day of the week holding ``now``'s local date."""
        return self.week_of_day(to_local(now, self.tz).date())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Calendar):
            return NotImplemented
        return (self.tz, self.week, self.first_weekday) == (
            other.tz,
            other.week,
            other.first_weekday,
        )

    def __hash__(self) -> int:
        return hash((self.tz, self.week, self.first_weekday))

    def __repr__(self) -> str:
        return f"Calendar(tz={self.tz!r}, week={self.week!r}, first_weekday={self.first_weekday})"

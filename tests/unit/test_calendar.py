"""The calendar value (``core.calendar.Calendar``): zone, working week and first weekday, built
from the settings and the clock, and required wherever weeks are counted."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from respond.core import review, scorecache, scoring
from respond.core.calendar import Calendar
from respond.core.clock import FixedClock
from respond.core.env import Env
from respond.core.settings import Settings
from respond.core.worktime import WorkWeek
from respond.storage import scorecache as stored_cache

BERLIN = ZoneInfo("Europe/Berlin")


def test_built_from_the_settings_and_the_clocks_zone() -> None:
    week = WorkWeek(days=frozenset({0, 1, 2, 3}), start=time(8), end=time(16))
    settings = Settings(week=week, week_start=6)
    env = Env(FixedClock(datetime(2026, 11, 25, 9, tzinfo=UTC), BERLIN), settings)
    calendar = env.calendar
    assert (calendar.tz, calendar.week, calendar.first_weekday) == (BERLIN, week, 6)
    assert calendar == Calendar.of(settings, BERLIN) and not calendar.iso_weeks
    assert hash(calendar) == hash(Calendar(BERLIN, week, 6))
    assert calendar != Calendar(BERLIN, week, 0) and Calendar(None, week, 0).iso_weeks
    assert Env(FixedClock(datetime(2026, 11, 25, tzinfo=UTC))).calendar == Calendar(
        None, WorkWeek(), 0
    )


@pytest.mark.parametrize("first", [-1, 7, True, 1.0, "sun", None])
def test_a_first_weekday_out_of_range_is_refused(first: Any) -> None:
    with pytest.raises(ValueError, match="weekday"):
        Calendar(None, WorkWeek(), first)


@pytest.mark.parametrize(
    ("first", "day", "start"),
    [
        (0, date(2026, 11, 22), date(2026, 11, 16)),  # a Sunday ends a Monday week
        (6, date(2026, 11, 22), date(2026, 11, 22)),  # and starts a Sunday week
        (6, date(2026, 11, 28), date(2026, 11, 22)),
        (2, date(2026, 11, 24), date(2026, 11, 18)),
        (0, date(2026, 11, 23), date(2026, 11, 23)),
    ],
)
def test_the_week_of_a_day(first: int, day: date, start: date) -> None:
    assert Calendar(None, WorkWeek(), first).week_of_day(day) == start


def test_this_week_is_the_week_of_the_local_date() -> None:
    # Saturday 23:30 UTC is already Sunday in Berlin: a Sunday week has begun there.
    moment = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert Calendar(BERLIN, WorkWeek(), 6).this_week(moment) == date(2026, 11, 22)
    assert Calendar(UTC, WorkWeek(), 6).this_week(moment) == date(2026, 11, 15)


COUNTS_IN_WEEKS: list[Callable[..., Any]] = [
    scoring.checks,
    scoring.week_of,
    scoring.week_tallies,
    scoring.weekly,
    scoring.scorecard,
    review.review,
    scorecache.fingerprint,
    scorecache.invalidate,
    scorecache.extend,
    scorecache.finished,
    stored_cache.known_weeks,
]


@pytest.mark.parametrize("function", COUNTS_IN_WEEKS, ids=lambda f: f.__qualname__)
def test_whatever_counts_in_weeks_requires_the_calendar(function: Callable[..., Any]) -> None:
    """No zone or first weekday of its own beside it, and no default: a caller that forgets
    the calendar gets a TypeError, not Monday weeks in the system zone."""
    parameters = inspect.signature(function).parameters
    assert parameters["calendar"].default is inspect.Parameter.empty
    assert not {"tz", "week", "week_start"} & set(parameters)

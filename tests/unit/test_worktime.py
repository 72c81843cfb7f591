"""Working hours, business days and SLA targets (respond.core.worktime)."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respond.core.worktime import (
    SLA_DEFAULTS,
    WorkWeek,
    add_business_days,
    add_working_hours,
    on_workday,
    sla_due,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = WorkWeek()


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def wall(moment: datetime, tz: tzinfo = BERLIN) -> datetime:
    """An aware moment as naive wall-clock time in ``tz``."""
    return moment.astimezone(tz).replace(tzinfo=None)


# --- WorkWeek --------------------------------------------------------------------------------


def test_default_week_is_monday_to_friday_nine_to_five() -> None:
    assert WEEK.days == frozenset(range(5))
    assert (WEEK.start, WEEK.end) == (time(9), time(17))
    assert WEEK.day_length == timedelta(hours=8)
    assert [WEEK.is_workday(date(2026, 11, 23) + timedelta(days=i)) for i in range(7)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"days": frozenset()},
        {"days": frozenset({7})},
        {"days": frozenset({-1})},
        {"days": frozenset({True})},
        {"days": frozenset({"mon"})},
        {"days": 3},
        {"start": time(17), "end": time(9)},
        {"start": time(9), "end": time(9)},
        {"start": time(9, tzinfo=UTC)},
        {"end": "17:00"},
    ],
)
def test_workweek_rejects_weeks_that_would_loop_forever(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WorkWeek(**kwargs)  # type: ignore[arg-type]


def test_workweek_accepts_any_iterable_of_days_and_is_hashable() -> None:
    week = WorkWeek(days=[0, 2, 4])  # type: ignore[arg-type]
    assert week.days == frozenset({0, 2, 4})
    assert hash(week) == hash(WorkWeek(days=frozenset({4, 2, 0})))
    assert week == WorkWeek(days=frozenset({4, 2, 0}))


def test_next_workday_and_end_of_day() -> None:
    assert WEEK.next_workday(date(2026, 11, 27)) == date(2026, 11, 30)  # Fri -> Mon
    assert WEEK.next_workday(date(2026, 11, 25)) == date(2026, 11, 26)
    eod = WEEK.end_of_day(date(2026, 11, 25), BERLIN)
    assert eod == berlin(2026, 11, 25, 17)
    assert eod.tzinfo is BERLIN
    # summer time: still 17:00 on the wall, offset +02:00
    summer = WEEK.end_of_day(date(2026, 3, 30), BERLIN)
    assert wall(summer) == datetime(2026, 3, 30, 17)
    assert summer.utcoffset() == timedelta(hours=2)
    assert WEEK.end_of_day(date(2026, 11, 25), UTC) == datetime(2026, 11, 25, 17, tzinfo=UTC)


# --- add_working_hours -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # the phone call: Friday 16:00 + 4 working hours = Monday 12:00
        (berlin(2026, 11, 27, 16), 4, berlin(2026, 11, 30, 12)),
        (berlin(2026, 11, 25, 10), 4, berlin(2026, 11, 25, 14)),
        (berlin(2026, 11, 25, 16), 2, berlin(2026, 11, 26, 10)),
        # ends exactly at the close: the close, not the next opening
        (berlin(2026, 11, 27, 13), 4, berlin(2026, 11, 27, 17)),
        (berlin(2026, 11, 23, 9), 8, berlin(2026, 11, 23, 17)),
        (berlin(2026, 11, 23, 9, 1), 8, berlin(2026, 11, 24, 9, 1)),
        (berlin(2026, 11, 23, 9), 40, berlin(2026, 11, 27, 17)),
        (berlin(2026, 11, 23, 9), 41, berlin(2026, 11, 30, 10)),
        (berlin(2026, 11, 25, 10), 0.5, berlin(2026, 11, 25, 10, 30)),
        (berlin(2026, 11, 25, 10), 1.25, berlin(2026, 11, 25, 11, 15)),
        # outside working hours: count from the next opening
        (berlin(2026, 11, 28, 10), 4, berlin(2026, 11, 30, 13)),  # Saturday
        (berlin(2026, 11, 29, 23, 59), 1, berlin(2026, 11, 30, 10)),  # Sunday night
        (berlin(2026, 11, 25, 20), 1, berlin(2026, 11, 26, 10)),  # evening
        (berlin(2026, 11, 25, 7), 1, berlin(2026, 11, 25, 10)),  # early morning
        (berlin(2026, 11, 25, 17), 1, berlin(2026, 11, 26, 10)),  # at the close
        (berlin(2026, 11, 27, 17, 0, 1), 4, berlin(2026, 11, 30, 13)),
        # zero hours: start itself inside working time (close included), else next opening
        (berlin(2026, 11, 25, 10), 0, berlin(2026, 11, 25, 10)),
        (berlin(2026, 11, 25, 17), 0, berlin(2026, 11, 25, 17)),
        (berlin(2026, 11, 28, 10), 0, berlin(2026, 11, 30, 9)),
        # many weeks (exercises the whole-week skip)
        (berlin(2026, 11, 23, 9), 400, berlin(2027, 1, 29, 17)),
        (berlin(2026, 11, 25, 12), 1000, berlin(2027, 5, 19, 12)),
    ],
)
def test_add_working_hours(start: datetime, hours: float, expected: datetime) -> None:
    result = add_working_hours(start, hours, WEEK, BERLIN)
    assert result == expected
    assert wall(result) == wall(expected)
    assert result.tzinfo is BERLIN


def test_add_working_hours_converts_to_local_time_first() -> None:
    # 15:00 UTC on Friday is 16:00 in Berlin: + 4h = Monday 12:00 Berlin
    start = datetime(2026, 11, 27, 15, tzinfo=UTC)
    assert add_working_hours(start, 4, WEEK, BERLIN) == berlin(2026, 11, 30, 12)
    # the same instant seen from UTC is 15:00, so + 4h = Monday 11:00 UTC
    assert add_working_hours(start, 4, WEEK, UTC) == datetime(2026, 11, 30, 11, tzinfo=UTC)


def test_add_working_hours_naive_start_is_local_wall_time() -> None:
    assert add_working_hours(datetime(2026, 11, 27, 16), 4, WEEK, BERLIN) == berlin(
        2026, 11, 30, 12
    )


def test_add_working_hours_custom_week() -> None:
    week = WorkWeek(days=frozenset({1, 3}), start=time(8, 30), end=time(12, 30))  # Tue, Thu
    # Wed 10:00 -> Thu 08:30 opening; 5h = 4h Thu + 1h Tue
    assert add_working_hours(berlin(2026, 11, 25, 10), 5, week, BERLIN) == berlin(
        2026, 12, 1, 9, 30
    )


@pytest.mark.parametrize("hours", [-1, -0.001, math.nan, math.inf, -math.inf])
def test_add_working_hours_rejects_bad_hours(hours: float) -> None:
    with pytest.raises(ValueError):
        add_working_hours(berlin(2026, 11, 25, 10), hours, WEEK, BERLIN)


@pytest.mark.parametrize(
    ("start", "hours", "expected_wall", "offset"),
    [
        # spring forward (Sunday 2026-03-29): Friday 16:00 + 4h = Monday 12:00 wall, CEST
        (berlin(2026, 3, 27, 16), 4, datetime(2026, 3, 30, 12), 2),
        (berlin(2026, 3, 27, 16), 1, datetime(2026, 3, 27, 17), 1),
        (berlin(2026, 3, 28, 12), 8, datetime(2026, 3, 30, 17), 2),
        # fall back (Sunday 2026-10-25): Friday 16:00 + 4h = Monday 12:00 wall, CET
        (berlin(2026, 10, 23, 16), 4, datetime(2026, 10, 26, 12), 1),
        (berlin(2026, 10, 24, 12), 0, datetime(2026, 10, 26, 9), 1),
    ],
)
def test_add_working_hours_across_dst_keeps_wall_clock(
    start: datetime, hours: float, expected_wall: datetime, offset: int
) -> None:
    result = add_working_hours(start, hours, WEEK, BERLIN)
    assert wall(result) == expected_wall
    assert result.utcoffset() == timedelta(hours=offset)


def test_add_working_hours_on_a_dst_day_with_night_shifts() -> None:
    every_day = WorkWeek(days=frozenset(range(7)), start=time(0, 0), end=time(6, 0))
    # spring forward: 01:30 + 1h of wall clock = 02:30, which does not exist -> 03:30 CEST
    result = add_working_hours(berlin(2026, 3, 29, 1, 30), 1, every_day, BERLIN)
    assert wall(result) == datetime(2026, 3, 29, 3, 30)
    assert result.utcoffset() == timedelta(hours=2)
    # fall back: starting in the repeated hour (second 02:30, CET), 0h is never before start
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    assert second.utcoffset() == timedelta(hours=1)
    result = add_working_hours(second, 0, every_day, BERLIN)
    assert result.astimezone(UTC) >= second.astimezone(UTC)  # same-zone >= ignores fold
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # ... and a quarter of an hour later is 02:45 CET (the second one), not 02:45 CEST
    result = add_working_hours(second, 0.25, every_day, BERLIN)
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 1, 45, tzinfo=UTC)
    assert wall(result) == datetime(2026, 10, 25, 2, 45)


# --- add_business_days -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (berlin(2026, 11, 28, 10), 1, berlin(2026, 11, 30, 17)),  # Sat + 1 = Mon
        (berlin(2026, 11, 23, 10), 1, berlin(2026, 11, 24, 17)),  # Mon 10:00 + 1 = Tue
        (berlin(2026, 11, 27, 16), 1, berlin(2026, 11, 30, 17)),  # Fri + 1 = Mon
        (berlin(2026, 11, 25, 23, 59), 1, berlin(2026, 11, 26, 17)),  # late: still next day
        (berlin(2026, 11, 25, 10), 2, berlin(2026, 11, 27, 17)),
        (berlin(2026, 11, 25, 10), 3, berlin(2026, 11, 30, 17)),
        (berlin(2026, 11, 25, 10), 5, berlin(2026, 12, 2, 17)),
        (berlin(2026, 11, 25, 10), 10, berlin(2026, 12, 9, 17)),
        (berlin(2026, 11, 29, 10), 5, berlin(2026, 12, 4, 17)),  # Sun + 5 = Fri
        (berlin(2026, 11, 25, 10), 250, berlin(2027, 11, 10, 17)),
        # n = 0: today's close on a workday (even after it), else the next workday's
        (berlin(2026, 11, 25, 10), 0, berlin(2026, 11, 25, 17)),
        (berlin(2026, 11, 25, 20), 0, berlin(2026, 11, 25, 17)),
        (berlin(2026, 11, 28, 10), 0, berlin(2026, 11, 30, 17)),
    ],
)
def test_add_business_days(start: datetime, n: int, expected: datetime) -> None:
    result = add_business_days(start, n, WEEK, BERLIN)
    assert result == expected
    assert result.tzinfo is BERLIN


def test_add_business_days_uses_the_local_date() -> None:
    # Friday 23:30 UTC is already Saturday in Berlin: + 1 = Monday
    start = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
    assert add_business_days(start, 1, WEEK, BERLIN) == berlin(2026, 11, 30, 17)
    assert add_business_days(start, 1, WEEK, UTC) == datetime(2026, 11, 30, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "n", "expected_wall", "offset"),
    [
        (berlin(2026, 3, 27, 10), 1, datetime(2026, 3, 30, 17), 2),
        (berlin(2026, 3, 28, 10), 1, datetime(2026, 3, 30, 17), 2),
        (berlin(2026, 3, 26, 10), 3, datetime(2026, 3, 31, 17), 2),
        (berlin(2026, 10, 23, 10), 1, datetime(2026, 10, 26, 17), 1),
        (berlin(2026, 10, 24, 10), 2, datetime(2026, 10, 27, 17), 1),
    ],
)
def test_add_business_days_across_dst_stays_at_close(
    start: datetime, n: int, expected_wall: datetime, offset: int
) -> None:
    result = add_business_days(start, n, WEEK, BERLIN)
    assert wall(result) == expected_wall
    assert result.utcoffset() == timedelta(hours=offset)


def test_add_business_days_custom_week() -> None:
    week = WorkWeek(days=frozenset({6}), start=time(10), end=time(14))  # Sundays only
    assert add_business_days(berlin(2026, 11, 25, 10), 2, week, BERLIN) == berlin(2026, 12, 6, 14)


@pytest.mark.parametrize("n", [-1, 1.5, True, "1"])
def test_add_business_days_rejects_bad_n(n: object) -> None:
    with pytest.raises(ValueError):
        add_business_days(berlin(2026, 11, 25, 10), n, WEEK, BERLIN)  # type: ignore[arg-type]


def test_add_business_days_accepts_whole_floats() -> None:
    assert add_business_days(berlin(2026, 11, 25, 10), 2.0, WEEK, BERLIN) == berlin(  # type: ignore[arg-type]
        2026, 11, 27, 17
    )


# --- sla_due ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "received", "expected"),
    [
        ("phone", berlin(2026, 11, 27, 16), berlin(2026, 11, 30, 12)),
        ("chat", berlin(2026, 11, 25, 10), berlin(2026, 11, 25, 14)),
        ("email", berlin(2026, 11, 25, 10), berlin(2026, 11, 26, 17)),
        ("email", berlin(2026, 11, 28, 10), berlin(2026, 11, 30, 17)),
        ("in-person", berlin(2026, 11, 25, 10), berlin(2026, 11, 26, 17)),
        ("meeting", berlin(2026, 11, 25, 10), berlin(2026, 11, 27, 17)),
        ("other", berlin(2026, 11, 27, 10), berlin(2026, 11, 30, 17)),
        (" Phone ", berlin(2026, 11, 27, 16), berlin(2026, 11, 30, 12)),
    ],
)
def test_sla_due_defaults(channel: str, received: datetime, expected: datetime) -> None:
    assert sla_due(channel, received, WEEK, tz=BERLIN) == expected


def test_sla_defaults_cover_the_channels() -> None:
    assert set(SLA_DEFAULTS) == {"phone", "chat", "email", "in-person", "meeting", "other"}
    for unit, amount in SLA_DEFAULTS.values():
        assert unit in ("hours", "bdays")
        assert amount > 0


def test_sla_due_custom_rules() -> None:
    sla = {"phone": ("hours", 1.5), "letter": ("bdays", 5)}
    assert sla_due("phone", berlin(2026, 11, 27, 16), WEEK, sla, BERLIN) == berlin(
        2026, 11, 30, 9, 30
    )
    assert sla_due("letter", berlin(2026, 11, 25, 10), WEEK, sla, BERLIN) == berlin(2026, 12, 2, 17)


@pytest.mark.parametrize(
    ("channel", "sla"),
    [
        ("fax", SLA_DEFAULTS),
        ("phone", {"phone": ("minutes", 30)}),
        ("phone", {"phone": ("bdays", 1.5)}),
        ("phone", {"phone": ("hours",)}),
        ("phone", {"phone": ("hours", -1)}),
    ],
)
def test_sla_due_rejects_unknown_channels_and_bad_rules(
    channel: str, sla: dict[str, tuple[str, float]]
) -> None:
    with pytest.raises(ValueError):
        sla_due(channel, berlin(2026, 11, 25, 10), WEEK, sla, BERLIN)


def test_worktime_never_imports_dateutil() -> None:
    code = (
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "from respond.core.worktime import WorkWeek, sla_due, add_working_hours\n"
        "w = WorkWeek(); t = datetime(2026, 11, 27, 16, tzinfo=UTC)\n"
        "for c in ('phone', 'email', 'meeting'): sla_due(c, t, w, tz=UTC)\n"
        "add_working_hours(t, 100, w)\n"
        "assert not [m for m in sys.modules if m.startswith('dateutil')], 'dateutil imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- properties ------------------------------------------------------------------------------

ZONES = st.sampled_from([BERLIN, UTC])
MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2060, 12, 31),
    timezones=st.just(BERLIN),
    allow_imaginary=False,
)


@st.composite
def weeks(draw: st.DrawFn) -> WorkWeek:
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    # Opening hours from 05:00 keep the (night-time) DST gap out of the working day; the
    # night-shift DST case has its own test above.
    start = draw(st.integers(5 * 60, 23 * 60 + 58))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    return WorkWeek(days, time(*divmod(start, 60)), time(*divmod(end, 60)))


def working_time_between(a: datetime, b: datetime, week: WorkWeek) -> timedelta:
    """Reference: working time between two naive wall-clock times, a day at a time."""
    total = timedelta()
    day = a.date()
    while day <= b.date():
        if week.is_workday(day):
            lo = max(a, datetime.combine(day, week.start))
            hi = min(b, datetime.combine(day, week.end))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def in_working_time(moment: datetime, week: WorkWeek, tz: tzinfo) -> bool:
    local = wall(moment, tz)
    return week.is_workday(local.date()) and week.start <= local.time() <= week.end


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    start=MOMENTS,
    hours=st.one_of(st.integers(0, 300), st.floats(0, 60, allow_nan=False)),
    week=weeks(),
    tz=ZONES,
)
def test_add_working_hours_properties(
    start: datetime, hours: float, week: WorkWeek, tz: tzinfo
) -> None:
    result = add_working_hours(start, hours, week, tz)
    assert result.tzinfo is not None
    assert result.astimezone(UTC) >= start.astimezone(UTC)
    assert in_working_time(result, week, tz)
    # exactly `hours` of working time lie between start and result
    assert working_time_between(wall(start, tz), wall(result, tz), week) == timedelta(hours=hours)
    # and no earlier moment would do: the result is at a working moment, not past an idle gap
    if timedelta(hours=hours) > timedelta(0):
        assert wall(result, tz).time() > week.start


@settings(max_examples=200, deadline=None)
@given(start=MOMENTS, n=st.integers(0, 400), week=weeks(), tz=ZONES)
def test_add_business_days_properties(start: datetime, n: int, week: WorkWeek, tz: tzinfo) -> None:
    result = add_business_days(start, n, week, tz)
    assert result.tzinfo is not None
    local = wall(result, tz)
    assert week.is_workday(local.date())
    assert local.time() == week.end
    first = wall(start, tz).date()
    between = [
        first + timedelta(days=i) for i in range(1, (local.date() - first).days + 1)
    ]  # days strictly after start's date, up to and including the result's
    if n == 0:
        assert local.date() >= first
        assert sum(map(week.is_workday, between)) == (0 if week.is_workday(first) else 1)
    else:
        assert local.date() > first
        assert sum(map(week.is_workday, between)) == n


@settings(max_examples=100, deadline=None)
@given(start=MOMENTS, hours=st.integers(0, 100), week=weeks())
def test_add_working_hours_is_monotonic(start: datetime, hours: int, week: WorkWeek) -> None:
    assert add_working_hours(start, hours, week, BERLIN) <= add_working_hours(
        start, hours + 1, week, BERLIN
    )


# --- on_workday: where follow-up and chase times land ------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2026, 11, 28, 17), berlin(2026, 11, 30, 17)),  # Saturday -> Monday
        (berlin(2026, 11, 29, 10, 15), berlin(2026, 11, 30, 10, 15)),  # the time of day stays
        (berlin(2026, 11, 27, 23, 0), berlin(2026, 11, 27, 23, 0)),  # a working day stays
        (berlin(2026, 3, 28, 17), berlin(2026, 3, 30, 17)),  # across a DST change: still 17:00
    ],
)
def test_on_workday(moment: datetime, expected: datetime) -> None:
    result = on_workday(moment, WEEK, BERLIN)
    assert result == expected and wall(result) == wall(expected)


def test_on_workday_follows_the_configured_week() -> None:
    tue_to_sat = WorkWeek(days=frozenset({1, 2, 3, 4, 5}))
    assert on_workday(berlin(2026, 11, 28, 17), tue_to_sat, BERLIN) == berlin(2026, 11, 28, 17)
    assert on_workday(berlin(2026, 11, 29, 17), tue_to_sat, BERLIN) == berlin(2026, 12, 1, 17)


@settings(max_examples=200, deadline=None)
@given(moment=MOMENTS, week=weeks(), tz=ZONES)
def test_on_workday_properties(moment: datetime, week: WorkWeek, tz: tzinfo) -> None:
    result = on_workday(moment, week, tz)
    local, before = wall(result, tz), wall(moment, tz)
    assert week.is_workday(local.date())
    assert result.astimezone(UTC) >= moment.astimezone(UTC)
    if week.is_workday(before.date()):
        assert result.astimezone(UTC) == moment.astimezone(UTC)
    else:  # the first working day after, at the same wall time (or later, in a DST gap)
        assert local.date() == week.next_workday(before.date())
        assert local.time() >= before.time()
        assert not any(
            week.is_workday(before.date() + timedelta(days=i))
            for i in range(1, (local.date() - before.date()).days)
        )

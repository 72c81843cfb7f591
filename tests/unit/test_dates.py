"""The date grammar (respond.core.dates.parse_when).

Every test passes an explicit zone (Europe/Berlin, which has DST, or UTC) and a pinned ``now``;
nothing depends on the machine's zone or clock.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from respond.core.clock import iso_moment, localize, to_local
from respond.core.dates import ACCEPTED_FORMS, DateError, has_passed, parse_when
from respond.core.worktime import WorkWeek

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)


def wall(moment: datetime, tz: tzinfo = BERLIN) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


WED = berlin(2026, 11, 25, 10)  # Wednesday 10:00
FRI = berlin(2026, 11, 27, 10)
SAT = berlin(2026, 11, 28, 11)
LATE = berlin(2026, 11, 25, 23, 30)  # Wednesday, late evening
OCT_SAT = berlin(2026, 10, 31, 12)  # Saturday, the last day of October
YEAR_END_SAT = berlin(2028, 12, 30, 12)  # Saturday after the last working day of 2028


def parse(text: str, now: datetime = WED, week: WorkWeek | None = None) -> datetime:
    result = parse_when(text, now, week or WorkWeek(), BERLIN)
    assert result.tzinfo is not None
    return result


# --- the table of accepted forms --------------------------------------------------------------

WED_TABLE: list[tuple[str, datetime]] = [
    # named moments
    ("now", WED),
    ("today", berlin(2026, 11, 25, 17)),
    ("eod", berlin(2026, 11, 25, 17)),
    ("tonight", berlin(2026, 11, 25, 20)),
    ("tomorrow", berlin(2026, 11, 26, 17)),
    ("eow", berlin(2026, 11, 27, 17)),
    ("eom", berlin(2026, 11, 30, 17)),
    # weekdays: the next one strictly after today, at the close
    ("mon", berlin(2026, 11, 30, 17)),
    ("monday", berlin(2026, 11, 30, 17)),
    ("tue", berlin(2026, 12, 1, 17)),
    ("tues", berlin(2026, 12, 1, 17)),
    ("tuesday", berlin(2026, 12, 1, 17)),
    ("wed", berlin(2026, 12, 2, 17)),  # today is Wednesday: a week away
    ("weds", berlin(2026, 12, 2, 17)),
    ("wednesday", berlin(2026, 12, 2, 17)),
    ("thu", berlin(2026, 11, 26, 17)),
    ("thur", berlin(2026, 11, 26, 17)),
    ("thurs", berlin(2026, 11, 26, 17)),
    ("thursday", berlin(2026, 11, 26, 17)),
    ("fri", berlin(2026, 11, 27, 17)),
    ("friday", berlin(2026, 11, 27, 17)),
    ("sat", berlin(2026, 11, 28, 17)),
    ("saturday", berlin(2026, 11, 28, 17)),
    ("sun", berlin(2026, 11, 29, 17)),
    ("sunday", berlin(2026, 11, 29, 17)),
    ("next fri", berlin(2026, 11, 27, 17)),
    ("next wed", berlin(2026, 12, 2, 17)),
    ("next monday", berlin(2026, 11, 30, 17)),
    # day + time
    ("fri 3pm", berlin(2026, 11, 27, 15)),
    ("fri 15:00", berlin(2026, 11, 27, 15)),
    ("fri at 3pm", berlin(2026, 11, 27, 15)),
    ("fri 3 pm", berlin(2026, 11, 27, 15)),
    ("next fri 9:30am", berlin(2026, 11, 27, 9, 30)),
    ("mon at 10am", berlin(2026, 11, 30, 10)),
    ("sat noon", berlin(2026, 11, 28, 12)),
    ("tomorrow 09:30", berlin(2026, 11, 26, 9, 30)),
    ("tomorrow at noon", berlin(2026, 11, 26, 12)),
    ("today 3:30pm", berlin(2026, 11, 25, 15, 30)),
    ("today 8am", berlin(2026, 11, 26, 8)),  # already past: the next 08:00, tomorrow
    # a time alone: today, or tomorrow once it has passed
    ("3pm", berlin(2026, 11, 25, 15)),
    ("3 pm", berlin(2026, 11, 25, 15)),
    ("15:00", berlin(2026, 11, 25, 15)),
    ("9:05", berlin(2026, 11, 26, 9, 5)),
    ("10:00", berlin(2026, 11, 25, 10)),  # this minute has not passed
    ("0:00", berlin(2026, 11, 26, 0)),
    ("23:59", berlin(2026, 11, 25, 23, 59)),
    ("12am", berlin(2026, 11, 26, 0)),
    ("12pm", berlin(2026, 11, 25, 12)),
    ("12:30am", berlin(2026, 11, 26, 0, 30)),
    ("at 3pm", berlin(2026, 11, 25, 15)),
    ("at noon", berlin(2026, 11, 25, 12)),
    # exact durations
    ("30m", berlin(2026, 11, 25, 10, 30)),
    ("0m", WED),
    ("90 min", berlin(2026, 11, 25, 11, 30)),
    ("in 30 minutes", berlin(2026, 11, 25, 10, 30)),
    ("in a minute", berlin(2026, 11, 25, 10, 1)),
    ("2h", berlin(2026, 11, 25, 12)),
    ("+2h", berlin(2026, 11, 25, 12)),
    ("1 hour", berlin(2026, 11, 25, 11)),
    ("in 3 hours", berlin(2026, 11, 25, 13)),
    ("in an hour", berlin(2026, 11, 25, 11)),
    ("in 2 hrs", berlin(2026, 11, 25, 12)),
    ("30h", berlin(2026, 11, 26, 16)),
    # day / week durations: that calendar day, at the close (a Saturday stays a Saturday)
    ("3d", berlin(2026, 11, 28, 17)),
    ("+3d", berlin(2026, 11, 28, 17)),
    ("3 days", berlin(2026, 11, 28, 17)),
    ("in 2 days", berlin(2026, 11, 27, 17)),
    ("1 day", berlin(2026, 11, 26, 17)),
    ("in a day", berlin(2026, 11, 26, 17)),
    ("0d", berlin(2026, 11, 25, 17)),
    ("2w", berlin(2026, 12, 9, 17)),
    ("1 week", berlin(2026, 12, 2, 17)),
    ("in 2 weeks", berlin(2026, 12, 9, 17)),
    ("in a week", berlin(2026, 12, 2, 17)),
    # business days
    ("1bd", berlin(2026, 11, 26, 17)),
    ("2bd", berlin(2026, 11, 27, 17)),
    ("+2bd", berlin(2026, 11, 27, 17)),
    ("3bd", berlin(2026, 11, 30, 17)),
    ("2 bd", berlin(2026, 11, 27, 17)),
    ("2 business days", berlin(2026, 11, 27, 17)),
    ("in 2 business days", berlin(2026, 11, 27, 17)),
    ("1 business day", berlin(2026, 11, 26, 17)),
    ("in a business day", berlin(2026, 11, 26, 17)),
    ("3 working days", berlin(2026, 11, 30, 17)),
    ("5 workdays", berlin(2026, 12, 2, 17)),
    ("0bd", berlin(2026, 11, 25, 17)),
    # ISO dates
    ("2026-11-25", berlin(2026, 11, 25, 17)),
    ("2026-12-24", berlin(2026, 12, 24, 17)),
    ("2026-11-25 14:00", berlin(2026, 11, 25, 14)),
    ("2026-11-25T14:00", berlin(2026, 11, 25, 14)),
    ("2026-11-25 14:00:30", berlin(2026, 11, 25, 14, 0, 30)),
    ("2026-11-25 00:00", berlin(2026, 11, 25, 0)),  # explicit midnight is kept
    ("2026-11-25T14:00:00+01:00", berlin(2026, 11, 25, 14)),
    ("2026-11-25T14:00:00+05:30", berlin(2026, 11, 25, 9, 30)),
    ("2026-11-25T14:00-0500", berlin(2026, 11, 25, 20)),
    ("2026-11-25T14:00Z", berlin(2026, 11, 25, 15)),
    ("2026-11-25 3pm", berlin(2026, 11, 25, 15)),
    ("2026-11-25 at 9:30", berlin(2026, 11, 25, 9, 30)),
    ("2027-06-01", berlin(2027, 6, 1, 17)),  # summer time: still 17:00 on the wall
    # dates with a month name (year-less: the next such date on or after today; time-less: the
    # close)
    ("25 nov", berlin(2026, 11, 25, 17)),
    ("nov 25", berlin(2026, 11, 25, 17)),
    ("25th nov", berlin(2026, 11, 25, 17)),
    ("november 25th", berlin(2026, 11, 25, 17)),
    ("1st dec", berlin(2026, 12, 1, 17)),
    ("2nd dec", berlin(2026, 12, 2, 17)),
    ("3rd dec", berlin(2026, 12, 3, 17)),
    ("1 jan", berlin(2027, 1, 1, 17)),
    ("jan 5", berlin(2027, 1, 5, 17)),
    ("nov 1", berlin(2027, 11, 1, 17)),
    ("25 dec 2pm", berlin(2026, 12, 25, 14)),
    ("may 1", berlin(2027, 5, 1, 17)),
    ("25 nov 9am", berlin(2026, 11, 25, 9)),  # today's date: kept even though 09:00 passed
    ("29 feb", berlin(2028, 2, 29, 17)),  # the next leap day
    ("1 jan 2026", berlin(2026, 1, 1, 17)),  # a year given: as written, even if past
    ("3 sept 2027", berlin(2027, 9, 3, 17)),
    ("sep 3 2027", berlin(2027, 9, 3, 17)),
    ("25 november 2026", berlin(2026, 11, 25, 17)),
    ("nov 25, 2026", berlin(2026, 11, 25, 17)),
    ("25 nov 3pm", berlin(2026, 11, 25, 15)),
    ("25 nov 2026 3pm", berlin(2026, 11, 25, 15)),
    ("25 nov at 15:00", berlin(2026, 11, 25, 15)),
    ("dec 24 2026 at 6pm", berlin(2026, 12, 24, 18)),
    ("29 feb 2028", berlin(2028, 2, 29, 17)),
]


@pytest.mark.parametrize(("text", "expected"), WED_TABLE)
def test_forms_on_a_wednesday(text: str, expected: datetime) -> None:
    result = parse(text)
    assert result == expected
    assert wall(result) == wall(expected)
    assert result.tzinfo is BERLIN


# Issue 22: what a busy person types (at Wed 25 Nov 2026 10:00, the default 09:00-17:00 week).
ISSUE_22_TABLE: list[tuple[str, datetime]] = [
    ("next week", berlin(2026, 11, 30, 17)),  # Monday of next week, at the close
    ("end of day", berlin(2026, 11, 25, 17)),
    ("cob", berlin(2026, 11, 25, 17)),
    ("close of business", berlin(2026, 11, 25, 17)),
    ("eod", berlin(2026, 11, 25, 17)),
    ("eod fri", berlin(2026, 11, 27, 17)),
    ("fri eod", berlin(2026, 11, 27, 17)),
    ("cob tomorrow", berlin(2026, 11, 26, 17)),
    ("2pm tomorrow", berlin(2026, 11, 26, 14)),
    ("2 pm tomorrow", berlin(2026, 11, 26, 14)),
    ("noon tomorrow", berlin(2026, 11, 26, 12)),
    ("3pm fri", berlin(2026, 11, 27, 15)),
    ("at noon on fri", berlin(2026, 11, 27, 12)),
    ("tomorrow morning", berlin(2026, 11, 26, 9)),  # the start of working hours
    ("tomorrow afternoon", berlin(2026, 11, 26, 13)),
    ("fri morning", berlin(2026, 11, 27, 9)),
    ("this afternoon", berlin(2026, 11, 25, 13)),
    ("afternoon", berlin(2026, 11, 25, 13)),
    ("this morning", berlin(2026, 11, 26, 9)),  # 09:00 has passed: tomorrow's
    ("this evening", berlin(2026, 11, 25, 20)),
    ("later today", berlin(2026, 11, 25, 13)),  # three hours from now
    ("later", berlin(2026, 11, 25, 13)),
    ("tmrw", berlin(2026, 11, 26, 17)),
    ("tmrw 10am", berlin(2026, 11, 26, 10)),
    ("next month", berlin(2026, 12, 1, 17)),  # the first working day of next month
    ("end of week", berlin(2026, 11, 27, 17)),
    ("end of the month", berlin(2026, 11, 30, 17)),
    ("in a fortnight", berlin(2026, 12, 9, 17)),
    ("fortnight", berlin(2026, 12, 9, 17)),
    ("tomorrow 9", berlin(2026, 11, 26, 9)),
    ("tomorrow at 9", berlin(2026, 11, 26, 9)),
    ("fri 15", berlin(2026, 11, 27, 15)),
    ("18.12.", berlin(2026, 12, 18, 17)),  # day.month.
    ("1.12.", berlin(2026, 12, 1, 17)),
    ("25.11.", berlin(2026, 11, 25, 17)),  # today's date
    ("24.11.", berlin(2027, 11, 24, 17)),  # passed: next year's
    ("18.12. 3pm", berlin(2026, 12, 18, 15)),
    ("25.11.2026", berlin(2026, 11, 25, 17)),
    ("1.1.2026", berlin(2026, 1, 1, 17)),  # a year given: as written
    # taskwarrior's named dates
    ("sod", berlin(2026, 11, 26, 9)),  # today's opening has passed: tomorrow's
    ("start of day", berlin(2026, 11, 26, 9)),
    ("sow", berlin(2026, 11, 30, 9)),
    ("eow", berlin(2026, 11, 27, 17)),
    ("som", berlin(2026, 12, 1, 9)),
    ("eom", berlin(2026, 11, 30, 17)),
    ("soy", berlin(2027, 1, 1, 9)),  # a Friday
    ("eoy", berlin(2026, 12, 31, 17)),
    ("end of year", berlin(2026, 12, 31, 17)),
    # ordinals and month names
    ("15th", berlin(2026, 12, 15, 17)),
    ("the 15th", berlin(2026, 12, 15, 17)),
    ("25th", berlin(2026, 11, 25, 17)),  # today
    ("30th 3pm", berlin(2026, 11, 30, 15)),
    ("31st", berlin(2026, 12, 31, 17)),
    ("dec 18", berlin(2026, 12, 18, 17)),
    ("18 december", berlin(2026, 12, 18, 17)),
]


@pytest.mark.parametrize(("text", "expected"), ISSUE_22_TABLE)
def test_what_a_busy_person_types(text: str, expected: datetime) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (berlin(2026, 11, 25, 16), "later today", berlin(2026, 11, 25, 17)),  # capped at the close
        (berlin(2026, 11, 25, 19), "later", berlin(2026, 11, 25, 22)),  # after the close
        (berlin(2026, 11, 25, 22), "later", berlin(2026, 11, 25, 23, 59)),  # before midnight
        (berlin(2026, 11, 25, 8), "sod", berlin(2026, 11, 25, 9)),  # today's, still ahead
        (berlin(2026, 11, 25, 8), "this morning", berlin(2026, 11, 25, 9)),
        (berlin(2026, 11, 25, 14), "this afternoon", berlin(2026, 11, 26, 13)),  # passed
        (SAT, "sod", berlin(2026, 11, 30, 9)),  # a day off: Monday's
        (SAT, "next week", berlin(2026, 11, 30, 17)),
        (berlin(2026, 11, 29, 10), "next week", berlin(2026, 11, 30, 17)),  # Sunday
        (berlin(2026, 11, 23, 10), "next week", berlin(2026, 11, 30, 17)),  # Monday
        (berlin(2026, 12, 10, 10), "next month", berlin(2027, 1, 1, 17)),  # across the year
        (berlin(2026, 7, 15, 10), "next month", berlin(2026, 8, 3, 17)),  # 1 Aug is a Saturday
        (berlin(2026, 7, 15, 10), "som", berlin(2026, 8, 3, 9)),
        (berlin(2026, 12, 31, 18), "eoy", berlin(2027, 12, 31, 17)),  # this year's has passed
        (berlin(2026, 12, 31, 10), "15th", berlin(2027, 1, 15, 17)),
        (berlin(2027, 2, 1, 10), "30th", berlin(2027, 3, 30, 17)),  # February has none
        (berlin(2026, 12, 20, 10), "18.12.", berlin(2027, 12, 18, 17)),
    ],
)
def test_issue_22_forms_at_other_moments(now: datetime, text: str, expected: datetime) -> None:
    assert parse(text, now) == expected


def test_morning_and_the_close_follow_the_working_week() -> None:
    week = WorkWeek(days=frozenset({1, 2, 3, 4, 5}), start=time(8), end=time(18, 30))  # Tue-Sat
    assert parse("tomorrow morning", WED, week) == berlin(2026, 11, 26, 8)
    assert parse("cob", WED, week) == berlin(2026, 11, 25, 18, 30)
    assert parse("next week", WED, week) == berlin(2026, 12, 1, 18, 30)  # its first working day
    assert parse("sow", WED, week) == berlin(2026, 12, 1, 8)
    assert parse("sod", SAT, week) == berlin(2026, 12, 1, 8)  # Saturday 11:00: Tuesday's


# One grammar: each other spelling means exactly what its plain form means, at any moment.
SAME_AS = [
    ("cob", "eod"), ("end of day", "eod"), ("close of business", "eod"), ("eod today", "today"),
    ("end of week", "eow"), ("end of month", "eom"), ("end of year", "eoy"),
    ("start of day", "sod"), ("start of next week", "sow"), ("tmrw", "tomorrow"),
    ("tmw 3pm", "tomorrow 3pm"), ("in a fortnight", "2w"), ("later", "later today"),
    ("2pm tomorrow", "tomorrow 2pm"), ("noon fri", "fri noon"), ("eod fri", "fri"),
    ("fri eod", "fri"), ("tomorrow morning", "tomorrow 9am"), ("this afternoon", "1pm"),
    ("afternoon", "1pm"), ("this evening", "tonight"), ("tomorrow 9", "tomorrow 9am"),
    ("tomorrow 15", "tomorrow 15:00"), ("dec 18", "18 december"), ("18.12.", "18 dec"),
    ("18.12.2027 9am", "18 dec 2027 9am"),
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2150, 12, 31),
        timezones=st.sampled_from([BERLIN, UTC]),
        allow_imaginary=False,
    ),
    pair=st.sampled_from(SAME_AS),
)
def test_other_spellings_are_the_same_form(now: datetime, pair: tuple[str, str]) -> None:
    text, plain = pair
    tz = now.tzinfo
    assert tz is not None
    assert parse_when(text, now, tz=tz) == parse_when(plain, now, tz=tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", berlin(2026, 11, 27, 17)),
        ("tomorrow", berlin(2026, 11, 28, 17)),
        ("fri", berlin(2026, 12, 4, 17)),  # on a Friday, fri is next week's
        ("next fri", berlin(2026, 12, 4, 17)),
        ("friday 3pm", berlin(2026, 12, 4, 15)),
        ("thu", berlin(2026, 12, 3, 17)),
        ("sat", berlin(2026, 11, 28, 17)),
        ("eow", berlin(2026, 11, 27, 17)),  # today is the last working day
        ("eom", berlin(2026, 11, 30, 17)),
        ("1bd", berlin(2026, 11, 30, 17)),
        ("0bd", berlin(2026, 11, 27, 17)),
        ("3d", berlin(2026, 11, 30, 17)),
        ("2h", berlin(2026, 11, 27, 12)),
    ],
)
def test_forms_on_a_friday(text: str, expected: datetime) -> None:
    assert parse(text, FRI) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", berlin(2026, 11, 28, 17)),  # today names the day, worked or not
        ("eod", berlin(2026, 11, 30, 17)),  # the end of the *working* day: Monday's
        ("eow", berlin(2026, 12, 4, 17)),  # this week's working days are over
        ("eom", berlin(2026, 11, 30, 17)),
        ("sat", berlin(2026, 12, 5, 17)),
        ("sun", berlin(2026, 11, 29, 17)),
        ("mon", berlin(2026, 11, 30, 17)),
        ("1bd", berlin(2026, 11, 30, 17)),
        ("0bd", berlin(2026, 11, 30, 17)),
        ("2h", berlin(2026, 11, 28, 13)),
        ("1d", berlin(2026, 11, 29, 17)),
    ],
)
def test_forms_on_a_saturday(text: str, expected: datetime) -> None:
    assert parse(text, SAT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", berlin(2026, 11, 26, 17)),  # already past: the next working day's close
        ("eod", berlin(2026, 11, 26, 17)),
        ("0d", berlin(2026, 11, 26, 17)),
        ("0bd", berlin(2026, 11, 26, 17)),
        ("tonight", berlin(2026, 11, 26, 20)),
        ("today 3pm", berlin(2026, 11, 26, 15)),
        ("tomorrow", berlin(2026, 11, 26, 17)),
        ("30m", berlin(2026, 11, 26, 0)),
        ("2h", berlin(2026, 11, 26, 1, 30)),
        ("1d", berlin(2026, 11, 26, 17)),
        ("1bd", berlin(2026, 11, 26, 17)),
        ("thu", berlin(2026, 11, 26, 17)),
        ("3pm", berlin(2026, 11, 26, 15)),
        ("23:30", berlin(2026, 11, 25, 23, 30)),  # this very minute
        ("now", LATE),
        ("2026-11-25 15:00", berlin(2026, 11, 25, 15)),  # a date as written: kept
        ("25 nov", berlin(2026, 11, 25, 17)),  # today's date: kept
    ],
)
def test_forms_late_in_the_evening(text: str, expected: datetime) -> None:
    assert parse(text, LATE) == expected


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (OCT_SAT, "eom", berlin(2026, 11, 30, 17)),  # October's last working day has passed
        (OCT_SAT, "eow", berlin(2026, 11, 6, 17)),
        (YEAR_END_SAT, "eom", berlin(2029, 1, 31, 17)),
        (berlin(2026, 5, 5, 10), "eom", berlin(2026, 5, 29, 17)),  # May 31 is a Sunday
        (berlin(2026, 9, 30, 10), "eom", berlin(2026, 9, 30, 17)),  # today is the last one
        (berlin(2026, 12, 10, 10), "eom", berlin(2026, 12, 31, 17)),
        (berlin(2026, 11, 29, 10), "eow", berlin(2026, 12, 4, 17)),  # Sunday
        (berlin(2026, 11, 23, 10), "eow", berlin(2026, 11, 27, 17)),  # Monday
    ],
)
def test_end_of_week_and_month(now: datetime, text: str, expected: datetime) -> None:
    assert parse(text, now) == expected


def test_custom_work_week() -> None:
    week = WorkWeek(days=frozenset({0, 1, 2, 3}), start=time(8), end=time(18, 30))  # Mon-Thu
    assert parse("today", WED, week) == berlin(2026, 11, 25, 18, 30)
    assert parse("tomorrow", WED, week) == berlin(2026, 11, 26, 18, 30)
    assert parse("eow", WED, week) == berlin(2026, 11, 26, 18, 30)
    assert parse("eom", WED, week) == berlin(2026, 11, 30, 18, 30)
    assert parse("fri", WED, week) == berlin(2026, 11, 27, 18, 30)
    assert parse("3d", WED, week) == berlin(2026, 11, 28, 18, 30)
    assert parse("25 nov", WED, week) == berlin(2026, 11, 25, 18, 30)
    assert parse("2026-12-01", WED, week) == berlin(2026, 12, 1, 18, 30)
    assert parse("1bd", WED, week) == berlin(2026, 11, 26, 18, 30)
    assert parse("2bd", WED, week) == berlin(2026, 11, 30, 18, 30)
    assert parse("fri 3pm", WED, week) == berlin(2026, 11, 27, 15)


@pytest.mark.parametrize(
    "text",
    ["FRI 3PM", "  fri 3pm  ", "Fri  3pm", "fri\t3pm", "\nFriday 3 PM\n", "Next Fri 15:00"],
)
def test_case_and_whitespace_do_not_matter(text: str) -> None:
    assert parse(text) == berlin(2026, 11, 27, 15)


def test_utc_as_local_zone() -> None:
    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    assert parse_when("today", now, tz=UTC) == datetime(2026, 11, 25, 17, tzinfo=UTC)
    assert parse_when("fri 3pm", now, tz=UTC) == datetime(2026, 11, 27, 15, tzinfo=UTC)
    assert parse_when("2026-11-25T14:00+01:00", now, tz=UTC) == datetime(
        2026, 11, 25, 13, tzinfo=UTC
    )
    assert parse_when("2h", now, tz=UTC).tzinfo == UTC


def test_now_is_converted_to_local_time_first() -> None:
    # 23:30 UTC on Wednesday is already Thursday 00:30 in Berlin
    now = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    assert parse_when("today", now, tz=BERLIN) == berlin(2026, 11, 26, 17)
    assert parse_when("fri", now, tz=BERLIN) == berlin(2026, 11, 27, 17)
    assert parse_when("now", now, tz=BERLIN) == now
    assert parse_when("now", now, tz=BERLIN).tzinfo is BERLIN


def test_naive_now_is_a_programming_error_not_a_date_error() -> None:
    with pytest.raises(ValueError) as info:
        parse_when("today", datetime(2026, 11, 25, 10), tz=BERLIN)
    assert not isinstance(info.value, DateError)


# --- daylight saving time ---------------------------------------------------------------------

SPRING_SAT = berlin(2026, 3, 28, 12)  # the night after, clocks go 02:00 -> 03:00
AUTUMN_SAT = berlin(2026, 10, 24, 12)  # the night after, clocks go 03:00 -> 02:00


@pytest.mark.parametrize(
    ("now", "text", "expected_wall", "offset"),
    [
        (SPRING_SAT, "tomorrow", datetime(2026, 3, 29, 17), 2),
        (SPRING_SAT, "1d", datetime(2026, 3, 29, 17), 2),
        (SPRING_SAT, "mon", datetime(2026, 3, 30, 17), 2),
        (SPRING_SAT, "1bd", datetime(2026, 3, 30, 17), 2),
        (SPRING_SAT, "2bd", datetime(2026, 3, 31, 17), 2),
        (SPRING_SAT, "24h", datetime(2026, 3, 29, 13), 2),  # 24 elapsed hours
        (SPRING_SAT, "1w", datetime(2026, 4, 4, 17), 2),
        (SPRING_SAT, "2026-03-29 02:30", datetime(2026, 3, 29, 3, 30), 2),  # skipped: forward
        (SPRING_SAT, "tomorrow 2:30am", datetime(2026, 3, 29, 3, 30), 2),
        (SPRING_SAT, "2026-03-29T02:30+01:00", datetime(2026, 3, 29, 3, 30), 2),
        (AUTUMN_SAT, "tomorrow", datetime(2026, 10, 25, 17), 1),
        (AUTUMN_SAT, "1d", datetime(2026, 10, 25, 17), 1),
        (AUTUMN_SAT, "1bd", datetime(2026, 10, 26, 17), 1),
        (AUTUMN_SAT, "2bd", datetime(2026, 10, 27, 17), 1),
        (AUTUMN_SAT, "24h", datetime(2026, 10, 25, 11), 1),
        (AUTUMN_SAT, "eow", datetime(2026, 10, 30, 17), 1),
        (AUTUMN_SAT, "2026-10-25 02:30", datetime(2026, 10, 25, 2, 30), 2),  # first of two
        (AUTUMN_SAT, "2026-10-25T02:30+01:00", datetime(2026, 10, 25, 2, 30), 1),  # second
    ],
)
def test_dst_transitions(now: datetime, text: str, expected_wall: datetime, offset: int) -> None:
    result = parse(text, now)
    assert wall(result) == expected_wall
    assert result.utcoffset() == timedelta(hours=offset)


def test_hour_durations_are_elapsed_time_across_dst() -> None:
    before = berlin(2026, 3, 29, 1, 30)  # CET
    result = parse("2h", before)
    assert result.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=2)
    assert wall(result) == datetime(2026, 3, 29, 4, 30)


# --- rejections --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "no date given"),
        ("   \n\t ", "no date given"),
        ("3", "bare number"),
        ("2026", "bare number"),
        ("+3", "bare number"),
        ("-3", "bare number"),
        ("3.5", "bare number"),
        ("01/02/2026", "ambiguous"),
        ("3/4", "ambiguous"),
        ("25.11", "bare number"),  # day.month. needs its dots: 25.11.
        ("18.13.", "there is no month 13"),
        ("31.4.", "there is no 31 apr"),
        ("32nd", "no month has a day 32"),
        ("tomorrow 3", "could be 3am or 3pm"),
        ("fri at 0", "could be 12am or 12pm"),
        ("tomorrow 24", "hours are 0 to 23"),
        ("nxt week", "did you mean 'next week'?"),
        ("end of dya", "did you mean 'end of day'?"),
        ("tomorow mornin", "did you mean 'tomorrow morning'?"),
        ("eod fr", "did you mean 'eod fri'?"),
        ("fortnite", "did you mean 'fortnight'?"),
        ("cobb", "did you mean 'cob'?"),
        ("monday mornin", "did you mean 'monday morning'?"),
        ("this", "try: "),
        ("11-25-2026", "ambiguous"),
        ("1/2 3pm", "ambiguous"),
        ("31 apr", "there is no 31 apr"),
        ("29 feb 2027", "there is no 29 feb 2027"),
        ("30 feb 2028", "there is no 30 feb 2028"),
        ("0 nov", "there is no 0 nov"),
        ("2026-02-30", "not a valid date"),
        ("2026-13-01", "not a valid date"),
        ("2026-00-10", "not a valid date"),
        ("25:00", "hours are 0 to 23"),
        ("fri 24:00", "hours are 0 to 23"),
        ("13pm", "hour is 1 to 12"),
        ("0am", "hour is 1 to 12"),
        ("9:60", "minutes are 0 to 59"),
        ("2026-11-25 25:00", "hours are 0 to 23"),
        ("fridya", "did you mean 'friday'?"),
        ("tomorow", "did you mean 'tomorrow'?"),
        ("in 99999999999999 days", "outside the range"),
        ("99999999999999999999m", "outside the range"),
        ("10000000bd", "outside the range"),
        ("x" * 10_000, "too long"),
    ],
)
def test_rejections_say_why(text: str, why: str) -> None:
    with pytest.raises(DateError) as info:
        parse(text)
    message = str(info.value)
    assert why in message
    assert "\n" not in message
    assert message.startswith(("can't read ", "no date given"))


JUNK = [
    # words dateutil alone would read as dates (or skip)
    "may",
    "a",
    "at",
    "of",
    "on",
    "the",
    "and",
    "t",
    "z",
    "pm",
    "am",
    "utc",
    "june",
    "december 2026",
    "nov 2026",
    "mon tue",
    "fri fri",
    "today tomorrow",
    "at at 3pm",
    "next",
    "next today",
    "this fri",
    "last fri",
    "yesterday",
    "3 days ago",
    "-3d",
    "1 month",
    "2 years",
    "3x",
    "3 d d",
    "in",
    "in days",
    "in a",
    "an hour",  # "an" only after "in"
    "+ 3d",
    "in +3d",
    "eod 3pm",
    "tonight 9pm",
    "now 3pm",
    "fri 1500",
    "1530",
    "nov 25 1530",  # a four-digit time is not a year here
    "25 nov 26",
    "25 nov 0001",
    "0001-01-01",
    "9999-12-31",
    "2026/11/25",
    "2026-11",
    "2026-11-25 14:00 +01:00",
    "2026-11-25T14",
    "2026-11-25T14:00:00.1234567",
    "20261125",
    "2026-11-25-",
    "25 nov 2026 3pm 4pm",
    "25-nov-2026",
    "25. nov",
    "fri, 3pm",
    "3pm,",
    "1 2 3",
    "on fri",
    "by friday",
    "friday the 13th",
    "the 15",
    "15 th",
    "this fri",
    "this 3pm",
    "morning 3pm",
    "later tomorrow",
    "eod eod",
    "next year",
    "18.12.26",
    "1.2.3.",
    "12:00:00",
    "3p",
    "noonish",
    "midnight",
    # hostile input
    "\x00",
    "tomorrow\x00",
    "fri\x00 3pm",
    "\x1b[31mfri\x1b[0m",
    "😀",
    "fri 😀",
    "٣pm",  # Arabic-Indic digit
    "２０２６-１１-２５",  # full-width digits
    "３d",
    "friday\u200b",  # zero-width space
    "tomorrow\u00a03pm",  # no-break space
    "\u2028",
    "fri\x0b3pm",
    "'; drop table",
    "%s %d {0}",
    "\\",
]


@pytest.mark.parametrize("text", JUNK)
def test_junk_is_rejected(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse(text)
    message = str(info.value)
    assert "\n" not in message
    assert "\r" not in message
    assert message.isprintable()  # repr() of the text escapes control characters


def test_generic_message_lists_the_accepted_forms() -> None:
    with pytest.raises(DateError) as info:
        parse("fridya")
    assert str(info.value) == (
        f"can't read 'fridya' as a date (did you mean 'friday'?); try: {ACCEPTED_FORMS}"
    )
    with pytest.raises(DateError) as info:
        parse("soon")
    assert str(info.value) == f"can't read 'soon' as a date; try: {ACCEPTED_FORMS}"


def test_accepted_forms_are_all_accepted() -> None:
    forms = [form.strip() for form in ACCEPTED_FORMS.split(",")]
    assert len(forms) >= 20
    for form in forms:
        parse(form)  # none of the advertised examples may fail


def test_long_text_is_shortened_in_the_message() -> None:
    with pytest.raises(DateError) as info:
        parse("fri" + "x" * 80)
    assert len(str(info.value)) < 300


def test_dateutil_is_imported_lazily() -> None:
    code = (
        "import sys\n"
        "from datetime import datetime, UTC\n"
        "import respond.core.dates as d\n"
        "loaded = lambda: [m for m in sys.modules if m.startswith('dateutil')]\n"
        "assert not loaded(), 'import'\n"
        "now = datetime(2026, 11, 25, 10, tzinfo=UTC)\n"
        "for t in ('fri 3pm', '2h', 'eom', '2bd', 'tomorrow 09:30', '25 nov'):\n"
        "    d.parse_when(t, now, tz=UTC)\n"
        "assert not loaded(), 'relative forms'\n"
        "d.parse_when('2026-11-25', now, tz=UTC)\n"
        "assert loaded(), 'absolute forms use dateutil'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- properties -------------------------------------------------------------------------------

ZONES = st.sampled_from([BERLIN, UTC])
NOWS = st.datetimes(
    min_value=datetime(1990, 1, 1),
    max_value=datetime(2150, 12, 31),
    timezones=ZONES,
    allow_imaginary=False,
)
VOCABULARY = [
    "now",
    "today",
    "tonight",
    "tomorrow",
    "eod",
    "eow",
    "eom",
    "next",
    "in",
    "at",
    "a",
    "an",
    "of",
    "on",
    "the",
    "may",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "friday",
    "nov",
    "sept",
    "december",
    "3pm",
    "15:00",
    "9:30am",
    "noon",
    "12am",
    "3",
    "25",
    "2026",
    "0",
    "99",
    "1st",
    "25th",
    "m",
    "h",
    "d",
    "w",
    "bd",
    "min",
    "hours",
    "days",
    "weeks",
    "business",
    "day",
    "working",
    "2026-11-25",
    "2026-11-25T14:00",
    "+01:00",
    "z",
    "t",
    "/",
    "-",
    "+",
    ",",
    ":",
    ".",
    "30m",
    "2h",
    "3d",
    "2w",
    "+3d",
    "2bd",
    "cob", "end", "of", "day", "week", "month", "next", "later", "tmrw", "morning", "afternoon",
    "evening", "this", "fortnight", "sod", "sow", "som", "soy", "eoy", "15th", "18.12.", "9",
    "18.12.2026", "31st",
]  # fmt: skip


def _check(text: str, now: datetime, tz: tzinfo) -> None:
    try:
        result = parse_when(text, now, tz=tz)
    except DateError as err:
        message = str(err)
        assert message
        assert "\n" not in message and "\r" not in message
    else:
        assert isinstance(result, datetime)
        assert result.tzinfo is not None
        assert result.utcoffset() == result.astimezone(tz).utcoffset()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60), now=NOWS, tz=ZONES)
@example(text="\x00", now=WED, tz=BERLIN)
@example(text="x" * 10_000, now=WED, tz=BERLIN)
@example(text="31 dec 2199 11:59pm", now=WED, tz=BERLIN)
def test_any_text_gives_an_aware_datetime_or_a_date_error(
    text: str, now: datetime, tz: tzinfo
) -> None:
    _check(text, now, tz)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5), now=NOWS, tz=ZONES)
def test_token_soup_gives_an_aware_datetime_or_a_date_error(
    words: list[str], now: datetime, tz: tzinfo
) -> None:
    _check(" ".join(words), now, tz)
    _check("".join(words), now, tz)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(0, 50_000),
    unit=st.sampled_from(["m", "h", "d", "w", "bd", " minutes", " hours", " days", " weeks"]),
    prefix=st.sampled_from(["", "+", "in "]),
    now=NOWS,
    tz=ZONES,
)
def test_durations_are_monotonic(n: int, unit: str, prefix: str, now: datetime, tz: tzinfo) -> None:
    if unit in ("d", " days", "w", " weeks", "bd"):
        n = n % 2000  # keep calendar units inside year 9999
    shorter = parse_when(f"{prefix}{n}{unit}", now, tz=tz)
    longer = parse_when(f"{prefix}{n + 1}{unit}", now, tz=tz)
    assert shorter.tzinfo is not None and longer.tzinfo is not None
    if unit == "bd" and n == 0:  # on a weekend, 0bd is the next working day, like 1bd
        assert shorter <= longer
    else:
        assert shorter < longer
    if unit in ("m", " minutes", "h", " hours"):
        step = timedelta(minutes=1) if "m" in unit else timedelta(hours=1)
        # in UTC: subtracting two datetimes of the same zone is wall-clock arithmetic
        assert longer.astimezone(UTC) - shorter.astimezone(UTC) == step
        assert shorter.astimezone(UTC) - now.astimezone(UTC) == step * n


WEEKDAY_NAMES = {
    0: ["mon", "monday"],
    1: ["tue", "tues", "tuesday"],
    2: ["wed", "weds", "wednesday"],
    3: ["thu", "thur", "thurs", "thursday"],
    4: ["fri", "friday"],
    5: ["sat", "saturday"],
    6: ["sun", "sunday"],
}


@settings(max_examples=200, deadline=None)
@given(
    weekday=st.integers(0, 6),
    data=st.data(),
    nxt=st.booleans(),
    at=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    now=NOWS,
    tz=ZONES,
)
def test_weekdays_are_the_next_such_day(
    weekday: int,
    data: st.DataObject,
    nxt: bool,
    at: time | None,
    now: datetime,
    tz: tzinfo,
) -> None:
    name = data.draw(st.sampled_from(WEEKDAY_NAMES[weekday]))
    text = ("next " if nxt else "") + name + (f" {at:%H:%M}" if at is not None else "")
    result = parse_when(text, now, tz=tz)
    today = now.astimezone(tz).date()
    local = wall(result, tz)
    assert result.tzinfo is not None
    assert local.weekday() == weekday
    assert today < local.date() <= today + timedelta(days=7)
    if tz is UTC:  # no DST gaps: the wall-clock time is exactly the one asked for
        assert local.time() == (at if at is not None else time(17))


@settings(max_examples=150, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 2),
        max_value=datetime(2199, 12, 30),
        timezones=st.sampled_from([BERLIN, UTC, ZoneInfo("America/New_York")]),
        allow_imaginary=False,
    ).map(lambda d: d.replace(microsecond=0)),
    tz=ZONES,
)
def test_iso_timestamps_round_trip(moment: datetime, tz: tzinfo) -> None:
    result = parse_when(moment.isoformat(), WED, tz=tz)
    assert result.astimezone(UTC) == moment.astimezone(UTC)  # same-zone == ignores fold
    assert result.tzinfo is tz


MONTH_NAMES = [
    ["jan", "january"],
    ["feb", "february"],
    ["mar", "march"],
    ["apr", "april"],
    ["may"],
    ["jun", "june"],
    ["jul", "july"],
    ["aug", "august"],
    ["sep", "sept", "september"],
    ["oct", "october"],
    ["nov", "november"],
    ["dec", "december"],
]


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    data=st.data(),
    with_year=st.booleans(),
    month_first=st.booleans(),
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
)
def test_named_dates(
    day: date, data: st.DataObject, with_year: bool, month_first: bool, today: date
) -> None:
    month = data.draw(st.sampled_from(MONTH_NAMES[day.month - 1]))
    text = f"{month} {day.day}" if month_first else f"{day.day} {month}"
    now = datetime.combine(today, time(12), tzinfo=UTC)
    if with_year:
        text += f" {day.year}"
        expected = day  # as written, past or not
    else:  # the next such date on or after today
        expected = next(
            d
            for year in range(today.year, today.year + 9)
            if (d := _valid(year, day.month, day.day)) is not None and d >= today
        )
    result = parse_when(text, now, tz=UTC)
    assert result == datetime.combine(expected, time(17), tzinfo=UTC)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- relative forms never give a moment that has passed -------------------------------------

NEW_YORK = ZoneInfo("America/New_York")
DST_ZONES = [BERLIN, NEW_YORK]


def _dst_days(tz: tzinfo, years: range) -> list[date]:
    """The days on which ``tz`` changes its UTC offset."""
    found = []
    day = date(years.start, 1, 1)
    while day.year < years.stop:
        noon = datetime.combine(day, time(12), tzinfo=tz)
        if noon.utcoffset() != (noon - timedelta(days=1)).utcoffset():
            found.append(day)
        day += timedelta(days=1)
    return found


DST_DAYS = {tz: _dst_days(tz, range(2024, 2029)) for tz in DST_ZONES}


@st.composite
def nows(draw: st.DrawFn) -> tuple[datetime, tzinfo]:
    """A moment and its zone: any moment, or (half the time) one on a DST-change day."""
    tz = draw(st.sampled_from([*DST_ZONES, UTC]))
    if tz is not UTC and draw(st.booleans()):
        day = draw(st.sampled_from(DST_DAYS[tz]))
        seconds = draw(st.integers(0, 24 * 3600 - 1))
        local = (datetime.combine(day, time()) + timedelta(seconds=seconds)).replace(tzinfo=tz)
        return local.astimezone(UTC).astimezone(tz), tz  # (a time in the gap moves on)
    moment = draw(
        st.datetimes(
            min_value=datetime(1990, 1, 1),
            max_value=datetime(2150, 12, 31),
            timezones=st.just(tz),
            allow_imaginary=False,
        )
    )
    return moment, tz


@st.composite
def work_weeks(draw: st.DrawFn) -> WorkWeek:
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    start = draw(st.integers(0, 23 * 60 + 58))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    return WorkWeek(days, time(*divmod(start, 60)), time(*divmod(end, 60)))


CLOCK_TIMES = ["0:00", "12am", "9am", "9:30am", "noon", "3pm", "15:00", "17:00", "20:00",
               "23:59", "11:59pm"]  # fmt: skip
RELATIVE_FORMS = [
    "now", "today", "eod", "tonight", "tomorrow", "eow", "eom",
    *CLOCK_TIMES, *(f"at {t}" for t in CLOCK_TIMES), *(f"today {t}" for t in CLOCK_TIMES),
    *(f"tomorrow {t}" for t in CLOCK_TIMES),
    *(name for names in WEEKDAY_NAMES.values() for name in names),
    "next fri", "fri 9am", "mon at 10am", "sun 23:59",
    "0m", "1m", "30m", "2h", "in an hour", "0d", "1d", "3d", "0w", "1w", "2w", "in a day",
    "0bd", "1bd", "2bd", "5 business days",
    # issue 22
    "next week", "next month", "cob", "end of day", "eod fri", "2pm tomorrow", "noon tomorrow",
    "tomorrow morning", "this afternoon", "this morning", "afternoon", "later today", "later",
    "tmrw", "end of week", "end of month", "in a fortnight", "tomorrow 9", "sod", "sow", "som",
    "soy", "eoy",
]  # fmt: skip


# Forms that name a moment today (to the minute, so maybe seconds before now) until it passed.
TODAY_AT = ("sod", "this morning", "this afternoon", "afternoon", "later today", "later", "cob",
            "end of day")  # fmt: skip


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(at=nows(), text=st.sampled_from(RELATIVE_FORMS), week=work_weeks())
def test_relative_forms_never_give_a_moment_that_has_passed(
    at: tuple[datetime, tzinfo], text: str, week: WorkWeek
) -> None:
    now, tz = at
    result = parse_when(text, now, week, tz)
    minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    assert result.astimezone(UTC) >= minute  # `now` is the current minute: never earlier
    assert not has_passed(result, now)
    if text == "now":
        assert result.astimezone(UTC) == minute
    elif text not in (
        "today",
        "eod",
        "tonight",
        "0d",
        "0w",
        "0bd",
        *CLOCK_TIMES,
        *TODAY_AT,
    ) and not (text.startswith(("at ", "today "))):  # the rest never even come close
        assert result.astimezone(UTC) >= now.astimezone(UTC)


@settings(max_examples=300, deadline=None)
@given(at=nows(), text=st.sampled_from(["today", "eod", "0bd", "eow", "eom"]), week=work_weeks())
def test_ends_of_days_weeks_and_months_are_at_the_close(
    at: tuple[datetime, tzinfo], text: str, week: WorkWeek
) -> None:
    now, tz = at
    result = parse_when(text, now, week, tz)
    local = wall(result, tz)
    if tz is UTC:  # no DST gap can move the close
        assert local.time() == week.end
    if text != "today":  # the working-day forms land on working days only
        assert week.is_workday(local.date())


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # the moment has passed: the next one
        (berlin(2026, 11, 25, 10), "9am", berlin(2026, 11, 26, 9)),
        (berlin(2026, 11, 25, 16), "today 3pm", berlin(2026, 11, 26, 15)),
        (berlin(2026, 11, 25, 21), "tonight", berlin(2026, 11, 26, 20)),
        (berlin(2026, 11, 27, 17, 30), "today", berlin(2026, 11, 30, 17)),  # Fri: not Saturday
        (berlin(2026, 11, 27, 17, 30), "eod", berlin(2026, 11, 30, 17)),
        (berlin(2026, 11, 27, 17, 30), "eow", berlin(2026, 12, 4, 17)),
        (berlin(2026, 11, 30, 18), "eom", berlin(2026, 12, 31, 17)),  # 30 Nov: last working day
        (berlin(2026, 5, 29, 18), "eom", berlin(2026, 6, 30, 17)),  # Fri 29 May: May's last
        # to the minute: the current minute has not passed
        (berlin(2026, 11, 27, 17, 0, 59), "today", berlin(2026, 11, 27, 17)),
        (berlin(2026, 11, 27, 17, 0, 59), "eow", berlin(2026, 11, 27, 17)),
        (berlin(2026, 11, 25, 9, 0, 30), "9am", berlin(2026, 11, 25, 9)),
        (berlin(2026, 11, 25, 9, 1), "9am", berlin(2026, 11, 26, 9)),
        (berlin(2026, 11, 25, 10, 0, 42), "now", berlin(2026, 11, 25, 10)),
        # a day off: eod is the next working day's, today is today's
        (berlin(2026, 11, 28, 11), "eod", berlin(2026, 11, 30, 17)),
        (berlin(2026, 11, 28, 11), "today", berlin(2026, 11, 28, 17)),
        (berlin(2026, 11, 28, 18), "today", berlin(2026, 11, 30, 17)),
        # names of calendar days: as written
        (berlin(2026, 11, 25, 18), "2026-11-25", berlin(2026, 11, 25, 17)),
        (berlin(2026, 11, 25, 18), "2026-11-20", berlin(2026, 11, 20, 17)),
        (berlin(2026, 11, 25, 18), "25 nov 2026 9am", berlin(2026, 11, 25, 9)),
    ],
)
def test_a_moment_that_has_passed_means_the_next_one(
    now: datetime, text: str, expected: datetime
) -> None:
    assert parse(text, now) == expected


def test_the_work_week_from_the_config_decides_the_next_working_day() -> None:
    mon_to_thu = WorkWeek(days=frozenset({0, 1, 2, 3}), start=time(8), end=time(16))
    thu_evening = berlin(2026, 11, 26, 18)
    assert parse("today", thu_evening, mon_to_thu) == berlin(2026, 11, 30, 16)
    assert parse("eod", thu_evening, mon_to_thu) == berlin(2026, 11, 30, 16)
    assert parse("eow", thu_evening, mon_to_thu) == berlin(2026, 12, 3, 16)
    assert parse("eod", berlin(2026, 11, 27, 10), mon_to_thu) == berlin(2026, 11, 30, 16)
    assert parse("eom", berlin(2026, 12, 31, 17), mon_to_thu) == berlin(2027, 1, 28, 16)


def test_has_passed_is_to_the_minute() -> None:
    now = berlin(2026, 11, 25, 10, 0, 30)
    assert not has_passed(berlin(2026, 11, 25, 10), now)
    assert not has_passed(now, now)
    assert has_passed(berlin(2026, 11, 25, 9, 59, 59), now)
    # the two 02:30s of the autumn night are a whole hour apart
    first = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    second = first.replace(fold=1)
    assert has_passed(first, second) and not has_passed(second, first)


# --- clock.localize: wall-clock times that a DST change skips or repeats ----------------------


@pytest.mark.parametrize("tz", [BERLIN, None])  # None: the system zone, TZ=Europe/Berlin
@pytest.mark.parametrize(
    ("naive", "expected_wall", "offset"),
    [
        (datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 3, 30), 2),  # the gap: forward
        (datetime(2026, 3, 29, 2, 0), datetime(2026, 3, 29, 3, 0), 2),
        (datetime(2026, 3, 29, 2, 59), datetime(2026, 3, 29, 3, 59), 2),
        (datetime(2026, 3, 29, 1, 59), datetime(2026, 3, 29, 1, 59), 1),
        (datetime(2026, 3, 29, 3, 0), datetime(2026, 3, 29, 3, 0), 2),
        (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 2, 30), 2),  # the fold: first
        (datetime(2026, 10, 25, 2, 30, fold=1), datetime(2026, 10, 25, 2, 30), 1),
        (datetime(2026, 10, 25, 3, 0), datetime(2026, 10, 25, 3, 0), 1),
    ],
)
def test_localize_moves_gaps_forward_and_takes_the_first_of_a_fold(
    tz: tzinfo | None, naive: datetime, expected_wall: datetime, offset: int
) -> None:
    result = localize(naive, tz)
    assert result.utcoffset() == timedelta(hours=offset)
    assert result.replace(tzinfo=None, fold=0) == expected_wall
    assert to_local(result, tz).utcoffset() == result.utcoffset()  # a real local time


def _gap_start(naive: datetime, tz: tzinfo) -> datetime:
    """The wall time at which the gap holding ``naive`` begins (``naive`` if no gap)."""
    moment = naive
    while not _exists(moment, tz):
        moment -= timedelta(minutes=1)
    return moment + timedelta(minutes=1) if moment != naive else naive


def _exists(naive: datetime, tz: tzinfo) -> bool:
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def _walls_near_dst(tz: tzinfo) -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda day, minutes, fold: (
            datetime.combine(day, time()).replace(fold=fold) + timedelta(minutes=minutes)
        ),
        st.sampled_from(DST_DAYS[tz]),
        st.integers(0, 24 * 60 - 1),
        st.integers(0, 1),
    )


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    tz=st.sampled_from([*DST_ZONES, None]),
    near_dst=st.booleans(),
)
def test_localize_never_goes_back_and_round_trips_outside_gaps(
    data: st.DataObject, tz: tzinfo | None, near_dst: bool
) -> None:
    zone = tz if tz is not None else BERLIN  # the suite runs with TZ=Europe/Berlin
    if near_dst:
        naive = data.draw(_walls_near_dst(zone))
    else:
        naive = data.draw(st.datetimes(datetime(1970, 1, 2), datetime(2100, 12, 31)))
    result = localize(naive, tz)
    shown = to_local(result, zone).replace(tzinfo=None, fold=0)
    wall_time = naive.replace(fold=0)
    assert result.tzinfo is not None
    assert result.astimezone(UTC) == localize(naive, zone).astimezone(UTC)  # system = zoneinfo
    if _exists(wall_time, zone):
        assert shown == wall_time  # round trip
        # a repeated time: fold=0 is the first occurrence, fold=1 the second
        first = wall_time.replace(tzinfo=zone).astimezone(UTC)
        second = wall_time.replace(tzinfo=zone, fold=1).astimezone(UTC)
        assert result.astimezone(UTC) == (second if naive.fold else first)
    else:  # in a gap: forward by the gap, never before the gap's start
        assert shown > wall_time
        assert shown >= _gap_start(wall_time, zone)
        after = wall_time.replace(tzinfo=zone, fold=1).utcoffset()
        before = wall_time.replace(tzinfo=zone, fold=0).utcoffset()
        assert after is not None and before is not None
        assert shown - wall_time == abs(after - before)


@settings(max_examples=300, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2150, 12, 31)),
    week=work_weeks(),
)
def test_issue_22_forms_land_where_they_say_in_any_working_week(
    now: datetime, week: WorkWeek
) -> None:
    now = now.replace(tzinfo=UTC)  # UTC: no DST gap moves a wall-clock time
    today = now.date()

    def at(text: str) -> datetime:
        return wall(parse_when(text, now, week, UTC), UTC)

    # next week: the first working day of the next Monday-to-Sunday week, at the close
    monday = today + timedelta(days=7 - today.weekday())
    first = min(d for d in (monday + timedelta(days=n) for n in range(7)) if week.is_workday(d))
    assert at("next week") == datetime.combine(first, week.end)
    assert at("sow") == datetime.combine(first, week.start)
    # next month: its first working day
    start = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    first = min(d for d in (start + timedelta(days=n) for n in range(7)) if week.is_workday(d))
    assert at("next month") == datetime.combine(first, week.end)
    assert at("som") == datetime.combine(first, week.start)
    # parts of the day
    assert at("tomorrow morning") == datetime.combine(today + timedelta(days=1), week.start)
    assert at("tomorrow afternoon") == datetime.combine(today + timedelta(days=1), time(13))
    assert at("eod fri").time() == week.end
    # later today: today, after now (to the minute), at most three hours away
    later = at("later today")
    assert later.date() == today
    assert now.replace(tzinfo=None, second=0, microsecond=0) <= later
    assert later <= now.replace(tzinfo=None) + timedelta(hours=3)
    # soy and eoy: working days at the opening / close
    assert week.is_workday(at("soy").date()) and at("soy").time() == week.start
    assert week.is_workday(at("eoy").date()) and at("eoy").time() == week.end
    assert at("soy").year == today.year + 1


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2199, 12, 31)),
    seconds=st.sampled_from(["", ":ss", ":ss.f"]),
    sep=st.sampled_from(["T", "t", " "]),
    offset=st.sampled_from(["", "Z", "z", "+01", "-0530", "+14:00", "-00:00"]),
    tz=st.sampled_from([BERLIN, UTC]),
)
@example(datetime(2026, 3, 29, 2, 30), "", "T", "", BERLIN)  # in the DST gap
@example(datetime(2026, 10, 25, 2, 30), "", "T", "", BERLIN)  # the repeated hour
def test_iso_moment_is_the_grammars_iso_form(
    moment: datetime, seconds: str, sep: str, offset: str, tz: tzinfo
) -> None:
    """``--now`` reads a plain ISO date and time without the grammar (``iso_moment``): the
    same moment as the grammar gives for the same text, always."""
    text = moment.strftime("%Y-%m-%d") + sep + moment.strftime("%H:%M")
    if seconds:
        text += moment.strftime(":%S") + (f".{moment.microsecond:06d}" if "f" in seconds else "")
    text += offset
    fast = iso_moment(text, tz)
    assert fast is not None
    assert fast == parse_when(text, berlin(2026, 11, 25, 10), tz=tz)
    assert fast.tzinfo is not None and fast.utcoffset() == to_local(fast, tz).utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "fri",
        "2026-11-25",
        "2026-11-25 at 3pm",
        "2026-11-25T10",
        "20261125T1000",
        "1899-12-31T10:00",
        "2026-11-25T10:00+1",
        "2026-11-25  10:00x",
        "",
    ],
)
def test_iso_moment_refuses_other_shapes(text: str) -> None:
    assert iso_moment(text, BERLIN) is None


def test_iso_moment_raises_for_an_impossible_time() -> None:
    with pytest.raises(ValueError):
        iso_moment("2026-02-30T10:00", BERLIN)
    with pytest.raises(DateError, match="not a valid date"):
        parse_when("2026-02-30T10:00", berlin(2026, 11, 25, 10), tz=BERLIN)

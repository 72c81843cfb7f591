"""The date grammar people type: ``parse_when("fri 3pm", now)``.

Everything is case-insensitive; surrounding whitespace is ignored and inner runs of
whitespace count as one space. Results are timezone-aware datetimes in local time (``tz`` or
the system zone, see :mod:`respond.core.clock`). "The close" below means the end of the working day,
``week.end`` (17:00 by default); working days are ``week.days`` (:class:`WorkWeek`, from the
config), never a hard-coded Monday to Friday.

The rule: **forms relative to now never give a moment that has passed**. When the moment a
form names has passed, it means the next one. "Passed" is to the minute (:func:`has_passed`):
the minute ``now`` is in has not passed. Dates that name a calendar day are that day (without
a year, the next such day on or after today); a date already past is accepted as written.

Named moments
    ``now``         the current minute (``now`` without its seconds)
    ``today``       today at the close; once that has passed, the next working day's close
    ``eod``         the close of today's working day; on a day off, or once it has passed,
                    the next working day's
    ``tonight``     today at 20:00; after 20:00, tomorrow at 20:00
    ``tomorrow``    tomorrow at the close
    ``eow``         the last working day of this Monday-to-Sunday week, at the close; once
                    that has passed (Friday evening, the weekend), the one of next week
    ``eom``         the last working day of this month, at the close; once that has passed,
                    the one of next month
    ``eoy``         the last working day of this year, at the close; once that has passed,
                    the one of next year
    ``sod``         the opening of the working day (``week.start``, 09:00 by default): today's
                    on a working day until it has passed, else the next working day's
    ``sow``         the opening of the first working day of next week (Monday 09:00)
    ``som``         the opening of the first working day of next month
    ``soy``         the opening of the first working day of next year
    ``next week``   the first working day of next week (Monday), at the close
    ``next month``  the first working day of next month, at the close
    ``later today`` three hours from now, but no later than today's close (after the close,
                    no later than 23:59 today); ``later`` is the same (taskwarrior's
                    "someday" is not a deadline)

Spellings of the same moments (rewritten before anything else is read, see ``_ALIASES``)
    ``cob``, ``end of day``, ``close of business`` are ``eod``; ``end of week`` is ``eow``,
    ``end of month`` ``eom``, ``end of year`` ``eoy``; ``start of day`` / ``week`` /
    ``month`` / ``year`` are ``sod`` / ``sow`` / ``som`` / ``soy``; ``tmrw``, ``tmw``,
    ``tmr`` are ``tomorrow``; ``in a fortnight`` (``fortnight``) is ``2w``.

Parts of the day
    ``morning`` is the opening of the working day (``week.start``), ``afternoon`` 13:00,
    ``evening`` 20:00, ``eod`` the close. After ``tomorrow`` or a weekday: that day then
    (``tomorrow morning``, ``fri afternoon``, ``eod fri``, ``fri eod``); after ``this`` or
    ``today``, or alone: today's, or tomorrow's once it has passed (``this afternoon``).

Weekdays
    ``mon``, ``tues``, ``thursday``... (every spelling in :data:`respond.core.worktime.WEEKDAYS`):
    the next such day strictly after today (on a Friday, ``fri`` is a week away), at the close.
    ``next fri`` is the same as ``fri``.

Times
    ``3pm``, ``3 pm``, ``3:30pm``, ``15:00``, ``09:30``, ``noon``. After ``today``,
    ``tomorrow`` or a weekday, optionally with ``at``: ``fri 3pm``, ``mon at 10am``. A time
    alone (``3pm``, ``at 15:00``) or after ``today`` is today at that time, or tomorrow at that
    time once it has passed (``9am`` at 10:00 is tomorrow 09:00, as taskwarrior's ``due:9am``).
    A time may also come first: ``2pm tomorrow``, ``noon fri``. After a day, a bare hour is
    read on the 24-hour clock from 7 to 23 (``tomorrow 9`` is 09:00, ``fri 15`` 15:00); 0 to
    6 are refused as ambiguous (3am or 3pm?).

Durations
    ``30m``, ``2h``, ``3d``, ``2w``, ``+3d``, ``in 2 days``, ``in 3 hours``, ``1 week``,
    ``in an hour``. Minutes and hours are exact: ``now + delta``. Days and weeks count
    calendar days from today's date and land on that day at the close, whether or not it is a
    working day (``3d`` on a Wednesday is Saturday 17:00; follow-up and chase times move off
    days off, see :func:`respond.core.worktime.on_workday`); ``0d`` and ``0w`` are today's
    close, and once that has passed the next day's (as ``1d``: durations never go backwards).
    Business days: ``2bd``, ``2 business days``, ``in 2 working days``: see
    :func:`respond.core.worktime.add_business_days` (the close of the n-th working day after today);
    ``0bd`` is ``eod``.

Absolute dates
    ``2026-11-25``, ``2026-11-25 14:00``, ``2026-11-25T14:00``, ``2026-11-25T14:00:00+01:00``
    (a given offset is kept as an instant and shown in local time; a date and time is read
    by :func:`respond.core.clock.iso_moment`, as ``--now`` reads it without this grammar, a
    date alone by ``dateutil``, imported only then), ``25 nov``, ``nov 25``, ``25th november``,
    ``nov 25, 2026``,
    ``25 nov 2026 3pm``, ``2026-11-25 at 3pm``. A date without a year is the next such date on
    or after today (at 25 Nov 2026, ``jan 5`` is 5 Jan 2027, ``25 nov 9am`` today at 09:00,
    ``29 feb`` the next leap day); a date with its year is as written, even if it has passed
    (for backfilling: the commands' confirmations say "already overdue"). A date without a
    time is at the close. ``18.12.`` and ``18.12.2026`` are day.month. (with the dots: the
    European way of writing it, never month.day); ``15th`` (``the 15th``) is the next 15th of a
    month, today or later.

Daylight saving time
    A wall-clock time that a DST change skips (``2026-03-29 02:30`` in Europe/Berlin) moves
    forward by the gap (03:30); one that happens twice (``2026-10-25 02:30``) is the first
    occurrence. See :func:`respond.core.clock.localize`.

Rejected, with a one-line :class:`DateError`
    empty text; bare numbers (``3``, ``2026``: days? hours? a year?); all-numeric dates other
    than year-month-day and day.month. (``01/02/2026``, ``3/4``, ``11-25-2026``: day/month
    order is ambiguous); anything outside the forms above (dateutil is only handed text
    already known to be an ISO date, so its fuzzy guesses, e.g. ``may`` = 1 May, never
    happen); invalid dates and times (``31 apr``, ``29 feb 2027``, ``25:00``, ``13pm``);
    non-ASCII or control characters; text longer than 100 characters; results that would
    not fit in a datetime.
"""

from __future__ import annotations

import re
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta, tzinfo

from respond.core.clock import (
    ISO_DATE,
    ISO_OFFSET,
    ISO_TIME,
    aware,
    has_passed,
    iso_moment,
    to_local,
)
from respond.core.dateforms import ACCEPTED_FORMS
from respond.core.errors import DateError
from respond.core.worktime import WEEKDAYS, WorkWeek, add_business_days

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing: a capture's --by)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import NoReturn

__all__ = ["ACCEPTED_FORMS", "DateError", "has_passed", "parse_when"]

TONIGHT = time(20, 0)
AFTERNOON = time(13, 0)
#: ``later today``: this many hours from now, capped at today's close.
LATER_HOURS = 3
MAX_LENGTH = 100

#: Other spellings of forms the grammar reads, rewritten (whole words) before it reads them.
_ALIASES: dict[str, str] = {
    "cob": "eod",
    "end of day": "eod",
    "end of the day": "eod",
    "close of business": "eod",
    "end of week": "eow",
    "end of the week": "eow",
    "end of month": "eom",
    "end of the month": "eom",
    "end of year": "eoy",
    "end of the year": "eoy",
    "start of day": "sod",
    "start of the day": "sod",
    "start of week": "sow",
    "start of next week": "sow",
    "start of month": "som",
    "start of next month": "som",
    "start of year": "soy",
    "start of next year": "soy",
    "tmrw": "tomorrow",
    "tmw": "tomorrow",
    "tmr": "tomorrow",
    "in a fortnight": "2w",
    "a fortnight": "2w",
    "fortnight": "2w",
    "later": "later today",
    "later today": "later today",
}
#: Parts of the day after a day (``tomorrow morning``); ``morning`` and ``eod`` depend on the
#: working week (its opening and close), so they are ``None`` here.
_PARTS: dict[str, time | None] = {
    "morning": None,
    "afternoon": AFTERNOON,
    "evening": TONIGHT,
    "eod": None,
}


_MONTHS: dict[str, int] = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}

_UNIT_NAMES: dict[str, tuple[str, ...]] = {
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "days": ("d", "day", "days"),
    "weeks": ("w", "wk", "wks", "week", "weeks"),
    "bdays": (
        "bd",
        "bds",
        "bday",
        "bdays",
        "business day",
        "business days",
        "working day",
        "working days",
        "workday",
        "workdays",
    ),
}
_UNITS: dict[str, str] = {name: unit for unit, names in _UNIT_NAMES.items() for name in names}


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))


_WEEKDAY_RE = _alternatives(WEEKDAYS)
_MONTH_RE = _alternatives(_MONTHS)
_UNIT_RE = _alternatives(_UNITS)
# Time of day, loosely: anything shaped like this is checked and gets a precise error.
_TIME_RE = r"\d{1,2}(?::\d{2})?(?:am|pm)|\d{1,2}:\d{2}|noon"
_F = re.ASCII

_PART_RE = _alternatives(_PARTS)
_DAY_RE = rf"today|tomorrow|(?:next )?(?:{_WEEKDAY_RE})"
_DAY_AND_TIME = re.compile(
    rf"(?:(?P<day>today|tomorrow|this)|(?:next )?(?P<weekday>{_WEEKDAY_RE}))"
    rf"(?: (?:at )?(?P<time>{_TIME_RE})| (?P<part>{_PART_RE})| (?:at )?(?P<hour>\d{{1,2}}))?",
    _F,
)
# "2pm tomorrow", "noon fri", "eod fri": read as "tomorrow 2pm"...
_TIME_FIRST = re.compile(
    rf"(?:at )?(?P<time>{_TIME_RE}|{_PART_RE}) (?:on )?(?P<day>{_DAY_RE})",
    _F,
)
_ALIAS = re.compile(rf"\b(?:{_alternatives(_ALIASES)})\b", _F)
_TIME_ALONE = re.compile(rf"(?:at )?(?P<time>{_TIME_RE})", _F)
_DURATION = re.compile(
    rf"(?:in |\+)?(?:(?P<n>\d+) ?|(?<=in )an? )(?P<unit>{_UNIT_RE})",
    _F,
)
_ISO = re.compile(  # (the date and time parts are clock.py's, read by clock.iso_moment)
    rf"(?P<date>{ISO_DATE})"
    r"(?:"
    rf"(?:t| )(?P<isotime>{ISO_TIME})"
    rf"(?P<offset>{ISO_OFFSET})?"
    rf"|(?: at)? (?P<time>{_TIME_RE})"
    r")?",
    _F,
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_NAMED_DATE = re.compile(
    rf"(?:(?P<d1>\d{{1,2}}){_ORDINAL} (?P<m1>{_MONTH_RE})"
    rf"|(?P<m2>{_MONTH_RE}) (?P<d2>\d{{1,2}}){_ORDINAL})"
    r"(?: (?P<year>(?:19|2[01])\d{2}))?"
    rf"(?: (?:at )?(?P<time>{_TIME_RE}))?",
    _F,
)
_ORDINAL_DAY = re.compile(
    rf"(?:(?:on )?the )?(?P<day>\d{{1,2}})(?:st|nd|rd|th)(?: (?:at )?(?P<time>{_TIME_RE}))?",
    _F,
)
_DOTTED = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|2[01])\d{2})?"
    rf"(?: (?:at )?(?P<time>{_TIME_RE}))?",
    _F,
)
# ``18.12`` without its closing dot: a day and a month (``18.12.``), or a decimal number?
_DAY_MONTH_NO_DOT = re.compile(r"(?P<day>0?[1-9]|[12]\d|3[01])\.(?P<month>0?[1-9]|1[0-2])")
_BARE_NUMBER = re.compile(r"[+-]?\d+(?:\.\d*)?", _F)
# Day/month order unknowable: 01/02/2026, 3/4, 25.11.2026, 11-25-2026 (but not 2026-...).
_NUMERIC_DATE = re.compile(
    r"\d{1,2}(?P<sep>[/.-])\d{1,2}(?:(?P=sep)\d{2,4})?(?: .*)?",
    _F,
)
_ALLOWED_CHARS = re.compile(r"[\x20-\x7e\t\n\r]*", _F)

_KEYWORDS = ("now", "today", "tonight", "tomorrow", "eod", "eow", "eom", "eoy", "sod", "sow",
             "som", "soy", "later", "later today", "next week", "next month", "this morning",
             "this afternoon", "tomorrow morning", "tomorrow afternoon", "end of day",
             "end of week", "end of month", "close of business", "in a fortnight")  # fmt: skip


def _shown(text: str) -> str:
    """The user's text, safe for a one-line message (escaped, shortened)."""
    text = text.strip()
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)


def _fail(text: str, why: str | None = None) -> NoReturn:
    if why is None:
        raise DateError(
            f"can't read {_shown(text)} as a date{_suggestion(text)}; try: {ACCEPTED_FORMS}"
        )
    raise DateError(f"can't read {_shown(text)} as a date: {why}")


def _suggestion(text: str) -> str:
    """`` (did you mean 'next week'?)`` for a phrase close to a named one, else nothing."""
    word = " ".join(text.lower().split())
    letters = word.replace(" ", "")
    if not letters.isalpha() or not letters.isascii() or not 3 <= len(word) <= 30:
        return ""
    import difflib

    days = ["today", "tomorrow", *WEEKDAYS]
    words = [
        *_KEYWORDS,
        *_ALIASES,
        *days,
        *(f"{day} {part}" for day in days for part in _PARTS),
        *(f"eod {day}" for day in days),
    ]
    match = difflib.get_close_matches(word, words, n=1, cutoff=0.75)
    return f" (did you mean {match[0]!r}?)" if match and match[0] != word else ""


def _parse_time(text: str, token: str) -> time:
    """A token matched by ``_TIME_RE`` -> a time, or DateError if out of range."""
    if token == "noon":
        return time(12, 0)
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", token, _F)
    if m is None:  # pragma: no cover - _TIME_RE and this pattern agree
        _fail(text)
    hour, minute, ampm = int(m[1]), int(m[2] or 0), m[3]
    if ampm is not None:
        if not 1 <= hour <= 12:
            _fail(text, f"{token!r} is not a time of day (with am/pm the hour is 1 to 12)")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif hour > 23:
        _fail(text, f"{token!r} is not a time of day (hours are 0 to 23)")
    if minute > 59:
        _fail(text, f"{token!r} is not a time of day (minutes are 0 to 59)")
    return time(hour, minute)


_DEFAULT_WEEK = WorkWeek()


def parse_when(
    text: str, now: datetime, week: WorkWeek = _DEFAULT_WEEK, tz: tzinfo | None = None
) -> datetime:
    """Read a date/time the way people type it (see the module docstring for the grammar).

    ``now`` must be timezone-aware. Returns an aware datetime in local time (``tz`` or the
    system zone). Raises :class:`DateError` (and nothing else) for any text it cannot read.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_when needs a timezone-aware 'now'")
    if not isinstance(text, str):
        raise DateError(f"can't read {text!r} as a date; try: {ACCEPTED_FORMS}")
    if len(text) > MAX_LENGTH:
        _fail(text, f"too long (more than {MAX_LENGTH} characters)")
    if not _ALLOWED_CHARS.fullmatch(text):
        _fail(text)
    words = text.lower().split()
    if not words:
        raise DateError(f"no date given; try: {ACCEPTED_FORMS}")
    s = " ".join(words)
    s = re.sub(r"(?<=\d) (?=(?:am|pm)\b)", "", s, flags=_F)  # "3 pm" -> "3pm"
    s = re.sub(r"(?<=\d),? ", " ", s, flags=_F)  # "nov 25, 2026" -> "nov 25 2026"
    s = _ALIAS.sub(lambda m: _ALIASES[m.group()], s)  # "end of day" -> "eod"
    if m := _TIME_FIRST.fullmatch(s):  # "2pm tomorrow" -> "tomorrow 2pm"
        s = f"{m['day']} {m['time']}"
    try:
        return _parse(text, s, to_local(now, tz), week, tz)
    except DateError:
        raise
    except (ValueError, OverflowError, OSError):
        # datetime arithmetic leaving year 1..9999, or the C library refusing a local time
        _fail(text, "outside the range of dates that can be handled")


def _at(day: date, at: time, tz: tzinfo | None) -> datetime:
    """Local wall-clock ``day`` at ``at`` -> aware local datetime."""
    return aware(datetime.combine(day, at), tz)


def _parse(text: str, s: str, now: datetime, week: WorkWeek, tz: tzinfo | None) -> datetime:
    today = now.date()
    eod = week.end

    def close(day: date) -> datetime:
        return _at(day, eod, tz)

    def upcoming(moment: datetime, then: Callable[[], datetime]) -> datetime:
        """``moment``, or the next one (``then()``) once ``moment`` has passed."""
        return then() if has_passed(moment, now) else moment

    def today_close() -> datetime:
        """Today's close; once it has passed, the next working day's."""
        return upcoming(close(today), lambda: close(week.next_workday(today)))

    def working_close() -> datetime:
        """The close of today's working day; on a day off or once it has passed, the next."""
        day = today if week.is_workday(today) else week.next_workday(today)
        return upcoming(close(day), lambda: close(week.next_workday(day)))

    def clock_time(at: time) -> datetime:
        """Today at ``at``; once that has passed, tomorrow at ``at``."""
        return upcoming(_at(today, at, tz), lambda: _at(today + timedelta(days=1), at, tz))

    if s == "now":
        return now.replace(second=0, microsecond=0)
    if s == "today":
        return today_close()
    if s == "eod":
        return working_close()
    if s == "tonight":
        return clock_time(TONIGHT)
    if s == "eow":
        last = _end_of_week(today, week)
        return upcoming(close(last), lambda: close(last + timedelta(weeks=1)))
    if s == "eom":
        last = _end_of_month(today, week)
        return upcoming(close(last), lambda: close(_end_of_month(last + timedelta(1), week)))
    if s == "eoy":
        last = _last_workday_before(date(today.year + 1, 1, 1), week)
        return upcoming(
            close(last), lambda: close(_last_workday_before(date(today.year + 2, 1, 1), week))
        )
    if s == "sod":
        day = today if week.is_workday(today) else week.next_workday(today)
        return upcoming(
            _at(day, week.start, tz), lambda: _at(week.next_workday(day), week.start, tz)
        )
    if s in ("next week", "sow"):
        monday = today + timedelta(days=7 - today.weekday())
        first = _first_workday_from(monday, week)
        return _at(first, week.start, tz) if s == "sow" else close(first)
    if s in ("next month", "som"):
        first = _first_workday_from(
            date(today.year + today.month // 12, today.month % 12 + 1, 1), week
        )
        return _at(first, week.start, tz) if s == "som" else close(first)
    if s == "soy":
        return _at(_first_workday_from(date(today.year + 1, 1, 1), week), week.start, tz)
    if s == "later today":
        soon = to_local(now.astimezone(UTC) + timedelta(hours=LATER_HOURS), tz)
        cap = close(today)
        if has_passed(cap, now):
            cap = _at(today, time(23, 59), tz)
        return min(soon, cap)
    if s in _PARTS:  # "afternoon" alone is this afternoon
        s = f"this {s}"

    if m := _DAY_AND_TIME.fullmatch(s):
        if m["day"] == "this" and not m["part"]:  # this morning, not this 3pm
            _fail(text)
        if m["time"]:
            at = _parse_time(text, m["time"])
        elif m["part"]:
            at = _PARTS[m["part"]] or (week.start if m["part"] == "morning" else eod)
        elif m["hour"]:
            at = _bare_hour(text, m["hour"])
        else:
            at = eod
        if m["day"] == "today" and m["part"] == "eod":
            return today_close()
        if m["day"] in ("today", "this"):
            return clock_time(at)
        if m["day"] == "tomorrow":
            return _at(today + timedelta(days=1), at, tz)
        ahead = (WEEKDAYS[m["weekday"]] - today.weekday() - 1) % 7 + 1
        return _at(today + timedelta(days=ahead), at, tz)

    if m := _TIME_ALONE.fullmatch(s):
        return clock_time(_parse_time(text, m["time"]))

    if m := _DURATION.fullmatch(s):
        n = int(m["n"]) if m["n"] else 1
        unit = _UNITS[m["unit"]]
        if unit in ("minutes", "hours"):
            # Elapsed time, counted in UTC so that a DST change in between is honoured.
            return to_local(now.astimezone(UTC) + timedelta(**{unit: n}), tz)
        if n == 0:  # 0d, 0w: today's close, once passed tomorrow's (as 1d); 0bd: eod
            if unit == "bdays":
                return working_close()
            return upcoming(close(today), lambda: close(today + timedelta(days=1)))
        if unit == "days":
            return close(today + timedelta(days=n))
        if unit == "weeks":
            return close(today + timedelta(weeks=n))
        return add_business_days(now, n, week, tz)

    if m := _ISO.fullmatch(s):
        return _parse_iso(text, m, week, tz)

    if m := _NAMED_DATE.fullmatch(s):
        month_name = m["m1"] or m["m2"]
        number = int(m["d1"] or m["d2"])
        return _calendar_day(text, number, _MONTHS[month_name], month_name, m, today, week, tz)

    if m := _DOTTED.fullmatch(s):
        month = int(m["month"])
        if not 1 <= month <= 12:
            _fail(text, f"there is no month {month} (18.12. is the 18th of December)")
        name = _MONTH_NAMES[month - 1]
        return _calendar_day(text, int(m["day"]), month, name, m, today, week, tz)

    if m := _ORDINAL_DAY.fullmatch(s):
        return _next_day_of_month(text, int(m["day"]), m["time"], today, week, tz)

    if m := _DAY_MONTH_NO_DOT.fullmatch(s):
        dotted = f"{m['day']}.{m['month']}."
        _fail(
            text, f"did you mean {dotted} (day.month.)? a bare number is ambiguous (days? hours?)"
        )
    if _BARE_NUMBER.fullmatch(s):
        _fail(
            text,
            "a bare number is ambiguous (days? hours? a day of the month?); "
            "write e.g. 3d, 3h, 3pm or 3 nov",
        )
    if _NUMERIC_DATE.fullmatch(s):
        _fail(
            text,
            "all-numeric dates are ambiguous (is 01/02 the 1st of February or January 2nd?); "
            "write year-month-day like 2026-11-25, or use a month name like 25 nov",
        )
    _fail(text)


def _end_of_week(today: date, week: WorkWeek) -> date:
    """The last working day of the Monday-to-Sunday week holding ``today``, or of the next
    week once this week's are behind us."""
    monday = today - timedelta(days=today.weekday())
    last = monday + timedelta(days=max(week.days))
    if last < today:
        last += timedelta(weeks=1)
    return last


def _last_workday_of_month(year: int, month: int, week: WorkWeek) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    day = first_of_next - timedelta(days=1)
    while not week.is_workday(day):
        day -= timedelta(days=1)
    return day


def _end_of_month(today: date, week: WorkWeek) -> date:
    """The last working day of ``today``'s month, or of the next month once it is behind us."""
    last = _last_workday_of_month(today.year, today.month, week)
    if last < today:
        last = _last_workday_of_month(today.year + today.month // 12, today.month % 12 + 1, week)
    return last


def _parse_iso(text: str, m: re.Match[str], week: WorkWeek, tz: tzinfo | None) -> datetime:
    try:
        if m["isotime"]:  # a date and time: the one rule --now reads without this grammar
            moment = iso_moment(f"{m['date']}T{m['isotime']}{m['offset'] or ''}", tz)
            assert moment is not None  # (the same pattern matched)
            return moment
        from dateutil.parser import isoparse

        parsed = isoparse(m["date"])
    except (ValueError, OverflowError):
        _fail(text, f"{m['date']} is not a valid date or time")
    if m["time"]:
        return _at(parsed.date(), _parse_time(text, m["time"]), tz)
    return _at(parsed.date(), week.end, tz)


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _calendar_day(
    text: str,
    day: int,
    month: int,
    month_name: str,
    m: re.Match[str],
    today: date,
    week: WorkWeek,
    tz: tzinfo | None,
) -> datetime:
    """``25 nov [2026] [3pm]``, ``25.11.[2026] [3pm]``. Without a year: the next such date on
    or after today (so on 25 Nov, ``25 nov 9am`` is today even after 09:00, and ``29 feb`` the
    next leap day)."""
    at = _parse_time(text, m["time"]) if m["time"] else week.end
    if m["year"]:
        years = [int(m["year"])]
    else:  # any valid day of the month comes round within 8 years (29 Feb 2096 -> 2104)
        years = list(range(today.year, min(today.year + 9, MAXYEAR + 1)))
    for year in years:
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if m["year"] or found >= today:
            return _at(found, at, tz)
    if m["year"] or not _exists(month, day):
        _fail(text, f"there is no {day} {month_name}" + (f" {m['year']}" if m["year"] else ""))
    _fail(text, "outside the range of dates that can be handled")


def _next_day_of_month(
    text: str, day: int, at_text: str | None, today: date, week: WorkWeek, tz: tzinfo | None
) -> datetime:
    """``15th [3pm]``: the next 15th of a month, today or later (the 31st skips short months)."""
    if not 1 <= day <= 31:
        _fail(text, f"no month has a day {day}")
    at = _parse_time(text, at_text) if at_text else week.end
    year, month = today.year, today.month
    for _ in range(3):  # a 31st is at most two months away
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        if found is not None and found >= today:
            return _at(found, at, tz)
        year, month = year + month // 12, month % 12 + 1
    raise AssertionError("unreachable: every day of the month comes round in three months")


def _bare_hour(text: str, token: str) -> time:
    """A bare hour after a day (``tomorrow 9``): 7 to 23 on the 24-hour clock."""
    hour = int(token)
    if 7 <= hour <= 23:
        return time(hour, 0)
    if hour < 7:
        _fail(text, f"a bare {hour} could be {hour or 12}am or {hour or 12}pm: write which")
    _fail(text, f"{token!r} is not a time of day (hours are 0 to 23)")


def _first_workday_from(day: date, week: WorkWeek) -> date:
    """``day`` if it is a working day, else the next one."""
    return day if week.is_workday(day) else week.next_workday(day)


def _last_workday_before(day: date, week: WorkWeek) -> date:
    """The last working day strictly before ``day``."""
    day -= timedelta(days=1)
    while not week.is_workday(day):
        day -= timedelta(days=1)
    return day


def _exists(month: int, day: int) -> bool:
    """Whether some year has this day of the month (2000 was a leap year)."""
    try:
        date(2000, month, day)
    except ValueError:
        return False
    return True

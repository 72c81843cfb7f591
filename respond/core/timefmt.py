"""Human forms of times and durations ("Fri 17:00", "2h", "3 days"). Pure, stdlib only."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from respond.core.clock import has_passed, to_local


def when(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """A due time as people say it: ``today 17:00``, ``tomorrow 09:30``, ``Fri 17:00`` (within
    the coming week), ``Mon 7 Dec 17:00``, and with the year when it is not this year:
    ``Tue 5 Jan 2027 17:00`` (even within the coming week)."""
    local = to_local(moment, tz)
    today = to_local(now, tz).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if days == -1:
        return f"yesterday {clock}"
    if 1 < days < 7 and local.year == today.year:
        return f"{local:%a} {clock}"
    return f"{_date(local.date(), today)} {clock}"


def due(moment: datetime | None, now: datetime, tz: tzinfo | None = None) -> str:
    """A due time in a confirmation: as :func:`when` says it, or ``no due time``."""
    return "no due time" if moment is None else when(moment, now, tz)


def due_set(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """A due time just set, in a confirmation: one that has already passed (a backfilled date)
    says so, e.g. ``Fri 20 Nov 17:00 (already overdue)``."""
    shown = when(moment, now, tz)
    return f"{shown} (already overdue)" if has_passed(moment, now) else shown


#: Dates further back than this show their year even within the current year: typed without a
#: year, ``1 jan`` means the *next* 1 January, so a bare ``Thu 1 Jan`` in November would read
#: as the coming one.
RECENT_PAST_DAYS = 90


def _date(d: date, today: date) -> str:
    """``Mon 7 Dec``; with the year outside the current year (``Tue 5 Jan 2027``) and for dates
    more than :data:`RECENT_PAST_DAYS` back (``Thu 1 Jan 2026``): every date shown."""
    shown = f"{d:%a} {d.day} {d:%b}"
    recent = d.year == today.year and (today - d).days <= RECENT_PAST_DAYS
    return shown if recent else f"{shown} {d.year}"


def span(delta: timedelta) -> str:
    """A compact length of time: ``<1m``, ``45m``, ``2h``, ``3 days``, ``2 weeks``."""
    seconds = abs(delta.total_seconds())
    minutes = int(seconds // 60)
    if minutes == 0:
        return "<1m"
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days} day" if days == 1 else f"{days} days"
    weeks = days // 7
    return f"{weeks} weeks"


#: Lateness under this many hours reads in hours (``40h late``); from it on, in days.
LATE_IN_HOURS = 48


def late(due: datetime, now: datetime) -> str:
    """``3h late``: how long ago a due time passed, the one wording for it in every view.
    Rounded to the nearest: minutes under an hour (``45m late``), hours under
    :data:`LATE_IN_HOURS` (39h40m is ``40h late``), then days (60h is ``3 days late``)."""
    seconds = abs((now - due).total_seconds())
    if seconds < 60:
        return "<1m late"
    minutes = int(seconds / 60 + 0.5)
    if minutes < 60:
        return f"{minutes}m late"
    if seconds < LATE_IN_HOURS * 3600:
        return f"{int(seconds / 3600 + 0.5)}h late"
    return f"{int(seconds / 86400 + 0.5)} days late"


def day(moment: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """A date as people say it: ``today``, ``yesterday``, ``Mon 23 Nov``, ``Sun 23 Nov 2025``."""
    local = to_local(moment, tz).date()
    today = to_local(now, tz).date()
    days = (local - today).days
    if days == 0:
        return "today"
    if days == -1:
        return "yesterday"
    if days == 1:
        return "tomorrow"
    return _date(local, today)


def ago(moment: datetime, now: datetime) -> str:
    """``2h ago``, ``3 days ago`` (``just now`` under a minute)."""
    delta = now - moment
    if delta < timedelta(minutes=1):
        return "just now"
    return f"{span(delta)} ago"

"""The rules of the weekly score cache: what a change can affect, and what a week needs. Pure.

``respond week`` shows every finished week (strength and streaks smooth over all of them), and
computing them all means reading every item. A finished week's tallies (:data:`Tally`: kept
and checks per habit) are kept instead (:mod:`respond.storage.scorecache` keeps them in a file
beside the database) and recomputed only when a change can affect them. This module holds the
two rules that make that exact, both read off :func:`respond.core.history.timeline` and
:mod:`respond.core.scoring`:

**Bounds of a decision.** Every check belongs to one item (a loop check to the waiting item) and
is decided at one of that item's times: its creation (thanks), an event's time (``at``: kept
when acknowledged, done...), a deadline stored in an event (``due`` of ``created``, ``promised``
and corrections, ``to`` of ``snoozed``) or a day's grace after one (follow-ups: the next working
day's close; loop checks: a working day after the answer, itself an event time of the waiting
item). So a check is decided

* no earlier than the earliest of its item's times (:func:`earliest_time`), and
* no later than :data:`GRACE` after the latest of them (one working day after any time is at
  most 8 days away, with a single working day a week).

A loop check also reads the ask it serves (``for_id``): whether it is there (created by
``now``) and when it was closed, but it is still decided at or after the answer (the waiting
item's ``done``), so its bounds are the waiting item's.

**What a change affects** (:func:`earliest_affected`). A commit that changes items can change
only the checks of those items (their before- and after-images) and the loop checks of the
waiting items that serve them. All of those are decided no earlier than the earliest time of
those records, so every week from that time's week on must be recomputed, and no earlier week
can change. A change that scoring does not read is left out (:func:`score_neutral`): a title,
person, note, tag or channel, a new reminder time (``edit --by`` that is not a correction),
which append only a plain ``edited`` event. Besides the tallies, scores read when the first item
was created (gratitude is scored from its week on): a change at or before that time makes
:func:`invalidate` read it again (:func:`first_created`); no tally changes for it.

Time itself is the third input: only events at or before ``now`` count, and only items created
by then. Finished weeks computed at ``now`` stay right at any later time, except where a record
holds a time after ``now`` (``--now`` in the past, or imported future dates): :func:`futures`
finds those, and the cache is invalidated from their earliest affected time once ``now``
passes the first of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from respond.core.clock import from_iso, to_local

if TYPE_CHECKING:  # every commit uses the rules above; only readers need scoring
    from respond.core.calendar import Calendar
    from respond.core.model import Item
    from respond.core.scoring import Known, Tally

CACHE_VERSION = 1  # raise when what is cached or how it is computed changes
# The latest a check is decided after its item's latest time: one working day (to its close)
# after a time is at most 8 days away (one working day a week), plus a day for daylight saving
# and the day's length.
GRACE = timedelta(days=9)
# Text comparisons of stored times (UTC ISO 8601, so text order is time order) are made on
# the date with this much slack, so that a time stored with another offset is never missed.
_SLACK = timedelta(days=2)
# The keys of event data that scoring reads as times (history.timeline): if it reads another,
# add it here.
EVENT_TIMES = ("at", "due", "to")
# "From the beginning": an unreadable time could be any time.
EVERYTHING = datetime.min.replace(tzinfo=UTC)
# Events that change nothing scoring reads, when appended as they are written by ``edit`` of
# a title, person, note, tags, channel or reminder time (``people rename`` too).
_NEUTRAL_EVENTS = frozenset({"edited"})
# Record fields scoring reads (besides history): whether the item is there, its kind, when it
# was created, and the item it serves.
_SCORED_FIELDS = ("kind", "created", "for_id")


def _times(record: Mapping[str, Any]) -> Iterator[Any]:
    """Every time a record holds that scoring may read (as stored: text, or damage)."""
    yield record.get("created")
    yield record.get("due")
    history = record.get("history")
    if not isinstance(history, list):
        yield history
        return
    for event in history:
        if not isinstance(event, dict):
            yield event
            continue
        for key in EVENT_TIMES:
            yield event.get(key)


def earliest_time(records: Iterable[Mapping[str, Any]]) -> datetime | None:
    """The earliest time any of ``records`` holds; :data:`EVERYTHING` if one is unreadable;
    ``None`` for no records."""
    found: datetime | None = None
    for record in records:
        for value in _times(record):
            if value is None:
                continue
            try:
                moment = from_iso(value).astimezone(UTC) if isinstance(value, str) else None
            except (ValueError, OverflowError):
                moment = None
            if moment is None:
                return EVERYTHING
            if found is None or moment < found:
                found = moment
    return found


def score_neutral(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether changing ``before`` into ``after`` changes nothing scoring reads: the same kind,
    creation and ``for_id``, and the same history with only plain ``edited`` events appended
    (no correction). Appended events never change how the earlier ones read (an ``undone``
    takes back only what came before it)."""
    if any(before.get(key) != after.get(key) for key in _SCORED_FIELDS):
        return False
    old, new = before.get("history"), after.get("history")
    if not isinstance(old, list) or not isinstance(new, list) or len(new) < len(old):
        return False
    if new[: len(old)] != old:
        return False
    return all(
        isinstance(event, dict)
        and event.get("event") in _NEUTRAL_EVENTS
        and "corrects" not in event
        and "due" not in event
        for event in new[len(old) :]
    )


def _item_id(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() else None


def earliest_affected(
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    touched: Iterable[str],
    fresh_from: int | None = None,
) -> datetime | None:
    """The earliest time from which a change can alter any check: the earliest time of the
    changed records, before and after (``before``, ``after``: every record by key, as stored,
    around the change; ``touched``: the keys that differ), and of the waiting items that serve
    a changed one (they read it). ``None`` when nothing scoring reads changed.

    IDs from ``fresh_from`` on were never used before the change (the next ID), so nothing
    can point at them and looking for what serves them is skipped."""
    changed: list[Mapping[str, Any]] = []
    served: set[int] = set()
    for key in touched:
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and score_neutral(old, new):
            continue
        changed.extend(record for record in (old, new) if record is not None)
        item_id = _item_id(key)
        if item_id is not None and (fresh_from is None or item_id < fresh_from or old is not None):
            served.add(item_id)
    if not changed:
        return None
    if served:
        changed.extend(record for record in after.values() if record.get("for_id") in served)
    return earliest_time(changed)


def _threshold(moment: datetime) -> str:
    """A text bound for stored times: every time at or after ``moment``, with any offset, is
    at or after it as text (the date, :data:`_SLACK` earlier)."""
    return (moment.astimezone(UTC) - _SLACK).date().isoformat()


def _reaches(record: Mapping[str, Any], bound: str) -> bool:
    """Whether any time in ``record`` (those of :func:`_times`) is at or after ``bound`` as
    text; damage counts as recent, so that building the item reports it. Written out rather
    than over :func:`_times`: it runs over every record (10 ms per 10,000 against 16)."""
    created = record.get("created")
    if type(created) is not str or created >= bound:
        return True
    due = record.get("due")
    if due is not None and (type(due) is not str or due >= bound):
        return True
    history = record.get("history")
    if type(history) is not list:
        return history is not None
    for event in history:
        if type(event) is not dict:
            return True
        for key in EVENT_TIMES:
            value = event.get(key)
            if value is not None and (type(value) is not str or value >= bound):
                return True
    return False


def needed(table: Mapping[str, Mapping[str, Any]], since: datetime | None) -> list[str]:
    """The keys of the records needed to compute every check decided at or after ``since``
    (all of them for ``None``): those holding a time no more than :data:`GRACE` before it,
    and the items those serve (a loop check reads the ask)."""
    if since is None:
        return list(table)
    bound = _threshold(since - GRACE)
    chosen = {key: record for key, record in table.items() if _reaches(record, bound)}
    for record in list(chosen.values()):
        target = record.get("for_id")
        if isinstance(target, int) and str(target) in table:
            chosen.setdefault(str(target), table[str(target)])
    return list(chosen)


def futures(
    table: Mapping[str, Mapping[str, Any]], keys: Iterable[str], now: datetime
) -> tuple[datetime, datetime] | None:
    """Among the records ``keys`` names, those created after ``now`` or with an event after
    it, which count only once ``now`` passes them: ``(the first such time, the earliest time
    they affect)``, or ``None``. Records not in :func:`needed` for a ``since`` at or before
    ``now`` hold no such time, so ``keys`` may be those."""
    limit = now.astimezone(UTC)
    bound = _threshold(limit)
    first: datetime | None = None
    found: list[str] = []
    for key in keys:
        record = table[key]
        history = record.get("history")
        events = history if isinstance(history, list) else []
        stamps = [record.get("created")]
        stamps.extend(event.get("at") for event in events if isinstance(event, dict))
        for value in stamps:
            if not isinstance(value, str) or value < bound:
                continue
            try:
                moment = from_iso(value).astimezone(UTC)
            except (ValueError, OverflowError):
                continue  # an unreadable time never counts (and a bad created is damage)
            if moment > limit:
                found.append(key)
                first = moment if first is None else min(first, moment)
    if first is None:
        return None
    affected = earliest_affected({}, table, found)
    return first, affected if affected is not None else first


# -- what is known ------------------------------------------------------------------------


def fingerprint(calendar: Calendar, zone: str) -> str:
    """What cached tallies depend on besides the items: the calendar's working week (grace and
    relay days), first weekday and local zone (its name, given by the caller, and its offsets in
    winter and summer), and the cache's version. The SLA settings are not in it
    (an ask's respond-by time is stored when it is added), nor the gratitude goal (applied to
    the tally afterwards)."""
    week, tz = calendar.week, calendar.tz
    days = ",".join(str(day) for day in sorted(week.days))
    offsets = ",".join(
        str(to_local(datetime(2026, month, 1, 12, tzinfo=UTC), tz).utcoffset()) for month in (1, 7)
    )
    return (
        f"v{CACHE_VERSION}|days {days}|{week.start:%H:%M}-{week.end:%H:%M}"
        f"|start {calendar.first_weekday}|zone {zone}|{offsets}"
    )


def invalidate(
    known: Known,
    moment: datetime,
    first: Callable[[], datetime | None],
    calendar: Calendar,
) -> Known | None:
    """``known`` without the weeks (of ``calendar``) a change from ``moment`` on can affect
    (``None`` when none is left). A change at or before the first item's creation may have
    changed which item is the first (which weeks score gratitude), though no tally before
    ``moment``: ``first()`` then gives it as it is now."""
    from respond.core.scoring import Known, week_of

    first_created = known.first_created
    if first_created is None or moment <= first_created:
        first_created = first()
    try:
        week = week_of(moment, calendar)
    except (OverflowError, ValueError):
        return None
    until = min(known.until, week)
    kept = {day: tally for day, tally in known.tallies.items() if day < until}
    return Known(until, kept, first_created)


def first_created(table: Mapping[str, Mapping[str, Any]], now: datetime) -> datetime | None:
    """When the first item created by ``now`` was created (records as stored)."""
    limit = now.astimezone(UTC)
    stored = limit.isoformat(timespec="seconds")
    best: datetime | None = None
    best_text: str | None = None
    for record in table.values():
        created = record.get("created")
        if type(created) is not str:
            continue  # damage, which building the item reports
        if len(created) == 25 and created.endswith("+00:00"):  # the storage form: as text
            if created <= stored and (best_text is None or created < best_text):
                best_text = created
            continue
        try:
            moment = from_iso(created).astimezone(UTC)
        except (ValueError, OverflowError):
            continue
        if moment <= limit and (best is None or moment < best):
            best = moment
    if best_text is not None:
        moment = from_iso(best_text)
        best = moment if best is None else min(best, moment)
    return best


def extend(
    known: Known | None,
    items: Iterable[Item],
    now: datetime,
    calendar: Calendar,
) -> Known:
    """What is known through the current week of ``calendar``: ``known`` and the weeks after
    it, counted from ``items`` (all of them when ``known`` is ``None``; otherwise at least those
    :func:`needed` for the first week it lacks)."""
    from respond.core.scoring import Known, week_tallies

    present = [item for item in items if item.created <= now.astimezone(UTC)]
    current = calendar.this_week(now)
    if known is None:
        first = min((item.created for item in present), default=None)
        since: date | None = None
        tallies: dict[date, Tally] = {}
    else:
        first, since = known.first_created, known.until
        tallies = {day: tally for day, tally in known.tallies.items() if day < since}
    tallies.update(week_tallies(present, now, calendar, since=since))
    return Known(current + timedelta(days=7), tallies, first)


def finished(known: Known, now: datetime, calendar: Calendar) -> Known:
    """``known`` without the current week (and anything after it): what may be kept."""
    from respond.core.scoring import Known

    current = calendar.this_week(now)
    until = min(known.until, current)
    return Known(
        until,
        {day: tally for day, tally in known.tallies.items() if day < until},
        known.first_created,
    )

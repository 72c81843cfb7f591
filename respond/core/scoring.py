"""Weekly habit scores, streaks and habit strength, computed from item history. Pure core.

Five habits, each scored 0-100 per week, or ``None`` (shown as n/a) when the week held nothing
to score. Every scorable thing is a :class:`Check`, kept or missed, *decided* at one instant:
the moment you kept it, or the moment its deadline passed without it being kept. A check
counts in the week (local time, weeks starting on the calendar's first weekday, see
:class:`respond.core.calendar.Calendar`) in which it was decided. A deadline passes as in every
command (:func:`respond.core.due.is_overdue`): a check due at 14:00 is missed from 14:00:01.
Nothing undecided is scored: an open item whose deadline is still ahead does not count yet.
An item dropped before its deadline is not scored at all; once its deadline has passed it was
missed. Only events at or before ``now`` count, and undone events never count (see
:mod:`respond.core.history`).

* **prompt reply** (asks): kept when the ask was acknowledged or done by its respond-by time,
  the due time recorded when it was added (from the channel's SLA or ``--by``).
* **word kept** (promises, and the time promised when acknowledging an ask): kept when the
  item is done by the promised time. Promising a new time *before* the old one passed
  renegotiates (the old promise is not scored); a promise whose time passed first is broken.
  ``snooze`` and ``edit --by`` move your reminder, not what you told the person, except an
  ``edit --by`` that corrects a typo right after adding the item (see
  :func:`respond.core.history.corrects_deadline`), which replaces the deadline scored here and in
  prompt reply and follow-up.
* **follow-up** (follow-ups): kept when done within a grace day of the due time. A snooze made
  before the follow-up was late reschedules it (it is your own check-in, not a promise).
* **loop closed** (waiting items ``--for`` an ask): once the answer came (the waiting item is
  done), kept when the ask it served is done within one business day; missed when that day
  passes first. An ask closed before the answer came has nothing to relay and is not scored.
* **gratitude**: thanks logged that week against ``Settings.gratitude_goal`` (3), capped at
  100. Scored in every week from the one holding your first item on.

The **overall** score is the mean of the habits that are not n/a, and n/a itself until the
week has decided a check of a habit other than gratitude (:func:`overall_score`): gratitude
alone is a tally of the week so far, so on a Monday morning it would read "overall 0".
**Habit strength** smooths the weekly scores the way Loop Habit Tracker smooths its checkmarks
(``Score.compute``): ``strength = previous * m + score * (1 - m)`` with
``m = 0.5 ** (sqrt(frequency) / 13)``. Loop
steps once a day; a once-a-week habit has frequency 1/7, so one week is seven such steps:
``m = 0.5 ** (7 * sqrt(1/7) / 13) = 0.5 ** (sqrt(7) / 13) ≈ 0.868``, a half-life of about 4.9
weeks. Strength starts at 0, n/a weeks leave it unchanged (Loop's skip), and it covers
completed weeks only, so it does not sag every Monday morning. A **streak** counts consecutive
weeks scoring 80 or more, back from last week (plus this week once it reaches 80); n/a weeks
neither break nor extend it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from respond.core.clock import from_iso, localize, to_utc_iso
from respond.core.due import is_overdue
from respond.core.history import Timeline, timeline
from respond.core.model import Item
from respond.core.settings import Settings
from respond.core.value import Value

if TYPE_CHECKING:
    from respond.core.calendar import Calendar

HABITS: tuple[str, ...] = ("reply", "word", "followup", "loop", "gratitude")
HABIT_LABELS: dict[str, str] = {
    "reply": "prompt reply",
    "word": "word kept",
    "followup": "follow-up",
    "loop": "loop closed",
    "gratitude": "gratitude",
}
GOOD_SCORE = 80
SPARK_WEEKS = 8
STRENGTH_MULTIPLIER = 0.5 ** (math.sqrt(7) / 13)
FOLLOW_UP_GRACE_BUSINESS_DAYS = 1
RELAY_BUSINESS_DAYS = 1


class Check(Value):
    """One scorable thing: kept or missed, decided at ``at``."""

    __slots__ = ("habit", "item_id", "person", "at", "kept")  # noqa: RUF023 (field order)
    habit: str
    item_id: int
    person: str
    at: datetime
    kept: bool

    def __init__(self, habit: str, item_id: int, person: str, at: datetime, kept: bool) -> None:
        object.__setattr__(self, "habit", habit)
        object.__setattr__(self, "item_id", item_id)
        object.__setattr__(self, "person", person)
        object.__setattr__(self, "at", at)
        object.__setattr__(self, "kept", kept)


class HabitWeek(Value):
    """One habit in one week: ``kept`` of ``total`` (gratitude: thanks of goal)."""

    __slots__ = ("kept", "total", "score")  # noqa: RUF023 (field order)
    kept: int
    total: int
    score: int | None

    def __init__(self, kept: int, total: int, score: int | None) -> None:
        object.__setattr__(self, "kept", kept)
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "score", score)


class WeekScore(Value):
    """One week's scores: each habit's and the overall one."""

    __slots__ = ("start", "habits", "overall")  # noqa: RUF023 (field order)
    start: date  # the local date the week starts on
    habits: dict[str, HabitWeek]
    overall: int | None

    def __init__(self, start: date, habits: dict[str, HabitWeek], overall: int | None) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "habits", habits)
        object.__setattr__(self, "overall", overall)

    @property
    def last_day(self) -> date:
        return self.start + timedelta(days=6)


class HabitSummary(Value):
    """One habit on the scorecard."""

    __slots__ = ("habit", "label", "week", "last_week", "streak", "strength", "spark")  # noqa: RUF023 (field order)
    habit: str
    label: str
    week: HabitWeek
    last_week: HabitWeek
    streak: int
    strength: int | None
    spark: list[int | None]

    def __init__(
        self,
        habit: str,
        label: str,
        week: HabitWeek,
        last_week: HabitWeek,
        streak: int,
        strength: int | None,
        spark: list[int | None],
    ) -> None:
        object.__setattr__(self, "habit", habit)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "last_week", last_week)
        object.__setattr__(self, "streak", streak)
        object.__setattr__(self, "strength", strength)
        object.__setattr__(self, "spark", spark)


class Scorecard(Value):
    """What ``respond week`` shows."""

    __slots__ = (  # noqa: RUF023 (field order)
        "now",
        "calendar",
        "weeks",
        "habits",
        "overall",
        "last_overall",
        "change",
        "overall_streak",
        "overall_strength",
        "spark",
    )
    now: datetime
    calendar: Calendar  # the weeks' zone and first weekday
    weeks: list[WeekScore]  # oldest first; the last is the current week (so far)
    habits: list[HabitSummary]
    overall: int | None
    last_overall: int | None
    change: int | None
    overall_streak: int
    overall_strength: int | None
    spark: list[int | None]

    def __init__(
        self,
        now: datetime,
        calendar: Calendar,
        weeks: list[WeekScore],
        habits: list[HabitSummary],
        overall: int | None,
        last_overall: int | None,
        change: int | None,
        overall_streak: int,
        overall_strength: int | None,
        spark: list[int | None],
    ) -> None:
        object.__setattr__(self, "now", now)
        object.__setattr__(self, "calendar", calendar)
        object.__setattr__(self, "weeks", weeks)
        object.__setattr__(self, "habits", habits)
        object.__setattr__(self, "overall", overall)
        object.__setattr__(self, "last_overall", last_overall)
        object.__setattr__(self, "change", change)
        object.__setattr__(self, "overall_streak", overall_streak)
        object.__setattr__(self, "overall_strength", overall_strength)
        object.__setattr__(self, "spark", spark)

    @property
    def current(self) -> WeekScore:
        return self.weeks[-1]


# -- checks -------------------------------------------------------------------------------


def _decide(
    kept_at: datetime | None,
    deadline: datetime,
    now: datetime,
    dropped_at: datetime | None,
) -> tuple[datetime, bool] | None:
    """Kept at ``kept_at`` if by the deadline (not overdue then: the deadline's own second
    counts); missed at the deadline once it is overdue (:func:`respond.core.due.is_overdue`, as in
    every command), unless the item was dropped before it; otherwise undecided (``None``)."""
    if kept_at is not None and not is_overdue(deadline, kept_at):
        return kept_at, True
    if not is_overdue(deadline, now) or (dropped_at is not None and dropped_at < deadline):
        return None
    return deadline, False


def _done_at(line: Timeline) -> datetime | None:
    return line.closed_at if line.status == "done" else None


def _dropped_at(line: Timeline) -> datetime | None:
    return line.closed_at if line.status == "dropped" else None


def _reply(item: Item, line: Timeline, now: datetime) -> list[Check]:
    if line.created_due is None:
        return []
    decided = _decide(line.first_response, line.created_due, now, _dropped_at(line))
    return [] if decided is None else [Check("reply", item.id, item.person, *decided)]


def _word(item: Item, line: Timeline, now: datetime) -> list[Check]:
    promises = line.promises or []
    found: list[Check] = []
    for index, (_, due) in enumerate(promises):
        if index + 1 < len(promises):
            renewed_at = promises[index + 1][0]
            if is_overdue(due, renewed_at):  # the time passed before a new one was promised
                found.append(Check("word", item.id, item.person, due, False))
            continue
        decided = _decide(_done_at(line), due, now, _dropped_at(line))
        if decided is not None:
            found.append(Check("word", item.id, item.person, *decided))
    return found


def _follow_up(item: Item, line: Timeline, now: datetime, calendar: Calendar) -> list[Check]:
    from respond.core.worktime import add_business_days

    def grace(due: datetime) -> datetime:  # the grace day is the next working day, to its close
        return add_business_days(due, FOLLOW_UP_GRACE_BUSINESS_DAYS, calendar.week, calendar.tz)

    if line.created_due is None:
        return []
    deadline = grace(line.created_due)
    for snoozed_at, target in line.snoozes or []:
        if snoozed_at <= deadline:  # rescheduled before it was late
            deadline = grace(target)
    decided = _decide(_done_at(line), deadline, now, _dropped_at(line))
    return [] if decided is None else [Check("followup", item.id, item.person, *decided)]


def _loop(
    item: Item,
    line: Timeline,
    served: Timeline | None,
    now: datetime,
    calendar: Calendar,
) -> list[Check]:
    from respond.core.worktime import add_business_days

    answered = _done_at(line)
    if answered is None or served is None:
        return []
    if served.closed_at is not None and served.closed_at < answered:
        return []  # the ask was closed before the answer came: nothing to relay
    deadline = add_business_days(answered, RELAY_BUSINESS_DAYS, calendar.week, calendar.tz)
    decided = _decide(_done_at(served), deadline, now, _dropped_at(served))
    return [] if decided is None else [Check("loop", item.id, item.person, *decided)]


def _settled_before(item: Item, since: str) -> bool:
    """Whether ``item`` is closed and its last event is before ``since`` (UTC ISO). Every check
    of such an item was decided at or before its last event (kept at a response or missed at a
    deadline that passed before it was closed), so it cannot count on or after ``since``."""
    if item.is_open or not item.history:
        return False
    last = item.history[-1].get("at")
    if not isinstance(last, str):
        return False
    if len(last) == len(since) and last.endswith("+00:00"):  # the storage form: compare text
        return last < since
    try:
        return from_iso(last).astimezone(UTC).isoformat(timespec="seconds") < since
    except ValueError:
        return False


def checks(
    items: Iterable[Item],
    now: datetime,
    calendar: Calendar,
    since: datetime | None = None,
) -> list[Check]:
    """Every decided check in ``items`` as of ``now`` (grace and relay days are working days
    of ``calendar``). With ``since``, checks decided before
    it may be left out (items settled before it are skipped without reading their history)."""
    now = now.astimezone(UTC)  # one zone object: comparisons with stored times stay cheap
    present = [item for item in items if item.created <= now]
    by_id = {item.id: item for item in present}
    lines: dict[int, Timeline] = {}
    cutoff = to_utc_iso(since) if since is not None else None

    def line_of(item: Item) -> Timeline:
        found = lines.get(item.id)
        if found is None:
            found = lines[item.id] = timeline(item.history, now)
        return found

    found: list[Check] = []
    for item in present:
        kind = item.kind
        # (a loop check depends on the served ask too, so waiting items are always read)
        loop = kind == "waiting" and item.for_id is not None
        if cutoff is not None and not loop and _settled_before(item, cutoff):
            continue
        if kind == "thanks":
            if line_of(item).status == "done":
                found.append(Check("gratitude", item.id, item.person, item.created, True))
            continue
        line = line_of(item)
        if kind == "ask":
            found.extend(_reply(item, line, now))
            found.extend(_word(item, line, now))
        elif kind == "promise":
            found.extend(_word(item, line, now))
        elif kind == "followup":
            found.extend(_follow_up(item, line, now, calendar))
        elif kind == "waiting" and item.for_id is not None:
            served = by_id.get(item.for_id)
            served_line = line_of(served) if served is not None else None
            found.extend(_loop(item, line, served_line, now, calendar))
    return found


# -- weeks --------------------------------------------------------------------------------


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    return localize(datetime.combine(day, time.min), tz)


def week_of(
    moment: datetime, calendar: Calendar, midnights: dict[date, datetime] | None = None
) -> date:
    """The first day of the week of ``calendar`` that ``moment`` counts in: the week whose
    first local midnight (:func:`local_midnight`, which a daylight-saving change may move) is
    the last one at or before it. ``midnights`` keeps the midnights (in UTC) computed so far,
    for many calls."""
    known = {} if midnights is None else midnights
    tz = calendar.tz

    def midnight(day: date) -> datetime:
        found = known.get(day)
        if found is None:  # in UTC: aware datetimes in one zone object compare fast
            found = known[day] = local_midnight(day, tz).astimezone(UTC)
        return found

    at = moment.astimezone(UTC)
    day = calendar.this_week(at)
    if at < midnight(day):
        return day - timedelta(days=7)
    if at >= midnight(day + timedelta(days=7)):
        return day + timedelta(days=7)
    return day


def iso_week(start: date) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def _score(kept: int, total: int) -> float | None:
    return 100.0 * kept / total if total else None


def _round(value: float | None) -> int | None:
    return None if value is None else math.floor(value + 0.5)


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def overall_score(habits: dict[str, float | None]) -> float | None:
    """A week's overall score: the mean of its habits that are not n/a, but n/a as long as
    only gratitude has a value. Gratitude is scored in every week (thanks so far / goal), so
    without this a week in which nothing has been decided yet (Monday 08:00) would score 0."""
    if all(value is None for habit, value in habits.items() if habit != "gratitude"):
        return None
    return _mean(habits.values())


def streak(scores: list[int | None]) -> int:
    """Consecutive weeks at or above 80, back from last week, plus this week once it is.
    ``scores`` run oldest first and end with the current week; n/a weeks are skipped."""
    count = 1 if scores and scores[-1] is not None and scores[-1] >= GOOD_SCORE else 0
    for score in reversed(scores[:-1]):
        if score is None:
            continue
        if score < GOOD_SCORE:
            break
        count += 1
    return count


def strength(scores: Iterable[int | float | None]) -> float | None:
    """Loop-style exponential smoothing of weekly scores (0-100); ``None`` if none scored."""
    value: float | None = None
    for score in scores:
        if score is None:
            continue
        value = (value or 0.0) * STRENGTH_MULTIPLIER + score * (1 - STRENGTH_MULTIPLIER)
    return value


Tally = tuple[tuple[int, int], ...]  # (kept, checks) per habit, in HABITS order
ZERO_TALLY: Tally = tuple((0, 0) for _ in HABITS)


class Known(Value):
    """What is already known of past weeks (the score cache, :mod:`respond.core.scorecache`):
    the tallies of every week starting before ``until`` (weeks left out had no check), and
    when the first item was created (``None``: no item yet)."""

    __slots__ = ("until", "tallies", "first_created")  # noqa: RUF023 (field order)
    until: date
    tallies: dict[date, Tally]
    first_created: datetime | None

    def __init__(
        self,
        until: date,
        tallies: dict[date, Tally],
        first_created: datetime | None,
    ) -> None:
        object.__setattr__(self, "until", until)
        object.__setattr__(self, "tallies", tallies)
        object.__setattr__(self, "first_created", first_created)


def week_tallies(
    items: Iterable[Item],
    now: datetime,
    calendar: Calendar,
    since: date | None = None,
    skip_settled: bool = False,
) -> dict[date, Tally]:
    """Per week of ``calendar`` (by its first day), the checks of ``items`` decided in it as
    of ``now``: a :data:`Tally`; weeks without a check are left out. With ``since``, only weeks
    from that one on; ``skip_settled`` also skips reading items settled before it (see
    :func:`checks`). Items created after ``now`` do not count."""
    utc_now = now.astimezone(UTC)
    present = [item for item in items if item.created <= utc_now]
    current = calendar.this_week(now)
    cutoff = local_midnight(since, calendar.tz) if since is not None and skip_settled else None
    found = checks(present, now, calendar, since=cutoff)
    midnights: dict[date, datetime] = {}
    index_of = {habit: n for n, habit in enumerate(HABITS)}
    cells: dict[date, list[list[int]]] = {}
    for check in found:
        try:
            day = week_of(check.at, calendar, midnights)
        except (OverflowError, ValueError):  # a time at the edge of the calendar: no week
            continue
        if day > current or (since is not None and day < since):
            continue
        row = cells.get(day)
        if row is None:
            row = cells[day] = [[0, 0] for _ in HABITS]
        cell = row[index_of[check.habit]]
        cell[0] += check.kept
        cell[1] += 1
    return {day: tuple((kept, total) for kept, total in row) for day, row in sorted(cells.items())}


def weekly(
    items: Iterable[Item],
    now: datetime,
    settings: Settings,
    calendar: Calendar,
    weeks: int = SPARK_WEEKS,
    full: bool = True,
    cached: Known | None = None,
) -> list[WeekScore]:
    """Scores for every week from the first item's week (and at least ``weeks`` back) to the
    current week, oldest first; with ``full=False`` only the last ``weeks`` weeks (cheaper:
    items settled before them are skipped). Weeks before the first item are n/a throughout.

    With ``cached``, the weeks it knows are taken from it and only later ones are computed
    from ``items``, which then need only hold the items that can count in those weeks."""
    utc_now = now.astimezone(UTC)
    items = [item for item in items if item.created <= utc_now]
    current = calendar.this_week(now)
    if cached is not None:
        first_item = cached.first_created
    else:
        first_item = min((item.created for item in items), default=None)
    first = current + timedelta(days=7)  # no item yet: every week is before the first
    if first_item is not None:
        first = calendar.this_week(first_item)
    start = current - timedelta(days=7 * (max(weeks, 1) - 1))
    if full:
        start = min(first, start)
    count = (current - start).days // 7 + 1
    starts = [start + timedelta(days=7 * n) for n in range(count)]
    if cached is not None:
        tallies = {day: tally for day, tally in cached.tallies.items() if day < cached.until}
        tallies.update(week_tallies(items, now, calendar, since=cached.until))
    else:
        tallies = week_tallies(
            items, now, calendar, since=None if full else start, skip_settled=not full
        )
    goal = settings.gratitude_goal
    result: list[WeekScore] = []
    for day in starts:
        active = day >= first
        raw: dict[str, float | None] = {}
        habits: dict[str, HabitWeek] = {}
        for habit, (kept, total) in zip(HABITS, tallies.get(day, ZERO_TALLY), strict=True):
            if habit == "gratitude":
                total = goal
                value = min(100.0, 100.0 * kept / goal) if active and goal > 0 else None
            else:
                value = _score(kept, total)
            raw[habit] = value
            habits[habit] = HabitWeek(kept, total, _round(value))
        result.append(WeekScore(day, habits, _round(overall_score(raw))))
    return result


def scorecard(
    items: Iterable[Item],
    now: datetime,
    settings: Settings,
    calendar: Calendar,
    weeks: int = SPARK_WEEKS,
    full: bool = True,
    cached: Known | None = None,
) -> Scorecard:
    """The habit scorecard as of ``now``; ``weeks`` is how many weeks of history to keep.

    With ``full=False`` only this week and last week are computed (for the one-line summary
    in ``today``): streaks, strength and sparklines then cover those two weeks only. With
    ``cached``, past weeks come from it (see :func:`weekly`)."""
    span = max(weeks, SPARK_WEEKS, 2) if full else 2
    everything = weekly(items, now, settings, calendar, span, full, cached)
    current, previous = everything[-1], everything[-2]
    summaries: list[HabitSummary] = []
    strengths: list[float | None] = []
    for habit in HABITS:
        scores = [week.habits[habit].score for week in everything]
        power = strength(scores[:-1])
        strengths.append(power)
        summaries.append(
            HabitSummary(
                habit=habit,
                label=HABIT_LABELS[habit],
                week=current.habits[habit],
                last_week=previous.habits[habit],
                streak=streak(scores),
                strength=_round(power),
                spark=scores[-SPARK_WEEKS:],
            )
        )
    overall = [week.overall for week in everything]
    change = (
        current.overall - previous.overall
        if current.overall is not None and previous.overall is not None
        else None
    )
    return Scorecard(
        now=now,
        calendar=calendar,
        weeks=everything[-max(weeks, 1) :],
        habits=summaries,
        overall=current.overall,
        last_overall=previous.overall,
        change=change,
        overall_streak=streak(overall),
        overall_strength=_round(_mean(strengths)),
        spark=overall[-SPARK_WEEKS:],
    )

"""Weekly habit scores on hand-built histories: each habit's rule, the week a check counts in
(week boundaries, DST, items created one week and decided the next), n/a weeks, streaks and
strength."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respond.core import actions, scoring
from respond.core.actions import Env
from respond.core.calendar import Calendar
from respond.core.clock import FixedClock, to_utc_iso
from respond.core.history import effective, timeline
from respond.core.model import Item
from respond.core.settings import Settings
from respond.storage.database import Store

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = Settings()
CAL = Calendar.of(SETTINGS, BERLIN)
STAMPS = ("due", "to", "from")


def local(text: str) -> datetime:
    """``2026-11-23 10:00`` as Berlin wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def ev(name: str, when: str, **data: Any) -> dict[str, Any]:
    stamped = {k: to_utc_iso(local(v)) if k in STAMPS and v else v for k, v in data.items()}
    return {"event": name, "at": to_utc_iso(local(when)), **stamped}


_ids = iter(range(1, 1_000_000))


def item(
    kind: str,
    created: str,
    due: str | None,
    *events: dict[str, Any],
    status: str | None = None,
    person: str = "Dana",
    for_id: int | None = None,
    item_id: int | None = None,
) -> Item:
    history = [ev("created", created, due=due), *events]
    if status is None:
        status = timeline(history).status
    return Item(
        id=item_id if item_id is not None else next(_ids),
        uuid=str(uuid.uuid4()),
        kind=kind,
        person=person,
        title=f"{kind} thing",
        channel="email" if kind == "ask" else None,
        created=local(created),
        due=local(due) if due else None,
        status=status,
        for_id=for_id,
        history=history,
    )


def checks(items: list[Item], now: str) -> list[tuple[str, str, bool]]:
    found = scoring.checks(items, local(now), CAL)
    return sorted(
        (c.habit, c.at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M"), c.kept) for c in found
    )


def weeks(items: list[Item], now: str, count: int = 3, tz: Any = BERLIN) -> list[Any]:
    calendar = Calendar.of(SETTINGS, tz)
    return scoring.weekly(items, local(now), SETTINGS, calendar, weeks=count)[-count:]


# -- prompt reply ---------------------------------------------------------------------------


def test_reply_kept_when_acknowledged_by_the_respond_by_time() -> None:
    ask = item("ask", "2026-11-23 10:00", "2026-11-24 17:00", ev("acked", "2026-11-24 16:59"))
    assert checks([ask], "2026-11-25 10:00") == [("reply", "2026-11-24 16:59", True)]


def test_reply_missed_at_the_deadline_when_acknowledged_late() -> None:
    ask = item("ask", "2026-11-23 10:00", "2026-11-24 17:00", ev("acked", "2026-11-24 17:01"))
    assert checks([ask], "2026-11-25 10:00") == [("reply", "2026-11-24 17:00", False)]


def test_reply_done_without_ack_counts_as_the_reply() -> None:
    ask = item("ask", "2026-11-23 10:00", "2026-11-23 14:00", ev("done", "2026-11-23 11:00"))
    assert checks([ask], "2026-11-25 10:00") == [("reply", "2026-11-23 11:00", True)]


def test_open_ask_is_not_scored_until_its_deadline_passes() -> None:
    ask = item("ask", "2026-11-23 10:00", "2026-11-24 17:00")
    assert checks([ask], "2026-11-24 16:59") == []
    assert checks([ask], "2026-11-24 17:00") == []  # due now: not missed yet
    assert checks([ask], "2026-11-24 17:00:01") == [("reply", "2026-11-24 17:00", False)]


def test_dropped_before_the_deadline_is_not_scored_after_it_is_missed() -> None:
    early = item("ask", "2026-11-23 10:00", "2026-11-24 17:00", ev("dropped", "2026-11-24 09:00"))
    late = item("ask", "2026-11-23 10:00", "2026-11-24 17:00", ev("dropped", "2026-11-25 09:00"))
    assert checks([early], "2026-11-26 10:00") == []
    assert checks([late], "2026-11-26 10:00") == [("reply", "2026-11-24 17:00", False)]


def test_events_after_now_do_not_count_yet() -> None:
    ask = item("ask", "2026-11-23 10:00", "2026-11-24 17:00", ev("acked", "2026-11-24 12:00"))
    assert checks([ask], "2026-11-24 11:00") == []
    assert checks([ask], "2026-11-23 09:00") == []  # not even created yet


# -- word kept ------------------------------------------------------------------------------


def test_promise_kept_when_done_by_its_time_broken_otherwise() -> None:
    kept = item(
        "promise", "2026-11-23 10:00", "2026-11-27 17:00",
        ev("promised", "2026-11-23 10:00", due="2026-11-27 17:00"),
        ev("done", "2026-11-26 12:00"),
    )  # fmt: skip
    broken = item(
        "promise", "2026-11-23 10:00", "2026-11-24 17:00",
        ev("promised", "2026-11-23 10:00", due="2026-11-24 17:00"),
        ev("done", "2026-11-25 09:00"),
    )  # fmt: skip
    assert checks([kept, broken], "2026-11-27 18:00") == [
        ("word", "2026-11-24 17:00", False),
        ("word", "2026-11-26 12:00", True),
    ]


def test_snoozing_a_promise_does_not_move_what_you_told_the_person() -> None:
    promise = item(
        "promise", "2026-11-23 10:00", "2026-11-24 17:00",
        ev("promised", "2026-11-23 10:00", due="2026-11-24 17:00"),
        ev("snoozed", "2026-11-24 10:00", **{"from": "2026-11-24 17:00", "to": "2026-11-26 17:00"}),
        ev("done", "2026-11-25 09:00"),
    )  # fmt: skip
    assert checks([promise], "2026-11-27 10:00") == [("word", "2026-11-24 17:00", False)]


def test_acknowledged_ask_scores_reply_and_word() -> None:
    ask = item(
        "ask", "2026-11-23 10:00", "2026-11-24 17:00",
        ev("acked", "2026-11-23 11:00"),
        ev("promised", "2026-11-23 11:00", due="2026-11-25 17:00"),
        ev("done", "2026-11-25 16:00"),
    )  # fmt: skip
    assert checks([ask], "2026-11-26 10:00") == [
        ("reply", "2026-11-23 11:00", True),
        ("word", "2026-11-25 16:00", True),
    ]


def test_promising_a_new_time_in_time_renegotiates_too_late_breaks() -> None:
    renegotiated = item(
        "ask", "2026-11-23 10:00", "2026-11-24 17:00",
        ev("acked", "2026-11-23 11:00"),
        ev("promised", "2026-11-23 11:00", due="2026-11-24 17:00"),
        ev("promised", "2026-11-24 15:00", due="2026-11-26 17:00"),
        ev("done", "2026-11-26 10:00"),
    )  # fmt: skip
    assert checks([renegotiated], "2026-11-27 10:00") == [
        ("reply", "2026-11-23 11:00", True),
        ("word", "2026-11-26 10:00", True),
    ]
    too_late = item(
        "ask", "2026-11-23 10:00", "2026-11-24 17:00",
        ev("acked", "2026-11-23 11:00"),
        ev("promised", "2026-11-23 11:00", due="2026-11-24 17:00"),
        ev("promised", "2026-11-25 09:00", due="2026-11-26 17:00"),
        ev("done", "2026-11-26 10:00"),
    )  # fmt: skip
    assert checks([too_late], "2026-11-27 10:00") == [
        ("reply", "2026-11-23 11:00", True),
        ("word", "2026-11-24 17:00", False),
        ("word", "2026-11-26 10:00", True),
    ]


# -- follow-up ------------------------------------------------------------------------------


def test_follow_up_has_a_grace_day() -> None:
    in_grace = item(
        "followup", "2026-11-16 10:00", "2026-11-23 17:00", ev("done", "2026-11-24 16:59")
    )
    late = item("followup", "2026-11-16 10:00", "2026-11-23 17:00", ev("done", "2026-11-24 17:01"))
    assert checks([in_grace, late], "2026-11-25 10:00") == [
        ("followup", "2026-11-24 16:59", True),
        ("followup", "2026-11-24 17:00", False),
    ]


def test_follow_up_snoozed_before_it_was_late_is_rescheduled() -> None:
    moved = {"from": "2026-11-23 17:00", "to": "2026-11-27 17:00"}
    rescheduled = item(
        "followup", "2026-11-16 10:00", "2026-11-23 17:00",
        ev("snoozed", "2026-11-23 09:00", **moved), ev("done", "2026-11-27 10:00"),
    )  # fmt: skip
    too_late = item(
        "followup", "2026-11-16 10:00", "2026-11-23 17:00",
        ev("snoozed", "2026-11-25 09:00", **moved), ev("done", "2026-11-27 10:00"),
    )  # fmt: skip
    assert checks([rescheduled], "2026-11-28 10:00") == [("followup", "2026-11-27 10:00", True)]
    assert checks([too_late], "2026-11-28 10:00") == [("followup", "2026-11-24 17:00", False)]


# -- loop closed ----------------------------------------------------------------------------


def _loop(answered: str, relayed: str | None, ask_closed: str = "done") -> list[Item]:
    events = [ev(ask_closed, relayed)] if relayed else []
    ask = item("ask", "2026-11-19 09:00", "2026-11-20 17:00", *events, item_id=500)
    wait = item("waiting", "2026-11-19 09:30", "2026-11-23 17:00", ev("done", answered), for_id=500)
    return [ask, wait]


def test_loop_closed_when_the_answer_is_relayed_within_a_business_day() -> None:
    # answered Friday 16:00: the next business day ends Monday 17:00
    kept = checks(_loop("2026-11-20 16:00", "2026-11-23 16:30"), "2026-11-25 10:00")
    assert ("loop", "2026-11-23 16:30", True) in kept
    missed = checks(_loop("2026-11-20 16:00", "2026-11-24 09:00"), "2026-11-25 10:00")
    assert ("loop", "2026-11-23 17:00", False) in missed


def test_loop_open_relay_is_missed_once_the_day_passes() -> None:
    assert [
        c for c in checks(_loop("2026-11-20 16:00", None), "2026-11-23 16:00") if c[0] == "loop"
    ] == []
    assert [
        c for c in checks(_loop("2026-11-20 16:00", None), "2026-11-23 17:00") if c[0] == "loop"
    ] == []
    assert ("loop", "2026-11-23 17:00", False) in checks(
        _loop("2026-11-20 16:00", None), "2026-11-23 17:00:01"
    )


def test_loop_not_scored_when_the_ask_was_closed_before_the_answer() -> None:
    found = checks(_loop("2026-11-20 16:00", "2026-11-20 12:00"), "2026-11-25 10:00")
    assert [c for c in found if c[0] == "loop"] == []


def test_waiting_without_for_is_not_a_loop() -> None:
    wait = item("waiting", "2026-11-19 09:30", "2026-11-23 17:00", ev("done", "2026-11-20 16:00"))
    assert checks([wait], "2026-11-25 10:00") == []


# -- weeks ----------------------------------------------------------------------------------


def test_created_one_week_decided_the_next_counts_in_the_week_decided() -> None:
    # asked on Friday of week 47, due Monday 12:00 of week 48, answered Monday 11:00
    ask = item("ask", "2026-11-20 16:00", "2026-11-23 12:00", ev("done", "2026-11-23 11:00"))
    last, current = weeks([ask], "2026-11-25 10:00", count=2)
    assert last.start == date(2026, 11, 16) and current.start == date(2026, 11, 23)
    assert last.habits["reply"] == scoring.HabitWeek(0, 0, None)
    assert current.habits["reply"] == scoring.HabitWeek(1, 1, 100)


def test_week_boundary_is_local_midnight_monday() -> None:
    before = item("ask", "2026-11-20 10:00", "2026-11-23 17:00", ev("acked", "2026-11-22 23:59:59"))
    after = item("ask", "2026-11-20 10:00", "2026-11-23 17:00", ev("acked", "2026-11-23 00:00"))
    last, current = weeks([before, after], "2026-11-25 10:00", count=2)
    assert last.habits["reply"].total == 1 and current.habits["reply"].total == 1


@pytest.mark.parametrize("tz", [BERLIN, None], ids=["zoneinfo", "system-TZ"])
def test_week_boundaries_across_the_autumn_dst_change(tz: Any) -> None:
    # 2026-10-25 03:00 CEST -> 02:00 CET: that week is 169 hours long. Monday 26 Oct 00:00
    # local is 25 Oct 23:00 UTC (not 22:00 UTC, the summer offset).
    sunday_night = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)  # Sun 23:30 CET
    monday_early = datetime(2026, 10, 25, 23, 15, tzinfo=UTC)  # Mon 00:15 CET
    items = []
    for moment in (sunday_night, monday_early):
        at = moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
        items.append(item("ask", "2026-10-23 10:00", "2026-10-26 17:00", ev("acked", at)))
    result = weeks(items, "2026-10-28 10:00", count=2, tz=tz)
    assert [w.start for w in result] == [date(2026, 10, 19), date(2026, 10, 26)]
    assert [w.habits["reply"].total for w in result] == [1, 1]


def test_week_boundaries_across_the_spring_dst_change() -> None:
    # 2026-03-29 02:00 CET -> 03:00 CEST; Monday 30 Mar 00:00 local is 29 Mar 22:00 UTC
    late = datetime(2026, 3, 29, 21, 59, tzinfo=UTC).astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
    early = datetime(2026, 3, 29, 22, 0, tzinfo=UTC).astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
    items = [
        item("ask", "2026-03-27 10:00", "2026-03-30 17:00", ev("acked", late)),
        item("ask", "2026-03-27 10:00", "2026-03-30 17:00", ev("acked", early)),
    ]
    result = weeks(items, "2026-04-01 10:00", count=2)
    assert [w.habits["reply"].total for w in result] == [1, 1]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=365 * 24 * 60 - 1))
def test_every_instant_lands_in_the_week_of_its_local_date(minutes: int) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    stamp = moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
    thanks = item("thanks", stamp, None, ev("done", stamp))
    now = local("2027-01-04 09:00")
    result = scoring.weekly([thanks], now, SETTINGS, CAL, weeks=60)
    expected = CAL.week_of_day(moment.astimezone(BERLIN).date())
    counted = [w.start for w in result if w.habits["gratitude"].kept]
    assert counted == [expected]


def test_n_a_weeks_and_gratitude() -> None:
    # the first item arrives in week 47; week 46 is before it: n/a throughout
    thanks = [
        item("thanks", f"2026-11-{day} 10:00", None, ev("done", f"2026-11-{day} 10:00"))
        for day in (17, 18, 23, 24, 24, 25)
    ]
    w46, w47, w48 = weeks(thanks, "2026-11-25 18:00")
    assert w46.overall is None and all(h.score is None for h in w46.habits.values())
    assert w47.habits["gratitude"] == scoring.HabitWeek(2, 3, 67)
    assert w48.habits["gratitude"] == scoring.HabitWeek(4, 3, 100)
    assert w47.habits["reply"].score is None  # nothing to score: n/a, not 0
    # only gratitude has a score: nothing was decided, so the overall is n/a, not 67 or 100
    assert w47.overall is None and w48.overall is None


def test_gratitude_is_zero_not_n_a_once_you_have_started() -> None:
    ask = item("ask", "2026-11-16 10:00", "2026-11-17 17:00", ev("done", "2026-11-16 11:00"))
    w47, w48 = weeks([ask], "2026-11-25 18:00", count=2)
    assert w47.habits["gratitude"] == scoring.HabitWeek(0, 3, 0)
    assert w47.overall == 50  # reply 100, gratitude 0
    assert w48.habits["gratitude"].score == 0 and w48.overall is None  # nothing decided yet


def test_gratitude_goal_comes_from_settings() -> None:
    thanks = item("thanks", "2026-11-23 10:00", None, ev("done", "2026-11-23 10:00"))
    result = scoring.weekly([thanks], local("2026-11-25 10:00"), Settings(gratitude_goal=1), CAL)
    assert result[-1].habits["gratitude"] == scoring.HabitWeek(1, 1, 100)


# -- streaks, strength, the scorecard -----------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], 0),
        ([90, 85, None, 95, 70], 3),  # this week (70) does not break it yet; n/a is skipped
        ([90, 85, None, 95, 80], 4),  # this week counts once it reaches 80
        ([90, 79, 95, None], 1),
        ([None, None, None], 0),
        ([100, 100, 50, 100], 1),
    ],
)
def test_streak(scores: list[int | None], expected: int) -> None:
    assert scoring.streak(scores) == expected


def test_strength_follows_loop_habit_trackers_smoothing() -> None:
    m = 0.5 ** (7 * (1 / 7) ** 0.5 / 13)  # Loop's multiplier for a once-a-week habit, per week
    assert pytest.approx(m) == scoring.STRENGTH_MULTIPLIER
    assert scoring.strength([]) is None
    assert scoring.strength([None, None]) is None
    assert scoring.strength([100]) == pytest.approx(100 * (1 - m))
    assert scoring.strength([100, None, 100]) == pytest.approx(scoring.strength([100, 100]))
    assert scoring.strength([100] * 200) == pytest.approx(100)
    # half-life: after a perfect run, about 5 weeks at 0 halve the strength
    halved = scoring.strength([100] * 200 + [0] * 5)
    assert halved is not None and 45 < halved < 55


def test_scorecard_change_spark_and_strength_skip_this_week() -> None:
    asks = []
    # week 46: 1 of 2 replies in time; week 47: 2 of 2; week 48 (now): 1 of 1
    for created, due, reply in [
        ("2026-11-09 10:00", "2026-11-10 17:00", "2026-11-10 12:00"),
        ("2026-11-09 10:00", "2026-11-10 17:00", "2026-11-11 12:00"),
        ("2026-11-16 10:00", "2026-11-17 17:00", "2026-11-16 12:00"),
        ("2026-11-16 10:00", "2026-11-17 17:00", "2026-11-17 12:00"),
        ("2026-11-23 10:00", "2026-11-24 17:00", "2026-11-23 12:00"),
    ]:
        asks.append(item("ask", created, due, ev("done", reply)))
    card = scoring.scorecard(asks, local("2026-11-25 10:00"), SETTINGS, CAL)
    reply = card.habits[0]
    assert reply.habit == "reply"
    assert reply.week == scoring.HabitWeek(1, 1, 100)
    assert reply.last_week.score == 100
    assert reply.spark == [None] * 5 + [50, 100, 100]
    assert reply.streak == 2
    m = scoring.STRENGTH_MULTIPLIER
    assert reply.strength == round((50 * (1 - m)) * m + 100 * (1 - m))
    gratitude = card.habits[-1]
    assert gratitude.spark == [None] * 5 + [0, 0, 0]
    assert card.overall == 50 and card.last_overall == 50 and card.change == 0
    assert card.spark == [None] * 5 + [25, 50, 50]
    assert [w.start for w in card.weeks][-3:] == [
        date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)
    ]  # fmt: skip


def test_week_start_can_be_sunday() -> None:
    thanks = item("thanks", "2026-11-22 10:00", None, ev("done", "2026-11-22 10:00"))  # Sunday
    sundays = Calendar.of(Settings(week_start=6), BERLIN)
    monday = scoring.weekly([thanks], local("2026-11-25 10:00"), SETTINGS, CAL, weeks=2)
    sunday = scoring.weekly([thanks], local("2026-11-25 10:00"), SETTINGS, sundays, weeks=2)
    assert monday[-1].habits["gratitude"].kept == 0
    assert sunday[-1].start == date(2026, 11, 22) and sunday[-1].habits["gratitude"].kept == 1


def test_empty_database_scores_nothing() -> None:
    card = scoring.scorecard([], local("2026-11-25 10:00"), SETTINGS, CAL)
    assert card.overall is None and card.change is None and card.spark == [None] * 8
    assert all(h.strength is None and h.streak == 0 for h in card.habits)


def test_partial_weeks_equal_the_full_computation_on_a_generated_database() -> None:
    from tests.support.factory import generate

    items = generate(1500, seed=11)
    for now in ("2026-11-25 09:00", "2026-11-23 00:30", "2026-11-01 12:00", "2026-10-26 00:10"):
        system = Calendar.of(SETTINGS, None)  # the system zone
        full = scoring.weekly(items, local(now), SETTINGS, system, weeks=2)[-2:]
        part = scoring.weekly(items, local(now), SETTINGS, system, weeks=2, full=False)
        assert full == part


# -- undo: the effective history --------------------------------------------------------------


def test_undone_events_do_not_count(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")

    def env(when: str) -> Env:
        return Env(clock=FixedClock(local(when), BERLIN), settings=SETTINGS)

    with store.transaction() as s:
        actions.add_ask(s, env("2026-11-23 10:00"), "Q3", "Dana", "email")  # due Tue 17:00
    with store.transaction() as s:
        actions.ack(s, env("2026-11-23 11:00"), 1, "tomorrow")
    with store.transaction() as s:
        actions.undo(s, env("2026-11-23 11:05"))  # the ack is taken back
    with store.transaction() as s:
        actions.complete(s, env("2026-11-25 09:00"), 1, no_follow_up=True)  # late
    ask = store.snapshot().items[1]
    assert [e["event"] for e in ask.history] == [
        "created", "acked", "promised", "undone", "done"
    ]  # fmt: skip
    assert [e["event"] for e in effective(ask.history)] == ["created", "done"]
    assert checks([ask], "2026-11-26 10:00") == [("reply", "2026-11-24 17:00", False)]


def test_undo_of_a_second_ack_keeps_the_first(tmp_path: Path) -> None:
    history = [
        ev("created", "2026-11-23 10:00", due="2026-11-24 17:00"),
        ev("acked", "2026-11-23 11:00"),
        ev("promised", "2026-11-23 11:00", due="2026-11-24 17:00"),
        ev("promised", "2026-11-23 12:00", due="2026-11-26 17:00"),
        {"event": "undone", "at": to_utc_iso(local("2026-11-23 12:01")), "command": "ack"},
        ev("done", "2026-11-24 12:00"),
        ev("follow-up scheduled", "2026-11-24 12:00", followup_id=9),
        {"event": "undone", "at": to_utc_iso(local("2026-11-24 12:01")), "command": "done"},
    ]
    names = [e["event"] for e in effective(history)]
    assert names == ["created", "acked", "promised"]
    line = timeline(history)
    assert line.status == "acked" and line.promises is not None and len(line.promises) == 1


def test_undo_of_an_unknown_command_takes_back_the_events_of_its_instant() -> None:
    history = [
        ev("created", "2026-11-23 10:00", due="2026-11-24 17:00"),
        ev("answered", "2026-11-23 11:00"),
        ev("noted", "2026-11-23 11:00"),
        {"event": "undone", "at": to_utc_iso(local("2026-11-23 11:01")), "command": "feedback"},
    ]
    assert [e["event"] for e in effective(history)] == ["created"]

"""Scores people believe (issue 10, points 14 and 15): no "overall 0" because nothing has been
decided yet, and a scorecard that explains itself."""

from __future__ import annotations

import json

from tests.support.cli import Run

MONDAY = "2026-11-23T08:00"  # the Monday after the perfect week below


def perfect_week(run: Run) -> None:
    """Week 47 (Mon 16 - Sun 22 Nov 2026): every check kept, three thanks: overall 100."""
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-16T09:00")  # 1
    run("ack", "1", "--by", "2026-11-18 12:00", now="2026-11-16T10:00")
    run("done", "1", "--follow-up", "2026-11-19 12:00", now="2026-11-17T10:00")  # 2: follow-up
    run("done", "2", now="2026-11-19T11:00")
    run("promise", "the deck", "--to", "Sam", "--by", "2026-11-20 12:00", now="2026-11-16T09:30")
    run("done", "3", "--no-follow-up", now="2026-11-18T09:30")
    for n in range(3):
        run("thanks", "Jane", f"for help {n}", now=f"2026-11-18T1{n}:00")


def test_monday_morning_after_a_perfect_week_shows_last_week(run: Run) -> None:
    perfect_week(run)
    out = run("today", now=MONDAY).stdout
    assert out.splitlines()[-1] == "This week: nothing decided yet · last week overall 100"
    assert "overall 0" not in out
    data = json.loads(run("today", "--json", now=MONDAY).stdout)
    assert data["week"]["overall"] is None and data["week"]["change"] is None
    assert data["week"]["habits"]["gratitude"] == {"score": 0, "kept": 0, "total": 3}


def test_week_overall_is_n_a_while_only_gratitude_is_scored(run: Run) -> None:
    perfect_week(run)
    rows = {
        line[:14].strip(): line[14:].split()
        for line in run("week", now=MONDAY).stdout.splitlines()[2:8]
    }
    assert rows["gratitude"][:3] == ["0", "0/3", "100"]
    assert rows["overall"][:2] == ["n/a", "100"]  # n/a this week, 100 last week, no change
    data = json.loads(run("week", "--json", now=MONDAY).stdout)
    assert data["overall"]["score"] is None and data["week"]["overall"] is None
    assert data["overall"]["last_week"] == 100 and data["overall"]["change"] is None
    assert data["overall"]["streak"] == 1
    # a thanks alone decides nothing either
    run("thanks", "Jane", "for the coffee", now=MONDAY)
    out = run("today", now="2026-11-23T08:01").stdout
    assert out.splitlines()[-1] == "This week: nothing decided yet · last week overall 100"


def test_the_first_decided_check_brings_this_weeks_overall(run: Run) -> None:
    perfect_week(run)
    run("add", "Budget", "--from", "Lee", "--via", "phone", now=MONDAY)  # 7: due 13:00
    run("ack", "7", "--by", "fri", now="2026-11-23T09:00")
    line = run("today", now="2026-11-23T09:30").stdout.splitlines()[-1]
    assert line.startswith("This week: overall 50 (-50 on last week) · prompt reply 100")
    data = json.loads(run("week", "--json", now="2026-11-23T09:30").stdout)
    assert data["overall"]["score"] == 50


def test_no_week_line_before_anything_was_ever_decided(run: Run) -> None:
    run("thanks", "Jane", "for the VPN")
    assert "This week" not in run("today").stdout
    assert json.loads(run("today", "--json").stdout)["week"] is None


# -- point 15 ---------------------------------------------------------------------------------

LEGEND = "streak: weeks in a row at 80+ · strength: past weeks smoothed · more: --help"


def test_week_help_defines_each_habit_strength_and_streak(run: Run) -> None:
    out = run("week", "--help").stdout
    lines = [line.strip() for line in out.splitlines()]
    for term in (
        "prompt reply:",
        "word kept:",
        "follow-up:",
        "loop closed:",
        "gratitude:",
        "overall:",
        "streak:",
        "strength:",
    ):
        assert sum(line.startswith(term) for line in lines) == 1, (term, out)
    assert "--quiet" in out


def test_week_prints_a_legend_under_the_table(run: Run) -> None:
    perfect_week(run)
    lines = run("week", now=MONDAY).stdout.splitlines()
    assert lines[8] == LEGEND and len(lines) == 9
    assert LEGEND not in run("week", "--quiet", now=MONDAY).stdout
    assert LEGEND not in run("week", "-q", "--weeks", "3", now=MONDAY).stdout
    with_history = run("week", "--weeks", "3", now=MONDAY).stdout.splitlines()
    assert with_history[8] == LEGEND and with_history[9] == ""
    json.loads(run("week", "--json", now=MONDAY).stdout)  # --json: data only
    assert LEGEND not in run("week", "--json", now=MONDAY).stdout

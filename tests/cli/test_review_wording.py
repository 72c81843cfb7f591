"""Issue 22, deliverable 4: the review reads right. An acknowledged ask is your promise (and a
broken one once its time passed), lateness reads in hours under 48 and in days, rounded to
the nearest, beyond; confirmations never cut a title; ``show`` writes every time in one form."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from respond.core.timefmt import late
from tests.support import processes
from tests.support.cli import Run

DUE = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "shown"),
    [
        (timedelta(seconds=30), "<1m late"),
        (timedelta(minutes=45), "45m late"),
        (timedelta(minutes=59, seconds=40), "1h late"),
        (timedelta(hours=2, minutes=29), "2h late"),
        (timedelta(hours=2, minutes=30), "3h late"),
        (timedelta(hours=23, minutes=50), "24h late"),
        (timedelta(hours=39, minutes=40), "40h late"),  # the issue's: was "1 day late"
        (timedelta(hours=47, minutes=59), "48h late"),
        (timedelta(hours=48), "2 days late"),
        (timedelta(hours=59), "2 days late"),
        (timedelta(hours=60), "3 days late"),  # rounded to the nearest day
        (timedelta(days=20, hours=13), "21 days late"),
    ],
)
def test_lateness_reads_in_hours_then_days_rounded_to_the_nearest(
    after: timedelta, shown: str
) -> None:
    assert late(DUE, DUE + after) == shown


@given(seconds=st.integers(60, 400 * 86400))
def test_lateness_is_within_half_a_unit_of_the_truth(seconds: int) -> None:
    shown = late(DUE, DUE + timedelta(seconds=seconds))
    number, unit = re.fullmatch(r"(\d+)(m| days|h) late", shown).groups()  # type: ignore[union-attr]
    size = {"m": 60, "h": 3600, " days": 86400}[unit]
    assert abs(int(number) * size - seconds) <= size / 2
    assert (unit == "h") == (3600 - 30 <= seconds < 48 * 3600)


def today_rows(run: Run, now: str) -> dict[str, str]:
    out = run("today", now=now).stdout
    return {line.split()[0]: " ".join(line.split()) for line in out.splitlines() if "  #" in line}


def test_an_acknowledged_ask_is_your_promise_then_a_broken_one(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Lee Park", now="2026-11-23T08:00")
    run("add", "VPN access", "--from", "Dana", "--by", "2026-11-25 09:30", now="2026-11-23T08:00")
    assert run("ack", "1", "--by", "2026-11-25 09:00", now="2026-11-23T08:10").exit_code == 0
    before = today_rows(run, "2026-11-25T08:00")
    assert before["#1"].startswith("#1 promise Lee Park Q3 numbers due 09:00")
    assert before["#1"].endswith("you promised Lee Park by 09:00")
    assert before["#2"] == "#2 ask Dana VPN access due 09:30"  # nobody answered it
    after = today_rows(run, "2026-11-25T10:00")
    assert after["#1"] == (
        "#1 promise Lee Park Q3 numbers 1h late broken promise (you promised Lee Park by 09:00)"
    )
    assert after["#2"] == "#2 ask Dana VPN access 30m late"
    days_later = today_rows(run, "2026-11-27T10:00")
    assert days_later["#1"].endswith(
        "2 days late broken promise (you promised Lee Park by Wed 25 Nov 09:00)"
    )


LONG = "Q3 numbers for the board, with the appendix on churn by region and the forecast " * 2


def test_confirmations_print_the_whole_title_when_piped(run: Run, db_path: Path) -> None:
    added = run("add", LONG.strip(), "--from", "Dana")
    assert added.stdout == f"Added #1: {LONG.strip()} for Dana, due tomorrow 17:00\n"
    out = processes.respond(db_path, "--now", "2026-11-25T10:00", "done", "1", "--no-follow-up")
    assert out.returncode == 0
    assert LONG.strip() in out.stdout and "…" not in out.stdout


@pytest.mark.slow
def test_confirmations_wrap_on_a_terminal_rather_than_cut(db_path: Path) -> None:
    shown = processes.on_a_terminal(db_path, "add", LONG.strip(), "--from", "Dana", columns=60)
    lines = shown.replace("\r\n", "\n").rstrip("\n").split("\n")
    assert len(lines) > 2
    assert all(len(line) <= 60 for line in lines)
    assert "…" not in shown
    assert " ".join(" ".join(lines).split()) == (
        f"Added #1: {' '.join(LONG.split())} for Dana, due tomorrow 17:00"
    )


def test_show_writes_every_time_in_one_form(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-23 09:00", now="2026-11-20T09:30")
    run("snooze", "1", "2026-11-26 09:00", now="2026-11-23T10:00")
    out = run("show", "1").stdout  # at Wed 25 Nov 10:00
    assert not re.search(r"\d{4}-\d{2}-\d{2}", out)  # no ISO stamp beside "today 09:00"
    history = out[out.index("history") :].splitlines()[1:]
    assert history[0].startswith("Fri 20 Nov 09:30  created · due: Mon 23 Nov 09:00")
    assert history[1].startswith("Mon 23 Nov 10:00  snoozed")
    assert "due      tomorrow 09:00" in out
    assert "created  Fri 20 Nov 09:30" in out


def test_today_json_tells_your_promises_from_unanswered_asks(run: Run) -> None:
    import json

    run("add", "Q3 numbers", "--from", "Lee Park", now="2026-11-23T08:00")
    run("add", "VPN access", "--from", "Dana", "--by", "2026-11-25 09:30", now="2026-11-23T08:00")
    run("ack", "1", "--by", "2026-11-25 09:00", now="2026-11-23T08:10")
    data = json.loads(run("today", "--json", now="2026-11-25T09:15").stdout)
    assert [(e["item"]["id"], e["your_promise"]) for e in data["overdue"]] == [(1, True)]
    assert [(e["item"]["id"], e["your_promise"]) for e in data["due_today"]] == [(2, False)]

"""Dates through the real CLI (issue 10, points 1-4 and 6): what people type, what is stored,
what the confirmation says. The session runs with TZ=Europe/Berlin (see conftest)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.cli import NOW, Run
from tests.support.paths import ROOT

DATES = ROOT / "docs" / "dates.md"


def stored_due(run: Run, item_id: int) -> str:
    result = run("show", str(item_id), "--json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)["due"]


# --- 1. a date without a year is the next one; other years show theirs -------------------------


@pytest.mark.parametrize(
    ("text", "shown", "due"),
    [
        ("jan 5", "Tue 5 Jan 2027 17:00", "2027-01-05T16:00:00+00:00"),
        ("1 jan", "Fri 1 Jan 2027 17:00", "2027-01-01T16:00:00+00:00"),
        ("nov 1", "Mon 1 Nov 2027 17:00", "2027-11-01T16:00:00+00:00"),
        ("25 dec 2pm", "Fri 25 Dec 14:00", "2026-12-25T13:00:00+00:00"),
        ("25 nov", "today 17:00", "2026-11-25T16:00:00+00:00"),  # today is on or after today
    ],
)
def test_a_date_without_a_year_is_the_next_such_date(
    run: Run, text: str, shown: str, due: str
) -> None:
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", text)  # Wed 25 Nov 2026 10:00
    assert result.exit_code == 0, result
    assert result.stdout == f"Added #1: Q3 numbers for Dana, due {shown}\n"
    assert stored_due(run, 1) == due


def test_dates_outside_this_year_show_their_year(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")
    snoozed = run("snooze", "1", "2027-01-05")
    assert snoozed.stdout == "Snoozed #1: Q3 numbers until Tue 5 Jan 2027 17:00\n"
    assert "Tue 5 Jan 2027 17:00" in run("list").stdout
    past = run("snooze", "1", "2025-12-31")
    assert past.stdout == "Snoozed #1: Q3 numbers until Wed 31 Dec 2025 17:00 (already overdue)\n"
    # the issue's own case: this year's 1 January, typed at 25 Nov, is no longer "Thu 1 Jan"
    early = run("snooze", "1", "2026-01-01")
    assert early.stdout == "Snoozed #1: Q3 numbers until Thu 1 Jan 2026 17:00 (already overdue)\n"
    # a date of the recent past reads without its year
    assert "Fri 20 Nov 17:00" in run("snooze", "1", "2026-11-20").stdout
    # within the coming week too: on 29 Dec, Saturday 2 Jan is next year's
    run("snooze", "1", "2027-01-02")
    assert "Sat 2 Jan 2027 17:00" in run("list", now="2026-12-29T10:00").stdout


# --- 2. a moment that has passed means the next one; a past date is flagged ----------------------


@pytest.mark.parametrize(
    ("now", "text", "shown"),
    [
        ("2026-11-25T10:00", "9am", "tomorrow 09:00"),
        ("2026-11-25T10:00", "at 9:30", "tomorrow 09:30"),
        ("2026-11-25T16:00", "3pm", "tomorrow 15:00"),
        ("2026-11-25T16:00", "today 3pm", "tomorrow 15:00"),
        ("2026-11-25T21:00", "tonight", "tomorrow 20:00"),
        ("2026-11-25T18:00", "today", "tomorrow 17:00"),
        ("2026-11-25T18:00", "0d", "tomorrow 17:00"),
        ("2026-11-28T17:01", "0d", "tomorrow 17:00"),  # Saturday evening: not after 1d's Sunday
        ("2026-11-27T18:00", "today", "Mon 17:00"),  # Friday evening: not Saturday
        ("2026-11-27T18:00", "eod", "Mon 17:00"),
        ("2026-11-27T18:00", "0bd", "Mon 17:00"),
        ("2026-11-28T11:00", "eod", "Mon 17:00"),  # Saturday: the end of the *working* day
        ("2026-11-27T17:30", "eow", "Fri 4 Dec 17:00"),
        ("2026-11-30T18:00", "eom", "Thu 31 Dec 17:00"),  # Mon 30 Nov: November's last
        ("2026-11-25T10:00", "now", "today 10:00"),
    ],
)
def test_a_moment_that_has_passed_means_the_next_one(
    run: Run, now: str, text: str, shown: str
) -> None:
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", text, now=now)
    assert result.exit_code == 0, result
    assert result.stdout == f"Added #1: Q3 numbers for Dana, due {shown}\n"
    overdue = run("list", "--overdue", "--json", now=now)
    assert json.loads(overdue.stdout) == []


def test_every_command_that_takes_a_time_says_when_it_is_already_overdue(run: Run) -> None:
    past, flag = "2026-11-20", "Fri 20 Nov 17:00 (already overdue)"
    lines = [
        run("add", "Q3 numbers", "--from", "Dana", "--by", past),  # 1
        run("promise", "the deck", "--to", "Sam", "--by", past),  # 2
        run("add", "VPN", "--from", "Bob"),  # 3
        run("ack", "3", "--by", past),
        run("wait", "VPN token", "--on", "Jane", "--by", past),  # 4
        run("snooze", "4", past),
        run("edit", "1", "--by", past),
        run("done", "2", "--follow-up", past),  # 5
    ]
    assert [line.exit_code for line in lines] == [0] * len(lines)
    stdout = [line.stdout for line in lines]
    assert stdout == [
        f"Added #1: Q3 numbers for Dana, due {flag}\n",
        f"Promised #2: the deck to Sam, by {flag}\n",
        "Added #3: VPN for Bob, due tomorrow 17:00\n",
        f"Acknowledged #3: VPN; promised Bob by {flag}\n",
        f"Waiting on Jane #4: VPN token; chase {flag}\n",
        f"Snoozed #4: VPN token until {flag}\n",
        f"Edited #1: Q3 numbers (due), due {flag}; a correction: scored against this time\n",
        f"Done #2: the deck; follow up with Sam {flag} (#5)\n",
    ]
    assert stored_due(run, 1) == "2026-11-20T16:00:00+00:00"  # kept as written: backfilling


@pytest.mark.parametrize(
    ("text", "shown", "overdue"),
    [
        ("2026-11-25 09:00", "today 09:00", True),  # today's date with a time that has passed
        ("25 nov 9am", "today 09:00", True),
        ("2026-11-25 10:00", "today 10:00", False),  # this very minute: not passed
        ("2026-11-25 10:01", "today 10:01", False),
    ],
)
def test_todays_date_with_a_time_that_has_passed_is_kept_and_flagged(
    run: Run, text: str, shown: str, overdue: bool
) -> None:
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", text)
    flag = " (already overdue)" if overdue else ""
    assert result.stdout == f"Added #1: Q3 numbers for Dana, due {shown}{flag}\n"


# --- 3. daylight saving time: gaps move forward, folds take the first occurrence ----------------


@pytest.fixture
def use_zone() -> Iterator[Callable[[str], None]]:
    """Switch the process's local zone (TZ) for one test, then back to the session's."""
    session = os.environ["TZ"]

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield switch
    switch(session)


@pytest.mark.parametrize(
    ("tz", "now", "text", "shown", "due"),
    [
        # Europe/Berlin, 29 Mar 2026: 02:00 -> 03:00. 02:30 does not exist: 03:30 CEST.
        ("Europe/Berlin", "2026-03-28T12:00", "2026-03-29 02:30", "tomorrow 03:30",
         "2026-03-29T01:30:00+00:00"),
        ("Europe/Berlin", "2026-03-28T12:00", "tomorrow 2:30am", "tomorrow 03:30",
         "2026-03-29T01:30:00+00:00"),
        ("Europe/Berlin", "2026-03-28T12:00", "29 mar 2am", "tomorrow 03:00",
         "2026-03-29T01:00:00+00:00"),
        # 25 Oct 2026: 03:00 -> 02:00. 02:30 happens twice: the first, still CEST (+02:00).
        ("Europe/Berlin", "2026-10-24T12:00", "2026-10-25 02:30", "tomorrow 02:30",
         "2026-10-25T00:30:00+00:00"),
        # America/New_York, 8 Mar 2026: 02:00 -> 03:00; 1 Nov 2026: 02:00 -> 01:00.
        ("America/New_York", "2026-03-07T12:00", "2026-03-08 02:30", "tomorrow 03:30",
         "2026-03-08T07:30:00+00:00"),
        ("America/New_York", "2026-10-31T12:00", "2026-11-01 01:30", "tomorrow 01:30",
         "2026-11-01T05:30:00+00:00"),
    ],
)  # fmt: skip
def test_daylight_saving_gaps_move_forward_and_folds_take_the_first(
    run: Run,
    use_zone: Callable[[str], None],
    tz: str,
    now: str,
    text: str,
    shown: str,
    due: str,
) -> None:
    use_zone(tz)
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", text, now=now)
    assert result.stdout == f"Added #1: Q3 numbers for Dana, due {shown}\n"
    assert stored_due(run, 1) == due


# --- 4. follow-up and chase times land on working days --------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown", "due"),
    [
        ("3d", "Mon 17:00", "2026-11-30T16:00:00+00:00"),  # Saturday -> Monday
        ("4d", "Mon 17:00", "2026-11-30T16:00:00+00:00"),  # Sunday -> Monday
        ("sat 10am", "Mon 10:00", "2026-11-30T09:00:00+00:00"),  # the time of day is kept
        ("2d", "Fri 17:00", "2026-11-27T16:00:00+00:00"),  # a working day stays
    ],
)
def test_follow_ups_land_on_working_days(run: Run, text: str, shown: str, due: str) -> None:
    run("promise", "Send draft", "--to", "Sam", "--by", "fri")
    result = run("done", "1", "--follow-up", text)  # Wednesday 25 Nov, 10:00
    assert result.stdout == f"Done #1: Send draft; follow up with Sam {shown} (#2)\n"
    assert stored_due(run, 2) == due


def test_chase_times_land_on_working_days(run: Run) -> None:
    waited = run("wait", "VPN token", "--on", "Jane", "--by", "3d")
    assert waited.stdout == "Waiting on Jane #1: VPN token; chase Mon 17:00\n"
    assert stored_due(run, 1) == "2026-11-30T16:00:00+00:00"


def test_a_deadline_you_give_stays_where_you_put_it(run: Run) -> None:
    # Only follow-up and chase times move: --by 3d on an ask is the Saturday you typed.
    assert run("add", "Q3", "--from", "Dana", "--by", "3d").stdout.endswith("due Sat 17:00\n")
    assert run("snooze", "1", "4d").stdout.endswith("until Sun 17:00\n")


def test_the_defaults_and_the_work_week_come_from_the_config(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'follow_up = "2d"\nwait_chase = "1d"\n[work]\ndays = ["mon", "tue", "wed", "thu"]\n'
    )
    monkeypatch.setenv("RESPOND_CONFIG", str(config))
    run("promise", "Send draft", "--to", "Sam", "--by", "fri")
    done = run("done", "1")  # Wednesday + 2d = Friday: off in this week -> Monday
    assert done.stdout == "Done #1: Send draft; follow up with Sam Mon 17:00 (#2)\n"
    waited = run("wait", "VPN", "--on", "Jane", now="2026-11-26T10:00")  # Thursday + 1d
    assert waited.stdout == "Waiting on Jane #3: VPN; chase Mon 17:00\n"
    eod = run("add", "Q3", "--from", "Dana", "--by", "eod", now="2026-11-26T18:00")
    assert eod.stdout == "Added #4: Q3 for Dana, due Mon 17:00\n"  # Thursday evening


def test_the_follow_up_grace_day_is_a_working_day(run: Run) -> None:
    run("promise", "Send draft", "--to", "Sam", "--by", "2026-11-18 11:00", now="2026-11-18T10:00")
    run("done", "1", "--follow-up", "2d", now="2026-11-18T10:30")  # Friday 20 Nov, 17:00
    # Done on Monday morning: within the grace day, which is the next *working* day.
    assert run("done", "2", now="2026-11-23T10:00").exit_code == 0
    week = json.loads(run("week", "--json", now="2026-11-23T12:00").stdout)
    assert week["week"]["habits"]["followup"] == {"score": 100, "kept": 1, "total": 1}


# --- 6. the docs' date table is what the commands do --------------------------------------


def readme_date_table() -> list[tuple[str, str]]:
    text = DATES.read_text(encoding="utf-8")
    section = text[text.index("## Dates you can type") :]
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+?) \|", section, re.MULTILINE)
    assert len(rows) >= 15, rows
    return rows


@pytest.mark.parametrize(("text", "shown"), readme_date_table())
def test_the_readme_date_table_is_what_add_does(run: Run, text: str, shown: str) -> None:
    assert "at Wed 25 Nov 2026 10:00" in DATES.read_text(encoding="utf-8")
    assert NOW == "2026-11-25T10:00"
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", text)
    assert result.stdout == f"Added #1: Q3 numbers for Dana, due {shown}\n"


def test_the_readme_says_what_now_is_and_no_longer_says_strictly_after_today_for_times() -> None:
    text = DATES.read_text(encoding="utf-8")
    section = text[text.index("## Dates you can type") :]
    assert "| `now` | today 10:00 | the current minute |" in section
    for line in section.splitlines():
        if "strictly after today" in line:
            assert "`3pm`" not in line and "`tomorrow" not in line, line


def test_help_documents_now_and_the_new_forms(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0, result
    text = " ".join(result.stdout.split())
    assert "--now WHEN" in text
    assert "Run as if it were then" in text
    for form in ("next week", "eod fri", "2pm tomorrow", "18.12.", "15th"):
        assert form in text


def test_an_unknown_phrase_suggests_the_nearest_one_and_writes_nothing(run: Run) -> None:
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", "nxt week")
    assert result.exit_code == 2
    assert "did you mean 'next week'?" in result.stderr
    assert result.stderr.count("\n") == 1
    assert run("show", "1").exit_code != 0  # nothing was added


def test_a_day_and_month_without_its_closing_dot_suggests_it(run: Run) -> None:
    """``18.12`` reads as a decimal number; the error says how to write the day and month."""
    result = run("add", "Q3 numbers", "--from", "Dana", "--by", "18.12")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "did you mean 18.12. (day.month.)?" in result.stderr
    assert run("show", "1").exit_code != 0  # nothing was added
    assert "Fri 18 Dec 17:00" in run("add", "Q3 numbers", "--from", "Dana", "--by", "18.12.").stdout

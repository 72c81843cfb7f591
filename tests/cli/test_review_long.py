"""``respond today`` with a long list (issue 23 deliver 4): each section shows its first rows
and then says how many more there are; ``--all`` shows every row; ``--json`` always gives
everything; the "Needs you now" count is the same either way."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from respond.core import actions
from respond.core.actions import Env
from respond.core.clock import FixedClock
from respond.storage.database import Store
from tests.support.cli import Run

LIMIT = 10
OVERDUE, DUE_TODAY, WAITING = 47, 12, 10  # more than, more than, exactly the limit
ROW = re.compile(r"^ +#\d+ ")


def crowded(db: Path) -> None:
    """Asks due yesterday (overdue on Wednesday 10:00), asks due today at 17:00, waiting-ons
    (exactly the limit), all in one transaction, as a long backlog would be."""
    monday = Env(FixedClock(datetime.fromisoformat("2026-11-23T09:00").astimezone()))
    wednesday = Env(FixedClock(datetime.fromisoformat("2026-11-25T08:00").astimezone()))
    with Store(db).transaction() as tx:
        for n in range(OVERDUE):
            actions.add_ask(tx, monday, f"late {n}", f"Person {n % 7}", by="tue 12:00")
        for n in range(DUE_TODAY):
            actions.add_ask(tx, wednesday, f"today {n}", "Dana", by="17:00")
        for n in range(WAITING):
            actions.add_waiting(tx, wednesday, f"wait {n}", "Lee")


def blocks(out: str) -> dict[str, list[str]]:
    """The lines under each heading (a line that does not start with a space)."""
    found: dict[str, list[str]] = {}
    heading = ""
    for line in out.splitlines():
        if line.startswith(" "):
            found[heading].append(line)
        else:
            heading = line
            found[heading] = []
    return found


def test_sections_are_cut_with_a_line_that_says_how_many_more(run: Run, db_path: Path) -> None:
    crowded(db_path)
    result = run("today")
    assert result.exit_code == 0, result.stderr
    shown = blocks(result.stdout)
    overdue, due_today, waiting = shown["Overdue"], shown["Due today"], shown["Waiting on others"]
    assert [line for line in overdue if ROW.match(line)] == overdue[:LIMIT]
    assert overdue[LIMIT:] == [f"  … and {OVERDUE - LIMIT} more overdue (respond today --all)"]
    assert due_today[LIMIT:] == [
        f"  … and {DUE_TODAY - LIMIT} more due today (respond today --all)"
    ]
    assert len(waiting) == WAITING  # exactly the limit: nothing left out, no line
    assert all(ROW.match(line) for line in waiting)
    # the first rows are the most overdue ones, as without the cut
    everything = blocks(run("today", "--all").stdout)
    # (the columns fit the rows shown, so only the spacing may differ)
    assert [line.split() for line in overdue[:LIMIT]] == [
        line.split() for line in everything["Overdue"][:LIMIT]
    ]


def test_all_shows_every_row_and_no_more_line(run: Run, db_path: Path) -> None:
    crowded(db_path)
    out = run("today", "--all").stdout
    shown = blocks(out)
    assert len(shown["Overdue"]) == OVERDUE
    assert len(shown["Due today"]) == DUE_TODAY
    assert "more" not in out and "--all" not in out
    assert run("today", "-a").stdout == out


def test_needs_you_now_counts_everything_either_way(run: Run, db_path: Path) -> None:
    crowded(db_path)
    cut, whole = run("today").stdout, run("today", "--all").stdout
    needs = f"Needs you now: {OVERDUE} (the prompt's count): {OVERDUE} overdue"
    assert cut.splitlines()[0] == whole.splitlines()[0] == needs


def test_json_gives_everything_with_or_without_all(run: Run, db_path: Path) -> None:
    crowded(db_path)
    data = json.loads(run("today", "--json").stdout)
    assert len(data["overdue"]) == OVERDUE
    assert len(data["due_today"]) == DUE_TODAY
    assert len(data["waiting"]) == WAITING
    assert json.loads(run("today", "--json", "--all").stdout) == data


def test_a_short_day_is_not_cut(run: Run, db_path: Path) -> None:
    from tests.support.cli import day

    day(run)
    out = run("today").stdout
    assert out == run("today", "--all").stdout
    assert "more" not in out


def test_the_more_line_wraps_under_itself_on_a_narrow_terminal(db_path: Path) -> None:
    from functools import partial

    from respond.cli.output import Environment
    from tests.support.cli import invoke

    crowded(db_path)
    narrow = partial(Environment, stdout_isatty=False, width=40)
    out = invoke("today", now="2026-11-25T10:00", obj=narrow).stdout
    lines = out.splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("  … and 37 more overdue"))
    assert lines[at + 1].startswith("  ") and "--all)" in lines[at] + lines[at + 1]

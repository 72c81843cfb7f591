"""One rule decides "overdue" for every command (issue 10, points 5 and 18).

At its exact due second an item is *due now*, not overdue; one second later it is overdue.
``today``, ``list --overdue``, ``prompt``, ``week`` (a missed check) and "chase them" all ask
:func:`respond.core.due.is_overdue`; ``today``'s header states the number the prompt shows.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.cli import Run
from tests.support.factory import generate, write

BEFORE, AT, AFTER = "2026-11-25T13:59:59", "2026-11-25T14:00:00", "2026-11-25T14:00:01"


def _setup(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 14:00")  # 1: an ask
    run("promise", "the deck", "--to", "Sam", "--by", "2026-11-25 14:00")  # 2: a promise
    run("wait", "VPN access", "--on", "Jane", "--by", "2026-11-25 14:00")  # 3: chase at 14:00
    run("add", "Invoice", "--from", "Bob", "--by", "2026-11-24 12:00", now="2026-11-24T10:00")
    run("done", "4", "--follow-up", "2026-11-25 14:00", now="2026-11-24T11:00")  # 5: follow-up


@pytest.mark.parametrize(("now", "late"), [(BEFORE, False), (AT, False), (AFTER, True)])
def test_every_command_agrees_at_the_due_second(run: Run, now: str, late: bool) -> None:
    _setup(run)
    # list --overdue
    listed = json.loads(run("list", "--overdue", "--json", now=now).stdout)
    assert sorted(item["id"] for item in listed) == ([1, 2, 3, 5] if late else [])
    # prompt
    assert run("prompt", now=now).stdout == ("!4\n" if late else "")
    # today, as text and as data
    out = run("today", now=now).stdout
    if late:
        assert "Overdue" in out and "Due today" not in out and "chase them" in out
        assert re.search(r"#5 .* <1m late", out)
    else:
        assert "Overdue" not in out and "chase them" not in out and "late" not in out
        assert re.search(r"#1 .* due 14:00", out) and re.search(r"#5 .* due 14:00", out)
    data = json.loads(run("today", "--json", now=now).stdout)
    assert [e["item"]["id"] for e in data["overdue"]] == ([1, 2] if late else [])
    assert [e["item"]["id"] for e in data["due_today"]] == ([] if late else [1, 2])
    assert [w["chase"] for w in data["waiting"]] == [late]
    # week: the reply and the promise are missed only once their time has passed
    week = json.loads(run("week", "--json", now=now).stdout)["habits"]
    assert (week["reply"]["kept"], week["reply"]["total"]) == ((1, 2) if late else (1, 1))
    assert (week["word"]["kept"], week["word"]["total"]) == ((0, 1) if late else (0, 0))


def test_a_check_kept_at_the_due_second_is_kept(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 14:00")
    run("ack", "1", "--by", "2026-11-25 15:00", now=AT)
    week = json.loads(run("week", "--json", now=AFTER).stdout)["habits"]
    assert (week["reply"]["kept"], week["reply"]["total"]) == (1, 1)


# -- point 18: today states what the prompt counts -------------------------------------------


def _header(out: str) -> str | None:
    first = out.splitlines()[0]
    return first if first.startswith("Needs you now") else None


def _header_count(out: str) -> int:
    header = _header(out)
    if header is None:
        return 0
    found = re.match(r"Needs you now: (\d+)", header)
    assert found, header
    return int(found.group(1))


def test_today_header_states_the_prompts_number(run: Run) -> None:
    _setup(run)
    assert _header(run("today", now=AT).stdout) is None
    out = run("today", now=AFTER).stdout
    assert _header(out) == (
        "Needs you now: 4 (the prompt's count): 2 overdue · 1 follow-up late · 1 to chase"
    )
    assert run("prompt", now=AFTER).stdout == "!4\n"


def test_today_and_prompt_agree_on_a_generated_database(run: Run, db_path: Path) -> None:
    end = datetime.fromisoformat("2026-11-25T09:00+01:00")
    write(db_path, generate(600, seed=7, end=end))
    for now in ("2026-11-20T08:00", "2026-11-24T17:00:01", "2026-11-25T09:00", "2026-12-01T12:00"):
        shown = run("prompt", "--format", "{overdue}", now=now).stdout.strip()
        out = run("today", now=now).stdout
        assert _header_count(out) == int(shown or 0), now
        # and the header's parts are the lines of the sections below it
        data = json.loads(run("today", "--json", now=now).stdout)
        late = [e for e in data["followups"] if e["late_seconds"] > 0]
        chase = [w for w in data["waiting"] if w["chase"]]
        assert len(data["overdue"]) + len(late) + len(chase) == int(shown or 0), now

"""A mistake costs one command (issue 22): reopen, a follow-up made by hand, and delete asking
first on a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from respond.core.history import effective, timeline
from tests.support.cli import Run
from tests.support.processes import HANG, env_for, read_terminal


def item(run: Run, number: int) -> dict:
    result = run("show", str(number), "--json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def ids(run: Run, *extra: str) -> list[int]:
    return [i["id"] for i in json.loads(run("list", "--json", *extra).stdout)]


def test_reopen_fixes_a_wrong_done_in_one_command(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-25T09:00")  # 1
    run("add", "Slides", "--from", "Kim", now="2026-11-25T09:01")  # 2
    run("ack", "1", "--by", "fri", now="2026-11-25T09:30")
    run("done", "1", now="2026-11-25T10:00")  # meant 2; follow-up #3
    run("add", "Budget", "--from", "Lee", now="2026-11-25T10:05")  # 4: a later change
    run("done", "2", now="2026-11-25T10:10")  # follow-up #5
    result = run("reopen", "1", now="2026-11-25T10:20")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "Reopened #1: Q3 numbers; acked, due Fri 17:00; removed its follow-up #3\n"
    )
    reopened = item(run, 1)
    assert reopened["status"] == "acked"  # as it was before the done
    assert [e["event"] for e in reopened["history"]][-1] == "reopened"
    assert sorted(ids(run)) == [1, 4, 5]  # the follow-up the done scheduled is gone
    assert "reopened" in run("show", "1").stdout


def test_reopen_is_undone_in_one_command(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")  # 1
    run("done", "1")  # follow-up #2
    run("reopen", "1")
    undone = run("undo")
    assert undone.exit_code == 0, undone
    assert undone.stdout == (
        "Undid reopen: restored #1: Q3 numbers (done); restored #2: Q3 numbers (open)\n"
    )
    assert item(run, 1)["status"] == "done" and ids(run) == [2]
    line = timeline(item(run, 1)["history"])
    assert line.status == "done" and line.closed_at is not None


def test_reopen_a_dropped_item_and_refusals(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")  # 1
    run("drop", "1", "--reason", "not needed")
    assert run("reopen", "#1").stdout.startswith("Reopened #1: Q3 numbers; open, due ")
    refused = run("reopen", "1")
    assert refused.exit_code == 2
    assert refused.stderr == "respond: can't reopen #1: it is open, not done or dropped\n"
    run("thanks", "Jane", "for the VPN")  # 2
    thanks = run("reopen", "2")
    assert thanks.exit_code == 2 and "is a thanks" in thanks.stderr
    assert run("reopen", "99").stderr == "respond: no item #99\n"
    assert run("reopen", "x").exit_code == 2


def test_a_changed_follow_up_stays_when_its_origin_is_reopened(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")  # 1
    run("done", "1")  # follow-up #2
    run("snooze", "2", "mon")
    result = run("reopen", "1")
    assert result.stdout.endswith("; its follow-up #2 stays (changed since)\n")
    assert sorted(ids(run)) == [1, 2]


def test_reopen_withdraws_the_closing_from_the_week_scores(run: Run) -> None:
    """The done counted as a prompt reply kept last week; reopened after its deadline, it is
    missed. ``week`` has cached the finished week: the score-change log makes it recompute."""

    def last_week(now: str) -> object:
        data = json.loads(run("week", "--json", now=now).stdout)
        return data["habits"]["reply"]["last_week"]

    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-16T09:00")  # due Tue 17 Nov 17:00
    run("done", "1", "--no-follow-up", now="2026-11-16T10:00")
    assert last_week("2026-11-23T08:00") == 100  # computed and cached
    run("reopen", "1", now="2026-11-23T08:01")
    assert last_week("2026-11-23T08:02") == 0
    run("undo", now="2026-11-23T08:03")
    assert last_week("2026-11-23T08:04") == 100


def test_effective_history_takes_back_only_the_last_closing() -> None:
    at = "2026-11-25T09:00:00+00:00"
    history = [
        {"event": "created", "at": at, "due": at},
        {"event": "done", "at": at},
        {"event": "follow-up scheduled", "at": at, "followup_id": 2},
        {"event": "edited", "at": at, "fields": ["title"]},
        {"event": "reopened", "at": at},
        {"event": "dropped", "at": at},
    ]
    assert [e["event"] for e in effective(history)] == [
        "created", "edited", "reopened", "dropped",
    ]  # fmt: skip
    assert timeline(history).status == "dropped"
    history.append({"event": "reopened", "at": at})
    assert timeline(history).status == "open" and timeline(history).closed_at is None
    history.append({"event": "undone", "at": at, "command": "reopen"})
    assert timeline(history).status == "dropped"


def test_follow_up_by_hand(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana Whitfield", "--via", "phone", "--tag", "q3")  # 1
    made = run("follow-up", "dana", "how did the launch go", "--by", "fri")
    assert made.exit_code == 0, made
    assert made.stdout == (
        'Follow up with Dana Whitfield (matched "dana") #2: how did the launch go, due Fri 17:00\n'
    )
    again = run("follow-up", "--for", "1", "--by", "mon")
    assert again.stdout == "Follow up with Dana Whitfield #3: Q3 numbers (for #1), due Mon 17:00\n"
    follow = item(run, 3)
    assert (follow["kind"], follow["for_id"], follow["channel"], follow["tags"]) == (
        "followup", 1, "phone", ["q3"],
    )  # fmt: skip
    default = run("follow-up", "Lee", "lunch")  # the [follow_up] delay: 7d from Wed
    assert default.stdout.endswith("#4: lunch, due Wed 2 Dec 17:00\n")
    assert run("undo").stdout == "Undid follow-up: removed #4\n"


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((), "give the PERSON to follow up with, or --for ID"),
        (("Dana",), "give a TITLE, or --for ID to follow up an item"),
        (("Dana", "x", "--by", "someday"), "someday"),
    ],
)
def test_follow_up_refusals(run: Run, args: tuple[str, ...], error: str) -> None:
    result = run("follow-up", *args)
    assert result.exit_code == 2 and error in result.stderr and result.stdout == ""
    assert ids(run, "--all") == []


def test_follow_up_for_a_follow_up_is_refused(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")
    run("done", "1")  # 2: a follow-up
    result = run("follow-up", "--for", "2")
    assert result.exit_code == 2 and "is itself a follow-up" in result.stderr


def test_delete_not_on_a_terminal_deletes_without_asking(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")
    result = run("delete", "1", input="n\n")
    assert result.exit_code == 0 and result.stdout.startswith("Deleted #1: Q3 numbers")
    assert run("delete", "--yes", "2").stderr == "respond: no item #2\n"


def _delete_on_a_terminal(db: Path, answer: bytes, *extra: str) -> tuple[int, str]:
    """``respond delete 1 EXTRA`` with stdin and stdout on a pseudo-terminal, typing
    ``answer`` once asked (or at once when nothing asks): its exit code and what it showed."""
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "respond", "--now", "2026-11-25T10:00", "delete", "1", *extra],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env={**env_for(db), "TERM": "dumb"},
    )
    os.close(secondary)
    shown = read_terminal(primary, b"[y/N]", answer)
    code = proc.wait(timeout=HANG)
    os.close(primary)
    return code, shown.decode()


@pytest.mark.slow
def test_delete_asks_on_a_terminal(run: Run, db_path: Path) -> None:
    run("add", "Q3 numbers", "--from", "Dana")
    code, shown = _delete_on_a_terminal(db_path, b"n\n")
    assert code == 1
    assert "Delete #1: Q3 numbers (open ask, Dana)? [y/N]" in shown
    assert "respond: #1 not deleted" in shown
    assert ids(run) == [1]
    code, shown = _delete_on_a_terminal(db_path, b"\x04")  # Ctrl-D: no
    assert code == 1 and ids(run) == [1]
    code, shown = _delete_on_a_terminal(db_path, b"y\n")
    assert code == 0 and "Deleted #1: Q3 numbers" in shown
    assert ids(run) == []
    run("undo")
    code, shown = _delete_on_a_terminal(db_path, b"", "--yes")
    assert code == 0 and "[y/N]" not in shown and ids(run) == []

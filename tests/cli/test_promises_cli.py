"""Promises and corrections (issue 10, points 7, 8 and 9): a promise can be renegotiated, a typo
in a deadline corrected at once is free, and nonsense is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import Run

WED = "2026-11-25T10:00"


def word(run: Run, now: str) -> tuple[int, int]:
    cell = json.loads(run("week", "--json", now=now).stdout)["habits"]["word"]
    return cell["kept"], cell["total"]


def reply(run: Run, now: str) -> tuple[int, int]:
    cell = json.loads(run("week", "--json", now=now).stdout)["habits"]["reply"]
    return cell["kept"], cell["total"]


# -- point 7: ack --by renegotiates a promise -------------------------------------------------


def test_ack_renegotiates_a_promise_before_its_time(run: Run) -> None:
    run("promise", "the deck", "--to", "Sam", "--by", "2026-11-26 12:00", now=WED)
    result = run("ack", "1", "--by", "fri", now="2026-11-26T10:00")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "Renegotiated #1: the deck; promised Sam by tomorrow 17:00 (was today 12:00)\n"
    )
    item = json.loads(run("show", "1", "--json").stdout)
    assert item["status"] == "open" and item["due"] == "2026-11-27T16:00:00+00:00"
    assert word(run, "2026-11-26T13:00") == (0, 0)  # the old time is not scored
    run("done", "1", "--no-follow-up", now="2026-11-27T16:00")
    assert word(run, "2026-11-27T18:00") == (1, 1)


def test_ack_after_the_promised_time_passed_breaks_the_old_promise(run: Run) -> None:
    run("promise", "the deck", "--to", "Sam", "--by", "2026-11-25 12:00", now=WED)
    result = run("ack", "1", "--by", "fri", now="2026-11-25T13:00")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "Renegotiated #1: the deck; promised Sam by Fri 17:00 "
        "(was today 12:00, already passed: that promise counts as broken)\n"
    )
    run("done", "1", "--no-follow-up", now="2026-11-26T10:00")
    assert word(run, "2026-11-26T11:00") == (1, 2)


def test_ack_still_refuses_other_kinds(run: Run) -> None:
    run("wait", "VPN", "--on", "Jane", now=WED)
    result = run("ack", "1", "--by", "fri")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "asks and promises" in result.stderr
    assert "promise" in run("ack", "--help").stdout


# -- point 8: a correction within 10 minutes replaces the scored deadline ---------------------


@pytest.mark.parametrize(
    ("edited_at", "corrects"),
    [("2026-11-25T10:05", True), ("2026-11-25T10:10:00", True), ("2026-11-25T10:10:01", False)],
)
def test_edit_by_within_ten_minutes_corrects_an_asks_deadline(
    run: Run, edited_at: str, corrects: bool
) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 11:00", now=WED)  # typo
    result = run("edit", "1", "--by", "2026-11-25 16:00", now=edited_at)
    assert result.exit_code == 0
    assert ("correction" in result.stdout) is corrects, result.stdout
    assert reply(run, "2026-11-25T12:00") == ((0, 0) if corrects else (0, 1))
    run("ack", "1", "--by", "fri", now="2026-11-25T15:00")
    assert reply(run, "2026-11-25T15:30") == ((1, 1) if corrects else (0, 1))


def test_edit_by_corrects_a_promise(run: Run) -> None:
    run("promise", "the deck", "--to", "Sam", "--by", "2026-11-25 12:00", now=WED)
    assert "correction" in run("edit", "1", "--by", "fri", now="2026-11-25T10:02").stdout
    run("done", "1", "--no-follow-up", now="2026-11-26T10:00")
    assert word(run, "2026-11-26T11:00") == (1, 1)


def test_edit_by_after_something_happened_only_moves_the_reminder(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 11:00", now=WED)
    run("snooze", "1", "2026-11-25 10:30", now="2026-11-25T10:01")
    result = run("edit", "1", "--by", "2026-11-25 16:00", now="2026-11-25T10:02")
    assert result.exit_code == 0 and "correction" not in result.stdout
    assert reply(run, "2026-11-25T12:00") == (0, 1)  # still scored against 11:00


def test_earlier_edits_do_not_end_the_correction_window(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 11:00", now=WED)
    run("edit", "1", "--title", "Q3 figures", now="2026-11-25T10:01")
    assert "correction" in run("edit", "1", "--by", "11:30", now="2026-11-25T10:02").stdout
    assert "correction" in run("edit", "1", "--by", "16:00", now="2026-11-25T10:03").stdout
    assert reply(run, "2026-11-25T12:00") == (0, 0)
    assert reply(run, "2026-11-25T16:00:01") == (0, 1)


def test_a_waiting_items_chase_time_has_nothing_to_correct(run: Run) -> None:
    run("wait", "VPN", "--on", "Jane", now=WED)
    result = run("edit", "1", "--by", "fri", now="2026-11-25T10:01")
    assert result.stdout == "Edited #1: VPN (due), due Fri 17:00\n"


def test_undone_correction_is_not_a_correction(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 11:00", now=WED)
    run("edit", "1", "--by", "2026-11-25 16:00", now="2026-11-25T10:01")
    run("undo", now="2026-11-25T10:02")
    assert reply(run, "2026-11-25T12:00") == (0, 1)


def test_edit_help_states_the_correction_rule(run: Run) -> None:
    out = " ".join(run("edit", "--help").stdout.split())
    assert "10 minutes" in out


# -- point 9: nonsense is refused ---------------------------------------------------------


def _refused(run: Run, db_path: Path, *args: str) -> str:
    before = db_path.read_bytes()
    result = run(*args)
    assert result.exit_code == 2, result
    assert result.stdout == "" and result.stderr.count("\n") == 1, result
    assert db_path.read_bytes() == before  # nothing written
    return result.stderr


def test_edit_by_on_a_thanks_is_refused(run: Run, db_path: Path) -> None:
    run("thanks", "Jane", "for the VPN")
    err = _refused(run, db_path, "edit", "1", "--by", "fri")
    assert err.startswith("respond: ") and "thanks" in err
    assert run("edit", "1", "--title", "for the VPN fix").exit_code == 0  # other fields may change


def test_wait_for_must_name_an_open_ask_or_promise(run: Run, db_path: Path) -> None:
    run("thanks", "Jane", "for the VPN")  # 1
    run("wait", "VPN", "--on", "Jane")  # 2
    run("add", "Q3", "--from", "Dana")  # 3
    run("done", "3", "--no-follow-up")
    run("add", "Laptop", "--from", "Bob")  # 4
    run("drop", "4")
    for target, why in (("1", "thanks"), ("2", "waiting"), ("3", "done"), ("4", "dropped")):
        err = _refused(run, db_path, "wait", "answer", "--on", "Lee", "--for", target)
        assert f"#{target}" in err and why in err, err
    run("add", "Budget", "--from", "Sam")  # 5
    run("ack", "5", "--by", "fri")
    run("promise", "deck", "--to", "Sam", "--by", "fri")  # 6
    assert run("wait", "a", "--on", "Lee", "--for", "5").exit_code == 0
    assert run("wait", "b", "--on", "Lee", "--for", "6").exit_code == 0
    assert "open ask or promise" in " ".join(run("wait", "--help").stdout.split())

"""Importing a real ``task export`` (made by taskwarrior 2.6.2 with
tests/fixtures/make-taskwarrior-export.sh; taskwarrior is not needed to run these tests)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from respond.formats.taskwarrior import TaskwarriorError, items_from_tasks, kind_of, parse_export
from tests.support.cli import Run
from tests.support.paths import FIXTURES

FIXTURE = FIXTURES / "taskwarrior-export.json"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def imported(run: Run) -> dict[str, dict]:
    out = run("list", "--all", "--json")
    return {item["title"]: item for item in json.loads(out.stdout)}


def test_real_export_imports_with_the_documented_mapping(run: Run) -> None:
    out = run("import", "--from", "taskwarrior", str(FIXTURE))
    assert out.exit_code == 0, out
    assert out.stdout == (
        f"Imported 11 item(s) from {FIXTURE}\n"
        "  left out: recurrence template 1 (skipped; its instances are imported)\n"
        "  left out: recurrence 1 (imported once; it does not repeat here)\n"
        "  no person: 2 (set to unknown)\n"
    )
    tasks = {t["description"]: t for t in json.loads(FIXTURE.read_text())}
    items = imported(run)
    assert len(items) == 11  # 12 tasks, less the recurring template

    q3 = items["Send the Q3 numbers"]
    assert (q3["kind"], q3["person"], q3["status"], q3["channel"]) == (
        "ask",
        "Dana",
        "open",
        "other",
    )
    assert q3["uuid"] == tasks["Send the Q3 numbers"]["uuid"]
    assert q3["due"] == "2026-11-27T15:00:00+00:00" and q3["tags"] == []
    assert (
        q3["created"]
        == datetime.strptime(tasks["Send the Q3 numbers"]["entry"], "%Y%m%dT%H%M%SZ")
        .replace(tzinfo=UTC)
        .isoformat()
    )

    slides = items["Slides for the board meeting"]  # kind from the project Work.promises
    assert (slides["kind"], slides["person"]) == ("promise", "Sam")
    assert slides["tags"] == ["deck", "project:Work.promises"]

    vpn = items["VPN access for Bob"]
    assert (vpn["kind"], vpn["person"]) == ("waiting", "Jane")
    assert vpn["note"] == "Jane says IT needs a ticket\nTicket INC-4471 filed"

    assert items["Check the new laptop works"]["kind"] == "followup"  # project: followup

    licence = items["Renew the software licence"]  # no kind word, no person
    assert (licence["kind"], licence["person"]) == ("promise", "unknown")
    assert licence["due"] == "2026-12-15T16:00:00+00:00"  # a bare date: 17:00 Berlin
    assert licence["tags"] == ["admin"]

    kim = items['Answer Kim about "budget" [draft] — Zoë\'s idea']
    assert (kim["person"], kim["due"]) == ("Kim Andersen", None)

    # wait:2026-12-01 and no due: taskwarrior 2.6+ exports it as "pending" with a wait date
    # (not as "waiting"). It is due when it comes back: the end of that working day.
    omar = items["Ask Omar about the offsite budget"]
    assert tasks["Ask Omar about the offsite budget"]["status"] == "pending"
    assert (omar["kind"], omar["person"], omar["status"]) == ("ask", "Omar", "open")
    assert omar["due"] == "2026-12-01T16:00:00+00:00"  # a bare date: 17:00 Berlin
    prep = items["Quarterly review prep"]  # waiting too, but it has a due date: that one
    assert prep["due"] == "2026-12-04T16:00:00+00:00"

    bank = items["Call the bank back"]
    assert bank["status"] == "done"
    assert [e["event"] for e in bank["history"]] == ["created", "done", "imported"]
    assert items["Old printer ticket"]["status"] == "dropped"
    assert items["Weekly report"]["status"] == "open"


def test_importing_twice_adds_nothing(run: Run, db_path: Path) -> None:
    run("import", "--from", "taskwarrior", str(FIXTURE))
    before = db_path.read_bytes()
    again = run("import", "--from", "taskwarrior", str(FIXTURE))
    assert again.exit_code == 0 and "all 11 item(s) are already here" in again.stdout
    assert db_path.read_bytes() == before


def test_imported_tasks_behave_like_any_item(run: Run) -> None:
    run("import", "--from", "taskwarrior", str(FIXTURE))
    q3 = imported(run)["Send the Q3 numbers"]
    assert run("ack", str(q3["id"]), "--by", "tomorrow").exit_code == 0
    assert run("list", "--who", "dana", "--json").exit_code == 0


@pytest.mark.parametrize(
    ("tags", "project", "expected"),
    [
        (["Ask"], "", ("ask", "Ask")),
        (["x", "wait"], "Home", ("waiting", "wait")),
        ([], "Work.thanks", ("thanks", None)),
        (["follow-up"], "asks", ("followup", "follow-up")),
        ([], "Work", ("promise", None)),
    ],
)
def test_kind_mapping(tags: list[str], project: str, expected: tuple[str, str | None]) -> None:
    assert kind_of(tags, project) == expected


def test_older_one_object_per_line_exports_are_read() -> None:
    lines = '{"uuid":"a","description":"one","status":"pending","entry":"20261125T100000Z"}\n'
    lines += '{"uuid":"b","description":"two","status":"waiting","wait":"20261201T090000Z"}\n'
    items = items_from_tasks(parse_export(lines, "x"), NOW, "x")
    assert [(i.title, i.status) for i in items] == [("one", "open"), ("two", "open")]
    assert items[1].due == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # waiting: due at wait


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{nope", "not taskwarrior JSON"),
        ('"a string"', "not a taskwarrior export"),
        ('[{"uuid": "a", "description": "d", "status": "lost"}]', "unknown status"),
        ('[{"description": "d", "status": "pending"}]', "has no uuid"),
        ('[{"uuid": "a", "description": " ", "status": "pending"}]', "has no description"),
        ('[{"uuid": "a", "description": "d", "status": "pending", "due": "soon"}]', "not a date"),
        ('{"format": "respond-export", "version": 1, "items": []}', "respond export"),
    ],
)
def test_bad_exports_are_one_line_errors(
    run: Run, tmp_path: Path, db_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "tasks.json"
    bad.write_text(text)
    with pytest.raises(TaskwarriorError, match=message):
        items_from_tasks(parse_export(text, "x"), NOW, "x")
    out = run("import", "--from", "taskwarrior", str(bad))
    assert out.exit_code == 2 and out.stderr.count("\n") == 1 and message in out.stderr
    assert not db_path.exists()


LOSSY = FIXTURES / "taskwarrior-lossy.json"  # make-taskwarrior-lossy.sh


def test_the_import_says_what_it_left_out(run: Run) -> None:
    """Made by a real taskwarrior on Tue 24 Nov 2026 09:00: priority on 3 tasks, a dependency,
    scheduled/until, a started task, the UDA estimate on 2, a recurring task, a wait that has
    passed by the import (Wed 25 Nov 10:00) and one still to come, 4 tasks without a person."""
    out = run("import", "--from", "taskwarrior", str(LOSSY))
    assert out.exit_code == 0, out
    assert out.stdout == (
        f"Imported 7 item(s) from {LOSSY}\n"
        "  left out: recurrence template 1 (skipped; its instances are imported)\n"
        "  left out: recurrence 1 (imported once; it does not repeat here)\n"
        "  no person: 4 (set to unknown)\n"
        "  left out: priority 3\n"
        "  left out: depends 1\n"
        "  left out: scheduled 1\n"
        "  left out: until 1\n"
        "  left out: start 1\n"
        "  left out: passed wait 1 (ignored: not overdue)\n"
        "  left out: UDA estimate 2\n"
    )
    items = imported(run)
    caterer = items["Call the caterer"]  # wait:2026-11-24T08:00, passed: an ordinary task
    assert caterer["due"] is None and caterer["status"] == "open"
    assert "Call the caterer" not in run("list", "--overdue").stdout
    budget = items["Write the budget"]  # wait:2026-11-30, still to come: due then
    assert budget["due"] == "2026-11-30T16:00:00+00:00"
    again = run("import", "--from", "taskwarrior", str(LOSSY))
    assert again.stdout == f"Imported nothing from {LOSSY}: all 7 item(s) are already here\n"


def test_only_what_the_added_tasks_had_is_counted(run: Run, tmp_path: Path) -> None:
    tasks = json.loads(LOSSY.read_text())
    first = tmp_path / "first.json"
    first.write_text(json.dumps(tasks[:1]))  # Book the venue: priority H
    assert run("import", "--from", "taskwarrior", str(first)).stdout.endswith(
        "\n  left out: priority 1\n"
    )
    out = run("import", "--from", "taskwarrior", str(LOSSY)).stdout
    assert "(1 already here)" in out and "  left out: priority 2\n" in out


def test_a_passed_wait_is_not_a_due_date() -> None:
    task = {"uuid": "u", "description": "x", "status": "pending", "entry": "20261120T080000Z"}
    later = items_from_tasks([{**task, "wait": "20261126T080000Z"}], NOW, "f")
    assert later[0].due == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    passed = items_from_tasks([{**task, "wait": "20261125T085959Z"}], NOW, "f")
    assert passed[0].due is None and passed[0].is_open
    waiting = items_from_tasks(
        [{**task, "status": "waiting", "wait": "20261125T090000Z"}], NOW, "f"
    )
    assert waiting[0].due is None  # at the wait's own second it is back

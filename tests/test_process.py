"""What only a real process shows: the installed entry point, concurrent writers, imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.processes import modules_after, respond, spawn


def test_console_script_and_module_both_work(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    added = respond(db, "--now", "2026-11-25T10:00", "add", "Q3 numbers", "--from", "Dana")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added #1: Q3 numbers for Dana, due tomorrow 17:00\n"
    listed = respond(db, "list", "--json", module=True)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["title"] == "Q3 numbers"
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_help_explains_every_command(tmp_path: Path) -> None:
    out = respond(tmp_path / "db.json", "--help")
    assert out.returncode == 0
    for command in ("add", "promise", "ack", "wait", "done", "drop", "snooze", "edit", "show"):
        assert command in out.stdout
    for command in ("undo", "list", "today"):
        sub = respond(tmp_path / "db.json", command, "--help")
        assert sub.returncode == 0 and "Usage" in sub.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_text("{not json")
    out = respond(db, "list")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert db.read_text() == "{not json"


@pytest.mark.slow
@pytest.mark.parametrize("writers", [8])
def test_concurrent_adds_all_land(tmp_path: Path, writers: int) -> None:
    db = tmp_path / "db.json"
    procs = [spawn(db, "add", f"task {n}", "--from", f"P{n}") for n in range(writers)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    items = json.loads(respond(db, "list", "--json").stdout)
    assert sorted(i["title"] for i in items) == sorted(f"task {n}" for n in range(writers))
    assert sorted(i["id"] for i in items) == list(range(1, writers + 1))


def test_commands_import_only_what_they_use(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    help_mods = modules_after(db, "--help")
    assert not {"rich", "tinydb", "dateutil"} & help_mods
    list_mods = modules_after(db, "list", "--json")
    assert "tinydb" in list_mods
    assert not {"rich", "dateutil"} & list_mods

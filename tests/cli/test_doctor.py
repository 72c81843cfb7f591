"""Damaged databases: refused in one line, never overwritten; ``respond doctor`` finds what is
wrong and ``--repair`` restores the newest good backup, keeping the damaged file aside."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from respond.storage import backups
from tests.support.cli import NOW, Run
from tests.support.processes import respond


def fill(run: Run, n: int = 3) -> None:
    for k in range(n):
        assert run("add", f"task {k}", "--from", "Kim").exit_code == 0


def edit_raw(db: Path, change: Callable[[dict[str, Any]], object]) -> None:
    data = json.loads(db.read_bytes())
    change(data)
    db.write_text(json.dumps(data))
    os.chmod(db, 0o600)


DAMAGE = {
    "truncated": lambda good: good[: len(good) // 2],
    "empty": lambda good: b"",
    "garbage": lambda good: b"\x00\xff\xfe garbage \x1b[31m",
    "not respond": lambda good: b'{"items": [1, 2, 3]}',
    "bad table": lambda good: b'{"meta": {"1": {"schema": 2}}, "items": {"x": 5}}',
    "bad next ID": lambda good: good.replace(b'"next_id":4', b'"next_id":"4"'),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_database_is_one_line_naming_file_and_fix_and_never_overwritten(
    run: Run, db_path: Path, kind: str
) -> None:
    fill(run)
    damaged = DAMAGE[kind](db_path.read_bytes())
    db_path.write_bytes(damaged)
    kept = [path.read_bytes() for _, path in backups.backups(db_path)]
    result = respond(db_path, "--now", NOW, "add", "more", "--from", "Kim")  # a real process
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("respond: ")
    assert str(db_path) in result.stderr and "respond doctor --repair" in result.stderr
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    for args in (("list",), ("today",), ("show", "1"), ("done", "1"), ("undo",)):
        again = run(*args)
        assert again.exit_code == 2 and again.stderr.count("\n") == 1, (args, again)
    assert db_path.read_bytes() == damaged
    assert [path.read_bytes() for _, path in backups.backups(db_path)] == kept


def test_doctor_on_a_healthy_database(run: Run, db_path: Path) -> None:
    fill(run)
    result = run("doctor")
    assert result.exit_code == 0, result
    assert "ok       loads: 3 items, schema 3" in result.stdout
    assert result.stdout.endswith("healthy\n")


def test_repair_keeps_the_damaged_file_aside_and_restores_the_newest_good_backup(
    tmp_path: Path,
) -> None:
    db = tmp_path / "respond.json"
    for k in range(4):  # full writes (a capture replaces no file: see test_backup_choice)
        respond(db, "--now", NOW, "add", f"task {k}", "--from", "Kim", RESPOND_NO_LANE="1")
    good = db.read_bytes()
    db.write_bytes(good[:100])  # truncated by a full disk, a bad sync, a crash elsewhere

    checked = respond(db, "doctor")
    assert checked.returncode == 2
    assert "unusable loads:" in checked.stdout and "not valid JSON" in checked.stdout
    assert f"--repair restores 3 items from the backup of {date.today()}" in checked.stdout

    repaired = respond(db, "doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    first = repaired.stdout.splitlines()[0]
    assert first.startswith("repaired: moved the damaged file to respond.json.broken-")
    assert f"restored 3 items from the backup of {date.today()} (as saved at " in first
    assert first.endswith("; next ID kept at 5")  # read from what is left of the damaged file
    (aside,) = tmp_path.glob("respond.json.broken-*")
    assert aside.read_bytes() == good[:100] and oct(aside.stat().st_mode & 0o777) == "0o600"
    titles = [i["title"] for i in json.loads(respond(db, "list", "--json").stdout)]
    assert titles == ["task 0", "task 1", "task 2"]  # the copy kept before the last change
    added = respond(db, "--now", NOW, "add", "goes on", "--from", "Kim")
    assert added.stdout.startswith("Added #5:")  # #4 was issued before the damage: not reused


def test_repair_skips_backups_that_do_not_load(run: Run, db_path: Path) -> None:
    fill(run, 3)
    ((_, newest),) = backups.backups(db_path)  # today's: 2 items
    older = backups.backup_dir(db_path) / "2026-01-01.json"
    older.write_bytes(newest.read_bytes())
    newest.write_bytes(b"{broken")
    db_path.write_bytes(b"")
    result = run("doctor", "--repair")
    assert "restored 2 items from the backup of 2026-01-01" in result.stdout
    assert result.exit_code == 0


def test_without_a_good_backup_repair_leaves_the_file_alone(run: Run, db_path: Path) -> None:
    db_path.write_bytes(b"{garbage")
    checked = run("doctor", "--repair")
    assert checked.exit_code == 2
    assert "no good backup to restore" in checked.stdout and "moved" not in checked.stdout
    assert db_path.read_bytes() == b"{garbage"
    assert not list(db_path.parent.glob("*broken*"))


def test_a_missing_database_with_backups_is_restored(run: Run, db_path: Path) -> None:
    fill(run, 3)
    db_path.unlink()
    assert run("doctor").exit_code == 1
    repaired = run("doctor", "--repair")
    assert "restored 2 items" in repaired.stdout and repaired.exit_code == 0


def test_permissions_are_checked_and_repaired(run: Run, db_path: Path) -> None:
    fill(run, 2)
    folder = backups.backup_dir(db_path)
    for path, loose in ((db_path, 0o644), (db_path.with_name("respond.json.lock"), 0o666)):
        os.chmod(path, loose)
    os.chmod(folder, 0o755)
    checked = run("doctor")
    assert checked.exit_code == 1
    assert "file respond.json is open to others (mode 0644)" in checked.stdout
    assert "folder respond.json.backups is open to others (mode 0755)" in checked.stdout
    assert run("doctor", "--repair").exit_code == 0
    assert oct(db_path.stat().st_mode & 0o777) == "0o600"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_next_id_behind_the_items_is_found_and_moved_on(run: Run, db_path: Path) -> None:
    fill(run, 3)
    edit_raw(db_path, lambda d: d["meta"]["1"].update(next_id=2))
    checked = run("doctor")
    assert checked.exit_code == 1 and "next ID 2 is not above the highest #3" in checked.stdout
    assert "next ID set to 4" in run("doctor", "--repair").stdout
    assert run("add", "x", "--from", "Kim").stdout.startswith("Added #4:")


def test_links_and_items_are_checked(run: Run, db_path: Path) -> None:
    fill(run, 3)
    assert run("wait", "relay", "--on", "Jane", "--for", "1").exit_code == 0  # #4 for #1
    assert run("delete", "1").exit_code == 0
    noted = run("doctor")
    assert (
        noted.exit_code == 0 and "note     links: #4 is for #1, which was deleted" in noted.stdout
    )

    def corrupt(data: dict) -> None:
        data["items"]["4"]["for_id"] = 99
        data["items"]["2"]["kind"] = "chore"
        data["items"]["3"]["title"] = "   "

    edit_raw(db_path, corrupt)
    checked = run("doctor", "--repair")  # nothing here is repaired automatically
    assert checked.exit_code == 1
    assert "problem  links: #4 is for #99, an ID never issued" in checked.stdout
    assert (
        "problem  items: #2: unknown kind (edit can't change that: correct the file by hand, "
        "or respond delete 2)"
    ) in checked.stdout
    assert "problem  items: #3: title is blank (fix it with edit)" in checked.stdout


def test_doctor_of_a_new_install_is_healthy(run: Run, db_path: Path) -> None:
    result = run("doctor")
    assert result.exit_code == 0 and "no database yet" in result.stdout
    assert not db_path.exists()


def test_a_damaged_item_blocks_reading_not_the_rest_and_repair_moves_only_it(
    run: Run, db_path: Path
) -> None:
    fill(run, 3)
    edit_raw(db_path, lambda d: d["items"]["2"].update(created="yesterday-ish"))
    record = json.loads(db_path.read_bytes())["items"]["2"]
    for args in (("list",), ("show", "2"), ("today",), ("week",)):
        result = run(*args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert "damaged item #2" in result.stderr and "respond doctor --repair" in result.stderr
    assert run("show", "1").exit_code == 0  # reads that don't need #2 don't build it
    assert run("add", "more", "--from", "Kim").exit_code == 0  # writes keep it as it was
    assert json.loads(db_path.read_bytes())["items"]["2"] == record

    checked = run("doctor")
    assert checked.exit_code == 2
    assert "unusable items: #2 can't be read (bad created time)" in checked.stdout
    repaired = run("doctor", "--repair")
    assert repaired.exit_code == 0, repaired
    assert "repaired: moved unreadable item #2 to respond.json.broken-" in repaired.stdout
    (aside,) = db_path.parent.glob("respond.json.broken-*-item-2.json")
    assert json.loads(aside.read_bytes()) == {"2": record}
    titles = [i["title"] for i in json.loads(run("list", "--json").stdout)]
    assert titles == ["task 0", "task 2", "more"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", 5), ("person", None), ("channel", True), ("tags", "urgent"), ("tags", [1]),
     ("for_id", True), ("for_id", "1"), ("due", 3), ("status", []), ("note", ["x"]),
     ("kind", {"ask": 1}), ("updated", 0.5), ("history", "created")],
)  # fmt: skip
def test_a_field_of_the_wrong_type_makes_the_item_damaged_not_a_traceback(
    run: Run, db_path: Path, field: str, value: object
) -> None:
    """Found by fuzzing: a channel of ``true`` crashed ``show``, a status of ``[]`` crashed
    ``today``. Now the type of every field is checked as the item is read."""
    fill(run, 3)
    edit_raw(db_path, lambda d: d["items"]["2"].update({field: value}))
    for args in (("today",), ("show", "2"), ("list", "--all"), ("week",)):
        result = run(*args)
        assert result.exit_code == 2 and "damaged item #2" in result.stderr, (args, result)
    checked = run("doctor")
    assert checked.exit_code == 2 and "unusable items: #2 can't be read" in checked.stdout
    assert run("doctor", "--repair").exit_code == 0
    assert run("today").exit_code == 0


@pytest.mark.parametrize(
    "damage",
    [
        {"changes": "?"},
        {"changes": [{"id": 2}]},
        {"changes": [{"id": 2, "before": 5}]},
        {"created": [[5, 2]]},
    ],
    ids=["changes not a list", "no before-image", "before-image not an item", "bad created"],
)
def test_a_damaged_undo_journal_stops_undo_cleanly_and_repair_drops_it(
    run: Run, db_path: Path, damage: dict[str, object]
) -> None:
    fill(run, 2)
    edit_raw(db_path, lambda d: d["journal"]["2"].update(damage))
    result = run("undo")
    assert result.exit_code == 2 and "damaged undo journal" in result.stderr
    assert run("doctor").exit_code == 1
    assert "dropped 1 damaged undo entry" in run("doctor", "--repair").stdout
    assert run("undo").stdout == "Undid add: removed #1\n"


@pytest.mark.parametrize(
    ("change", "refused", "issue"),
    [
        ({"kind": "chore"}, "has an unknown kind 'chore'", "problem  items: #1: unknown kind"),
        ({"title": "  "}, "has a bad title '  '", "problem  items: #1: title is blank"),
        (
            {"tags": ["two words"]},
            "bad tag 'two words': tags are single words",
            "problem  items: #1: tags are not a list of words",
        ),
        (
            {"updated": "garbage"},  # import used to crash on it
            "has a bad updated time 'garbage'",
            "unusable items: #1 can't be read (bad updated time)",
        ),
    ],
)
def test_import_and_doctor_judge_a_record_by_the_same_rule(
    run: Run, db_path: Path, tmp_path: Path, change: dict[str, object], refused: str, issue: str
) -> None:
    fill(run, 1)
    document = json.loads(run("export").stdout)
    document["items"][0].update(change)
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(document))
    out = run("import", str(exported))
    assert out.exit_code == 2 and out.stderr == f"respond: {exported}: item 1: {refused}\n"
    edit_raw(db_path, lambda d: d["items"]["1"].update(change))
    assert issue in run("doctor").stdout

"""The active file and the archive: old closed items move to quarterly archive files beside
the database, commands that show history read them (and only those), and nothing is lost or
duplicated whatever the order of writes a crash interrupts.

Real files in a temp folder; the CLI in-process (``run``) or as real processes."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from respond.core import actions
from respond.core.actions import Env
from respond.core.clock import FixedClock, from_iso
from respond.core.people import RECENT_DAYS
from respond.core.review import REVIEW_WINDOW
from respond.storage import archive, database, periods, summaries
from respond.storage.database import Store
from respond.storage.doctor import check
from tests.support.cli import Run
from tests.support.processes import respond

NOW = "2026-11-25T10:00"  # a Wednesday; the cutoff is 21 Oct
DAY2 = "2026-11-26T10:00"


def act(db: Path, when: str, action: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """Run a core action at ``when`` (UTC) as the CLI would, but with no archiving pass."""
    env = Env(FixedClock(from_iso(when + "+00:00")))
    with Store(db).transaction() as tx:
        return action(tx, env, *args, **kw)


def build(db: Path) -> None:
    """Three months of use: items closed in Q3 and in October (older than the window), a
    recent one, open ones, and an old waiting-on answered for an ask that is still open."""
    act(db, "2026-07-20T09:00", actions.thank, "Bob Okafor", "for the old fix")  # 1
    act(db, "2026-08-03T10:00", actions.add_ask, "old ask", "Ann Lee")  # 2
    act(db, "2026-08-04T10:00", actions.complete, 2)  # follow-up 3
    act(db, "2026-08-12T10:00", actions.complete, 3)
    act(db, "2026-08-10T10:00", actions.add_ask, "still open", "Dana Whitfield")  # 4
    act(db, "2026-08-10T11:00", actions.add_waiting, "ask Eve", "Eve Laurent", 4)  # 5
    act(db, "2026-08-12T11:00", actions.complete, 5)  # answered: relay back to Dana
    act(db, "2026-10-05T09:00", actions.add_ask, "october ask", "Cy Young")  # 6
    act(db, "2026-10-06T09:00", actions.complete, 6)  # follow-up 7
    act(db, "2026-10-10T09:00", actions.drop, 7)
    act(db, "2026-09-01T09:00", actions.add_promise, "bob's deck", "Bob Okafor", "2026-09-04")
    act(db, "2026-09-03T09:00", actions.complete, 8, no_follow_up=True)  # 8
    act(db, "2026-11-20T09:00", actions.add_ask, "recent open", "Ann Lee")  # 9
    act(db, "2026-11-23T09:00", actions.add_ask, "recent done", "Cy Young")  # 10
    act(db, "2026-11-23T10:00", actions.complete, 10, no_follow_up=True)


ARCHIVED = {"2026-Q3": [1, 2, 3, 8], "2026-Q4": [6, 7]}
ACTIVE = [4, 5, 9, 10]


def archive_files(db: Path) -> dict[str, list[int]]:
    out = {}
    for path in sorted(periods.archive_dir(db).glob("*.json")):
        out[path.stem] = sorted(int(k) for k in json.loads(path.read_bytes())["items"])
    return out


def active_ids(db: Path) -> list[int]:
    return sorted(int(k) for k in json.loads(db.read_bytes())["items"])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def archived(run: Run, db_path: Path) -> dict[str, str]:
    """The database after its first archiving pass (by an ``add`` on 25 Nov), and what the
    single-file database showed before it."""
    build(db_path)
    before = {
        "list --all": run("list", "--all", "--json").stdout,
        "export": run("export").stdout,
        "week": run("week", "--weeks", "20", "--json").stdout,
        "who": run("who", "bob", "--json").stdout,
        "people": run("people", "--days", "365", "--json").stdout,
        "show": run("show", "2", "--json").stdout,
    }
    assert periods.periods_on_disk(db_path) == []
    assert run("add", "today's ask", "--from", "Kim").stdout.startswith("Added #11:")
    return before


def test_the_window_covers_what_everyday_commands_read_from_the_active_file() -> None:
    window = periods.WINDOW
    assert window >= REVIEW_WINDOW + timedelta(days=5)
    assert window >= timedelta(days=RECENT_DAYS) + timedelta(days=5)
    assert window >= timedelta(weeks=2)  # this week's and last week's scores


def test_first_change_of_the_day_moves_old_closed_items_to_quarterly_files(
    run: Run, db_path: Path, archived: dict[str, str]
) -> None:
    assert archive_files(db_path) == ARCHIVED  # by closing quarter (Q3: Jul-Sep, Q4: Oct-)
    assert active_ids(db_path) == [*ACTIVE, 11]  # open, recent, and the relay pair 4 <- 5
    folder = periods.archive_dir(db_path)
    assert folder.name == "respond.json.archive" and mode(folder) == 0o700
    assert {p.name: mode(p) for p in folder.iterdir()} == {
        "2026-Q3.json": 0o600,
        "2026-Q4.json": 0o600,
        "summaries.cache": 0o600,  # who's summaries of them (the active file holds none)
        "people.cache": 0o600,  # everyone's names in them, with counts (nor those)
    }
    meta = json.loads(db_path.read_bytes())["meta"]["1"]
    assert all("who" not in entry for entry in meta["archive"]["files"].values())
    assert all("people" not in entry for entry in meta["archive"]["files"].values())
    assert meta["schema"] == 3 and meta["next_id"] == 12 and meta["archive"]["on"] == "2026-11-25"
    q3 = meta["archive"]["files"]["2026-Q3"]
    assert q3["items"] == 4 and q3["ids"] == [1, 8]
    counts = json.loads((folder / "people.cache").read_bytes())
    assert counts["people"] == {  # by file
        "2026-Q3": {"Bob Okafor": 2, "Ann Lee": 2},
        "2026-Q4": {"Cy Young": 2},
    }
    assert counts["files"] == {p: e["fingerprint"] for p, e in meta["archive"]["files"].items()}
    # Everything reads as before, the new item aside.
    listed = json.loads(run("list", "--all", "--json").stdout)
    assert [i for i in listed if i["id"] != 11] == json.loads(archived["list --all"])
    for args, key in (
        (("week", "--weeks", "20", "--json"), "week"),
        (("who", "bob", "--json"), "who"),
        (("show", "2", "--json"), "show"),
    ):
        assert run(*args).stdout == archived[key], args
    people = json.loads(run("people", "--days", "365", "--json").stdout)
    assert [row for row in people if row["person"] != "Kim"] == json.loads(archived["people"])
    exported = json.loads(run("export").stdout)["items"]
    assert [i for i in exported if i["id"] != 11] == json.loads(archived["export"])["items"]


def test_archiving_runs_at_most_once_a_day(run: Run, db_path: Path, archived: dict) -> None:
    files = periods.archive_dir(db_path)
    seen = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files.iterdir()}
    assert run("done", "11").exit_code == 0  # the same day: no pass, archive untouched
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files.iterdir()} == seen
    act(db_path, "2026-10-12T09:00", actions.complete, 9)  # (closed, but touched today...)
    assert run("add", "next day", "--from", "Kim", now=DAY2).exit_code == 0
    meta = json.loads(db_path.read_bytes())["meta"]["1"]["archive"]
    assert meta["on"] == "2026-11-26"
    assert 9 in active_ids(db_path)  # ... so it stays until 35 days after its last change


def test_everyday_commands_never_open_the_archive(
    run: Run, db_path: Path, archived: dict[str, str]
) -> None:
    shown = {args: run(*args).stdout for args in (("today",), ("list",), ("list", "--who", "ann"))}
    today_json = run("today", "--json").stdout
    garbage = b"\x00 not json"
    for path in periods.archive_dir(db_path).glob("*.json"):
        path.write_bytes(garbage)  # any read of an archive file would now fail
    for args, out in shown.items():
        again = run(*args)
        assert (again.exit_code, again.stdout) == (0, out), args
    assert run("today", "--json").stdout == today_json
    assert run("add", "more", "--from", "bob").stdout.startswith(
        'Added #12: more for Bob Okafor (matched "bob")'  # names come from the meta
    )
    assert run("done", "9").exit_code == 0 and run("show", "9").exit_code == 0
    assert respond(db_path, "--now", NOW, "prompt", "--format", "{open}").stdout == "4\n"
    # `week` with a warm score cache needs no archive (finished weeks come from the cache)...
    assert run("week").exit_code == 0
    # ...but without the cache it reads history, like the others.
    (db_path.parent / (db_path.name + ".scores")).unlink(missing_ok=True)
    # What needs history says what is wrong, in one line, and changes nothing.
    for args in (
        ("week",), ("who", "ann"), ("export",), ("list", "--all"), ("people",), ("show", "2"),
        ("undo",), ("people", "rename", "Ann Lee", "Ann"),
    ):  # fmt: skip
        result = run(*args) if args[0] != "undo" else run("edit", "2", "--note", "x")
        assert result.exit_code == 2, (args, result)
        assert result.stderr.count("\n") == 1 and "archive file" in result.stderr, args
        assert "respond doctor" in result.stderr
    assert all(p.read_bytes() == garbage for p in periods.archive_dir(db_path).glob("*.json"))
    doctor = respond(db_path, "doctor", "--repair")
    assert doctor.returncode == 1 and "problem  archive: respond.json.archive/2026-Q3.json" in (
        doctor.stdout
    )
    assert "never overwritten" in doctor.stdout
    assert all(p.read_bytes() == garbage for p in periods.archive_dir(db_path).glob("*.json"))


def test_show_edit_and_undo_of_an_archived_item(run: Run, db_path: Path, archived: dict) -> None:
    assert run("show", "2", "--json").stdout == archived["show"]  # found in the archive
    assert run("done", "2").stderr == "respond: can't complete #2: it is already done\n"
    assert run("edit", "2", "--note", "found it").exit_code == 0
    assert 2 in active_ids(db_path) and 2 not in archive_files(db_path)["2026-Q3"]
    item = json.loads(run("show", "2", "--json").stdout)
    assert (item["note"], item["history"][-1]["event"]) == ("found it", "edited")
    assert run("undo").stdout == "Undid edit: restored #2: old ask (done)\n"
    item = json.loads(run("show", "2", "--json").stdout)
    assert item["note"] == "" and item["history"][-1]["event"] == "undone"
    ids = [i["id"] for i in json.loads(run("list", "--all", "--json").stdout)]
    assert sorted(ids) == list(range(1, 12))  # once each
    assert check(db_path).exit_code == 0


def test_delete_of_an_archived_item_and_its_undo(run: Run, db_path: Path, archived: dict) -> None:
    assert run("delete", "8").exit_code == 0
    assert 8 not in archive_files(db_path)["2026-Q3"] and 8 not in active_ids(db_path)
    assert run("show", "8").stderr == "respond: no item #8\n"
    assert run("undo").stdout == "Undid delete: restored #8: bob's deck (done)\n"
    assert 8 in active_ids(db_path)
    assert run("show", "8").exit_code == 0
    assert check(db_path).exit_code == 0


def test_undo_of_a_change_made_before_the_item_was_archived(run: Run, db_path: Path) -> None:
    build(db_path)
    act(db_path, "2026-10-01T09:00", actions.edit, 2, add_tags=["late"])  # the last change
    assert run("add", "x", "--from", "Kim").exit_code == 0
    assert run("undo").exit_code == 0  # the add
    assert 2 in archive_files(db_path)["2026-Q3"]  # archived since its edit
    assert run("undo").stdout == "Undid edit: restored #2: old ask (done)\n"
    assert 2 in active_ids(db_path) and 2 not in archive_files(db_path)["2026-Q3"]
    assert json.loads(run("show", "2", "--json").stdout)["tags"] == []


def test_rename_renames_archived_items_too(run: Run, db_path: Path, archived: dict) -> None:
    result = run("people", "rename", "bob", "Robert Okafor")
    assert result.stdout == "Renamed Bob Okafor to Robert Okafor on 2 items\n"
    people = {i["person"] for i in json.loads(run("export").stdout)["items"]}
    assert "Bob Okafor" not in people and "Robert Okafor" in people
    assert json.loads(run("who", "robert", "--json").stdout)["stats"]["items"] == 2
    assert run("undo").exit_code == 0
    assert json.loads(run("who", "bob", "--json").stdout)["stats"]["items"] == 2
    assert check(db_path).exit_code == 0


def test_import_skips_items_already_in_the_archive(
    run: Run, db_path: Path, archived: dict, tmp_path: Path
) -> None:
    exported = tmp_path / "all.json"
    assert run("export", "--output", str(exported)).exit_code == 0
    result = run("import", str(exported))
    assert result.stdout.startswith("Imported nothing from ") and "all 11 item(s)" in result.stdout


def test_ids_are_never_reused_even_when_the_highest_is_archived(run: Run, db_path: Path) -> None:
    build(db_path)
    act(db_path, "2026-08-01T09:00", actions.thank, "Zoe", "for the highest ID")  # 11
    assert run("undo").exit_code == 0  # nothing in the active file shows #11 any more...
    act(db_path, "2026-08-01T09:00", actions.thank, "Zoe", "again")  # 12
    assert run("add", "x", "--from", "Kim", now=DAY2).stdout.startswith("Added #13:")
    assert 12 in archive_files(db_path)["2026-Q3"]
    data = json.loads(db_path.read_bytes())
    data["meta"]["1"]["next_id"] = 1  # a next ID gone wrong (a hand edit, an old restore)
    db_path.write_text(json.dumps(data))
    assert run("add", "y", "--from", "Kim", now=DAY2).stdout.startswith("Added #14:")


def test_the_prompt_state_counts_open_items_after_archiving(
    run: Run, db_path: Path, archived: dict
) -> None:
    from respond.storage.state import state_path

    state = Path(state_path(str(db_path))).read_bytes().splitlines()
    open_items = [i for i in json.loads(run("export").stdout)["items"] if i["status"] == "open"]
    assert int(state[1]) == len(open_items) == 3  # 4, 9 and today's 11, all active
    prompt = respond(db_path, "--now", NOW, "prompt", "--format", "{overdue}/{today}/{open}")
    assert prompt.stdout == "2/0/3\n"  # the August ask and the one of 20 Nov are overdue


def test_a_clock_set_back_before_the_last_pass_reads_the_archive(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    build(db_path)
    single = tmp_path / "single.json"
    single.write_bytes(db_path.read_bytes())
    assert run("add", "x", "--from", "Kim").exit_code == 0 and run("undo").exit_code == 0
    assert archive_files(db_path) == ARCHIVED
    for when in ("2026-10-08T10:00", "2026-08-12T12:00", NOW):
        ours = run("today", "--json", now=when).stdout
        theirs = respond(single, "--now", when, "today", "--json").stdout
        assert ours == theirs, when


class Crash(BaseException):
    """A simulated SIGKILL: nothing after it runs, files written so far stay."""


@contextlib.contextmanager
def crash_at(step: str) -> Iterator[None]:
    """Kill the transaction in the block when its commit reaches ``step``."""

    def hook(reached: str) -> None:
        if reached == step:
            raise Crash(step)

    real = archive.commit_step  # (called from the archive's writes and the active file's)
    archive.commit_step = database.commit_step = hook
    try:
        with pytest.raises(Crash):
            yield
    finally:
        archive.commit_step = database.commit_step = real


def test_a_crash_between_the_archive_and_the_active_write_leaves_items_in_both(
    run: Run, db_path: Path
) -> None:
    build(db_path)
    single = json.loads(run("export").stdout)["items"]
    with crash_at("archive"):
        act_now(db_path, NOW, actions.add_ask, "lost", "Kim")
    assert archive_files(db_path) == ARCHIVED  # written...
    assert set(ACTIVE) | {1, 2, 3, 6, 7, 8} == set(active_ids(db_path))  # ... and still active
    assert json.loads(run("export").stdout)["items"] == single  # once each: the uuid decides
    report = check(db_path)
    assert report.exit_code == 1
    assert any("6 item(s) in two files" in line for line in report.lines())
    # The next change finishes the job: the archive files drop what the active file holds.
    assert run("add", "kept", "--from", "Kim").stdout.startswith("Added #11:")
    assert archive_files(db_path) == ARCHIVED and active_ids(db_path) == [*ACTIVE, 11]
    assert check(db_path).exit_code == 0


def test_doctor_repair_removes_the_copies_a_crash_left(run: Run, db_path: Path) -> None:
    build(db_path)
    single = json.loads(run("export").stdout)["items"]
    with crash_at("archive"):
        act_now(db_path, NOW, actions.add_ask, "lost", "Kim")
    repaired = respond(db_path, "doctor", "--repair")
    assert "repaired: removed 6 extra copies of archived items" in repaired.stdout
    assert repaired.returncode == 0, repaired.stdout
    assert json.loads(run("export").stdout)["items"] == single
    assert sum(map(len, archive_files(db_path).values())) + len(active_ids(db_path)) == 10


@pytest.mark.parametrize("step", ["active", "replaced"])
@pytest.mark.parametrize("change", ["edit", "delete"])
def test_a_crash_after_the_active_write_keeps_the_change_that_took_an_item_out_of_the_archive(
    run: Run, db_path: Path, archived: dict, step: str, change: str
) -> None:
    with crash_at(step):
        if change == "edit":
            act_now(db_path, NOW, actions.edit, 2, note="new note")
        else:
            act_now(db_path, NOW, actions.delete, 2)
    # The archive file may still hold #2; the active file (or its record of what was dropped)
    # says what is true.
    shown = run("show", "2", "--json")
    if change == "edit":
        assert json.loads(shown.stdout)["note"] == "new note"
    else:
        assert shown.stderr == "respond: no item #2\n"
    ids = [i["id"] for i in json.loads(run("list", "--all", "--json").stdout)]
    assert sorted(ids) == [n for n in range(1, 12) if change == "edit" or n != 2]
    assert run("add", "next", "--from", "Kim").exit_code == 0
    assert 2 not in archive_files(db_path)["2026-Q3"]
    assert check(db_path).exit_code == 0


def act_now(db: Path, when: str, action: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """A core action in a transaction that may archive, as the CLI runs them."""
    env = Env(FixedClock(from_iso(when + "+01:00")))
    with Store(db).transaction(now=env.now()) as tx:
        return action(tx, env, *args, **kw)


def test_a_missing_archive_file_stops_history_commands_until_doctor_forgets_it(
    run: Run, db_path: Path, archived: dict
) -> None:
    (periods.archive_dir(db_path) / "2026-Q4.json").unlink()
    # (a warm score cache would answer `week` without the archive: this asks for history)
    (db_path.parent / (db_path.name + ".scores")).unlink(missing_ok=True)
    week = run("week")
    assert week.exit_code == 2 and "2026-Q4.json is missing (2 items)" in week.stderr
    assert run("today").exit_code == 0
    doctor = respond(db_path, "doctor")
    assert doctor.returncode == 1 and "2026-Q4.json is missing (2 items)" in doctor.stdout
    repaired = respond(db_path, "doctor", "--repair")
    assert "repaired: forgot the missing archive file 2026-Q4.json" in repaired.stdout
    assert repaired.returncode == 0, repaired.stdout
    assert run("week").exit_code == 0
    left: dict[str, int] = {}  # the names of what is left: the counts forget the file too
    for path in periods.archive_dir(db_path).glob("*.json"):
        periods.count_people(json.loads(path.read_bytes())["items"].values(), left)
    active = json.loads(db_path.read_bytes())["items"].values()
    assert Store(db_path).person_counts() == periods.count_people(active, dict(left))
    assert run("add", "next", "--from", "Kim").exit_code == 0
    counts = periods.archive_dir(db_path) / "people.cache"
    made = json.loads(counts.read_bytes())["people"]  # made again by the next write
    assert summaries.sum_counts(made) == left


def test_an_archive_file_replaced_behind_the_active_files_back_is_reconciled(
    run: Run, db_path: Path, archived: dict
) -> None:
    q3 = periods.archive_dir(db_path) / "2026-Q3.json"
    old = q3.read_bytes()
    assert run("edit", "2", "--note", "back in the active file").exit_code == 0
    q3.write_bytes(old)  # a sync tool brings back yesterday's copy, with #2 in it
    os.chmod(q3, 0o600)
    assert json.loads(run("show", "2", "--json").stdout)["note"] == "back in the active file"
    assert run("add", "y", "--from", "Kim").exit_code == 0
    assert 2 not in archive_files(db_path)["2026-Q3"]
    assert check(db_path).exit_code == 0


def test_an_archive_file_replaced_keeps_its_previous_version(
    run: Run, db_path: Path, archived: dict
) -> None:
    q3 = periods.archive_dir(db_path) / "2026-Q3.json"
    before = q3.read_bytes()
    assert run("delete", "1").exit_code == 0
    bak = q3.with_name("2026-Q3.json.bak")
    assert bak.read_bytes() == before and mode(bak) == 0o600
    assert check(db_path).exit_code == 0  # the .bak is private and not read as an archive


def test_a_reader_racing_a_writer_that_moves_an_item_sees_it_once(
    run: Run, db_path: Path, archived: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = archive.load_archive_file
    moved: list[bool] = []

    def racing(path: Path) -> dict[str, Any]:
        if not moved:  # between the reader's read of the active file and of the archive
            moved.append(True)
            act_now(db_path, NOW, actions.edit, 2, note="moved")
        return real(path)

    monkeypatch.setattr(archive, "load_archive_file", racing)
    items = Store(db_path).snapshot().items
    assert moved and items[2].note == "moved" and sorted(items) == list(range(1, 12))


def test_doctor_suggests_only_a_backup_that_exists(
    run: Run, db_path: Path, archived: dict[str, str]
) -> None:
    """Issue 19: doctor said "restore its previous version 2026-Q3.json.bak", which did not
    exist."""
    [path, *_] = sorted(periods.archive_dir(db_path).glob("*.json"))
    bak = path.with_name(path.name + ".bak")
    bak.unlink(missing_ok=True)
    path.write_bytes(b"\x00 not json")
    doctor = respond(db_path, "doctor")
    assert doctor.returncode == 1 and f"{path.name}: " in doctor.stdout
    assert ".bak," not in doctor.stdout and "no previous version (.bak)" in doctor.stdout
    bak.write_bytes(b"{}")
    doctor = respond(db_path, "doctor")
    assert f"restore its previous version {bak.name}, or move it aside" in doctor.stdout

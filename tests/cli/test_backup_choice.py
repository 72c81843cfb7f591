"""Which backup ``doctor --repair`` restores, which ones pruning keeps, and what it never
touches: backups kept while the clock read 2031 neither win a restore nor push real ones out;
a backups folder that is a link is never followed; a file from a newer respond is refused
untouched whatever its tables look like; a repair refreshes the prompt's state."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

from respond.storage import backups
from tests.support.cli import NOW, Run
from tests.support.processes import respond


def fill(run: Run, n: int) -> None:
    for k in range(n):
        run("add", f"task {k}", "--from", "Kim")


def plant_future(db: Path, items: int, day: str = "2031-03-04") -> Path:
    """A backup as a clock reading 2031 would have kept it: named and saved in 2031."""
    data = json.loads(db.read_bytes())
    data["items"] = dict(list(data["items"].items())[:items])
    path = backups.backup_dir(db) / f"{day}.json"
    path.write_text(json.dumps(data))
    os.chmod(path, 0o600)
    stamp = 1930000000  # 2031-02-27
    os.utime(path, (stamp, stamp))
    return path


def test_repair_restores_the_real_latest_backup_not_one_from_the_future(
    run: Run, db_path: Path
) -> None:
    fill(run, 14)  # today's backup: 13 items
    future = plant_future(db_path, 3)
    db_path.write_bytes(b"{damaged")
    checked = run("doctor")
    assert "1 dated in the future (2031-03-04.json)" in checked.stdout
    assert f"--repair restores 13 items from the backup of {date.today()}" in checked.stdout
    repaired = run("doctor", "--repair")
    assert f"restored 13 items from the backup of {date.today()}" in repaired.stdout, repaired
    assert len(json.loads(run("list", "--json").stdout)) == 13
    assert future.exists()  # reported, left for the user to look at


def test_a_future_backup_is_restored_only_when_nothing_else_loads(run: Run, db_path: Path) -> None:
    fill(run, 4)
    plant_future(db_path, 2)
    for _, path in backups.backups(db_path):
        path.write_bytes(b"{broken")
    db_path.write_bytes(b"")
    repaired = run("doctor", "--repair")
    assert "restored 2 items from the backup of 2031-03-04" in repaired.stdout, repaired


def test_pruning_keeps_the_real_seven_and_never_counts_or_deletes_future_ones(
    tmp_path: Path,
) -> None:
    db = tmp_path / "respond.json"
    today = date.today()
    db.write_text('{"future": true}')
    folder = backups.backup_dir(db)
    folder.mkdir(mode=0o700)
    future = [folder / f"{today + timedelta(days=1000 + n)}.json" for n in range(3)]
    for path in future:
        path.write_text("{}")
    for n in range(10):
        db.write_text(f'{{"day": {n}}}')
        assert backups.keep(db, today - timedelta(days=9 - n)) is not None
    kept = backups.backups(db)
    assert [day for day, _ in kept] == [today - timedelta(days=n) for n in range(7)]
    assert all(path.exists() for path in future)
    assert backups.future(db) == sorted(
        ((date.fromisoformat(p.stem), p) for p in future), reverse=True
    )


def test_a_backups_folder_that_is_a_link_is_never_followed(run: Run, db_path: Path) -> None:
    elsewhere = db_path.parent / "someone-elses"
    elsewhere.mkdir()
    theirs = [elsewhere / f"2025-01-0{n}.json" for n in range(1, 10)]
    for path in theirs:
        path.write_text("their file")
    backups.backup_dir(db_path).symlink_to(elsewhere)
    fill(run, 10)  # each change would keep a backup and prune
    assert all(path.read_text() == "their file" for path in theirs)
    assert sorted(elsewhere.iterdir()) == sorted(theirs)  # nothing written there either
    checked = run("doctor")
    assert "respond.json.backups is a symbolic link" in checked.stdout
    assert checked.exit_code == 1


def test_pruning_deletes_only_regular_files_respond_wrote(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    db.write_text("{}")
    folder = backups.backup_dir(db)
    folder.mkdir(mode=0o700)
    target = tmp_path / "precious.json"
    target.write_text("keep me")
    (folder / "2020-01-01.json").symlink_to(target)  # the oldest name: first to be pruned
    (folder / "2020-01-02.json").mkdir()
    for n in range(9):
        assert backups.keep(db, date(2026, 1, 1) + timedelta(days=n)) is not None
    assert target.read_text() == "keep me" and (folder / "2020-01-01.json").is_symlink()
    assert (folder / "2020-01-02.json").is_dir()
    assert len(backups.backups(db)) == 7


def test_a_newer_schema_with_a_new_kind_of_table_is_refused_untouched(
    run: Run, db_path: Path
) -> None:
    fill(run, 3)  # backups exist
    newer = json.dumps(
        {"meta": {"1": {"schema": 4, "next_id": 9}}, "items": {}, "sync": ["a", "list"]}
    ).encode()
    db_path.write_bytes(newer)
    listed = run("list")
    assert listed.exit_code == 2 and "written by a newer respond (schema 4" in listed.stderr
    repaired = run("doctor", "--repair")
    assert repaired.exit_code == 2 and "repaired" not in repaired.stdout, repaired
    assert "newer respond" in repaired.stdout
    assert db_path.read_bytes() == newer
    assert not list(db_path.parent.glob("*broken*"))


def test_after_a_repair_the_prompt_shows_the_restored_count(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    for k in range(4):  # full writes, each keeping a backup (RESPOND_NO_LANE: a capture only
        # appends to the capture log, and replaces no file that a backup could keep)
        respond(
            db, "--now", NOW, "add", f"late {k}", "--from", "Kim", "--by", "2026-11-24 12:00",
            RESPOND_NO_LANE="1",
        )  # fmt: skip
    assert respond(db, "--now", NOW, "prompt").stdout == "!4\n"
    before = (tmp_path / "respond.json.state").read_bytes().split()[2]
    db.write_bytes(b"{damaged")
    assert respond(db, "doctor", "--repair").returncode == 0
    state = (tmp_path / "respond.json.state").read_bytes()
    assert state.split()[2] != before  # a new STAMP: the shell snippets re-run the counter
    assert respond(db, "--now", NOW, "prompt").stdout == "!3\n"

"""Rotating backups: the last good copy per day, kept inside the locked commit."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from respond.storage import backups
from tests.support.cli import Run


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_each_change_keeps_the_file_it_replaces(run: Run, db_path: Path) -> None:
    assert run("add", "first", "--from", "Kim").exit_code == 0
    assert backups.backups(db_path) == []  # nothing to keep before the first write
    after_first = db_path.read_bytes()
    assert run("add", "second", "--from", "Kim").exit_code == 0
    ((day, copy),) = backups.backups(db_path)
    assert day == date.today() and copy.read_bytes() == after_first
    after_second = db_path.read_bytes()
    assert run("ack", "1", "--by", "tomorrow").exit_code == 0
    ((_, copy),) = backups.backups(db_path)  # still one per day: the day's last good copy
    assert copy.read_bytes() == after_second
    assert mode(backups.backup_dir(db_path)) == "0o700" and mode(copy) == "0o600"


def test_refused_commands_touch_no_backup(run: Run, db_path: Path) -> None:
    run("add", "first", "--from", "Kim")
    run("add", "second", "--from", "Kim")
    ((_, copy),) = backups.backups(db_path)
    kept = copy.read_bytes()
    assert run("ack", "1", "--by", "someday").exit_code == 2
    assert copy.read_bytes() == kept


def test_only_the_newest_days_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    first = date(2026, 11, 1)
    for n in range(10):
        new = tmp_path / "new"
        new.write_text(f'{{"day": {n}}}')
        os.replace(new, db)  # as a commit replaces the file
        assert backups.keep(db, first + timedelta(days=n)) is not None
    kept = backups.backups(db)
    assert len(kept) == backups.KEEP_DAYS == 7
    assert [day.day for day, _ in kept] == [10, 9, 8, 7, 6, 5, 4]
    assert [path.read_text() for _, path in kept] == [f'{{"day": {n}}}' for n in range(9, 2, -1)]


def test_file_systems_without_hard_links_get_a_byte_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "respond.json"
    db.write_bytes(b'{"x": 1}')
    os.chmod(db, 0o644)

    def no_links(*_: object, **__: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    copy = backups.keep(db, date(2026, 11, 25))
    assert copy is not None and copy.read_bytes() == b'{"x": 1}'
    assert mode(copy) == "0o600" and mode(db) == "0o644"  # a copy, not a link
    assert copy.stat().st_mtime == db.stat().st_mtime  # dated when that content was saved


def test_a_backup_that_cannot_be_written_never_blocks_the_change(run: Run, db_path: Path) -> None:
    run("add", "first", "--from", "Kim")
    backups.backup_dir(db_path).write_text("in the way")  # a file where the folder goes
    assert run("add", "second", "--from", "Kim").exit_code == 0
    assert [i["title"] for i in json.loads(run("list", "--json").stdout)] == ["first", "second"]
    assert backups.backups(db_path) == []

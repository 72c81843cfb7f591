"""The files that sync and reminders added beside the database get issue 13's protections:
locks never followed through a link nor created where someone else controls the folder, no
file left that locks the owner out after a run as root, a sync work tree that never hangs and
never deletes through a link, and 0700 folders for the timer `remind --install` writes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import respond

ROOT = os.geteuid() == 0
AT = "2026-11-25T13:58"
LATER = "2026-11-25T14:01"
NO_DESKTOP = {"DBUS_SESSION_BUS_ADDRESS": ""}
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _db(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    db = folder / "respond.json"
    out = respond(db, "--now", AT, "add", "Q3", "--from", "Dana", "--by", "14:00")
    assert out.returncode == 0, out.stderr
    return db


def _config(tmp_path: Path) -> dict[str, str]:
    return {"RESPOND_CONFIG": str(tmp_path / "none.toml"), **NO_DESKTOP}


@pytest.mark.parametrize(
    "lock, args",
    [
        ("respond.json.lock", ("--now", LATER, "add", "more", "--from", "Kim")),
        ("respond.json.reminded.lock", ("remind", "--now", LATER)),
    ],
)
def test_a_lock_file_planted_as_a_symlink_is_never_followed(
    tmp_path: Path, lock: str, args: tuple[str, ...]
) -> None:
    """Before: the lock was opened through the link and the victim's first 32 bytes were
    overwritten with the holder's PID (a link to a block device, with root, the disk's)."""
    db = _db(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("precious victim data, first line\n")
    (db.parent / lock).unlink(missing_ok=True)
    (db.parent / lock).symlink_to(victim)
    out = respond(db, *args, **_config(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out
    assert "is a symlink" in out.stderr and lock in out.stderr
    assert victim.read_text() == "precious victim data, first line\n"
    assert (db.parent / lock).is_symlink()


def test_a_lock_file_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    db = _db(tmp_path)
    lock = db.parent / "respond.json.lock"
    lock.unlink()
    os.mkfifo(lock)
    out = respond(db, "--now", LATER, "add", "more", "--from", "Kim")
    assert out.returncode == 2 and "not a regular file (it is a FIFO)" in out.stderr, out
    assert stat.S_ISFIFO(os.lstat(lock).st_mode)


def test_remind_never_writes_into_a_folder_others_may_write(tmp_path: Path) -> None:
    """Before: remind wrote its log and lock into a 0777 folder that `add` refuses."""
    db = _db(tmp_path)
    os.chmod(db.parent, 0o777)
    before = sorted(p.name for p in db.parent.iterdir())
    out = respond(db, "remind", "--now", LATER, **_config(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out
    assert "writable by others" in out.stderr and f"chmod 700 {db.parent}" in out.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == before


@pytest.mark.skipif(not ROOT, reason="only root can give a folder to another user")
def test_remind_as_root_leaves_nothing_in_another_users_folder(tmp_path: Path) -> None:
    """Before: `sudo respond remind` left a root-owned 0600 `.reminded.lock` there, and every
    later run of its owner failed ("can't lock")."""
    db = _db(tmp_path)
    for path in (db.parent, *db.parent.iterdir()):
        os.chown(path, 65534, 65534)
    before = sorted(p.name for p in db.parent.iterdir())
    out = respond(db, "remind", "--now", LATER, **_config(tmp_path))
    assert out.returncode == 2 and "belongs to another user (uid 65534)" in out.stderr, out
    assert sorted(p.name for p in db.parent.iterdir()) == before


@needs_git
@pytest.mark.skipif(not ROOT, reason="only root can give a folder to another user")
def test_sync_init_as_root_leaves_nothing_in_another_users_folder(tmp_path: Path) -> None:
    """Before: refused at the first commit, but `<db>.sync/`, `.sync.lock` and
    `.sync-status` were left root-owned: the owner could never set sync up again."""
    db = _db(tmp_path)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    for path in (db.parent, *db.parent.iterdir()):
        os.chown(path, 65534, 65534)
    before = sorted(p.name for p in db.parent.iterdir())
    out = respond(db, "sync", "init", str(remote), **_config(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out
    assert "belongs to another user (uid 65534)" in out.stderr
    assert sorted(p.name for p in db.parent.iterdir()) == before


def _synced(tmp_path: Path) -> tuple[Path, Path]:
    db = _db(tmp_path)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    out = respond(db, "sync", "init", str(remote), **_config(tmp_path))
    assert out.returncode == 0, out.stderr
    return db, db.with_name(db.name + ".sync")


@needs_git
@pytest.mark.parametrize("name", ["meta.json", "items/2026-Q4.json"])
def test_a_fifo_in_the_sync_work_tree_never_hangs_sync(tmp_path: Path, name: str) -> None:
    """Before: `sync` blocked for ever opening the FIFO, holding the database's lock."""
    db, repo = _synced(tmp_path)
    (repo / name).unlink()
    os.mkfifo(repo / name)
    assert respond(db, "--now", LATER, "add", "more", "--from", "Kim").returncode == 0
    out = respond(db, "sync", **_config(tmp_path))
    assert out.returncode == 0, out.stderr
    assert (repo / name).is_file()


@needs_git
def test_a_linked_items_folder_in_the_sync_repo_is_refused_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    """Before: sync wrote its items into the link's target and deleted every other .json
    file there as stale."""
    db, repo = _synced(tmp_path)
    shutil.rmtree(repo / "items")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2025-Q1.json").write_text("mine\n")
    (repo / "items").symlink_to(elsewhere)
    assert respond(db, "--now", LATER, "add", "more", "--from", "Kim").returncode == 0
    out = respond(db, "sync", **_config(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out
    assert f"{repo / 'items'} is not a folder" in out.stderr
    assert [p.name for p in elsewhere.iterdir()] == ["2025-Q1.json"]


def test_remind_install_folders_are_0700_under_umask_000(tmp_path: Path) -> None:
    """Before: ~/.config, ~/.config/systemd and ~/.config/systemd/user were made 0777: anyone
    could swap in a service that runs as you."""
    home, tools = tmp_path / "home", tmp_path / "bin"
    home.mkdir(mode=0o700)
    tools.mkdir()
    (tools / "systemctl").write_text("#!/bin/sh\nexit 0\n")
    (tools / "systemctl").chmod(0o755)
    out = respond(
        None, "--db", str(tmp_path / "db.json"), "remind", "--install",
        home=home, umask=0, PATH=f"{tools}:/usr/bin:/bin",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    for folder in (".config", ".config/systemd", ".config/systemd/user"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700, folder


def test_csv_export_runs_no_escape_sequence_on_a_terminal(tmp_path: Path) -> None:
    """Before: an imported title holding an OSC 52 clipboard write reached the terminal raw
    through `export --format csv` (JSON, ICS and tables already escaped it)."""
    db = _db(tmp_path)
    exported = respond(db, "export")
    doc = json.loads(exported.stdout)
    doc["items"][0]["title"] = "T\x1b]52;c;ZXZpbA==\x07\u009b31m\u202eX"
    doc["items"][0]["note"] = "line one\nline\x1b[2J two"
    doc["items"][0]["uuid"] = "00000000-0000-4000-8000-000000000001"
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(doc))
    other = tmp_path / "other" / "respond.json"
    other.parent.mkdir(mode=0o700)
    assert respond(other, "import", str(source)).returncode == 0
    out = respond(other, "export", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert not any(ch in out.stdout for ch in "\x1b\x07\u009b\u202e"), repr(out.stdout)
    row = next(csv.reader(io.StringIO(out.stdout.lstrip("\ufeff")), strict=True))
    assert row  # still a CSV
    assert "T\\x1b]52;c;ZXZpbA==\\x07\\x9b31m\\u202eX" in out.stdout
    assert '"line one\nline\\x1b[2J two"' in out.stdout.replace("\r\n", "\n")

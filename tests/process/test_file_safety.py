"""Writes in folders, to paths and through links that someone else may control: temp files
that can't be planted, export targets that are written into (or refused) but never replaced,
a database reached through a symlink, folders and files another user owns or may write to,
and a commit whose folder fsync or confirmation fails (issue 13, points 2-4, 6, 7, 8, 9)."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from respond.storage import files
from tests.support import processes
from tests.support.cli import NOW, Run
from tests.support.processes import RESPOND, env_for, finish, respond

ROOT = os.geteuid() == 0


def _add(db: Path, title: str = "x") -> None:
    out = respond(db, "--now", NOW, "add", title, "--from", "Kim")
    assert out.returncode == 0, out.stderr


def _next_pids(count: int) -> range:
    try:
        last = int(Path("/proc/sys/kernel/ns_last_pid").read_text())
    except OSError:
        last = os.getpid()
    return range(last + 1, last + 1 + count)


# --- point 3: temp files -------------------------------------------------------------------


def test_planted_temp_names_in_a_shared_folder_are_never_followed(tmp_path: Path) -> None:
    """Another user plants, for the next PIDs, symlinks to the victim's ~/.bashrc and 0666
    files under the old predictable temp names: the export follows and fills none of them."""
    db = tmp_path / "own" / "respond.json"
    db.parent.mkdir(mode=0o700)
    _add(db, "secret-4417")
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    bashrc = tmp_path / "bashrc"
    bashrc.write_text("# mine\n")
    planted = []
    for n, pid in enumerate(_next_pids(3000)):
        name = shared / f".cal.ics.{pid}.tmp"
        if n % 2:
            name.symlink_to(bashrc)
        else:
            name.touch()
            os.chmod(name, 0o666)
        planted.append(name)
    out = respond(db, "export", "--format", "ics", "-o", str(shared / "cal.ics"))
    assert out.returncode == 0, out.stderr
    assert bashrc.read_text() == "# mine\n"
    assert all(p.is_symlink() or p.stat().st_size == 0 for p in planted)
    assert b"secret-4417" in (shared / "cal.ics").read_bytes()
    assert stat.S_IMODE((shared / "cal.ics").stat().st_mode) == 0o600


def test_temp_files_are_new_unpredictable_and_private(tmp_path: Path) -> None:
    target = tmp_path / "respond.json"
    os.umask(old := os.umask(0))
    try:
        names = {files.write_temp(target, b"x") for _ in range(20)}
    finally:
        os.umask(old)
    assert len(names) == 20
    for name in names:
        prefix = f".respond.json.{os.getpid()}."
        assert name.name.startswith(prefix) and name.name.endswith(".tmp")
        assert len(name.name) == len(prefix) + files.TEMP_RANDOM + len(".tmp")
        assert stat.S_IMODE(name.stat().st_mode) == 0o600
    link = files.temp_name(target)
    assert link.name.startswith(f".respond.json.{os.getpid()}.") and link != files.temp_name(target)


def test_doctor_finds_and_removes_a_killed_writers_new_style_temp_file(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    _add(db)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stray = tmp_path / f".respond.json.{dead.pid}.a1b2_3c4.tmp"
    stray.write_bytes(b"half")
    alive = tmp_path / f".respond.json.{os.getpid()}.00000001.tmp"  # a live writer's: kept
    alive.write_bytes(b"busy")
    assert "temp files: 1 left by killed commands" in respond(db, "doctor").stdout
    assert "deleted 1 stray temp file" in respond(db, "doctor", "--repair").stdout
    assert not stray.exists() and alive.exists()


# --- point 2: export targets ---------------------------------------------------------------


def test_export_to_a_fifo_writes_into_it(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    _add(db, "through the pipe")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    out = respond(db, "export", "-o", str(fifo))
    assert out.returncode == 0, out.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    reader.join(timeout=processes.HANG)
    assert json.loads(got[0])["items"][0]["title"] == "through the pipe"


def _null_device(tmp_path: Path) -> Path:
    """/dev/null's own device (1, 3) in a node of the test's folder, where root can make one:
    a run of the old code (which replaced it) never breaks the machine's /dev/null."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        node.write_bytes(b"probe")  # a nodev mount refuses to open it
    except OSError:
        return Path("/dev/null")
    return node


def test_export_to_dev_null_leaves_it_a_device(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    _add(db)
    null = _null_device(tmp_path)
    out = respond(db, "export", "--format", "csv", "--output", str(null))
    assert out.returncode == 0, out.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    link = tmp_path / "null-link"  # a symlink to a device: written through, both kept
    link.symlink_to(null)
    assert respond(db, "export", "-o", str(link)).returncode == 0
    assert link.is_symlink() and stat.S_ISCHR(os.lstat(null).st_mode)


def test_export_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    _add(db, "linked")
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    out = respond(db, "export", "-o", str(link))
    assert out.returncode == 0, out.stderr
    assert link.is_symlink() and os.readlink(link) == real.name
    assert json.loads(real.read_text())["items"][0]["title"] == "linked"


def test_export_over_any_file_of_the_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    _add(db, "one")
    out = respond(db, "--now", NOW, "add", "two", "--from", "Kim", RESPOND_NO_LANE="1")
    assert out.returncode == 0, out.stderr  # a full write: a backup, the state, the lock
    _add(db, "three")  # a capture: the capture log
    backup = next((tmp_path / "respond.json.backups").iterdir())
    link = tmp_path / "elsewhere.json"
    link.symlink_to(db)
    hard = tmp_path / "hard.json"
    os.link(db, hard)
    targets = [db, Path(f"{db}.lock"), Path(f"{db}.state"), backup, link, hard]
    targets += [Path(f"{db}.captures"), Path(f"{db}.names")]
    assert all(target.exists() for target in targets)
    targets.append(tmp_path / "sub" / ".." / "respond.json")
    (tmp_path / "sub").mkdir()
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for target in targets:
        out = respond(db, "export", "--format", "csv", "-o", str(target))
        assert out.returncode == 2, (target, out)
        assert out.stderr.count("\n") == 1 and "file of the database" in out.stderr
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert link.is_symlink()


def test_export_to_a_folder_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    _add(db)
    out = respond(db, "export", "-o", str(tmp_path))
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


# --- point 6: a database reached through a symlink -----------------------------------------


def test_a_symlinked_database_is_one_database_with_one_lock(tmp_path: Path) -> None:
    sync = tmp_path / "Sync"
    sync.mkdir(mode=0o700)
    real = sync / "respond.json"
    _add(real, "first")
    link = tmp_path / "respond.json"
    link.symlink_to(real)
    procs = []
    for n in range(8):
        for db in (link, real):
            title = f"{db.parent.name}-{n}"
            procs.append(processes.spawn(db, "--now", NOW, "add", title, "--from", "Kim"))
    for proc in procs:
        _, err = finish(proc, "an add")
        assert proc.returncode == 0, err
    assert link.is_symlink() and os.path.realpath(link) == str(real)
    assert not Path(f"{link}.lock").exists() and Path(f"{real}.lock").exists()
    items = json.loads(respond(link, "list", "--json").stdout)
    assert len(items) == 17 and len({i["id"] for i in items}) == 17
    assert json.loads(respond(real, "list", "--json").stdout) == items
    prompt = respond(link, "--now", NOW, "prompt", "--format", "{open}")
    assert prompt.stdout.strip() == "17"


# --- points 4 and 7: folders made private, folders and files of others refused ------------


def test_umask_000_default_path_folders_are_all_0700(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    out = processes.respond(None, "--now", NOW, "add", "x", "--from", "Kim", home=home, umask=0)
    assert out.returncode == 0, out.stderr
    for folder in (".local", ".local/share", ".local/share/respond"):
        assert stat.S_IMODE((home / folder).stat().st_mode) == 0o700, folder


@pytest.mark.parametrize(
    "what, mode, fix", [("folder", 0o777, "chmod 700"), ("file", 0o666, "chmod 600")]
)
def test_a_database_others_may_write_is_refused_before_writing(
    tmp_path: Path, what: str, mode: int, fix: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    db = folder / "respond.json"
    _add(db, "kept")
    os.chmod(folder if what == "folder" else db, mode)
    before = sorted(p.name for p in folder.iterdir()), db.read_bytes()
    out = respond(db, "--now", NOW, "add", "more", "--from", "Kim")
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out
    assert (
        "writable by others" in out.stderr
        and f"{fix} {folder if what == 'folder' else db}" in out.stderr
    )
    assert (sorted(p.name for p in folder.iterdir()), db.read_bytes()) == before
    listed = respond(db, "list", "--json")  # reads go on
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["title"] == "kept"
    doctor = respond(db, "doctor")
    assert doctor.returncode == 1 and "owner: changes are refused" in doctor.stdout
    assert (
        "nothing: the database folder or file is not safe"
        in respond(db, "doctor", "--repair").stdout
    )
    assert db.read_bytes() == before[1]


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another user")
def test_a_database_owned_by_another_user_is_refused_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    db = folder / "respond.json"
    _add(db, "kept")
    os.chown(db, 65534, 65534)  # as after `sudo respond ...` the other way round
    before = db.read_bytes()
    out = respond(db, "--now", NOW, "add", "more", "--from", "Kim")
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "belongs to another user (uid 65534)" in out.stderr
    assert "run respond as that user" in out.stderr  # we are root here
    assert db.read_bytes() == before and os.stat(db).st_uid == 65534
    assert "owner: changes are refused" in respond(db, "doctor").stdout


def test_the_ownership_rule_on_stat_results() -> None:
    """The rule itself, for any user (the real test needs root to make another's file)."""

    def st(mode: int, uid: int = 1000, gid: int = 1000) -> os.stat_result:
        return os.stat_result((mode, 0, 0, 1, uid, gid, 0, 0, 0, 0))

    db, folder = Path("/h/respond.json"), Path("/h")
    never = lambda gid, uid: False  # noqa: E731
    always = lambda gid, uid: True  # noqa: E731
    assert files.write_refusal(db, st(stat.S_IFREG | 0o600), 1000) is None
    assert files.write_refusal(folder, st(stat.S_IFDIR | 0o755), 1000) is None
    root_owned = files.write_refusal(db, st(stat.S_IFREG | 0o600, uid=0), 1000)
    assert root_owned == (
        "the database file /h/respond.json belongs to another user (uid 0); "
        "sudo chown -R $USER /h/respond.json*"
    )
    assert "sudo chown $USER /h" in str(files.write_refusal(folder, st(stat.S_IFDIR | 0o700, 0), 7))
    assert "not as root" in str(files.write_refusal(db, st(stat.S_IFREG | 0o600), 0))
    others = files.write_refusal(folder, st(stat.S_IFDIR | 0o1777), 1000)
    assert others == "the database folder /h is writable by others (mode 1777); chmod 700 /h"
    group = st(stat.S_IFDIR | 0o770)
    assert "chmod 700" in str(files.write_refusal(folder, group, 1000, never))
    assert files.write_refusal(folder, group, 1000, always) is None  # the user's private group
    assert files.write_refusal(folder, st(stat.S_IFDIR | 0o777), 1000, always) is not None


# --- point 9: the folder fsync fails after the rename --------------------------------------


def test_a_failed_folder_fsync_after_the_rename_is_a_saved_change_with_a_warning(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No real file system here fails a folder fsync on demand: it is replaced in-process."""

    def fails(folder: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    run("add", "before", "--from", "Kim")
    with monkeypatch.context() as patch:
        patch.setattr("respond.storage.files.fsync_dir", fails)
        out = run("add", "saved", "--from", "Kim")
    assert out.exit_code == 0, out
    assert out.stdout.startswith("Added #2: saved")
    assert out.stderr.startswith("respond: warning: the change was saved")
    assert os.strerror(errno.EIO) in out.stderr
    assert [i["title"] for i in json.loads(run("list", "--json").stdout)] == ["before", "saved"]


# --- point 8: the confirmation can't be written -------------------------------------------


def test_add_to_dev_full_says_the_change_was_saved(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    with open("/dev/full", "w") as full:
        out = subprocess.run(
            [RESPOND, "--now", NOW, "add", "x", "--from", "Kim"],
            env=env_for(db), stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    assert out.stderr == (
        "respond: saved #1, but could not write the confirmation: No space left on device\n"
    )
    assert out.returncode == 1
    assert [i["title"] for i in json.loads(respond(db, "list", "--json").stdout)] == ["x"]
    for args in (["list"], ["list", "--json"], ["export"], ["today"]):
        with open("/dev/full", "w") as full:
            read = subprocess.run(
                [RESPOND, "--now", NOW, *args], env=env_for(db), stdout=full,
                stderr=subprocess.PIPE, text=True, timeout=60,
            )  # fmt: skip
        assert read.returncode == 1, args
        assert read.stderr == "respond: could not write the output: No space left on device\n"


def test_export_to_a_link_to_stdout_writes_into_the_pipe(tmp_path: Path) -> None:
    """As ``-o /dev/stdout`` (a link to ``/proc/self/fd/1``), with a link of the test's own: a
    run of code that replaces the link never touches the machine's /dev/stdout."""
    db = tmp_path / "respond.json"
    _add(db, "piped")
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    out = respond(db, "export", "-o", str(link))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["items"][0]["title"] == "piped"
    assert os.readlink(link) == "/proc/self/fd/1"

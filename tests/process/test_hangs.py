"""Files that are not files: a FIFO or a device (``/dev/zero``, through a link) where respond
keeps its database, archive, backups, config, prompt state or score cache is refused before a
single byte is read, in every command and in the shell snippets; nothing hangs.

Real FIFOs and real processes; the timeout only turns a hang into a clear failure (it is
generous: these tests assert what happens, never how fast)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from respond.storage import backups
from tests.support.cli import NOW, Run
from tests.support.processes import RESPOND, env_for, respond

HANG = 30  # seconds: a hang detector, not a speed bound


def run_with_timeout(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [RESPOND, *args], env=env_for(db, **extra), capture_output=True, text=True,
            timeout=HANG, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"respond {' '.join(args)} hangs")


def one_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result
    assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1, result
    assert "Traceback" not in result.stderr


def fill(run: Run) -> None:
    for n in range(3):
        run("add", f"task {n}", "--from", "Kim")


def test_a_fifo_database_is_refused_by_every_command_and_repair_never_hangs(
    run: Run, db_path: Path
) -> None:
    fill(run)  # backups exist: repair would want to restore one over the database
    assert backups.backups(db_path)
    db_path.unlink()
    os.mkfifo(db_path)
    for args in (("list",), ("add", "x", "--from", "Kim"), ("today",), ("show", "1")):
        result = run_with_timeout(db_path, "--now", NOW, *args)
        one_line(result)
        assert "is not a regular file" in result.stderr
    for args in (("doctor",), ("doctor", "--repair")):
        result = run_with_timeout(db_path, *args)
        assert result.returncode == 2 and "is not a regular file" in result.stdout, result
        assert "repaired" not in result.stdout
    assert (db_path.lstat().st_mode & 0o170000) == 0o010000  # still the FIFO: untouched


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_state_file_that_is_not_a_file_never_hangs_the_prompt(
    run: Run, db_path: Path, kind: str
) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    state = db_path.with_name(db_path.name + ".state")
    state.unlink()
    if kind == "fifo":
        os.mkfifo(state)
    else:
        state.symlink_to("/dev/zero")
    for args in (("prompt",), ("prompt", "--shell")):
        result = run_with_timeout(db_path, "--now", NOW, *args)
        assert result.returncode == 0 and result.stderr == "", result
        assert "!" not in result.stdout  # refused: nothing shown, rather than a hang
    added = run_with_timeout(db_path, "--now", NOW, "add", "more", "--from", "Kim")
    assert added.returncode == 0, added  # a commit leaves what is there alone
    assert state.is_symlink() if kind == "dev-zero" else state.lstat().st_mode & 0o010000


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_config_file_that_is_not_a_file_is_one_line_and_never_hangs(
    run: Run, db_path: Path, tmp_path: Path, kind: str
) -> None:
    fill(run)
    config = tmp_path / "hostile.toml"
    if kind == "fifo":
        os.mkfifo(config)
    else:
        config.symlink_to("/dev/zero")
    result = run_with_timeout(db_path, "--now", NOW, "add", "x", "--from", "Kim",
                              RESPOND_CONFIG=str(config))  # fmt: skip
    one_line(result)
    assert str(config) in result.stderr and "not a regular file" in result.stderr
    prompt = run_with_timeout(db_path, "--now", NOW, "prompt", RESPOND_CONFIG=str(config))
    assert prompt.returncode == 0 and prompt.stderr == ""  # the default template


def test_archive_backup_and_score_cache_fifos_never_hang(run: Run, db_path: Path) -> None:
    run("add", "old", "--from", "Kim", now="2026-01-05T10:00")
    run("done", "1", "--no-follow-up", now="2026-01-05T11:00")
    run("add", "new", "--from", "Kim")  # archives #1 into 2026-Q1.json
    archive = db_path.with_name(db_path.name + ".archive") / "2026-Q1.json"
    assert archive.exists()
    archive.unlink()
    os.mkfifo(archive)
    for name in ("2026-11-20.json", "2026-11-21.json"):
        path = backups.backup_dir(db_path) / name
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    scores = db_path.with_name(db_path.name + ".scores")
    scores.unlink(missing_ok=True)
    os.mkfifo(scores)
    history = run_with_timeout(db_path, "--now", NOW, "list", "--all")
    one_line(history)
    assert "2026-Q1.json" in history.stderr
    for args in (("today",), ("week",), ("doctor",), ("doctor", "--repair")):
        result = run_with_timeout(db_path, "--now", NOW, *args)
        assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, (args, result)


@pytest.mark.parametrize("name", ["bash", "zsh"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_the_shell_snippets_never_read_a_state_file_that_is_not_a_file(
    tmp_path: Path, name: str, kind: str
) -> None:
    shell = shutil.which(name)
    if shell is None:
        pytest.skip(f"{name} is not installed")
    db = tmp_path / "respond.json"
    respond(db, "--now", NOW, "add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    state = tmp_path / "respond.json.state"
    snippet = respond(db, "shell-init", name).stdout
    state.unlink()
    if kind == "fifo":
        os.mkfifo(state)
    else:
        state.symlink_to("/dev/zero")
    # the snippet as a session left it: it knows the state file and checks it at each prompt
    script = (
        f"{snippet}\n__respond_state={state} __respond_stamp=1 __respond_until=99999999999\n"
        "__respond_check 1000; echo checked"
    )
    argv = [shell, "--norc", "--noprofile", "-c", script] if name == "bash" else [
        shell, "-f", "-c", script]  # fmt: skip
    env = env_for(db)
    env["PATH"] = f"{Path(RESPOND).parent}:{env['PATH']}"
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=HANG,
                              stdin=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"the {name} snippet hangs on a {kind} state file")
    assert done.stdout.endswith("checked\n"), done

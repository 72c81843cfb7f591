"""Running the real ``respond`` command as separate processes: what only a real process shows
(the installed script, exit codes, concurrency, crashes, imports, the completion protocol)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

#: The installed ``respond`` script next to this interpreter (what users run).
RESPOND = shutil.which("respond", path=str(Path(sys.executable).parent)) or "respond"
#: The same command without the script, as ``python -m respond``.
MODULE = [sys.executable, "-m", "respond"]
#: Seconds after which a process is taken for hung: a guard that turns a hang into a clear
#: failure, never a measure of speed (tests assert order and outcome, not time).
HANG = 120
XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


def env_for(db: Path | None, *, home: Path | None = None, **extra: str) -> dict[str, str]:
    """This process's environment for a child: Berlin time, 200 columns, colour allowed, and
    ``$RESPOND_DB`` set to ``db`` (``None``: unset, so respond uses its default path). With
    ``home``, ``$HOME`` is that folder and no ``$XDG_*`` folder points elsewhere. ``extra``
    variables come last."""
    env = dict(os.environ)
    env.update({"TZ": "Europe/Berlin", "COLUMNS": "200"})
    env.pop("NO_COLOR", None)
    if db is None:
        env.pop("RESPOND_DB", None)
    else:
        env["RESPOND_DB"] = str(db)
    if home is not None:
        env["HOME"] = str(home)
        for var in XDG:
            env.pop(var, None)
    env.update(extra)
    return env


def respond(
    db: Path | None,
    *args: str,
    module: bool = False,
    umask: int | None = None,
    home: Path | None = None,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """Run ``respond ARGS`` to completion, in :func:`env_for` ``(db, home=home, **extra)``
    (``--now`` is not added: pass it when it matters). ``module``: run ``python -m respond``
    instead of the installed script; ``umask``: the child's umask."""
    return subprocess.run(
        [*MODULE, *args] if module else [RESPOND, *args],
        env=env_for(db, home=home, **extra),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=None if umask is None else lambda: os.umask(umask),
    )


def spawn(db: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``respond ARGS`` without waiting for it."""
    return subprocess.Popen(
        [RESPOND, *args],
        env=env_for(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], what: str) -> tuple[str, str]:
    """Wait for ``proc`` and return its (stdout, stderr); a clear failure if it hangs."""
    try:
        return proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{what} was still running after {HANG} s: it hangs")


def wait_until(check: Callable[[], bool], what: str, every: float = 0.005) -> None:
    """Wait until ``check()`` is true (an order, not a time): after :data:`HANG` seconds the
    wait is taken for a hang and fails the test."""
    give_up = time.monotonic() + HANG
    while not check():
        if time.monotonic() > give_up:
            pytest.fail(f"{what} did not happen within {HANG} s: it hangs")
        time.sleep(every)


def wait_until_open(proc: subprocess.Popen[str], path: Path, what: str) -> None:
    """Wait until ``proc`` has ``path`` open (read from Linux's /proc: an order, not a time).
    Without /proc, give it a second."""
    fds = Path(f"/proc/{proc.pid}/fd")
    if not fds.is_dir():
        time.sleep(1.0)
        return
    target = os.path.realpath(path)

    def is_open() -> bool:
        with contextlib.suppress(OSError):  # a descriptor may close while we look
            if any(os.path.realpath(fd) == target for fd in fds.iterdir()):
                return True
        if proc.poll() is not None:
            pytest.fail(f"{what} ended (exit {proc.returncode}) before it opened {path}")
        return False

    wait_until(is_open, f"{what} opening {path}")


def complete(db: Path, shell: str, line: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """What ``respond``'s completion protocol answers for the command line ``line`` (its
    words split on spaces) in ``shell`` (bash, zsh or fish), as Typer's scripts call it."""
    words = line.split(" ")
    if shell == "bash":
        protocol = {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        protocol = {"_TYPER_COMPLETE_ARGS": line}
    env = {**env_for(db), "_RESPOND_COMPLETE": f"complete_{shell}", **protocol, **extra}
    return subprocess.run(
        [*MODULE, *words[1:]], env=env, capture_output=True, text=True, timeout=60
    )


# -- the import budget --------------------------------------------------------------------------


def modules_after(db: Path, *args: str) -> set[str]:
    """Every module in ``sys.modules`` after ``respond ARGS`` ran in a fresh interpreter."""
    code = (
        "import sys\n"
        "from respond.__main__ import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env_for(db), capture_output=True, text=True, timeout=60
    )
    line = next(x for x in out.stderr.splitlines() if x.startswith("MODULES"))
    return set(line.split()[1:])


def importtime_modules(cmd: list[str], env: dict[str, str]) -> set[str]:
    """The modules (and their top-level packages) ``python -X importtime CMD`` imports: ``CMD``
    is ``["-c", code]`` or a script such as :data:`RESPOND`."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *cmd], env=env, capture_output=True, text=True
    )
    names = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    return {name.split(".")[0] for name in names} | names


def read_terminal(primary: int, ask: bytes | None = None, answer: bytes = b"") -> bytes:
    """Everything a child shows on the pseudo-terminal ``primary`` until it closes it; once
    what it showed holds ``ask`` (a question), ``answer`` is typed, once."""
    chunks: list[bytes] = []
    answered = ask is None
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
        if not answered and ask is not None and ask in b"".join(chunks):
            answered = True
            os.write(primary, answer)
    return b"".join(chunks)


def on_a_terminal(db: Path, *args: str, columns: int | None = None, **env_extra: str) -> str:
    """What a pseudo-terminal received from ``respond --now 2026-11-25T10:00 ARGS``: its stdout
    is the terminal (``columns`` wide when given, no COLUMNS in the environment), as a user's
    shell runs it. Fails unless respond exits 0."""
    env = {**os.environ, "RESPOND_DB": str(db), "TERM": "xterm-256color"}
    for name in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    env.update(env_extra)
    primary, secondary = pty.openpty()
    if columns is not None:
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "respond", "--now", "2026-11-25T10:00", *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    shown = read_terminal(primary)
    proc.wait(timeout=60)
    os.close(primary)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return shown.decode()


def converse(db: Path, *args: str, answer: bytes | None) -> tuple[int, str]:
    """Run ``respond --now 2026-11-25T10:00 ARGS`` with stdin, stdout and stderr on one
    pseudo-terminal, as a user's shell does; once it has written something (a question),
    type ``answer`` (``None``: Ctrl-D, end of input). Returns the exit code and everything
    the terminal showed."""
    env = {**os.environ, "RESPOND_DB": str(db), "TERM": "xterm-256color", "TZ": "Europe/Berlin"}
    for name in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "respond", "--now", "2026-11-25T10:00", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    shown = read_terminal(primary, b"?", answer if answer is not None else b"\x04")
    proc.wait(timeout=HANG)
    os.close(primary)
    return proc.returncode, shown.decode()


def folded(db: Path) -> None:
    """Fold ``db``'s capture log into its active file, as the next change does (here a change
    that writes nothing else), so that a test can read the active file itself: a capture
    (``add`` through the lane) appends to ``<db>.captures`` and leaves the active file as it
    was (see respond/storage/captures.py)."""
    from respond.storage.database import Store

    if db.with_name(db.name + ".captures").exists():
        with Store(db).transaction():
            pass
    assert not db.with_name(db.name + ".captures").exists()

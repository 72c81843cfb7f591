"""Running the real ``respond`` command as separate processes (for the reliability tests)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

RESPOND = shutil.which("respond", path=str(Path(sys.executable).parent)) or "respond"
NOW = "2026-11-25T10:00"
#: Seconds after which a process is taken for hung: a guard that turns a hang into a clear
#: failure, never a measure of speed (tests assert order and outcome, not time).
HANG = 120


def env_for(db: Path | None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TZ": "Europe/Berlin", "COLUMNS": "200", **extra})
    env.pop("NO_COLOR", None)
    if db is None:
        env.pop("RESPOND_DB", None)
    else:
        env["RESPOND_DB"] = str(db)
    return env


def respond(db: Path | None, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``respond ARGS`` to completion (``--now`` is not added: pass it when it matters)."""
    return subprocess.run(
        [RESPOND, *args], env=env_for(db, **extra), capture_output=True, text=True, timeout=60
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


def wait_until_open(proc: subprocess.Popen[str], path: Path, what: str) -> None:
    """Wait until ``proc`` has ``path`` open (read from Linux's /proc: an order, not a time).
    Without /proc, give it a second."""
    fds = Path(f"/proc/{proc.pid}/fd")
    if not fds.is_dir():
        time.sleep(1.0)
        return
    target = os.path.realpath(path)
    give_up = time.monotonic() + HANG
    while True:
        with contextlib.suppress(OSError):  # a descriptor may close while we look
            if any(os.path.realpath(fd) == target for fd in fds.iterdir()):
                return
        if proc.poll() is not None:
            pytest.fail(f"{what} ended (exit {proc.returncode}) before it opened {path}")
        if time.monotonic() > give_up:
            pytest.fail(f"{what} did not open {path} within {HANG} s: it hangs")
        time.sleep(0.005)

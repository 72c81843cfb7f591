"""Waiting for the database lock: a queue of writers is served (nobody gives up while the
lock changes hands), and a command refused because one process kept the lock says which
process and what to do."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from respond.core.errors import DatabaseError
from respond.storage.lock import exclusive_lock, lock_path
from tests.support.processes import spawn

HOLD = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.pwrite(fd, b"%10d %20d\\n" % (os.getpid(), time.time_ns()), 0)
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    """
)


def holder(db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock_path(db))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_a_lock_kept_by_one_process_is_refused_with_its_pid_and_what_to_do(
    tmp_path: Path,
) -> None:
    db = tmp_path / "respond.json"
    proc = holder(db)
    try:
        with pytest.raises(DatabaseError) as refused, exclusive_lock(db, timeout=0.5):
            pass
    finally:
        proc.communicate("", timeout=60)
    message = str(refused.value)
    assert re.search(rf"busy: another respond process \(PID {proc.pid}\) has held it", message)
    assert "nothing was changed; try again" in message and f"kill {proc.pid}" in message
    with exclusive_lock(db, timeout=0.5):  # released with its holder
        pass


RELAY = textwrap.dedent(
    """
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    for n in range(8):  # as eight writers in turn write their marks: the holder changes
        os.pwrite(fd, b"%10d %20d\\n" % (100000 + n, time.time_ns()), 0)
        if n == 0:
            print("held", flush=True)
        time.sleep(1.0)
    print("done", flush=True)  # before the lock is released, at exit
    """
)


@pytest.mark.slow
def test_a_waiter_keeps_waiting_while_the_lock_changes_hands(tmp_path: Path) -> None:
    """A queue of writers (each holder writes its mark into the lock file) never makes a
    waiter give up, however long the queue: only one holder keeping the lock a whole timeout
    does. One process plays eight holders in turn, a second each (8 s in all), against a 6 s
    timeout: the holder changes every second, so a busy machine has five seconds of margin
    for each turn. Polling gave up after the timeout, whoever held the lock."""
    db = tmp_path / "respond.json"
    relay = subprocess.Popen(
        [sys.executable, "-c", RELAY, str(lock_path(db))], stdout=subprocess.PIPE, text=True
    )
    assert relay.stdout is not None and relay.stdout.readline() == "held\n"
    try:
        with exclusive_lock(db, timeout=6.0):
            assert relay.stdout.readline() == "done\n"  # our turn came after the whole queue
    finally:
        relay.communicate(timeout=60)


@pytest.mark.slow
def test_sixty_concurrent_writers_all_succeed(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    procs = [spawn(db, "add", f"task {n}", "--from", "Kim") for n in range(60)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and err == "", err
        assert out.startswith("Added #")
    listed = subprocess.run(
        [sys.executable, "-m", "respond", "--db", str(db), "list", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert sorted(i["title"] for i in __import__("json").loads(listed.stdout)) == sorted(
        f"task {n}" for n in range(60)
    )

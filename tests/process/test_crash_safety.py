"""Crashes lose nothing: writers killed with SIGKILL at random moments, round after round.

Every commit writes a temp file, fsyncs it and renames it over the database, under a ``flock``
that the kernel drops when its holder dies. So after any kill the database loads, everything a
command confirmed is in it, and the next command goes ahead.

No assertion here depends on how fast the machine is: they check order and outcome. A lock
that outlived its holder would make the next command give up ("database ... is busy") after
respond's own lock timeout, a failure whatever the machine's speed; timeouts in these tests
only turn a hang into a clear failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from respond.storage.database import Store
from respond.storage.doctor import check
from respond.storage.lock import lock_path
from tests.support.cli import NOW
from tests.support.factory import generate, write
from tests.support.processes import env_for, finish, respond, spawn, wait_until_open

pytestmark = pytest.mark.slow  # rounds of writers killed with SIGKILL

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "6"))  # CRASH_ROUNDS=100 for a long run
WRITERS = 5
CONFIRMED = re.compile(r"^Added #(\d+): ((?:crash|after) \d+(?:-\d+)?) for ", re.MULTILINE)


def on_disk(db: Path) -> set[tuple[str, int, int, int]]:
    """The database file, its capture log (an add appends to it: see storage/captures.py) and
    any temp files next to it, as (name, inode, size, mtime)."""
    found = set()
    for name in os.listdir(db.parent):
        if name in (db.name, f"{db.name}.captures") or name.startswith(f".{db.name}."):
            with contextlib.suppress(FileNotFoundError):
                st = os.stat(db.parent / name)
                found.add((name, st.st_ino, st.st_size, st.st_mtime_ns))
    return found


def kill_all_at_first_write(procs: list[subprocess.Popen[str]], db: Path) -> None:
    """SIGKILL every writer the moment the database or a temp file next to it changes: with
    an in-place write this leaves a half-written database; with ours, an intact one."""
    before = on_disk(db)
    while any(proc.poll() is None for proc in procs):
        if on_disk(db) != before:
            for proc in procs:
                proc.send_signal(signal.SIGKILL)
            return
        time.sleep(0.0002)


def kill_on_schedule(
    procs: list[subprocess.Popen[str]], kills: list[tuple[float, int]], started: float
) -> None:
    """SIGKILL writer ``n`` ``at`` seconds after ``started``, for each ``(at, n)`` in order."""
    for at, n in kills:
        time.sleep(max(0.0, started + at - time.monotonic()))
        procs[n].send_signal(signal.SIGKILL)


def finish_round(
    procs: list[subprocess.Popen[str]],
    round_no: int,
    started: float,
    span: float,
    confirmed: dict[int, str],
) -> tuple[float, int, list[str]]:
    """Wait for a round's writers and note every confirmation that got out in ``confirmed``
    (one is printed only after the commit, so it counts whether or not the process was killed
    afterwards). Returns the round's new span (how long its writers take, measured as we go),
    how many were killed, and each writer's output."""
    killed = 0
    outs = []
    for proc in procs:
        out, _ = finish(proc, f"writer of round {round_no}")
        if proc.returncode == 0:
            span = max(span * 0.8, time.monotonic() - started)
        killed += proc.returncode == -signal.SIGKILL
        for match in CONFIRMED.finditer(out):
            confirmed[int(match.group(1))] = match.group(2)
        outs.append(out)
    return span, killed, outs


def test_sigkilled_writers_never_lose_a_confirmed_add(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    write(db, generate(1000, seed=11))  # a year of use: each write takes a while
    seeded = set(Store(db).snapshot().items)
    confirmed: dict[int, str] = {}
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261125")))
    killed = 0
    span = 1.0  # how long a round's writers take to finish (measured as we go)
    for round_no in range(ROUNDS):
        started = time.monotonic()
        procs = [
            spawn(db, "--now", NOW, "add", f"crash {round_no}-{n}", "--from", "Kim")
            for n in range(WRITERS)
        ]
        if round_no % 2:
            # Every writer dies the moment the first one starts writing.
            kill_all_at_first_write(procs, db)
        else:
            # Most writers die at a random moment, mostly late in their life: while they
            # wait for the lock, load, write, rename or print.
            kills = sorted(
                (
                    (rng.uniform(0.6, 1.05) if rng.random() < 0.8 else rng.uniform(0, 1)) * span,
                    n,
                )
                for n in range(WRITERS)
                if rng.random() < 0.7
            )
            kill_on_schedule(procs, kills, started)
        span, died, outs = finish_round(procs, round_no, started, span, confirmed)
        killed += died
        for proc, out in zip(procs, outs, strict=True):
            if proc.returncode == 0:
                assert CONFIRMED.search(out), out

        items = Store(db).snapshot().items  # the database loads
        assert seeded <= set(items)
        for item_id, title in confirmed.items():
            assert items[item_id].title == title, (round_no, item_id)
        assert all(
            CONFIRMED.match(f"Added #{i}: {t.title} for ")
            for i, t in items.items()
            if i not in seeded
        )  # nothing half-written or invented
        after = respond(db, "--now", NOW, "add", f"after {round_no}", "--from", "Kim")
        assert after.returncode == 0, after.stderr  # killed writers left no lock behind
        match = CONFIRMED.match(after.stdout)
        assert match
        confirmed[int(match.group(1))] = match.group(2)
    report = check(db)
    assert report.exit_code in (0, 1), report.lines()  # at most stray temp files, no damage
    assert killed >= ROUNDS  # the test did kill writers
    assert confirmed  # and some adds got through


EDITED = re.compile(r"^Edited #(\d+): ", re.MULTILINE)


def placed(db: Path) -> tuple[set[int], dict[int, int]]:
    """The IDs in the active file, and how many archive files hold each archived ID."""
    active = {int(k) for k in json.loads(db.read_bytes())["items"]}
    copies: dict[int, int] = {}
    for path in db.with_name(db.name + ".archive").glob("*.json"):
        for key in json.loads(path.read_bytes())["items"]:
            copies[int(key)] = copies.get(int(key), 0) + 1
    return active, copies


def test_sigkilled_writers_while_archiving_never_lose_an_item(tmp_path: Path) -> None:
    """Every round is a new day, so its first writer archives (writing archive files, then the
    active file) while others add and edit archived items (which brings them back), and they
    are killed at random moments or the instant the active file is being written: after each
    round every item is there, with every confirmed change, in one place once reconciled."""
    db = tmp_path / "respond.json"
    write(db, generate(1000, seed=13))
    known = set(Store(db).snapshot().items)
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261126")))
    confirmed: dict[int, str] = {}
    notes: dict[int, int] = {}  # the round of each item's last confirmed edit
    killed = 0
    span = 1.0
    for round_no in range(ROUNDS):
        day = (date(2026, 11, 25) + timedelta(days=round_no)).isoformat() + "T10:00"
        archived = sorted(placed(db)[1])
        procs = []
        for n in range(WRITERS):
            if n % 2 and archived:
                target = rng.choice(archived)
                args = ("edit", str(target), "--note", f"crash {round_no}-{n}")
            else:
                args = ("add", f"crash {round_no}-{n}", "--from", "Kim")
            procs.append(spawn(db, "--now", day, *args))
        started = time.monotonic()
        if round_no % 2:
            kill_all_at_first_write(procs, db)  # the active file: the archive is written
        else:
            kills = sorted((rng.uniform(0, 1.05) * span, n) for n in range(WRITERS))
            kill_on_schedule(procs, kills, started)
        span, died, outs = finish_round(procs, round_no, started, span, confirmed)
        killed += died
        for out in outs:
            for match in EDITED.finditer(out):
                notes[int(match.group(1))] = round_no
        items = Store(db).snapshot().items  # loads, archive and all
        assert known <= set(items), round_no  # nothing lost, whatever moved where
        for item_id, title in confirmed.items():
            assert items[item_id].title == title
        for item_id, edited_in in notes.items():  # (or by a later edit, killed after it)
            assert int(items[item_id].note.split()[1].split("-")[0]) >= edited_in
        known = set(items)
        # a full write (not a capture appended to the log: RESPOND_NO_LANE)
        after = respond(
            db, "--now", day, "add", f"after {round_no}", "--from", "Kim", RESPOND_NO_LANE="1"
        )
        assert after.returncode == 0, after.stderr
        # That change reconciled whatever a kill left: each item in one place.
        active, copies = placed(db)
        assert not active & set(copies) and set(copies.values()) <= {1}, round_no
        assert active | set(copies) == set(Store(db).snapshot().items)
        assert json.loads(db.read_bytes())["meta"]["1"]["archive"]["on"] == day[:10]
    report = check(db)
    assert report.exit_code in (0, 1), report.lines()  # at most stray temp files
    assert killed >= ROUNDS


HOLD_LOCK = """
import sys, time
from pathlib import Path
from respond.storage.lock import exclusive_lock
with exclusive_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_killed_lock_holder_never_blocks_the_next_command(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)],
        env=env_for(db),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    waiter = spawn(db, "--now", NOW, "add", "waits its turn", "--from", "Kim")
    wait_until_open(waiter, lock_path(db), "the add")  # it has reached the lock
    # The lock is real: the add waits while its holder lives...
    assert waiter.poll() is None
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    # ...and goes ahead once it died: the kernel released the lock with it. A lock that
    # outlived its holder would make the add give up, "database ... is busy".
    out, err = finish(waiter, "the add waiting for the lock")
    assert waiter.returncode == 0, err
    assert out.startswith("Added #1: waits its turn")
    assert lock_path(db).exists()  # the lock file stays; it never blocks anyone by itself
    after = respond(db, "--now", NOW, "add", "next", "--from", "Kim")
    assert after.returncode == 0, after.stderr


def test_a_killed_writers_temp_file_is_harmless_and_doctor_cleans_it(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    assert respond(db, "--now", NOW, "add", "kept", "--from", "Kim").returncode == 0
    dead = subprocess.Popen(["true"])
    dead.wait()
    stray = tmp_path / f".respond.json.{dead.pid}.tmp"
    stray.write_bytes(b'{"items": {"1": {"title": "half-writ')  # what a killed writer leaves
    os.chmod(stray, 0o600)
    added = respond(db, "--now", NOW, "add", "still fine", "--from", "Kim")
    assert added.returncode == 0, added.stderr
    assert [i["title"] for i in json.loads(respond(db, "list", "--json").stdout)] == [
        "kept",
        "still fine",
    ]
    doctor = respond(db, "doctor")
    assert doctor.returncode == 1 and "temp files: 1 left by killed commands" in doctor.stdout
    repaired = respond(db, "doctor", "--repair")
    assert "repaired: deleted 1 stray temp file" in repaired.stdout
    assert repaired.returncode == 0, repaired.stdout
    assert not stray.exists()

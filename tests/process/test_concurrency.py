"""Concurrent shells lose nothing: many real ``respond`` processes on one database at once.

Without the ``flock`` around each read-modify-write, most of these changes are lost: every
process reads the same file, adds its change and renames its own version over the others'.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from respond.core import actions
from respond.core.actions import Env
from respond.core.clock import FixedClock, from_iso
from respond.storage.database import Store
from respond.storage.doctor import check
from tests.support.cli import NOW
from tests.support.factory import generate, write
from tests.support.processes import folded, respond, spawn

pytestmark = pytest.mark.slow  # dozens of processes at once

ADDED = re.compile(r"^Added #(\d+): (task \d+) for ")


def finish(procs: list) -> list[str]:
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert err == ""
        outs.append(out)
    return outs


def stored(db: Path) -> dict[int, dict]:
    folded(db)  # (the adds that were captures, in the capture log until then)
    data = json.loads(db.read_bytes())  # the file is valid JSON
    return {int(key): doc for key, doc in data["items"].items()}


def test_fifty_adds_at_once_all_land_with_distinct_ids(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    outs = finish([spawn(db, "add", f"task {n}", "--from", f"Person {n:02}") for n in range(50)])
    confirmed = {}
    for out in outs:
        match = ADDED.match(out)
        assert match, out
        confirmed[int(match.group(1))] = match.group(2)
    assert sorted(confirmed) == list(range(1, 51))  # 50 confirmations, 50 distinct IDs
    items = stored(db)
    assert {i: doc["title"] for i, doc in items.items()} == confirmed
    assert json.loads(db.read_bytes())["meta"]["1"]["next_id"] == 51
    assert len(json.loads(db.read_bytes())["journal"]) == 50  # every change can be undone
    assert check(db).exit_code == 0


def test_mixed_add_ack_done_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    env = Env(FixedClock(from_iso("2026-11-25T09:00:00+00:00")))
    with Store(db).transaction() as tx:
        for n in range(1, 17):
            actions.add_ask(tx, env, f"seed {n}", f"Person {n}")
    commands = (
        [("ack", str(n), "--by", "tomorrow") for n in range(1, 9)]
        + [("done", str(n)) for n in range(9, 17)]
        + [("add", f"task {n}", "--from", "Lee") for n in range(8)]
    )
    random.Random(5).shuffle(commands)
    finish([spawn(db, "--now", NOW, *args) for args in commands])

    items = stored(db)
    assert sorted(items) == list(range(1, 33))  # 16 seeds + 8 follow-ups + 8 adds
    for n in range(1, 9):
        assert items[n]["status"] == "acked"
        assert [e["event"] for e in items[n]["history"]] == ["created", "acked", "promised"]
    for n in range(9, 17):
        assert items[n]["status"] == "done"
        events = [e["event"] for e in items[n]["history"]]
        assert events == ["created", "done", "follow-up scheduled"]
    follow_ups = sorted(d["for_id"] for d in items.values() if d["kind"] == "followup")
    assert follow_ups == list(range(9, 17))  # exactly one follow-up per done, none lost
    titles = sorted(d["title"] for d in items.values() if d["title"].startswith("task"))
    assert titles == sorted(f"task {n}" for n in range(8))
    assert len(json.loads(db.read_bytes())["journal"]) == 16 + 24
    assert respond(db, "list", "--json").returncode == 0


def archived_ids(db: Path) -> dict[int, str]:
    folder = db.with_name(db.name + ".archive")
    return {
        int(key): path.name
        for path in folder.glob("*.json")
        for key in json.loads(path.read_bytes())["items"]
    }


def test_writers_at_once_while_one_of_them_archives_lose_nothing(tmp_path: Path) -> None:
    """An archive already there, a new day (so the first writer to get the lock archives),
    adds and edits of archived items at once: every change lands, each item in one place."""
    db = tmp_path / "respond.json"
    write(db, generate(1500, seed=5, end=from_iso("2026-11-18T10:00:00+00:00")))
    assert respond(db, "--now", "2026-11-19T10:00", "add", "seed", "--from", "Kim").returncode == 0
    before = Store(db).snapshot().items
    old = sorted(archived_ids(db))
    assert len(old) > 500
    first = json.loads(db.read_bytes())["meta"]["1"]["next_id"]
    edited = old[:: len(old) // 10][:10]
    commands = [("add", f"task {n}", "--from", f"Person {n:02}") for n in range(40)] + [
        ("edit", str(item_id), "--note", f"edited {item_id}") for item_id in edited
    ]
    random.Random(7).shuffle(commands)
    outs = finish([spawn(db, "--now", "2026-11-25T10:00", *args) for args in commands])

    added = sorted(int(m.group(1)) for out in outs if (m := ADDED.match(out)))
    assert added == list(range(first, first + 40))  # 40 confirmations, 40 distinct IDs
    items = Store(db).snapshot().items
    assert sorted(items) == sorted([*before, *added])
    assert all(items[item_id].note == f"edited {item_id}" for item_id in edited)
    active = stored(db)
    archived = archived_ids(db)
    assert not set(active) & set(archived)  # each item in one place
    assert set(active) | set(archived) == set(items)
    assert not set(edited) & set(archived)  # an edited item is back in the active file
    assert len(archived) > len(old) - len(edited)  # and the day's pass archived more
    meta = json.loads(db.read_bytes())["meta"]["1"]
    assert meta["archive"]["on"] == "2026-11-25" and meta["next_id"] == first + 40
    assert check(db).exit_code == 0

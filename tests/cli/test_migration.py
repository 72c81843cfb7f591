"""Schema versions: an older database is migrated without losing anything; a newer one is
refused and left byte for byte as it was.

``fixtures/schema1.json`` was written by respond's schema-1 code (the CLI, before schema 2);
``fixtures/schema2.json`` and what the schema-2 code showed for it (``fixtures/schema2-expected/``)
by ``fixtures/make-schema2.sh`` with the schema-2 code.
"""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from respond.storage.backups import backups
from respond.storage.dbfile import MIGRATIONS, SCHEMA_VERSION
from tests.support.cli import NOW
from tests.support.paths import FIXTURES
from tests.support.processes import respond

FIXTURE = FIXTURES / "schema1.json"


def v1_items() -> dict[int, dict]:
    data = json.loads(FIXTURE.read_bytes())
    assert data["meta"]["1"]["schema"] == 1
    return {int(key): doc for key, doc in data["items"].items()}


def test_schema_1_file_is_read_migrated_and_saved_migrated_by_the_next_write(
    tmp_path: Path,
) -> None:
    db = tmp_path / "respond.json"
    shutil.copyfile(FIXTURE, db)
    before = v1_items()

    listed = respond(db, "--now", NOW, "list", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    shown = {item["id"]: item for item in json.loads(listed.stdout)}
    assert sorted(shown) == sorted(before)
    for item_id, old in before.items():
        new = shown[item_id]
        assert {key: new[key] for key in old} == old  # every v1 key, value for value
        assert new["updated"] == old["history"][-1]["at"]  # the migration's one addition
    assert db.read_bytes() == FIXTURE.read_bytes()  # reading never writes

    added = respond(db, "--now", NOW, "add", "after the upgrade", "--from", "Kim")
    assert added.returncode == 0 and added.stdout.startswith("Added #9:"), added  # IDs go on
    data = json.loads(db.read_bytes())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION == 3
    for item_id, old in before.items():
        stored = data["items"][str(item_id)]
        assert {key: stored[key] for key in old if key != "id"} == {
            key: value for key, value in old.items() if key != "id"
        }
        assert stored["updated"] == old["history"][-1]["at"]
    (_, kept), *_ = backups(db)
    assert kept.read_bytes() == FIXTURE.read_bytes()  # the v1 file is kept as the backup


def test_undo_reaches_back_into_changes_made_before_the_migration(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    shutil.copyfile(FIXTURE, db)
    edited_before = v1_items()[6]  # the v1 journal's last entry: "edit 6 --tag +urgent --by eow"
    assert respond(db, "--now", NOW, "add", "new", "--from", "Kim").returncode == 0
    assert respond(db, "--now", NOW, "undo").stdout == "Undid add: removed #9\n"
    assert respond(db, "--now", NOW, "undo").stdout.startswith("Undid edit: restored #6: ")
    item = json.loads(respond(db, "show", "6", "--json").stdout)
    assert "urgent" not in item["tags"] and item["tags"] == ["finance"]
    assert item["due"] != edited_before["due"]
    assert item["history"][-1]["event"] == "undone"
    assert item["updated"] == "2026-11-25T09:00:00+00:00"  # the undo is the latest change


def test_migration_is_idempotent_and_keeps_unknown_keys() -> None:
    data = json.loads(FIXTURE.read_bytes())
    data["items"]["1"]["custom"] = {"kept": True}
    once = MIGRATIONS[1](json.loads(json.dumps(data)))
    twice = MIGRATIONS[1](json.loads(json.dumps(once)))
    assert once == twice
    assert once["items"]["1"]["custom"] == {"kept": True}
    entry = once["journal"]["14"]["changes"][0]["before"]
    assert entry["updated"] == entry["history"][-1]["at"]


def test_newer_schema_is_refused_untouched_by_every_command(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    data = json.loads(FIXTURE.read_bytes())
    data["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    content = json.dumps(data).encode()
    db.write_bytes(content)
    for args in (("add", "x", "--from", "Kim"), ("done", "2"), ("list",), ("undo",)):
        result = respond(db, "--now", NOW, *args)
        assert result.returncode == 2, (args, result)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f"newer respond (schema {SCHEMA_VERSION + 1}" in result.stderr
        assert "upgrade respond" in result.stderr
    doctor = respond(db, "doctor", "--repair")
    assert doctor.returncode == 2 and "left untouched" in doctor.stdout
    assert "repaired" not in doctor.stdout
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["respond.json", "respond.json.lock"]


# ---- schema 2 -> 3: closed items past the window move to archive files ---------------------

SCHEMA2 = FIXTURES / "schema2.json"
EXPECTED = FIXTURES / "schema2-expected"
AT = "2026-11-25T09:00"  # when the fixture's outputs were captured (tests/fixtures/make-schema2.sh)
SHOWN = {
    "today.json": ("today", "--json"),
    "week.json": ("week", "--json"),
    "week-20.json": ("week", "--weeks", "20", "--json"),
    "list.json": ("list", "--json"),
    "list-all.json.gz": ("list", "--all", "--json"),
    "who-dana.json.gz": ("who", "dana", "--json"),
    "people.json": ("people", "--json"),
    "export.json.gz": ("export",),
}


def expected(name: str) -> str:
    raw = (EXPECTED / name).read_bytes()
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


# Fields the outputs gained after schema 2 (export's closed_at, who's addresses, today's
# your_promise): the migrated database shows everything else exactly as schema 2 did.
GAINED = {"closed_at", "addresses", "your_promise"}


def without_gained(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_gained(v) for k, v in value.items() if k not in GAINED}
    if isinstance(value, list):
        return [without_gained(v) for v in value]
    return value


def assert_shows_what_schema_2_showed(db: Path) -> None:
    for name, args in SHOWN.items():
        result = respond(db, "--now", AT, *args)
        assert result.returncode == 0, (args, result.stderr)
        shown = json.loads(result.stdout)
        assert without_gained(shown) == json.loads(expected(name)), args
        if name == "export.json.gz":  # closed_at is set exactly on the closed items
            closed = [item["closed_at"] is not None for item in shown["items"]]
            assert closed == [item["status"] in ("done", "dropped") for item in shown["items"]]
    old = (EXPECTED / "old-id").read_text().strip()
    assert respond(db, "--now", AT, "show", old, "--json").stdout == expected("show-old.json")


def test_schema_2_database_written_by_the_schema_2_code_migrates_with_nothing_changed(
    tmp_path: Path,
) -> None:
    db = tmp_path / "respond.json"
    shutil.copyfile(SCHEMA2, db)
    assert json.loads(db.read_bytes())["meta"]["1"]["schema"] == 2
    assert_shows_what_schema_2_showed(db)  # read as it is: every item is active
    assert db.read_bytes() == SCHEMA2.read_bytes()  # reading never writes

    # The first change migrates and archives; an undo takes the change back, not the move.
    assert respond(db, "--now", AT, "add", "first", "--from", "Kim").returncode == 0
    assert respond(db, "--now", AT, "undo").stdout == "Undid add: removed #1203\n"
    data = json.loads(db.read_bytes())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION == 3
    folder = tmp_path / "respond.json.archive"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2026-Q3.json",
        "2026-Q4.json",
        "people.cache",
        "summaries.cache",
    ]
    archived = {
        key: doc
        for path in folder.glob("*.json")
        for key, doc in json.loads(path.read_bytes())["items"].items()
    }
    old = json.loads(SCHEMA2.read_bytes())["items"]
    assert len(archived) > len(data["items"]) / 2  # most of it moved
    assert not set(archived) & set(data["items"])  # each item in one place
    assert set(archived) | set(data["items"]) == set(old)
    assert all(archived[key] == old[key] for key in archived)  # moved as it was, history too
    assert_shows_what_schema_2_showed(db)
    # The schema-2 file is kept, and never pruned with the daily backups.
    kept = tmp_path / "respond.json.backups" / f"pre-schema3-{date.today().isoformat()}.json"
    assert kept.read_bytes() == SCHEMA2.read_bytes()
    assert respond(db, "doctor").returncode == 0


def test_undo_after_the_migration_reaches_items_moved_to_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    shutil.copyfile(SCHEMA2, db)
    old = int((EXPECTED / "old-id").read_text())  # edited on 1 Oct: the journal's first entry
    assert respond(db, "--now", AT, "add", "first", "--from", "Kim").returncode == 0
    folder = tmp_path / "respond.json.archive"
    assert str(old) in json.loads((folder / "2026-Q3.json").read_bytes())["items"]
    undone = [respond(db, "--now", AT, "undo").stdout for _ in range(5)]
    assert undone[0] == "Undid add: removed #1203\n"
    assert undone[4].startswith(f"Undid edit: restored #{old}: ")  # from the archive
    item = json.loads(respond(db, "--now", AT, "show", str(old), "--json").stdout)
    assert item["tags"] == [] and item["history"][-1]["event"] == "undone"
    assert str(old) in json.loads(db.read_bytes())["items"]  # back in the active file
    assert str(old) not in json.loads((folder / "2026-Q3.json").read_bytes())["items"]
    assert respond(db, "doctor").returncode == 0

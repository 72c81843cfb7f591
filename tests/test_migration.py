"""Schema versions: an older database is migrated without losing anything; a newer one is
refused and left byte for byte as it was.

``fixtures/schema1.json`` was written by respond's schema-1 code (the CLI, before schema 2).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from processes import NOW, respond

from respond.storage.backups import backups
from respond.storage.database import MIGRATIONS, SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "schema1.json"


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

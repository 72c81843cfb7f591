"""The undo journal names what a command created by ID, not with a record each (issue 23): an
import of 10,000 items was 250 kB of the active file, which every command reads. Undo works
exactly as before, entries an older respond wrote still undo, and the next write stores them
compactly too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from respond.storage.journal import compact_entry, expand_entry, journal_entry_ok
from tests.support.cli import Run
from tests.support.factory import generate, write


def journal(db: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(db.read_bytes())["journal"]
    return data


def items(db: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(db.read_bytes())["items"]
    return data


def test_undo_of_a_1000_item_import_from_a_compact_entry(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source.json"
    write(source, generate(1000, seed=3))
    exported = tmp_path / "export.json"
    monkeypatch.setenv("RESPOND_DB", str(source))
    exported.write_text(run("export").stdout)
    monkeypatch.setenv("RESPOND_DB", str(db_path))
    run("add", "mine", "--from", "Sam")
    run("add", "deleted", "--from", "Sam")
    run("delete", "2")  # ID 2 is taken: the file's #2 gets a fresh ID
    before = items(db_path)
    assert run("import", str(exported)).exit_code == 0
    assert len(items(db_path)) == 1001
    entry = journal(db_path)[max(journal(db_path), key=int)]
    assert entry["command"] == "import" and "changes" not in entry
    assert entry["touched"] == [] and len(json.dumps(entry)) < 100  # was 25 kB
    assert sorted(n for c in expand_entry(entry)["changes"] for n in [c["id"]]) == sorted(
        int(k) for k in items(db_path) if k not in before
    )
    assert run("undo").stdout == "Undid import: removed 1000 items\n"
    assert items(db_path) == before
    assert run("undo").stdout.startswith("Undid delete: restored #2")


def test_an_older_entry_still_undoes_and_the_next_write_stores_it_compactly(
    run: Run, db_path: Path
) -> None:
    run("add", "one", "--from", "Sam")
    run("done", "1")  # creates the follow-up #2 and changes #1
    data = json.loads(db_path.read_bytes())
    key = max(data["journal"], key=int)
    stored = data["journal"][key]
    older = expand_entry(stored)  # as an older respond wrote it
    assert older is not None
    assert older["changes"][-1] == {"id": 2, "before": None} and "created" not in older
    data["journal"][key] = older
    db_path.write_text(json.dumps(data))
    run("add", "two", "--from", "Sam")  # the next write
    assert journal(db_path)[key] == stored
    run("undo")
    assert run("undo").stdout == "Undid done: restored #1: one (open); removed #2\n"
    assert sorted(items(db_path)) == ["1"]


ids = st.lists(st.integers(1, 60), unique=True, max_size=30)


@given(created=ids, touched=ids, order=st.randoms())
def test_compact_then_expand_gives_the_same_changes(
    created: list[int], touched: list[int], order: Any
) -> None:
    touched = [i for i in touched if i not in created]
    changes: list[dict[str, Any]] = [{"id": i, "before": None} for i in created]
    changes += [{"id": i, "before": {"title": str(i)}} for i in touched]
    order.shuffle(changes)
    entry = {"at": "2026-11-25T09:00:00+00:00", "command": "x", "changes": changes, "kept": [1]}
    stored = compact_entry(entry)
    assert json.loads(json.dumps(stored)) == stored
    back = expand_entry(stored)
    assert back is not None
    assert {k: v for k, v in back.items() if k != "changes"} == {
        k: v for k, v in entry.items() if k != "changes"
    }
    # the same changes; each kind in its order (undo's message follows it)
    assert sorted(back["changes"], key=str) == sorted(changes, key=str)
    for kind in (True, False):
        mine = [c for c in changes if (c["before"] is None) is kind]
        assert [c for c in back["changes"] if (c["before"] is None) is kind] == mine


@pytest.mark.parametrize(
    "damage",
    [
        {"created": "1"},
        {"created": [[5, 2]]},
        {"created": [[1, 10**15]]},
        {"created": [1.5]},
        {"created": [1], "touched": None},
        {"created": [1], "touched": [], "changes": []},
    ],
)
def test_a_damaged_compact_entry_is_refused(damage: dict[str, Any]) -> None:
    entry = {"at": "2026-11-25T09:00:00+00:00", "command": "x", "touched": [], **damage}
    assert not journal_entry_ok(entry)
    assert journal_entry_ok({"at": "2026-11-25T09:00:00+00:00", "command": "x", "created": [1],
                             "touched": []})  # fmt: skip

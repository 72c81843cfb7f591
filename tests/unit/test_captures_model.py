"""The capture log against the database without it (``respond/storage/captures.py``): any
sequence of changes, made once with captures wherever the lane would make one and once with
full transactions only, reads the same after every step (items, names, what undo takes
back), whatever crashes in between: a log left over after its fold, a line cut off mid-write,
a names file that no longer matches the active file."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from respond.core import actions
from respond.core.clock import FixedClock, to_local
from respond.core.env import Env
from respond.core.errors import RespondError
from respond.storage import captures
from respond.storage.database import Store

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = ["Dana", "dana", "Zoë Müller", "zoe muller", "Sam", "Samira", "New Person"]

CAPTURES = ("add", "promise", "thanks")
op = st.one_of(
    st.tuples(st.sampled_from(CAPTURES), st.sampled_from(PEOPLE)),
    st.tuples(st.sampled_from(["done", "delete"]), st.integers(1, 12)),
    st.tuples(st.just("undo"), st.none()),
    st.tuples(st.sampled_from(["stale log", "cut line", "stale names"]), st.none()),
)


def _action(name: str, arg: Any, k: int) -> Any:
    if name == "add":
        return lambda s, env: actions.add_ask(s, env, f"ask {k}", arg)
    if name == "promise":
        return lambda s, env: actions.add_promise(s, env, f"promise {k}", arg, "2d")
    if name == "thanks":
        return lambda s, env: actions.thank(s, env, arg, f"thanks {k}")
    if name == "done":
        return lambda s, env: actions.complete(s, env, arg, no_follow_up=True)
    if name == "delete":
        return lambda s, env: actions.delete(s, env, arg)
    return lambda s, env: actions.undo(s, env)


def _full(db: Path, action: Any, env: Env) -> str:
    with Store(db).transaction(now=env.now()) as session:
        return str(action(session, env).message)


def _captured(db: Path, action: Any, env: Env) -> str:
    try:
        run = lambda session: action(session, env)  # noqa: E731
        today = to_local(env.now()).date().isoformat()
        return str(captures.capture(str(db), today, run).message)
    except captures.Declined:
        return _full(db, action, env)


def _seen(db: Path) -> Any:
    store = Store(db)
    items = {
        i.id: (i.kind, i.person, i.title, i.status, i.due, i.uuid)
        for i in store.snapshot().items.values()
    }
    return items, list(store.person_counts().items())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(op, min_size=1, max_size=14))
def test_captures_read_as_full_writes(tmp_path_factory: Any, ops: list[Any]) -> None:
    folder = tmp_path_factory.mktemp("model")
    with_log, plain = folder / "log" / "respond.json", folder / "plain" / "respond.json"
    for db in (with_log, plain):
        db.parent.mkdir()
        _full(db, _action("add", "Dana", 0), Env(FixedClock(START)))
    uuids: dict[str, str] = {}
    kept: bytes | None = None
    for k, (name, arg) in enumerate(ops, start=1):
        env = Env(FixedClock(START + timedelta(minutes=k)))
        log = Path(captures.captures_path(with_log))
        if name == "stale log":  # a fold's commit that crashed before removing the log
            if kept is not None and not log.exists():
                log.write_bytes(kept)
            continue
        if name == "cut line":  # a capture killed mid-write (never confirmed)
            if log.exists():
                with log.open("ab") as handle:
                    handle.write(b'{"item":{"id":')
            continue
        if name == "stale names":  # the active file changed behind the names file's back
            names = Path(captures.names_path(with_log))
            if names.exists():
                names.write_bytes(names.read_bytes().replace(b'"db":[', b'"db":[1'))
            continue
        kept = log.read_bytes() if log.exists() else kept
        action = _action(name, arg, k)
        results = []
        for db, make in ((with_log, _captured if name in CAPTURES else _full), (plain, _full)):
            try:
                results.append(make(db, action, env))
            except RespondError as err:
                results.append(f"error: {err}")
        assert results[0] == results[1], (name, arg)
        a, b = _seen(with_log), _seen(plain)
        # uuids are random: the same item has one in each database
        for (ia, va), (ib, vb) in zip(sorted(a[0].items()), sorted(b[0].items()), strict=True):
            assert ia == ib and va[:5] == vb[:5]
            assert uuids.setdefault(va[5], vb[5]) == vb[5]
        assert a[1] == b[1]


def test_the_model_appends_captures(tmp_path: Path) -> None:
    """The model's capture path really appends (it would compare nothing if every capture
    were declined)."""
    db = tmp_path / "respond.json"
    env = Env(FixedClock(START))
    _full(db, _action("add", "Dana", 0), env)
    before = db.read_bytes()
    assert _captured(db, _action("add", "dana", 1), env).startswith("Added #2")
    assert _captured(db, _action("thanks", "Sam", 2), env).startswith("Thanked Sam #3")
    assert db.read_bytes() == before and len(captures.read(db).entries) == 2  # type: ignore[union-attr]


def test_a_full_log_leaves_the_next_capture_to_a_full_write(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    env = Env(FixedClock(START))
    _full(db, _action("add", "Dana", 0), env)
    for k in range(captures.MOST):
        assert _captured(db, _action("add", "Sam", k), env).startswith(f"Added #{k + 2}")
    assert len(captures.read(db).entries) == captures.MOST  # type: ignore[union-attr]
    assert _captured(db, _action("add", "Sam", 999), env).startswith(f"Added #{captures.MOST + 2}")
    assert captures.read(db) is None  # folded by the full write
    assert len(Store(db).snapshot().items) == captures.MOST + 2


def test_a_captured_id_an_archive_file_holds_is_renumbered() -> None:
    """A capture's ID is past every ID when it is made; one that an archive file holds (the
    active file replaced by an older one under it) gets a fresh ID, never a twin that the
    active copy would hide."""
    record = {
        "id": 40, "uuid": "u-40", "kind": "ask", "person": "Sam", "title": "t",
        "created": "2026-11-23T09:00:00+00:00", "due": None, "status": "open",
    }  # fmt: skip
    entry = {"at": "2026-11-23T09:00:00+00:00", "command": "add", "changes": [
        {"id": 40, "before": None}]}  # fmt: skip
    log = captures.Captured("t" * 32, [(record, entry)], 0, 0, 0, 0)
    data: dict[str, Any] = {
        "meta": {"1": {"schema": 3, "next_id": 30, "archive": {"files": {"2026-Q3": {
            "ids": [1, 50]}}}}},
        "items": {"2": {**record, "uuid": "u-2"}},
    }  # fmt: skip
    assert captures.fold(data, log) == ["51"]
    assert data["meta"]["1"]["next_id"] == 52
    (stored,) = data["journal"].values()
    assert stored["created"] == [51]


SPELLINGS = ["Ann Lee", "ann lee", "Ann-Lee", "Zoë", "zoe", "Zoe", "Bob", 'Q "x"', "Ünal"]
counted = st.dictionaries(st.sampled_from(SPELLINGS), st.integers(1, 3), max_size=6)


@settings(max_examples=150, deadline=None)
@given(counted, counted, st.lists(st.sampled_from([*SPELLINGS, "New One"]), max_size=6))
def test_a_captures_names_are_the_full_reads(
    archived: dict[str, int], active: dict[str, int], logged: list[str]
) -> None:
    """What a capture knows of everyone (``captures.Known``: one line of ``<db>.names`` per
    name asked, or all of them) is what a full read gives: ``known_names`` over the archive's
    names, then the active file's, then the log's, in that order (ties: the first seen)."""
    import tempfile

    from respond.core.people import known_names, person_key

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "respond.json"
        db.write_text("{}")
        keys = {s: person_key(s) for s in (*archived, *active)}
        captures.write_names(db, {"next_id": 1}, archived, active, keys)
        names = captures.read_names(str(db), os.stat(db))
        assert names is not None
        merged = dict(archived)
        for spelling, count in (*active.items(), *((s, 1) for s in logged)):
            merged[spelling] = merged.get(spelling, 0) + count
        expected = known_names(merged.items())
        asked = captures.Known(names, logged)
        for key in {*expected, "nobody"}:  # one line each
            assert asked.get(key) == expected.get(key)
            assert (key in asked) == (key in expected)
        assert list(captures.Known(names, logged).items()) == list(expected.items())


def test_names_folded_by_another_rule_are_not_trusted(tmp_path: Path) -> None:
    """``<db>.names`` keeps each spelling's key from one commit to the next: one written under
    another folding rule (``people.KEY_RULE``) is read by neither a capture nor a commit."""
    db = tmp_path / "respond.json"
    db.write_text("{}")
    captures.write_names(db, {"next_id": 1}, {"Zoë": 1}, {}, {"Zoë": "zoe"})
    assert captures.read_names(str(db), os.stat(db)) is not None
    assert captures.previous_names(db) is not None
    names = Path(captures.names_path(db))
    names.write_bytes(names.read_bytes().replace(b'"rule":1', b'"rule":0', 1))
    assert captures.read_names(str(db), os.stat(db)) is None
    assert captures.previous_names(db) is None

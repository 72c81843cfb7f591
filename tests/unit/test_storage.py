"""The storage layer on real files: atomic writes, IDs, schema, transactions."""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from respond.core.errors import DatabaseError, NotFound
from respond.core.model import Item
from respond.storage.database import SCHEMA_VERSION, Store, lock_path

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def make(item_id: int, title: str = "t", person: str = "p", note: str = "") -> Item:
    return Item(
        id=item_id, uuid=f"u{item_id}", kind="ask", person=person, title=title,
        channel="email", created=T0, due=T0, note=note,
    )  # fmt: skip


def test_first_write_creates_file_0600_with_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    with store.transaction() as tx:
        tx.put(make(tx.next_id()))
    data = json.loads(store.path.read_text())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    assert oct(lock_path(store.path).stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_default_directory_is_created_private(tmp_path: Path) -> None:
    store = Store(tmp_path / "data" / "respond" / "db.json", explicit=False)
    with store.transaction() as tx:
        tx.put(make(tx.next_id()))
    assert oct(store.path.parent.stat().st_mode & 0o777) == "0o700"


def test_exception_inside_transaction_writes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    with store.transaction() as tx:
        tx.put(make(tx.next_id()))
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put(make(tx.next_id(), title="half"))
        raise RuntimeError("boom")
    assert store.path.read_bytes() == before


def test_ids_are_never_reused_after_delete(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    with store.transaction() as tx:
        for _ in range(3):
            tx.put(make(tx.next_id()))
        tx.delete(3)
    with store.transaction() as tx:
        assert tx.next_id() == 4
        with pytest.raises(NotFound):
            tx.get(3)


def test_snapshot_of_missing_file_is_empty_and_creates_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    assert store.snapshot().items == {}
    assert not store.path.exists()


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text(json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}}))
    with pytest.raises(DatabaseError, match="newer respond"), Store(path).transaction():
        pass


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200
).filter(lambda s: s.strip() != "")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=text, person=text, note=st.text(max_size=300))
def test_any_text_round_trips_exactly(tmp_path: Path, title: str, person: str, note: str) -> None:
    path = tmp_path / "prop.json"
    path.unlink(missing_ok=True)
    store = Store(path)
    with store.transaction() as tx:
        tx.put(make(tx.next_id(), title=title, person=person, note=note))
    (item,) = Store(path).snapshot().items.values()
    assert (item.title, item.person, item.note) == (title, person, note)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.sampled_from("ad"), min_size=1, max_size=15))
def test_ids_strictly_increase_whatever_is_deleted(tmp_path: Path, ops: list[str]) -> None:
    path = tmp_path / "ids.json"
    path.unlink(missing_ok=True)
    store = Store(path)
    issued: list[int] = []
    for op in ops:
        with store.transaction() as tx:
            if op == "a" or not issued:
                new = tx.next_id()
                tx.put(make(new))
                issued.append(new)
            else:
                tx.delete(issued[-1])
    assert issued == sorted(set(issued))
    assert set(store.snapshot().items) <= set(issued)
    assert all(c in string.printable for c in path.read_text())


def test_text_the_fast_encoder_refuses_still_round_trips(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.json")
    odd = "lone surrogate \udc80 and emoji 🎉"
    with store.transaction() as tx:
        tx.put(make(tx.next_id(), title="plain ✓", note=odd))
    (item,) = store.snapshot().items.values()
    assert (item.title, item.note) == ("plain ✓", odd)
    assert b"\\udc80" in store.path.read_bytes()  # the ASCII-escaped fallback was used

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
from respond.storage.database import Store
from respond.storage.dbfile import SCHEMA_VERSION
from respond.storage.lock import lock_path

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


@given(st.data())
@settings(max_examples=30)
def test_replace_many_is_the_same_as_deletes_then_puts_one_by_one(tmp_path_factory, data) -> None:
    """A sync's merge writes in bulk (put by put rewrote the table each time: quadratic); the
    result is what deleting then putting one by one gives, archived items included."""

    from respond.storage.database import Store
    from tests.support.factory import generate, write

    items = generate(40, 5)
    folder = tmp_path_factory.mktemp("bulk")
    bulk, single = folder / "bulk.json", folder / "single.json"
    for path in (bulk, single):
        write(path, items)
        with Store(path).transaction(now=items[-1].created):  # archives the old closed ones
            pass
    by_id = {item.id: item for item in items}
    ids = sorted(by_id)
    deletes = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=10))
    changed = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=10))
    moved = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=5))
    puts = [by_id[i].replace(title=f"changed {i}") for i in changed]
    puts += [by_id[i].replace(id=1000 + i) for i in moved if i not in changed]
    with Store(single).transaction() as txn:
        for item_id in [*deletes, *(i for i in moved if i not in changed)]:
            txn.delete(item_id)
        for item in puts:
            txn.put(item)
    with Store(bulk).transaction() as txn:
        gone = [*deletes, *(i for i in moved if i not in changed)]
        txn.replace_many({item.id: item.to_record() for item in puts}, gone)
    assert Store(bulk).snapshot().items == Store(single).snapshot().items

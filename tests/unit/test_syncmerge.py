"""The merge rules of ``respond sync`` (respond.core.syncmerge), without git: each rule on its
own, then hypothesis over random histories of several machines that sync in random orders."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from respond.core.syncmerge import (
    Clocks,
    Replica,
    SyncFileError,
    files_of,
    items_of,
    merge,
    replica_from_files,
    replica_of,
)

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(uuid: str, item_id: int, minute: int = 0, **fields: Any) -> dict[str, Any]:
    base = {
        "id": item_id,
        "uuid": uuid,
        "kind": "ask",
        "person": "Dana",
        "title": f"item {uuid}",
        "channel": None,
        "created": at(minute),
        "due": None,
        "status": "open",
        "for_id": None,
        "for_uuid": None,
        "tags": [],
        "note": "",
        "history": [{"event": "created", "at": at(minute)}],
        "updated": at(minute),
    }
    base.update(fields)
    return base


def edited(rec: dict[str, Any], minute: int, **fields: Any) -> dict[str, Any]:
    new = copy.deepcopy(rec)
    new.update(fields)
    new["history"].append({"event": "edited", "at": at(minute), **fields})
    new["updated"] = at(minute)
    return new


def replica(*records: dict[str, Any], tombstones: dict[str, str] | None = None) -> Replica:
    items = {r["uuid"]: r for r in records}
    top = max((r["id"] for r in records), default=0)
    return Replica(items, dict(tombstones or {}), top + 1)


def test_items_new_on_either_side_are_kept():
    base = replica(record("a", 1))
    here = replica(record("a", 1), record("b", 2, 5))
    there = replica(record("a", 1), record("c", 3, 6))
    merged = merge(base, here, there).replica
    assert set(merged.items) == {"a", "b", "c"}


def test_a_field_changed_on_one_side_takes_that_side():
    a = record("a", 1)
    base = replica(a)
    here = replica(edited(a, 10, title="new title"))
    there = replica(edited(a, 20, note="a note"))
    out = merge(base, here, there)
    got = out.replica.items["a"]
    assert (got["title"], got["note"]) == ("new title", "a note")
    assert out.conflicts == []
    assert got["updated"] == at(20)
    assert [e["event"] for e in got["history"]] == ["created", "edited", "edited"]


def test_a_field_changed_on_both_sides_takes_the_later_change_and_reports_it():
    a = record("a", 12)
    base = replica(a)
    here = replica(edited(a, 30, title="from laptop"))
    there = replica(edited(a, 20, title="from desktop"))
    out = merge(base, here, there, names=("laptop", "desktop"))
    assert out.replica.items["a"]["title"] == "from laptop"
    assert [(c.id, c.field, c.kept) for c in out.conflicts] == [(12, "title", "laptop")]
    # the other way round, the same result
    again = merge(base, there, here, names=("desktop", "laptop"))
    assert again.replica == out.replica
    assert [(c.id, c.field, c.kept) for c in again.conflicts] == [(12, "title", "laptop")]


def test_causality_decides_before_the_clock_an_edit_made_after_seeing_the_other_wins():
    a = record("a", 12)
    laptop = edited(a, 30, title="from laptop")
    desktop = edited(laptop, 10, title="from desktop, after it")  # its clock is behind
    for base in (replica(a), Replica()):  # the item in the base or not (an import)
        for mine, theirs in ((laptop, desktop), (desktop, laptop)):
            out = merge(base, replica(mine), replica(theirs))
            assert out.replica.items["a"]["title"] == "from desktop, after it"
            assert out.conflicts == []  # not concurrent: nothing to settle


def test_a_time_ahead_of_the_clock_never_settles_a_conflict_and_is_named():
    a = record("a", 12)
    here = edited(a, 30, title="real edit")
    there = {**edited(a, 10, title="hostile"), "updated": "9998-01-01T00:00:00Z"}
    assert merge(replica(a), replica(here), replica(there)).replica.items["a"]["title"] == (
        "hostile"  # without a clock to check against, the time counts as written
    )
    clocks = Clocks.at(T0 + timedelta(minutes=40), T0)
    out = merge(replica(a), replica(here), replica(there), ("laptop", "crafty"), clocks)
    assert out.replica.items["a"]["title"] == "real edit"
    assert [(c.field, c.kept) for c in out.conflicts] == [("title", "laptop")]
    assert [(u.uuid, u.side, u.at) for u in out.untrusted] == [
        ("a", "crafty", "9998-01-01T00:00:00Z")
    ]
    # a time ahead of the clock by less than a day is trusted (clocks differ a little)
    near = {**there, "updated": at(60 * 20)}
    out = merge(replica(a), replica(here), replica(near), ("laptop", "crafty"), clocks)
    assert out.replica.items["a"]["title"] == "hostile" and out.untrusted == []


@given(
    st.lists(st.sampled_from([5, -600, 3 * 1440, 4 * 10**9]), min_size=2, max_size=6),
    st.data(),
)
def test_an_edit_made_after_another_wins_whatever_the_clocks_said(stamps, data):
    chain = [record("a", 1)]
    for n, stamp in enumerate(stamps):  # each edit made on top of the one before, anywhere
        field = data.draw(st.sampled_from(["title", "note"]))
        chain.append(edited(chain[-1], stamp, **{field: f"{field} {n}"}))
    i = data.draw(st.integers(0, len(chain) - 2))
    j = data.draw(st.integers(i + 1, len(chain) - 1))
    clocks = Clocks.at(T0 + timedelta(minutes=60), None)
    for base in (replica(chain[0]), Replica()):
        for mine, theirs in ((chain[i], chain[j]), (chain[j], chain[i])):
            out = merge(base, replica(mine), replica(theirs), clocks=clocks)
            got = out.replica.items["a"]
            assert (got["title"], got["note"]) == (chain[j]["title"], chain[j]["note"])
            assert out.conflicts == []


def test_notes_from_both_sides_are_joined_alike_whichever_side_merges():
    a = record("a", 3)
    here, there = edited(a, 10, note="mine"), edited(a, 20, note="theirs")
    out = merge(replica(a), replica(here), replica(there), ("laptop", "desktop"))
    again = merge(replica(a), replica(there), replica(here), ("desktop", "laptop"))
    assert out.replica == again.replica
    assert out.replica.items["a"]["note"] == "[laptop] mine\n[desktop] theirs"
    assert [d.what for d in out.decisions] == ["notes from desktop and laptop joined"]
    assert out.conflicts == []


def test_histories_are_the_union_ordered_by_time_each_event_once():
    a = record("a", 1)
    here = edited(edited(a, 10, title="x"), 30, note="n")
    there = edited(a, 20, status="acked")
    merged = merge(replica(a), replica(here), replica(there)).replica.items["a"]
    assert [e["at"] for e in merged["history"]] == [at(0), at(10), at(20), at(30)]


def test_delete_against_edit_keeps_the_edit_and_delete_against_nothing_deletes():
    a, b = record("a", 1), record("b", 2)
    base = replica(a, b)
    here = replica(edited(a, 10, title="edited here"), b)
    there = replica(tombstones={"a": at(20), "b": at(20)})
    merged = merge(base, here, there).replica
    assert set(merged.items) == {"a"}
    assert merged.items["a"]["title"] == "edited here"
    assert merged.tombstones == {"b": at(20)}


def test_a_tombstone_deletes_an_item_the_base_never_had_unless_edited_after_it():
    a = record("a", 1)
    there = replica(tombstones={"a": at(5)})
    assert merge(Replica(), replica(a), there).replica.items == {}
    later = edited(a, 10, title="after the delete")
    assert set(merge(Replica(), replica(later), there).replica.items) == {"a"}


def test_colliding_ids_renumber_the_later_item_and_links_follow():
    base = replica(record("a", 56))
    mine = record("m", 57, 10)
    theirs = record("t", 57, 5)
    follow = record("f", 58, 11, for_id=57, for_uuid="m", kind="followup")
    here = replica(record("a", 56), mine, follow)
    there = replica(record("a", 56), theirs)
    out = merge(base, here, there, names=("laptop", "desktop"))
    ids = {uuid: r["id"] for uuid, r in out.replica.items.items()}
    assert ids["t"] == 57  # created first
    assert ids["m"] == 59 and ids["f"] == 58  # after the highest either side used
    assert [(r.old, r.new, r.side) for r in out.renumbered] == [(57, 59, "laptop")]
    assert out.replica.next_id == 60
    items = {item.uuid: item for item in items_of(out.replica)}
    assert items["f"].for_id == 59  # the follow-up still points at its item


def test_the_repository_files_round_trip_and_are_one_line_per_item():
    rep = replica(record("a", 1), record("b", 2, 60 * 24 * 40), tombstones={"z": at(3)})
    files = files_of(rep)
    assert sorted(files) == [
        "items/2026-Q4.json",
        "items/2027-Q1.json",
        "meta.json",
        "tombstones.json",
    ]
    assert files["items/2026-Q4.json"].count(b"\n") == 3
    assert replica_from_files(files) == rep


def test_a_hostile_repository_file_is_one_error():
    bad = {
        "meta.json": b'{"format": 1, "next_id": 3}\n',
        "items/2026-Q4.json": b'{"a": {"id": "x"}}',
    }
    for files in (
        bad,
        {"meta.json": b"[" * 5000},
        {"meta.json": b'{"format": 9, "next_id": 1}'},
        {"tombstones.json": b'{"a": 5}'},
        {"items/2026-Q4.json": b'{"a": 1}'},
        {"items/2026-Q4.json": b"\xff"},
    ):
        try:
            replica_from_files(files)
        except SyncFileError:
            pass
        else:  # pragma: no cover - the assertion's message
            raise AssertionError(f"accepted {files!r}")


def test_replica_of_names_links_by_uuid_and_drops_tombstones_of_live_items():
    from respond.core.model import Item

    a = Item.from_record(record("a", 1))
    f = Item.from_record(record("f", 2, 1, for_id=1, kind="followup"))
    rep = replica_of([a, f], {"a": at(9), "gone": at(9)}, 1)
    assert rep.items["f"]["for_uuid"] == "a"
    assert rep.tombstones == {"gone": at(9)}
    assert rep.next_id == 3


# -- several machines, random operations, random sync orders -----------------------------------

OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "delete", "sync"]),
        st.integers(0, 2),  # which machine
        st.integers(0, 50),  # which item (modulo what the machine has)
        st.sampled_from(["title", "note", "status"]),
    ),
    max_size=40,
)


class Machine:
    def __init__(self, name: str) -> None:
        self.name = name
        self.here = Replica()
        self.base = Replica()


#: Minutes each machine's clock is off: right, behind, ahead, hostile (the year 7600).
OFFSETS = st.tuples(*[st.sampled_from([0, -600, 3 * 1440, 4 * 10**9])] * 3)


@settings(max_examples=150)
@given(OPS, OFFSETS)
def test_machines_that_sync_in_any_order_converge_and_lose_nothing(ops, offsets):
    remote = Replica()
    machines = [Machine(f"m{i}") for i in range(3)]
    clock = iter(range(1, 10_000))
    created: set[str] = set()
    deleted: set[str] = set()
    now = 0

    def sync(m: Machine) -> None:
        nonlocal remote
        shift = offsets[machines.index(m)]
        clocks = Clocks.at(T0 + timedelta(minutes=now + shift), None)
        out = merge(m.base, m.here, remote, (m.name, "remote"), clocks)
        ids = [r["id"] for r in out.replica.items.values()]
        assert len(ids) == len(set(ids))
        remote = out.replica
        m.here = copy.deepcopy(out.replica)
        m.base = copy.deepcopy(out.replica)

    for op, who, which, fld in ops:
        m = machines[who]
        now = next(clock)
        stamp = now + offsets[who]  # what this machine's clock says
        uuids = sorted(m.here.items)
        if op == "add":
            uuid = f"{m.name}-{now}"
            m.here.items[uuid] = record(uuid, m.here.next_id, stamp)
            m.here.next_id += 1
            created.add(uuid)
        elif op == "edit" and uuids:
            uuid = uuids[which % len(uuids)]
            value = "done" if fld == "status" else f"{fld} {now} on {m.name}"
            m.here.items[uuid] = edited(m.here.items[uuid], stamp, **{fld: value})
        elif op == "delete" and uuids:
            uuid = uuids[which % len(uuids)]
            del m.here.items[uuid]
            m.here.tombstones[uuid] = at(stamp)
            deleted.add(uuid)
        elif op == "sync":
            sync(m)
    now += 1
    for _ in range(2):
        for m in machines:
            sync(m)
    first = machines[0].here
    assert all(m.here == first for m in machines)
    assert created - deleted <= set(first.items)
    ids = [r["id"] for r in first.items.values()]
    assert len(ids) == len(set(ids))
    assert first.next_id > max(ids, default=0)


SIDE = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]),
    st.tuples(st.integers(1, 4), st.integers(0, 30), st.sampled_from(["x", "y", "z"])),
    max_size=4,
)


def _side(spec: dict[str, tuple[int, int, str]], base: Replica) -> Replica:
    out = Replica(next_id=base.next_id)
    for uuid, (item_id, minute, title) in spec.items():
        start = base.items.get(uuid) or record(uuid, item_id)
        out.items[uuid] = edited(start, minute, title=title) if minute else start
    return out


@given(SIDE, SIDE, SIDE)
def test_which_side_is_local_does_not_change_the_result(b, x, y):
    base = _side(b, Replica())
    here, there = _side(x, base), _side(y, base)
    assert merge(base, here, there).replica == merge(base, there, here).replica


@given(SIDE, SIDE)
def test_merging_with_nothing_new_changes_nothing(b, x):
    base = _side(b, Replica())
    here = _side(x, base)
    ids = [r["id"] for r in here.items.values()]
    if len(ids) != len(set(ids)):
        return  # a replica never holds one ID twice
    assert merge(base, here, base).replica.items == here.items
    assert merge(base, base, here).replica.items == here.items
    assert merge(here, here, here).replica.items == here.items


def _scheduled(minute: int, uuid: str = "f") -> dict[str, Any]:
    return {"event": "follow-up scheduled", "at": at(minute), "followup_uuid": uuid}


def test_a_follow_up_scheduled_on_both_sides_is_one_event_and_one_item() -> None:
    ask = record("a", 1)
    here = edited(ask, 5, status="done")
    here["history"].append(_scheduled(5))
    there = edited(ask, 7, status="done")
    there["history"].append(_scheduled(7))
    mine, theirs = record("f", 2, 5, kind="followup"), record("f", 3, 7, kind="followup")
    for x, y in (((here, mine), (there, theirs)), ((there, theirs), (here, mine))):
        out = merge(replica(ask), replica(*x), replica(*y)).replica
        assert out.items["f"] == {**mine, "id": 2}  # the first scheduled, untouched both
        events = [e for e in out.items["a"]["history"] if e["event"] == "follow-up scheduled"]
        assert events == [_scheduled(5)]
    snoozed = edited(theirs, 9, due=at(60))
    for x, y in (((here, mine), (there, snoozed)), ((there, snoozed), (here, mine))):
        out = merge(replica(ask), replica(*x), replica(*y)).replica
        assert out.items["f"] == {**snoozed, "id": 2}  # the changed copy wins


@given(st.lists(st.integers(0, 30), max_size=3), st.lists(st.integers(0, 30), max_size=3))
def test_schedulings_of_one_follow_up_pair_up_in_order_whichever_side(a, b) -> None:
    mine = [_scheduled(m) for m in a]
    theirs = [_scheduled(m) for m in b]
    merged = merge(Replica(), replica(record("x", 1, history=mine)), Replica()).replica
    assert merged.items["x"]["history"] == mine
    one = merge(
        Replica(), replica(record("x", 1, history=mine)), replica(record("x", 1, history=theirs))
    )
    two = merge(
        Replica(), replica(record("x", 1, history=theirs)), replica(record("x", 1, history=mine))
    )
    assert one.replica == two.replica
    got = [e["at"] for e in one.replica.items["x"]["history"]]
    assert len(got) == max(len(a), len(b))

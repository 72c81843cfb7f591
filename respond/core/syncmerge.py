"""Merging two machines' items, item by item: the rules of ``respond sync``.

Pure: the git plumbing and the files are in :mod:`respond.storage.gitsync`. A machine's data,
as sync sees it, is a :class:`Replica`: every item by uuid (its stored record, with the item it
is for named by uuid as well as by ID, so that links survive a renumbering), the uuids of
deleted items with the time they were deleted (tombstones), and the next ID.

:func:`merge` is a three-way merge: ``base`` is what both sides last had in common (the merge
base of the two git commits), and the rules are

- an item new on either side is kept;
- a field changed on one side takes that side's value; changed on both, causality decides
  first: a side whose history holds every event of the other's and more saw the other's change
  and changed it again, so it wins. Only true concurrent edits (each side has an event the
  other lacks) are settled by the clock: the later change (the item's ``updated``) wins, a
  time ahead of the merging machine's clock never does (:class:`Clocks`), and the merge
  reports it;
- histories are the union of both sides, ordered by time, each event once;
- an item deleted on one side and edited on the other is kept (edited after its tombstone, or
  changed since the base); deleted and not edited, it is deleted everywhere;
- two items with the same short ID: the one the base already had keeps it, else the one created
  first; the others get new IDs after the highest either side has used, and links follow.

The result does not depend on which side is "local": ``merge(b, x, y)`` and ``merge(b, y, x)``
hold the same replica, so machines that merge in any order converge.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from respond.core.clock import from_iso
from respond.core.errors import ExitStatus, RespondError
from respond.core.model import MAX_SYNCED_ID, Item, is_time, outside_id_flaw, record_flaws

FORMAT = 1

#: Fields that are not merged one by one: the history (a union), ``updated`` (the latest) and
#: ``id`` (a short name, settled after the merge).
_SPECIAL = frozenset({"history", "updated", "id"})


@dataclass
class Replica:
    """One machine's items as sync sees them."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    tombstones: dict[str, str] = field(default_factory=dict)
    next_id: int = 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Replica):
            return NotImplemented
        return (self.items, self.tombstones, self.next_id) == (
            other.items,
            other.tombstones,
            other.next_id,
        )


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed: ``kept`` names the side whose value won."""

    id: int
    uuid: str
    field: str
    kept: str


@dataclass(frozen=True)
class Renumbered:
    """An item whose short ID collided: ``old`` on ``side``, now ``new`` everywhere."""

    uuid: str
    old: int
    new: int
    side: str


@dataclass(frozen=True)
class Untrusted:
    """A time ``side`` sent for an item that is ahead of this machine's clock (by more than
    :data:`SKEW`): it settled nothing (see :class:`Clocks`)."""

    uuid: str
    side: str
    at: str


@dataclass(frozen=True)
class Decision:
    """A merge decision that restored, joined or discarded something, for a line of the sync
    report: ``what`` follows the item's ID (``#8 {what}``)."""

    uuid: str
    what: str


@dataclass
class Merged:
    replica: Replica
    conflicts: list[Conflict]
    renumbered: list[Renumbered]
    untrusted: list[Untrusted] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


#: How far ahead of the reading machine's clock a time may be and still settle a conflict
#: (two machines' clocks and time zones disagree a little).
SKEW = timedelta(days=1)


@dataclass(frozen=True)
class Clocks:
    """What the times in a merge are worth to the machine that merges. A time later than its
    clock plus :data:`SKEW` (``trusted_until``) is untrusted: for settling a conflict it counts
    as ``since``, the time of the last sync with that remote, so it never beats a real edit
    made since. Without a clock (the default), every time counts as written."""

    trusted_until: float = float("inf")
    since: float = float("-inf")

    @classmethod
    def at(cls, now: datetime, since: datetime | None) -> Clocks:
        limit = (now + SKEW).timestamp()
        last = since.timestamp() if since is not None else float("-inf")
        return cls(limit, last if last <= limit else float("-inf"))

    def time(self, text: Any) -> float:
        moment = _time(text)
        return moment if moment <= self.trusted_until else self.since

    def trusted(self, text: Any) -> bool:
        return _time(text) <= self.trusted_until


# -- items <-> replica records ---------------------------------------------------------------


def replica_of(items: Iterable[Item], tombstones: Mapping[str, str], next_id: int) -> Replica:
    """A machine's items as a :class:`Replica` (links named by uuid as well)."""
    items = list(items)
    uuid_of = {item.id: item.uuid for item in items}
    records: dict[str, dict[str, Any]] = {}
    for item in items:
        record = item.to_record()
        record["for_uuid"] = uuid_of.get(item.for_id) if item.for_id is not None else None
        if item.for_id == item.id:  # a link to itself (edited by hand): no link, as a remote
            record["for_id"] = record["for_uuid"] = None  # holding one is refused
        records[item.uuid] = record
    top = max((item.id for item in items), default=0)
    live = {uuid: at for uuid, at in tombstones.items() if uuid not in records}
    return Replica(records, live, max(next_id, top + 1))


def items_of(replica: Replica) -> list[Item]:
    """The items a replica holds, their links (``for_id``) following the uuids they name."""
    id_of = {uuid: int(record["id"]) for uuid, record in replica.items.items()}
    items = []
    for record in replica.items.values():
        record = dict(record)
        target = record.pop("for_uuid", None)
        if target is not None and target in id_of:
            record["for_id"] = id_of[target]
        items.append(Item.from_record(record))
    return items


@dataclass
class Local:
    """The database's replica as sync commits it (:func:`local_replica`): ``restored`` names
    the items the database lacked, without a deletion recorded, taken back from the last
    synced commit; ``renumbered`` the items made here that had to leave their IDs to them."""

    replica: Replica
    restored: list[str] = field(default_factory=list)
    renumbered: list[Renumbered] = field(default_factory=list)
    #: IDs of the items the database holds in a copy older than the delete the last synced
    #: commit records (a backup restored after the delete was synced): deleted again
    stale: list[int] = field(default_factory=list)


def local_replica(
    items: Iterable[Item],
    recorded: Mapping[str, str],
    last: Replica,
    next_id: int,
    host: str = "here",
) -> Local:
    """The database's replica, as sync commits it, against ``last`` (the last synced commit).

    An item is deleted here only if the database recorded its deletion (``recorded``: uuid ->
    time, written by ``delete`` and by an undo of an add). An item ``last`` holds that the
    database lacks without such a record is *missing* here, not deleted: a restored backup, a
    migration, a forgotten archive file. It stays as ``last`` has it, and the sync puts it back
    into the database; an item made here since that took its ID gets a new one. Conversely, an
    item the database holds that ``last`` records as deleted, unchanged since the delete (a
    backup restored after the delete was synced), stays deleted; changed since (``undo`` of
    the delete), it is back."""
    items = list(items)
    mine = replica_of(items, {}, next_id)
    tombstones = dict(last.tombstones)
    for uuid, at in recorded.items():
        if uuid in last.items and uuid not in mine.items and _sound(at):
            tombstones[uuid] = at
    # a copy older than the delete the last sync holds (a restored backup): still deleted
    stale = {
        uuid: int(record["id"])
        for uuid, record in mine.items.items()
        if uuid in last.tombstones and _time(record.get("updated")) < _time(last.tombstones[uuid])
    }
    every = {uuid: record for uuid, record in mine.items.items() if uuid not in stale}
    tombstones = {uuid: at for uuid, at in tombstones.items() if uuid not in every}
    restored = [u for u in last.items if u not in every and u not in tombstones]
    if not restored:
        return Local(Replica(every, tombstones, mine.next_id), stale=sorted(stale.values()))
    for uuid in restored:
        every[uuid] = last.items[uuid]
    for uuid, record in mine.items.items():  # a link to an item that was missing here
        before = last.items.get(uuid)
        lost = before.get("for_uuid") if before and record.get("for_id") is not None else None
        if record.get("for_uuid") is None and lost in restored:
            every[uuid] = {**record, "for_uuid": lost}
    top = max(mine.next_id, last.next_id)
    renumbered = _settle_ids(last, mine, every, top, (host, host))
    high = max((int(record["id"]) for record in every.values()), default=0)
    replica = Replica(every, tombstones, max(top, high + 1))
    return Local(replica, sorted(restored), renumbered, sorted(stale.values()))


def _sound(at: Any) -> bool:
    """Whether ``at`` is a time respond stores (see :func:`respond.core.clock.storable`)."""
    return is_time(at)


# -- the merge -------------------------------------------------------------------------------


def merge(
    base: Replica,
    local: Replica,
    remote: Replica,
    names: tuple[str, str] = ("here", "there"),
    clocks: Clocks | None = None,
) -> Merged:
    """``local`` and ``remote`` merged item by item (see the module's rules); ``clocks``: what
    the times are worth to the merging machine (see :class:`Clocks`)."""
    clocks = clocks or Clocks()
    conflicts: list[Conflict] = []
    untrusted: list[Untrusted] = []
    decisions: list[Decision] = []
    items: dict[str, dict[str, Any]] = {}
    tombstones: dict[str, str] = {}
    every = set(local.items) | set(remote.items) | set(local.tombstones) | set(remote.tombstones)
    for uuid in sorted(every):
        before, mine, theirs = _state(base, uuid), _state(local, uuid), _state(remote, uuid)
        if mine == theirs or before == theirs:
            state = mine
        else:
            for side, state in ((names[0], mine), (names[1], theirs)):
                at = state.get("updated") if isinstance(state, dict) else state
                if state != before and at is not None and not clocks.trusted(at):
                    untrusted.append(Untrusted(uuid, side, str(at)))
            if before == mine:
                state = theirs
                if isinstance(mine, str) and isinstance(theirs, dict):  # deleted here, kept there
                    decisions += _delete_decision(uuid, mine, theirs, state, names)
            elif isinstance(mine, dict) and isinstance(theirs, dict):
                earlier = before if isinstance(before, dict) else None
                state = _merge_record(earlier, mine, theirs, names, conflicts, clocks, decisions)
            else:
                state = _deleted_or_edited(before, mine, theirs, clocks)
                decisions += _delete_decision(uuid, mine, theirs, state, names)
        if isinstance(state, dict):
            items[uuid] = state
        elif isinstance(state, str):
            tombstones[uuid] = state
    next_id = max(base.next_id, local.next_id, remote.next_id)
    renumbered = _settle_ids(base, local, items, next_id, names)
    top = max((int(record["id"]) for record in items.values()), default=0)
    replica = Replica(items, tombstones, max(next_id, top + 1))
    return Merged(replica, conflicts, renumbered, untrusted, decisions)


#: What a replica says of a uuid: its record, the time it was deleted, or nothing.
State = dict[str, Any] | str | None


def _state(replica: Replica, uuid: str) -> State:
    """What a replica says of a uuid: its record, the time it was deleted, or nothing."""
    record = replica.items.get(uuid)
    return record if record is not None else replica.tombstones.get(uuid)


def _deleted_or_edited(before: State, mine: State, theirs: State, clocks: Clocks) -> State:
    """Both sides changed an item and one (or both) deleted it. An item edited since the base
    is kept against a delete; one that is new to the base is kept only if it changed after it
    was deleted; two deletes keep the later time."""
    if mine is None or theirs is None:
        return mine if theirs is None else theirs
    if isinstance(mine, str) and isinstance(theirs, str):
        return max(mine, theirs, key=lambda t: (clocks.time(t), t))
    live, dead = (mine, theirs) if isinstance(mine, dict) else (theirs, mine)
    assert isinstance(live, dict) and isinstance(dead, str)
    if isinstance(before, dict) or clocks.time(live.get("updated")) > clocks.time(dead):
        return live
    return dead


def _delete_decision(
    uuid: str, mine: State, theirs: State, state: State, names: tuple[str, str]
) -> list[Decision]:
    """The report's line when a delete met an edit: which one won."""
    if not (isinstance(mine, dict) or isinstance(theirs, dict)) or None in (mine, theirs):
        return []
    live, dead = (0, 1) if isinstance(mine, dict) else (1, 0)
    if isinstance(state, dict):
        what = f"deleted on {names[dead]} but edited on {names[live]}: kept, with the edit"
    else:
        what = f"edited on {names[live]} but deleted on {names[dead]} after it: deleted"
    return [Decision(uuid, what)]


def _merge_record(
    before: dict[str, Any] | None,
    mine: dict[str, Any],
    theirs: dict[str, Any],
    names: tuple[str, str],
    conflicts: list[Conflict],
    clocks: Clocks,
    decisions: list[Decision] | None = None,
) -> dict[str, Any]:
    if mine == theirs:
        return mine
    if before == mine:
        return theirs
    if before == theirs:
        return mine
    if before is None:  # one uuid created on both sides: the same derived item (a follow-up)
        chosen = _created_on_both(mine, theirs)
        if chosen is not None:
            return chosen
    base = before or {}
    order = _descends(mine, theirs)
    mine_later = order > 0 if order else _later(mine, theirs, clocks)
    merged: dict[str, Any] = {}
    for key in sorted((set(mine) | set(theirs)) - _SPECIAL):
        ours, other = mine.get(key), theirs.get(key)
        if ours == other:
            merged[key] = ours
        elif before is not None and ours == base.get(key):
            merged[key] = other
        elif before is not None and other == base.get(key):
            merged[key] = ours
        elif key == "note" and not order and isinstance(ours, str) and isinstance(other, str):
            merged[key] = _joined(ours, other, names, mine_later)  # both kept
            if decisions is not None:
                sides = f"{names[0 if mine_later else 1]} and {names[1 if mine_later else 0]}"
                decisions.append(Decision(mine["uuid"], f"notes from {sides} joined"))
        else:
            merged[key] = ours if mine_later else other
            if not order:  # (one side saw the other's change and changed it again: no conflict)
                side = names[0 if mine_later else 1]
                conflicts.append(Conflict(int(mine["id"]), mine["uuid"], key, side))
    _closed_keeps_its_due(base, mine, theirs, merged, names, decisions)
    merged["id"] = _merge_id(base.get("id"), mine.get("id"), theirs.get("id"))
    merged["history"] = _union(mine.get("history") or [], theirs.get("history") or [])
    merged["updated"] = max(
        mine.get("updated") or "", theirs.get("updated") or "", key=lambda t: (_time(t), t)
    )
    return merged


def _created_on_both(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any] | None:
    """The one item that both sides derived from the same cause (the same ask done on both:
    :func:`respond.core.model.derived_uuid`), or None when both changed it since. A copy
    untouched since its creation gives way to the other, changed one; both untouched, the
    first created is kept. Either way, with the lower of the two IDs."""
    untouched = [_untouched(mine), _untouched(theirs)]
    if not any(untouched):
        return None
    if all(untouched):
        chosen = min(mine, theirs, key=lambda r: (_time(r.get("created")), _canonical(r)))
    else:
        chosen = theirs if untouched[0] else mine
    return {**chosen, "id": _merge_id(None, mine.get("id"), theirs.get("id"))}


def _untouched(record: dict[str, Any]) -> bool:
    """Whether a record holds nothing but its creation."""
    history = record.get("history") or []
    return all(isinstance(e, dict) and e.get("event") == "created" for e in history)


def _joined(ours: str, other: str, names: tuple[str, str], mine_later: bool) -> str:
    """Two notes written on both sides, both kept, each marked by its machine's name: the
    earlier first (the same text whichever side merges)."""
    first, second = ((other, names[1]), (ours, names[0]))[:: 1 if mine_later else -1]
    return "\n".join(f"[{name}] {text}" if text else f"[{name}]" for text, name in (first, second))


#: Statuses that close an item: it no longer has a due time to move.
_CLOSED = ("done", "dropped")


def _closed_keeps_its_due(
    base: dict[str, Any],
    mine: dict[str, Any],
    theirs: dict[str, Any],
    merged: dict[str, Any],
    names: tuple[str, str],
    decisions: list[Decision] | None,
) -> None:
    """A side closed the item (done, dropped) while the other moved its due time (a snooze,
    an edit): the closed item keeps the due time it was closed with, and the report says the
    move was dropped."""
    status = merged.get("status")
    if status not in _CLOSED or "due" not in base:
        return
    for closer, other, name, mover in ((mine, theirs, 0, 1), (theirs, mine, 1, 0)):
        closed_here = closer.get("status") == status != base.get("status")
        moved_there = other.get("due") != base.get("due") and closer.get("due") == base.get("due")
        if closed_here and moved_there and merged.get("due") != closer.get("due"):
            merged["due"] = closer.get("due")
            if decisions is not None:
                decisions.append(
                    Decision(
                        closer["uuid"],
                        f"{status} on {names[name]}: the due time moved on {names[mover]} "
                        "is dropped (a closed item keeps the due time it was closed with)",
                    )
                )
            return


def _merge_id(before: Any, mine: Any, theirs: Any) -> Any:
    if mine == theirs or theirs == before:
        return mine
    if mine == before:
        return theirs
    return min(mine, theirs)


def _descends(mine: dict[str, Any], theirs: dict[str, Any]) -> int:
    """Causality, from the histories: 1 if ``mine`` has every event ``theirs`` has and more
    (it saw their changes, so its own came after), -1 the other way round, 0 if each has an
    event the other lacks (concurrent edits: only then does a clock decide)."""
    ours = {_canonical(e) for e in mine.get("history") or []}
    other = {_canonical(e) for e in theirs.get("history") or []}
    if ours == other:
        return 0
    if other <= ours:
        return 1
    return -1 if ours <= other else 0


def _later(mine: dict[str, Any], theirs: dict[str, Any], clocks: Clocks) -> bool:
    """Whether ``mine`` holds the later change: by the time of the last change (as ``clocks``
    trust it), then (the same moment on both machines) by the content, so that both sides
    decide alike."""
    ours, other = clocks.time(mine.get("updated")), clocks.time(theirs.get("updated"))
    if ours != other:
        return ours > other
    return _canonical(mine) > _canonical(theirs)


def _union(mine: list[Any], theirs: list[Any]) -> list[Any]:
    """Both histories, each event once, ordered by time (then by content). A follow-up
    scheduled on both sides (the same derived follow-up, named by its uuid) is one event: the
    n-th scheduling of it on one side and the n-th on the other are one, the earlier (after an
    undo, ``done`` again schedules the same follow-up once more)."""
    seen: dict[str, Any] = {}
    for event in [*_unscheduled(mine), *_unscheduled(theirs)]:
        seen.setdefault(_canonical(event), event)
    ours, other = _schedulings(mine), _schedulings(theirs)
    for uuid in ours.keys() | other.keys():
        a, b = ours.get(uuid, []), other.get(uuid, [])
        for n in range(max(len(a), len(b))):
            pair = a[n : n + 1] + b[n : n + 1]
            first = min(pair, key=lambda e: (_time(_at(e)), _canonical(e)))
            seen[f"follow-up scheduled {uuid} {n}"] = first
    return sorted(seen.values(), key=lambda event: (_time(_at(event)), _canonical(event)))


def _unscheduled(history: list[Any]) -> list[Any]:
    return [event for event in history if _scheduled(event) is None]


def _schedulings(history: list[Any]) -> dict[str, list[Any]]:
    """A history's ``follow-up scheduled`` events that name their follow-up's uuid, by it,
    in order of time."""
    found: dict[str, list[Any]] = {}
    for event in history:
        uuid = _scheduled(event)
        if uuid is not None:
            found.setdefault(uuid, []).append(event)
    for events in found.values():
        events.sort(key=lambda e: (_time(_at(e)), _canonical(e)))
    return found


def _scheduled(event: Any) -> str | None:
    """The follow-up's uuid a ``follow-up scheduled`` event names, if it does."""
    if isinstance(event, dict) and event.get("event") == "follow-up scheduled":
        uuid = event.get("followup_uuid")
        if isinstance(uuid, str):
            return uuid
    return None


def _at(event: Any) -> Any:
    return event.get("at") if isinstance(event, dict) else None


def _settle_ids(
    base: Replica,
    local: Replica,
    items: dict[str, dict[str, Any]],
    next_id: int,
    names: tuple[str, str],
) -> list[Renumbered]:
    """Give every item but one of each shared short ID a new one (see the module's rules)."""
    by_id: dict[int, list[str]] = {}
    for uuid, record in items.items():
        by_id.setdefault(int(record["id"]), []).append(uuid)

    def rank(uuid: str) -> tuple[bool, float, str]:
        record = items[uuid]
        return (uuid not in base.items, _time(record.get("created")), uuid)

    moving = sorted(
        (
            uuid
            for uuids in by_id.values()
            if len(uuids) > 1
            for uuid in sorted(uuids, key=rank)[1:]
        ),
        key=rank,
    )
    top = max([next_id - 1, *by_id])
    renumbered = []
    for uuid in moving:
        top += 1
        old = int(items[uuid]["id"])
        items[uuid] = {**items[uuid], "id": top}
        side = names[0] if uuid in local.items else names[1]
        renumbered.append(Renumbered(uuid, old, top, side))
    return renumbered


def _time(text: Any) -> float:
    """A stored time as a number to compare (an unreadable one sorts first)."""
    if not isinstance(text, str) or not text:
        return float("-inf")
    try:
        return from_iso(text).timestamp()
    except (ValueError, OverflowError):
        return float("-inf")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# -- the files in the repository -------------------------------------------------------------

META_FILE = "meta.json"
TOMBSTONES_FILE = "tombstones.json"
ITEMS_DIR = "items"


class SyncFileError(RespondError, ValueError):
    """A file in the sync repository that is not what ``respond sync`` writes: bad input
    (exit 2), never merged."""

    exit_code = ExitStatus.BAD_INPUT


def files_of(replica: Replica) -> dict[str, bytes]:
    """The repository's files for a replica: ``items/2026-Q3.json`` by the quarter each item was
    created in (a change rewrites one line of one small file), the tombstones, and the meta.
    One entry per line, sorted, so that git's diffs and deltas stay small."""
    quarters: dict[str, dict[str, Any]] = {}
    for uuid, record in replica.items.items():
        quarters.setdefault(_quarter(record.get("created")), {})[uuid] = record
    files = {f"{ITEMS_DIR}/{name}.json": _lines(records) for name, records in quarters.items()}
    files[TOMBSTONES_FILE] = _lines(replica.tombstones)
    files[META_FILE] = _canonical({"format": FORMAT, "next_id": replica.next_id}).encode() + b"\n"
    return files


def replica_from_files(files: Mapping[str, bytes]) -> Replica:
    """The replica a repository's files hold; :class:`SyncFileError` naming a file that is not
    sound (another machine's files are input like any other)."""
    replica = Replica()
    for name, payload in sorted(files.items()):
        data = _load(name, payload)
        if name == META_FILE:
            next_id = data.get("next_id")
            if data.get("format") != FORMAT or type(next_id) is not int or next_id < 1:
                raise SyncFileError(f"{name} is not a respond sync file of format {FORMAT}")
            if next_id > MAX_SYNCED_ID:
                raise SyncFileError(
                    f"{name} has a next ID too high ({next_id!s:.24} > {MAX_SYNCED_ID})"
                )
            replica.next_id = next_id
        elif name == TOMBSTONES_FILE:
            for uuid, at in data.items():
                if not isinstance(at, str) or not _sound(at):
                    raise SyncFileError(f"{name} has a bad time for {uuid!r:.40}")
                replica.tombstones[uuid] = at
        elif name.startswith(ITEMS_DIR + "/") and name.endswith(".json"):
            for uuid, record in data.items():
                own = {k: v for k, v in record.items() if k != "for_uuid"}
                flaws = record_flaws(own) or outside_id_flaw(own)
                if flaws or record.get("uuid") != uuid:
                    what = flaws[0].sentence if flaws else "is filed under another uuid"
                    raise SyncFileError(f"{name}: the item {uuid!r:.40} {what}")
                for_uuid = record.get("for_uuid")
                if for_uuid is not None and not isinstance(for_uuid, str):
                    raise SyncFileError(f"{name}: the item {uuid!r:.40} has a bad for_uuid")
                if for_uuid == uuid or (for_uuid is None and own.get("for_id") == own.get("id")):
                    record = {**record, "for_id": None, "for_uuid": None}  # a link to itself:
                    # none (doctor's problem on every machine; a commit made before this
                    # rule may hold one, so it is dropped, not refused)
                replica.items[uuid] = record
    return replica


def _load(name: str, payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SyncFileError(f"{name} is not JSON") from None
    if not isinstance(data, dict):
        raise SyncFileError(f"{name} is not a JSON object")
    if name != META_FILE and not all(
        isinstance(v, dict if name != TOMBSTONES_FILE else str) for v in data.values()
    ):
        raise SyncFileError(f"{name} holds something that is not an item")
    return data


def _lines(entries: Mapping[str, Any]) -> bytes:
    if not entries:
        return b"{}\n"
    body = ",\n".join(f"{_canonical(key)}:{_canonical(entries[key])}" for key in sorted(entries))
    return ("{\n" + body + "\n}\n").encode()


def _quarter(created: Any) -> str:
    text = created if isinstance(created, str) else ""
    try:
        moment = from_iso(text)
    except (ValueError, OverflowError):
        return "undated"
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-Q{(moment.month - 1) // 3 + 1}"

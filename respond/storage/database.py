"""The database: an active TinyDB JSON file and archive files beside it, written atomically
under one file lock.

With :mod:`respond.storage.tinyview`, the only code that imports TinyDB, and only for a
transaction: a read parses the file itself and never loads TinyDB. Guarantees:

* **Atomic writes.** A transaction buffers every change in memory and writes each file once
  at commit: a temp file in the same directory (mode 0600), ``fsync``, ``os.replace``, then an
  ``fsync`` of the directory. A crash leaves the old file or the new one, never half of each.
* **No lost updates.** An exclusive ``flock`` on ``<db>.lock`` is held across each whole
  read-modify-write, archive files included, and each transaction opens a fresh TinyDB view, so
  TinyDB's per-table ID and query caches never see stale data. The kernel drops a ``flock`` when
  its process dies, so a killed writer never leaves a lock that blocks the next command.
* **The prompt counter's sidecar.** After each commit, still under the lock, ``<db>.state`` is
  rewritten (atomically) by :func:`respond.storage.state.refresh_state`: the due times of open
  items, read by ``respond prompt`` without loading TinyDB. Open items are all in the active
  file, so it never needs the archive.
* **The capture log.** A new item made by the capture lane (``add``, ``promise``, ``wait``,
  ``thanks``) is appended, whole and ``fsync``-ed, to ``<db>.captures`` instead of a rewrite
  of this file (:mod:`respond.storage.captures`). Every read folds it in memory; the next
  transaction folds it in as its own change and removes it. After each commit
  ``<db>.names`` is rewritten too: the next ID and everyone's names, which a capture reads.
* **Never overwrite what we don't understand.** A file that is not JSON, not a respond database,
  or from a newer schema is refused with a one-line error and left untouched; so is a damaged
  archive file (items bound for it stay in the active file).
* **Backups.** Before a commit replaces the active file, the file it replaces (just read and
  understood) is kept as the day's backup (see :mod:`respond.storage.backups`); older schemas
  are migrated in memory (:data:`MIGRATIONS`) and saved migrated by the next commit, which
  also keeps the file as it was before the upgrade (``pre-schema3-YYYY-MM-DD.json``). An archive
  file is only ever replaced whole, and its previous version is kept as ``<name>.bak``.

The active file and the archive
-------------------------------
``<db>`` (``--db``, ``$RESPOND_DB``) is the *active* file: every open item, every item that
changed within :data:`respond.storage.periods.WINDOW` (35 days), the undo journal and the meta
(schema, the next ID, which also covers archived IDs, and what the archive holds). Closed items
that have not changed for longer live in ``<db>.archive/YYYY-Qn.json``, one TinyDB file per
quarter (UTC) of their closing time; :mod:`respond.storage.periods` says exactly which items
move. An item is in one place; the ``uuid`` (and ID) decides when a crash left it in two: the
active copy wins.

*Archiving* is a pass at the start of a write transaction given ``now``
(``Store.transaction(now=...)``), at most once a (local) day: the meta records the day. It is
committed with the command's own change: the archive files that gain items are written first
(atomically, ``fsync``), then the active file without those items. A crash in between leaves the
items in both; the active file's meta keeps each archive file's fingerprint (size, mtime,
inode), so the next transaction sees a file changed behind its back, and drops from it whatever
the active file holds (``reconcile``). An item that leaves an archive file (edited, undone,
renamed, deleted) is written to the active file first (or recorded as dropped in its meta), and
the archive file is replaced after it: again never in neither.

Reading: the API
----------------
* ``Store.snapshot()`` reads everything, archive included (``week``, ``who --all``,
  ``export``, ``list --all``). ``Store.summaries(now)`` reads the active file and the
  summaries of each archive file: its meta's, and from the sidecar
  ``<db>.archive/summaries.cache`` what ``who`` and ``people`` show per person (see
  :func:`respond.storage.summaries.who_summary`); or says they can't be trusted (a file or the
  sidecar changed behind the active file's back, a summary by an older respond, a clock set
  back). No other command reads the sidecar; a write rewrites it only when an archive file
  changes (the day's pass, an archived item edited), and an untrusted one is made again from
  the archive files by the next write.
  ``snapshot(history=False)`` reads the active file only
  (completion). ``snapshot(open_only=True)`` (``list``) and ``snapshot(active_since=t)``
  (``today``) read the active file only, unless the archive may hold something from after
  ``t`` (a clock set back before the last pass). ``snapshot(only=ids)`` (``show``) looks in
  the archive only for IDs that are not active. ``Store.person_counts()`` gives everyone's
  names without opening an archive file: the archive's, file by file, are in
  ``<db>.archive/people.cache``, checked by the same fingerprints (the meta stays small).
* ``Transaction.items()`` is everything (``people rename``, ``import``'s uuid check);
  ``items(history=False)`` the active file only. ``Transaction.get(id)`` falls back to the
  archive when the ID is not active; ``put`` of an archived item (an edit, undo, reopen, rename)
  brings it back into the active file, and ``delete`` removes it from its archive file.
  ``person_counts()`` and ``next_id()`` never open an archive file (unless the counts file
  is missing or stale: then it is made again by the next write).

Reads that change nothing (``list``, ``show``...) take no lock: each file is only ever replaced
whole, so a reader sees either the old or the new version of each.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from respond.core.clock import to_utc_iso
from respond.core.errors import DatabaseError, NotFound
from respond.core.model import OPEN_STATUSES, Item
from respond.core.value import Record
from respond.storage import captures, summaries
from respond.storage.archive import Archive, _with_archive, archive_state, commit_step
from respond.storage.dbfile import (
    ARCHIVE,
    ITEMS,
    JOURNAL,
    META,
    SCHEMA_VERSION,
    TOMBSTONES,
    check_schema,
    encode,
    gc_paused,
    load_raw,
    meta_of,
    schema_of,
)
from respond.storage.files import (
    NotDurable,
    atomic_write,
    make_private_dirs,
    not_durable,
)
from respond.storage.periods import (
    count_people,
    file_of,
    fingerprint,
    periods_on_disk,
)

if TYPE_CHECKING:  # TinyDB is imported by the writes alone: a read parses the file itself
    from tinydb import TinyDB

    from respond.storage.tinyview import BufferedStorage


class Snapshot(Record):
    """What a read-only command sees: every item, by ID (and the deletions recorded here)."""

    __slots__ = ("items", "tombstones")
    items: dict[int, Item]
    tombstones: dict[str, str]

    def __init__(self, items: dict[int, Item], tombstones: dict[str, str] | None = None) -> None:
        self.items = items
        self.tombstones = {} if tombstones is None else tombstones


def tombstones_of(meta: Any) -> dict[str, str]:
    """The deletions a meta record holds (see :data:`TOMBSTONES`); a damaged entry is none."""
    raw = meta.get(TOMBSTONES) if isinstance(meta, dict) else None
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}


def _touched_since(record: dict[str, Any], cutoff: str) -> bool:
    """Whether any time in a stored record (created, due, or any event's time or due) is at or
    after ``cutoff``. Stored times are UTC ISO 8601 strings, so text order is time order.
    Damaged fields count as recent, so that building the item reports them."""
    for key in ("due", "created"):
        value = record.get(key)
        if value is not None and (not isinstance(value, str) or value >= cutoff):
            return True
    history = record.get("history")
    if not isinstance(history, list):
        return history is not None
    for event in reversed(history):
        if not isinstance(event, dict):
            return True
        for key in ("at", "due", "to"):
            value = event.get(key)
            if isinstance(value, str) and value >= cutoff:
                return True
    return False


def _is_open(record: dict[str, Any]) -> bool:
    """Whether a stored record is an open item (a damaged status counts, so that building
    the item reports it)."""
    status = record.get("status", "open")
    return not isinstance(status, str) or status in OPEN_STATUSES


def active_records(table: dict[str, Any], cutoff: str) -> list[tuple[str, Any]]:
    """The records a review since ``cutoff`` needs: open items, items with any time at or
    after ``cutoff``, answered waiting-ons whose ask is still open, and whatever those point
    at through ``for_id``."""
    open_ids = {int(k) for k, v in table.items() if _is_open(v)}
    chosen = {
        k: v
        for k, v in table.items()
        if int(k) in open_ids
        or (isinstance(for_id := v.get("for_id"), int) and for_id in open_ids)
        or _touched_since(v, cutoff)
    }
    for record in list(chosen.values()):
        target = record.get("for_id")
        if target is not None and str(target) in table:
            chosen.setdefault(str(target), table[str(target)])
    return list(chosen.items())


def item_from_doc(path: Path | None, item_id: int, doc: dict[str, Any]) -> Item:
    """The item stored under ``item_id``; a damaged record is a one-line DatabaseError."""
    try:
        return Item.from_record({**doc, "id": item_id})
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
        raise DatabaseError(
            f"database {path} has a damaged item #{item_id}",
            "nothing was changed: run respond doctor --repair to move it aside",
        ) from None


def _items_of(db: TinyDB, path: Path | None = None) -> dict[int, Item]:
    return {doc.doc_id: item_from_doc(path, doc.doc_id, doc) for doc in db.table(ITEMS)}


class Transaction:
    """Changes to the database inside one locked read-modify-write."""

    def __init__(self, db: TinyDB, path: Path | None = None, archive: Archive | None = None):
        from tinydb.table import Document  # (a transaction is TinyDB's: reads never load it)

        self._db = db
        self._path = path
        self._archive = archive
        self._items = db.table(ITEMS, cache_size=0)
        self._meta = db.table(META, cache_size=0)
        self._journal = db.table(JOURNAL, cache_size=0)
        if self._meta.get(doc_id=1) is None:
            self._meta.insert(Document({"schema": SCHEMA_VERSION, "next_id": 1}, doc_id=1))

    def _active(self) -> dict[str, Any]:
        """The active file's item records as stored, by ID as text."""
        tables: dict[str, dict[str, Any]] = self._db.storage.read() or {}
        return tables.get(ITEMS, {})

    def items(self, history: bool = True) -> dict[int, Item]:
        """Every item; with ``history=False``, the active file's only."""
        items = _items_of(self._db, self._path)
        if history and self._archive is not None:
            uuids = {item.uuid for item in items.values()}
            with gc_paused():
                for key, record in self._archive.records().items():
                    if int(key) not in items and record.get("uuid") not in uuids:
                        items[int(key)] = item_from_doc(self._path, int(key), record)
        return items

    def person_counts(self) -> dict[str, int]:
        """How many items each spelling of a name has: read from the stored records, without
        building the items (4 ms at 10,000 items; building them all takes 100 ms), and for the
        archive from its counts file (``<db>.archive/people.cache``)."""
        counts = self._archive.person_counts() if self._archive is not None else {}
        records = self._active().values()
        return count_people(records, counts)

    def known_names(self) -> dict[str, str]:
        """Each person's key and the spelling used most for it
        (:func:`respond.core.people.known_names` of :meth:`person_counts`)."""
        from respond.core.people import known_names

        return known_names(self.person_counts().items())

    def get(self, item_id: int) -> Item:
        """The item, from the active file or else the archive."""
        doc = self._items.get(doc_id=item_id)
        if doc is None:
            found = self._archive.find(item_id) if self._archive is not None else None
            if found is None:
                raise NotFound(f"no item #{item_id}")
            return item_from_doc(self._path, item_id, found[1])
        return item_from_doc(self._path, item_id, doc)

    def next_id(self) -> int:
        """A fresh ID: never one that was used before, even by a deleted item."""
        item_id = self.peek_id()
        self._meta.update({"next_id": item_id + 1}, doc_ids=[1])
        return item_id

    def peek_id(self) -> int:
        """The ID :meth:`next_id` would give, without taking it."""
        meta = self._meta.get(doc_id=1)
        assert meta is not None
        # the stored keys (checked to be whole numbers when loaded), not TinyDB's documents:
        # iterating the table wraps every record in a Document (1 ms at 600 active items)
        used = max(map(int, self._active()), default=0)
        if self._archive is not None:
            used = max(used, self._archive.top_id())
        return max(int(meta.get("next_id", 1)), used + 1)

    def put(self, item: Item) -> None:
        """Insert or replace an item. An archived item comes back into the active file; an
        item deleted here and brought back (``undo``) loses its tombstone."""
        from tinydb.table import Document

        record = item.to_record()
        del record["id"]
        meta = self._meta.get(doc_id=1)
        recorded = meta.get(TOMBSTONES) if meta is not None else None
        if isinstance(recorded, dict) and item.uuid in recorded:
            kept = {k: v for k, v in tombstones_of(meta).items() if k != item.uuid}
            self._meta.update({TOMBSTONES: kept}, doc_ids=[1])
        if self._items.contains(doc_id=item.id):
            self._items.remove(doc_ids=[item.id])
        elif self._archive is not None:
            self._archive.release(item.id)
        self._items.insert(Document(record, doc_id=item.id))

    def put_many(self, items: list[Item]) -> None:
        """Insert many new items in one go (bulk loads: imports, generated databases)."""
        from tinydb.table import Document

        docs = []
        for item in items:
            record = item.to_record()
            del record["id"]
            docs.append(Document(record, doc_id=item.id))
        self._items.insert_multiple(docs)
        top = max((item.id for item in items), default=0)
        meta: Mapping[str, Any] = self._meta.get(doc_id=1) or {}
        if top + 1 > int(meta.get("next_id", 1)):
            self._meta.update({"next_id": top + 1}, doc_ids=[1])

    def replace_many(self, records: Mapping[int, dict[str, Any]], deletes: Iterable[int]) -> None:
        """Delete the items ``deletes``, then put the items ``records`` (``Item.to_record()``
        by ID), as :meth:`delete` and :meth:`put` one by one would, in two rewrites of the
        table: TinyDB rewrites the whole table for each ``put`` (a merge of N items was
        quadratic)."""
        from tinydb.table import Document

        active = {int(key) for key in self._active()}
        every = set(deletes) | set(records)
        if self._archive is not None:
            for item_id in sorted(every - active):
                self._archive.release(item_id)
        drop = sorted(every & active)
        if drop:
            self._items.remove(doc_ids=drop)
        docs = []
        for item_id, record in records.items():
            doc = dict(record)
            doc.pop("id", None)
            docs.append(Document(doc, doc_id=item_id))
        if docs:
            self._items.insert_multiple(docs)

    def reserve_ids(self, last: int) -> None:
        """Make sure no new item gets an ID up to ``last`` (imports keep links to them)."""
        meta: Mapping[str, Any] = self._meta.get(doc_id=1) or {}
        if last + 1 > int(meta.get("next_id", 1)):
            self._meta.update({"next_id": last + 1}, doc_ids=[1])

    def delete(self, item_id: int, deleted_at: datetime | None = None) -> None:
        """Remove an item. With ``deleted_at`` (``delete``, an undo of an add), the deletion is
        recorded (:data:`TOMBSTONES`) for ``respond sync`` to send; without it (a sync moving
        or removing an item), it is not."""
        if deleted_at is not None:
            try:
                uuid = self.get(item_id).uuid
            except NotFound:
                uuid = None
            if uuid is not None:
                meta = self._meta.get(doc_id=1)
                kept = {**tombstones_of(meta), uuid: to_utc_iso(deleted_at)}
                self._meta.update({TOMBSTONES: kept}, doc_ids=[1])
        if not self._items.remove(doc_ids=[item_id]) and self._archive is not None:
            self._archive.release(item_id)

    def tombstones(self) -> dict[str, str]:
        """The deletions recorded here: uuid -> UTC time (see :data:`TOMBSTONES`)."""
        return tombstones_of(self._meta.get(doc_id=1))

    def forget_tombstones(self, uuids: Iterable[str]) -> None:
        """Drop recorded deletions that no longer need keeping (a sync committed them)."""
        recorded = tombstones_of(self._meta.get(doc_id=1))
        gone = set(uuids) & recorded.keys()
        if gone:
            kept = {k: v for k, v in recorded.items() if k not in gone}
            self._meta.update({TOMBSTONES: kept}, doc_ids=[1])

    def push_journal(self, entry: dict[str, Any]) -> None:
        from respond.storage.journal import JOURNAL_KEEP, compact_entry

        self._journal.insert(compact_entry(entry))
        surplus = len(self._journal) - JOURNAL_KEEP
        if surplus > 0:
            oldest = sorted(doc.doc_id for doc in self._journal)[:surplus]
            self._journal.remove(doc_ids=oldest)

    def mark_synced(self, ids: Iterable[int], renamed: Mapping[int, int] | None = None) -> None:
        """Mark the undo journal's entries that touch any of ``ids`` (as now numbered) as not
        undoable: a sync changed those items with what another machine did (``undo`` refuses
        them). An item a sync only renumbered (``renamed`` maps an old ID to the new one) is
        no reason: every entry names it by its new ID, and stays undoable."""
        from respond.core.history import renumbered_entry

        self._block(ids, "synced", renamed or {}, renumbered_entry)

    def keep_changes(self, ids: Iterable[int]) -> None:
        """Mark the entries that touch any of ``ids`` as not undoable: ``undo --skip`` kept a
        later change to those items, which undoing an earlier one would silently revert."""
        self._block(ids, "kept", {}, None)

    def _block(
        self, ids: Iterable[int], key: str, renamed: Mapping[int, int], renumber: Any
    ) -> None:
        from respond.storage.journal import CREATED, compact_entry, expand_entry

        changed = set(ids)
        for doc in list(self._journal):
            entry = expand_entry(dict(doc))
            if entry is None:
                continue  # damaged: undo refuses it, doctor --repair drops it
            entry = renumber(entry, renamed) if renamed else entry
            changes = entry.get("changes") or []
            named = (c.get("id") for c in changes if isinstance(c, dict))
            touched = {i for i in named if isinstance(i, int) and i in changed}
            if touched:
                entry[key] = sorted(touched | set(entry.get(key) or []))
            stored = compact_entry(entry) if CREATED in doc else entry
            if stored != doc:
                self._journal.update(stored, doc_ids=[doc.doc_id])

    def pop_journal(self) -> dict[str, Any] | None:
        from respond.storage.journal import expand_entry, journal_entry_ok

        if not len(self._journal):
            return None
        last = max(doc.doc_id for doc in self._journal)
        entry = expand_entry(dict(self._journal.get(doc_id=last) or {}))
        if entry is None or not journal_entry_ok(entry):
            raise DatabaseError(
                f"database {self._path} has a damaged undo journal",
                "nothing was changed: run respond doctor --repair to drop the damaged entries",
            )
        self._journal.remove(doc_ids=[last])
        return entry


class Store:
    """The database at ``path``. ``explicit`` is true when the user named the path."""

    def __init__(self, path: Path, *, explicit: bool = False) -> None:
        self.path = path
        self.explicit = explicit
        # what a commit that took effect still has to tell (printed after the confirmation)
        self.warnings: list[str] = []

    def _open(self, data: dict[str, Any]) -> tuple[TinyDB, BufferedStorage]:
        from respond.storage.tinyview import open_view

        return open_view(data)

    def snapshot(
        self,
        *,
        history: bool = True,
        active_since: datetime | None = None,
        only: Iterable[int] | None = None,
        open_only: bool = False,
    ) -> Snapshot:
        """Items, read without a lock (each file is only ever replaced whole).

        Every item by default, the archive's included; ``history=False`` reads the active file
        alone. With ``only``, just those IDs (the archive is opened only for IDs that are not
        active); with ``open_only``, open items (all active); with ``active_since``, the items
        a review of recent weeks needs (see :func:`active_records`; all active unless the clock
        was set back before the last archiving pass). The filters spare building thousands of
        closed items from years ago. Reads take the TinyDB file's tables straight from the
        parsed JSON: TinyDB's per-document wrapper costs 12 ms per 10,000 items on a read and
        adds nothing there; every write still goes through TinyDB.
        """
        with gc_paused():  # over every file: a collection between two parses costs as much
            for _ in range(20):
                try:
                    before = os.stat(self.path)
                except FileNotFoundError:
                    before = None
                data = load_raw(self.path)
                if data is None:
                    return Snapshot(items={})
                data = check_schema(self.path, data)
                captures.pending(self.path, data)
                archive = Archive(self.path, archive_state(data))
                records = self._select(data, archive, history, active_since, only, open_only)
                if _same_file(before, self.path):
                    break
                # A writer replaced the active file while the capture log or the archive was
                # read: it may have folded the log and removed it, or moved an item between
                # the files; either could have been missed. Read again.
            items = {int(k): item_from_doc(self.path, int(k), v) for k, v in records}
        return Snapshot(items=items, tombstones=tombstones_of(meta_of(data)))

    def _select(
        self,
        data: dict[str, Any],
        archive: Archive,
        history: bool,
        active_since: datetime | None,
        only: Iterable[int] | None,
        open_only: bool,
    ) -> list[tuple[str, Any]]:
        table: dict[str, Any] = data.get(ITEMS, {})
        if only is not None:
            keys = list(map(str, only))
            records = [(key, table[key]) for key in keys if key in table]
            for key in keys if history else ():
                found = archive.find(int(key)) if key not in table else None
                if found is not None:
                    records.append((key, found[1]))
            return records
        if open_only:
            return [(k, v) for k, v in table.items() if _is_open(v)]
        if active_since is not None:
            cutoff = to_utc_iso(active_since)
            if history and archive.may_hold_since(cutoff):
                table = _with_archive(table, archive)
            return active_records(table, cutoff)
        if history:
            table = _with_archive(table, archive)
        return list(table.items())

    def person_counts(self) -> dict[str, int]:
        """How many items each spelling of a name has, everyone's, without building an item
        or opening an archive file (the archive's are in its counts file; when that can't be
        trusted, the archive files are read)."""
        data = captures.load_folded(self.path)[0]
        if data is None:
            return {}
        table = data.get(ITEMS, {})
        archive = Archive(self.path, archive_state(data))
        by_period = archive.base_counts()[0]
        if by_period is None:  # the archive files themselves (an item in two places counts once)
            with gc_paused():
                archived = _with_archive(table, archive)
            counts = count_people(r for k, r in archived.items() if k not in table)
        else:
            counts = summaries.sum_counts(by_period)
        return count_people(table.values(), counts)

    def summaries(self, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """The active file's records and, for each archive file (oldest first), its summary
        (:func:`summary`) with its ``who`` part from the sidecar, without opening an
        archive file: ``None`` unless the sidecar is the one the meta recorded, and each part
        is current and describes the file on disk (same fingerprint, nothing left to drop) as
        of ``now`` (not before its ``asof``: a clock set back reads the files)."""
        with gc_paused():
            data = captures.load_folded(self.path)[0]
        if data is None:
            return {}, []
        state = archive_state(data)
        files = state.get("files", {})
        periods = sorted(set(files) | set(periods_on_disk(self.path)))
        with gc_paused():
            sidecar = summaries.read_sidecar(self.path, state.get("summaries")) if periods else {}
        people = Archive(self.path, state).base_counts()[0] if periods else {}
        if people is None:
            return None  # (the counts file is missing or stale: the full read counts)
        found: list[dict[str, Any]] = []
        for period in periods:
            entry = files.get(period)
            if not isinstance(entry, dict) or entry.get("drop"):
                return None
            try:
                st = os.stat(file_of(self.path, period))
            except OSError:
                return None
            mark = fingerprint(st)
            side = (sidecar or {}).get(period)
            if side is not None and side.get("fingerprint") == mark:
                block = side["who"]
            else:  # (an older respond's, in the meta: moved to the sidecar by the next write)
                block = summaries.legacy_who(entry)
            asof = block["asof"] if block is not None else None
            if (
                block is None
                or block["people"] is None
                or entry.get("fingerprint") != mark
                or (asof is not None and now < datetime.fromisoformat(asof))
            ):
                return None
            found.append({**entry, "who": block, "people": people.get(period, {})})
        return data.get(ITEMS, {}), found

    def _prepare_directory(self) -> None:
        if self.path.exists() and not self.path.is_file():  # before creating <db>.lock beside it
            what = "a directory" if self.path.is_dir() else "not a regular file"
            raise DatabaseError(f"database {self.path} is {what}")
        parent = self.path.parent
        if not parent.is_dir():
            if self.explicit:
                raise DatabaseError(f"can't create database {self.path}: {parent} does not exist")
            try:
                make_private_dirs(parent)  # each folder 0700, whatever the umask
            except OSError as err:
                raise DatabaseError(f"can't create {parent}: {err.strerror}") from None
        # (a folder or file someone else controls is refused by exclusive_lock)

    @contextmanager
    def transaction(self, now: datetime | None = None) -> Iterator[Transaction]:
        """Lock, load, yield a :class:`Transaction`, and write once if anything changed.

        With ``now``, the day's archiving pass runs first (at most once a day). If the body
        raises, nothing is written.
        """
        # (imported here: a read needs none of the lock, the backups, the journal, the score
        # log or the prompt's state, and importing them cost each read about 4M instructions)
        from respond.storage import backups, scorelog
        from respond.storage.journal import compact_journal
        from respond.storage.lock import exclusive_lock
        from respond.storage.state import refresh_state as refresh_prompt_state

        self._prepare_directory()
        with exclusive_lock(self.path):
            data = load_raw(self.path)
            existed = data is not None
            upgraded = existed and (schema_of(data) or SCHEMA_VERSION) < SCHEMA_VERSION
            data = check_schema(self.path, data) if data is not None else {}
            state = archive_state(data) if archive_state(data) else {"files": {}}
            archive = Archive(self.path, state)
            active = data.get(ITEMS, {})  # (not created here: the meta stays first in the file)
            archive.reconcile(active)
            if now is not None:
                archive.run_pass(active, now)
            loaded = scorelog.before(data)
            # the capture log, folded in as this commit's own change (so the score log, the
            # backup and the undo journal all see it): see respond.storage.captures
            captured = _captured(self.path)
            # (whose log it is, by the meta as loaded: the commit gives a file without a key
            # one, and the log it folded would then look like another database's)
            foreign = captured is not None and captures.is_foreign(captured, meta_of(data))
            folded = captures.fold(data, captured) if captured is not None else []
            db, storage = self._open(data)
            yield Transaction(db, self.path, archive)
            if not (storage.dirty or archive.dirty or folded):
                if captured is not None:  # already folded, or nothing in it: not needed
                    self._discard(captured, foreign)
                return
            # for the weekly score cache: what changed, archived items taken out included
            scorelog.note_commit(loaded, storage.data, archive.released())
            compact_journal(storage.data)  # (an older respond's entries)
            meta_of(storage.data)[ARCHIVE] = state
            if captured is not None and captured.token is not None:
                meta_of(storage.data)[captures.FOLDED] = captured.token
            if existed:  # the file on disk loaded cleanly: keep it as today's backup first
                backups.keep(self.path)
                if upgraded:
                    backups.keep_before_upgrade(self.path, SCHEMA_VERSION)
            try:
                archive.write_before()
                try:
                    atomic_write(self.path, encode(storage.data))
                except NotDurable as err:  # replaced: the change took effect, say so
                    self.warnings.append(not_durable(err.strerror))
            except BaseException as err:
                archive.abandon()
                if isinstance(err, OSError):
                    raise DatabaseError(
                        f"can't write database {self.path}: {err.strerror}"
                    ) from None
                raise
            commit_step("active")
            archive.write_after()  # the change is committed: this step never fails it
            if captured is not None:
                self._discard(captured, foreign)
            refresh_prompt_state(self.path, storage.data)
            self._refresh_names(storage.data, archive)

    def _discard(self, captured: captures.Captured, foreign: bool) -> None:
        """Remove the capture log this transaction folded (or found folded already); one that
        held damage, or was another database's (``foreign``), is kept aside, and the command
        says where."""
        from time import strftime

        kept = captures.discard(self.path, captured, strftime("%Y%m%d-%H%M%S"), foreign)
        if kept is not None and foreign:
            self.warnings.append(
                f"a capture log of another database (this file was made anew, or replaced) "
                f"was not added: it was kept in {kept} (respond doctor says more)"
            )
        elif kept is not None:
            self.warnings.append(
                f"{captured.damaged} line(s) of the capture log could not be read: they were "
                f"kept in {kept} (respond doctor says more)"
            )

    def _refresh_names(self, data: dict[str, Any], archive: Archive) -> None:
        """Rewrite ``<db>.names`` (what the capture lane needs: the next ID and everyone's
        names) for the active file just committed."""
        from respond.core.people import person_key
        from respond.storage.scorelog import KEY

        try:
            table = data.get(ITEMS, {})
            meta = meta_of(data)
            stored = meta.get("next_id", 1)
            used = max(max(map(int, table), default=0), archive.top_id())
            next_id = max(stored if isinstance(stored, int) else 1, used + 1)
            # the archive's names, unless they are the ones the last file recorded (most
            # writes change no archive file: then its counts file is not read), and each
            # spelling's key (folded once: the last file's are kept)
            key = captures.archive_key(meta.get(ARCHIVE))
            previous = captures.previous_names(self.path) or {}
            if previous.get("archive") == key:
                archived = dict(previous["archived"])
            else:
                archived = archive.person_counts()
            active = count_people(table.values())
            known = previous.get("keys", {})
            keys = {s: known.get(s) or person_key(s) for s in (*archived, *active)}
        except (OSError, ValueError, TypeError, DatabaseError):
            return  # (best effort: a stale file leaves captures to a full write)
        header = {
            "next_id": next_id,
            "folded": meta.get(captures.FOLDED),
            "passed": archive.state.get("on"),
            "database": meta.get(KEY),  # (the database's own key: a log is folded into it alone)
            "archive": key,
        }
        header = {n: v for n, v in header.items() if n == "next_id" or isinstance(v, str)}
        captures.write_names(self.path, header, archived, active, keys)


def _captured(db: Path) -> captures.Captured | None:
    """The capture log beside ``db`` (None when there is none, or when it can't be read: a
    FIFO, a device; ``doctor`` says so)."""
    try:
        return captures.read(db)
    except OSError:
        return None


def _same_file(before: os.stat_result | None, path: Path) -> bool:
    try:
        after = os.stat(path)
    except FileNotFoundError:
        return before is None
    return before is not None and fingerprint(before) == fingerprint(after)

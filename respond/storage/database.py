"""The database: one TinyDB JSON file, written atomically under a file lock.

This is the only module that imports TinyDB. Guarantees:

* **Atomic writes.** A transaction buffers every change in memory and writes the whole file once
  at commit: a temp file in the same directory (mode 0600), ``fsync``, ``os.replace``, then an
  ``fsync`` of the directory. A crash leaves the old file or the new one, never half of each.
* **No lost updates.** An exclusive ``flock`` on ``<db>.lock`` is held across each whole
  read-modify-write, and each transaction opens a fresh TinyDB view, so TinyDB's per-table ID and
  query caches never see stale data. The kernel drops a ``flock`` when its process dies, so a
  killed writer never leaves a lock that blocks the next command.
* **The prompt counter's sidecar.** After each commit, still under the lock, ``<db>.state`` is
  rewritten (atomically) by :func:`respond.storage.state.refresh_state`: the due times of open
  items, read by ``respond prompt`` without loading TinyDB.
* **Never overwrite what we don't understand.** A file that is not JSON, not a respond database,
  or from a newer schema is refused with a one-line error and left untouched.
* **Backups.** Before a commit replaces the file, the file it replaces (just read and understood)
  is kept as the day's backup (see :mod:`respond.storage.backups`); older schemas are migrated in
  memory (:data:`MIGRATIONS`) and saved migrated by the next commit.

Reads that change nothing (``list``, ``show``...) take no lock: the file is only ever replaced
whole, so a reader sees either the old or the new version.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from respond.core.clock import to_utc_iso
from respond.core.errors import DatabaseError, NewerSchema, NotFound
from respond.core.model import OPEN_STATUSES, Item
from respond.storage import backups, scorelog
from respond.storage.state import refresh_state as refresh_prompt_state

SCHEMA_VERSION = 2
ITEMS = "items"
META = "meta"
JOURNAL = "journal"
JOURNAL_KEEP = 200
LOCK_TIMEOUT = 10.0

REPAIR_HINT = "run respond doctor --repair to restore the newest good backup"


def _last_change(record: dict[str, Any]) -> Any:
    """When an item last changed: its newest history event, else its creation."""
    history = record.get("history")
    events = [e for e in history if isinstance(e, dict)] if isinstance(history, list) else []
    stamped = [e["at"] for e in events if isinstance(e.get("at"), str)]
    return stamped[-1] if stamped else record.get("created")


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 gives every item ``updated``: when it last changed (scripts and syncs can find
    what changed since a given time without reading every history). Undo's before-images in
    the journal get it too, so an undo of a pre-migration change restores a complete item."""
    for record in data.get(ITEMS, {}).values():
        record.setdefault("updated", _last_change(record))
    for entry in data.get(JOURNAL, {}).values():
        changes = entry.get("changes")
        for change in changes if isinstance(changes, list) else []:
            before = change.get("before") if isinstance(change, dict) else None
            if isinstance(before, dict):
                before.setdefault("updated", _last_change(before))
    return data


# Migrations from schema N to N+1, applied in order when an older file is opened.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def load_raw(path: Path) -> dict[str, Any] | None:
    """The file's JSON tables, or ``None`` when there is no file yet."""
    try:
        # O_NONBLOCK: opening a FIFO must not hang; regular files ignore the flag
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise DatabaseError(f"database {path} is not a regular file")
            raw = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DatabaseError(f"database {path} is a directory, not a file") from None
    except PermissionError:
        raise DatabaseError(f"can't read database {path}: permission denied") from None
    except OSError as err:
        raise DatabaseError(f"can't read database {path}: {err.strerror}") from None
    try:
        data = decode(raw)
    except (ValueError, UnicodeDecodeError):
        what = "empty" if not raw.strip() else "not valid JSON (truncated or damaged?)"
        raise DatabaseError(
            f"database {path} is {what}", f"nothing was changed: {REPAIR_HINT}"
        ) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DatabaseError(
            f"{path} is JSON but not a respond database", f"nothing was changed ({REPAIR_HINT})"
        )
    for name, table in data.items():
        for key, doc in table.items():
            if not (key.isascii() and key.isdigit() and int(key) > 0) or not isinstance(doc, dict):
                raise DatabaseError(
                    f"database {path} is damaged (bad entry in table {name[:20]!r})",
                    f"nothing was changed: {REPAIR_HINT}",
                )
    return data


def check_schema(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Refuse newer schemas; migrate older ones (in memory: saved at the next commit)."""
    meta = data.get(META, {}).get("1")
    if meta is None:
        if data.get(ITEMS):
            raise DatabaseError(
                f"{path} has items but no schema version", f"nothing was changed ({REPAIR_HINT})"
            )
        return data
    version = meta.get("schema")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DatabaseError(
            f"{path} has a bad schema version", f"nothing was changed ({REPAIR_HINT})"
        )
    next_id = meta.get("next_id", 1)
    if not isinstance(next_id, int) or isinstance(next_id, bool):
        raise DatabaseError(f"{path} has a bad next ID", f"nothing was changed ({REPAIR_HINT})")
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{path} was written by a newer respond (schema {version}; this one knows "
            f"{SCHEMA_VERSION})",
            "upgrade respond. Nothing was changed",
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
        data[META]["1"]["schema"] = version
    return data


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many containers at once: parsing
    and building 50,000 items triggers it hundreds of times for nothing (reference counting
    still frees everything; the parsed data holds no cycles). 366 -> 233 ms at 50,000 items."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def decode(raw: bytes) -> Any:
    """JSON from bytes, as the standard library reads it, faster: orjson parses 10,000 items
    in 22 ms where json takes 39 ms (153 against 233 ms at 50,000); what orjson refuses but
    json accepts (escaped lone surrogates, which :func:`encode` may write, huge numbers, NaN)
    goes to json, which also gives the error for what neither reads."""
    import orjson

    with gc_paused():
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return json.loads(raw)


def encode(data: dict[str, Any]) -> bytes:
    """The database as JSON bytes. orjson writes 10,000 items in 3 ms where the standard
    library takes 45 ms; text it refuses (lone surrogates, say, from an imported file) falls
    back to the standard library's ASCII-escaped form, which reads back the same."""
    import orjson

    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload``: temp file (0600) + fsync + rename + directory fsync."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@contextmanager
def exclusive_lock(db: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``flock(LOCK_EX)`` on ``<db>.lock``; released by the kernel if the process dies."""
    try:
        fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as err:
        raise DatabaseError(f"can't lock database {db}: {err.strerror}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DatabaseError(
                        f"database {db} is busy: another respond process held it for "
                        f"{timeout:.0f} s",
                        "try again",
                    ) from None
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


class _BufferedStorage(Storage):
    """A TinyDB storage that reads the file once and keeps writes in memory until commit."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


@dataclass
class Snapshot:
    """What a read-only command sees: every item, by ID."""

    items: dict[int, Item]


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

    def __init__(self, db: TinyDB, path: Path | None = None) -> None:
        self._db = db
        self._path = path
        self._items = db.table(ITEMS, cache_size=0)
        self._meta = db.table(META, cache_size=0)
        self._journal = db.table(JOURNAL, cache_size=0)
        if self._meta.get(doc_id=1) is None:
            self._meta.insert(Document({"schema": SCHEMA_VERSION, "next_id": 1}, doc_id=1))

    def items(self) -> dict[int, Item]:
        return _items_of(self._db, self._path)

    def person_counts(self) -> dict[str, int]:
        """How many items each spelling of a name has: read from the stored records, without
        building the items (4 ms at 10,000 items; building them all takes 100 ms)."""
        counts: dict[str, int] = {}
        for record in (self._db.storage.read() or {}).get(ITEMS, {}).values():
            person = record.get("person") if isinstance(record, dict) else None
            if isinstance(person, str):
                counts[person] = counts.get(person, 0) + 1
        return counts

    def get(self, item_id: int) -> Item:
        doc = self._items.get(doc_id=item_id)
        if doc is None:
            raise NotFound(f"no item #{item_id}")
        return item_from_doc(self._path, item_id, doc)

    def next_id(self) -> int:
        """A fresh ID: never one that was used before, even by a deleted item."""
        meta = self._meta.get(doc_id=1)
        assert meta is not None
        used = max((doc.doc_id for doc in self._items), default=0)
        item_id = max(int(meta.get("next_id", 1)), used + 1)
        self._meta.update({"next_id": item_id + 1}, doc_ids=[1])
        return item_id

    def put(self, item: Item) -> None:
        """Insert or replace an item."""
        record = item.to_record()
        del record["id"]
        if self._items.contains(doc_id=item.id):
            self._items.remove(doc_ids=[item.id])
        self._items.insert(Document(record, doc_id=item.id))

    def put_many(self, items: list[Item]) -> None:
        """Insert many new items in one go (bulk loads: imports, generated databases)."""
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

    def reserve_ids(self, last: int) -> None:
        """Make sure no new item gets an ID up to ``last`` (imports keep links to them)."""
        meta: Mapping[str, Any] = self._meta.get(doc_id=1) or {}
        if last + 1 > int(meta.get("next_id", 1)):
            self._meta.update({"next_id": last + 1}, doc_ids=[1])

    def delete(self, item_id: int) -> None:
        self._items.remove(doc_ids=[item_id])

    def push_journal(self, entry: dict[str, Any]) -> None:
        self._journal.insert(entry)
        surplus = len(self._journal) - JOURNAL_KEEP
        if surplus > 0:
            oldest = sorted(doc.doc_id for doc in self._journal)[:surplus]
            self._journal.remove(doc_ids=oldest)

    def pop_journal(self) -> dict[str, Any] | None:
        if not len(self._journal):
            return None
        last = max(doc.doc_id for doc in self._journal)
        entry = dict(self._journal.get(doc_id=last) or {})
        if not journal_entry_ok(entry):
            raise DatabaseError(
                f"database {self._path} has a damaged undo journal",
                "nothing was changed: run respond doctor --repair to drop the damaged entries",
            )
        self._journal.remove(doc_ids=[last])
        return entry


def journal_entry_ok(entry: dict[str, Any]) -> bool:
    """Whether an undo journal entry can be replayed (a command name and item before-images)."""
    changes = entry.get("changes")
    if not isinstance(entry.get("command"), str) or not isinstance(changes, list):
        return False
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("id"), int):
            return False
        if "before" not in change:  # ``None`` means "created by the command"; absent is damage
            return False
        before = change["before"]
        if before is not None:
            try:
                Item.from_record(before)
            except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
                return False
    return True


class Store:
    """The database at ``path``. ``explicit`` is true when the user named the path."""

    def __init__(self, path: Path, *, explicit: bool = False) -> None:
        self.path = path
        self.explicit = explicit

    def _open(self, data: dict[str, Any]) -> tuple[TinyDB, _BufferedStorage]:
        db = TinyDB(storage=_BufferedStorage, data=data)
        storage = db.storage
        assert isinstance(storage, _BufferedStorage)
        return db, storage

    def snapshot(
        self,
        *,
        active_since: datetime | None = None,
        only: Iterable[int] | None = None,
        open_only: bool = False,
    ) -> Snapshot:
        """Items, read without a lock (the file is only ever replaced whole).

        Every item by default; with ``only``, just those IDs; with ``open_only``, open items;
        with ``active_since``, the items a review of recent weeks needs (see
        :func:`active_records`). The filters spare building thousands of closed items from
        years ago. Reads take the TinyDB file's tables straight
        from the parsed JSON: TinyDB's per-document wrapper costs 12 ms per 10,000 items on a
        read and adds nothing there; every write still goes through TinyDB.
        """
        data = load_raw(self.path)
        if data is None:
            return Snapshot(items={})
        table: dict[str, Any] = check_schema(self.path, data).get(ITEMS, {})
        if only is not None:
            records: Iterable[tuple[str, Any]] = [
                (key, table[key]) for key in map(str, only) if key in table
            ]
        elif open_only:
            records = [(k, v) for k, v in table.items() if _is_open(v)]
        elif active_since is not None:
            records = active_records(table, to_utc_iso(active_since))
        else:
            records = table.items()
        with gc_paused():
            items = {int(k): item_from_doc(self.path, int(k), v) for k, v in records}
        return Snapshot(items=items)

    def _prepare_directory(self) -> None:
        if self.path.exists() and not self.path.is_file():  # before creating <db>.lock beside it
            what = "a directory" if self.path.is_dir() else "not a regular file"
            raise DatabaseError(f"database {self.path} is {what}")
        parent = self.path.parent
        if parent.is_dir():
            return
        if self.explicit:
            raise DatabaseError(f"can't create database {self.path}: {parent} does not exist")
        try:
            parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as err:
            raise DatabaseError(f"can't create {parent}: {err.strerror}") from None

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, load, yield a :class:`Transaction`, and write once if anything changed.

        If the body raises, nothing is written.
        """
        self._prepare_directory()
        with exclusive_lock(self.path):
            data = load_raw(self.path)
            existed = data is not None
            data = check_schema(self.path, data) if data is not None else {}
            db, storage = self._open(data)
            loaded = scorelog.before(data)
            yield Transaction(db, self.path)
            if storage.dirty:
                scorelog.note_commit(loaded, storage.data)  # for the weekly score cache
                payload = encode(storage.data)
                if existed:  # the file on disk loaded cleanly: keep it as today's backup first
                    backups.keep(self.path)
                try:
                    atomic_write(self.path, payload)
                except OSError as err:
                    raise DatabaseError(
                        f"can't write database {self.path}: {err.strerror}"
                    ) from None
                refresh_prompt_state(self.path, storage.data)

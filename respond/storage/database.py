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
changed within :data:`respond.storage.archive.WINDOW` (35 days), the undo journal and the meta
(schema, the next ID, which also covers archived IDs, and what the archive holds). Closed items
that have not changed for longer live in ``<db>.archive/YYYY-Qn.json``, one TinyDB file per
quarter (UTC) of their closing time; :mod:`respond.storage.archive` says exactly which items
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
  :func:`respond.storage.archive.who_summary`); or says they can't be trusted (a file or the
  sidecar changed behind the active file's back, a summary by an older respond, a clock set
  back). No other command reads the sidecar; a write rewrites it only when an archive file
  changes (the day's pass, an archived item edited), and an untrusted one is made again from
  the archive files by the next write.
  ``snapshot(history=False)`` reads the active file only
  (completion). ``snapshot(open_only=True)`` (``list``) and ``snapshot(active_since=t)``
  (``today``) read the active file only, unless the archive may hold something from after
  ``t`` (a clock set back before the last pass). ``snapshot(only=ids)`` (``show``) looks in
  the archive only for IDs that are not active. ``Store.person_counts()`` gives everyone's
  names without opening an archive file (each file's people are in the active meta).
* ``Transaction.items()`` is everything (``people rename``, ``import``'s uuid check);
  ``items(history=False)`` the active file only. ``Transaction.get(id)`` falls back to the
  archive when the ID is not active; ``put`` of an archived item (an edit, undo, reopen, rename)
  brings it back into the active file, and ``delete`` removes it from its archive file.
  ``person_counts()`` and ``next_id()`` never open an archive file.

Reads that change nothing (``list``, ``show``...) take no lock: each file is only ever replaced
whole, so a reader sees either the old or the new version of each.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from respond.core.clock import to_local, to_utc_iso
from respond.core.errors import DatabaseError, NewerSchema, NotFound
from respond.core.model import OPEN_STATUSES, Item
from respond.core.value import Record
from respond.storage import archive as layout
from respond.storage import backups, scorelog
from respond.storage.files import (
    NotDurable,
    fsync_dir,
    make_private_dirs,
    open_temp,
    replace_durably,
    temp_name,
    unsafe_to_write,
    write_temp,
)
from respond.storage.reading import NotRegularFile, read_regular
from respond.storage.state import refresh_state as refresh_prompt_state

if TYPE_CHECKING:  # TinyDB is imported by the writes alone: a read parses the file itself
    from tinydb import TinyDB

    from respond.storage.tinyview import BufferedStorage

SCHEMA_VERSION = 3
ITEMS = "items"
META = "meta"
JOURNAL = "journal"
ARCHIVE = "archive"  # the active file's meta: what the archive holds (see Archive)
#: The active file's meta: ``{uuid: time}`` of each item deleted here (``delete``, an undo of
#: an add), recorded when it happens. ``respond sync`` sends these as deletions; an item that
#: is merely missing (a restored backup, a forgotten archive file) comes back instead.
TOMBSTONES = "tombstones"
JOURNAL_KEEP = 200
WHO_LINES = 15  # history lines the summaries keep per person (``respond who``'s default)
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


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Schema 3 keeps closed items past a window in archive files beside the active file (see
    the module's docstring). In memory the migration only gives the meta an empty archive: the
    next change's archiving pass moves the old items, and keeps the schema-2 file as
    ``<db>.backups/pre-schema3-YYYY-MM-DD.json``. Until then every item is active, as before."""
    meta = data.get(META, {}).get("1")
    if isinstance(meta, dict):
        meta.setdefault(ARCHIVE, {"files": {}})
    return data


# Migrations from schema N to N+1, applied in order when an older file is opened.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}


def schema_of(data: dict[str, Any] | None) -> int | None:
    """The schema version a file's tables say they have (``None`` when they don't say)."""
    meta = (data or {}).get(META, {}).get("1")
    version = meta.get("schema") if isinstance(meta, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def load_raw(path: Path) -> dict[str, Any] | None:
    """The file's JSON tables, or ``None`` when there is no file yet. A file from a newer
    respond is :class:`NewerSchema` whatever else it holds (its tables may have new shapes)."""
    try:
        raw = read_regular(path)  # a FIFO or a device is refused before any read
    except FileNotFoundError:
        return None
    except NotRegularFile as err:
        if err.kind == "a directory":
            raise DatabaseError(f"database {path} is a directory, not a file") from None
        raise DatabaseError(f"database {path} is {err.strerror}") from None
    except PermissionError:
        raise DatabaseError(f"can't read database {path}: permission denied") from None
    except OSError as err:
        raise DatabaseError(f"can't read database {path}: {err.strerror}") from None
    try:
        data = decode(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        what = "empty" if not raw.strip() else "not valid JSON (truncated or damaged?)"
        raise DatabaseError(
            f"database {path} is {what}", f"nothing was changed: {REPAIR_HINT}"
        ) from None
    except ValueError as err:  # from decode: nested too deeply, a number too long
        raise DatabaseError(
            f"database {path} is damaged ({err})", f"nothing was changed: {REPAIR_HINT}"
        ) from None
    _refuse_newer(path, data)
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DatabaseError(
            f"{path} is JSON but not a respond database", f"nothing was changed ({REPAIR_HINT})"
        )
    for name, table in data.items():
        for key, doc in table.items():
            if not _doc_key(key) or not isinstance(doc, dict):
                raise DatabaseError(
                    f"database {path} is damaged (bad entry in table {name[:20]!r})",
                    f"nothing was changed: {REPAIR_HINT}",
                )
    return data


def _doc_key(key: str) -> bool:
    """Whether a table's key is a document ID: a positive whole number (of at most 18
    digits: a longer one is damage, and ``int`` refuses 4,300 digits and more)."""
    return key.isascii() and key.isdigit() and len(key) <= 18 and int(key) > 0


def _refuse_newer(path: Path, data: Any) -> None:
    """NewerSchema when the file's meta says a schema above ours: checked before anything else
    about its shape, so a newer file with a new kind of table is refused as newer, not taken
    for damage (which ``doctor --repair`` would replace with an old backup)."""
    meta = data.get(META) if isinstance(data, dict) else None
    first = meta.get("1") if isinstance(meta, dict) else None
    version = first.get("schema") if isinstance(first, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{path} was written by a newer respond (schema {version}; this one knows "
            f"{SCHEMA_VERSION})",
            "upgrade respond. Nothing was changed",
        )


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
    _refuse_newer(path, data)
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
            pass
        try:
            return json.loads(raw)
        except RecursionError:  # orjson stops at 1,024 levels; json at the stack's depth
            raise ValueError("nested too deeply") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise
        except ValueError:  # int's limit: 4,300 digits and more
            raise ValueError("a number too long to read") from None


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
    """Replace ``path`` with ``payload``: temp file (0600) + fsync + rename + directory fsync
    (:class:`NotDurable` if only that last fsync failed: the file was replaced)."""
    replace_durably(write_temp(path, payload), path)


@contextmanager
def exclusive_lock(db: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``flock(LOCK_EX)`` on ``<db>.lock``; released by the kernel if the process dies.

    The wait is a blocking ``flock`` (the kernel hands the lock on the moment it is released,
    where polling let whoever polled at the right instant jump the queue), interrupted every
    ``timeout`` seconds to look at who holds it: each holder writes its PID and a stamp into
    the lock file. While the lock changes hands (a queue of writers, each brief) the wait goes
    on; only when one process held it for a whole ``timeout`` is the command refused.

    Every lock (the database's, the reminder log's, the sync's) is refused where respond may
    not write (:func:`respond.storage.files.unsafe_to_write`), before the lock file is
    created; a lock file that is a symlink is never followed, nor one that is not a regular
    file used (a link to a block device would get the PID written into it).
    """
    refusal = unsafe_to_write(db)
    if refusal is not None:
        raise DatabaseError(refusal, "nothing was changed")
    path = lock_path(db)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise DatabaseError(f"lock file {path} is a symlink; remove it") from None
        raise DatabaseError(f"can't lock database {db}: {err.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise DatabaseError(f"lock file {path} is {NotRegularFile(str(path), mode).strerror}")
    try:
        holder = _holder(fd)
        while not _flock(fd, timeout):
            now = _holder(fd)
            if now == holder:
                raise _busy(db, now, timeout)
            holder = now  # others got their turn meanwhile: keep waiting for ours
        with contextlib.suppress(OSError):
            os.pwrite(fd, b"%10d %20d\n" % (os.getpid(), time.time_ns()), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _busy(db: Path, holder: bytes, timeout: float) -> DatabaseError:
    first = holder.split()[0] if holder.split() else b""
    pid = int(first) if first.isdigit() and len(first) < 11 else None
    who = "another respond process" if pid is None else f"another respond process (PID {pid})"
    stuck = f"end it (kill {pid})" if pid is not None else "end it"
    return DatabaseError(
        f"database {db} is busy: {who} has held it for {timeout:.0f} s",
        f"nothing was changed; try again. If it stays busy, that process is stuck: {stuck}",
    )


def _holder(fd: int) -> bytes:
    """Who holds the lock (or last held it): ``PID STAMP`` as its holder wrote it."""
    try:
        return os.pread(fd, 64, 0)
    except OSError:
        return b""


class _Timeout(Exception):
    pass


def _flock(fd: int, timeout: float) -> bool:
    """``flock(LOCK_EX)``, waiting at most ``timeout`` seconds; whether it was taken."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        # signals reach the main thread only: poll (a library caller's worker thread)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.005)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                continue
        return False
    waiting = [True]

    def ring(signum: int, frame: object) -> None:
        if waiting[0]:
            raise _Timeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a blocking wait, queued by the kernel
        return True
    except _Timeout:
        return False
    finally:
        waiting[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)


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


def commit_step(step: str) -> None:
    """Called between the writes of a commit (``archive``, ``active``, ``replaced``): a no-op
    that the crash tests replace with a simulated SIGKILL."""


def archive_state(data: dict[str, Any]) -> dict[str, Any]:
    """The active file's record of its archive (read-only use; empty when it has none)."""
    meta = data.get(META, {}).get("1")
    state = meta.get(ARCHIVE) if isinstance(meta, dict) else None
    return state if isinstance(state, dict) else {}


def _tagged(path: Path, data: dict[str, Any] | None) -> dict[str, Any]:
    """An archive file's items table, once its meta says it is one of a known schema."""
    if data is None:
        return {}
    meta = data.get(META, {}).get("1")
    version = schema_of(data)
    if not isinstance(meta, dict) or not isinstance(meta.get(ARCHIVE), str) or version is None:
        raise DatabaseError(
            f"{path} is not a respond archive file; nothing was changed (run respond doctor)"
        )
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{path} was written by a newer respond (schema {version}; this one knows "
            f"{SCHEMA_VERSION}); upgrade respond. Nothing was changed"
        )
    items: dict[str, Any] = data.get(ITEMS, {})
    return items


def load_archive_file(path: Path) -> dict[str, Any]:
    """The items table of one archive file (``{}`` when there is no such file); a damaged one
    is a one-line DatabaseError that names it (it is never overwritten)."""
    try:
        data = load_raw(path)
    except NewerSchema:
        raise
    except DatabaseError as err:
        cause = str(err).split(";")[0].split(" (")[0].replace(f"database {path} ", "")
        raise DatabaseError(
            f"archive file {path} can't be read ({cause}); nothing was changed: run respond "
            "doctor (the file is never overwritten; its previous version is kept as .bak)"
        ) from None
    return _tagged(path, data)


class Archive:
    """The archive files of one database, as one read or one transaction sees them.

    ``state`` is the active file's record (its meta's ``archive``): ``on``, the day of the last
    archiving pass, and ``files``, per period, the summary :func:`layout.summary` makes
    (fingerprint, item count, ID range, people, ``latest`` time) plus ``drop``, the IDs a
    commit removed whose removal is not yet confirmed by the file's fingerprint; and
    ``summaries``, the stamp of the sidecar of ``who`` parts (:func:`layout.sidecar_stamp`),
    which is read and rewritten only when a file changes (:meth:`_write_sidecar`). Files are
    loaded lazily, once each; a transaction's changes to them are written by
    :meth:`write_before` and :meth:`write_after`, around the active file.
    """

    def __init__(self, db: Path, state: dict[str, Any]) -> None:
        self.db = db
        self.state = state
        self.files: dict[str, Any] = state.setdefault("files", {})
        self.loaded: dict[str, dict[str, Any]] = {}
        self.gained: dict[str, set[str]] = {}  # keys that moved in, by period
        self.removed: dict[str, dict[str, Any]] = {}  # key -> record that left, by period
        self.dropped: dict[str, set[str]] = {}  # keys reconcile dropped (already active)
        self.resummed: set[str] = set()  # periods whose summary is out of date, file unchanged
        # the who parts an older respond kept in the meta, by period, moved to the sidecar
        self.legacy: dict[str, Any] = {}
        self.sidecar_dirty = False  # the sidecar is to be written (made again, or migrated)
        self.pending: list[tuple[Path, Path]] = []  # (prepared temp, archive file) to install
        self.dirty = False
        self._on_disk: list[str] | None = None

    # -- reading ------------------------------------------------------------------------

    def periods(self) -> list[str]:
        """Every period recorded, on disk or loaded (a new file), oldest first."""
        if self._on_disk is None:
            self._on_disk = layout.periods_on_disk(self.db)
        return sorted(set(self._on_disk) | set(self.files) | set(self.loaded))

    def load(self, period: str) -> dict[str, Any]:
        if period not in self.loaded:
            path = layout.file_of(self.db, period)
            records = load_archive_file(path)
            entry = self.files.get(period)
            if not records and isinstance(entry, dict) and entry.get("items") and not path.exists():
                raise DatabaseError(
                    f"archive file {path} is missing ({entry['items']} items); nothing was "
                    "changed: run respond doctor"
                )
            self.loaded[period] = records
        return self.loaded[period]

    def visible(self, period: str) -> dict[str, Any]:
        """A file's records but those its entry lists as dropped (a commit removed them and
        was interrupted before the file was replaced)."""
        records = self.load(period)
        entry = self.files.get(period)
        drop = entry.get("drop") if isinstance(entry, dict) else None
        if not drop:
            return records
        gone = {str(n) for n in drop}
        return {key: record for key, record in records.items() if key not in gone}

    def records(self) -> dict[str, Any]:
        """Every archived record by key, one per ID: of two copies, the later ``updated``."""
        found: dict[str, Any] = {}
        for period in self.periods():
            for key, record in self.visible(period).items():
                if key not in found or _later(record, found[key]):
                    found[key] = record
        return found

    def find(self, item_id: int) -> tuple[str, Any] | None:
        """The period and record of an archived ID (the newer of two copies), else ``None``."""
        key = str(item_id)
        best: tuple[str, Any] | None = None
        for period in self.periods():
            entry = self.files.get(period)
            if (
                period not in self.loaded
                and isinstance(entry, dict)
                and not layout.may_hold(entry, item_id)
            ):
                continue
            record = self.visible(period).get(key)
            if record is not None and (best is None or _later(record, best[1])):
                best = (period, record)
        return best

    def may_hold_since(self, cutoff: str) -> bool:
        """Whether the archive may hold a record with a time at or after ``cutoff`` (only
        after the clock was set back before the last pass)."""
        for entry in self.files.values():
            if not isinstance(entry, dict):
                return True
            latest = entry.get("latest")
            if entry.get("items") != 0 and (not isinstance(latest, str) or latest >= cutoff):
                return True
        return False

    def person_counts(self) -> dict[str, int]:
        """How many archived items each spelling of a name has, from the summaries (or from a
        file this transaction loaded)."""
        counts: dict[str, int] = {}
        for period in sorted(set(self.files) | set(self.loaded)):
            entry = self.files.get(period)
            if period in self.loaded:
                people = layout.summary(self.loaded[period], None)["people"]
            else:
                people = entry.get("people") if isinstance(entry, dict) else None
            for name, n in (people or {}).items():
                if isinstance(name, str) and isinstance(n, int):
                    counts[name] = counts.get(name, 0) + n
        return counts

    def top_id(self) -> int:
        tops = [
            entry["ids"][1]
            for entry in self.files.values()
            if isinstance(entry, dict) and isinstance(entry.get("ids"), list)
        ]
        tops += [max(map(int, records)) for records in self.loaded.values() if records]
        return max(tops, default=0)

    # -- changing (inside a transaction) --------------------------------------------------

    def reconcile(self, active: dict[str, Any]) -> None:
        """Drop from each archive file changed behind the active file's back (a crash between
        the two writes, a restore, a sync) whatever the active file holds, or its meta says
        was dropped; record the files the meta does not know. A file that can't be read is
        left alone (``doctor`` reports it)."""
        uuids: set[Any] | None = None
        periods = self.periods()
        trusted = not periods or layout.sidecar_trusted(self.db, self.state.get("summaries"))
        self._migrate()
        for period in periods:
            path = layout.file_of(self.db, period)
            entry = self.files.get(period)
            try:
                st = os.stat(path)
            except OSError:
                continue  # missing: reads of history say so, doctor reports it
            if isinstance(entry, dict) and entry.get("fingerprint") == layout.fingerprint(st):
                if entry.get("drop"):
                    del entry["drop"]  # the commit that dropped them was completed
                    self.dirty = True
                if not trusted and period not in self.legacy:  # the sidecar is made again
                    with contextlib.suppress(DatabaseError):
                        self.load(period)
                        self.resummed.add(period)
                        self.dirty = True
                continue
            try:
                records = self.load(period)
            except DatabaseError:
                continue
            drop = {str(n) for n in (entry or {}).get("drop") or []}
            if uuids is None:
                uuids = {r.get("uuid") for r in active.values() if isinstance(r, dict)}
            doomed = [
                key
                for key, record in records.items()
                if key in active
                or key in drop
                or (isinstance(record, dict) and record.get("uuid") in uuids)
            ]
            for key in doomed:
                del records[key]
            if doomed:
                self.dropped.setdefault(period, set()).update(doomed)
            else:
                self.resummed.add(period)
            self.dirty = True

    def _migrate(self) -> None:
        """Take the ``who`` parts an older respond kept in the meta out of it (the next write
        puts them in the sidecar: :meth:`write_before`)."""
        for period, entry in self.files.items():
            if isinstance(entry, dict) and ("who" in entry or "who_v" in entry):
                block = layout.legacy_who(entry)
                if block is not None and not entry.get("drop"):
                    self.legacy[period] = {"fingerprint": entry.get("fingerprint"), "who": block}
                entry.pop("who", None)
                entry.pop("who_v", None)
                self.dirty = self.sidecar_dirty = True

    def run_pass(self, active: dict[str, Any], now: datetime) -> None:
        """Move closed items past the window from ``active`` (the active file's items table,
        changed in place) into their archive files: at most once a day."""
        today = to_local(now).date().isoformat()
        if self.state.get("on") == today:
            return
        self.state["on"] = today
        self.dirty = True
        cutoff = to_utc_iso(now - layout.WINDOW)
        for period, keys in layout.movable(active, cutoff).items():
            try:
                records = self.load(period)
            except DatabaseError:
                continue  # a damaged or newer file is never overwritten: they stay active
            for key in keys:
                records[key] = active.pop(key)
                self.gained.setdefault(period, set()).add(key)
                self.removed.get(period, {}).pop(key, None)
                # (a key reconcile dropped stays in ``dropped``: the file on disk holds it, and
                # if this transaction releases it again the file must still lose it)

    def release(self, item_id: int) -> bool:
        """Take ``item_id`` out of the archive (it is put back into the active file, or
        deleted); whether it was there."""
        key = str(item_id)
        if self.find(item_id) is None:
            return False
        for period, records in self.loaded.items():
            record = records.pop(key, None)
            if record is None:
                continue
            self.dirty = True
            if key in self.gained.get(period, set()):
                self.gained[period].discard(key)  # moved in by this transaction's pass
            else:
                self.removed.setdefault(period, {})[key] = record
        return True

    def released(self) -> dict[str, Any]:
        """The records this transaction took out of the archive (brought back into the active
        file, or deleted), by key: their before-images."""
        return {key: record for records in self.removed.values() for key, record in records.items()}

    def write_before(self) -> None:
        """Before the active file is written: write the archive files that gain items (with
        those that leave them too, until :meth:`write_after`), prepare the final versions of
        those that lose items, and record each one's summary in ``state``."""
        changed = set(self.gained) | set(self.removed) | set(self.dropped) | self.resummed
        made: dict[str, tuple[dict[str, Any], os.stat_result]] = {}
        for period in sorted(changed):
            records = self.loaded.get(period, {})
            path = layout.file_of(self.db, period)
            gained = self.gained.get(period)
            removed = self.removed.get(period, {})
            dropped = self.dropped.get(period, set())
            losing = bool(removed) or any(key not in records for key in dropped)
            st: os.stat_result | None = None
            if gained:
                st = self._write(period, {**records, **removed} if removed else records)
            if losing:
                st = self._prepare(period, records)
            if st is None:  # unchanged: its summary only
                try:
                    st = os.stat(path)
                except OSError:
                    continue
            entry = layout.summary(records, st)
            gone = {k for k in set(removed) | dropped if k not in records}
            if gone:
                entry["drop"] = sorted(int(key) for key in gone)
            self.files[period] = entry
            made[period] = (records, st)
        if made or self.sidecar_dirty:
            self._write_sidecar(made)
        commit_step("archive")

    def _write_sidecar(self, made: Mapping[str, tuple[dict[str, Any], os.stat_result]]) -> None:
        """Rewrite the sidecar: the ``who`` parts of the files ``made`` (records, stat) again,
        the others' kept where they still describe their file; record its stamp in ``state``.
        Best effort: one not written is not trusted, and made again by the next write."""
        stamp = self.state.pop("summaries", None)
        old = layout.read_sidecar(self.db, stamp) or {}
        entries: dict[str, Any] = {**self.legacy, **old}
        for period, (records, st) in made.items():
            previous = entries.get(period)
            entries[period] = layout.sidecar_entry(
                records,
                st,
                previous.get("who") if isinstance(previous, dict) else None,
                self._persons(period),
            )
        entries = {
            period: entry
            for period, entry in entries.items()
            if isinstance(self.files.get(period), dict)
            and entry.get("fingerprint") == self.files[period].get("fingerprint")
        }
        layout.trim(entries, WHO_LINES)
        path = layout.sidecar_of(self.db)
        try:
            self._folder()
            atomic_write(path, layout.sidecar_payload(entries))
            self.state["summaries"] = layout.sidecar_stamp(os.stat(path))
        except NotDurable:
            with contextlib.suppress(OSError):
                self.state["summaries"] = layout.sidecar_stamp(os.stat(path))
        except OSError:
            pass

    def _persons(self, period: str) -> set[str] | None:
        """The people (keys) whose items came into or left a file in this transaction;
        ``None`` when that is not known (a file changed behind the active file's back)."""
        if period in self.resummed or self.dropped.get(period):
            return None
        from respond.core.people import person_key

        records = self.loaded.get(period, {})
        moved = [records.get(key) for key in self.gained.get(period, ())]
        moved += self.removed.get(period, {}).values()
        names = [r.get("person") if isinstance(r, dict) else None for r in moved]
        if not all(isinstance(name, str) for name in names):
            return None
        return {person_key(name) for name in names if isinstance(name, str)}

    def write_after(self) -> None:
        """After the active file is written: install the prepared archive files. Never fails:
        a file not replaced keeps items the active file also holds, or that its meta lists
        as dropped, and the next transaction's :meth:`reconcile` finishes the job."""
        try:
            for tmp, path in self.pending:
                _keep_previous(path)
                os.replace(tmp, path)
                commit_step("replaced")
            if self.pending:
                fsync_dir(layout.archive_dir(self.db))
        except OSError:
            pass
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Remove prepared temp files not installed (the commit failed, or is over)."""
        for tmp, _ in self.pending:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        self.pending = []

    def _folder(self) -> Path:
        folder = layout.archive_dir(self.db)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        return folder

    def _payload(self, period: str, records: dict[str, Any]) -> bytes:
        ordered = {key: records[key] for key in sorted(records, key=int)}
        meta = {"1": {"schema": SCHEMA_VERSION, ARCHIVE: period}}
        return encode({ITEMS: ordered, META: meta})

    def _write(self, period: str, records: dict[str, Any]) -> os.stat_result:
        self._folder()
        path = layout.file_of(self.db, period)
        _keep_previous(path)
        atomic_write(path, self._payload(period, records))
        return os.stat(path)

    def _prepare(self, period: str, records: dict[str, Any]) -> os.stat_result:
        self._folder()
        path = layout.file_of(self.db, period)
        tmp = write_temp(path, self._payload(period, records))
        self.pending.append((tmp, path))
        return os.stat(tmp)


def _later(record: Any, other: Any) -> bool:
    """Whether a stored record changed after another copy of it (by ``updated``)."""
    mine = record.get("updated") if isinstance(record, dict) else None
    theirs = other.get("updated") if isinstance(other, dict) else None
    return isinstance(mine, str) and (not isinstance(theirs, str) or mine > theirs)


def _keep_previous(path: Path) -> None:
    """Keep an archive file about to be replaced as ``<name>.bak`` (a hard link: the rename
    that follows leaves the old inode to it). Best effort, as daily backups are."""
    bak = path.with_name(path.name + ".bak")
    tmp = temp_name(bak)  # unpredictable; os.link never follows or reuses a name
    try:
        try:
            os.link(path, tmp)
        except FileNotFoundError:
            return
        except OSError:
            import shutil

            fd, name = open_temp(bak)
            tmp = Path(name)
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out)
            shutil.copystat(path, tmp)
            os.chmod(tmp, 0o600)
        os.replace(tmp, bak)
    except OSError:
        tmp.unlink(missing_ok=True)


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
        archive from the summaries the active file keeps."""
        counts = self._archive.person_counts() if self._archive is not None else {}
        records = (self._db.storage.read() or {}).get(ITEMS, {}).values()
        return layout.count_people(records, counts)

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
        used = max((doc.doc_id for doc in self._items), default=0)
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

        active = {int(key) for key in (self._db.storage.read() or {}).get(ITEMS, {})}
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


#: A journal entry as stored names the items its command created in ``created`` (a list of
#: IDs, a run of consecutive ones as ``[first, last]``) and keeps the before-images of the
#: others in ``touched``, in place of ``changes`` with a ``{"id": N, "before": null}`` each (an
#: import of 10,000 items: 250 kB in the active file, read by every command). Entries with
#: nothing created are stored as the core gives them, and entries an older respond wrote read
#: as they are (and are stored compactly by the next write: :func:`compact_journal`).
CREATED = "created"
TOUCHED = "touched"
MOST_CREATED = 10_000_000  # more is damage (a run that would fill the memory)


def compact_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry as stored (see :data:`CREATED`); the entry itself when it has no
    creations (or is not of the core's shape)."""
    changes = entry.get("changes")
    if not isinstance(changes, list):
        return entry
    created: list[int] = []
    touched: list[Any] = []
    for change in changes:
        if (
            isinstance(change, dict)
            and change.keys() == {"id", "before"}
            and change["before"] is None
            and type(change["id"]) is int
        ):
            created.append(change["id"])
        else:
            touched.append(change)
    if not created:
        return entry
    runs: list[Any] = []
    for item_id in created:
        last = runs[-1] if runs else None
        if isinstance(last, list) and last[1] + 1 == item_id:
            last[1] = item_id
        elif type(last) is int and last + 1 == item_id:
            runs[-1] = [last, item_id]
        else:
            runs.append(item_id)
    out = {key: value for key, value in entry.items() if key != "changes"}
    out[CREATED] = runs
    out[TOUCHED] = touched
    return out


def expand_entry(entry: dict[str, Any]) -> dict[str, Any] | None:
    """A stored journal entry as the core reads it (``changes``: the before-images, then a
    ``{"id": N, "before": None}`` for each item created); ``None`` when its ``created`` or
    ``touched`` are damaged."""
    if CREATED not in entry:
        return entry
    runs, touched = entry[CREATED], entry.get(TOUCHED)
    if not isinstance(runs, list) or not isinstance(touched, list) or "changes" in entry:
        return None
    created: list[int] = []
    for run in runs:
        if type(run) is int:
            first, last = run, run
        elif (
            isinstance(run, list)
            and len(run) == 2
            and all(type(n) is int for n in run)
            and run[0] <= run[1]
        ):
            first, last = run
        else:
            return None
        if last - first + len(created) >= MOST_CREATED:
            return None
        created.extend(range(first, last + 1))
    out = {key: value for key, value in entry.items() if key not in (CREATED, TOUCHED)}
    out["changes"] = [*touched, *({"id": n, "before": None} for n in created)]
    return out


def compact_journal(data: dict[str, Any]) -> None:
    """Store compactly the journal entries an older respond wrote (see :data:`CREATED`)."""
    journal = data.get(JOURNAL)
    if not isinstance(journal, dict):
        return
    for key, entry in list(journal.items()):
        if CREATED not in entry and isinstance(entry.get("changes"), list):
            stored = compact_entry(entry)
            if stored is not entry:
                journal[key] = stored


def journal_entry_ok(entry: dict[str, Any]) -> bool:
    """Whether an undo journal entry (as stored, or as the core reads it) can be replayed (a
    command name and item before-images)."""
    expanded = expand_entry(entry)
    if expanded is None:
        return False
    entry = expanded
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
                archive = Archive(self.path, archive_state(data))
                records = self._select(data, archive, history, active_since, only, open_only)
                if not archive.loaded or _same_file(before, self.path):
                    break
                # A writer replaced the active file while the archive was read: an item moving
                # between them might have been missed. Read again.
            items = {int(k): item_from_doc(self.path, int(k), v) for k, v in records}
        meta = (data or {}).get(META, {}).get("1")
        return Snapshot(items=items, tombstones=tombstones_of(meta))

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
        or opening an archive file."""
        data = load_raw(self.path)
        if data is None:
            return {}
        data = check_schema(self.path, data)
        counts = Archive(self.path, archive_state(data)).person_counts()
        return layout.count_people(data.get(ITEMS, {}).values(), counts)

    def summaries(self, now: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """The active file's records and, for each archive file (oldest first), its summary
        (:func:`layout.summary`) with its ``who`` part from the sidecar, without opening an
        archive file: ``None`` unless the sidecar is the one the meta recorded, and each part
        is current and describes the file on disk (same fingerprint, nothing left to drop) as
        of ``now`` (not before its ``asof``: a clock set back reads the files)."""
        with gc_paused():
            data = load_raw(self.path)
        if data is None:
            return {}, []
        data = check_schema(self.path, data)
        state = archive_state(data)
        files = state.get("files", {})
        periods = sorted(set(files) | set(layout.periods_on_disk(self.path)))
        with gc_paused():
            sidecar = layout.read_sidecar(self.path, state.get("summaries")) if periods else {}
        found = []
        for period in periods:
            entry = files.get(period)
            if not isinstance(entry, dict) or entry.get("drop"):
                return None
            try:
                st = os.stat(layout.file_of(self.path, period))
            except OSError:
                return None
            mark = layout.fingerprint(st)
            side = (sidecar or {}).get(period)
            if side is not None and side.get("fingerprint") == mark:
                block = side["who"]
            else:  # (an older respond's, in the meta: moved to the sidecar by the next write)
                block = layout.legacy_who(entry)
            asof = block["asof"] if block is not None else None
            if (
                block is None
                or block["people"] is None
                or entry.get("fingerprint") != mark
                or (asof is not None and now < datetime.fromisoformat(asof))
            ):
                return None
            found.append({**entry, "who": block})
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
            db, storage = self._open(data)
            loaded = scorelog.before(data)
            yield Transaction(db, self.path, archive)
            if not (storage.dirty or archive.dirty):
                return
            # for the weekly score cache: what changed, archived items taken out included
            scorelog.note_commit(loaded, storage.data, archive.released())
            compact_journal(storage.data)  # (an older respond's entries)
            storage.data[META]["1"][ARCHIVE] = state
            if existed:  # the file on disk loaded cleanly: keep it as today's backup first
                backups.keep(self.path)
                if upgraded:
                    backups.keep_before_upgrade(self.path, SCHEMA_VERSION)
            try:
                archive.write_before()
                try:
                    atomic_write(self.path, encode(storage.data))
                except NotDurable as err:  # replaced: the change took effect, say so
                    self.warnings.append(
                        f"the change was saved, but the disk did not confirm it is durable "
                        f"({err.strerror}): a power cut now could lose it"
                    )
            except BaseException as err:
                archive.abandon()
                if isinstance(err, OSError):
                    raise DatabaseError(
                        f"can't write database {self.path}: {err.strerror}"
                    ) from None
                raise
            commit_step("active")
            archive.write_after()  # the change is committed: this step never fails it
            refresh_prompt_state(self.path, storage.data)


def _with_archive(table: dict[str, Any], archive: Archive) -> dict[str, Any]:
    """The active file's records and the archive's, one per item: the active copy wins (by ID
    and by uuid) over an archived one a crash left behind."""
    archived = archive.records()
    if not archived:
        return table
    uuids = {r.get("uuid") for r in table.values() if isinstance(r, dict)}
    merged = dict(table)
    for key, record in archived.items():
        if key not in merged and record.get("uuid") not in uuids:
            merged[key] = record
    return merged


def _same_file(before: os.stat_result | None, path: Path) -> bool:
    try:
        after = os.stat(path)
    except FileNotFoundError:
        return before is None
    return before is not None and layout.fingerprint(before) == layout.fingerprint(after)


def archived_copies(data: dict[str, Any], archive: Archive) -> dict[str, list[str]]:
    """The keys of the archived records each archive file should not hold (by period): those
    the active file holds (by ID or uuid) or its meta lists as dropped and, of an item in two
    archive files, the older copy. A file that can't be read is skipped (reported on its
    own)."""
    active: dict[str, Any] = data.get(ITEMS, {})
    uuids = {r.get("uuid") for r in active.values() if isinstance(r, dict)}
    best: dict[str, tuple[str, Any]] = {}
    extra: dict[str, list[str]] = {}
    for period in archive.periods():
        try:
            records = archive.load(period)
        except DatabaseError:
            continue
        entry = archive.files.get(period)
        drop = {str(n) for n in (entry.get("drop") or [])} if isinstance(entry, dict) else set()
        for key, record in records.items():
            uuid = record.get("uuid") if isinstance(record, dict) else None
            if key in active or uuid in uuids or key in drop:
                extra.setdefault(period, []).append(key)
            elif key in best:
                old_period, old = best[key]
                loser = old_period if _later(record, old) else period
                extra.setdefault(loser, []).append(key)
                if loser == old_period:
                    best[key] = (period, record)
            else:
                best[key] = (period, record)
    return extra


def remove_archived_copies(db: Path) -> int:
    """Remove the copies :func:`archived_copies` finds (call under the lock): the archive files
    first (each atomically, its previous version kept as ``.bak``), then the active file's
    record of them. Returns how many copies were removed."""
    data = load_raw(db)
    if data is None:
        return 0
    data = check_schema(db, data)
    state = archive_state(data) or {"files": {}}
    archive = Archive(db, state)
    extra = archived_copies(data, archive)
    for period, keys in extra.items():
        records = archive.loaded[period]
        for key in keys:
            records.pop(key, None)
        archive.dropped.setdefault(period, set()).update(keys)
    if not extra:
        return 0
    data.setdefault(META, {}).setdefault("1", {"schema": SCHEMA_VERSION})[ARCHIVE] = state
    try:
        archive.write_before()
        atomic_write(db, encode(data))
    except BaseException:
        archive.abandon()
        raise
    archive.write_after()
    return sum(len(keys) for keys in extra.values())


def rebuild_summaries(db: Path) -> int:
    """Make the sidecar of ``who`` summaries again from the archive files (call under the
    lock: ``doctor --repair``), and record it in the active file's meta. Returns how many
    archive files it summarises (a file that can't be read is left out: who reads the archive
    and reports it)."""
    data = load_raw(db)
    if data is None:
        return 0
    data = check_schema(db, data)
    state = archive_state(data) or {"files": {}}
    archive = Archive(db, state)
    archive.state.pop("summaries", None)  # (so nothing of the old one is kept)
    archive.legacy = {}
    for period in archive.periods():
        with contextlib.suppress(DatabaseError):
            archive.load(period)
            archive.resummed.add(period)
    archive.sidecar_dirty = True
    data.setdefault(META, {}).setdefault("1", {"schema": SCHEMA_VERSION})[ARCHIVE] = state
    archive.write_before()
    atomic_write(db, encode(data))
    return len(archive.resummed)

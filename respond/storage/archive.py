"""The archive files of one database (``<db>.archive/YYYY-Qn.json``) as one read or one
transaction sees them (:class:`Archive`): which file holds an item, the items a commit moves
in or out, the order of the writes that keeps every item in at least one file whatever a crash
interrupts, and the copies a crash may leave behind. Where an item belongs is
:mod:`respond.storage.periods`; the ``who`` summaries are :mod:`respond.storage.summaries`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from respond.core.clock import to_local, to_utc_iso
from respond.core.errors import DatabaseError, NewerSchema
from respond.storage import summaries
from respond.storage.dbfile import (
    ARCHIVE,
    ITEMS,
    META,
    SCHEMA_VERSION,
    check_schema,
    encode,
    load_raw,
    meta_of,
    schema_of,
)
from respond.storage.files import (
    NotDurable,
    atomic_write,
    fsync_dir,
    open_temp,
    temp_name,
    write_temp,
)
from respond.storage.periods import (
    WINDOW,
    archive_dir,
    file_of,
    fingerprint,
    may_hold,
    movable,
    periods_on_disk,
    recorded_top,
)

if TYPE_CHECKING:  # TinyDB is imported by the writes alone: a read parses the file itself
    pass


WHO_LINES = 15  # history lines the summaries keep per person (``respond who``'s default)


def commit_step(step: str) -> None:
    """Called between the writes of a commit (``archive``, ``active``, ``replaced``): a no-op
    that the crash tests replace with a simulated SIGKILL."""


def archive_state(data: dict[str, Any]) -> dict[str, Any]:
    """The active file's record of its archive (read-only use; empty when it has none)."""
    state = meta_of(data).get(ARCHIVE)
    return state if isinstance(state, dict) else {}


def _tagged(path: Path, data: dict[str, Any] | None) -> dict[str, Any]:
    """An archive file's items table, once its meta says it is one of a known schema."""
    if data is None:
        return {}
    meta = meta_of(data)
    version = schema_of(data)
    if not isinstance(meta.get(ARCHIVE), str) or version is None:
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
    archiving pass, and ``files``, per period, the summary :func:`summary` makes
    (fingerprint, item count, ID range, ``latest`` time) plus ``drop``, the IDs a
    commit removed whose removal is not yet confirmed by the file's fingerprint; and
    ``summaries``, the stamp of the sidecar of ``who`` parts (:func:`sidecar_stamp`),
    which is read and rewritten only when a file changes (:meth:`_write_sidecar`); and
    ``counts``, the stamp of the file of everyone's names (:func:`summaries.counts_stamp`),
    read only to match a name (:meth:`person_counts`), rewritten when a file changes. Files are
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
        self.counted: set[str] = set()  # the files this transaction changes: counted again
        self.behind = False  # a file changed behind the meta's back: count every file again
        # an older respond's names, from the meta; the names by period (from the file?)
        self.legacy_counts: dict[str, dict[str, int]] | None = None
        self._base: tuple[dict[str, dict[str, int]] | None, bool] | None = None
        self._base_sum: dict[str, int] | None = None  # their sum (person_counts, unchanged)
        self.pending: list[tuple[Path, Path]] = []  # (prepared temp, archive file) to install
        self.dirty = False
        self._on_disk: list[str] | None = None

    # -- reading ------------------------------------------------------------------------

    def periods(self) -> list[str]:
        """Every period recorded, on disk or loaded (a new file), oldest first."""
        if self._on_disk is None:
            self._on_disk = periods_on_disk(self.db)
        return sorted(set(self._on_disk) | set(self.files) | set(self.loaded))

    def load(self, period: str) -> dict[str, Any]:
        if period not in self.loaded:
            path = file_of(self.db, period)
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
                and not may_hold(entry, item_id)
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

    def base_counts(self) -> tuple[dict[str, dict[str, int]] | None, bool]:
        """The archive's names by file (period) as the meta's files hold them (sum them with
        :func:`summaries.sum_counts`), without opening one: from the
        counts file when it is trusted (:func:`summaries.read_counts`), else from what an
        older respond kept in the meta; and whether they came from the counts file. Read
        once, before this transaction changes the meta's entries."""
        if self._base is None:
            found = summaries.read_counts(self.db, self.state.get("counts"), self.files)
            if found is not None:
                self._base = (found, True)
            elif self.legacy_counts is not None:
                self._base = (self.legacy_counts, False)
            else:
                self._base = (summaries.legacy_counts(self.files), False)
        return self._base

    def _touch(self, period: str) -> None:
        """Before a file's records change in memory: its names are counted again."""
        self.counted.add(period)

    def person_counts(self) -> dict[str, int]:
        """How many archived items each spelling of a name has: the counts file's (or an older
        respond's meta's), with the files this transaction changed counted again; every file
        counted when those can't be trusted (a file changed behind the meta's back, a missing
        or stale counts file). Summed file by file, oldest first, each file's records by ID: the
        spellings in the order reading the files gives them (of equal counts, the first wins)."""
        base, _ = self.base_counts()
        if base is not None and not self.counted and not self.behind:  # (most calls) once
            if self._base_sum is None:
                self._base_sum = summaries.sum_counts(base)
            return dict(self._base_sum)  # (a copy: the caller adds the active file's to it)
        return summaries.sum_counts(self._by_period())

    def _by_period(self) -> dict[str, dict[str, int]]:
        """:meth:`person_counts` file by file (period)."""
        base, _ = self.base_counts()
        if base is None or self.behind:
            return self._count_all()[0]
        counts = dict(base)
        for period in self.counted:
            counts[period] = summaries.file_counts(self.loaded.get(period, {}))
        return counts

    def _count_all(self) -> tuple[dict[str, dict[str, int]], bool]:
        """Every file's names, each file read (once), by period; and whether every file
        could be read."""
        counts: dict[str, dict[str, int]] = {}
        complete = True
        for period in sorted(set(self.files) | set(self.loaded)):
            try:
                records = self.visible(period)
            except DatabaseError:
                complete = False  # (doctor reports it)
                continue
            counts[period] = summaries.file_counts(records)
        return counts, complete

    def top_id(self) -> int:
        tops = [max(map(int, records)) for records in self.loaded.values() if records]
        return max([recorded_top(self.files), *tops])

    # -- changing (inside a transaction) --------------------------------------------------

    def reconcile(self, active: dict[str, Any]) -> None:
        """Drop from each archive file changed behind the active file's back (a crash between
        the two writes, a restore, a sync) whatever the active file holds, or its meta says
        was dropped; record the files the meta does not know. A file that can't be read is
        left alone (``doctor`` reports it)."""
        uuids: set[Any] | None = None
        periods = self.periods()
        trusted = not periods or summaries.sidecar_trusted(self.db, self.state.get("summaries"))
        self._migrate()
        for period in periods:
            path = file_of(self.db, period)
            entry = self.files.get(period)
            try:
                st = os.stat(path)
            except OSError:
                continue  # missing: reads of history say so, doctor reports it
            if isinstance(entry, dict) and entry.get("fingerprint") == fingerprint(st):
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
                continue  # (left alone: the counts still describe the version the meta knows)
            self.behind = True  # (its names are counted again)
            self._touch(period)
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
        """Take the ``who`` parts and the names an older respond kept in the meta out of it
        (the next write puts them in the sidecar and the counts file: :meth:`write_before`)."""
        if any(isinstance(entry, dict) and "people" in entry for entry in self.files.values()):
            self.legacy_counts = summaries.legacy_counts(self.files)
            for entry in self.files.values():
                if isinstance(entry, dict):
                    entry.pop("people", None)
            self.dirty = True
        for period, entry in self.files.items():
            if isinstance(entry, dict) and ("who" in entry or "who_v" in entry):
                block = summaries.legacy_who(entry)
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
        cutoff = to_utc_iso(now - WINDOW)
        for period, keys in movable(active, cutoff).items():
            try:
                records = self.load(period)
            except DatabaseError:
                continue  # a damaged or newer file is never overwritten: they stay active
            self._touch(period)
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
            if records.get(key) is None:
                continue
            self._touch(period)
            record = records.pop(key)
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
        # everyone's names, as the files will hold them: counted before the entries change
        # (a write that changes no archive file reads no counts file: a stat tells it is ours)
        stale = self.behind or self.legacy_counts is not None
        stale = stale or not summaries.counts_trusted(self.db, self.state.get("counts"))
        recount = bool(self.files or changed) and (bool(changed) or stale)
        counts: dict[str, dict[str, int]] = {}
        complete = False
        if recount:
            base, _ = self.base_counts()
            exact = base is not None and not self.behind
            counts, complete = (self._by_period(), True) if exact else self._count_all()
        made: dict[str, tuple[dict[str, Any], os.stat_result]] = {}
        for period in sorted(changed):
            records = self.loaded.get(period, {})
            path = file_of(self.db, period)
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
            entry = summaries.summary(records, st)
            gone = {k for k in set(removed) | dropped if k not in records}
            if gone:
                entry["drop"] = sorted(int(key) for key in gone)
            self.files[period] = entry
            made[period] = (records, st)
        if made or self.sidecar_dirty:
            self._write_sidecar(made)
        if recount:
            self._write_counts(counts, complete)
        commit_step("archive")

    def _write_counts(self, counts: dict[str, dict[str, int]], complete: bool) -> None:
        """Rewrite the counts file with ``counts`` (every file's names, as the meta's entries
        now describe them) and record its stamp in ``state``; best effort, as the sidecar. When
        a file could not be counted, none is recorded (the next write counts them all)."""
        self.state.pop("counts", None)
        if not complete:
            return
        payload = summaries.counts_payload(self.files, counts)
        self._write_stamped("counts", summaries.counts_of(self.db), payload, summaries.counts_stamp)

    def _write_sidecar(self, made: Mapping[str, tuple[dict[str, Any], os.stat_result]]) -> None:
        """Rewrite the sidecar: the ``who`` parts of the files ``made`` (records, stat) again,
        the others' kept where they still describe their file; record its stamp in ``state``.
        Best effort: one not written is not trusted, and made again by the next write."""
        stamp = self.state.pop("summaries", None)
        old = summaries.read_sidecar(self.db, stamp) or {}
        entries: dict[str, Any] = {**self.legacy, **old}
        for period, (records, st) in made.items():
            previous = entries.get(period)
            entries[period] = summaries.sidecar_entry(
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
        summaries.trim(entries, WHO_LINES)
        payload = summaries.sidecar_payload(entries)
        self._write_stamped(
            "summaries", summaries.sidecar_of(self.db), payload, summaries.sidecar_stamp
        )

    def _write_stamped(
        self, key: str, path: Path, payload: bytes, stamp: Callable[[os.stat_result], Any]
    ) -> None:
        """Write a file beside the archive (the sidecar, the counts file) and record its
        ``stamp`` in ``state[key]``: best effort, as a file not recorded is not trusted and
        is made again by the next write (one renamed into place but not durable still is)."""
        try:
            self._folder()
            atomic_write(path, payload)
            self.state[key] = stamp(os.stat(path))
        except NotDurable:
            with contextlib.suppress(OSError):
                self.state[key] = stamp(os.stat(path))
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
                fsync_dir(archive_dir(self.db))
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
        folder = archive_dir(self.db)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        return folder

    def _payload(self, period: str, records: dict[str, Any]) -> bytes:
        ordered = {key: records[key] for key in sorted(records, key=int)}
        meta = {"1": {"schema": SCHEMA_VERSION, ARCHIVE: period}}
        return encode({ITEMS: ordered, META: meta})

    def _write(self, period: str, records: dict[str, Any]) -> os.stat_result:
        self._folder()
        path = file_of(self.db, period)
        _keep_previous(path)
        atomic_write(path, self._payload(period, records))
        return os.stat(path)

    def _prepare(self, period: str, records: dict[str, Any]) -> os.stat_result:
        self._folder()
        path = file_of(self.db, period)
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


def _for_repair(db: Path) -> tuple[dict[str, Any], Archive] | None:
    """For a repair, under the lock: the active file's data and its :class:`Archive`, whose
    ``state`` is the data's record of the archive (a change to it is saved with the data);
    None when there is no database."""
    data = load_raw(db)
    if data is None:
        return None
    data = check_schema(db, data)
    state = archive_state(data) or {"files": {}}
    data.setdefault(META, {}).setdefault("1", {"schema": SCHEMA_VERSION})[ARCHIVE] = state
    return data, Archive(db, state)


def remove_archived_copies(db: Path) -> int:
    """Remove the copies :func:`archived_copies` finds (call under the lock): the archive files
    first (each atomically, its previous version kept as ``.bak``), then the active file's
    record of them. Returns how many copies were removed."""
    opened = _for_repair(db)
    if opened is None:
        return 0
    data, archive = opened
    extra = archived_copies(data, archive)
    archive.behind = True  # (a copy left by a crash: the files are not what the meta says)
    for period, keys in extra.items():
        records = archive.loaded[period]
        for key in keys:
            records.pop(key, None)
        archive.dropped.setdefault(period, set()).update(keys)
    if not extra:
        return 0
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
    opened = _for_repair(db)
    if opened is None:
        return 0
    data, archive = opened
    archive.state.pop("summaries", None)  # (so nothing of the old one is kept)
    archive.legacy = {}
    archive.behind = True  # (the names too)
    for period in archive.periods():
        with contextlib.suppress(DatabaseError):
            archive.load(period)
            archive.resummed.add(period)
    archive.sidecar_dirty = True
    archive.write_before()
    atomic_write(db, encode(data))
    return len(archive.resummed)


def rebuild_counts(db: Path) -> int:
    """Make the counts file of everyone's names again from the archive files (call under the
    lock: ``doctor --repair``), and record it in the active file's meta. Returns how many
    archive files it counts (one that can't be read leaves it unrecorded: the next write
    tries again)."""
    opened = _for_repair(db)
    if opened is None:
        return 0
    data, archive = opened
    archive.state.pop("counts", None)
    for entry in archive.files.values():
        if isinstance(entry, dict):
            entry.pop("people", None)  # (an older respond's)
    archive.behind = True
    archive.write_before()
    atomic_write(db, encode(data))
    return len(archive.loaded)

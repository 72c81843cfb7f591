"""The capture log, ``<db>.captures``: what the capture lane added since the last write of the
active file, and ``<db>.names``, what the lane needs to add without reading the active file.

An ``add`` used to parse and rewrite the whole active file (330 kB at 10,000 items), which
made a capture cost what the history weighs, not what it shows. The capture lane
(:mod:`respond.cli.lane`) instead appends the new item, with its undo journal entry, as one
line of JSON to ``<db>.captures``, under the database's lock, ``fsync``-ed before it says
"Added". The next transaction (:meth:`respond.storage.database.Store.transaction`) *folds* the
log into the active file as its own change (so backups, the undo journal, the score log and
the prompt's state all see it), records the log's token in the meta (:data:`FOLDED`), and
removes the log. Every read folds it in memory (:func:`pending`), so no command ever sees the
database without what was captured.

The log, one JSON document a line::

    {"respond": "captures", "version": 1, "token": "<32 hex digits>"}
    {"item": {<the item's record, with its id>}, "journal": {<its undo journal entry>}}
    ...

Folding never loses or doubles an item:

* a crash after the active file was replaced but before the log was removed leaves a log
  whose token the meta records: it is ignored, and removed by the next transaction;
* an item whose uuid is already active is not added again; one whose ID was taken meanwhile
  (a restored backup) gets a fresh ID, and its journal entry with it;
* a last line without its newline was never confirmed (the lane ``fsync``-s a whole line
  before it prints): readers ignore it and the next append cuts it off;
* any other line that is not a capture is damage: readers skip it, the lane leaves the next
  capture to a full write, which keeps the whole log aside (``<db>.captures.damaged-<time>``)
  and says so; ``doctor`` reports it.

``<db>.names`` (JSON, rewritten after every commit, not ``fsync``-ed: a cache) holds the
next ID, how many items each spelling of a name has (the archive's and the active file's, in
the order :meth:`respond.storage.database.Transaction.person_counts` gives), the last folded
token, the day of the last archiving pass, the database's key, and the identity of the active
file it describes (size, modification time, inode): the lane trusts it only for that very
file (and only when its people are the ones it was written with: a CRC-32), and otherwise
leaves the capture to a full write, which rewrites it. A log is folded only into the database
it was started for (:func:`is_foreign`: the database's own key, in the log's header).

Cheap to import (``os`` only; ``json`` where a file is read or written): the prompt counter
looks at the log's size on every prompt.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from respond.storage.paths import captures_path
from respond.storage.reading import read_regular

TYPE_CHECKING = False
if TYPE_CHECKING:  # (without importing typing at run time)
    from collections.abc import Callable, Iterator
    from typing import Any

NAMES_SUFFIX = ".names"
HEADER = "captures"
VERSION = 1
FOLDED = "captures"  # the active file's meta: the token of the last log folded into it
#: Captures in one log: the lane leaves the next one to a full write, which folds them (each
#: line costs the next capture about 0.12M instructions to read, a read 0.3M: at 100, an add
#: costs 1.12x what it costs with an empty log).
MOST = 100
LIMIT = 8 << 20  # bytes: a log is a few kB; more is not one (read no further)
NAMES_FORMAT = "respond-names"


def names_path(db: str | os.PathLike[str]) -> str:
    return os.fspath(db) + NAMES_SUFFIX


class Captured:
    """A capture log as read: its token (``None`` when its first line is not a header), the
    captures (``(record, journal entry)``, in order), how many lines are damage, the bytes
    up to the end of its last whole line (``good``; a longer file ends in a line never
    confirmed) and its identity (``ino``, ``size``)."""

    __slots__ = ("damaged", "database", "entries", "good", "ino", "size", "token")

    def __init__(
        self,
        token: str | None,
        entries: list[tuple[dict[str, Any], dict[str, Any]]],
        damaged: int,
        good: int,
        ino: int,
        size: int,
        database: str | None = None,
    ) -> None:
        self.token = token
        self.database = database  # the key of the database it was started for (see FOREIGN)
        self.entries = entries
        self.damaged = damaged
        self.good = good
        self.ino = ino
        self.size = size


def _capture(line: bytes) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The ``(record, journal entry)`` a line holds, or None when it is not one."""
    import json

    from respond.core.model import Item

    try:
        doc = json.loads(line)
        record, entry = doc["item"], doc["journal"]
        if not isinstance(record, dict) or not isinstance(entry, dict):
            return None
        item_id = record.get("id")
        if type(item_id) is not int or not 0 < item_id < 10**18:
            return None
        Item.from_record(record)  # a record the active file would refuse is damage here
        changes = entry.get("changes")
        if not isinstance(changes, list) or not isinstance(entry.get("command"), str):
            return None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError):
        return None
    return record, entry


def read(db: str | os.PathLike[str]) -> Captured | None:
    """The capture log beside ``db``; None when there is none. A FIFO or a device is refused
    (``OSError``), as every file respond reads."""
    import json

    path = captures_path(db)
    try:
        raw = read_regular(path, LIMIT + 1)
        st = os.stat(path)
    except FileNotFoundError:
        return None
    good = raw.rfind(b"\n") + 1
    lines = raw[:good].split(b"\n")[:-1]
    token: str | None = None
    database: str | None = None
    if lines:
        try:
            head = json.loads(lines[0])
            if (
                isinstance(head, dict)
                and head.get("respond") == HEADER
                and head.get("version") == VERSION
                and isinstance(head.get("token"), str)
                and head["token"]
            ):
                token = head["token"]
                database = head.get("database") if isinstance(head.get("database"), str) else None
        except (ValueError, RecursionError):
            pass
    entries = []
    damaged = 0 if token is not None or not lines else 1
    for line in lines[1:]:
        found = _capture(line)
        if found is None:
            damaged += 1
        else:
            entries.append(found)
    if len(raw) > LIMIT:
        damaged += 1
    return Captured(token, entries, damaged, good, st.st_ino, st.st_size, database)


def is_stale(captured: Captured, meta: dict[str, Any]) -> bool:
    """Whether the log was already folded into the active file whose meta is ``meta`` (a
    crash kept it after the fold)."""
    return captured.token is not None and meta.get(FOLDED) == captured.token


def is_foreign(captured: Captured, meta: dict[str, Any]) -> bool:
    """Whether the log was started for another database than the one whose meta is ``meta``
    as loaded (the database's own random key, :data:`respond.storage.scorelog.KEY`, differs:
    the file was deleted and made anew, or replaced by another database's), whose captures
    must not come back into this one. ``meta`` is ``{}`` when there is no database (nor a
    meta record) yet: a log naming one is another's. A meta without a key can't tell (a file
    an older respond wrote, or a backup of it restored: the first commit since gave the file
    its key, and the log was started after it): its captures are added, as they were before
    logs named their database."""
    from respond.storage.scorelog import KEY

    if captured.database is None:
        return False
    if not meta:
        return True
    key = meta.get(KEY)
    return isinstance(key, str) and bool(key) and key != captured.database


def fold(data: dict[str, Any], captured: Captured) -> list[str]:
    """Add the log's captures to the raw tables ``data`` (as loaded from the active file):
    each item under its ID (a fresh one if its ID was taken), its journal entry after the
    others, the next ID past them. The keys of the items added, in order. Does nothing to a
    stale log (:func:`is_stale`)."""
    from respond.storage.dbfile import SCHEMA_VERSION, meta_of
    from respond.storage.journal import JOURNAL_KEEP, compact_entry
    from respond.storage.periods import recorded_top

    foreign = is_foreign(captured, meta_of(data))  # (as loaded: {} when there is none yet)
    meta = data.setdefault("meta", {}).setdefault("1", {"schema": SCHEMA_VERSION, "next_id": 1})
    if is_stale(captured, meta) or foreign or not captured.entries:
        return []
    items: dict[str, Any] = data.setdefault("items", {})
    journal: dict[str, Any] = data.setdefault("journal", {})
    uuids = {record.get("uuid") for record in items.values()}
    stored = meta.get("next_id", 1)
    state = meta.get("archive")  # (an ID an archive file holds is taken too)
    archived = recorded_top(state.get("files") if isinstance(state, dict) else None)
    used = max(max(map(int, items), default=0), archived)
    next_id = max(stored if type(stored) is int else 1, used + 1)
    added: list[str] = []
    for record, entry in captured.entries:
        if record.get("uuid") in uuids:
            continue  # already here
        item_id = record["id"]
        if str(item_id) in items or item_id <= archived:  # taken meanwhile (a restored
            # backup): a fresh ID
            item_id = next_id
            entry = _renumbered(entry, record["id"], item_id)
        record = {key: value for key, value in record.items() if key != "id"}
        items[str(item_id)] = record
        uuids.add(record.get("uuid"))
        next_id = max(next_id, item_id + 1)
        key = max(map(int, journal), default=0) + 1
        journal[str(key)] = compact_entry(entry)
        added.append(str(item_id))
    for old in sorted(map(int, journal))[: max(0, len(journal) - JOURNAL_KEEP)]:
        del journal[str(old)]
    meta["next_id"] = next_id
    return added


def _renumbered(entry: dict[str, Any], old: int, new: int) -> dict[str, Any]:
    changes = [
        {**change, "id": new} if isinstance(change, dict) and change.get("id") == old else change
        for change in entry["changes"]
    ]
    return {**entry, "changes": changes}


def pending(db: str | os.PathLike[str], data: dict[str, Any]) -> list[str]:
    """Fold the capture log beside ``db``, if any, into the raw tables ``data`` just read
    from the active file (in memory: a read never writes); the keys of the items added. A log
    that can't be read is left to ``doctor`` (and to the next write, which keeps it aside)."""
    try:
        captured = read(db)
    except OSError:
        return []
    return fold(data, captured) if captured is not None else []


def load_folded(
    db: str | os.PathLike[str],
) -> tuple[dict[str, Any] | None, list[str], os.stat_result | None]:
    """The active file's raw tables (schema checked) with the log beside it folded in, the
    keys of the items the log added, and the ``stat`` of the active file they were read from
    (``None`` tables: no database yet). Read again when a writer replaced the active file
    meanwhile: it may have folded the log and removed it after the active file was read, and
    then neither copy of a capture would be seen."""
    from pathlib import Path

    from respond.storage.dbfile import check_schema, load_raw

    path = Path(db)
    data: dict[str, Any] | None = None
    added: list[str] = []
    before: os.stat_result | None = None
    for _ in range(20):
        try:
            before = os.stat(db)
        except FileNotFoundError:
            before = None
        loaded = load_raw(path)
        if loaded is None:
            return None, [], None
        data = check_schema(path, loaded)
        added = pending(db, data)
        try:
            after = os.stat(db)
        except FileNotFoundError:
            continue
        if before is not None and identity(before) == identity(after):
            break
    return data, added, before


# --- writing (the lane; a transaction removes the log) ------------------------------------


def line(record: dict[str, Any], entry: dict[str, Any]) -> bytes:
    """One capture as a line of the log (ASCII: text a terminal passed as lone surrogates
    is escaped, and reads back the same)."""
    import json

    return json.dumps({"item": record, "journal": entry}, separators=(",", ":")).encode() + b"\n"


def append(
    db: str, captured: Captured | None, payload: bytes, database: str | None = None
) -> tuple[int, str | None]:
    """Append ``payload`` (whole lines) to the log beside ``db``, which is as ``captured``
    read it (None: there is none yet: a new log, for the database whose key is ``database``),
    under the database's lock; made durable before this
    returns. The log's size after it, and why a new log's name may not be durable (its
    folder's ``fsync`` failed: the capture is made, and must not be made again), if so."""
    import json

    path = captures_path(db)
    flags = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    if captured is None:
        token = os.urandom(16).hex()
        head = {"respond": HEADER, "version": VERSION, "token": token, "database": database}
        payload = json.dumps(head, separators=(",", ":")).encode() + b"\n" + payload
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    else:
        fd = os.open(path, flags | os.O_APPEND)
    try:
        st = os.fstat(fd)
        if captured is not None and (st.st_ino, st.st_size) != (captured.ino, captured.size):
            raise OSError(0, "the capture log changed while it was read", path)
        start = captured.good if captured is not None else 0
        if captured is not None and captured.good < captured.size:
            os.ftruncate(fd, start)  # a line never confirmed (a crash mid-append)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:  # (a full disk, a failed fsync: none of it was confirmed, and
            # the command is made again by a full write, which must not find it here)
            try:  # noqa: SIM105 (contextlib: not imported on a capture's path)
                os.ftruncate(fd, start)
            except OSError:
                pass
            raise
        size = os.fstat(fd).st_size
    except BaseException:
        if captured is None:
            os.unlink(path)
        raise
    finally:
        os.close(fd)
    if captured is None:  # a new name in the folder: durable too
        try:
            folder = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError as err:  # (as atomic_write's NotDurable: the change took effect)
            return size, err.strerror or str(err)
    return size, None


def discard(
    db: str | os.PathLike[str], captured: Captured, when: str, foreign: bool = False
) -> str | None:
    """After a commit that folded ``captured``: remove the log, or keep it aside when it held
    damage or was another database's (``foreign``: see :func:`is_foreign`); the name it is kept
    under. Best effort: a log left behind is stale (its token is in the meta) and ignored."""
    path = captures_path(db)
    try:
        st = os.stat(path)
        if st.st_ino != captured.ino:
            return None
        if not captured.damaged and not foreign:
            os.unlink(path)
            return None
        kept = f"{path}.{'other-database' if foreign else 'damaged'}-{when}"
        os.rename(path, kept)
        return kept
    except OSError:
        return None


# --- what the lane needs: <db>.names ----------------------------------------------------


def identity(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def archive_key(state: Any) -> str:
    """What identifies the archive's content: a digest of the active file's record of it
    (every archive file's fingerprint, the counts file's), which every change to an archive
    file changes."""
    try:  # (BLAKE2's own module: hashlib would load OpenSSL, at every write)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b

    import orjson

    text = orjson.dumps(state, option=orjson.OPT_SORT_KEYS)
    return blake2b(text, digest_size=16).hexdigest()


#: ``<db>.names`` is a header line (JSON: the next ID, the last log folded, the day of the last
#: archiving pass, the database's key, the archive's key, the keys' folding rule, the CRC-32 of
#: the people, the active file it describes), then the people: one JSON list of one entry per
#: person, in the order a full read first sees them, ``[key, spelling, archived, active,
#: spelling, archived, active...]`` (each spelling with how many archived and active items use
#: it). A capture parses the header and the entry of the name it is given, found by its start
#: (``["key",``: in JSON text a ``[`` followed by a quote only ever starts a list, and a
#: person's entry is the only list that starts with text), not the whole list: at 2,000 people
#: that is 0.2 M instructions instead of 17 M. Written in one ``json.dumps``: one a person took
#: 8 times as long.


def _entry(key: str) -> bytes:
    """How a person's entry starts."""
    import json

    return b"[" + json.dumps(key).encode() + b","


def _person_line(line: Any, key: str | None = None) -> bool:
    """Whether ``line`` (parsed) is a person's line (of ``key``, when given)."""
    return (
        isinstance(line, list)
        and len(line) >= 4
        and len(line) % 3 == 1
        and isinstance(line[0], str)
        and (key is None or line[0] == key)
        and all(isinstance(text, str) for text in line[1::3])
        and all(type(n) is int and n >= 0 for n in (*line[2::3], *line[3::3]))
    )


def _people(raw: bytes, start: int) -> list[list[Any]]:
    """Every person's line of a names file whose header ends at ``start`` (their shape
    checked; the types of what is in them, where they are used); ValueError when one is
    damaged. (Checked in C, ``set(map(...))``: a loop over 2,000 lines took 10 times as long.)"""
    import json

    lines = json.loads(raw[start:])
    if not isinstance(lines, list) or not set(map(type, lines)) <= {list}:
        raise ValueError("a damaged line in the names file")
    if not all(n >= 4 and n % 3 == 1 for n in set(map(len, lines))):
        raise ValueError("a damaged line in the names file")
    keys = [line[0] for line in lines]
    if not _texts(keys) or len(set(keys)) != len(keys):  # (a person twice: which is it?)
        raise ValueError("a damaged line in the names file")
    return lines


def _texts(*groups: Any) -> bool:
    """Whether every value of the iterables ``groups`` is text (checked in C)."""
    return all(set(map(type, group)) <= {str} for group in groups)


def write_names(
    db: str | os.PathLike[str],
    header: dict[str, Any],
    archived: dict[str, int],
    active: dict[str, int],
    keys: dict[str, str],
) -> None:
    """Rewrite ``<db>.names`` for the active file just committed (under the write lock): the
    ``header`` (``next_id``, ``folded``, ``passed``, ``database``, ``archive``), then each
    person's spellings, from the archive's names and the active file's (each spelling's key
    in ``keys``). Best effort, as the prompt's state file: one that could not be written is
    stale, and the lane then leaves captures to a full write."""
    import json

    from respond.storage.state import save_as

    try:
        path = os.fspath(db)
        head = {"format": NAMES_FORMAT, "version": VERSION, "db": identity(os.stat(path))}
        from respond.core.people import KEY_RULE

        head["rule"] = KEY_RULE  # (the keys' folding rule: another's are folded again)
        people: dict[str, list[Any]] = {}
        for spelling in (*archived, *(s for s in active if s not in archived)):
            line = people.setdefault(keys[spelling], [keys[spelling]])
            line += [spelling, archived.get(spelling, 0), active.get(spelling, 0)]
        body = json.dumps(list(people.values()), separators=(",", ":")).encode() + b"\n"
        head["people"] = _digest(body)
        first = json.dumps({**head, **header}, separators=(",", ":")).encode()
        save_as(names_path(path), first + b"\n" + body)
    except (OSError, ValueError, TypeError, KeyError):
        pass


def _digest(body: bytes) -> str:
    """What the header records of the people's lines (their CRC-32): a file edited or damaged
    by hand (a line deleted, a spelling or a count changed) is not trusted (a full write,
    which then counts the archive's names again rather than keep them from it, writes it
    anew). About 1.2M instructions a capture at 2,000 people (64 kB), the import most of it."""
    import binascii

    return format(binascii.crc32(body), "08x")


def _header(raw: bytes) -> tuple[dict[str, Any], int] | None:
    """The header of a names file and where its people start; None when it is not one, or
    when its people's lines are not the ones it was written with (:func:`_digest`)."""
    import json

    end = raw.find(b"\n") + 1
    try:
        head = json.loads(raw[:end]) if end else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(head, dict) or head.get("format") != NAMES_FORMAT:
        return None
    next_id = head.get("next_id")
    if head.get("version") != VERSION or type(next_id) is not int or next_id < 1:
        return None
    from respond.core.people import KEY_RULE

    if head.get("rule") != KEY_RULE:  # (keys folded by another rule: see KEY_RULE)
        return None
    texts = (head.get("folded"), head.get("passed"), head.get("database"), head.get("archive"))
    if not all(text is None or isinstance(text, str) for text in texts):
        return None
    if head.get("people") != _digest(raw[end:]):
        return None
    return head, end


def previous_names(db: str | os.PathLike[str]) -> dict[str, Any] | None:
    """``<db>.names`` as the last commit wrote it, whatever active file it describes: its
    archive key (``archive``), the archive's names (``archived``) and each spelling's key
    (``keys``), which a commit keeps when it still can; None when there is none that reads as
    one."""
    try:
        raw = read_regular(names_path(db), LIMIT)
        found = _header(raw)
        if found is None:
            return None
        lines = _people(raw, found[1])
    except (OSError, ValueError, RecursionError):
        return None
    archived = {s: a for line in lines for s, a in zip(line[1::3], line[2::3], strict=True) if a}
    keys = {s: line[0] for line in lines for s in line[1::3]}
    if not _texts(keys, keys.values()) or not set(map(type, archived.values())) <= {int}:
        return None
    return {"archive": found[0].get("archive"), "archived": archived, "keys": keys}


class Names:
    """``<db>.names`` as read, for the active file it describes: the next ID, the last log
    folded, the (local) day of the last archiving pass, the database's key, and the people,
    read as asked (:class:`Known`)."""

    __slots__ = ("database", "folded", "next_id", "passed", "raw", "start")

    def __init__(self, head: dict[str, Any], raw: bytes, start: int) -> None:
        self.next_id: int = head["next_id"]
        self.folded: str | None = head.get("folded")
        self.passed: str | None = head.get("passed")
        self.database: str | None = head.get("database")
        self.raw = raw
        self.start = start


def read_names(db: str, db_stat: os.stat_result) -> Names | None:
    """``<db>.names`` if it describes the active file ``db_stat`` is of, else None."""
    try:
        raw = read_regular(names_path(db), LIMIT)
    except OSError:
        return None
    found = _header(raw)
    if found is None or found[0].get("db") != identity(db_stat):
        return None
    return Names(found[0], raw, found[1])


def _first_most(counts: dict[str, int]) -> str:
    """The spelling used most (ties: the first seen), as
    :func:`respond.core.people.known_names` chooses it."""
    return next(iter(counts)) if len(counts) == 1 else max(counts, key=counts.__getitem__)


class Known(Mapping[str, str]):
    """:meth:`respond.core.actions.Session.known_names` for a capture: each person's key and
    the spelling used most for it, over ``<db>.names`` and the log's items (``logged``: their
    people, in order). A name asked for (``get``, ``in``) reads its one entry; only listing
    everyone (a name that finds no one exactly) parses them all."""

    def __init__(self, names: Names, logged: list[str]) -> None:
        self._names = names
        self._logged = logged
        self._by_key: dict[str, list[str]] | None = None
        self._all: dict[str, str] | None = None

    def _log(self) -> dict[str, list[str]]:
        """The log's spellings by key, in order."""
        if self._by_key is None:
            from respond.core.people import person_key

            self._by_key = {}
            for spelling in self._logged:
                self._by_key.setdefault(person_key(spelling), []).append(spelling)
        return self._by_key

    @staticmethod
    def _counts(line: list[Any] | None, logged: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        if line is not None:
            for spelling, archived, active in zip(line[1::3], line[2::3], line[3::3], strict=True):
                if type(archived) is not int or type(active) is not int:
                    raise ValueError("a damaged line in the names file")
                counts[spelling] = counts.get(spelling, 0) + archived + active
        for spelling in logged:
            counts[spelling] = counts.get(spelling, 0) + 1
        return counts

    def _line(self, key: str) -> list[Any] | None:
        import json

        raw, start = self._names.raw, self._names.start
        entry = _entry(key)
        at = raw.find(entry, start)
        if at < 0:
            return None
        line, _ = json.JSONDecoder().raw_decode(raw[at:].decode("ascii"))
        if not _person_line(line, key) or raw.find(entry, at + 1) >= 0:  # (or a person twice)
            raise ValueError("a damaged line in the names file")
        return line  # type: ignore[no-any-return]

    def get(self, key: str, default: Any = None) -> Any:
        if self._all is not None:
            return self._all.get(key, default)
        counts = self._counts(self._line(key), self._log().get(key, []))
        return _first_most(counts) if counts else default

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return str(found)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def _everyone(self) -> dict[str, str]:
        if self._all is None:
            logged = self._log()
            known: dict[str, str] = {}
            for line in _people(self._names.raw, self._names.start):
                key = line[0]
                if len(line) == 4 and key not in logged:  # (most people: one spelling)
                    known[key] = line[1]
                else:
                    known[key] = _first_most(self._counts(line, logged.get(key, [])))
            if not _texts(known, known.values()):
                raise ValueError("a damaged line in the names file")
            for key, spellings in logged.items():
                if key not in known:
                    known[key] = _first_most(self._counts(None, spellings))
            self._all = known
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._everyone())

    def __len__(self) -> int:
        return len(self._everyone())


# --- a capture: the lane's transaction ----------------------------------------------------


class Declined(Exception):
    """This change can't be a capture (no trusted ``<db>.names``, a log to fold first, a
    change to an existing item...): nothing was written; a full transaction makes it."""


class Session:
    """The storage operations the core's capture actions need (:class:`respond.core.actions.
    Session`), over ``<db>.names`` and the log: new items only. Anything else declines."""

    def __init__(self, names: Names, captured: Captured | None) -> None:
        self._names = names
        self._captured = captured
        taken = [record["id"] for record, _ in captured.entries] if captured else []
        self._next = max(names.next_id, max(taken, default=0) + 1)
        self._logged = [record["person"] for record, _ in captured.entries] if captured else []
        self._known = Known(names, self._logged)
        self.first = self._next  # the first ID this capture may create
        self.added: list[Any] = []
        self.journal: list[dict[str, Any]] = []

    def person_counts(self) -> dict[str, int]:
        """Everyone's spellings and how many items use each (every line of the names file:
        a capture's action asks :meth:`known_names` instead)."""
        counts: dict[str, int] = {}
        for line in _people(self._names.raw, self._names.start):
            counts.update(Known._counts(line, []))
        for person in self._logged:
            counts[person] = counts.get(person, 0) + 1
        return counts

    def known_names(self) -> Known:
        return self._known

    def next_id(self) -> int:
        item_id = self._next
        self._next += 1
        return item_id

    def put(self, item: Any) -> None:
        if item.id < self.first or any(item.id == other.id for other in self.added):
            raise Declined  # an existing item: a full transaction changes it
        self.added.append(item)

    def push_journal(self, entry: dict[str, Any]) -> None:
        self.journal.append(entry)

    def items(self, history: bool = True) -> Any:
        raise Declined

    def get(self, item_id: int) -> Any:
        raise Declined

    def delete(self, item_id: int, deleted_at: Any = None) -> None:
        raise Declined

    def pop_journal(self) -> Any:
        raise Declined

    def keep_changes(self, ids: Any) -> None:
        raise Declined


def capture(
    db: str, today: str, run: Callable[[Session], Any], warnings: list[str] | None = None
) -> Any:
    """Run ``run`` (a core action over a :class:`Session`) and append what it created to the
    log, under the database's lock; what ``run`` returned. :class:`Declined` (nothing written)
    when the change is not one new item, when the files can't be trusted to make it without
    reading the active file, or when the day's archiving pass has not run yet on ``today``
    (a local date, ``YYYY-MM-DD``): the day's first change runs it, as it always did.
    What the command must still tell once it is made goes to ``warnings``."""
    from respond.core.model import OPEN_STATUSES
    from respond.storage.lock import exclusive_lock
    from respond.storage.state import add_capture

    try:
        if os.stat(db).st_mode & 0o170000 != 0o100000:
            raise Declined  # (no database yet, or not a file: the full path says)
    except OSError:
        raise Declined from None
    with exclusive_lock(db):
        try:
            db_stat = os.stat(db)
            names = read_names(db, db_stat)
            captured = read(db)
        except OSError:
            raise Declined from None
        if names is None or names.passed != today:
            raise Declined
        if captured is not None and (
            captured.token is None
            or captured.damaged
            or captured.token == names.folded
            or captured.database != names.database
            or len(captured.entries) >= MOST
        ):
            raise Declined  # a full transaction folds it first (or keeps it aside)
        session = Session(names, captured)
        outcome = run(session)
        if len(session.added) != 1 or len(session.journal) != 1:
            raise Declined
        record = session.added[0].to_record()
        payload = line(record, session.journal[0])
        if (captured.good if captured is not None else 0) + len(payload) + 256 > LIMIT:
            raise Declined  # readers would take what lies past LIMIT for damage (256: a header)
        size, not_durable = append(db, captured, payload, names.database)
        if not_durable is not None and warnings is not None:
            from respond.storage.files import not_durable as saying

            warnings.append(saying(not_durable))
        before = captured.size if captured is not None else 0
        is_open = record.get("status", "open") in OPEN_STATUSES  # (not a thank-you)
        add_capture(db, db_stat, before, size, record.get("due") if is_open else None, is_open)
    return outcome

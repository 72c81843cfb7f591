"""The prompt's state file, ``<db>.state``: the due times of open items, rewritten under the
database's lock at every commit (:meth:`respond.storage.database.Store.transaction`) and read by
the prompt counter (:mod:`respond.cli.prompt`), which documents its format.

Cheap to import: ``os`` and ``time`` only, until a rebuild needs the database.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # (without importing typing at run time)
    from typing import Any


STATE_SUFFIX = ".state"
STATE_MAGIC = b"respond-prompt-state"
STATE_VERSION = b"2"  # 2: the capture log's size (CAPTURES_SIZE)
DUE_DIGITS = 12  # seconds since 1970, zero-padded: sorts as text like as numbers
_LATEST: int = 10**DUE_DIGITS - 1


def state_path(db: str) -> str:
    return db + STATE_SUFFIX


# --- writing the state (at every commit, and when the counter rebuilds it) -----------------


def captures_size(db: str) -> int:
    """The size of the capture log beside ``db`` (0 when there is none): a state file names
    the log it counted, as it names the database file (see :mod:`respond.cli.prompt`)."""
    from respond.storage.paths import captures_path

    try:
        return os.stat(captures_path(db)).st_size
    except FileNotFoundError:
        return 0


def due_seconds(due: str) -> int:
    """A stored due time as the state file holds it: Unix seconds, rounded up (stored due
    times have whole seconds; ceil never counts a fractional one early)."""
    from respond.core.clock import from_iso

    moment = from_iso(due).timestamp()
    return min(max(0, -int(-moment // 1)), _LATEST)


def _header(db_stat: os.stat_result, captured: int, open_count: int) -> bytes:
    return b"%s %s %d %d %d %d %d\n%d\n" % (
        STATE_MAGIC,
        STATE_VERSION,
        time.time_ns(),
        db_stat.st_mtime_ns,
        db_stat.st_size,
        db_stat.st_ino,
        captured,
        open_count,
    )


def state_bytes(data: dict[str, Any], db_stat: os.stat_result, captured: int = 0) -> bytes:
    """The state file for a database's raw tables (as stored, the capture log of ``captured``
    bytes folded in) and its ``stat``."""
    from respond.core.model import OPEN_STATUSES

    items = data.get("items") or {}
    open_count = 0
    dues: list[int] = []
    for record in items.values():
        if record.get("status", "open") not in OPEN_STATUSES:
            continue
        open_count += 1
        due = record.get("due")
        if due:
            dues.append(due_seconds(due))
    dues.sort()
    body = b"".join(b"%0*d\n" % (DUE_DIGITS, due) for due in dues)
    return _header(db_stat, captured, open_count) + body


def add_capture(
    db: str, db_stat: os.stat_result, before: int, after: int, due: str | None, is_open: bool
) -> None:
    """After the capture lane appended an item (open or not, due at ``due``) to the capture
    log, which grew from ``before`` to ``after`` bytes: count it in a state file that was
    fresh for the log of ``before`` bytes (call under the write lock). Best effort: a state
    file left as it was names the older log, and the next ``respond prompt`` rebuilds it."""
    try:
        content = read_state(state_path(db))
        if not is_fresh(content, db_stat, before) or not _replaceable(state_path(db)):
            return
        first = content.index(b"\n")
        second = content.index(b"\n", first + 1)
        open_count = int(content[first + 1 : second]) + is_open
        body = content[second + 1 :]
        if due is not None:  # (sorted lines, fixed width: the new one in its place)
            from bisect import insort

            dues = body.splitlines(keepends=True)
            insort(dues, b"%0*d\n" % (DUE_DIGITS, due_seconds(due)))
            body = b"".join(dues)
        save_state(db, _header(db_stat, after, open_count) + body)
    except (OSError, ValueError, TypeError, AttributeError):
        pass


def refresh_state(db: os.PathLike[str] | str, data: dict[str, Any]) -> None:
    """Rewrite ``<db>.state`` for the database just committed (call under the write lock),
    ``data`` with the capture log beside it folded in, if any is left.

    Best effort: the database is already safely written, and a state file that could not be
    refreshed is detected as stale (its ``DB_*`` fields no longer match) and rebuilt by the next
    ``respond prompt``. So a failure here never fails the command.
    """
    try:
        path = os.fspath(db)
        if not _replaceable(state_path(path)):
            return
        save_state(path, state_bytes(data, os.stat(path), captures_size(path)))
    except (OSError, ValueError, TypeError, AttributeError):
        pass


def _replaceable(path: str) -> bool:
    """Whether the state file is a regular file or absent: something else put there (a FIFO,
    a link to a device) is left alone, and the prompt shows nothing until it is removed."""
    try:
        return os.stat(path).st_mode & 0o170000 == 0o100000
    except FileNotFoundError:
        return True


def save_state(db: str, payload: bytes) -> None:
    """Replace ``<db>.state`` (see :func:`save_as`)."""
    save_as(state_path(db), payload)


def save_as(path: str, payload: bytes) -> None:
    """Replace the cache file ``path`` atomically: a new temp file (mode 0600, see
    :func:`respond.storage.files.open_temp`) in the same directory, renamed.

    Unlike the database it is not ``fsync``ed (that would double the cost of every write): it is
    a cache, and whatever a crash leaves (the old file, an empty one) fails the freshness check
    and is rebuilt from the database.
    """
    from respond.storage.files import open_temp

    fd, tmp = open_temp(path)  # an unpredictable name, never an existing file or link
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        from contextlib import suppress

        with suppress(OSError):
            os.unlink(tmp)
        raise


# --- reading it -----------------------------------------------------------------------------


def read_state(path: str) -> bytes:
    """The state file's bytes (empty when there is none). A FIFO, a device or a link to one
    is refused before any read (:class:`respond.storage.reading.NotRegularFile`, an
    ``OSError``): opening a FIFO would hang the prompt, reading ``/dev/zero`` never ends."""
    from respond.storage.reading import read_regular

    try:
        return read_regular(path)
    except FileNotFoundError:
        return b""


def is_fresh(content: bytes, db_stat: os.stat_result, captured: int) -> bool:
    """Whether ``content`` is a state file of this version built from this database file and
    a capture log of ``captured`` bytes (0: none)."""
    head = content[: content.find(b"\n")].split()
    identity = (db_stat.st_mtime_ns, db_stat.st_size, db_stat.st_ino, captured)
    return (
        len(head) == 7
        and head[0] == STATE_MAGIC
        and head[1] == STATE_VERSION
        and head[3:] == [b"%d" % n for n in identity]
    )

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
STATE_VERSION = b"1"
DUE_DIGITS = 12  # seconds since 1970, zero-padded: sorts as text like as numbers


def state_path(db: str) -> str:
    return db + STATE_SUFFIX


# --- writing the state (at every commit, and when the counter rebuilds it) -----------------


def state_bytes(data: dict[str, Any], db_stat: os.stat_result) -> bytes:
    """The state file for a database's raw tables (as stored) and its ``stat``."""
    from respond.core.clock import from_iso
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
            # stored due times have whole seconds; ceil never counts a fractional one early
            moment = from_iso(due).timestamp()
            dues.append(min(max(0, -int(-moment // 1)), 10**DUE_DIGITS - 1))
    dues.sort()
    header = b"%s %s %d %d %d %d\n%d\n" % (
        STATE_MAGIC,
        STATE_VERSION,
        time.time_ns(),
        db_stat.st_mtime_ns,
        db_stat.st_size,
        db_stat.st_ino,
        open_count,
    )
    return header + b"".join(b"%0*d\n" % (DUE_DIGITS, due) for due in dues)


def refresh_state(db: os.PathLike[str] | str, data: dict[str, Any]) -> None:
    """Rewrite ``<db>.state`` for the database just committed (call under the write lock).

    Best effort: the database is already safely written, and a state file that could not be
    refreshed is detected as stale (its ``DB_*`` fields no longer match) and rebuilt by the next
    ``respond prompt``. So a failure here never fails the command.
    """
    try:
        path = os.fspath(db)
        if not _replaceable(state_path(path)):
            return
        save_state(path, state_bytes(data, os.stat(path)))
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
    """Replace ``<db>.state`` atomically: a new temp file (mode 0600, see
    :func:`respond.storage.files.open_temp`) in the same directory, renamed.

    Unlike the database it is not ``fsync``ed (that would double the cost of every write): it is
    a cache, and whatever a crash leaves (the old file, an empty one) fails the freshness check
    and is rebuilt from the database.
    """
    from respond.storage.files import open_temp

    path = state_path(db)
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


def is_fresh(content: bytes, db_stat: os.stat_result) -> bool:
    """Whether ``content`` is a state file of this version built from this database file."""
    head = content[: content.find(b"\n")].split()
    return (
        len(head) == 6
        and head[0] == STATE_MAGIC
        and head[1] == STATE_VERSION
        and head[3:] == [b"%d" % n for n in (db_stat.st_mtime_ns, db_stat.st_size, db_stat.st_ino)]
    )

"""What ``respond doctor`` says of the capture log (:mod:`respond.storage.captures`), and how
``--repair`` folds one it can't leave to the next change.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from respond.core.errors import DatabaseError
from respond.core.text import visible
from respond.storage.dbfile import check_schema, load_raw, meta_of
from respond.storage.findings import NOTE, OK, PROBLEM, Report
from respond.storage.paths import captures_path


def rewrite(db: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Read, change and atomically rewrite the database's raw tables (under the lock: doctor's
    repairs)."""
    from respond.storage.files import atomic_write

    data = load_raw(db)
    assert data is not None
    data = check_schema(db, data)
    change(data)
    atomic_write(db, encode_plain(data))


def encode_plain(data: dict[str, Any]) -> bytes:
    """The database as doctor's repairs write it (plain ``json``, ASCII)."""
    import json

    return json.dumps(data, separators=(",", ":")).encode("ascii")  # as storage writes it


def check_captures(db: Path, report: Report) -> None:
    """The capture log (:mod:`respond.storage.captures`): what it holds until the next change
    folds it in, a log left over by a crash after a fold, a log of another database, lines
    that can't be read (``--repair`` folds what can be read and keeps the log aside), and a
    link or anything but a file in its place (every capture is then a full write)."""
    from respond.storage import captures

    name = visible(db.name + ".captures")
    path = captures_path(db)
    if os.path.islink(path):

        def unlink() -> str:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            return f"removed the symbolic link {name}"

        report.add(
            PROBLEM, "captures", f"{name} is a symbolic link (respond never writes through "
            "one: each add rewrites the database)", unlink,
        )  # fmt: skip
        return
    try:
        captured = captures.read(db)
    except OSError as err:
        report.add(PROBLEM, "captures", f"{name} is {err.strerror}; remove it")
        return
    if captured is None:
        return
    try:
        data = check_schema(db, load_raw(db) or {})
    except DatabaseError:
        return  # (the database's own findings say what is wrong; the log waits)
    if captures.is_foreign(captured, meta_of(data)):
        report.add(
            PROBLEM, "captures", f"{name} was started for another database (this file was made "
            "anew, or replaced): its captures are not added (the next change keeps it aside)",
            lambda: _fold_captures(db),
        )  # fmt: skip
    elif captures.is_stale(captured, meta_of(data)):
        report.add(
            NOTE, "captures", "a capture log already added is left over (the next change "
            "removes it)", lambda: _fold_captures(db),
        )  # fmt: skip
    elif captured.damaged:
        report.add(
            PROBLEM, "captures", f"{captured.damaged} line(s) of the capture log can't be read "
            f"({len(captured.entries)} can: they are added at the next change)",
            lambda: _fold_captures(db),
        )  # fmt: skip
    else:
        n = len(captured.entries)
        report.add(OK, "captures", f"{n} capture{'s' if n != 1 else ''}, added to the "
                   "database at the next change")  # fmt: skip


def _fold_captures(db: Path) -> str:
    """Fold the capture log into the active file (under the lock), as a change does; a log
    that held damage is kept aside."""
    from respond.storage import captures

    captured = captures.read(db)
    if captured is None:
        return "nothing: the capture log is gone"
    added: list[str] = []

    def fold(data: dict[str, Any]) -> None:
        added.extend(captures.fold(data, captured))
        if captured.token is not None:
            meta_of(data)[captures.FOLDED] = captured.token

    data = check_schema(db, load_raw(db) or {})
    foreign = captures.is_foreign(captured, meta_of(data))
    if not foreign:
        rewrite(db, fold)
    kept = captures.discard(db, captured, time.strftime("%Y%m%d-%H%M%S"), foreign)
    aside = f"kept the log aside as {visible(Path(kept).name)}" if kept else ""
    if foreign:
        return f"{aside or 'removed it'}: another database's capture log"
    return f"added {len(added)} capture(s) from the capture log" + (f"; {aside}" if aside else "")

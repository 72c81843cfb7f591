"""Rotating backups: the last good copy of the database for each of the last few days.

Every committed change first keeps the file it is about to replace (it has just been read and
understood, so it is a good copy) as ``<db>.backups/YYYY-MM-DD.json``; a later change on the
same day replaces that day's copy. Only the newest :data:`KEEP_DAYS` days are kept. The folder
is 0700 and every copy 0600. ``respond doctor --repair`` restores the newest copy that loads.
The file as it was before a schema upgrade is also kept, as ``pre-schemaN-YYYY-MM-DD.json``,
and never pruned. (Archive files keep their own previous version, as ``<name>.bak`` beside
them: see :mod:`respond.storage.database`.)

A copy is a hard link to the old file (it costs nothing: the commit then renames a new file
over the database's name, leaving the old inode to the backup), or a byte copy where the file
system has no hard links. A backup that can't be written never blocks the change itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from datetime import date
from pathlib import Path

from respond.storage.files import fsync_dir, open_temp, temp_name

KEEP_DAYS = 7
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


def backup_dir(db: Path) -> Path:
    return db.with_name(db.name + ".backups")


def backups(db: Path) -> list[tuple[date, Path]]:
    """The backups of ``db``, newest first."""
    try:
        names = os.listdir(backup_dir(db))
    except OSError:
        return []
    found: list[tuple[date, Path]] = []
    for name in names:
        match = _NAME.match(name)
        if match is None:
            continue
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            continue
        found.append((day, backup_dir(db) / name))
    return sorted(found, reverse=True)


def keep(db: Path, day: date | None = None, name: str | None = None) -> Path | None:
    """Keep the current ``db`` file as ``day``'s backup (today by default); prune old days.

    Called inside the locked commit, before the database is replaced. Returns the backup's
    path, or ``None`` when it could not be written (the change goes ahead regardless).
    """
    folder = backup_dir(db)
    target = folder / (name or f"{(day or date.today()).isoformat()}.json")
    tmp = temp_name(target)  # unpredictable; os.link never follows or reuses a name
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        try:
            os.link(db, tmp)
        except OSError:
            fd, name = open_temp(target)
            tmp = Path(name)
            with os.fdopen(fd, "wb") as out, db.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            shutil.copystat(db, tmp)  # keep the time this content was saved
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        fsync_dir(folder)
        prune(db)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return None
    return target


def keep_before_upgrade(db: Path, schema: int, day: date | None = None) -> Path | None:
    """Keep the current ``db`` file, written by an older schema, as
    ``pre-schemaN-YYYY-MM-DD.json`` before the first commit saves it upgraded. Never pruned
    (its name is not a day's); ``None`` when it could not be written."""
    return keep(db, day, name=f"pre-schema{schema}-{(day or date.today()).isoformat()}.json")


def prune(db: Path, keep_days: int = KEEP_DAYS) -> list[Path]:
    """Delete all but the newest ``keep_days`` backups; returns what was deleted."""
    removed = []
    for _, path in backups(db)[keep_days:]:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed

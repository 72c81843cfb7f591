"""Rotating backups: the last good copy of the database for each of the last few days.

Every committed change first keeps the file it is about to replace (it has just been read and
understood, so it is a good copy) as ``<db>.backups/YYYY-MM-DD.json``; a later change on the
same day replaces that day's copy. Only the newest :data:`KEEP_DAYS` days are kept. The folder
is 0700 and every copy 0600. ``respond doctor --repair`` restores the newest copy that loads.
A copy named after tomorrow was kept while the clock was wrong (it read 2031, say): it is
reported by ``doctor``, never counted among the days kept nor pruned, and restored only when
no other copy loads (see :func:`future`). Only files respond wrote are ever read or pruned:
regular files, not links, owned by the user, in a backups folder that is not a link.
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
import stat
from datetime import date, timedelta
from pathlib import Path

from respond.storage.files import fsync_dir, open_temp, temp_name

KEEP_DAYS = 7
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
GRACE = timedelta(days=1)  # a day's backup may be named by a clock a time zone ahead


def backup_dir(db: Path) -> Path:
    return db.with_name(db.name + ".backups")


def folder_problem(db: Path) -> str | None:
    """Why the backups folder can't be used (``None`` when it can, or does not exist yet):
    a link (its target may hold anyone's files: respond never follows it, never prunes there)
    or not a folder."""
    try:
        st = os.lstat(backup_dir(db))
    except FileNotFoundError:
        return None
    except OSError as err:
        return f"can't be read ({err.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link (respond never writes, reads or prunes through one)"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    return None


def _daily(db: Path) -> list[tuple[date, Path, float]]:
    """Every daily backup respond wrote: regular files (not links), owned by this user, named
    ``YYYY-MM-DD.json``, in a backups folder that is not a link; with each one's mtime."""
    if folder_problem(db) is not None:
        return []
    folder = backup_dir(db)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found: list[tuple[date, Path, float]] = []
    for name in names:
        match = _NAME.match(name)
        if match is None:
            continue
        try:
            day = date.fromisoformat(match.group(1))
            st = os.lstat(folder / name)
        except (ValueError, OSError):
            continue
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid():
            found.append((day, folder / name, st.st_mtime))
    return found


def is_future(day: date, today: date | None = None) -> bool:
    """Whether a backup's day is after tomorrow: it was kept while the clock was wrong."""
    return day > (today or date.today()) + GRACE


def backups(db: Path, today: date | None = None) -> list[tuple[date, Path]]:
    """The daily backups of ``db`` that are not from the future, newest first (by day, then
    by the time their content was saved)."""
    real = [entry for entry in _daily(db) if not is_future(entry[0], today)]
    return [(day, path) for day, path, _ in sorted(real, key=lambda e: (e[0], e[2]), reverse=True)]


def future(db: Path, today: date | None = None) -> list[tuple[date, Path]]:
    """The daily backups dated after tomorrow (kept while the clock was wrong), newest first.
    They are never counted among the :data:`KEEP_DAYS` kept nor pruned (they may hold the only
    copy of changes made then), and ``doctor --repair`` restores one only when no other
    backup loads."""
    ahead = [(day, path) for day, path, _ in _daily(db) if is_future(day, today)]
    return sorted(ahead, reverse=True)


def keep(db: Path, day: date | None = None, name: str | None = None) -> Path | None:
    """Keep the current ``db`` file as ``day``'s backup (today by default); prune old days.

    Called inside the locked commit, before the database is replaced. Returns the backup's
    path, or ``None`` when it could not be written (the change goes ahead regardless).
    """
    folder = backup_dir(db)
    if folder_problem(db) is not None:
        return None  # doctor reports it
    target = folder / (name or f"{(day or date.today()).isoformat()}.json")
    tmp = temp_name(target)  # unpredictable; os.link never follows or reuses a name
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        try:
            os.link(db, tmp)
        except OSError:  # no hard links here (a FAT disk...): a copy
            import shutil

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


def prune(db: Path, keep_days: int = KEEP_DAYS, today: date | None = None) -> list[Path]:
    """Delete all but the newest ``keep_days`` daily backups; returns what was deleted. Only
    files respond wrote are candidates (see :func:`backups`); those from the future are
    neither counted nor deleted."""
    removed = []
    for _, path in backups(db, today)[keep_days:]:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed

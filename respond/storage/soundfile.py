"""What a good database file looks like, as ``respond doctor`` checks it: a file loaded as
storage loads it (its items not yet read), the items in it that respond can't read and what
is wrong with each, and the newest backup that loads whole (what ``--repair`` restores)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from respond.core.errors import DatabaseError
from respond.core.model import record_flaws
from respond.storage import backups
from respond.storage.dbfile import meta_of

#: The fields of a record that ``respond edit`` rewrites (``--title``, ``--person``, ``--via``,
#: ``--note``, ``--tag``/``--untag``, ``--by``): a flaw in any other one needs the file fixed.
EDITABLE = frozenset({"title", "person", "channel", "note", "tags", "due"})


def item_issues(item_id: int, doc: dict[str, Any]) -> list[str]:
    """What is wrong with the item stored under ``item_id`` (empty when nothing is): the
    flaws of :func:`respond.core.model.record_flaws`, in short."""
    return [flaw.short for flaw in record_flaws({**doc, "id": item_id})]


@dataclass
class Loaded:
    data: dict[str, Any]
    schema: int
    items: dict[int, dict[str, Any]]

    @property
    def next_id(self) -> int:

        return int(meta_of(self.data).get("next_id", 1))


def load_file(path: Path) -> Loaded:
    """Load a database file as storage does (items not yet read); DatabaseError if it can't."""
    from respond.storage.dbfile import ITEMS, SCHEMA_VERSION, check_schema, load_raw

    data = load_raw(path)
    if data is None:
        raise DatabaseError(f"{path} does not exist")
    schema = meta_of(data).get("schema", SCHEMA_VERSION)
    data = check_schema(path, data)
    return Loaded(data, schema, {int(key): doc for key, doc in data.get(ITEMS, {}).items()})


def unreadable(path: Path, loaded: Loaded) -> dict[int, str]:
    """Items that respond can't read, with what is wrong with each."""
    from respond.storage.database import item_from_doc

    bad = {}
    for item_id, doc in loaded.items.items():
        try:
            item_from_doc(path, item_id, doc)
        except DatabaseError:
            bad[item_id] = ", ".join(item_issues(item_id, doc)) or "damaged"
    return bad


def load(path: Path) -> Loaded:
    """Load a database file with every item readable; DatabaseError if not."""
    loaded = load_file(path)
    bad = unreadable(path, loaded)
    if bad:
        raise DatabaseError(f"database {path} has a damaged item #{min(bad)}")
    return loaded


@dataclass(frozen=True)
class Backup:
    day: date
    path: Path
    items: int
    next_id: int
    saved: str  # local time the copy's content was written, e.g. "2026-11-25 14:02"

    def describe(self) -> str:
        count = f"{self.items} item{'s' if self.items != 1 else ''}"
        return f"{count} from the backup of {self.day} (as saved at {self.saved})"


def good_backup(db: Path) -> Backup | None:
    """The newest backup that loads completely; one dated in the future (kept while the clock
    was wrong) only when no other loads (see :func:`respond.storage.backups.future`)."""
    for day, path in backups.backups(db) + backups.future(db):
        try:
            loaded = load(path)
            saved = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        except (DatabaseError, OSError):
            continue
        return Backup(day, path, len(loaded.items), loaded.next_id, saved)
    return None

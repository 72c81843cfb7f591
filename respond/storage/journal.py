"""The undo journal's entries: what a change saved to undo it, stored compactly (the IDs it
created as runs, not a record each) and expanded when undone; a damaged entry is recognised
(``doctor --repair`` drops it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from respond.core.model import Item
from respond.storage.dbfile import (
    JOURNAL,
)

if TYPE_CHECKING:  # TinyDB is imported by the writes alone: a read parses the file itself
    pass


JOURNAL_KEEP = 200


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

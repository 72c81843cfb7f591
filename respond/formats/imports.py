"""Importing items: respond's own JSON export, and taskwarrior's (see
:mod:`respond.formats.taskwarrior`).

Pure core over a :class:`respond.core.actions.Session`. Rules:

* **Match on uuid.** An item whose uuid is already in the database is skipped, so importing the
  same file twice adds nothing.
* **IDs are kept when they are free**, so importing an export into a new database gives back
  the same items with the same IDs (a round trip is exact). An ID this database has already
  used (even by a deleted item: IDs are never reused) is replaced by a fresh one, and links to
  it (``for_id``, a history's ``followup_id``) follow. A link to an item that is not in the
  file (one deleted before the export) is kept if that ID is unused here, and the ID is then
  reserved so no new item takes it; else it is dropped (it would point at a stranger).
* **IDs leave room.** An ID above :data:`respond.core.model.MAX_OUTSIDE_ID` (10^15) is
  replaced by a fresh one like a used one, and a link above it to an item not in the file is
  dropped: whatever a file holds, the next add still gets an ID every reader keeps, and the
  database's own export always imports.
* **All or nothing.** Every record is checked before anything is written; one bad record is
  a one-line error naming it, and the database is left as it was.
* ``respond undo`` removes what an import added (one journal entry).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from respond.core.clock import to_utc_iso
from respond.core.errors import RespondError
from respond.core.model import MAX_OUTSIDE_ID, Item, record_flaws
from respond.core.text import quoted, visible

SOURCES = ("respond", "taskwarrior")


class ImportFileError(RespondError):
    """A file that can't be imported (exit code 2)."""


def load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFileError(f"{name} is not valid JSON (nested too deeply)") from None
    except ValueError as err:
        raise ImportFileError(f"{name} is not valid JSON ({err})") from None


def items_from_export(data: Any, name: str) -> list[Item]:
    """The items of a respond JSON export (see :mod:`respond.formats.export`), each checked."""
    from respond.formats.export import FORMAT, VERSION

    if isinstance(data, list) and data and isinstance(data[0], dict) and "entry" in data[0]:
        raise ImportFileError(
            f"{name} looks like a taskwarrior export; use: respond import --from taskwarrior"
        )
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        header = f'"format": "{FORMAT}"'
        raise ImportFileError(f"{name} is not a respond export (no {header} header)")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError(f"{name} has a bad export version {version!r}")
    if version > VERSION:
        raise ImportFileError(
            f"{name} is export version {version}; this respond reads up to {VERSION}: upgrade"
        )
    records = data.get("items")
    if not isinstance(records, list):
        raise ImportFileError(f"{name} has no list of items")
    items = [check_record(record, n, name) for n, record in enumerate(records, start=1)]
    _no_duplicates(items, name)
    return items


def check_record(record: Any, n: int, name: str) -> Item:
    """One exported record as an :class:`Item`, or an error naming the record and its first
    flaw (:func:`respond.core.model.record_flaws`)."""
    flaws = record_flaws(record)
    if flaws:
        raise ImportFileError(f"{name}: item {n}: {flaws[0].sentence}")
    return Item.from_record(record)


def _no_duplicates(items: list[Item], name: str) -> None:
    seen_ids: set[int] = set()
    seen_uuids: set[str] = set()
    for item in items:
        if item.id in seen_ids:
            raise ImportFileError(f"{name}: ID {item.id} appears twice")
        if item.uuid in seen_uuids:
            raise ImportFileError(f"{name}: uuid {quoted(item.uuid)} appears twice")
        seen_ids.add(item.id)
        seen_uuids.add(item.uuid)


def _links(item: Item) -> list[int]:
    targets = [item.for_id] + [event.get("followup_id") for event in item.history]
    return [t for t in targets if isinstance(t, int) and not isinstance(t, bool)]


def import_items(
    session: Any,
    env: Any,
    items: list[Item],
    name: str,
    left_out: Callable[[set[str]], list[str]] | None = None,
) -> Any:
    """Add the items whose uuid is new; returns an :class:`respond.core.actions.Outcome`.
    ``left_out`` gives the lines that end the confirmation, given the uuids added: what the
    source had that the items could not keep (taskwarrior's priority...)."""
    from respond.core.actions import Outcome

    name = visible(name)  # a file's name is the user's text: shown, never obeyed
    if not items:
        return Outcome(f"Nothing to import in {name}", [])
    existing = session.items()
    local_by_uuid = {item.uuid: item.id for item in existing.values()}
    new = [item for item in items if item.uuid not in local_by_uuid]
    skipped = len(items) - len(new)
    if not new:
        return Outcome(f"Imported nothing from {name}: all {skipped} item(s) are already here", [])

    # Where each of the file's IDs lands here.
    id_map: dict[int, int] = {
        item.id: local_by_uuid[item.uuid] for item in items if item.uuid in local_by_uuid
    }
    floor = session.next_id()  # every ID below this one has been used here
    keep = [item for item in new if floor <= item.id <= MAX_OUTSIDE_ID]
    move = [item for item in new if not floor <= item.id <= MAX_OUTSIDE_ID]
    for item in keep:
        id_map[item.id] = item.id
    # Links to items outside the file that stay (see above) must not meet a fresh ID either.
    outside = {
        target
        for item in new
        for target in _links(item)
        if target not in id_map and floor <= target <= MAX_OUTSIDE_ID and target not in existing
    }
    fresh = max([floor, *(item.id + 1 for item in keep), *(target + 1 for target in outside)])
    for n, item in enumerate(sorted(move, key=lambda i: i.id)):
        id_map[item.id] = fresh + n

    dangling: list[int] = []

    def link(target: Any) -> Any:
        if not isinstance(target, int) or isinstance(target, bool):
            return target
        if target in id_map:
            return id_map[target]
        if target in existing or not floor <= target <= MAX_OUTSIDE_ID:
            return None
        dangling.append(target)
        return target

    added: list[Item] = []
    for item in sorted(new, key=lambda i: id_map[i.id]):
        item.id = id_map[item.id]
        if item.for_id is not None:
            item.for_id = link(item.for_id)
        for event in item.history:
            if "followup_id" in event:
                event["followup_id"] = link(event["followup_id"])
        added.append(item)
    put_many = getattr(session, "put_many", None)
    if put_many is not None:
        put_many(added)
    else:
        for item in added:
            session.put(item)
    reserve = getattr(session, "reserve_ids", None)
    if dangling and reserve is not None:
        reserve(max(dangling))
    session.push_journal(
        {
            "at": to_utc_iso(env.now()),
            "command": "import",
            "changes": [{"id": item.id, "before": None} for item in added],
        }
    )
    message = f"Imported {len(added)} item(s) from {name}"
    details = []
    if skipped:
        details.append(f"{skipped} already here")
    if move:
        details.append(f"{len(move)} renumbered")
    if details:
        message += f" ({', '.join(details)})"
    if left_out is not None:
        message = "\n".join([message, *left_out({item.uuid for item in added})])
    return Outcome(message, added)


def read_input(file: str) -> tuple[str, str]:
    """The text of the file to import (``-``: stdin) and its name for messages; one line (exit
    2) for a file that is missing, a folder, unreadable or not UTF-8."""
    import sys
    from pathlib import Path

    name = "stdin" if file == "-" else file
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).expanduser().read_bytes()
        return raw.decode("utf-8"), name
    except FileNotFoundError:
        raise RespondError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise RespondError(f"{file} is a directory, not a file") from None
    except OSError as err:
        raise RespondError(f"can't read {file}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise RespondError(f"{name} is not UTF-8 text") from None

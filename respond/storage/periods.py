"""What moves to the archive, and where: the rules of the active/archive split (no file I/O).

The database at ``<db>`` (the *active* file) holds every open item and every item that changed
within :data:`WINDOW`; closed items that have not changed for longer move to *archive files*
in ``<db>.archive/``, one per quarter of their closing time in UTC (``2026-Q3.json``), so that a
change rewrites one small file. :mod:`respond.storage.database` does the reading and writing
and documents the API and the crash safety; this module decides:

* which records may move (:func:`movable`): closed, every time they hold (created, due, each
  event's time) before the cutoff, not serving an open item (``for_id``), and not the target of
  an item that stays (so a review of the active file finds what its items point at);
* the file each goes to (:func:`period_of`);
* the summary of an archive file that the active file's meta keeps (``summaries.summary``): its
  item count, ID range and latest time, so that ``add`` finds IDs without opening it (the
  names ``add`` matches are counted file by file in ``<db>.archive/people.cache``, see
  ``summaries.COUNTS``: the meta does not grow with people);
* per person what ``who`` and ``people`` show of each file (:func:`who_summary`), in a form
  that adds up exactly over the files, with each person's most recent history lines over all
  files (:func:`trim`): kept apart in the *sidecar* ``<db>.archive/summaries.cache``
  (:data:`SIDECAR`), which only those two commands read. It grows with people (5 MB at 2,000),
  so no other command parses it, and no other write rewrites it. Each of its entries holds the
  fingerprint of the file it describes, and the active file's meta the sidecar's own
  (:func:`sidecar_trusted`): one written behind its back is never trusted;
* a file's fingerprint (:func:`fingerprint`), which tells a file the active file knows from one
  written behind its back (a crash between the two writes, a restore, a sync tool).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from respond.core.model import OPEN_STATUSES

#: Closed items that have not changed for this long move to the archive. It covers what the
#: everyday commands read from the active file alone: the review's window
#: (``respond.core.review.REVIEW_WINDOW``, four weeks, which holds this week's and last week's
#: scores too) and ``people``'s default 30 days, plus five days to spare. (A literal, so that
#: ``add`` does not import the review; ``tests/cli/test_archive.py`` checks that it covers them.)
#: A read from further back than the last pass's cutoff reads the archive as well.
WINDOW = timedelta(days=35)

FOLDER_SUFFIX = ".archive"
NAME = re.compile(r"^(\d{4})-Q([1-4])\.json$")
CLOSING_EVENTS = frozenset({"done", "dropped"})


def archive_dir(db: Path) -> Path:
    return db.with_name(db.name + FOLDER_SUFFIX)


def file_of(db: Path, period: str) -> Path:
    return archive_dir(db) / f"{period}.json"


def periods_on_disk(db: Path) -> list[str]:
    """The periods whose archive file exists, oldest first."""
    try:
        names = os.listdir(archive_dir(db))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(name[: -len(".json")] for name in names if NAME.match(name))


def closing_time(record: Mapping[str, Any]) -> str:
    """When a stored record was closed (UTC ISO text): its last ``done`` or ``dropped`` event,
    else its last change."""
    history = record.get("history")
    events = [e for e in history if isinstance(e, dict)] if isinstance(history, list) else []
    for event in reversed(events):
        if event.get("event") in CLOSING_EVENTS and isinstance(event.get("at"), str):
            return str(event["at"])
    stamped = [e["at"] for e in events if isinstance(e.get("at"), str)]
    for value in (stamped[-1] if stamped else None, record.get("updated"), record.get("created")):
        if isinstance(value, str):
            return value
    return ""


def period_of(record: Mapping[str, Any]) -> str:
    """The archive file a record goes to: the UTC quarter it was closed in, ``2026-Q3``."""
    moment = closing_time(record)
    try:
        year, month = int(moment[0:4]), int(moment[5:7])
    except ValueError:
        year, month = 1970, 1
    if not 1 <= month <= 12:
        month = 1
    return f"{year:04d}-Q{(month - 1) // 3 + 1}"


def times(record: Mapping[str, Any]) -> Iterable[Any]:
    yield record.get("created")
    yield record.get("due")
    yield record.get("updated")
    history = record.get("history")
    if isinstance(history, list):
        for event in history:
            if isinstance(event, dict):
                yield event.get("at")
                yield event.get("due")
                yield event.get("to")
                yield event.get("from")
            else:
                yield event


def settled_before(record: Any, cutoff: str) -> bool:
    """Whether a stored record is closed and every time in it is before ``cutoff`` (stored
    times are UTC ISO text, so text order is time order). Anything odd keeps it active."""
    if not isinstance(record, dict):
        return False
    status = record.get("status", "open")
    if not isinstance(status, str) or status in OPEN_STATUSES:
        return False
    if not isinstance(record.get("uuid"), str) or not isinstance(record.get("created"), str):
        return False
    for value in times(record):
        if value is None:
            continue
        if not isinstance(value, str) or value >= cutoff:
            return False
    return True


def movable(table: Mapping[str, Any], cutoff: str) -> dict[str, list[str]]:
    """The keys of the active records that move to the archive, by period."""
    out = {key for key, record in table.items() if settled_before(record, cutoff)}
    opened = {key for key, record in table.items() if key not in out and _is_open(record)}
    # An answered waiting-on whose ask is still open is "relay back" in the review: stays.
    out -= {key for key in out if str(table[key].get("for_id")) in opened}
    # Whatever an item that stays points at (for_id) stays with it, and so on down the chain.
    staying = [key for key in table if key not in out]
    while staying:
        targets = {str(table[key].get("for_id")) for key in staying if isinstance(table[key], dict)}
        back = targets & out
        out -= back
        staying = list(back)
    moves: dict[str, list[str]] = {}
    for key in sorted(out, key=int):
        moves.setdefault(period_of(table[key]), []).append(key)
    return moves


def _is_open(record: Any) -> bool:
    status = record.get("status", "open") if isinstance(record, dict) else None
    return not isinstance(status, str) or status in OPEN_STATUSES


def count_people(records: Iterable[Any], counts: dict[str, int] | None = None) -> dict[str, int]:
    """How many of the stored ``records`` each spelling of a name has (added to ``counts``),
    read without building the items."""
    counts = {} if counts is None else counts
    for record in records:
        person = record.get("person") if isinstance(record, dict) else None
        if isinstance(person, str):
            counts[person] = counts.get(person, 0) + 1
    return counts


def fingerprint(st: os.stat_result) -> list[int]:
    """Size, modification time and inode: a file replaced by anyone else has another one
    (each write is a new inode, renamed into place, while the previous one is kept as
    ``.bak``, so an inode is never reused for the next version)."""
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def recorded_top(files: Any) -> int:
    """The highest ID the archive files hold, as the active file's meta records them (each
    file's entry: ``ids``, its lowest and highest); 0 when it records none."""
    entries = files.values() if isinstance(files, dict) else ()
    tops = [
        entry["ids"][1]
        for entry in entries
        if isinstance(entry, dict)
        and isinstance(entry.get("ids"), list)
        and len(entry["ids"]) == 2
        and type(entry["ids"][1]) is int
    ]
    return max(tops, default=0)


def may_hold(entry: Mapping[str, Any], item_id: int) -> bool:
    """Whether the archive file an entry of the meta describes may hold ``item_id``."""
    ids = entry.get("ids")
    if not isinstance(ids, list) or len(ids) != 2:
        return entry.get("items") != 0
    return bool(ids[0] <= item_id <= ids[1])

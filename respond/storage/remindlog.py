"""What ``respond remind`` sent, per machine: the sidecar ``<db>.reminded`` beside the database.

Not synced: each machine that runs ``respond remind`` notifies its own channels, and records its
own sends. A JSON object (mode 0600, replaced whole by
:func:`respond.storage.database.atomic_write`), one record a line::

    {"respond-reminded": 1,
     "sent": {"<uuid> <due, UTC ISO>": {"at": "<sent, UTC ISO>", "pending": ["<channel>"],
                                         "delivered": [...], "unknown": [...], "resent": [...]},
              "digest 2026-11-25": {"at": "...", "pending": []}}}

(see :class:`respond.core.remind.Record`; the last three lists are left out when empty, and a
log written before them reads as it did). **Kept by due time**: when the file is written, a
reminder's record stays as long as its key is live (its item open with that due time: see
:func:`respond.core.remind.key`), whatever the clock says; a digest's for :data:`KEEP` after
its day. **Capped**: a file over :data:`MAX_BYTES` is more than any log of live reminders
holds; it is refused as damaged before it is parsed (a 75 MB one took 39 s and 1.2 GB).

**The lock.** :func:`held` holds ``flock`` on ``<db>.reminded.lock`` across the whole run: read
the log, send, record. So two ``remind`` runs at once send each reminder once: the second waits
for the first and then reads what it recorded. It is not the database's lock on purpose: a send
may wait on the network for seconds, and ``add`` or ``done`` must never wait for a notification
(the database is only read, without a lock, as every view reads it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from respond.core.clock import from_iso
from respond.core.errors import DatabaseError
from respond.core.remind import Record, digest_key
from respond.storage.files import atomic_write
from respond.storage.lock import sidecar_lock
from respond.storage.reading import NotRegularFile, read_regular

SUFFIX = ".reminded"
MAGIC = "respond-reminded"
VERSION = 1
#: A digest's record is kept this long after its day, then dropped.
KEEP = timedelta(days=60)
#: The largest log read: about 100,000 live reminders.
MAX_BYTES = 16 << 20
#: How long a run waits for another one that is sending (network timeouts included).
LOCK_WAIT = 120.0


def log_path(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


@dataclass
class Log:
    """The sends recorded for one database, read under the lock (see :func:`held`)."""

    path: Path
    sent: dict[str, Record] = field(default_factory=dict)
    changed: bool = False

    def record(self, name: str, record: Record) -> None:
        self.sent[name] = record
        self.changed = True

    def save(self, now: datetime, live: set[str]) -> None:
        """Write the log if anything was recorded: the records of ``live`` keys (each open
        item's reminder key, :func:`respond.core.remind.key`) and the digests of the last
        :data:`KEEP`."""
        if not self.changed:
            return
        oldest = digest_key(now - KEEP)
        kept = {
            name: r
            for name, r in self.sent.items()
            if name in live or (name.startswith("digest ") and name >= oldest)
        }
        lines = [f'{{"{MAGIC}": {VERSION}, "sent": {{']
        for i, (name, r) in enumerate(sorted(kept.items())):
            entry: dict[str, Any] = {"at": r.at, "pending": sorted(r.pending)}
            for extra in ("delivered", "unknown", "resent"):
                if getattr(r, extra):
                    entry[extra] = sorted(getattr(r, extra))
            comma = "," if i < len(kept) - 1 else ""
            lines.append(f"{json.dumps(name)}: {json.dumps(entry)}{comma}")
        lines.append("}}\n")
        try:
            atomic_write(self.path, "\n".join(lines).encode("utf-8"))
        except OSError as err:
            raise DatabaseError(f"can't write reminder log {self.path}: {err.strerror}") from None
        self.changed = False


@contextmanager
def held(db: Path, wait: float = LOCK_WAIT) -> Iterator[Log]:
    """The log of ``db``'s reminders, with its lock held until the block ends."""
    path = log_path(db)
    with sidecar_lock(path, "reminder log ", wait):
        yield Log(path, _load(path))


def _load(path: Path) -> dict[str, Record]:
    damaged = DatabaseError(
        f"reminder log {path} is damaged",
        "remove it to start afresh (reminders already sent will be sent again)",
    )
    try:
        raw = read_regular(path, MAX_BYTES + 1)  # a FIFO or a device: refused before any read
    except FileNotFoundError:
        return {}
    except NotRegularFile:
        raise DatabaseError(f"reminder log {path} is not a regular file") from None
    except OSError as err:
        raise DatabaseError(f"can't read reminder log {path}: {err.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise DatabaseError(
            f"reminder log {path} is damaged: over {MAX_BYTES >> 20} MB, more than a log of "
            "reminders holds",
            damaged.advice,
        )
    try:
        data: Any = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise damaged from None
    if not isinstance(data, dict) or data.get(MAGIC) != VERSION:
        raise damaged
    sent: dict[str, Record] = {}
    try:
        for name, entry in data["sent"].items():
            from_iso(entry["at"])
            sets = [entry.get(f, []) for f in ("pending", "delivered", "unknown", "resent")]
            if not isinstance(name, str) or not all(
                isinstance(s, list) and all(isinstance(c, str) for c in s) for s in sets
            ):
                raise TypeError(name)
            sent[name] = Record(entry["at"], *(frozenset(s) for s in sets))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise damaged from None
    return sent

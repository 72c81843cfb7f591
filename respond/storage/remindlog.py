"""What ``respond remind`` sent, per machine: the sidecar ``<db>.reminded`` beside the database.

Not synced: each machine that runs ``respond remind`` notifies its own channels, and records its
own sends. A JSON object (mode 0600, replaced whole by
:func:`respond.storage.database.atomic_write`)::

    {"respond-reminded": 1,
     "sent": {"<uuid> <due, UTC ISO>": {"at": "<sent, UTC ISO>", "pending": ["<channel>"]},
              "digest 2026-11-25": {"at": "...", "pending": []}}}

``pending`` lists the channels that failed to take it (retried by the next run). Records older
than :data:`KEEP` are dropped when the file is written.

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

from respond.core.clock import from_iso, to_utc_iso
from respond.core.errors import DatabaseError
from respond.core.remind import Record
from respond.storage.database import atomic_write, exclusive_lock
from respond.storage.reading import NotRegularFile, read_regular

SUFFIX = ".reminded"
MAGIC = "respond-reminded"
VERSION = 1
#: Records are kept this long after their send, then dropped.
KEEP = timedelta(days=60)
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

    def record(self, name: str, at: datetime, pending: set[str]) -> None:
        self.sent[name] = Record(to_utc_iso(at), frozenset(pending))
        self.changed = True

    def save(self, now: datetime) -> None:
        """Write the log if anything was recorded, without records older than :data:`KEEP`."""
        if not self.changed:
            return
        cutoff = now - KEEP
        kept = {name: r for name, r in self.sent.items() if from_iso(r.at) >= cutoff}
        data = {
            MAGIC: VERSION,
            "sent": {
                name: {"at": r.at, "pending": sorted(r.pending)} for name, r in sorted(kept.items())
            },
        }
        try:
            atomic_write(self.path, json.dumps(data, indent=1).encode("utf-8") + b"\n")
        except OSError as err:
            raise DatabaseError(f"can't write reminder log {self.path}: {err.strerror}") from None
        self.changed = False


@contextmanager
def held(db: Path, wait: float = LOCK_WAIT) -> Iterator[Log]:
    """The log of ``db``'s reminders, with its lock held until the block ends."""
    path = log_path(db)
    if not path.parent.is_dir():
        raise DatabaseError(f"can't keep reminder log {path}: {path.parent} does not exist")
    with exclusive_lock(path, timeout=wait):
        yield Log(path, _load(path))


def _load(path: Path) -> dict[str, Record]:
    damaged = DatabaseError(
        f"reminder log {path} is damaged",
        "remove it to start afresh (reminders already sent will be sent again)",
    )
    try:
        raw = read_regular(path)  # a FIFO or a device is refused before any read
    except FileNotFoundError:
        return {}
    except NotRegularFile:
        raise DatabaseError(f"reminder log {path} is not a regular file") from None
    except OSError as err:
        raise DatabaseError(f"can't read reminder log {path}: {err.strerror}") from None
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
            pending = entry.get("pending", [])
            if not isinstance(name, str) or not all(isinstance(c, str) for c in pending):
                raise TypeError(name)
            sent[name] = Record(entry["at"], frozenset(pending))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise damaged from None
    return sent

"""``<db>.sync-status``: this machine's record of its syncs (mode 0600, never committed): when
the last one worked, and the last failure until a sync works again (``today`` shows it).
Cheap to import: ``today`` reads it on every run."""

from __future__ import annotations

import json
import os
from datetime import datetime

from respond.core.clock import to_utc_iso
from respond.storage.files import atomic_write, unsafe_to_write
from respond.storage.paths import sync_initialised, sync_repo
from respond.storage.reading import read_regular

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:  # (every change imports this module: neither typing nor pathlib)
    from pathlib import Path
    from typing import Any


def repo_dir(db: Path) -> Path:
    """The sync repository beside the database: ``<db>.sync/``."""
    return db.with_name(os.path.basename(sync_repo(db)))


def is_initialised(db: Path) -> bool:
    """Whether ``respond sync init`` set this database up (cheap: every change asks)."""
    return sync_initialised(db)


def status_path(db: Path) -> Path:
    return db.with_name(db.name + ".sync-status")


def read_status(db: Path) -> dict[str, Any]:
    """The last sync that worked (``last_sync``) and the last failure (``failure``: ``at``
    and ``message``, or ``None``); ``{}`` before the first sync."""
    try:
        data = json.loads(read_regular(status_path(db), limit=1 << 20))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_status(db: Path, now: datetime, failure: str | None) -> None:
    """Record a sync: one that worked clears the failure; a failure keeps the last success.
    Nothing where respond may not write (another user's folder: the sync was refused)."""
    if unsafe_to_write(status_path(db)) is not None:
        return
    status = read_status(db)
    stamp = to_utc_iso(now)
    if failure is None:
        status.update(last_sync=stamp, failure=None)
    else:
        status["failure"] = {"at": stamp, "message": failure}
    try:  # noqa: SIM105 (contextlib.suppress: contextlib is not imported here)
        atomic_write(status_path(db), json.dumps(status, sort_keys=True).encode() + b"\n")
    except OSError:
        pass

"""The two steps every durable write of respond's files is made of: a complete, ``fsync``ed
temp file beside the target (mode 0600), and an ``fsync`` of the folder once it has been
renamed into place (:func:`respond.storage.database.atomic_write` and the archive's staged
writes combine them; backups fsync their folder)."""

from __future__ import annotations

import os
from pathlib import Path


def write_temp(path: Path, payload: bytes) -> Path:
    """``payload`` in a temp file beside ``path`` (mode 0600), flushed to the disk; the caller
    renames it over ``path``, or removes it. Nothing is left behind if writing fails."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def fsync_dir(folder: Path) -> None:
    """Make the renames in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

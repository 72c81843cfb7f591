"""Mail folders on disk, and what ``respond mail`` has read of them: the sidecar ``<db>.mailseen``.

**Folders.** A folder is a maildir (it has ``cur`` and ``new``) or an mbox file (messages
each starting at a ``From `` line); ``~`` is expanded. A maildir message is named by its file
name without the flags (``1700000000.M1P2.host:2,FS`` is ``1700000000.M1P2.host``, flags
``FS``), a name that stays when a client sets or clears a flag, so listing the folder tells
which messages are new without opening one. An mbox only grows at its end: the sidecar keeps
how far it was read, with the file's size and mtime; a file that shrank or was rewritten is
read again from the start (what was done is not done twice: an item closed or filed is not
touched again).

**The sidecar.** Per machine, beside the database, not synced (each machine reads its own
folders). A JSON object, mode 0600, replaced whole
(:func:`respond.storage.database.atomic_write`), under ``flock`` on ``<db>.mailseen.lock``
for the whole scan, so two scans at once read each message once::

    {"respond-mailseen": 1,
     "maildir": {"<folder>": ["<name>", ...]},
     "filed": {"<folder>": ["<name of a flagged message filed>", ...]},
     "mbox": {"<file>": {"size": 123, "mtime": 1.5, "offset": 100}}}
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from respond.core.errors import DatabaseError
from respond.storage.files import atomic_write
from respond.storage.lock import sidecar_lock
from respond.storage.reading import NotRegularFile, read_regular

SUFFIX = ".mailseen"
MAGIC = "respond-mailseen"
VERSION = 1
#: How long a scan waits for another scan of the same database.
LOCK_WAIT = 60.0
#: The most of a message's start read for its headers.
HEAD_LIMIT = 256 * 1024


def seen_path(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


@dataclass
class Seen:
    """What earlier scans read (see the module), loaded under the lock (:func:`held`)."""

    path: Path
    maildir: dict[str, set[str]] = field(default_factory=dict)
    filed: dict[str, set[str]] = field(default_factory=dict)
    mbox: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: bool = False

    def save(self) -> None:
        if not self.changed:
            return
        data = {
            MAGIC: VERSION,
            "maildir": {k: sorted(v) for k, v in sorted(self.maildir.items())},
            "filed": {k: sorted(v) for k, v in sorted(self.filed.items()) if v},
            "mbox": dict(sorted(self.mbox.items())),
        }
        try:
            atomic_write(self.path, json.dumps(data, separators=(",", ":")).encode() + b"\n")
        except OSError as err:
            raise DatabaseError(f"can't write {self.path}: {err.strerror}") from None
        self.changed = False


@contextmanager
def held(db: Path, wait: float = LOCK_WAIT) -> Iterator[Seen]:
    path = seen_path(db)
    with sidecar_lock(path, timeout=wait):
        yield _load(path)


def _load(path: Path) -> Seen:
    damaged = DatabaseError(
        f"{path} is damaged", "remove it: the next respond mail reads every folder again"
    )
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return Seen(path)
    except NotRegularFile:
        raise DatabaseError(f"{path} is not a regular file") from None
    except OSError as err:
        raise DatabaseError(f"can't read {path}: {err.strerror}") from None
    try:
        data: Any = json.loads(raw)
        if not isinstance(data, dict) or data.get(MAGIC) != VERSION:
            raise ValueError
        seen = Seen(path)
        for name in ("maildir", "filed"):
            table = data.get(name, {})
            for folder, names in table.items():
                if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                    raise ValueError
                getattr(seen, name)[folder] = set(names)
        for file, mark in data.get("mbox", {}).items():
            if not all(isinstance(mark.get(k), (int, float)) for k in ("size", "mtime", "offset")):
                raise ValueError
            seen.mbox[file] = dict(mark)
    except (UnicodeDecodeError, ValueError, RecursionError, AttributeError, TypeError):
        raise damaged from None
    return seen


# --- folders ---------------------------------------------------------------------------------


def folder_path(text: str) -> Path:
    return Path(os.path.expanduser(text))


def is_maildir(folder: Path) -> bool:
    return (folder / "cur").is_dir() and (folder / "new").is_dir()


def maildir_listing(folder: Path) -> list[tuple[str, str]]:
    """Every message of a maildir as ``(subfolder, file name)``, from one listing each of
    ``new`` and ``cur`` (no file is opened, no path object made: 50,000 names cost a listing)."""
    found: list[tuple[str, str]] = []
    for sub in ("new", "cur"):
        try:
            names = os.listdir(folder / sub)
        except OSError as err:
            raise DatabaseError(f"can't read mail folder {folder}: {err.strerror}") from None
        found.extend((sub, name) for name in names if not name.startswith("."))
    return found


def read_head(path: Path) -> bytes | None:
    """A message's start, through the end of its headers (``None``: it went away)."""
    try:
        with open(path, "rb") as handle:
            chunks: list[bytes] = []
            size = 0
            while size < HEAD_LIMIT:
                chunk = handle.read(16 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                joined = b"".join(chunks)
                if b"\n\n" in joined or b"\r\n\r\n" in joined:
                    return joined
            return b"".join(chunks)
    except FileNotFoundError:  # moved by the client while we listed (a flag change)
        return None
    except OSError as err:
        raise DatabaseError(f"can't read {path}: {err.strerror}") from None


def mbox_mark(path: Path) -> dict[str, Any]:
    try:
        st = path.stat()
    except OSError as err:
        raise DatabaseError(f"can't read mail folder {path}: {err.strerror}") from None
    return {"size": st.st_size, "mtime": st.st_mtime, "offset": 0}


def mbox_messages(path: Path, offset: int) -> Iterator[bytes]:
    """The messages of an mbox from ``offset`` (a message's start), each without its ``From ``
    line, quoted ``>From`` lines as they are (only the headers are read)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except OSError as err:
        raise DatabaseError(f"can't read mail folder {path}: {err.strerror}") from None
    start = 0 if data.startswith(b"From ") else data.find(b"\nFrom ")
    while start != -1 and start < len(data):
        if data[start : start + 1] == b"\n":
            start += 1
        end = data.find(b"\nFrom ", start)
        chunk = data[start : end + 1 if end != -1 else len(data)]
        yield chunk.split(b"\n", 1)[1] if b"\n" in chunk else b""
        start = end

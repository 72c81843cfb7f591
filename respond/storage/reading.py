"""Reading one of respond's files without ever hanging on something that is not a file.

A FIFO, a device (``/dev/zero``, a terminal) or a link to one put where respond keeps a file
would block ``open`` (a FIFO with no writer) or never reach the end (``/dev/zero``). Every file
respond reads (the database, archive files, backups, the config file, the prompt's state file,
the score cache) is opened here: with ``O_NONBLOCK`` (so that opening a FIFO returns at once;
regular files ignore the flag), then ``fstat``-ed, and refused unless it is a regular file,
before a single byte is read.

Cheap to import (``os`` only): the prompt's fast path uses it.
"""

from __future__ import annotations

import os

_S_IFMT, _S_IFREG = 0o170000, 0o100000
_KINDS = {0o010000: "a FIFO", 0o020000: "a device", 0o060000: "a device", 0o140000: "a socket",
          0o040000: "a directory", 0o120000: "a link"}  # fmt: skip


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a directory, not a regular file."""

    def __init__(self, path: str, mode: int) -> None:
        self.kind = _KINDS.get(mode & _S_IFMT, "special")  # "a FIFO", "a directory"...
        super().__init__(0, f"not a regular file (it is {self.kind})")
        self.filename = path


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The whole file at ``path`` (at most ``limit`` bytes when given).

    ``FileNotFoundError`` when there is none, :class:`NotRegularFile` (an ``OSError`` whose
    ``strerror`` says what the path is) when it is not a regular file, any other ``OSError``
    as ``open`` and ``read`` raise it.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if mode & _S_IFMT != _S_IFREG:
            raise NotRegularFile(os.fspath(path), mode)
        chunks = []
        left = -1 if limit is None else limit
        while left:
            chunk = os.read(fd, 1 << 20 if left < 0 else min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left = left - len(chunk) if left > 0 else left
        return b"".join(chunks)
    finally:
        os.close(fd)

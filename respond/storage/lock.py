"""The database's lock, ``<db>.lock`` (and, through the same function, the reminder log's, the
sync's and the mail sidecar's): an exclusive ``flock`` that spans a whole read-modify-write,
waited for in turn, refused through a symlink or where respond may not write, and given up
only when one process has held it for a whole timeout (naming that process).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable

from respond.core.errors import DatabaseError
from respond.storage.files import (
    unsafe_to_write,
)
from respond.storage.reading import NotRegularFile

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from pathlib import Path


LOCK_TIMEOUT = 10.0


LOCK_SUFFIX = ".lock"


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + LOCK_SUFFIX)


class _Held:
    """A lock as a context manager: ``take`` (called on entering the block) returns the
    descriptor whose closing, on leaving it, releases the lock. A class, not
    ``contextlib.contextmanager``: importing contextlib costs every write ~5M instructions."""

    __slots__ = ("_args", "_fd", "_take")

    def __init__(self, take: Callable[..., int], *args: object) -> None:
        self._take = take
        self._args = args
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._fd = self._take(*self._args)

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def exclusive_lock(db: Path | str, timeout: float = LOCK_TIMEOUT) -> _Held:
    """Hold ``flock(LOCK_EX)`` on ``<db>.lock``; released by the kernel if the process dies.

    The wait is a blocking ``flock`` (the kernel hands the lock on the moment it is released,
    where polling let whoever polled at the right instant jump the queue), interrupted every
    ``timeout`` seconds to look at who holds it: each holder writes its PID and a stamp into
    the lock file. While the lock changes hands (a queue of writers, each brief) the wait goes
    on; only when one process held it for a whole ``timeout`` is the command refused.

    Every lock (the database's, the reminder log's, the sync's) is refused where respond may
    not write (:func:`respond.storage.files.unsafe_to_write`), before the lock file is
    created; a lock file that is a symlink is never followed, nor one that is not a regular
    file used (a link to a block device would get the PID written into it).
    """
    return _Held(_lock, db, timeout)


def _lock(db: Path | str, timeout: float) -> int:
    """Take :func:`exclusive_lock`'s lock: its descriptor, open while it is held."""
    refusal = unsafe_to_write(db)
    if refusal is not None:
        raise DatabaseError(refusal, "nothing was changed")
    path = os.fspath(db) + LOCK_SUFFIX  # (lock_path, for a database named as text too)
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise DatabaseError(f"lock file {path} is a symlink; remove it") from None
        raise DatabaseError(f"can't lock database {db}: {err.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise DatabaseError(f"lock file {path} is {NotRegularFile(str(path), mode).strerror}")
    try:
        holder = _holder(fd)
        while not _flock(fd, timeout):
            now = _holder(fd)
            if now == holder:
                raise _busy(db, now, timeout)
            holder = now  # others got their turn meanwhile: keep waiting for ours
        try:  # noqa: SIM105 (contextlib.suppress: contextlib is not imported here)
            os.pwrite(fd, b"%10d %20d\n" % (os.getpid(), time.time_ns()), 0)
        except OSError:
            pass
    except BaseException:
        os.close(fd)
        raise
    return fd


def sidecar_lock(path: Path, name: str = "", timeout: float = LOCK_TIMEOUT) -> _Held:
    """The lock of a per-machine file kept beside the database (the reminder log, what ``mail``
    read: ``name`` says which in the message), held until the block ends. Its folder must be
    there already: respond makes no folder for a sidecar."""
    return _Held(_sidecar, path, name, timeout)


def _sidecar(path: Path, name: str, timeout: float) -> int:
    if not path.parent.is_dir():
        raise DatabaseError(f"can't keep {name}{path}: {path.parent} does not exist")
    return _lock(path, timeout)


def _busy(db: Path | str, holder: bytes, timeout: float) -> DatabaseError:
    first = holder.split()[0] if holder.split() else b""
    pid = int(first) if first.isdigit() and len(first) < 11 else None
    who = "another respond process" if pid is None else f"another respond process (PID {pid})"
    stuck = f"end it (kill {pid})" if pid is not None else "end it"
    return DatabaseError(
        f"database {db} is busy: {who} has held it for {timeout:.0f} s",
        f"nothing was changed; try again. If it stays busy, that process is stuck: {stuck}",
    )


def _holder(fd: int) -> bytes:
    """Who holds the lock (or last held it): ``PID STAMP`` as its holder wrote it."""
    try:
        return os.pread(fd, 64, 0)
    except OSError:
        return b""


class _Timeout(Exception):
    pass


def _flock(fd: int, timeout: float) -> bool:
    """``flock(LOCK_EX)``, waiting at most ``timeout`` seconds; whether it was taken."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        # signals reach the main thread only: poll (a library caller's worker thread)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.005)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                continue
        return False
    waiting = [True]

    def ring(signum: int, frame: object) -> None:
        if waiting[0]:
            raise _Timeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a blocking wait, queued by the kernel
        return True
    except _Timeout:
        return False
    finally:
        waiting[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)

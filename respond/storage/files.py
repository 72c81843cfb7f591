"""How respond writes files that others may share a folder with.

The two steps every durable write is made of: a complete, ``fsync``ed temp file beside the
target, and an ``fsync`` of the folder once it has been renamed into place
(:func:`respond.storage.database.atomic_write` and the archive's staged writes combine them;
backups fsync their folder). Every temp file has an unpredictable name,
``.<name>.<pid>.<8 random characters>.tmp`` (the pid lets ``doctor`` find those of killed
commands), and is created as :func:`tempfile.mkstemp` creates one (:func:`open_temp`): ``O_CREAT |
O_EXCL | O_NOFOLLOW``, mode 0600. ``O_EXCL`` alone already means a planted file or symlink of
that name (even a dangling one) makes the open fail rather than be followed or reused; then
another name is tried.

Also here: the folders respond creates (0700 whatever the umask), the rule that refuses to
write into a folder or file someone else controls (:func:`write_refusal`), and writing an
export to a path the user names, device or FIFO included (:func:`write_output`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable

from respond.storage.reading import NotRegularFile

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:  # pathlib is imported where a Path is made (its callers hand it theirs)
    from pathlib import Path

TEMP_SUFFIX = ".tmp"
TEMP_RANDOM = 8  # characters of randomness in a temp name (mkstemp's own length)


class NotDurable(OSError):
    """A file was renamed into place (the change took effect, every reader sees it) but its
    folder's ``fsync`` failed: a power cut could still lose it."""


def not_durable(why: str | None) -> str:
    """What a command says after a change that took effect but whose folder's ``fsync``
    failed (:class:`NotDurable`; ``why``: its ``strerror``)."""
    return (
        f"the change was saved, but the disk did not confirm it is durable ({why}): a power "
        "cut now could lose it"
    )


def temp_prefix(name: str) -> str:
    """The start of every temp file for ``name``: ``.<name>.<pid>.`` (then random, ``.tmp``)."""
    return f".{name}.{os.getpid()}."


def temp_name(path: Path) -> Path:
    """A fresh, unpredictable temp name beside ``path``, for a hard link (``os.link`` never
    follows or reuses an existing name: it fails)."""
    return path.with_name(temp_prefix(path.name) + os.urandom(TEMP_RANDOM // 2).hex() + TEMP_SUFFIX)


def open_temp(path: Path | str) -> tuple[int, str]:
    """Create a new temp file beside ``path`` (mode 0600, never an existing file or link):
    its descriptor and absolute name. As :func:`tempfile.mkstemp` does it (``O_CREAT |
    O_EXCL | O_NOFOLLOW``, another random name when one exists), without importing
    ``tempfile``, which imports ``shutil`` and ``random`` (10M instructions, 3% of an ``add``)."""
    folder, name = os.path.split(os.path.abspath(path))
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):  # (mkstemp's TMP_MAX is 10,000: 32 random bits make 100 plenty)
        tmp = os.path.join(folder, temp_prefix(name) + os.urandom(TEMP_RANDOM // 2).hex())
        try:
            return os.open(tmp + TEMP_SUFFIX, flags, 0o600), tmp + TEMP_SUFFIX
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no usable temp file name found", folder)


def write_temp(path: Path, payload: bytes) -> Path:
    """``payload`` in a new temp file beside ``path`` (mode 0600), flushed to the disk; the
    caller renames it over ``path``, or removes it. Nothing is left behind if writing fails."""
    from pathlib import Path  # (already imported by the caller: it hands us a Path)

    fd, name = open_temp(path)
    tmp = Path(name)
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


def replace_durably(tmp: Path, path: Path) -> None:
    """Rename ``tmp`` over ``path`` and fsync the folder. Once the rename is done the change
    has taken effect: a failed folder fsync is :class:`NotDurable`, not a failed write."""
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        fsync_dir(path.parent)
    except OSError as err:
        raise NotDurable(err.errno, err.strerror) from None


# --- folders respond creates, and folders it refuses to write into -------------------------


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each 0700 whatever the umask (``mkdir -p``
    would give the parents the umask's mode: 0777 under umask 000)."""
    missing = []
    for path in [folder, *folder.parents]:
        if os.path.lexists(path):
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue  # created meanwhile (another respond): not ours to change
        os.chmod(path, 0o700)


def _private_group(gid: int, uid: int) -> bool:
    """Whether ``gid`` is ``uid``'s own group (same name, no other member), as distributions
    with user private groups and umask 002 give every user: its write bit lets no one else in."""
    try:
        import grp
        import pwd

        group = grp.getgrgid(gid)
        return group.gr_name == pwd.getpwuid(uid).pw_name and not group.gr_mem
    except (ImportError, KeyError, OSError):
        return False


def write_refusal(
    path: Path | str,
    st: os.stat_result,
    uid: int,
    private_group: Callable[[int, int], bool] = _private_group,
) -> str | None:
    """Why respond, running as ``uid``, must not write into the folder or file ``path`` whose
    ``stat`` is ``st`` (with how to fix it, one line), or ``None`` when it may. Another user
    who owns it, or may write to it, could read every change or swap in a file of their own.
    A pure function of the stat result (tests give it any owner)."""
    folder = stat.S_ISDIR(st.st_mode)
    what = "folder" if folder else "file"
    if st.st_uid != uid:
        if uid == 0:
            fix = "run respond as that user, not as root"
        elif folder:
            fix = f"sudo chown $USER {path}"
        else:  # its lock, state, backups... were made by the same run
            fix = f"sudo chown -R $USER {path}*"
        return f"the database {what} {path} belongs to another user (uid {st.st_uid}); {fix}"
    mode = stat.S_IMODE(st.st_mode)
    if mode & stat.S_IWOTH or (mode & stat.S_IWGRP and not private_group(st.st_gid, uid)):
        fix = f"chmod {'700' if folder else '600'} {path}"
        return f"the database {what} {path} is writable by others (mode {mode:04o}); {fix}"
    return None


def _not_regular(path: Path | str, st: os.stat_result) -> str | None:
    """A refusal for a file that is a device, FIFO or socket (or a link to one) which another
    user owns or may write to: never a hint to chmod or chown it (as root, that would change
    ``/dev/zero``)."""
    if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
        return None
    kind = NotRegularFile(str(path), st.st_mode).kind
    return f"{path} is not a regular file (it is {kind}); respond will not write to it"


def unsafe_to_write(db: Path | str) -> str | None:
    """:func:`write_refusal` for the database's folder, then its file (if there is one)."""
    for path in (os.path.dirname(os.fspath(db)) or ".", db):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError:
            return None  # the write itself will say what is wrong
        reason = write_refusal(path, st, os.geteuid())
        if reason is not None:
            return _not_regular(path, st) or reason
    return None


# --- a file the user names (export --output) ------------------------------------------------


class TargetError(OSError):
    """An output path respond will not write to (``str``: why, one line)."""


def _followable(link: Path, link_st: os.stat_result) -> bool:
    """Linux's ``protected_symlinks`` rule: in a sticky folder anyone may write to (``/tmp``),
    a symlink is followed only if it is ours or the folder owner's."""
    try:
        folder = os.stat(link.parent)
    except OSError:
        return False
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    return not shared or link_st.st_uid in (os.geteuid(), folder.st_uid)


def write_output(target: Path, payload: bytes) -> None:
    """Write an export to ``target``. A regular file (or none yet) is replaced atomically; a
    symlink to one keeps the link and replaces the file it points at; a FIFO or character
    device (``/dev/null``, ``/dev/stdout``, a terminal) is written into, never replaced.
    Refused (:class:`TargetError`): a folder, a block device, a socket, and a symlink planted
    by another user in a shared sticky folder such as ``/tmp``."""
    try:
        lst: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        lst = None
    nofollow = os.O_NOFOLLOW
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        if not _followable(target, lst):
            raise TargetError(f"{target} is a symlink another user put in a shared folder")
        try:  # what the kernel reaches through it (/dev/stdout's /proc link to a pipe too)
            mode: int | None = os.stat(target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is None or stat.S_ISREG(mode):
            from pathlib import Path

            _replace(Path(os.path.realpath(target)), payload)
            return
        nofollow = 0
    elif lst is None or stat.S_ISREG(lst.st_mode):
        _replace(target, payload)
        return
    else:
        mode = lst.st_mode
    if stat.S_ISDIR(mode):
        raise TargetError(f"{target} is a folder")
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        kind = "block device" if stat.S_ISBLK(mode) else "socket or special file"
        raise TargetError(f"{target} is a {kind}; write the export to a file")
    # no O_CREAT, no O_TRUNC: into the device or FIFO that is there (a FIFO waits for a reader)
    fd = os.open(target, os.O_WRONLY | os.O_NOCTTY | nofollow)
    try:
        if not stat.S_ISCHR(os.fstat(fd).st_mode) and not stat.S_ISFIFO(os.fstat(fd).st_mode):
            raise TargetError(f"{target} was replaced while it was opened; nothing written")
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _replace(path: Path, payload: bytes) -> None:
    tmp = write_temp(path, payload)
    replace_durably(tmp, path)


def atomic_write(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload``: temp file (0600) + fsync + rename + directory fsync
    (:class:`NotDurable` if only that last fsync failed: the file was replaced)."""
    replace_durably(write_temp(path, payload), path)

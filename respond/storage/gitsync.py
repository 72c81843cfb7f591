"""``respond sync``: the database shared through a git repository, merged item by item.

The repository is a folder beside the database, ``<db>.sync/`` (the database's own folder may
hold other files, or a second database). It holds only respond's sync files, as
:func:`respond.core.syncmerge.files_of` writes them (``items/YYYY-Qn.json``,
``tombstones.json``, ``meta.json``), and the ``.gitignore`` that ``sync init`` writes. The
per-machine files (the undo journal, backups, the prompt's state, the locks, the score cache,
``<db>.sync-status``) are outside it and never committed.

A sync (:func:`sync`), under ``<db>.sync.lock`` (one sync at a time):

a. under the database's lock, the database's replica is written into the work tree and
   committed if it changed. An item is deleted here only if the database recorded its delete
   (``delete``, an undo of an add); one the last synced commit has and the database lacks
   otherwise (a restored backup, a lost archive file) goes back into the database;
b. ``git fetch`` (without the database's lock);
c. if the remote has commits this one lacks, the three replicas (merge base, here, there) are
   read from git's objects and merged by :func:`respond.core.syncmerge.merge`; then under the
   database's lock (the database unchanged since (a), else (a) again) the result goes into the
   database through one transaction, into the files, and into a merge commit (or HEAD becomes
   the remote's commit when the result is the remote's tree). Git never merges text;
d. ``git push``; refused because another machine pushed meanwhile: (b) again, up to 3 times.

Git runs with options that make it independent of the user's configuration where it matters
(no hooks, no signing, never a password prompt, the C locale), through plumbing commands only.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from respond.core.errors import DatabaseError, RespondError
from respond.core.syncmerge import (
    ITEMS_DIR,
    Clocks,
    Conflict,
    Local,
    Renumbered,
    Replica,
    SyncFileError,
    files_of,
    items_of,
    local_replica,
    merge,
    replica_from_files,
    replica_of,
)
from respond.core.text import shorten
from respond.storage.database import Store, Transaction
from respond.storage.files import atomic_write, unsafe_to_write
from respond.storage.gitrepo import (
    BRANCH,
    DEFAULT_TIMEOUT,
    REMOTE_BRANCH,
    BadRemote,
    Git,
    SyncError,
    Unreachable,
    clear_stale_locks,
    configured_remote,
    not_sent,
    stale_locks,
    summary,
)
from respond.storage.lock import exclusive_lock
from respond.storage.processes import Deadline
from respond.storage.reading import read_regular
from respond.storage.syncstatus import is_initialised, repo_dir

PUSH_TRIES = 3
DETAIL = 5  # IDs a report line names before it counts the rest
SYNC_LOCK_TIMEOUT = 120.0

#: Only respond's files are ever committed: everything else in the folder is ignored.
GITIGNORE = b"""\
# respond sync: only respond's data files are committed (see respond's README)
*
!.gitignore
!meta.json
!tombstones.json
!items/
!items/*.json
"""


# -- git -------------------------------------------------------------------------------------


# -- the repository --------------------------------------------------------------------------


def create(db: Path, remote: str, host: str) -> Git:
    """Make ``<db>.sync/`` a repository (mode 0700) on ``main``, with the ``.gitignore`` and
    ``remote`` as ``origin``."""
    folder = repo_dir(db)
    refusal = unsafe_to_write(db)  # nothing made where it would lock the owner out
    if refusal is not None:
        raise SyncError(refusal)
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISDIR(os.lstat(folder).st_mode):  # a link, a file: never followed
            raise SyncError(f"{folder} is not a folder (a link?); remove it, then sync init")
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    except OSError as err:
        raise SyncError(f"can't create {folder}: {err.strerror}") from None
    git = Git(folder, host)
    git.run("init", "-q")
    git.run("symbolic-ref", "HEAD", BRANCH)
    atomic_write(folder / ".gitignore", GITIGNORE)
    if configured_remote(git) is None:
        git.run("remote", "add", "origin", remote)
    return git


def write_files(repo: Path, files: Mapping[str, bytes]) -> None:
    """The work tree holds exactly ``files`` (each written atomically, mode 0600). Its
    ``items`` folder must be one (a symlink is refused: its target's files would be deleted
    as stale); a FIFO or device in place of a file is replaced, never read."""
    items = repo / ITEMS_DIR
    with contextlib.suppress(FileExistsError):
        items.mkdir(mode=0o700)
    if not stat.S_ISDIR(os.lstat(items).st_mode):
        raise SyncError(f"{items} is not a folder (a link?); remove it and sync again")
    present = {f"{ITEMS_DIR}/{path.name}" for path in items.glob("*.json")}
    for name, payload in files.items():
        path = repo / name
        try:
            if read_regular(path) == payload:
                continue
        except OSError:
            pass
        atomic_write(path, payload)
    for stale in present - set(files):
        (repo / stale).unlink(missing_ok=True)


@contextlib.contextmanager
def sync_lock(db: Path) -> Iterator[None]:
    """One sync at a time: ``flock`` on ``<db>.sync.lock``."""
    try:
        with exclusive_lock(repo_dir(db), timeout=SYNC_LOCK_TIMEOUT):
            yield
    except DatabaseError as err:
        if "busy" not in str(err):
            raise
        raise SyncError("another respond sync is still running; try again later") from None


# -- git's own locks --------------------------------------------------------------------------


def repo_problems(db: Path) -> tuple[list[str], list[str]]:
    """For ``doctor``: the stale git locks (the next sync removes them) and the states of the
    sync repository that sync can't recover from, one line each."""
    repo = repo_dir(db)
    if not is_initialised(db):
        return [], []
    stale, problems = stale_locks(repo)
    stale_lines = [f"{lock.relative_to(repo)} left by a git that was killed" for lock in stale]
    git = Git(repo, "doctor")
    try:
        head = git.run("symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip()
        if head != BRANCH:
            problems.append(f"{repo} is not on its branch main ({head or 'detached'})")
        if configured_remote(git) is None:
            problems.append(f"{repo} has no remote: git -C {repo} remote add origin REMOTE")
        if git.rev(BRANCH) is not None:
            quiet = ("--no-dangling", "--no-progress")
            fsck = git.run("fsck", "--connectivity-only", *quiet, check=False)
            if fsck.returncode != 0:
                problems.append(
                    f"{repo} is damaged ({summary(fsck.stderr)}): move it aside and run "
                    "respond sync init REMOTE again (the database keeps every item)"
                )
    except SyncError as err:
        problems.append(str(err))
    return stale_lines, problems


# -- a sync ----------------------------------------------------------------------------------


@dataclass
class Report:
    """What a sync did: items sent and received, conflicts settled, IDs renumbered."""

    sent: int = 0
    received: int = 0
    conflicts: list[tuple[Conflict, int]] = field(default_factory=list)  # with the final ID
    renumbered: list[Renumbered] = field(default_factory=list)
    remote_name: str = "the remote"
    #: IDs of items this database lacked (a restored backup...) taken back from the last sync
    restored: list[int] = field(default_factory=list)
    #: one line each: a merge decision that discarded, restored or joined something
    notes: list[str] = field(default_factory=list)


#: A sync's steps, as its progress names them.
STEPS = ("committing here", "fetching", "merging", "sending")
#: Told each step as it starts: its name, how many steps are done, how many there are.
Progress = Callable[[str, int, int], None]


class _Moved(Exception):
    """The database changed between the commit of this sync and the merge: start again."""


def changed(before: Replica, after: Replica) -> int:
    """How many items differ between two replicas (changed, new, deleted), by uuid."""
    uuids = set(before.items) | set(after.items) | set(before.tombstones) | set(after.tombstones)
    return sum(
        1
        for uuid in uuids
        if (before.items.get(uuid), before.tombstones.get(uuid))
        != (after.items.get(uuid), after.tombstones.get(uuid))
    )


def _local(txn: Transaction, last: Replica, host: str) -> Local:
    """The database's replica against the last synced commit (see
    :func:`respond.core.syncmerge.local_replica`: only a recorded delete is a deletion)."""
    return local_replica(txn.items().values(), txn.tombstones(), last, txn.peek_id(), host)


def normal(replica: Replica) -> Replica:
    """A replica as the database that holds it gives it back (links by ID follow the uuids)."""
    return replica_of(items_of(replica), replica.tombstones, replica.next_id)


def _commit_local(store: Store, git: Git, now: datetime, report: Report | None = None) -> Replica:
    """(a): the database into the work tree and a commit if it changed; its replica. Items
    the last synced commit has and the database lacks, without a delete recorded here, go
    back into the database (see :func:`_local`)."""
    head = git.rev("HEAD")
    last = git.replica_at(head)
    with store.transaction() as txn:  # held to read, and to take back what is missing here
        txn.forget_tombstones(last.tombstones)  # sent by an earlier sync: the commit keeps them
        found = _local(txn, last, git.host)
        local = found.replica
        if found.restored or found.renumbered or found.stale:
            local = normal(local)
            _apply(txn, local)
            if report is not None and found.stale:
                report.notes.append(stale_line(found.stale))
            if report is not None:
                back = sorted(int(local.items[uuid]["id"]) for uuid in found.restored)
                report.restored += back
                report.renumbered += found.renumbered
                if back:
                    report.received += len(back)
                    report.notes.append(restored_line(back))
    write_files(git.repo, files_of(local))  # (only a sync, under its lock, writes there)
    tree = git.staged_tree()
    if head is None or tree != git.tree_of(head):
        count = changed(last, local)
        message = f"respond: {count} change{'s' if count != 1 else ''} on {git.host}\n"
        git.set_head(git.record(message, [head] if head else []))
    return local


def restored_line(ids: list[int]) -> str:
    """The sync report's line for items taken back from the last synced commit."""
    named = ", ".join(f"#{i}" for i in ids[:DETAIL])
    more = f" and {len(ids) - DETAIL} more" if len(ids) > DETAIL else ""
    return (
        f"{named}{more} came back from the remote: missing here (a restored backup or a lost "
        "archive file?), not deleted"
    )


def stale_line(ids: list[int]) -> str:
    """The sync report's line for items deleted again: copies older than their synced delete."""
    named = ", ".join(f"#{i}" for i in ids[:DETAIL])
    more = f" and {len(ids) - DETAIL} more" if len(ids) > DETAIL else ""
    return (
        f"{named}{more} deleted again: this copy is older than the delete the last sync sent "
        "(a restored backup?)"
    )


def _apply(txn: Transaction, target: Replica) -> int:
    """Make the database hold ``target``'s items: one transaction; renumbering is a delete of
    the old ID and a put of the new one, all in one write. The undo journal's entries of every
    item another machine changed are marked not undoable; an item only renumbered is named by
    its new ID and stays undoable. Returns how many items changed."""
    current = {item.uuid: item.to_record() for item in txn.items().values()}
    # (target's records are Item.to_record()'s, as normal() gives them, with the link's uuid)
    wanted = {uuid: _without_link_uuid(record) for uuid, record in target.items.items()}
    touched: set[int] = set()
    renamed: dict[int, int] = {}
    deletes: list[int] = []
    for uuid, record in current.items():
        new = wanted.get(uuid)
        if new is None or new["id"] != record["id"]:
            deletes.append(record["id"])
            if new is None:
                touched.add(record["id"])
            else:
                renamed[record["id"]] = new["id"]
    puts: dict[int, dict[str, Any]] = {}
    for uuid, record in wanted.items():
        old = current.get(uuid)
        if old != record:
            puts[record["id"]] = record
            if _content(old) != _content(record):  # not only renumbered (itself or its link)
                touched.add(record["id"])
    txn.replace_many(puts, deletes)  # one write, whatever the count (put by put: quadratic)
    txn.reserve_ids(target.next_id - 1)
    txn.mark_synced(touched, renamed)
    # received: what another machine did (a renumbering alone is reported on its own)
    return sum(
        1
        for uuid in current.keys() | wanted.keys()
        if _content(current.get(uuid)) != _content(wanted.get(uuid))
    )


def _without_link_uuid(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "for_uuid"}


def _content(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item's record but its short IDs (its own and its link's)."""
    if record is None:
        return None
    return {**record, "id": None, "for_id": None}


def _merge_remote(store: Store, git: Git, now: datetime, remote: str, report: Report) -> None:
    """(c): merge the remote's commit into HEAD, the database and the files."""
    head = git.rev("HEAD")
    assert head is not None
    base_commit = git.merge_base(head, remote)
    local = git.replica_at(head)
    base, theirs = _remote_replica(git, base_commit), _remote_replica(git, remote)
    report.remote_name = git.author_host(remote)
    clocks = Clocks.at(now, _commit_time(git, base_commit))
    merged = merge(base, local, theirs, (git.host, report.remote_name), clocks)
    target = normal(merged.replica)
    with store.transaction() as txn:
        moved = _local(txn, local, git.host).replica
        if moved != local:  # the database changed since (a): merge again, here, under the
            # lock (the git work is done; only the merge is redone), never start over
            merged = merge(base, moved, theirs, (git.host, report.remote_name), clocks)
            target = normal(merged.replica)
        report.received += _apply(txn, target)
        txn.forget_tombstones(target.items)  # kept by the merge: a delete here lost to an edit
    write_files(git.repo, files_of(target))  # (only a sync, under its lock, writes there)
    final = {uuid: int(record["id"]) for uuid, record in target.items.items()}
    report.conflicts += [(c, final.get(c.uuid, c.id)) for c in merged.conflicts]
    report.renumbered += merged.renumbered
    # an item of this machine that the remote had already renumbered (another machine settled
    # the collision, or kept the other copy's ID of one follow-up) moves here too: say so
    said = {r.uuid for r in merged.renumbered}
    report.renumbered += [
        Renumbered(uuid, int(record["id"]), final[uuid], git.host)
        for uuid, record in sorted(moved.items.items(), key=lambda pair: int(pair[1]["id"]))
        if uuid in final and final[uuid] != int(record["id"]) and uuid not in said
    ]

    def named(uuid: str) -> str:
        record = target.items.get(uuid) or local.items.get(uuid) or theirs.items.get(uuid)
        return f"#{record['id']}" if record is not None else "a deleted item"

    report.notes += [f"{named(d.uuid)} {d.what}" for d in merged.decisions]
    for uuid in dict.fromkeys(u.uuid for u in merged.untrusted):
        first = next(u for u in merged.untrusted if u.uuid == uuid)
        side, when = shorten(first.side, 40), shorten(first.at, 30)
        report.notes.append(
            f"{named(uuid)} has a time from {side} ahead of this machine's clock ({when}): "
            "not trusted to settle a conflict"
        )
    tree = git.staged_tree()
    if tree == git.tree_of(remote):
        git.set_head(remote)
    else:
        message = f"respond: merge of {report.remote_name} on {git.host}\n"
        git.set_head(git.record(message, [head, remote]))


def _remote_replica(git: Git, commit: str | None) -> Replica:
    """The replica of a commit from the remote, checked like a hand-edited database (see
    :func:`respond.core.syncmerge.replica_from_files`): :class:`BadRemote` if it fails."""
    if commit is None:
        return Replica()
    files = git.files_at(commit)
    try:
        return replica_from_files(files)
    except SyncFileError as err:  # another machine's files are input like any other
        raise BadRemote(
            f"refusing the remote's data (commit {commit[:10]}): {err}; nothing here was changed"
        ) from None


def _commit_time(git: Git, commit: str | None) -> datetime | None:
    """When ``commit`` was made (its committer's clock): the last sync with the remote, for
    :class:`respond.core.syncmerge.Clocks`."""
    if commit is None:
        return None
    done = git.run("log", "-1", "--format=%ct", commit, check=False)
    text = done.stdout.decode().strip()
    return datetime.fromtimestamp(int(text), UTC) if text.isdigit() else None


def sync(
    store: Store,
    host: str,
    now: datetime,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    batch: bool = True,
    progress: Progress | None = None,
) -> Report:
    """Commit, fetch, merge, push (see the module's docstring). ``timeout``: the seconds all
    the waiting on the remote may take together; ``batch``: ssh may not ask anything;
    ``progress`` is told each step (:data:`STEPS`) as it starts."""
    step = progress or (lambda stage, done, total: None)
    folder = repo_dir(store.path)
    if not is_initialised(store.path):
        raise SyncError(f"sync is not set up for {store.path}: run respond sync init REMOTE")
    git = Git(folder, host, Deadline(timeout), batch)
    report = Report()
    with sync_lock(store.path):
        committed = False
        try:
            problems = clear_stale_locks(folder)
            if problems:
                raise SyncError(problems[0])
            step(STEPS[0], 0, len(STEPS))
            _commit_local(store, git, now, report)
            committed = True
            return _exchange(store, git, now, report, step)
        except Unreachable:
            raise  # (its message says the change is committed)
        except SyncError as err:  # the same kind (its exit status), saying what is safe
            raise type(err)(safe_here(str(err), committed)) from None


def safe_here(message: str, committed: bool) -> str:
    """A failure's message, saying that what changed here is safe (every failure must)."""
    if "committed" in message or "nothing here" in message:
        return message
    if committed:
        return (
            f"{message}; nothing here is lost: what changed here is committed, and the next "
            "sync that works sends it"
        )
    return f"{message}; nothing here is lost: the database is as it was"


def _exchange(store: Store, git: Git, now: datetime, report: Report, step: Progress) -> Report:
    """(b) to (d): fetch, merge, push, again while the remote moves."""
    for _ in range(PUSH_TRIES + 1):
        step(STEPS[1], 1, len(STEPS))
        git.fetch()
        remote = git.rev(REMOTE_BRANCH)
        for _ in range(PUSH_TRIES):
            head = git.rev("HEAD")
            if remote is None or head is None or git.is_ancestor(remote, head):
                break
            try:
                step(STEPS[2], 2, len(STEPS))
                _merge_remote(store, git, now, remote, report)
                break
            except _Moved:
                _commit_local(store, git, now)
        else:
            raise SyncError("the database kept changing during the sync; try again")
        head = git.rev("HEAD")
        if head is None or head == remote:
            return report
        sent = changed(git.replica_at(remote), git.replica_at(head))
        step(STEPS[3], 3, len(STEPS))
        if git.push():
            report.sent += sent
            return report
    raise Unreachable(not_sent("the remote kept changing while this machine pushed"))


def coming_back(db: Path) -> int:
    """How many items the last synced commit has that the database lacks without a delete
    recorded here (after ``doctor --repair``...): the next sync takes them back. 0 when sync
    is not set up or can't be read."""
    if not is_initialised(db):
        return 0
    git = Git(repo_dir(db), "doctor")
    try:
        last = git.replica_at(git.rev("HEAD"))
        snapshot = Store(db).snapshot()
    except (RespondError, OSError):
        return 0
    return len(local_replica(snapshot.items.values(), snapshot.tombstones, last, 1).restored)


def waiting(store: Store, host: str, now: datetime) -> int:
    """How many items changed here since the last sync: the database against the last commit
    the remote and this machine had in common (what the remote lacks of this machine's work;
    what the remote has and this machine lacks is not counted)."""
    git = Git(repo_dir(store.path), host)
    head = git.rev("HEAD")
    remote = git.rev(REMOTE_BRANCH)
    last = git.replica_at(head)
    base = git.merge_base(head, remote) if head and remote else None
    common = git.replica_at(base)
    snapshot = store.snapshot()
    mine = local_replica(snapshot.items.values(), snapshot.tombstones, last, 1, host)
    return changed(common, mine.replica)

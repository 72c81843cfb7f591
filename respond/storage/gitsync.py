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
import re
import socket
import stat
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from respond.core.errors import DatabaseError, RespondError
from respond.core.model import Item
from respond.core.syncmerge import (
    ITEMS_DIR,
    META_FILE,
    TOMBSTONES_FILE,
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
from respond.storage.database import Store, Transaction, atomic_write, exclusive_lock
from respond.storage.files import unsafe_to_write
from respond.storage.reading import read_regular
from respond.storage.syncstatus import is_initialised, repo_dir

BRANCH = "refs/heads/main"
REMOTE_BRANCH = "refs/remotes/origin/main"
PUSH_TRIES = 3
DETAIL = 5  # IDs a report line names before it counts the rest
NETWORK_TIMEOUT = 300.0  # seconds a fetch or push may take before it counts as unreachable
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

#: Options that make git independent of the user's configuration where it matters.
GIT_OPTIONS = (
    *("-c", "core.hooksPath=/dev/null"),
    *("-c", "commit.gpgsign=false"),
    *("-c", "core.autocrlf=false"),
    *("-c", "core.safecrlf=false"),
    *("-c", "core.quotepath=false"),
    *("-c", "core.fsmonitor=false"),
    *("-c", "advice.detachedHead=false"),
)
#: Variables that would point git at another repository (respond run from a git hook...).
_GIT_REPO_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)
_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: A ref the remote itself rejected, in ``push --porcelain``'s output, and its reason.
_REMOTE_REJECTED = re.compile(rb"\[remote rejected\] \((.*)\)")


class SyncError(RespondError):
    """Sync can't go on: not set up, git missing, a bad remote (exit code 2)."""


class Unreachable(SyncError):
    """The remote could not be reached, or refused the push (exit code 1): what was done here
    is committed, and the next sync sends it."""

    exit_code = 1


class BadRemote(SyncError):
    """The remote holds data that fails the checks a hand-edited database gets (an ID beyond
    2 * 10^15, a bad time...): refused whole, before anything here changed (exit code 1, a remote
    failure)."""

    exit_code = 1


def machine_name(configured: str) -> str:
    """This machine's name in commits and sync lines: the configured one, else the host's."""
    if configured:
        return configured
    name = _NAME.sub("-", socket.gethostname()).strip("-.")[:40]
    return name or "machine"


def check_remote(remote: str) -> str:
    """A remote ``sync init`` accepts, as git should be given it (a local path made absolute).
    ``http://`` is refused: it sends the data in plain text."""
    text = remote.strip()
    if not text:
        raise SyncError("sync init needs a remote: a git URL or a path")
    if text.lower().startswith("http://"):
        raise SyncError(
            f"refusing {shorten(text, 60)}: http:// sends your data in plain text; use an "
            "https:// or ssh remote, or a path"
        )
    if re.match(r"(?i)(fd|ext)::", text):  # git's transports that run a command or a pipe
        raise SyncError(
            f"refusing {shorten(text, 60)}: a remote must be a repository (a URL, "
            "user@host:path or a path), not a command"
        )
    if is_url(text):
        return text
    return str(Path(text).expanduser().absolute())


def is_url(remote: str) -> bool:
    """Whether git reads ``remote`` as a URL (or scp-like ``user@host:path``), not a path."""
    return "://" in remote or re.match(r"[^/]+:", remote) is not None


def check_local_remote(url: str) -> None:
    """A remote that is a path must be a folder already (``git init --bare`` makes one): a
    mistyped path would otherwise be set up as a remote that is never reachable."""
    if not is_url(url) and not Path(url).is_dir():
        raise SyncError(
            f"no repository at {shorten(url, 60)}: check the path, or make one first "
            f"(git init --bare {shorten(url, 60)})"
        )


# -- git -------------------------------------------------------------------------------------


@dataclass
class Git:
    """Git in the sync repository ``repo``, committing as ``respond <respond@HOST>``."""

    repo: Path
    host: str

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _GIT_REPO_VARIABLES}
        email = f"respond@{self.host}"
        env.update(
            GIT_TERMINAL_PROMPT="0",
            LC_ALL="C",
            GIT_AUTHOR_NAME="respond",
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME="respond",
            GIT_COMMITTER_EMAIL=email,
        )
        env.pop("LANGUAGE", None)
        return env

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                ["git", *GIT_OPTIONS, *args],
                cwd=self.repo,
                env=self.env(),
                input=input,
                capture_output=True,
                timeout=timeout,
                stdin=None if input is not None else subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise SyncError(git_missing()) from None
        except subprocess.TimeoutExpired:
            raise Unreachable(f"git {args[0]} took more than {timeout:.0f} s") from None
        if check and done.returncode != 0:
            raise SyncError(f"git {args[0]} failed: {summary(done.stderr)}")
        return done

    def text(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "replace").strip()

    def rev(self, ref: str) -> str | None:
        done = self.run("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def tree_of(self, commit: str) -> str:
        return self.text("rev-parse", f"{commit}^{{tree}}")

    def merge_base(self, a: str, b: str) -> str | None:
        done = self.run("merge-base", a, b, check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def is_ancestor(self, a: str, b: str) -> bool:
        return self.run("merge-base", "--is-ancestor", a, b, check=False).returncode == 0

    def author_host(self, commit: str) -> str:
        email = self.text("log", "-1", "--format=%ae", commit)
        host = email.partition("@")[2] if email.startswith("respond@") else ""
        return machine_name(_NAME.sub("-", host).strip("-.")[:40]) if host else "the remote"

    def files_at(self, commit: str) -> dict[str, bytes]:
        """The sync files a commit holds (plumbing: ``ls-tree -z`` and ``cat-file --batch``)."""
        listing = self.run("ls-tree", "-r", "-z", commit).stdout
        wanted: list[tuple[str, str]] = []
        others: list[str] = []
        for entry in filter(None, listing.split(b"\0")):
            info, _, raw = entry.partition(b"\t")
            path = raw.decode("utf-8", "replace")
            _mode, kind, sha = info.decode().split()
            if kind == "blob" and is_sync_file(path):
                wanted.append((path, sha))
            elif path != ".gitignore":
                others.append(path)
        if others:
            raise SyncError(
                f"the remote holds files that are not respond's ({shorten(others[0], 40)}...): "
                "use a repository of its own for respond sync"
            )
        if not wanted:
            return {}
        batch = self.run(
            "cat-file", "--batch", input="".join(f"{sha}\n" for _, sha in wanted).encode()
        )
        out, files, at = batch.stdout, {}, 0
        for path, _sha in wanted:
            header_end = out.index(b"\n", at)
            size = int(out[at:header_end].split()[2])
            files[path] = out[header_end + 1 : header_end + 1 + size]
            at = header_end + 1 + size + 1
        return files

    def replica_at(self, commit: str | None) -> Replica:
        if commit is None:
            return Replica()
        try:
            return replica_from_files(self.files_at(commit))
        except SyncFileError as err:
            raise SyncError(f"commit {commit[:10]} of the sync repository: {err}") from None

    def record(self, message: str, parents: list[str]) -> str:
        """``git add -A``, then a commit of the index with ``parents`` (plumbing): its id."""
        self.run("add", "-A")
        tree = self.text("write-tree")
        args = [arg for parent in parents for arg in ("-p", parent)]
        commit = self.run("commit-tree", tree, *args, input=message.encode()).stdout
        return commit.decode().strip()

    def staged_tree(self) -> str:
        self.run("add", "-A")
        return self.text("write-tree")

    def set_head(self, commit: str) -> None:
        self.run("update-ref", BRANCH, commit)

    def fetch(self) -> None:
        done = self.run("fetch", "-q", "origin", check=False, timeout=NETWORK_TIMEOUT)
        if done.returncode != 0:
            raise Unreachable(unreachable(done.stderr))

    def push(self) -> bool:
        """Push HEAD to the remote's main: whether it went (``False``: refused because the
        remote has commits this one lacks)."""
        done = self.run(
            "push", "--porcelain", "-q", "origin", f"HEAD:{BRANCH}", check=False,
            timeout=NETWORK_TIMEOUT,
        )  # fmt: skip
        if done.returncode == 0:
            return True
        if b"[rejected]" in done.stdout:
            return False
        rejected = _REMOTE_REJECTED.search(done.stdout)
        if rejected:  # its own reason: not bare, a hook (protected branch), a full disk...
            reason = shorten(rejected.group(1).decode("utf-8", "replace"), 120)
            raise Unreachable(not_sent(f"the remote refused the push ({reason})"))
        raise Unreachable(unreachable(done.stderr or done.stdout))


def is_sync_file(path: str) -> bool:
    if path in (META_FILE, TOMBSTONES_FILE):
        return True
    folder, _, name = path.partition("/")
    return folder == ITEMS_DIR and name.endswith(".json") and "/" not in name


def git_missing() -> str:
    return "respond sync needs git, which was not found: install git (e.g. apt install git)"


def summary(stderr: bytes) -> str:
    """Git's complaint in one short line: its last meaningful line, without ``fatal:``."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("hint:")]
    last = next((line for line in lines if line.startswith(("fatal:", "error:"))), "")
    text = last or (lines[-1] if lines else "no reason given")
    for prefix in ("fatal: ", "error: "):
        text = text.removeprefix(prefix)
    return shorten(text, 120)


def unreachable(stderr: bytes) -> str:
    return not_sent(f"the remote could not be reached ({summary(stderr)})")


def not_sent(what: str) -> str:
    return f"{what}; what changed here is committed and the next respond sync sends it"


# -- the repository --------------------------------------------------------------------------


def configured_remote(git: Git) -> str | None:
    done = git.run("config", "--get", "remote.origin.url", check=False)
    return done.stdout.decode().strip() or None


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
    with store.transaction() as txn:
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
        write_files(git.repo, files_of(local))
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
    the old ID and a put of the new one. The undo journal's entries of every ID touched are
    marked not undoable. Returns how many items changed."""
    current = {item.uuid: item for item in txn.items().values()}
    wanted = {item.uuid: item for item in items_of(target)}
    touched: set[int] = set()
    renamed: dict[int, int] = {}
    for uuid, item in current.items():
        new = wanted.get(uuid)
        if new is None or new.id != item.id:
            txn.delete(item.id)
            touched.add(item.id)
            if new is not None:
                renamed[item.id] = new.id
    for uuid, item in wanted.items():
        old = current.get(uuid)
        if old is None or old.id != item.id or old.to_record() != item.to_record():
            txn.put(item)
            touched.add(item.id)
    txn.reserve_ids(target.next_id - 1)
    txn.mark_synced(touched, renamed)
    # received: what another machine did (a renumbering alone is reported on its own)
    return sum(
        1
        for uuid in current.keys() | wanted.keys()
        if _content(current.get(uuid)) != _content(wanted.get(uuid))
    )


def _content(item: Item | None) -> dict[str, Any] | None:
    """An item's record but its short IDs (its own and its link's)."""
    if item is None:
        return None
    return {**item.to_record(), "id": None, "for_id": None}


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
        if _local(txn, local, git.host).replica != local:
            raise _Moved
        report.received += _apply(txn, target)
        txn.forget_tombstones(target.items)  # kept by the merge: a delete here lost to an edit
        write_files(git.repo, files_of(target))
    final = {uuid: int(record["id"]) for uuid, record in target.items.items()}
    report.conflicts += [(c, final.get(c.uuid, c.id)) for c in merged.conflicts]
    report.renumbered += merged.renumbered

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


def sync(store: Store, host: str, now: datetime) -> Report:
    """Commit, fetch, merge, push (see the module's docstring)."""
    folder = repo_dir(store.path)
    if not is_initialised(store.path):
        raise SyncError(f"sync is not set up for {store.path}: run respond sync init REMOTE")
    git = Git(folder, host)
    report = Report()
    with sync_lock(store.path):
        _commit_local(store, git, now, report)
        for _ in range(PUSH_TRIES + 1):
            git.fetch()
            remote = git.rev(REMOTE_BRANCH)
            for _ in range(PUSH_TRIES):
                head = git.rev("HEAD")
                if remote is None or head is None or git.is_ancestor(remote, head):
                    break
                try:
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
    """How many items changed here since the last sync (compared with what the remote had)."""
    git = Git(repo_dir(store.path), host)
    last = git.replica_at(git.rev("HEAD"))
    remote = git.replica_at(git.rev(REMOTE_BRANCH))
    snapshot = store.snapshot()
    mine = local_replica(snapshot.items.values(), snapshot.tombstones, last, 1, host)
    return changed(remote, mine.replica)

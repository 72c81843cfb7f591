"""The sync repository's git: running it (each git in its own process group, the network
commands under one deadline; :mod:`respond.storage.processes`), with options that make it
independent of the user's configuration where it matters (no hooks, no signing, never a
password prompt, the C locale), through plumbing commands only; ssh's options and what its
failures mean; the remotes respond accepts; git's stale locks. What a sync does with it is
:mod:`respond.storage.gitsync`."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from respond.core.errors import ExitStatus, RespondError
from respond.core.syncmerge import (
    ITEMS_DIR,
    META_FILE,
    TOMBSTONES_FILE,
    Replica,
    SyncFileError,
    replica_from_files,
)
from respond.core.text import shorten
from respond.storage.processes import Deadline, TimedOut, run_in_group

BRANCH = "refs/heads/main"
REMOTE_BRANCH = "refs/remotes/origin/main"
DEFAULT_TIMEOUT = 30.0  # seconds a sync may wait on the remote, all steps together
LOCAL_TIMEOUT = 120.0  # seconds a local git command (no network) may take
SSH_ALIVE = (5, 3)  # ServerAliveInterval, ServerAliveCountMax: a silent server is gone in 15 s


#: Options that make git independent of the user's configuration where it matters.
GIT_OPTIONS = (
    *("-c", "core.hooksPath=/dev/null"),
    *("-c", "commit.gpgsign=false"),
    *("-c", "core.autocrlf=false"),
    *("-c", "core.safecrlf=false"),
    *("-c", "core.quotepath=false"),
    *("-c", "core.fsmonitor=false"),
    *("-c", "advice.detachedHead=false"),
    # a fetch keeps the pack it got (git would unpack a small one into loose objects,
    # compressing every blob again: a join's largest local cost after the merge itself)
    *("-c", "fetch.unpackLimit=1"),
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

    exit_code = ExitStatus.BAD_INPUT


class Unreachable(SyncError):
    """The remote could not be reached, or refused the push (exit code 1): what was done here
    is committed, and the next sync sends it."""

    exit_code = ExitStatus.REMOTE_FAILED


class BadRemote(SyncError):
    """The remote holds data that fails the checks a hand-edited database gets (an ID beyond
    2 * 10^15, a bad time...): refused whole, before anything here changed (exit code 1, a remote
    failure)."""

    exit_code = ExitStatus.REMOTE_FAILED


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
            f"refusing {shorten(mask(text), 60)}: http:// sends your data in plain text; use an "
            "https:// or ssh remote, or a path"
        )
    if re.match(r"(?i)(fd|ext)::", text):  # git's transports that run a command or a pipe
        raise SyncError(
            f"refusing {shorten(mask(text), 60)}: a remote must be a repository (a URL, "
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


@dataclass
class Git:
    """Git in the sync repository ``repo``, committing as ``respond <respond@HOST>``.

    Every git runs in a process group of its own (:mod:`respond.storage.processes`). The
    network commands (``fetch``, ``push``) share one :class:`Deadline`, the run's
    ``[sync] timeout``: when it has passed, the group (git, ssh and whatever they started) is
    ended and the sync fails with exit 1. ``batch``: ssh must never ask anything (no terminal
    on stdin, or an auto sync): ``BatchMode=yes``."""

    repo: Path
    host: str
    deadline: Deadline = field(default_factory=lambda: Deadline(DEFAULT_TIMEOUT))
    batch: bool = True
    _ssh: str | None = field(default=None, init=False, repr=False)
    _replicas: dict[str, Replica] = field(default_factory=dict, init=False, repr=False)

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
        timeout: float = LOCAL_TIMEOUT,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = run_in_group(
                ["git", *GIT_OPTIONS, *args],
                cwd=self.repo,
                env=env if env is not None else self.env(),
                input=input,
                timeout=timeout,
            )
        except FileNotFoundError:
            raise SyncError(git_missing()) from None
        except TimedOut:
            raise SyncError(f"git {args[0]} did not finish within {timeout:.0f} s") from None
        if check and done.returncode != 0:
            raise SyncError(f"git {args[0]} failed: {summary(done.stderr)}")
        return done

    def network(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """A git command that talks to the remote, within what is left of the deadline, with
        ssh's options (:func:`ssh_command`)."""
        if self.deadline.passed():
            raise Unreachable(timed_out(self.deadline.seconds, b""))
        env = self.env()
        ssh = self.ssh_command(env)
        if ssh is not None:
            env["GIT_SSH_COMMAND"] = ssh
        try:
            with self.deadline.spending():
                return run_in_group(
                    ["git", *GIT_OPTIONS, *args],
                    cwd=self.repo,
                    env=env,
                    timeout=max(self.deadline.left(), 0.1),
                )
        except FileNotFoundError:
            raise SyncError(git_missing()) from None
        except TimedOut as err:
            raise Unreachable(timed_out(self.deadline.seconds, err.stderr)) from None

    def ssh_command(self, env: Mapping[str, str]) -> str | None:
        """The ssh command git gets: the user's own (``GIT_SSH_COMMAND``, else
        ``core.sshCommand``, else plain ``ssh``) with respond's ``-o`` options after the
        user's (ssh keeps the first value it reads: the user's own ``-o`` win; the ssh config
        file is read after the command line). ``None`` (git's choice is left alone) when the
        user set ``GIT_SSH`` (a program, maybe not OpenSSH's) or a command that is not
        ``ssh``: the deadline still bounds it."""
        if self._ssh is None:
            base = env.get("GIT_SSH_COMMAND") or ""
            if not base:
                done = self.run("config", "--get", "core.sshCommand", check=False)
                base = done.stdout.decode("utf-8", "replace").strip()
            if not base and env.get("GIT_SSH"):
                self._ssh = ""
            else:
                self._ssh = ssh_options(base or "ssh", self.deadline.seconds, self.batch)
        return self._ssh or None

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
        """The replica a commit holds (read once per sync: a commit never changes; callers
        must not change what they get)."""
        if commit is None:
            return Replica()
        if commit not in self._replicas:
            try:
                self._replicas[commit] = replica_from_files(self.files_at(commit))
            except SyncFileError as err:
                raise SyncError(f"commit {commit[:10]} of the sync repository: {err}") from None
        return self._replicas[commit]

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
        done = self.network("fetch", "-q", "origin")
        if done.returncode != 0:
            raise Unreachable(unreachable(done.stderr, self.remote_url()))

    def remote_url(self) -> str:
        return configured_remote(self) or ""

    def push(self) -> bool:
        """Push HEAD to the remote's main: whether it went (``False``: refused because the
        remote has commits this one lacks)."""
        done = self.network("push", "--porcelain", "-q", "origin", f"HEAD:{BRANCH}")
        if done.returncode == 0:
            return True
        if b"[rejected]" in done.stdout:
            return False
        rejected = _REMOTE_REJECTED.search(done.stdout)
        if rejected:  # its own reason: not bare, a hook (protected branch), a full disk...
            reason = shorten(mask(rejected.group(1).decode("utf-8", "replace")), 120)
            raise Unreachable(not_sent(f"the remote refused the push ({reason})"))
        raise Unreachable(unreachable(done.stderr or done.stdout, self.remote_url()))


def is_sync_file(path: str) -> bool:
    if path in (META_FILE, TOMBSTONES_FILE):
        return True
    folder, _, name = path.partition("/")
    return folder == ITEMS_DIR and name.endswith(".json") and "/" not in name


def git_missing() -> str:
    return "respond sync needs git, which was not found: install git (e.g. apt install git)"


def summary(stderr: bytes) -> str:
    """Git's complaint in one short line: its last meaningful line, without ``fatal:``; any
    credentials in a URL masked."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("hint:")]
    last = next((line for line in lines if line.startswith(("fatal:", "error:"))), "")
    text = last or (lines[-1] if lines else "no reason given")
    for prefix in ("fatal: ", "error: "):
        text = text.removeprefix(prefix)
    return shorten(mask(text), 120)


#: ssh's own reasons, as it words them (git only adds "Could not read from remote repository").
_SSH_REASONS = (
    "Could not resolve hostname",
    "Permission denied",
    "Connection refused",
    "Connection timed out",
    "timed out during banner exchange",
    "No route to host",
    "Network is unreachable",
    "Connection closed",
    "Connection reset",
    "Too many authentication failures",
    "Bad owner or permissions",
    "Timeout, server",
)


def unreachable(stderr: bytes, url: str = "") -> str:
    """Why the remote could not be reached, in one line that says the local change is safe:
    ssh's own reason rather than git's "Could not read from remote repository"."""
    text = stderr.decode("utf-8", "replace")
    host = ssh_host(url)
    if "REMOTE HOST IDENTIFICATION HAS CHANGED" in text:
        return not_sent(changed_host_key(host))
    if "Host key verification failed" in text:
        scan = keyscan(host)
        return not_sent(
            f"the ssh host key of {host} is not known here, so nothing was sent: check its "
            f"fingerprint ({scan}) against the one the server's owner gives you, then connect "
            f"once with ssh to accept it"
        )
    for line in text.splitlines():
        if any(reason in line for reason in _SSH_REASONS):
            reason = line.strip().removeprefix("ssh: ").removeprefix("fatal: ")
            return not_sent(f"the remote could not be reached ({shorten(mask(reason), 120)})")
    return not_sent(f"the remote could not be reached ({summary(stderr)})")


def changed_host_key(host: str) -> str:
    return (
        f"the ssh host key of {host} has CHANGED since you last connected: someone may be "
        f"intercepting the connection (or the server was reinstalled), so nothing was sent. "
        f"Ask the server's owner for its fingerprint and compare ({keyscan(host)}); only if "
        f"they match, forget the old key (ssh-keygen -R {host})"
    )


def keyscan(host: str) -> str:
    name, _, port = host.partition(":") if host.count(":") == 1 else (host, "", "")
    target = f"-p {port} {name}" if port else name
    return f"ssh-keyscan {target} | ssh-keygen -lf -"


def timed_out(seconds: float, stderr: bytes) -> str:
    said = summary(stderr) if stderr.strip() else ""
    why = f": {said}" if said else ""
    return not_sent(
        f"the remote did not answer within {seconds:g} s{why} ([sync] timeout sets how long)"
    )


def ssh_host(url: str) -> str:
    """The host (``host:port`` when a port is given) of an ssh remote, as ssh names it in
    known_hosts (``[host]:port`` is written ``host:port`` here); ``the host`` otherwise."""
    scheme = r"(?i)(?:git\+ssh|ssh\+git|ssh)://"
    match = re.match(scheme + r"(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?", url)
    if match:
        return match[1] + (f":{match[2]}" if match[2] else "")
    match = re.match(r"(?:[^@/:]*@)?(\[[^\]]+\]|[^:/]+):", url)
    if match and "://" not in url:
        return match[1]
    return "the host"


def ssh_options(base: str, timeout: float, batch: bool) -> str:
    """``base`` (the user's ssh command) with respond's options, or ``""`` when ``base`` is
    not OpenSSH's ``ssh``. ``ConnectTimeout`` bounds the connection and the first exchange;
    ``ServerAlive*`` ends a connection whose server went silent; ``BatchMode`` never asks."""
    import shlex

    try:
        words = shlex.split(base)
    except ValueError:
        return ""
    if not words or Path(words[0]).name != "ssh":
        return ""
    connect = max(1, min(int(timeout), 30))
    interval, count = SSH_ALIVE
    options = [f"ConnectTimeout={connect}", f"ServerAliveInterval={interval}"]
    options += [f"ServerAliveCountMax={count}"]
    if batch:
        options.append("BatchMode=yes")
    return base + "".join(f" -o {option}" for option in options)


def mask(text: str) -> str:
    """``text`` with the credentials of any URL in it masked (the one rule,
    :func:`respond.core.redact.mask_urls_in`): ``https://…@host/repo.git``."""
    from respond.core.redact import mask_urls_in

    return mask_urls_in(text)


def not_sent(what: str) -> str:
    return f"{what}; what changed here is committed and the next respond sync sends it"


def configured_remote(git: Git) -> str | None:
    done = git.run("config", "--get", "remote.origin.url", check=False)
    return done.stdout.decode().strip() or None


#: How old a git lock must be, where /proc can't tell who uses the repository, to count as
#: stale (respond's git commands take milliseconds; a person's may take longer).
STALE_AGE = 60.0


def git_locks(repo: Path) -> list[Path]:
    """Git's lock files in ``repo``: ``.git/index.lock``, ``HEAD.lock``, ``config.lock``,
    ``packed-refs.lock`` and ``refs/**/*.lock``."""
    dot = repo / ".git"
    found = [path for path in dot.glob("*.lock")]
    with contextlib.suppress(OSError):
        found += [path for path in (dot / "refs").rglob("*.lock")]
    return sorted(found)


def git_users(repo: Path) -> list[int] | None:
    """The PIDs of live git processes working in ``repo`` (their working folder is in it: git
    runs there, ``git -C`` changes into it); ``None`` where /proc can't tell (not Linux)."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    root = os.path.realpath(repo)
    users = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            cwd = os.readlink(entry / "cwd")
            if cwd != root and not cwd.startswith(root + os.sep):
                continue
            if (entry / "comm").read_text().strip().startswith("git"):
                users.append(int(entry.name))
    return users


def stale_locks(repo: Path) -> tuple[list[Path], list[str]]:
    """Git's lock files that no git process holds (a git killed mid-way left them: every
    later git would fail with "index.lock: File exists"), and the problems sync can't fix
    (a lock that is a folder; a lock a live git process may hold). Called under the sync lock:
    respond runs git in this repository only under it, so a lock found then was left by a
    respond git that died, unless another git (a person's) is working in the repository."""
    locks = git_locks(repo)
    if not locks:
        return [], []
    users = git_users(repo)
    if users:
        pids = ", ".join(map(str, users[:3]))
        return [], [f"git (PID {pids}) is working in {repo}; if it is stuck, end it"]
    stale, problems = [], []
    for lock in locks:
        try:
            info = os.lstat(lock)
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(info.st_mode):
            problems.append(f"{lock} is a folder where git keeps a lock: remove it")
        elif users is not None or time.time() - info.st_mtime > STALE_AGE:
            stale.append(lock)
    return stale, problems


def clear_stale_locks(repo: Path) -> list[str]:
    """Remove the stale locks (:func:`stale_locks`); the problems left, one line each."""
    stale, problems = stale_locks(repo)
    for lock in stale:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
    return problems

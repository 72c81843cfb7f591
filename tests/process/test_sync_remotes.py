"""respond sync against remotes that fail the way networks fail, all on 127.0.0.1: a listener
that accepts and never answers (ssh:// and git://), and a real sshd started by the test (a
working sync, a changed host key, an unknown one, a key it refuses, a closed port).

Real processes: only they show that nothing is left behind. The short ``[sync] timeout`` is a
setting; the tests assert the outcome (exit 1, the reason, no process left), never a time."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from respond.storage import gitrepo
from tests.support.processes import respond
from tests.support.remotes import Sshd, free_port, processes_holding, silent_listener

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs Linux's /proc"),
]

NOW = "2026-11-25T10:00"
SAFE = "what changed here is committed and the next respond sync sends it"


class Laptop:
    """A machine driven as real processes, its config's sync timeout short."""

    def __init__(self, root: Path, timeout: str = "2s") -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.db = root / "respond.json"
        self.repo = root / "respond.json.sync"
        self.config = root / "config.toml"
        self.config.write_text(f'[sync]\nname = "laptop"\ntimeout = "{timeout}"\n')
        self.env: dict[str, str] = {"RESPOND_CONFIG": str(self.config)}

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return respond(self.db, "--now", NOW, *args, **self.env)

    def set_up(self, url: str) -> None:
        """Sync set up with ``url`` as the remote without reaching it (a path remote first,
        then its URL changed), and one change waiting to be sent."""
        bare = self.repo.parent / "first.git"
        subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
        assert self("add", "Q3 numbers", "--from", "Dana").returncode == 0
        assert self("sync", "init", str(bare)).returncode == 0
        git = ["git", "-C", str(self.repo), "remote", "set-url", "origin", url]
        subprocess.run(git, check=True)
        assert self("add", "Offline work", "--from", "Ann").returncode == 0

    def head_message(self) -> str:
        log = ["git", "-C", str(self.repo), "log", "-1", "--format=%s"]
        return subprocess.run(log, capture_output=True, text=True).stdout


def assert_failed_safely(laptop: Laptop, result: subprocess.CompletedProcess[str]) -> None:
    assert (result.returncode, result.stdout) == (1, ""), result
    assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1, result
    assert result.stderr.endswith(SAFE + "\n"), result
    assert laptop.head_message() == "respond: 1 change on laptop\n"  # committed here


# -- a remote that never answers ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["git", "ssh", "user's GIT_SSH"])
def test_a_remote_that_never_answers_ends_the_sync_and_leaves_no_process(
    tmp_path: Path, transport: str
) -> None:
    if transport != "git" and shutil.which("ssh") is None:
        pytest.skip("ssh is not installed")
    laptop = Laptop(tmp_path / "laptop")
    with silent_listener() as listener:
        scheme = "git" if transport == "git" else "ssh"
        path = f"/never/answers-{listener.port}.git"  # (what ssh's command line holds)
        laptop.set_up(f"{scheme}://127.0.0.1:{listener.port}{path}")
        if transport == "user's GIT_SSH":  # a program of the user's: respond adds no option,
            wrapper = tmp_path / "my-ssh"  # so only the deadline can end it
            wrapper.write_text(
                '#!/bin/sh\nexec ssh -F /dev/null -o ConnectTimeout=600 -o BatchMode=yes "$@"\n'
            )
            wrapper.chmod(0o755)
            laptop.env.update(GIT_SSH=str(wrapper), GIT_SSH_VARIANT="ssh")
        result = laptop("sync")
        assert_failed_safely(laptop, result)
        if transport != "ssh":  # (respond's ConnectTimeout may end ssh first: either is right)
            assert "the remote did not answer within 2 s" in result.stderr, result
        assert listener.accepted, "nothing connected to the listener"
        assert listener.all_closed_by_peer()  # every connection's process is gone
        assert processes_holding(cwd_under=laptop.repo, marker=path) == []
        status = laptop("sync", "status").stdout
        assert "to send    1 item changed here" in status


# -- a real sshd ----------------------------------------------------------------------------


@pytest.fixture
def sshd(tmp_path: Path):
    if shutil.which("ssh") is None:
        pytest.skip("ssh is not installed")
    server = Sshd(tmp_path / "sshd")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


@pytest.mark.slow
def test_sync_over_ssh_works_and_a_second_machine_receives(
    tmp_path: Path, sshd: Sshd, bare: Path
) -> None:
    laptop = Laptop(tmp_path / "laptop", timeout="60s")
    laptop.env["GIT_SSH_COMMAND"] = sshd.ssh_command()
    assert laptop("add", "Q3 numbers", "--from", "Dana").returncode == 0
    result = laptop("sync", "init", sshd.url(bare))
    assert (result.returncode, result.stderr) == (0, ""), result
    assert result.stdout == f"sync set up with {sshd.url(bare)}: sent 1 change\n"
    assert laptop("add", "Laptop", "--from", "Bob").returncode == 0
    assert laptop("sync").stdout == "sent 1 change\n"
    desktop = Laptop(tmp_path / "desktop")
    joined = desktop("sync", "init", str(bare))
    assert joined.returncode == 0 and "received 2" in joined.stdout, joined
    assert processes_holding(cwd_under=laptop.repo, marker=str(bare)) == []


@pytest.mark.slow
def test_ssh_failures_give_ssh_s_own_reason(tmp_path: Path, sshd: Sshd, bare: Path) -> None:
    laptop = Laptop(tmp_path / "laptop", timeout="60s")
    laptop.set_up(sshd.url(bare))

    # a key the server does not know
    laptop.env["GIT_SSH_COMMAND"] = sshd.ssh_command(sshd.other_key)
    refused = laptop("sync")
    assert_failed_safely(laptop, refused)
    assert "Permission denied (publickey" in refused.stderr, refused

    # a host key never seen here: never a question, a clear answer
    laptop.env["GIT_SSH_COMMAND"] = sshd.ssh_command()
    sshd.known_hosts.write_text("")
    unknown = laptop("sync")
    assert_failed_safely(laptop, unknown)
    assert f"the ssh host key of 127.0.0.1:{sshd.port} is not known here" in unknown.stderr
    assert f"ssh-keyscan -p {sshd.port} 127.0.0.1 | ssh-keygen -lf -" in unknown.stderr

    # the host's key changed: it may be an interception, and the line says so
    sshd.trust_host_key()
    assert laptop("sync").stdout == "sent 1 change\n"
    sshd.stop()
    sshd.new_host_key()
    sshd.start()
    assert laptop("add", "After the change", "--from", "Kim").returncode == 0
    changed = laptop("sync")
    assert changed.returncode == 1 and changed.stderr.endswith(SAFE + "\n"), changed
    assert f"the ssh host key of 127.0.0.1:{sshd.port} has CHANGED" in changed.stderr
    assert "intercepting" in changed.stderr and "ssh-keygen -lf -" in changed.stderr

    # a closed port: ssh's reason, not git's "Could not read from remote repository"
    sshd.stop()
    closed = laptop("sync")
    assert closed.returncode == 1 and closed.stderr.endswith(SAFE + "\n"), closed
    assert "Connection refused" in closed.stderr, closed
    assert "Could not read from remote repository" not in closed.stderr


# -- the messages, from ssh's and git's own words ------------------------------------------


def test_ssh_reasons_are_named_and_credentials_never_shown() -> None:
    refused = (
        b"ssh: connect to host 127.0.0.1 port 4: Connection refused\r\n"
        b"fatal: Could not read from remote repository.\n\nPlease make sure you have the "
        b"correct access rights\nand the repository exists.\n"
    )
    line = gitrepo.unreachable(refused, "ssh://me@127.0.0.1:4/x.git")
    assert line == (
        f"the remote could not be reached (connect to host 127.0.0.1 port 4: Connection "
        f"refused); {SAFE}"
    )
    unresolved = b"ssh: Could not resolve hostname nohost: Name or service not known\r\n"
    assert "(Could not resolve hostname nohost: Name or service" in gitrepo.unreachable(
        unresolved, "nohost:repo.git"
    )
    leaked = b"fatal: unable to access 'https://me:S3CRET@git.example/x.git/': timeout\n"
    assert "S3CRET" not in gitrepo.unreachable(leaked, "https://me:S3CRET@git.example/x.git")
    assert gitrepo.mask("https://me:S3CRET@git.example/x https://TOKEN@git.example/y") == (
        "https://…@git.example/x https://…@git.example/y"
    )
    assert gitrepo.mask("ssh://git:pw@git.example/x and ssh://git@git.example/y") == (
        "ssh://…@git.example/x and ssh://git@git.example/y"
    )
    assert gitrepo.ssh_host("git@github.com:me/data.git") == "github.com"
    assert gitrepo.ssh_host("ssh://git@127.0.0.1:2222/x") == "127.0.0.1:2222"


def test_respond_adds_its_ssh_options_after_the_user_s_own() -> None:
    mine = gitrepo.ssh_options("ssh -i ~/.ssh/k -o ConnectTimeout=5", 30, batch=True)
    assert mine.startswith("ssh -i ~/.ssh/k -o ConnectTimeout=5 -o ConnectTimeout=30")
    assert mine.endswith("-o BatchMode=yes") and "ServerAliveInterval=5" in mine
    assert "BatchMode" not in gitrepo.ssh_options("ssh", 30, batch=False)
    assert gitrepo.ssh_options("plink -batch", 30, batch=True) == ""  # not OpenSSH: left alone


def test_a_remote_with_a_password_is_never_shown(run, tmp_path: Path) -> None:
    result = run("sync", "init", "http://me:S3CRET@example.com/x.git")
    assert result.exit_code == 2 and "S3CRET" not in result.stderr, result
    port = free_port()  # nothing listens: refused at once, on loopback
    url = f"https://me:S3CRET@127.0.0.1:{port}/x.git"
    result = run("sync", "init", url)
    assert "S3CRET" not in result.stdout + result.stderr, result
    outputs = [
        run("sync"),
        run("sync", "status"),
        run("sync", "init", f"https://me:OTHER@127.0.0.1:{port}/y.git"),  # already set up
        run("today"),
        run("doctor"),
    ]
    for result in outputs:
        assert "S3CRET" not in result.stdout + result.stderr, result
    assert "https://…@127.0.0.1" in outputs[1].stdout, outputs[1]
    assert "already set up" in outputs[2].stderr and "https://…@" in outputs[2].stderr


@pytest.mark.slow
def test_a_sync_ended_by_sigterm_ends_its_git_and_ssh_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service manager stopping respond (SIGTERM), or cron's timeout: the git and ssh it
    started must not go on under PID 1."""
    import signal

    from tests.support.processes import spawn, wait_until

    if shutil.which("ssh") is None:
        pytest.skip("ssh is not installed")
    laptop = Laptop(tmp_path / "laptop", timeout="10m")
    with silent_listener() as listener:
        path = f"/never/answers-{listener.port}.git"
        laptop.set_up(f"ssh://127.0.0.1:{listener.port}{path}")
        wrapper = tmp_path / "my-ssh"  # no ConnectTimeout of respond's: only a signal ends it
        wrapper.write_text(
            '#!/bin/sh\nexec ssh -F /dev/null -o ConnectTimeout=600 -o BatchMode=yes "$@"\n'
        )
        wrapper.chmod(0o755)
        monkeypatch.setenv("RESPOND_CONFIG", str(laptop.config))
        monkeypatch.setenv("GIT_SSH", str(wrapper))
        monkeypatch.setenv("GIT_SSH_VARIANT", "ssh")
        proc = spawn(laptop.db, "--now", NOW, "sync")
        wait_until(lambda: bool(listener.accepted), "ssh connecting", every=0.05)
        assert processes_holding(cwd_under=laptop.repo, marker=path) != []
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        assert proc.returncode != 0
        assert listener.all_closed_by_peer()
        assert processes_holding(cwd_under=laptop.repo, marker=path) == []

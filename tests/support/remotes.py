"""Remotes on 127.0.0.1 for the sync tests: a listener that accepts and never answers, and a
real ``sshd`` (key-only, its own host key and config in a tmp dir, started and stopped by the
test). Nothing here ever talks to another address."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import HANG, wait_until

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Silent:
    """A listener on 127.0.0.1 that accepts every connection and never sends a byte. It
    records whether each connection was closed by the other side (its process ended)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def all_closed_by_peer(self) -> bool:
        """Whether every accepted connection was closed by the client (read gives EOF)."""
        for conn in self.accepted:
            conn.settimeout(HANG)
            try:
                while conn.recv(65536):
                    pass
            except ConnectionResetError:
                continue
            except TimeoutError:
                return False
        return True

    def close(self) -> None:
        self._stop = True
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@contextlib.contextmanager
def silent_listener() -> Iterator[Silent]:
    listener = Silent()
    try:
        yield listener
    finally:
        listener.close()


def processes_holding(*, cwd_under: Path, marker: str) -> list[str]:
    """Live processes (not zombies) whose working folder is under ``cwd_under`` or whose
    command line holds ``marker``: what a sync must never leave behind (Linux's /proc)."""
    found = []
    root = os.path.realpath(cwd_under)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            if stat.rpartition(")")[2].split()[0] == "Z":
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = ""
            with contextlib.suppress(OSError):
                cwd = os.readlink(entry / "cwd")
            if cwd == root or cwd.startswith(root + "/") or marker in cmdline:
                found.append(f"{entry.name}: {cmdline}")
    return found


class Sshd:
    """A real sshd on 127.0.0.1 at a free port, in ``folder``: key-only, its own host key,
    one authorised client key. :attr:`ssh_command` is the client's ssh (its key and a tmp
    known_hosts that trusts the host key, ``-F /dev/null``: nothing of this machine's ssh
    config), for ``GIT_SSH_COMMAND``."""

    def __init__(self, folder: Path) -> None:
        if SSHD is None:
            pytest.skip("sshd is not installed (openssh-server)")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.user = _user()
        self.host_key = folder / "host_ed25519"
        self.client_key = folder / "client_ed25519"
        self.other_key = folder / "other_ed25519"
        for key in (self.host_key, self.client_key, self.other_key):
            _keygen(key)
        (folder / "authorized_keys").write_text(
            Path(f"{self.client_key}.pub").read_text(), encoding="ascii"
        )
        os.chmod(folder / "authorized_keys", 0o600)
        self.known_hosts = folder / "known_hosts"
        self.trust_host_key()
        self.config = folder / "sshd_config"
        self.config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {self.host_key}\n"
            f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            "PubkeyAuthentication yes\nUsePAM no\nStrictModes no\n"
            "PermitRootLogin prohibit-password\n"
            f"AllowUsers {self.user}\nLogLevel ERROR\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def trust_host_key(self) -> None:
        key = Path(f"{self.host_key}.pub").read_text().split()
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {key[0]} {key[1]}\n")

    def ssh_command(self, key: Path | None = None) -> str:
        return (
            f"ssh -F /dev/null -i {key or self.client_key} -o IdentitiesOnly=yes "
            f"-o UserKnownHostsFile={self.known_hosts} -o GlobalKnownHostsFile=/dev/null"
        )

    def url(self, repo: Path) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{repo}"

    def start(self) -> None:
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # its privilege separation
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

        def listening() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                err = self.proc.stderr.read() if self.proc.stderr else b""
                pytest.fail(f"sshd ended at once: {err.decode(errors='replace')}")
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", self.port)) == 0

        wait_until(listening, "sshd listening", every=0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=HANG)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None

    def new_host_key(self) -> None:
        """The server gets another host key (reinstalled, or someone in between)."""
        self.host_key.unlink()
        Path(f"{self.host_key}.pub").unlink()
        _keygen(self.host_key)


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)],
        check=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
    )


def _user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name

"""Completion that survives quotes (issue 22, deliver 3): respond's own scripts, driven in real
interactive bash, zsh and fish through a pseudo-terminal (type, TAB, Enter, check what the
command did), its protocol, and where ``--install-completion`` puts the fish file."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from respond.cli.complete import bash_quoted, split_line
from tests.support.cli import Run
from tests.support.processes import HANG, env_for

NAMED = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
BIN = Path(sys.executable).parent
PEOPLE = ("José Ñúñez", "Jon Smith", "Zoë O'Brien-Łukasiewicz", 'Kim "the boss" Lee')


@pytest.fixture
def people(run: Run) -> None:
    for n, name in enumerate(PEOPLE):
        assert run("add", f"seed {n}", "--from", name, "--new-person").exit_code == 0


def protocol(db: Path, shell: str, line: str) -> list[str]:
    """What respond answers our ``shell`` script for ``line`` (bash: the raw line; zsh and
    fish: the words, one a line)."""
    env = env_for(db, _RESPOND_COMPLETE=f"complete_{shell}", _RESPOND_COMPLETE_LINE=line)
    out = subprocess.run(
        [sys.executable, "-m", "respond"], env=env, capture_output=True, text=True, timeout=HANG
    )
    assert out.returncode == 0 and out.stderr == "", out
    return out.stdout.splitlines()


@pytest.mark.parametrize(
    ("line", "words", "value", "quote", "start"),
    [
        ("respond who 'Jo", ["respond", "who"], "Jo", "'", 0),
        ('respond who "Zoë O', ["respond", "who"], "Zoë O", '"', 0),
        ("respond who José\\ Ñ", ["respond", "who"], "José Ñ", "", 0),
        ("respond add x --from=Da", ["respond", "add", "x"], "--from=Da", "", 7),
        ("respond who 'a b' ", ["respond", "who", "a b"], "", "", 0),
        ('respond who "a\\"b', ["respond", "who"], 'a"b', '"', 0),
    ],
)
def test_the_line_is_read_as_bash_reads_it(
    line: str, words: list[str], value: str, quote: str, start: int
) -> None:
    found, word = split_line(line)
    assert (found, word.value, word.quote, word.start) == (words, value, quote, start)


def test_bash_quoting_for_each_open_quote() -> None:
    name = 'Zoë O\'Brien "K" $x'
    assert bash_quoted(name, "'") == "Zoë O'\\''Brien \"K\" $x"
    assert bash_quoted(name, '"') == 'Zoë O\'Brien \\"K\\" \\$x'
    assert bash_quoted(name, "") == 'Zoë\\ O\\\'Brien\\ \\"K\\"\\ \\$x'


@pytest.mark.slow
def test_the_protocol_quotes_for_bash_and_leaves_zsh_and_fish_their_own(
    people: None, db_path: Path
) -> None:
    assert protocol(db_path, "bash", "respond who 'Jos") == ["José Ñúñez"]
    assert protocol(db_path, "bash", "respond who jos") == ["José\\ Ñúñez"]  # any case
    assert protocol(db_path, "bash", "respond who José\\ Ñ") == ["José\\ Ñúñez"]
    assert protocol(db_path, "bash", "respond who 'Zo") == ["Zoë O'\\''Brien-Łukasiewicz"]
    assert protocol(db_path, "bash", 'respond who "Ki') == ['Kim \\"the boss\\" Lee']
    assert protocol(db_path, "bash", "respond add x --from=Zo") == [
        "Zoë\\ O\\'Brien-Łukasiewicz"
    ]  # readline replaces what follows the =
    assert protocol(db_path, "zsh", "respond\nwho\nzo") == [
        "Zoë O'Brien-Łukasiewicz\t1 open, 1 in all"
    ]
    assert protocol(db_path, "fish", "respond\nwho\n'Ki") == [
        'Kim "the boss" Lee\t1 open, 1 in all'
    ]
    assert protocol(db_path, "bash", "respond do") == ["done", "doctor"]
    assert protocol(db_path, "bash", "respond who Nobody") == []  # not even an empty line
    assert protocol(db_path, "fish", "respond\nimport\n/tmp/x") == []  # the shell's files
    assert protocol(db_path, "bash", "respond --d") == ["--db"]


def test_wait_for_offers_only_open_asks_and_promises(run: Run, db_path: Path) -> None:
    run("add", "Q3 numbers", "--from", "Dana")  # 1
    run("promise", "deck", "--to", "Sam", "--by", "fri")  # 2
    run("add", "old", "--from", "Dana")  # 3
    run("done", "3")  # 4: its follow-up
    run("thanks", "Jane", "for the VPN")  # 5
    run("wait", "laptop", "--on", "Lee")  # 6
    run("add", "dropped", "--from", "Lee")  # 7
    run("drop", "7")
    assert protocol(db_path, "bash", "respond wait x --on Jane --for ") == ["1", "2"]
    assert "4" in protocol(db_path, "bash", "respond show ")  # elsewhere, every item


# -- real shells ------------------------------------------------------------------------------

# How each shell starts without the user's files, and reads our script.
SHELLS = {
    "bash": (["bash", "--norc", "--noprofile", "-i"], ["PS1='$ '", "source {script}"]),
    "zsh": (["zsh", "-f", "-i"], ["PS1='$ '", "autoload -Uz compinit", "compinit -u",
                                  "source {script}"]),
    "fish": (["fish", "--no-config", "-i"], ["function fish_prompt; echo '$ '; end",
                                             "source {script}"]),
}  # fmt: skip
STATUS = {"bash": "$?", "zsh": "$?", "fish": "$status"}


class Terminal:
    """An interactive shell on a pseudo-terminal (its controlling terminal, as fish needs)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.fd, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(secondary)
        self.seen = b""

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_for(self, pattern: bytes) -> re.Match[bytes]:
        """Read until ``pattern`` shows; a hang guard fails with what the screen showed."""
        deadline = time.monotonic() + HANG
        while True:
            found = re.search(pattern, self.seen)
            if found:
                return found
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"no {pattern!r} on the terminal: {self.seen!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                with contextlib.suppress(OSError):  # the shell closed the terminal
                    self.seen += os.read(self.fd, 65536)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=HANG)
        os.close(self.fd)


def shell_session(shell: str, db: Path, home: Path) -> Terminal:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    if not (BIN / "respond").exists():
        pytest.skip("the respond console script is not installed next to this Python")
    env = env_for(db, home=home, PATH=f"{BIN}:{os.environ['PATH']}", TERM="xterm", **NAMED)
    script = home / f"respond.{shell}"
    shown = subprocess.run(
        ["respond", "--show-completion", shell], env=env, capture_output=True, text=True
    )
    script.write_text(shown.stdout)
    argv, setup = SHELLS[shell]
    term = Terminal(argv, env)
    for line in setup:
        term.type(line.format(script=script) + "\r")
    term.type("echo READY$((6*7))\r" if shell != "fish" else "echo READY(math 6\\*7)\r")
    term.wait_for(rb"READY42")
    return term


def typed_with_tab(term: Terminal, shell: str, keys: str, n: int) -> int:
    """Type ``keys``, TAB, Enter: the command's exit status."""
    term.seen = b""
    term.type(keys + "\t\r")
    term.type(f"echo DONE{n}:{STATUS[shell]}\r")
    return int(term.wait_for(rb"DONE%d:(\d+)" % n)[1])


# What is typed before TAB, and whom the completed word must name.
CASES = {
    "bash": [
        ("'Jos", "José Ñúñez"),  # inside an open single quote
        ("jos", "José Ñúñez"),  # any case
        ("José\\ Ñ", "José Ñúñez"),  # after a backslash-escaped space
        ("'Zo", "Zoë O'Brien-Łukasiewicz"),  # an apostrophe inside single quotes
        ('"Zo', "Zoë O'Brien-Łukasiewicz"),
        ("Zo", "Zoë O'Brien-Łukasiewicz"),
        ("'Ki", 'Kim "the boss" Lee'),
        ('"Ki', 'Kim "the boss" Lee'),
        ("Ki", 'Kim "the boss" Lee'),
    ],
    "zsh": [
        ("'Jos", "José Ñúñez"),
        ("José\\ Ñ", "José Ñúñez"),
        ("'Zo", "Zoë O'Brien-Łukasiewicz"),
        ("Zo", "Zoë O'Brien-Łukasiewicz"),
        ('"Ki', 'Kim "the boss" Lee'),
    ],
    "fish": [
        ("'Jos", "José Ñúñez"),
        ("José\\ Ñ", "José Ñúñez"),
        ('"Zo', "Zoë O'Brien-Łukasiewicz"),
        ("Zo", "Zoë O'Brien-Łukasiewicz"),
        ("'Ki", 'Kim "the boss" Lee'),
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completed_names_reach_the_right_person(
    shell: str, people: None, run: Run, db_path: Path, tmp_path: Path
) -> None:
    """respond who 'Jo<TAB> then Enter finds José Ñúñez (exit 0: exactly one person), and
    add ... --from NAME<TAB> files the item under that person, spelled as stored."""
    home = tmp_path / "home"
    home.mkdir()
    term = shell_session(shell, db_path, home)
    try:
        assert typed_with_tab(term, shell, "respond who 'Jos", 0) == 0, term.seen
        (tmp_path / "tasks.json").write_text("[]")  # nothing of respond's: file names
        status = typed_with_tab(
            term, shell, f"respond import --from taskwarrior {tmp_path}/tas", 99
        )
        assert status == 0 and b"Nothing to import" in term.seen, term.seen
        for n, (keys, _) in enumerate(CASES[shell], start=1):
            status = typed_with_tab(term, shell, f"respond add case{n} --from {keys}", n)
            assert status == 0, (keys, term.seen)
    finally:
        term.close()
    found = json.loads(run("list", "--json").stdout)
    filed = {item["title"]: item["person"] for item in found}
    assert [filed[f"case{n}"] for n in range(1, len(CASES[shell]) + 1)] == [
        person for _, person in CASES[shell]
    ]
    assert sorted({item["person"] for item in found}) == sorted(PEOPLE)  # nobody new


@pytest.mark.slow
@pytest.mark.parametrize("xdg", [True, False])
def test_the_fish_file_goes_where_fish_reads_it(
    tmp_path: Path, db_path: Path, people: None, xdg: bool
) -> None:
    home = tmp_path / "home"
    config = tmp_path / "elsewhere"
    extra = {"XDG_CONFIG_HOME": str(config)} if xdg else {}
    env = env_for(db_path, home=home, PATH=f"{BIN}:{os.environ['PATH']}", **NAMED, **extra)
    out = subprocess.run(
        [sys.executable, "-m", "respond", "--install-completion", "fish"],
        env=env, capture_output=True, text=True, timeout=HANG,
    )  # fmt: skip
    assert out.returncode == 0, out
    where = (config if xdg else home / ".config") / "fish" / "completions" / "respond.fish"
    assert str(where) in out.stdout and "_RESPOND_COMPLETE_LINE" in where.read_text()
    if shutil.which("fish") is None or not (BIN / "respond").exists():
        return
    # fish itself finds it there (completions autoload from its config dir)
    asked = subprocess.run(
        ["fish", "-c", "complete -C \"respond who 'Jos\""],
        env=env, capture_output=True, text=True, timeout=HANG,
    )  # fmt: skip
    assert asked.stdout.startswith("José Ñúñez\t"), asked
    # where respond has nothing to offer, file names, as for any command
    (tmp_path / "tasks.json").write_text("[]")
    files = subprocess.run(
        ["fish", "-c", f"complete -C 'respond import {tmp_path}/tas'"],
        env=env, capture_output=True, text=True, timeout=HANG,
    )  # fmt: skip
    assert files.stdout == f"{tmp_path}/tasks.json\n", files


def test_install_for_bash_and_zsh_writes_our_script(tmp_path: Path, db_path: Path) -> None:
    for shell, script, rc in (
        ("bash", ".bash_completions/respond.sh", ".bashrc"),
        ("zsh", ".zfunc/_respond", ".zshrc"),
    ):
        env = env_for(db_path, home=tmp_path, **NAMED)
        command = [sys.executable, "-m", "respond", "--install-completion", shell]
        for _ in range(2):  # twice: the startup file gets its line once
            out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=HANG)
            assert out.returncode == 0, out
        assert "_RESPOND_COMPLETE_LINE" in (tmp_path / script).read_text()
        text = (tmp_path / rc).read_text()
        line = f"source '{tmp_path / script}'" if shell == "bash" else "fpath+=~/.zfunc"
        assert text.count(line) == 1

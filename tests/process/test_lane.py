"""The capture lane (``respond/cli/lane.py``) against Typer: every invocation below runs as a
real process twice, on copies of one database, through the lane and with ``RESPOND_NO_LANE=1``,
and the two must agree on stdout, stderr, the exit code and every file written. Each case also
says which path must have answered (the lane imports no Typer), so that a lane that silently
hands everything to Typer fails too. And the committed spec is what the generator gives now.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import HANG, env_for, folded, read_terminal

NOW = "2026-11-25T09:00"

#: The database every case starts from (IDs 1-6; Sam and Samira make "Sa" ambiguous; Zoë
#: Müller makes Zoey a near miss).
SEED = [
    ["add", "Q3 numbers", "--from", "Dana Whitfield", "--via", "phone"],
    ["promise", "send the draft", "--to", "Sam", "--by", "fri 3pm"],
    ["add", "VPN access", "--from", "Zoë Müller"],
    ["wait", "budget sign-off", "--on", "Samira"],
    ["add", "old thing", "--from", "Dana"],
    ["done", "5", "--no-follow-up"],
]

LANE, TYPER = True, False

CASES: list[tuple[list[str], bool]] = [
    (["add", "x", "--from", "Dana"], LANE),
    (["add", "x", "-f", "Dana", "-c", "chat", "-b", "tomorrow", "--tag", "a", "--tag", "b"], LANE),
    (["add", "--from=Dana", "--via=meeting", "x", "-n", "a note", "--note", "b"], TYPER),
    (["add", "--from=Dana", "--via=meeting", "x", "-n", "a note"], LANE),
    (["add", "x", "--by", "2026-11-20", "--from", "Dana"], LANE),  # overdue
    (["add", "x", "--from", "Dana", "--new-person"], LANE),
    (["add", "x", "--from", "Brand New Person"], LANE),
    (["add", "x", "--from", "Zoey"], LANE),  # a near miss off a terminal: a hint
    (["add", "x" * 300 + " long words " * 20, "--from", "dana"], LANE),
    (["add", "Straße \x1b[31mred\x1b[0m", "--from", "Małgorzata"], LANE),
    (["add", "", "--from", "Dana"], TYPER),  # the core refuses it
    (["promise", "p", "--to", "Sam", "--by", "fri 3pm", "--tag", "work"], LANE),
    (["promise", "p", "-t", "dana", "-b", "2d", "-n", "note"], LANE),
    (["ack", "1", "--by", "tomorrow"], LANE),
    (["ack", "#2", "-b", "mon 10am"], LANE),
    (["ack", "1", "--by=tomorrow"], LANE),
    (["ack", "1", "--by", "2026-11-20"], LANE),
    (["done", "1"], LANE),
    (["done", "1", "--follow-up", "3d", "--note", "went well"], LANE),
    (["done", "1", "--no-follow-up"], LANE),
    (["done", "2", "-n", "sent"], LANE),
    (["done", "4"], LANE),
    (["done", "1", "--no-follow-up", "--note", "x"], LANE),
    (["thanks", "Dana", "for the fix"], LANE),
    (["thanks", "Brand New", "x", "--new-person"], LANE),
    (["wait", "VPN for Bob", "--on", "Jane", "--for", "1"], LANE),
    (["wait", "ping", "--on", "Sam", "-b", "3d", "--tag", "t"], LANE),
    (["snooze", "1", "mon 10am"], LANE),
    (["snooze", "#2", "3d"], LANE),
    (["--db", "{db}", "add", "x", "--from", "Dana"], LANE),
    # what the lane leaves to Typer: help, version, mistakes, the core's errors, --mail
    (["add", "--help"], TYPER),
    (["add", "x", "-h"], TYPER),
    (["--version", "add", "x"], TYPER),
    (["add", "x", "--from", "Dana", "--bogus"], TYPER),
    (["add", "x"], TYPER),
    (["add", "--from", "Dana"], TYPER),
    (["add", "x", "--from", "Dana", "extra"], TYPER),
    (["add", "x", "--from"], TYPER),
    (["add", "x", "--from", "Dana", "--by", "bogus"], TYPER),
    (["add", "x", "--from", "Dana", "--via", "carrier-pigeon"], TYPER),
    (["add", "x", "--from", "Sa"], TYPER),  # ambiguous
    (["add", "x", "--from", "Dana", "--from", "Sam"], TYPER),
    (["add", "x", "-fDana"], TYPER),
    (["add", "--", "-x", "--from", "Dana"], TYPER),
    (["add", "x", "--from", "Dana", "--note", "-5"], TYPER),
    (["add", "x", "--from", "Dana", "--new-person=yes"], TYPER),
    (["add", "/nonexistent/message", "--mail"], TYPER),
    (["add", "x", "--from", "  "], TYPER),
    (["adds", "x", "--from", "Dana"], TYPER),
    (["ack", "99", "--by", "tomorrow"], TYPER),
    (["ack", "x", "--by", "tomorrow"], TYPER),
    (["ack", "1"], TYPER),
    (["done", "1", "--follow-up", "3d", "--no-follow-up"], TYPER),
    (["done", "999"], TYPER),
    (["done", "5"], TYPER),  # already done
    (["snooze", "1"], TYPER),
    (["snooze", "1", "whenever"], TYPER),
    (["thanks", "Dana"], TYPER),
    (["wait", "x", "--on", "Jane", "--for", "999"], TYPER),
    (["promise", "p", "--to", "Sam"], TYPER),
    (["promise", "p", "--to", "Sam", "--by", "2d", "--mail"], TYPER),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    for args in SEED:
        out = run(folder, ["--now", NOW, *args], lane=False)
        assert out.returncode == 0, out.stderr
    return folder


#: Runs ``respond ARGS`` as the installed command does, and records afterwards whether Typer
#: was imported (the lane never imports it).
PROBE = (
    "import atexit, os, sys\n"
    "atexit.register(lambda: open(os.environ['LANE_PROBE'], 'w').write("
    "str('typer' in sys.modules)))\n"
    "from respond.__main__ import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def run(
    folder: Path, args: list[str], *, lane: bool, **extra: str
) -> subprocess.CompletedProcess[str]:
    db = folder / "respond.json"
    env = env_for(
        db,
        RESPOND_CONFIG=str(folder / "config.toml"),
        LANE_PROBE=str(folder.parent / f"{folder.name}.probe"),
        **extra,
    )
    if lane:
        env.pop("RESPOND_NO_LANE", None)
    else:
        env["RESPOND_NO_LANE"] = "1"
    args = [a.replace("{db}", str(db)) for a in args]
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HANG,
    )


RANDOM = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12})$"
)


def normal(data: Any, seen: dict[str, str]) -> Any:
    """``data`` with its random values (UUIDs, score tokens) numbered by first appearance."""
    if isinstance(data, dict):
        return {k: normal(v, seen) for k, v in data.items()}
    if isinstance(data, list):
        return [normal(v, seen) for v in data]
    if isinstance(data, str) and RANDOM.match(data):
        return seen.setdefault(data, f"<random {len(seen)}>")
    return data


def files(folder: Path) -> dict[str, Any]:
    """Every file under ``folder``, its capture log folded in (the lane appends an add to
    ``respond.json.captures`` where Typer rewrites the active file: what the two must agree
    on is the database once the log is folded in, every file of it): JSON normalised
    (:func:`normal`), else its bytes."""
    folded(folder / "respond.json")
    found: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            if path.name == "respond.json":  # which capture log was folded in
                data = json.loads(raw)
                data.get("meta", {}).get("1", {}).pop("captures", None)
                raw = json.dumps(data).encode()
            elif path.name.endswith(".names"):  # the active file's inode and times
                head, _, people = raw.partition(b"\n")
                doc = json.loads(head)
                doc["db"] = doc["db"][:1]
                raw = json.dumps(doc).encode() + b"\n" + people
            elif path.name.endswith(".lock"):  # who held it, and when
                raw = b"<lock>"
            elif path.name.endswith(".state"):  # the database's inode and times, then counts
                head, _, rest = raw.partition(b"\n")
                fields = head.split()
                raw = b" ".join(fields[:2] + fields[4:5]) + b"\n" + rest
            try:
                found[str(path.relative_to(folder))] = normal(json.loads(raw), {})
            except ValueError:
                found[str(path.relative_to(folder))] = raw
    return found


def both(seeded: Path, tmp_path: Path, args: list[str], **extra: str) -> tuple[Any, Any, bool]:
    """Run ``args`` through the lane and through Typer, each on its own copy of ``seeded``:
    what each showed and wrote, and whether the lane answered."""
    results = []
    for lane in (True, False):
        folder = tmp_path / ("lane" if lane else "typer")
        shutil.copytree(seeded, folder)
        out = run(
            folder,
            ["--now", NOW, *args] if args[0] != "--db" else [*args[:2], "--now", NOW, *args[2:]],
            lane=lane,
            **extra,
        )
        typer_used = (tmp_path / f"{folder.name}.probe").read_text() == "True"
        shown = (
            out.returncode,
            out.stdout.replace(str(folder), "<dir>"),
            out.stderr.replace(str(folder), "<dir>"),
        )
        results.append((shown, files(folder), typer_used))
    (lane_shown, lane_files, lane_typer), (typer_shown, typer_files, _) = results
    return (lane_shown, lane_files), (typer_shown, typer_files), not lane_typer


@pytest.mark.parametrize(("args", "by_lane"), CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_the_lane_and_typer_agree(
    seeded: Path, tmp_path: Path, args: list[str], by_lane: bool
) -> None:
    lane, typer, answered = both(seeded, tmp_path, args)
    assert lane[0] == typer[0]
    assert lane[1] == typer[1]
    assert answered == by_lane, lane[0]


def test_a_broken_config_file_is_typers_to_report(seeded: Path, tmp_path: Path) -> None:
    (seeded / "config.toml").write_text("[sync\n", encoding="utf-8")
    try:
        lane, typer, answered = both(seeded, tmp_path, ["add", "x", "--from", "Dana"])
    finally:
        (seeded / "config.toml").unlink()
    assert lane == typer
    assert lane[0][0] == 2 and not answered


@pytest.mark.parametrize(
    "args",
    [["add", "x", "--from", "Dana"], ["done", "1"], ["wait", "w", "--on", "Sam"]],
    ids=["add", "done", "wait"],
)
def test_the_config_file_counts_alike(seeded: Path, tmp_path: Path, args: list[str]) -> None:
    """Both paths read the same settings: the default channel, the working week, the
    follow-up delay, the chase delay."""
    (seeded / "config.toml").write_text(
        'default_channel = "chat"\nwait_chase = "1bd"\n[work]\ndays = "mon-thu"\n'
        'start = "08:00"\nend = "16:00"\n[follow_up]\ndefault = "3d"\n',
        encoding="utf-8",
    )
    try:
        lane, typer, answered = both(seeded, tmp_path, args)
    finally:
        (seeded / "config.toml").unlink()
    assert lane == typer
    assert lane[0][0] == 0 and answered


def test_a_lost_confirmation_is_reported_alike(seeded: Path, tmp_path: Path) -> None:
    """stdout on a full disk: the change is saved (the lane never falls through after a
    write), and both paths say so in the same words (the lane borrows Typer's error path for
    it, so Typer is imported then)."""
    outcomes = []
    for lane in (True, False):
        folder = tmp_path / str(lane)
        shutil.copytree(seeded, folder)
        env = env_for(
            folder / "respond.json",
            RESPOND_CONFIG=str(folder / "c.toml"),
            LANE_PROBE=str(tmp_path / "probe"),
        )
        if not lane:
            env["RESPOND_NO_LANE"] = "1"
        with open("/dev/full", "w") as full:
            out = subprocess.run(
                [sys.executable, "-c", PROBE, "--now", NOW, "add", "x", "--from", "Dana"],
                env=env,
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=HANG,
            )
        outcomes.append((out.returncode, out.stderr, files(folder)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == 1 and "saved #6, but could not write" in outcomes[0][1]


def test_the_committed_spec_is_the_typer_apps() -> None:
    """``respond/cli/lanespec.py`` is what ``python -m respond.cli.lanegen`` writes now: run it
    after changing a capture command."""
    from respond.cli import lanegen

    assert lanegen.SPEC.read_text(encoding="utf-8") == lanegen.source()


def test_every_lane_command_is_in_the_spec_with_its_handlers_parameters() -> None:
    """A capture command whose options changed is left out of the lane (Typer runs it) until
    its handler in cli/lane.py reads the new parameters: this says which."""
    from respond.cli import lanespec
    from respond.cli.lane import HANDLERS

    assert set(lanespec.COMMANDS) == set(HANDLERS)
    for name, (_handler, params) in HANDLERS.items():
        assert set(lanespec.COMMANDS[name]["params"]) == params, name


def on_terminal(folder: Path, args: list[str], *, lane: bool, answer: bytes) -> tuple[int, str]:
    """``respond --now NOW ARGS`` with stdin, stdout and stderr on one 60-column
    pseudo-terminal; ``answer`` is typed once something ending in ``?`` or ``] `` shows."""
    env = env_for(
        folder / "respond.json",
        RESPOND_CONFIG=str(folder / "config.toml"),
        LANE_PROBE=str(folder.parent / f"{folder.name}.probe"),
        TERM="xterm-256color",
    )
    for name in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    if not lane:
        env["RESPOND_NO_LANE"] = "1"
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 60, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBE, "--now", NOW, *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        start_new_session=True,
    )
    os.close(secondary)
    shown = read_terminal(primary, b"[Y/n] ", answer)
    proc.wait(timeout=HANG)
    os.close(primary)
    return proc.returncode, shown.decode()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "by_lane"),
    [
        (
            ["add", "a title long enough to be wrapped on a narrow terminal " * 2, "-f", "Dana"],
            LANE,
        ),
        (["add", "x", "--from", "Zoey"], TYPER),  # the question: Typer's path asks it
        (["add", "x", "--from", "Zoey", "--new-person"], LANE),
        (["thanks", "Zoey", "x"], TYPER),
    ],
)
def test_on_a_terminal_the_lane_and_typer_agree(
    seeded: Path, tmp_path: Path, args: list[str], by_lane: bool
) -> None:
    shown = []
    for lane in (True, False):
        folder = tmp_path / ("lane" if lane else "typer")
        shutil.copytree(seeded, folder)
        code, text = on_terminal(folder, args, lane=lane, answer=b"y\r")
        typer_used = (tmp_path / f"{folder.name}.probe").read_text() == "True"
        shown.append((code, text, files(folder)))
        if lane:
            assert typer_used != by_lane, text
    assert shown[0] == shown[1]
    assert shown[0][0] == 0

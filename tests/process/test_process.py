"""What only a real process shows: the installed entry point, concurrent writers, imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.processes import RESPOND, env_for, modules_after, respond, spawn


def test_console_script_and_module_both_work(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    added = respond(db, "--now", "2026-11-25T10:00", "add", "Q3 numbers", "--from", "Dana")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added #1: Q3 numbers for Dana, due tomorrow 17:00\n"
    listed = respond(db, "list", "--json", module=True)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["title"] == "Q3 numbers"
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_help_explains_every_command(tmp_path: Path) -> None:
    out = respond(tmp_path / "db.json", "--help")
    assert out.returncode == 0
    for command in ("add", "promise", "ack", "wait", "done", "drop", "snooze", "edit", "show"):
        assert command in out.stdout
    for command in ("undo", "list", "today"):
        sub = respond(tmp_path / "db.json", command, "--help")
        assert sub.returncode == 0 and "Usage" in sub.stdout


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_text("{not json")
    out = respond(db, "list")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert db.read_text() == "{not json"


@pytest.mark.slow
@pytest.mark.parametrize("writers", [8])
def test_concurrent_adds_all_land(tmp_path: Path, writers: int) -> None:
    db = tmp_path / "db.json"
    procs = [spawn(db, "add", f"task {n}", "--from", f"P{n}") for n in range(writers)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    items = json.loads(respond(db, "list", "--json").stdout)
    assert sorted(i["title"] for i in items) == sorted(f"task {n}" for n in range(writers))
    assert sorted(i["id"] for i in items) == list(range(1, writers + 1))


def test_commands_import_only_what_they_use(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    help_mods = modules_after(db, "--help")
    assert not {"rich", "tinydb", "dateutil"} & help_mods
    list_mods = modules_after(db, "list", "--json")
    assert not {"rich", "dateutil", "tinydb"} & list_mods


#: Never imported by the everyday commands below: the export and import formats, the date
#: grammar (read only when a date is typed or a default like done's "7d" is parsed), the
#: JSON shapes (only with --json), and apprise (respond remind's alone).
NOT_EVERYDAY = {
    "apprise",
    "dateutil",
    "icalendar",
    "platformdirs",
    "respond.core.dates",
    "respond.cli.shapes",
    "respond.formats.export",
    "respond.formats.imports",
    "respond.formats.taskwarrior",
    "respond.storage.doctor",
}


def test_everyday_commands_import_only_what_they_use(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert respond(db, "--now", "2026-11-25T10:00", "add", "seed", "--from", "Dana").returncode == 0
    # changes draw nothing: no Rich, no renderer; a capture appends to the capture log,
    # without TinyDB
    for args in (("add", "x", "--from", "Dana"), ("done", "1", "--no-follow-up"), ("undo",)):
        mods = modules_after(db, "--now", "2026-11-25T10:05", *args)
        assert ("tinydb" in mods) == (args[0] != "add"), args
        assert not (NOT_EVERYDAY | {"rich", "respond.cli.render"}) & mods, args
    assert "respond.core.dates" in modules_after(db, "snooze", "2", "fri")
    # views draw; they change nothing, so they need no actions (show parses an ID with them)
    # and no TinyDB: a read parses the file itself
    for args in (("today",), (), ("list",), ("who", "Dana"), ("week",), ("show", "1")):
        mods = modules_after(db, *args)
        assert "rich" in mods
        assert not (NOT_EVERYDAY | {"tinydb", "respond.storage.tinyview"}) & mods, args
        assert args == ("show", "1") or "respond.core.actions" not in mods, args


def test_today_imports_neither_other_commands_nor_what_it_does_not_draw(tmp_path: Path) -> None:
    """``today`` (issue 23: at most a minimal Typer app printing one Rich table), in
    instructions at 10,000 items (callgrind, 2026-12-07): each other command's module and
    what it imports cost 14M, rich.table (show and who draw grids) 21M, storage/config.py
    without a config file 3M, cli/sync.py when it never synced 1M; 521M in all before,
    451M after, against 381M for the minimal app (424M with the core's classes plain and no
    write-only storage module)."""
    db = tmp_path / "db.json"
    assert respond(db, "--now", "2026-11-25T10:00", "add", "seed", "--from", "Dana").returncode == 0
    others = {"capture", "data", "mail", "maintenance", "people", "remind", "setup"}
    unused = {f"respond.cli.commands.{name}" for name in others}
    unused |= {"respond.cli.sync", "respond.storage.config", "rich.table", "rich.padding"}
    # nor the capture lane, nor what only a write needs (the lock, backups, journal): 5M
    unused |= {"respond.cli.lane", "respond.storage.lock", "respond.storage.backups"}
    unused |= {"respond.storage.journal", "respond.storage.scorelog"}
    for args in (("today",), ()):
        mods = modules_after(db, *args)
        assert "respond.cli.commands.review" in mods and "rich.text" in mods, args
        assert not unused & mods, (args, unused & mods)


def test_the_capture_lane_imports_neither_typer_click_nor_rich(tmp_path: Path) -> None:
    """add, promise, ack, wait, done, snooze and thanks go through the capture lane
    (cli/lane.py); what it leaves to Typer (here --help) imports Typer as before. Nor does a
    capture import tempfile (temp files are made as mkstemp makes them) or shutil (a backup is
    a hard link): with them, one add at 10,000 items counted 318M instructions, without 308M
    (callgrind, 2026-12-07; python -c pass 38M)."""
    db = tmp_path / "db.json"
    now = ("--now", "2026-11-25T10:00")
    assert respond(db, *now, "add", "seed", "--from", "Dana").returncode == 0
    for args, appended in (
        (("add", "x", "--from", "Dana", "--via", "phone", "--tag", "t"), True),
        (("promise", "p", "--to", "Dana", "--by", "2026-11-27 15:00"), True),
        (("wait", "w", "--on", "Sam"), True),
        (("thanks", "Dana", "for it"), True),
        (("ack", "1", "--by", "tomorrow"), False),
        (("wait", "w", "--on", "Sam", "--for", "1"), False),
        (("snooze", "2", "3d"), False),
        (("done", "1"), False),
    ):
        mods = modules_after(db, *now, *args)
        assert "respond.cli.lane" in mods, args
        assert not {"typer", "click", "rich", "respond.cli.context"} & mods, args
        assert not {"tempfile", "shutil"} & mods, args
        # a new item is appended to the capture log: none of what a full write needs
        assert ("tinydb" not in mods) == appended, args  # (TinyDB: a full write)
        if appended:  # (but uuid, with platform, which makes the new item's uuid: 10M)
            heavy = set(HEAVY) - {"uuid", "platform"}
            assert not heavy & mods, (args, sorted(heavy & mods))
    assert "typer" in modules_after(db, *now, "add", "--help")


def test_commands_run_without_the_cyclic_collector(tmp_path: Path) -> None:
    """A command is short-lived and makes no cycles worth collecting: the collector stays off,
    and what is alive at exit is frozen, out of the interpreter's last collection."""
    code = (
        "import gc\n"
        "from respond.__main__ import main\n"
        "try:\n"
        "    main(['list'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env_for(tmp_path / "db.json"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.splitlines()[-1] == "False True", out.stderr


def test_reads_never_import_tinydb(tmp_path: Path) -> None:
    """TinyDB only where a command writes: reading commands parse the file themselves."""
    db = tmp_path / "db.json"
    assert respond(db, "--now", "2026-11-25T10:00", "add", "seed", "--from", "Dana").returncode == 0
    for args in (("people",), ("export", "--format", "json"), ("list", "--json"), ("show", "1")):
        mods = modules_after(db, *args)
        assert not {"tinydb", "respond.storage.tinyview"} & mods, args
    assert "tinydb" in modules_after(db, "--now", "2026-11-25T10:05", "done", "1")


@pytest.mark.parametrize(
    "now",
    ["2026-11-25T10:00", "2026-11-25 10:00:30", "2026-11-25T10:00+01:00", "2026-11-25t09:00z"],
)
def test_an_iso_now_skips_the_date_grammar(tmp_path: Path, now: str) -> None:
    """--now with a plain ISO date and time is read without the grammar and dateutil; a date
    phrase still loads them. Both give the same moment (the grammar reads ISO by the same rule)."""
    db = tmp_path / "db.json"
    for args in (("today",), ("list",), ("add", "x", "--from", "Dana")):
        mods = modules_after(db, "--now", now, *args)
        assert not {"respond.core.dates", "dateutil"} & mods, (now, args)
    assert "respond.core.dates" in modules_after(db, "--now", "wed 10am", "today")


def test_the_prompts_rebuild_imports_no_tinydb(tmp_path: Path) -> None:
    """Without its state file, the prompt reads the database itself: still no TinyDB."""
    db = tmp_path / "db.json"
    assert respond(db, "--now", "2026-11-25T10:00", "add", "seed", "--from", "Dana").returncode == 0
    state = db.with_name(db.name + ".state")
    state.unlink()
    mods = modules_after(db, "--now", "2026-11-25T10:00", "prompt", "--format", "{open}")
    assert "respond.storage.dbfile" in mods  # (the rebuild ran)
    assert not {"tinydb", "respond.storage.tinyview", "respond.core.dates"} & mods


#: What a capture (``respond add``, through the lane) imports of ours, and ``cli.output`` (the
#: confirmation and the hints): issue 23's ``add`` at 3x ``python -c pass``.
CAPTURE_MODULES = (
    "respond.cli.lanespec",
    "respond.cli.lane",
    "respond.cli.appstate",
    "respond.core.actions",
    "respond.core.model",
    "respond.core.people",
    "respond.core.env",
    "respond.core.clock",
    "respond.core.settings",
    "respond.core.worktime",
    "respond.core.timefmt",
    "respond.core.text",
    "respond.core.errors",
    "respond.core.value",
    "respond.storage.paths",
    "respond.storage.lock",
    "respond.storage.files",
    "respond.cli.output",
    # and what every capture calls besides: the lane's question (never asked off a terminal)
    # and App.confirm's background sync (is sync set up?)
    "respond.cli.askperson",
    "respond.cli.autosync",
    "respond.storage.syncstatus",
)
#: What none of them may import when imported: ``typing`` (15.7M instructions with re,
#: contextlib, warnings...), ``uuid`` (10M: it imports ``platform``), ``pathlib`` (17M),
#: ``contextlib`` (5M), orjson (44M), TinyDB (7.6M), the CLI stack (callgrind, ``python -c
#: "import X"`` over ``python -c pass``). The functions that need one import it themselves.
HEAVY = [
    "typing",
    "uuid",
    "pathlib",
    "contextlib",
    "dataclasses",
    "inspect",
    "orjson",
    "tinydb",
    "rich",
    "typer",
    "click",
    "tempfile",
    "shutil",
    "platform",
]


@pytest.mark.parametrize(
    "modules",
    [
        pytest.param([m for m in CAPTURE_MODULES if m != "respond.cli.lane"], id="without-lane"),
        pytest.param(list(CAPTURE_MODULES), id="with-lane"),
    ],
)
def test_the_captures_modules_import_nothing_heavy(modules: list[str]) -> None:
    """Importing the capture's modules, in a fresh interpreter, imports none of ``HEAVY``."""
    code = f"import sys\nimport {', '.join(modules)}\nprint(' '.join(sorted(sys.modules)))\n"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(out.stdout.split())
    assert set(modules) <= loaded
    assert not set(HEAVY) & loaded, sorted(set(HEAVY) & loaded)


def test_a_closed_stdout_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """``respond list >&-``: Python starts with ``sys.stdout`` None; each command says it could
    not write its output (a change: that it was saved) and exits 1, as with ``> /dev/full``."""
    db = tmp_path / "db.json"
    assert respond(db, "--now", "2026-11-25T10:00", "add", "seed", "--from", "Dana").returncode == 0
    for args, said in (
        ("list", "could not write the output"),
        ("today", "could not write the output"),
        ("add x --from Dana", "saved #2, but could not write the confirmation"),
        ("done 1 --no-follow-up", "saved #1, but could not write the confirmation"),
    ):
        out = subprocess.run(
            ["sh", "-c", f'"$RESPOND" --now 2026-11-25T10:05 {args} >&-'],
            env=env_for(db, RESPOND=RESPOND),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 1, (args, out.stderr)
        assert out.stderr == f"respond: {said}: Bad file descriptor\n", (args, out.stderr)
    shown = respond(db, "list", "--json", "--all")
    assert [i["title"] for i in json.loads(shown.stdout)] == ["seed", "x"]

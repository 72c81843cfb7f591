"""Conventions users expect of a terminal tool: colour only on a terminal and never with
NO_COLOR (or ``color = false``), ``--version``, ``--json`` listings, documented exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from respond import __version__
from tests.support.cli import Run
from tests.support.paths import ROOT
from tests.support.processes import on_a_terminal

COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)[0-9;]*m")  # a foreground colour
ANY_ESCAPE = re.compile(r"\x1b\[")
USAGE = ROOT / "docs" / "usage.md"


@pytest.fixture
def overdue(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-20")


def test_a_terminal_gets_colour(overdue: None, db_path: Path) -> None:
    assert COLOUR.search(on_a_terminal(db_path, "list"))


def test_no_color_gives_plain_text_on_a_terminal(overdue: None, db_path: Path) -> None:
    shown = on_a_terminal(db_path, "list", NO_COLOR="1")
    assert "Q3 numbers" in shown and not COLOUR.search(shown)


def test_color_false_in_the_config_gives_plain_text(
    overdue: None, db_path: Path, tmp_path: Path
) -> None:
    config = Path(os.environ["RESPOND_CONFIG"])
    config.write_text("color = false\n")
    shown = on_a_terminal(db_path, "today", RESPOND_CONFIG=str(config))
    assert "Q3 numbers" in shown and not COLOUR.search(shown)


def test_piped_output_is_plain(overdue: None, db_path: Path) -> None:
    env = {**os.environ, "RESPOND_DB": str(db_path), "TERM": "xterm-256color"}
    for command in ("list", "today", "show"):
        args = [command, "1"] if command == "show" else [command]
        out = subprocess.run(
            [sys.executable, "-m", "respond", "--now", "2026-11-25T10:00", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0 and "Q3 numbers" in out.stdout
        assert not ANY_ESCAPE.search(out.stdout)


def test_version(run: Run) -> None:
    out = run("--version", now=None)
    assert out.exit_code == 0 and out.stdout == f"respond {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_listings_have_json(run: Run, overdue: None) -> None:
    for args in (["list"], ["list", "--all"], ["show", "1"], ["config"]):
        out = run(*args, "--json")
        assert out.exit_code == 0, (args, out)
        json.loads(out.stdout)
    assert json.loads(run("export").stdout)["items"][0]["title"] == "Q3 numbers"


def test_exit_codes_are_documented_and_true(run: Run) -> None:
    usage = USAGE.read_text()
    assert "Exit codes: 0 ok, 1 nothing found" in usage and "2 bad input" in usage
    assert run("undo").exit_code == 1  # nothing found
    assert run("add", "x", "--from", "Dana", "--by", "someday").exit_code == 2  # bad input
    assert run("list").exit_code == 0

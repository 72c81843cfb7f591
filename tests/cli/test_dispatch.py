"""``respond ARGS`` builds only the command that runs (``respond.cli.app.app_for``), and says
exactly what the whole app says: the same output, errors and exit codes, help included."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from respond.cli.app import app, app_for
from tests.support.cli import NOW

EVERY = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]

CASES: list[list[str]] = [
    [],
    ["--now", NOW],
    ["--help"],
    ["-h"],
    ["--version"],
    ["bogus"],
    ["ad"],
    ["--bogus"],
    ["--db"],
    ["--now"],
    ["--", "add", "x", "--from", "Dana", "--now", NOW],
    *([name, "--help"] for name in sorted(EVERY)),
    ["people", "rename", "--help"],
    ["config", "path", "--help"],
    ["config", "bogus"],
    ["add"],
    ["add", "x"],
    ["--now", NOW, "add", "x", "--from", "Dana"],
    ["--now", NOW, "add", "x", "--from", "Dana", "--by", "someday"],
    ["--now", NOW, "add", "x", "--from", "Dana", "--bogus"],
    ["--db", "other.json", "--now", NOW, "promise", "x", "--to", "Sam", "--by", "fri"],
    ["--now", NOW, "today", "--json"],
    ["list", "--bogus"],
    ["list", "--json"],
    ["show", "abc"],
    ["--now", NOW, "week"],
    ["who", "Dana"],
    ["people"],
    ["prompt", "--format", "{open}"],
    ["shell-init", "bash"],
    ["undo"],
    ["config", "path"],
]


def outcome(command: typer.Typer, args: list[str], where: Path) -> tuple[int, str, str]:
    where.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(where)
        patch.setenv("RESPOND_DB", "respond.json")  # the same text in both places
        result = CliRunner().invoke(command, args, prog_name="respond")
    assert not isinstance(result.exception, AssertionError), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_the_command_alone_says_what_the_whole_app_says(args: list[str], tmp_path: Path) -> None:
    whole = outcome(app, args, tmp_path / "whole")
    alone = outcome(app_for(args), args, tmp_path / "alone")
    assert alone == whole


@pytest.mark.parametrize(
    ("args", "built"),
    [
        (["--db", "x.json", "--now", NOW, "add", "t", "--from", "Dana"], {"add"}),
        (["done", "3"], {"done"}),
        (["list", "--help"], {"list"}),
        ([], set()),
        (["--now", NOW], set()),
        (["--version"], set()),
        (["people", "rename", "a", "b"], {"people"}),
        (["config"], {"config"}),
        (["--help"], EVERY),
        (["bogus"], EVERY),
        (["--bogus"], EVERY),
        (["--db"], EVERY),
    ],
)
def test_only_the_command_that_runs_is_built(args: list[str], built: set[str]) -> None:
    group = typer.main.get_command(app_for(args))
    assert set(group.commands) == built  # type: ignore[attr-defined]


def test_shell_completion_gets_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_RESPOND_COMPLETE", "bash_complete")
    assert app_for(["ad"]) is app


@pytest.mark.parametrize(
    "args", [["--help", "today"], ["--now", NOW, "--help", "people"], ["-h", "add", "x"]]
)
def test_run_shows_the_whole_groups_help_whatever_command_follows(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``respond --help CMD`` is the group's help, as ``respond --help``: every command, and
    ``-h, --help`` (``run`` reused the group built to parse the group's options: it listed
    the command named alone, and its help option was made without the group's context
    settings, ``--help`` alone)."""
    from respond.cli.app import run

    def shown(args: list[str]) -> tuple[int, str]:
        with pytest.raises(SystemExit) as stopped:
            run(args)
        return stopped.value.code or 0, capsys.readouterr().out

    group = shown(["--help"])
    assert "-h, --help" in group[1] and "  promise " in group[1]
    assert shown(args) == group

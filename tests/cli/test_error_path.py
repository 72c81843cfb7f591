"""The one error path as users meet it: each user error one line on stderr with the status it
carries, and warnings, hints and notes written through the command's output environment
(``Environment.warn``), never past it to the process's stderr."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

import pytest

from respond.cli.output import Environment
from respond.core.errors import ExitStatus
from tests.support.cli import NOW, Run, invoke


def test_a_hint_goes_through_the_output_environment(run: Run) -> None:
    run("add", "x", "--from", "Zoë Müller")
    stderr = io.StringIO()
    result = invoke("add", "y", "--from", "Zoey", now=NOW, obj=partial(Environment, stderr=stderr))
    assert result.exit_code == ExitStatus.OK
    assert stderr.getvalue().startswith("respond: hint: Zoey is new; did you mean Zoë Müller?")
    assert result.stderr == ""


def test_an_export_note_goes_through_the_output_environment(run: Run, tmp_path: Path) -> None:
    run("add", "x", "--from", "Dana")
    stderr = io.StringIO()
    target = tmp_path / "out.json"
    result = invoke(
        "export", "--output", str(target), now=NOW, obj=partial(Environment, stderr=stderr)
    )
    assert result.exit_code == ExitStatus.OK and target.exists()
    assert stderr.getvalue() == f"Exported 1 item(s) as json to {target}\n"


@pytest.mark.parametrize(
    "args",
    [
        ("done", "1", "--follow-up", "fri", "--no-follow-up"),
        ("edit", "1", "--new-person"),
        ("export", "--format", "xml"),
        ("import", "--from", "things", "x.json"),
        ("remind", "--install", "--uninstall"),
        ("add", "x", "--from", "Dana", "--by", "next blursday"),
        ("list", "--nope"),
    ],
)
def test_bad_input_is_one_line_and_status_2(run: Run, args: tuple[str, ...]) -> None:
    run("add", "x", "--from", "Dana")
    result = run(*args)
    assert result.exit_code == ExitStatus.BAD_INPUT, result
    assert result.stdout == ""
    assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1


def test_nothing_found_is_status_1(run: Run) -> None:
    result = run("who", "nobody")
    assert result.exit_code == ExitStatus.NOT_FOUND
    assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1

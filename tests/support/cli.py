"""The in-process CLI as tests see it: the ``run`` fixture's result type (the fixture itself is in
tests/conftest.py), the fixed "now" and the shared scenarios built through it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

NOW = "2026-11-25T10:00"  # a Wednesday, 10:00 local


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Result({self.exit_code}, out={self.stdout!r}, err={self.stderr!r})"


Run = Callable[..., Result]


def day(run: Run) -> None:
    """A Wednesday morning (2026-11-25 10:00) with something in every section."""
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-23T10:00")  # 1: due Tue 17:00
    run("wait", "VPN access", "--on", "Jane", "--for", "1", now="2026-11-23T10:05")  # 2
    run("add", "Laptop", "--from", "Bob", now="2026-11-23T10:10")  # 3
    run("wait", "Laptop stock", "--on", "Lee", "--for", "3", now="2026-11-23T10:15")  # 4
    run("done", "4", now="2026-11-24T09:00")  # Lee answered: relay it to Bob
    run("add", "Invoice", "--from", "Sam", now="2026-11-20T10:00")  # 5
    run("done", "5", "--follow-up", "2026-11-24 12:00", now="2026-11-20T11:00")  # 6: follow-up
    run("add", "Call back", "--from", "Pat", "--via", "phone", now="2026-11-25T08:00")  # 7: 13:00
    run("promise", "the deck", "--to", "Sam", "--by", "fri", now="2026-11-25T08:05")  # 8: not today
    run("thanks", "Jane", "for the VPN", now="2026-11-24T08:05")  # 9


_COMMANDS: dict[tuple[int, ...], Any] = {}


def command_for(argv: list[str]) -> Any:
    """The Click command that ``respond ARGV`` runs (``app_for``: only the command named),
    built once per test process through Typer's public ``get_command``, as the real command
    builds it once per run."""
    from typer.main import get_command

    from respond.cli.app import app_for

    typer_app = app_for(argv)
    # the commands it holds are app's own CommandInfo objects, whichever copy holds them
    key = tuple(id(c) for c in [*typer_app.registered_commands, *typer_app.registered_groups])
    if key not in _COMMANDS:
        _COMMANDS[key] = get_command(typer_app)
    return _COMMANDS[key]


def invoke(
    *args: str,
    now: str | None = None,
    input: str | bytes | None = None,
    env: dict[str, str] | None = None,
    obj: Any = None,
) -> Result:
    """The one in-process invoker: ``respond [--now NOW] ARGS`` with Click's runner (stdout
    and stderr apart); ``obj`` is the app's output environment, as a test may hand in its own
    (``partial(Environment, stdout_isatty=True)``). Any exception but a clean exit fails the
    test, naming the command, and so does a traceback in the output."""
    from click.testing import CliRunner

    argv = (["--now", now] if now else []) + list(args)
    result = CliRunner().invoke(
        command_for(argv), argv, input=input, env=env, obj=obj, prog_name="respond"
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}") from result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return Result(result.exit_code, result.stdout, result.stderr)


def clean_answer(db: Path, content: bytes, now: str, *command: str) -> Result:
    """``command`` at ``now`` with ``db`` holding ``content``, alone in its folder: it answers
    cleanly (exit 0, 1 or 2, no traceback), and a refusal (exit 2; ``doctor`` reports instead)
    is one line that left the file as it was."""
    for path in db.parent.iterdir():
        if path.is_file():
            path.unlink()
    db.write_bytes(content)
    result = invoke(*command, now=now)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2 and command[0] != "doctor":
        assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1
        assert db.read_bytes() == content
    return result

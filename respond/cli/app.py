"""The command line: the ``respond`` group, its global options, and every command registered
by area. The commands themselves live in ``respond/cli/commands/`` (capture, review, people,
data, setup, maintenance, remind, mail) and ``cli/sync.py``: each parses its options, opens a
storage transaction, calls one core function and prints one line. What they share at run time
(the per-invocation :class:`~respond.cli.appstate.App`, the error path) is ``cli/context.py``;
the options they share are ``cli/options.py``. Errors from the core become one line on stderr
with the contract's exit code (:class:`RespondGroup`).

No ``from __future__ import annotations`` here on purpose: Typer reads every command's
annotations at start-up, and evaluating them as strings costs ~6 ms per invocation.
"""

import sys
from functools import cache
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from respond import __version__
from respond.cli.appstate import App
from respond.cli.context import UsageError, fail, output_lost, usage_error
from respond.cli.options import WHEN_RULE, DbOpt, NowOpt
from respond.core.dateforms import ACCEPTED_FORMS
from respond.core.errors import RespondError


class RespondGroup(TyperGroup):
    """Turns every user error (a :class:`RespondError`, a usage error) into one line on stderr
    and the exit status it carries (:class:`~respond.core.errors.ExitStatus`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as err:
            fail(usage_error(err))

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a full disk or closed pipe shows here, not at exit
        except OSError as err:
            if err.filename is not None:  # a file's error, not the output's
                raise
            output_lost(ctx, err)
        except RespondError as err:
            fail(err)
        except UsageError as err:
            fail(usage_error(err))


group = typer.Typer(
    cls=RespondGroup,
    name="respond",
    help=(
        "Keep what you owe people: asks, promises, waiting-ons and follow-ups.\n\n"
        "Run with no command for today's review. Dates accept: " + ACCEPTED_FORMS + ". " + WHEN_RULE
    ),
    epilog="Guide: docs/ in respond's source: docs/usage.md first, then dates, sync, reminders, "
    "mail, prompt, guarantees, performance, design.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)
"""The group alone, with its options and no command: :data:`app` is this group with every
command, and :func:`app_for` gives it with only the command that runs."""


def _version(value: bool) -> None:
    if value:
        print(f"respond {__version__}")
        raise typer.Exit()


@group.callback()
def main(
    ctx: typer.Context,
    db: DbOpt = None,
    now: NowOpt = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    ctx.obj = App(db, now, make_output=ctx.obj)
    if ctx.invoked_subcommand is None:
        from respond.cli.commands import review

        review.today(ctx)


# The commands, by area (respond/cli/commands/), in the order --help lists them: (name, module
# under respond.cli, attribute, registered under its name rather than the function's). A
# command's module is imported only when that command is built: importing all of them (and
# what they import) cost `respond today` ~12M instructions it never used.
COMMANDS: tuple[tuple[str, str, str, bool], ...] = (
    ("add", "commands.capture", "add", False),
    ("promise", "commands.capture", "promise", False),
    ("ack", "commands.capture", "ack", False),
    ("wait", "commands.capture", "wait", False),
    ("done", "commands.capture", "done", False),
    ("drop", "commands.capture", "drop", False),
    ("snooze", "commands.capture", "snooze", False),
    ("edit", "commands.capture", "edit", False),
    ("delete", "commands.capture", "delete", False),
    ("reopen", "commands.capture", "reopen", False),
    ("follow-up", "commands.capture", "follow_up", True),
    ("undo", "commands.maintenance", "undo", False),
    ("show", "commands.review", "show", False),
    ("list", "commands.review", "list_", True),
    ("today", "commands.review", "today", False),
    ("export", "commands.data", "export", False),
    ("import", "commands.data", "import_", True),
    ("week", "commands.review", "week", False),
    ("thanks", "commands.capture", "thanks", False),
    ("who", "commands.people", "who", False),
    ("prompt", "commands.setup", "prompt", False),
    ("shell-init", "commands.setup", "shell_init", True),
    ("doctor", "commands.maintenance", "doctor", False),
    ("remind", "commands.remind", "remind", False),
    ("mail", "commands.mail", "mail_scan", True),
)
# The sub-apps (groups of commands), likewise in --help's order.
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("config", "commands.setup", "config_app"),
    ("people", "commands.people", "people_app"),
    ("sync", "sync", "sync_app"),
)
NAMES = frozenset([*(c[0] for c in COMMANDS), *(g[0] for g in GROUPS)])

# Each command's --help ends naming its page of the guide (docs/ in respond's source); the
# commands not named here are in docs/usage.md, and those taking a date point to docs/dates.md.
GUIDE = {
    "sync": "docs/sync.md",
    "remind": "docs/reminders.md",
    "mail": "docs/mail.md",
    "doctor": "docs/guarantees.md",
    "prompt": "docs/prompt.md",
    "shell-init": "docs/prompt.md",
}
TAKES_A_DATE = {"add", "promise", "ack", "wait", "done", "snooze", "edit", "follow-up"}

_registered: dict[str, Any] = {}  # name: its CommandInfo or TyperInfo, made once per process


def _info(name: str) -> Any:
    """The registration of the command (or sub-app) ``name``: what ``app.command()`` or
    ``app.add_typer`` records, with the epilog that names its page of the guide."""
    if name not in _registered:
        from importlib import import_module

        scratch = typer.Typer()
        for key, module, attribute, named in COMMANDS:
            if key == name:
                function = getattr(import_module(f"respond.cli.{module}"), attribute)
                scratch.command(name if named else None)(function)
        for key, module, attribute in GROUPS:
            if key == name:
                scratch.add_typer(getattr(import_module(f"respond.cli.{module}"), attribute))
        infos: list[Any] = [*scratch.registered_commands, *scratch.registered_groups]
        [info] = infos
        page = GUIDE.get(name, "docs/usage.md")
        dates = "; dates: docs/dates.md" if name in TAKES_A_DATE else ""
        info.epilog = f"Guide: {page}{dates} (in respond's source)."
        sub = getattr(info, "typer_instance", None)
        for command in sub.registered_commands if sub is not None else []:
            command.epilog = info.epilog
        _registered[name] = info
    return _registered[name]


def _only(*names: str) -> typer.Typer:
    """The group with only the commands (and sub-apps) ``names``, in --help's order."""
    from copy import copy

    trimmed = copy(group)
    trimmed.registered_commands = [_info(c[0]) for c in COMMANDS if c[0] in names]
    trimmed.registered_groups = [_info(g[0]) for g in GROUPS if g[0] in names]
    return trimmed


@cache
def whole_app() -> typer.Typer:
    """The group with every command: what ``--help``, a mistake and completion need."""
    return _only(*NAMES)


def __getattr__(name: str) -> typer.Typer:
    """``app``, the whole app, built (every command's module imported) on first use."""
    if name == "app":
        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def app_for(args: list[str]) -> typer.Typer:
    """The app to run ``respond ARGS`` with: only the command it names, or the whole app.

    Typer makes a Click command of every command function (its signature, annotations, help)
    before it parses anything: for all 23 that costs about as much as starting Python, on
    every run, where the parsing itself costs almost nothing. So the group's own options
    (``--db``, ``--now``...) are parsed first, by Click's parser for the group, to find
    the command's name, and only that command is built. The same definitions, the same
    parsing: only commands that will not run are left out.
    What shows or needs the other commands gets the whole app, so it says exactly what it
    always said: the group's ``--help``, a name that is no command (Click's error and Typer's
    suggestion), a mistake in the group's options, and shell completion."""
    return _dispatch(args)[0]


def _dispatch(args: list[str]) -> tuple[typer.Typer, Any]:
    """:func:`app_for`'s app, and the Click command made of it when parsing made it already
    (else None). The group's options are parsed by the group built with the first word of
    ``args`` that names a command, usually the command that runs: it is then built once."""
    import os

    from typer.main import get_command

    if os.environ.get("_RESPOND_COMPLETE") or any(
        arg.startswith(("--show-completion", "--install-completion")) for arg in args
    ):
        from respond.cli.complete import take_over

        take_over()  # respond's own completion scripts (cli/complete.py)
        return whole_app(), None
    guess = next((arg for arg in args if arg in NAMES), None)
    typer_app = _only(guess) if guess is not None else _only()
    built = get_command(typer_app)
    try:
        # with the group's context settings, as make_context gives them: the help option
        # the parser makes (``-h, --help``) is kept by the command, which then runs
        ctx = built.context_class(built, info_name="respond", **built.context_settings)
        opts, rest, _ = built.make_parser(ctx).parse_args(args=list(args))
    except UsageError:
        return whole_app(), None
    if opts.get("help"):  # the group's help, before any command: it lists them all
        return whole_app(), None
    if not rest:
        return (typer_app, built) if guess is None else (_only(), None)
    if rest[0] not in NAMES:
        return whole_app(), None
    return (typer_app, built) if rest[0] == guess else (_only(rest[0]), None)


def run(args: list[str]) -> None:
    """``respond ARGS``: what ``app(args)`` does, building only the command that runs.
    (``app(args)`` is Typer's ``get_command(app)(args)`` and, for an uncaught exception,
    Typer's excepthook, which with pretty exceptions off shows Python's own traceback.)"""
    typer_app, built = _dispatch(args)
    if built is None:
        typer_app(args=args, prog_name="respond")
    else:
        built(args=args, prog_name="respond")

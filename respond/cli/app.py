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


app = typer.Typer(
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


def _version(value: bool) -> None:
    if value:
        print(f"respond {__version__}")
        raise typer.Exit()


@app.callback()
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
        review.today(ctx)


# The commands, by area (respond/cli/commands/), registered in the order --help lists them.
from respond.cli.commands import (  # noqa: E402
    capture,
    data,
    mail,
    maintenance,
    people,
    remind,
    review,
    setup,
)
from respond.cli.sync import sync_app  # noqa: E402

app.command()(capture.add)
app.command()(capture.promise)
app.command()(capture.ack)
app.command()(capture.wait)
app.command()(capture.done)
app.command()(capture.drop)
app.command()(capture.snooze)
app.command()(capture.edit)
app.command()(capture.delete)
app.command()(capture.reopen)
app.command("follow-up")(capture.follow_up)
app.command()(maintenance.undo)
app.command()(review.show)
app.command("list")(review.list_)
app.command()(review.today)
app.add_typer(setup.config_app)
app.command()(data.export)
app.command("import")(data.import_)
app.command()(review.week)
app.command()(capture.thanks)
app.command()(people.who)
app.add_typer(people.people_app)
app.command()(setup.prompt)
app.command("shell-init")(setup.shell_init)
app.command()(maintenance.doctor)
app.add_typer(sync_app)
app.command()(remind.remind)
app.command("mail")(mail.mail_scan)

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


def _link_the_guide() -> None:
    """Set each command's (and sub-command's) epilog: the line its --help ends with."""
    infos: list[Any] = [*app.registered_commands, *app.registered_groups]
    for info in infos:
        name = _command_name(info)
        page = GUIDE.get(name or "", "docs/usage.md")
        dates = "; dates: docs/dates.md" if name in TAKES_A_DATE else ""
        epilog = f"Guide: {page}{dates} (in respond's source)."
        info.epilog = epilog
        sub = getattr(info, "typer_instance", None)
        for command in sub.registered_commands if sub is not None else []:
            command.epilog = epilog


def _command_name(info: Any) -> str | None:
    """The name Typer gives a registered command or sub-app (without building it)."""
    from typer.main import get_command_name, solve_typer_info_defaults
    from typer.models import CommandInfo

    if isinstance(info, CommandInfo):
        return info.name or get_command_name(info.callback.__name__)  # type: ignore[union-attr]
    name = solve_typer_info_defaults(info).name
    return name if isinstance(name, str) else None


def _only(name: str | None) -> typer.Typer:
    """``app`` with only the command (or sub-app) ``name``: none at all for ``None``."""
    from copy import copy

    trimmed = copy(app)
    trimmed.registered_commands = [c for c in app.registered_commands if _command_name(c) == name]
    trimmed.registered_groups = [g for g in app.registered_groups if _command_name(g) == name]
    return trimmed


_link_the_guide()


def app_for(args: list[str]) -> typer.Typer:
    """The app to run ``respond ARGS`` with: only the command it names, or the whole app.

    Typer makes a Click command of every command function (its signature, annotations, help)
    before it parses anything: for all 23 that costs about as much as starting Python, on
    every run, where the parsing itself costs almost nothing. So the group's own options
    (``--db``, ``--now``...) are parsed first, by Click's parser for the group alone, to find
    the command's name, and only that command is built. The same definitions, the same
    parsing: only commands that will not run are left out.
    What shows or needs the other commands gets the whole app, so it says exactly what it
    always said: the group's ``--help``, a name that is no command (Click's error and Typer's
    suggestion), a mistake in the group's options, and shell completion."""
    import os

    from typer.main import get_command

    if os.environ.get("_RESPOND_COMPLETE") or any(
        arg.startswith(("--show-completion", "--install-completion")) for arg in args
    ):
        from respond.cli.complete import take_over

        take_over()  # respond's own completion scripts (cli/complete.py)
        return app
    group = get_command(_only(None))
    try:
        ctx = group.context_class(group, info_name="respond")
        opts, rest, _ = group.make_parser(ctx).parse_args(args=list(args))
    except UsageError:
        return app
    if not rest:
        return app if opts.get("help") else _only(None)
    names = {_command_name(i) for i in [*app.registered_commands, *app.registered_groups]}
    return _only(rest[0]) if rest[0] in names else app


def run(args: list[str]) -> None:
    """``respond ARGS``: what ``app(args)`` does, building only the command that runs."""
    app_for(args)(args=args, prog_name="respond")

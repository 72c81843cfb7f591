"""The command line: thin Typer commands over the core (``actions``) and ``render``.

Each command parses its options, opens a storage transaction, calls one core function and
prints one line. Errors from the core become one line on stderr with the contract's exit code.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Annotated, Any, NoReturn

import typer
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from respond import __version__
from respond.errors import RespondError

ACCEPTED_DATES = (
    "now, today, tonight, tomorrow, eod, eow, eom, fri, next fri, fri 3pm, tomorrow 09:30, "
    "30m, 2h, 3d, 2w, in 2 days, 2bd, 2026-11-25, 2026-11-25 14:00, 25 nov 3pm"
)


class CliError(ClickException):
    """A :class:`RespondError` on its way to stderr."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        print(f"respond: {self.format_message()}", file=file or sys.stderr)


def fail(err: Exception) -> NoReturn:
    code = err.exit_code if isinstance(err, RespondError) else 2
    raise CliError(str(err), code) from None


class RespondGroup(TyperGroup):
    """Turns the core's errors (and date errors) into clean one-line CLI errors."""

    def invoke(self, ctx: Any) -> Any:
        from respond.dates import DateError

        try:
            return super().invoke(ctx)
        except (RespondError, DateError) as err:
            fail(err)


app = typer.Typer(
    cls=RespondGroup,
    name="respond",
    help=(
        "Keep what you owe people: asks, promises, waiting-ons and follow-ups.\n\n"
        "Run with no command for today's review. Dates accept: " + ACCEPTED_DATES + "."
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)


class App:
    """Per-invocation state, built lazily so each command imports only what it uses."""

    def __init__(self, db: str | None, now: str | None) -> None:
        self.db_option = db
        self.now_option = now

    @cached_property
    def store(self) -> Any:
        from respond.paths import resolve_db_path
        from respond.storage import Store

        path, explicit = resolve_db_path(self.db_option)
        return Store(path, explicit=explicit)

    @cached_property
    def env(self) -> Any:
        from respond.actions import Env
        from respond.clock import FixedClock, SystemClock
        from respond.config import Settings

        clock: Any = SystemClock()
        settings = Settings()
        if self.now_option:
            from respond.dates import parse_when

            pinned = parse_when(self.now_option, clock.now(), settings.week, clock.tz)
            clock = FixedClock(pinned)
        return Env(clock=clock, settings=settings)

    def run(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one core action inside a locked transaction and print its confirmation."""
        from respond import output

        with self.store.transaction() as session:
            outcome = action(session, self.env, *args, **kwargs)
        output.confirm(outcome.message)
        return outcome


def _app(ctx: typer.Context) -> App:
    obj = ctx.find_root().obj
    assert isinstance(obj, App)
    return obj


def _id(text: str) -> int:
    from respond.actions import parse_id

    return parse_id(text)


def _version(value: bool) -> None:
    if value:
        print(f"respond {__version__}")
        raise typer.Exit()


DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="Database file (default: $RESPOND_DB, else respond.json in your user data dir).",
    ),
]
NowOpt = Annotated[str | None, typer.Option("--now", hidden=True, help="Pin the clock.")]
ByOpt = Annotated[str | None, typer.Option("--by", "-b", metavar="WHEN", help="Due time.")]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help="Add a tag (repeatable).")
]
NoteOpt = Annotated[
    str, typer.Option("--note", "-n", metavar="TEXT", help="A note to keep with it.")
]
IdArg = Annotated[str, typer.Argument(metavar="ID", help="Item number, e.g. 12 or #12.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


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
    ctx.obj = App(db, now)
    if ctx.invoked_subcommand is None:
        today(ctx)


@app.command()
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(metavar="TEXT", help="What they asked for.")],
    person: Annotated[
        str, typer.Option("--from", "-f", metavar="PERSON", help="Who asked (required).")
    ],
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            "-c",
            metavar="CHANNEL",
            help="email, phone, chat, meeting, in-person or other (default: email).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            metavar="WHEN",
            help="Respond by (default from the channel: phone/chat 4 working hours, "
            "email/in-person 1 business day, meeting 2 business days).",
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
) -> None:
    """Record an ask someone made of you.

    Example: respond add "Q3 numbers" --from Dana --via phone
    """
    from respond import actions

    _app(ctx).run(actions.add_ask, title, person, via, by, tag or [], note)


@app.command()
def promise(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(metavar="TEXT", help="What you promised.")],
    person: Annotated[
        str, typer.Option("--to", "-t", metavar="PERSON", help="Whom you promised (required).")
    ],
    by: Annotated[
        str, typer.Option("--by", "-b", metavar="WHEN", help="When you promised it (required).")
    ],
    tag: TagOpt = None,
    note: NoteOpt = "",
) -> None:
    """Record something you promised someone, and by when.

    Example: respond promise "send the draft" --to Sam --by "fri 3pm"
    """
    from respond import actions

    _app(ctx).run(actions.add_promise, title, person, by, tag or [], note)


@app.command()
def ack(
    ctx: typer.Context,
    item_id: IdArg,
    by: Annotated[
        str, typer.Option("--by", "-b", metavar="WHEN", help="The time you promised (required).")
    ],
) -> None:
    """Acknowledge an ask and promise a time ("I'll get back to you tomorrow").

    Example: respond ack 12 --by tomorrow
    """
    from respond import actions

    _app(ctx).run(actions.ack, _id(item_id), by)


@app.command()
def wait(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(metavar="TEXT", help="What you asked them.")],
    person: Annotated[
        str, typer.Option("--on", metavar="PERSON", help="Whom you are waiting on (required).")
    ],
    for_id: Annotated[
        str | None,
        typer.Option("--for", metavar="ID", help="The ask this answer is for (relay it back)."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", "-b", metavar="WHEN", help="When to chase them (default: 2bd)."),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
) -> None:
    """Record that you asked someone else, maybe on behalf of one of your asks.

    Example: respond wait "VPN access for Bob" --on Jane --for 12
    """
    from respond import actions

    target = _id(for_id) if for_id is not None else None
    _app(ctx).run(actions.add_waiting, title, person, target, by, tag or [], note)


@app.command()
def done(
    ctx: typer.Context,
    item_id: IdArg,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up",
            metavar="WHEN",
            help="When to follow up with the person (default: 7d, for asks and promises).",
        ),
    ] = None,
    no_follow_up: Annotated[
        bool, typer.Option("--no-follow-up", help="Don't schedule a follow-up.")
    ] = False,
    note: Annotated[
        str | None,
        typer.Option("--note", "-n", metavar="TEXT", help="How it went (added to the note)."),
    ] = None,
) -> None:
    """Mark an item done. Asks and promises get a follow-up a week later unless told otherwise.

    Example: respond done 12 --follow-up 3d
    """
    from respond import actions

    if follow_up is not None and no_follow_up:
        raise CliError("use --follow-up or --no-follow-up, not both", 2)
    _app(ctx).run(actions.complete, _id(item_id), follow_up, no_follow_up, note)


@app.command()
def drop(
    ctx: typer.Context,
    item_id: IdArg,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help="Why it was dropped.")
    ] = None,
) -> None:
    """Drop an item you will not do (it stays in the history).

    Example: respond drop 12 --reason "no longer needed"
    """
    from respond import actions

    _app(ctx).run(actions.drop, _id(item_id), reason)


@app.command()
def snooze(
    ctx: typer.Context,
    item_id: IdArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", help="The new due time.")],
) -> None:
    """Move an item's due time.

    Example: respond snooze 12 "mon 10am"
    """
    from respond import actions

    _app(ctx).run(actions.snooze, _id(item_id), when)


@app.command()
def edit(
    ctx: typer.Context,
    item_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="New title.")] = None,
    person: Annotated[
        str | None, typer.Option("--person", metavar="PERSON", help="New person.")
    ] = None,
    by: ByOpt = None,
    via: Annotated[
        str | None, typer.Option("--via", "-c", metavar="CHANNEL", help="New channel.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="Replace the note.")
    ] = None,
    tag: TagOpt = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", metavar="TAG", help="Remove a tag.")
    ] = None,
) -> None:
    """Change an item's title, person, due time, channel, note or tags.

    Example: respond edit 12 --by fri --tag urgent
    """
    from respond import actions

    _app(ctx).run(
        actions.edit,
        _id(item_id),
        title=title,
        person=person,
        by=by,
        channel=via,
        note=note,
        add_tags=tag or [],
        remove_tags=untag or [],
    )


@app.command()
def delete(ctx: typer.Context, item_id: IdArg) -> None:
    """Delete an item entered by mistake (respond undo brings it back).

    Example: respond delete 12
    """
    from respond import actions

    _app(ctx).run(actions.delete, _id(item_id))


@app.command()
def undo(ctx: typer.Context) -> None:
    """Reverse the last change (add, ack, done, edit, delete...). History records the undo."""
    from respond import actions

    _app(ctx).run(actions.undo)


@app.command()
def show(ctx: typer.Context, item_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show one item with its whole history.

    Example: respond show 12
    """
    from respond import output
    from respond.errors import NotFound

    state = _app(ctx)
    number = _id(item_id)
    item = state.store.snapshot().items.get(number)
    if item is None:
        raise NotFound(f"no item #{number}")
    if as_json:
        output.print_json(item.to_record())
    else:
        from respond import render

        render.item_detail(item, state.env)


@app.command("list")
def list_(
    ctx: typer.Context,
    who: Annotated[
        str | None, typer.Option("--who", metavar="PERSON", help="Only this person.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="Only this kind: ask, promise, waiting, followup, thanks.",
        ),
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue items.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Include done and dropped items.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List open items by due time (filters combine).

    Example: respond list --who dana --kind ask
    """
    from respond.model import parse_kind
    from respond.queries import select

    state = _app(ctx)
    wanted_kind = parse_kind(kind) if kind is not None else None
    items = select(
        state.store.snapshot().items.values(),
        now=state.env.now(),
        who=who,
        kind=wanted_kind,
        overdue=overdue,
        include_closed=show_all,
    )
    if as_json:
        from respond import output

        output.print_json([item.to_record() for item in items])
    else:
        from respond import render

        render.item_table(items, state.env)


@app.command()
def today(ctx: typer.Context) -> None:
    """The morning review: what is overdue and what is due today."""
    from respond import render
    from respond.queries import due_by_end_of_today

    state = _app(ctx)
    items = due_by_end_of_today(state.store.snapshot().items.values(), state.env)
    render.today(items, state.env)


@app.command()
def doctor(
    ctx: typer.Context,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Fix what is safe to fix: restore the newest good backup over a damaged or "
            "missing database (the damaged file is kept aside), fix the next ID and "
            "permissions, delete stray temp files.",
        ),
    ] = False,
) -> None:
    """Check the database: it loads, schema, IDs, links, permissions, temp files, backups.

    Exit code 0 healthy, 1 problems found (the database is usable), 2 the database is unusable.
    Example: respond doctor --repair
    """
    from respond import doctor as checkup
    from respond import output

    lines, report = checkup.result_of(_app(ctx).store.path, fix=repair)
    for line in lines:
        output.confirm(line)
    raise typer.Exit(report.exit_code)

"""The command line: thin Typer commands over the core (``actions``) and ``render``.

Each command parses its options, opens a storage transaction, calls one core function and
prints one line. Errors from the core become one line on stderr with the contract's exit code.

No ``from __future__ import annotations`` here on purpose: Typer reads every command's
annotations at start-up, and evaluating them as strings costs ~6 ms per invocation.
"""

import sys
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer
from typer.core import TyperGroup

from respond import __version__
from respond.core.dateforms import ACCEPTED_FORMS
from respond.core.errors import DateError, RespondError
from respond.core.promptformat import DEFAULT_PROMPT_FORMAT

if TYPE_CHECKING:
    from datetime import datetime

# Typer (>= 0.26) vendors Click and exports none of its error classes but BadParameter (and
# says not to import its private ``typer._click``). Every mistake on the command line raises a
# Click usage error, BadParameter's parent class.
UsageError: Any = typer.BadParameter.__mro__[1]

# Said in the help of every option that takes a time (README: "Dates you can type").
WHEN_RULE = (
    "A time that has passed means the next one (9am at 10:00 is tomorrow's), a date without "
    "a year the next such date; a date already past (2026-11-20) is kept, flagged overdue."
)
WORKDAY_RULE = "A day off moves it to the next working day."


class CliError(Exception):
    """An error the command line reports itself: one line on stderr (``respond: ...``) and
    the contract's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def exit(self) -> NoReturn:
        from respond.core.text import visible  # the message may quote a file's text or ours

        print(f"respond: {visible(str(self))}", file=sys.stderr)
        raise typer.Exit(self.exit_code)


def fail(err: Exception) -> NoReturn:
    code = err.exit_code if isinstance(err, RespondError) else 2
    CliError(str(err), code).exit()


def one_line_usage_error(err: Any) -> CliError:
    """Click prints usage errors over three lines; the contract is one line on stderr."""
    where = err.ctx.command_path if err.ctx is not None else "respond"
    return CliError(f"{err.format_message()} (see: {where} --help)", err.exit_code)


def output_lost(ctx: Any, err: OSError) -> NoReturn:
    """stdout could not be written (``> /dev/full``, a closed pipe): one line on stderr, exit
    1. A change that was committed is said to be saved, so that nobody retries it."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError):  # what is still buffered goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    saved = getattr(ctx.find_root().obj, "saved", None)
    why = err.strerror or type(err).__name__
    if saved is not None:
        CliError(f"saved {saved}, but could not write the confirmation: {why}", 1).exit()
    if isinstance(err, BrokenPipeError):
        raise typer.Exit(1)  # the reader stopped reading (respond list | head -1)
    CliError(f"could not write the output: {why}", 1).exit()


class RespondGroup(TyperGroup):
    """Turns the core's errors (and date and usage errors) into clean one-line CLI errors."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as err:
            one_line_usage_error(err).exit()

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
        except CliError as err:
            err.exit()
        except (RespondError, DateError) as err:
            fail(err)
        except UsageError as err:
            one_line_usage_error(err).exit()


app = typer.Typer(
    cls=RespondGroup,
    name="respond",
    help=(
        "Keep what you owe people: asks, promises, waiting-ons and follow-ups.\n\n"
        "Run with no command for today's review. Dates accept: " + ACCEPTED_FORMS + ". " + WHEN_RULE
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
)


# The views commands show, each in two forms chosen by ``--json`` (:meth:`App.emit`): for
# scripts, the function of its name in ``cli.shapes`` makes the JSON; for people, the one in
# ``cli.render`` draws it with Rich, or for a plain view (the config report, nothing to colour)
# the one in ``cli.output``, so that it never imports Rich.
View = Literal["item", "items", "review", "scorecard", "person", "people", "config"]
PLAIN_VIEWS: frozenset[View] = frozenset({"config"})


class App:
    """Per-invocation state, built lazily so each command imports only what it uses.

    ``make_output`` builds the output environment: :class:`respond.cli.output.Environment`
    unless a test hands the app its own (as ``obj``: ``CliRunner().invoke(app, args,
    obj=partial(Environment, stdout_isatty=True))``)."""

    def __init__(self, db: str | None, now: str | None, make_output: Any = None) -> None:
        self.db_option = db
        self.now_option = now
        self.make_output = make_output
        # How this command uses the config file: "all" (its settings change what it does, so a
        # broken file stops it), "colour" (only ``color``: a broken file means the defaults,
        # silently) or "none" (never read). See :meth:`without_settings`.
        self.config_use = "all"
        self.saved: str | None = None  # what a committed change saved (see output_lost)

    def without_settings(self, *, colour: bool = False) -> "App":
        """For a command that depends on no setting (``show``, ``undo``, ``export``,
        ``doctor``): it runs on the defaults, so a broken config file never stops it. With
        ``colour``, a good file's ``color = false`` is still honoured."""
        self.config_use = "colour" if colour else "none"
        return self

    @cached_property
    def store(self) -> Any:
        from respond.storage.database import Store
        from respond.storage.paths import resolve_db_path

        path, explicit = resolve_db_path(self.db_option)
        return Store(path, explicit=explicit)

    @cached_property
    def config(self) -> Any:
        """``(settings, sources)`` from the config file (read only by commands that need it)."""
        from respond.storage.config import ConfigError, defaults, load_settings

        if self.config_use == "none":
            return defaults()
        try:
            return load_settings()
        except ConfigError:
            if self.config_use == "all":
                raise
            return defaults()

    @cached_property
    def env(self) -> Any:
        from respond.core.clock import FixedClock, SystemClock
        from respond.core.env import Env

        clock: Any = SystemClock()
        settings = self.config[0]
        if self.now_option:
            from respond.core.dates import parse_when

            pinned = parse_when(self.now_option, clock.now(), settings.week, clock.tz)
            clock = FixedClock(pinned)
        return Env(clock=clock, settings=settings)

    @cached_property
    def output(self) -> Any:
        """Where this command's output goes, and whether in colour (the config's ``color``,
        read only if something is drawn)."""
        from respond.cli.output import Environment

        make = self.make_output or Environment
        return make(color=lambda: self.config[0].color)

    def run(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one core action inside a locked transaction and print its confirmation."""
        with self.store.transaction(now=self.env.now()) as session:
            outcome = action(session, self.env, *args, **kwargs)
        ids = [f"#{item.id}" for item in outcome.items]
        self.saved = ", ".join(ids) if 0 < len(ids) <= 3 else "the change"
        self.output.confirm(outcome.message)
        for hint in outcome.hints:
            print(f"respond: hint: {hint}", file=sys.stderr)
        for warning in self.store.warnings:
            print(f"respond: warning: {warning}", file=sys.stderr)
        from respond.cli.sync import after_change

        after_change(self)  # [sync] auto: a sync in the background, without waiting for it
        return outcome

    def emit(self, view: View, data: Any, as_json: bool = False, **options: Any) -> None:
        """The one presentation path: show ``data`` as the ``view`` it is, as JSON for
        scripts (``cli.shapes``) or drawn for people (``cli.render``); ``options`` are the
        drawing's (``--quiet``, ``--all``...)."""
        if as_json:
            from respond.cli import shapes

            self.output.json(getattr(shapes, view)(data))
        elif view in PLAIN_VIEWS:
            from respond.cli import output

            getattr(output, view)(data, self.output)
        else:
            from respond.cli import render

            getattr(render, view)(data, self.env, self.output, **options)


def _app(ctx: typer.Context) -> App:
    obj = ctx.find_root().obj
    assert isinstance(obj, App)
    return obj


def _id(text: str) -> int:
    from respond.core.actions import parse_id

    return parse_id(text)


def _complete_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from respond.cli.complete import complete_ids

    return complete_ids(ctx, incomplete)


def _complete_open_asks(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from respond.cli.complete import complete_open_asks

    return complete_open_asks(ctx, incomplete)


def _settle_person(ctx: typer.Context, person: str, new_person: bool) -> tuple[str, bool]:
    """On a terminal, ask about a new name close to a known person's (``cli.askperson``)."""
    from respond.cli.askperson import settle

    return settle(_app(ctx), person, new_person)


def _complete_people(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from respond.cli.complete import complete_people

    return complete_people(ctx, incomplete)


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
NowOpt = Annotated[
    str | None,
    typer.Option(
        "--now",
        metavar="WHEN",
        help="Run as if it were then (any date form, e.g. 2026-11-25T09:00): to try things "
        "out, replay a day or catch up; nothing is read from the clock.",
    ),
]
ByOpt = Annotated[
    str | None, typer.Option("--by", "-b", metavar="WHEN", help="Due time. " + WHEN_RULE)
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help="Add a tag (repeatable).")
]
NoteOpt = Annotated[
    str, typer.Option("--note", "-n", metavar="TEXT", help="A note to keep with it.")
]
IdArg = Annotated[
    str,
    typer.Argument(metavar="ID", help="Item number, e.g. 12 or #12.", autocompletion=_complete_ids),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
# The one person-matching rule (respond.core.people.find), as each command's --help states it.
MATCHING = (
    "Names match ignoring case, accents and extra spaces (transliterated: malgorzata finds "
    "Małgorzata, bjorn Bjørn; apostrophes and hyphens too); a unique first name or start of a "
    "name also finds the person (dana finds Dana Whitfield)."
)
CAPTURE = (
    " A name that finds one known person (any case or accents, a unique first name or start "
    "of a name: dana finds Dana Whitfield) is stored in their spelling; an ambiguous one is "
    "refused; one that finds no one adds a new person (one close to a known name, Zoey "
    "beside Zoë Müller, is asked about on a terminal, else hinted at)."
)
MailOpt = Annotated[
    bool,
    typer.Option(
        "--mail",
        help="File a mail message: TEXT is its file (none or -: stdin). respond reads its "
        "headers, and its first line only when it has no subject.",
    ),
]


def _needed(ctx: typer.Context, value: str | None, name: str) -> str:
    """A value that is required unless --mail is given (worded as Click words its own)."""
    if value is None:
        what = "argument" if name == "TEXT" else "option"
        raise CliError(f"Missing {what} '{name}' (see: {ctx.command_path} --help)", 2)
    return value


NewPersonOpt = Annotated[
    bool,
    typer.Option(
        "--new-person",
        help="Add a new person named exactly as typed, even if the name finds someone known.",
    ),
]


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
        today(ctx)


@app.command()
def add(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT",
            help="What they asked for (with --mail: the message's file; none or - for stdin).",
        ),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--from",
            "-f",
            metavar="PERSON",
            help="Who asked (required, but with --mail)." + CAPTURE,
            autocompletion=_complete_people,
        ),
    ] = None,
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
            "email/in-person 1 business day, meeting 2 business days). " + WHEN_RULE,
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
    mail: MailOpt = False,
) -> None:
    """Record an ask someone made of you.

    With --mail, the ask is a mail message (a file, or stdin: what mutt's pipe-message gives):
    from its sender, titled by its subject, created at its Date, due by the email SLA.

    Example: respond add "Q3 numbers" --from Dana --via phone
    """
    from respond.core import actions

    if mail:
        from respond.cli.mail import file_message

        return file_message(_app(ctx), "ask", title, person, by, None, tag or [], note, new_person)
    text = _needed(ctx, title, "TEXT")
    who, new_person = _settle_person(ctx, _needed(ctx, person, "--from"), new_person)
    _app(ctx).run(actions.add_ask, text, who, via, by, tag or [], note, new_person)


@app.command()
def promise(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(metavar="TEXT", help="What you promised (with --mail: the message's file)."),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--to",
            "-t",
            metavar="PERSON",
            help="Whom you promised (required, but with --mail)." + CAPTURE,
            autocompletion=_complete_people,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", "-b", metavar="WHEN", help="When you promised it (required). " + WHEN_RULE
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
    mail: MailOpt = False,
) -> None:
    """Record something you promised someone, and by when.

    With --mail, the promise is a message you sent (a file, or stdin), to its recipient.

    Example: respond promise "send the draft" --to Sam --by "fri 3pm"
    """
    from respond.core import actions

    if mail:
        from respond.cli.mail import file_message

        args = (title, person, by, None, tag or [], note, new_person)
        return file_message(_app(ctx), "promise", *args)
    text = _needed(ctx, title, "TEXT")
    who, new_person = _settle_person(ctx, _needed(ctx, person, "--to"), new_person)
    _app(ctx).run(
        actions.add_promise, text, who, _needed(ctx, by, "--by"),
        tag or [], note, new_person,
    )  # fmt: skip


@app.command()
def ack(
    ctx: typer.Context,
    item_id: IdArg,
    by: Annotated[
        str,
        typer.Option(
            "--by", "-b", metavar="WHEN", help="The time you promised (required). " + WHEN_RULE
        ),
    ],
) -> None:
    """Acknowledge an ask and promise a time ("I'll get back to you tomorrow"), or promise a
    new time for an acknowledged ask or a promise (renegotiate it).

    A new time given before the old one has passed replaces it: the old one is not scored.
    Given after, the old promise counts as broken. (snooze only moves your reminder.)

    Example: respond ack 12 --by tomorrow
    """
    from respond.core import actions

    _app(ctx).run(actions.ack, _id(item_id), by)


@app.command()
def wait(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT", help="What you asked them (with --mail: the message's file)."
        ),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar="PERSON",
            help="Whom you are waiting on (required, but with --mail)." + CAPTURE,
            autocompletion=_complete_people,
        ),
    ] = None,
    for_id: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="ID",
            help="The open ask or promise this answer is for (relay it back).",
            autocompletion=_complete_open_asks,
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            metavar="WHEN",
            help="When to chase them (default: 2bd). " + WORKDAY_RULE + " " + WHEN_RULE,
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
    mail: MailOpt = False,
) -> None:
    """Record that you asked someone else, maybe on behalf of one of your asks.

    --for names an open ask or promise: the person you relay the answer to. With --mail, the
    wait is a message you sent (a file, or stdin), on its recipient; respond mail sees the
    reply and answers it.

    Example: respond wait "VPN access for Bob" --on Jane --for 12
    """
    from respond.core import actions

    target = _id(for_id) if for_id is not None else None
    if mail:
        from respond.cli.mail import file_message

        args = (title, person, by, target, tag or [], note, new_person)
        return file_message(_app(ctx), "waiting", *args)
    text = _needed(ctx, title, "TEXT")
    who, new_person = _settle_person(ctx, _needed(ctx, person, "--on"), new_person)
    _app(ctx).run(
        actions.add_waiting, text, who, target, by, tag or [], note,
        new_person,
    )  # fmt: skip


@app.command()
def done(
    ctx: typer.Context,
    item_id: IdArg,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up",
            metavar="WHEN",
            help="When to follow up with the person (default for asks and promises: the "
            "[follow_up] delay of the item's tag or channel, else 7d; see respond config). "
            + WORKDAY_RULE
            + " "
            + WHEN_RULE,
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
    """Mark an item done. Asks and promises get a follow-up a week later unless told otherwise
    (the config's [follow_up] sets the delay per channel and tag, or "none").

    Example: respond done 12 --follow-up 3d
    """
    from respond.core import actions

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
    from respond.core import actions

    _app(ctx).run(actions.drop, _id(item_id), reason)


@app.command()
def snooze(
    ctx: typer.Context,
    item_id: IdArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", help="The new due time. " + WHEN_RULE)],
) -> None:
    """Move an item's due time.

    Example: respond snooze 12 "mon 10am"
    """
    from respond.core import actions

    _app(ctx).run(actions.snooze, _id(item_id), when)


@app.command()
def edit(
    ctx: typer.Context,
    item_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="New title.")] = None,
    person: Annotated[
        str | None,
        typer.Option(
            "--person",
            metavar="PERSON",
            help="New person." + CAPTURE,
            autocompletion=_complete_people,
        ),
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
    new_person: NewPersonOpt = False,
) -> None:
    """Change an item's title, person, due time, channel, note or tags. The history records
    each changed field's old and new value (respond show prints them).

    --by moves your reminder; the time you told the person (scored in respond week) stays,
    except for a correction: --by within 10 minutes of adding the item, before anything but
    edits happened to it (an ack, a snooze...), replaces the time it is scored against.
    A thanks has no due time.

    Example: respond edit 12 --by fri --tag urgent
    """
    from respond.core import actions

    if new_person and person is None:
        raise CliError("--new-person goes with --person", 2)
    if person is not None:
        person, new_person = _settle_person(ctx, person, new_person)
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
        new_person=new_person,
    )


@app.command()
def delete(
    ctx: typer.Context,
    item_id: IdArg,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Don't ask for confirmation on a terminal.")
    ] = False,
) -> None:
    """Delete an item entered by mistake (respond undo brings it back).

    On a terminal it shows the item and asks first (--yes skips the question); when not on a
    terminal (a script, a pipe) it deletes without asking, as scripts expect.

    Example: respond delete 12
    """
    from respond.core import actions

    state = _app(ctx)
    number = _id(item_id)
    if not yes and sys.stdin.isatty() and state.output.stdout_isatty:
        _confirm_delete(state, number)
    state.run(actions.delete, number)


def _confirm_delete(state: App, number: int) -> None:
    """Ask before deleting ``number``; anything but y or yes keeps it (exit 1)."""
    from respond.core.errors import NotFound
    from respond.core.text import shorten

    item = state.store.snapshot(only=[number]).items.get(number)
    if item is None:
        raise NotFound(f"no item #{number}")
    question = (
        f"Delete #{item.id}: {shorten(item.title)} ({item.status} {item.kind}, "
        f"{shorten(item.person, 30)})? [y/N] "
    )
    try:
        answer = input(question)
    except (EOFError, KeyboardInterrupt):
        answer = ""
        print(file=state.output.stdout)
    if answer.strip().lower() not in ("y", "yes"):
        raise CliError(f"#{item.id} not deleted", 1)


@app.command()
def reopen(ctx: typer.Context, item_id: IdArg) -> None:
    """Bring a done or dropped item back, as it was before it was closed (open, or
    acknowledged): a wrong done fixed in one command, whatever came after it. The history
    records it; the closing no longer counts in respond week; the follow-up that done
    scheduled goes away unless it was changed since. respond undo reverses it.

    Example: respond reopen 26
    """
    from respond.core import actions

    _app(ctx).run(actions.reopen, _id(item_id))


@app.command("follow-up")
def follow_up(
    ctx: typer.Context,
    person: Annotated[
        str | None,
        typer.Argument(
            metavar="[PERSON]",
            help="Whom to follow up with (default with --for: that item's person)." + CAPTURE,
            autocompletion=_complete_people,
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Argument(metavar="[TITLE]", help="What about (default: the --for item's title)."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            metavar="WHEN",
            help="When to follow up (default: the [follow_up] delay, 7d). "
            + WORKDAY_RULE
            + " "
            + WHEN_RULE,
        ),
    ] = None,
    for_id: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="ID",
            help="The item this follows up (its person and title are the defaults).",
            autocompletion=_complete_ids,
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
) -> None:
    """Schedule a follow-up by hand: one deleted by mistake, or a check-in of your own.

    \b
    Example: respond follow-up Dana "how did the launch go" --by fri
    Example: respond follow-up --for 12 --by 3d
    """
    from respond.core import actions

    target = _id(for_id) if for_id is not None else None
    _app(ctx).run(actions.add_follow_up, person, title, by, target, tag or [], note, new_person)


@app.command()
def undo(
    ctx: typer.Context,
    skip: Annotated[
        bool,
        typer.Option(
            "--skip",
            help="Keep the last change as it is and drop it from the undo list, so that undo "
            "goes on to the change before (for a change undo refuses).",
        ),
    ] = False,
) -> None:
    """Reverse the last change (add, ack, done, edit, delete...). History records the undo.
    A change another machine changed since is refused; --skip keeps it and goes on.

    Needs no settings: a broken config file never stops it.
    """
    from respond.core import actions

    _app(ctx).without_settings().run(actions.skip_undo if skip else actions.undo)


@app.command()
def show(ctx: typer.Context, item_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show one item with its whole history. The due line gives the time, and how late once it
    has passed; an edit's history line gives each changed field as old → new; a note's lines
    show as lines (control characters made visible, as everywhere).

    Needs no settings: a broken config file never stops it (it then uses the default colours).

    Example: respond show 12
    """
    from respond.core.errors import NotFound

    state = _app(ctx).without_settings(colour=True)
    number = _id(item_id)
    item = state.store.snapshot(only=[number]).items.get(number)
    if item is None:
        raise NotFound(f"no item #{number}")
    state.emit("item", item, as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    who: Annotated[
        str | None,
        typer.Option(
            "--who",
            metavar="PERSON",
            help="Only this person. " + MATCHING + " A name that finds no one, or several "
            "people, exits 1.",
            autocompletion=_complete_people,
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="Only this kind: ask, promise, waiting, followup, thanks.",
        ),
    ] = None,
    overdue: Annotated[
        bool,
        typer.Option(
            "--overdue",
            help="Only open items past their time (due 14:00: overdue from 14:00:01).",
        ),
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Include done and dropped items.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List open items by due time (filters combine). Due times read "3h late" once passed,
    else "today 17:00", "Fri 17:00".

    On a narrow terminal, titles are cut first, then move to a line of their own under the
    row; IDs, kinds, names and times stay whole.

    Example: respond list --who dana --kind ask
    """
    from respond.core.model import parse_kind
    from respond.core.queries import select

    state = _app(ctx)
    wanted_kind = parse_kind(kind) if kind is not None else None
    # Open items are all a plain listing needs (never the archive); a name is matched
    # against everyone's.
    found = state.store.snapshot(open_only=not show_all).items.values()
    person = None
    if who is not None:
        from respond.core.people import known_names, resolve_key

        person = resolve_key(known_names(state.store.person_counts().items()), who)
    items = select(
        found,
        now=state.env.now(),
        who=person,
        kind=wanted_kind,
        overdue=overdue,
        include_closed=show_all,
    )
    state.emit("items", items, as_json)


def _week_start(state: App) -> int:
    """The first day of the week (0 = Monday); settings may name another one."""
    return int(state.env.settings.week_start)


@app.command()
def today(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The morning review: what needs you now (the number respond prompt shows, and where it
    is below), overdue, due today, follow-ups due, waiting on others, answers to relay back,
    and this week's scores so far (last week's while nothing is decided yet this week).

    An item due at 14:00 is due now at 14:00:00 and overdue (or to chase) from 14:00:01.

    Each line gives the item's ID, kind (ask, promise, followup, waiting), person, title and a
    time that says what it is: "3h late", "due 14:00", "waited 2 days", "answered 1h ago"; then
    whom an answer is for ("for Dana (#12)") and "chase them" once the chase time passed.

    On a narrow terminal, titles are cut first, then the "for ..." notes and then the titles
    move to lines of their own under the row; IDs, kinds, names and times stay whole.

    Example: respond today
    """
    from respond.core.review import REVIEW_WINDOW, review

    state = _app(ctx)
    env = state.env
    view = review(
        state.store.snapshot(active_since=env.now() - REVIEW_WINDOW).items.values(),
        env.now(),
        env.settings,
        env.clock.tz,
        week_start=_week_start(state),
    )
    state.emit("review", view, as_json)
    from respond.cli.sync import notice

    failed = notice(state)  # the last sync failed: one line until a sync works
    if failed:
        print(failed, file=sys.stderr)


config_app = typer.Typer(
    name="config",
    help="Show the effective settings, where each came from, and the config and database paths.",
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(config_app)


@config_app.callback()
def config_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the effective settings, each with its source (default or file), and the paths of
    the config file and the database.

    Example: respond config
    """
    if ctx.invoked_subcommand is not None:
        return
    from respond.cli.output import ConfigView
    from respond.storage.config import default_path

    state = _app(ctx)
    settings, sources = state.config
    state.emit("config", ConfigView(settings, sources, default_path(), state.store.path), as_json)


@config_app.command("path")
def config_path_(ctx: typer.Context) -> None:
    """Print the config file's path (it need not exist yet).

    Example: $EDITOR "$(respond config path)"
    """
    from respond.storage.config import default_path

    print(default_path())


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-F",
            metavar="FORMAT",
            help="json (everything, lossless), csv (a spreadsheet), ics (open items as to-dos, "
            "VTODO: Apple Reminders, Thunderbird...) or ics-events (open items with a due time "
            "as 15-minute events with an alarm at the due time, VEVENT: Google Calendar, "
            "Outlook...).",
        ),
    ] = "json",
    output_file: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (atomically; a FIFO or device such as /dev/null is written "
            "into, never replaced; a file of the database is refused) instead of stdout.",
        ),
    ] = None,
) -> None:
    """Export every item: JSON that respond import reads back, CSV, or an iCalendar file of the
    open items. With --output it says how many items the file holds. Needs no settings: a
    broken config file never stops it.

    Example: respond export --format ics --output ~/respond.ics
    """
    from respond.core.text import quoted
    from respond.formats import export as exporting

    chosen = fmt.strip().lower()
    if chosen not in exporting.FORMATS:
        formats = ", ".join(exporting.FORMATS)
        raise CliError(f"unknown format {quoted(fmt, 20)}; use one of: {formats}", 2)
    state = _app(ctx).without_settings()
    items = list(state.store.snapshot().items.values())
    to_file = output_file not in (None, "-")
    written = f"{len(items)} item(s)"
    if chosen == "json":
        payload = exporting.to_json(items, state.env.now()).encode("utf-8")
    elif chosen == "csv":
        payload = exporting.to_csv(items, state.env.clock.tz, bom=to_file).encode("utf-8")
    else:
        events = chosen == "ics-events"
        payload = exporting.to_ics(items, state.env.now(), events=events)
        count = len(exporting.calendar_items(items, events=events))
        written = f"{count} open item(s){' with a due time' if events else ''}"
    if not to_file:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    from pathlib import Path

    from respond.core.text import visible
    from respond.storage.files import NotDurable, TargetError, write_output
    from respond.storage.paths import is_database_file

    assert output_file is not None
    target = Path(output_file).expanduser()
    shown = visible(str(target))
    if is_database_file(state.store.path, target):
        raise CliError(f"can't export to {shown}: it is a file of the database; nothing written", 2)
    warning = None
    try:
        write_output(target, payload)
    except TargetError as err:
        raise CliError(f"can't export to {visible(str(err))}", 2) from None
    except NotDurable as err:
        warning = f"the disk did not confirm the export is durable ({err.strerror})"
    except OSError as err:
        raise CliError(f"can't write {shown}: {err.strerror}", 2) from None
    print(f"Exported {written} as {chosen} to {shown}", file=sys.stderr)
    if warning:
        print(f"respond: warning: {warning}", file=sys.stderr)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="The file to import ('-' reads stdin).")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="SOURCE",
            help="respond (a respond export, the default) or taskwarrior (task export JSON).",
        ),
    ] = "respond",
) -> None:
    """Import a respond JSON export, or taskwarrior's `task export`. Items already here (same
    uuid) are skipped, so importing twice adds nothing; respond undo takes an import back.

    Example: task export > tasks.json && respond import --from taskwarrior tasks.json
    """
    from functools import partial

    from respond.core.text import quoted
    from respond.formats import imports

    chosen = source.strip().lower()
    if chosen not in imports.SOURCES:
        raise CliError(f"unknown source {quoted(source, 20)}; use one of: respond, taskwarrior", 2)
    name = "stdin" if file == "-" else file
    try:
        if file == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            from pathlib import Path

            text = Path(file).expanduser().read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CliError(f"no such file: {file}", 2) from None
    except IsADirectoryError:
        raise CliError(f"{file} is a directory, not a file", 2) from None
    except OSError as err:
        raise CliError(f"can't read {file}: {err.strerror}", 2) from None
    except UnicodeDecodeError:
        raise CliError(f"{name} is not UTF-8 text", 2) from None
    state = _app(ctx)
    if chosen == "taskwarrior":
        from respond.formats import taskwarrior

        tasks = taskwarrior.parse_export(text, name)
        env = state.env
        items = taskwarrior.items_from_tasks(
            tasks, env.now(), name, env.settings.week, env.clock.tz
        )
        lost = taskwarrior.left_out(tasks, env.now())
        state.run(imports.import_items, items, name, partial(taskwarrior.report_lines, lost))
        return
    items = imports.items_from_export(imports.load_json(text, name), name)
    state.run(imports.import_items, items, name)


@app.command()
def week(
    ctx: typer.Context,
    weeks: Annotated[
        int | None,
        typer.Option(
            "--weeks",
            metavar="N",
            help="Also list the last N weeks one by one, 1-520 (JSON: N weeks, default 8).",
        ),
    ] = None,
    as_json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Leave out the legend line under the table.")
    ] = False,
) -> None:
    """The habit scorecard: five habits scored 0-100 for this week so far (n/a: nothing to
    score), with last week, streaks, strength and the last 8 weeks.

    \b
    prompt reply: asks acknowledged or done by their respond-by time
    word kept: promises done by the time promised (ack --by before it renegotiates)
    follow-up: follow-ups done within a grace day of their due time
    loop closed: answers you waited on, relayed to the asker within a business day
    gratitude: thanks logged this week, out of your weekly goal (3 by default)
    overall: the mean of the habits scored; n/a while only gratitude has a score
    streak: weeks in a row scoring 80 or more (this week too, once it reaches 80)
    strength: past weeks smoothed, as Loop Habit Tracker does (half-life ~5 weeks)

    A check counts in the week it is decided: when you keep it, or once its deadline has
    passed (at the deadline's own second it is not missed yet).

    On a narrow terminal, headers wrap and rows go on two lines rather than cut a number.

    Example: respond week --weeks 12
    """
    from respond.core.scoring import SPARK_WEEKS, scorecard
    from respond.storage.scorecache import known_weeks

    if weeks is not None and not 1 <= weeks <= 520:
        raise RespondError(f"--weeks must be between 1 and 520, not {weeks}")
    state = _app(ctx)
    env = state.env
    known = known_weeks(
        state.store.path, env.now(), env.settings, env.clock.tz, _week_start(state)
    )  # every week's tallies: finished weeks from the score cache, this week from the items
    card = scorecard(
        (),
        env.now(),
        env.settings,
        env.clock.tz,
        weeks=weeks or SPARK_WEEKS,
        week_start=_week_start(state),
        cached=known,
    )
    state.emit("scorecard", card, as_json, history=weeks, legend=not quiet)


@app.command()
def thanks(
    ctx: typer.Context,
    person: Annotated[
        str,
        typer.Argument(
            metavar="PERSON", help="Whom you thanked." + CAPTURE, autocompletion=_complete_people
        ),
    ],
    text: Annotated[str, typer.Argument(metavar="TEXT", help='What for, e.g. "for the fix".')],
    new_person: NewPersonOpt = False,
) -> None:
    """Log gratitude you expressed (counts toward your weekly gratitude goal, 3 by default).

    Example: respond thanks Jane "for sorting out the VPN"
    """
    from respond.core import actions

    person, new_person = _settle_person(ctx, person, new_person)
    _app(ctx).run(actions.thank, person, text, new_person)


@app.command()
def who(
    ctx: typer.Context,
    person: Annotated[
        str,
        typer.Argument(
            metavar="PERSON",
            help="A name. " + MATCHING + " A name that finds no one, or several people, exits 1.",
            autocompletion=_complete_people,
        ),
    ],
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Show the whole history, not the last 15.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Everything with one person: open items, history, how fast you acknowledge their asks,
    promises kept and broken, and when you last thanked them.

    On a narrow terminal, titles give way first; IDs and times stay whole.

    Example: respond who dana
    """
    from respond.core import people as persons

    state = _app(ctx)
    now = state.env.now()
    view = None
    if not (show_all or as_json):  # the last lines: the archive's summaries are enough
        summarised = _summarised(state, now)
        if summarised is not None:
            active, known, archived = summarised
            view = persons.who_summarised(active, known, archived, person, now, persons.LINES)
    if view is None:
        everyone = list(state.store.snapshot().items.values())
        view = persons.who(everyone, person, now)
    else:  # (the active file's items only: an address seen only on archived items shows with --all)
        everyone = list(active)
    view = _with_addresses(view, everyone)
    state.emit("person", view, as_json, limit=None if show_all else persons.LINES)


def _with_addresses(view: Any, items: Any) -> Any:
    """``view`` with the person's email addresses (respond.core.addresses)."""
    from dataclasses import replace

    from respond.core.addresses import addresses_by_person
    from respond.core.people import person_key

    found = addresses_by_person(i for i in items if i.addresses)
    return replace(view, addresses=tuple(found.get(person_key(view.name), ())))


def _summarised(state: "App", now: "datetime", lines: bool = True) -> Any:
    """What :func:`respond.storage.archive.read_summaries` gives, or ``None`` (then the
    archive is read)."""
    from respond.storage import archive as layout

    found = state.store.summaries(now)
    if found is None:
        return None
    table, entries = found
    return layout.read_summaries(table, entries, lines)


people_app = typer.Typer(
    name="people",
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(people_app)


@people_app.callback()
def people(
    ctx: typer.Context,
    days: Annotated[
        int,
        typer.Option("--days", metavar="N", help="What counts as recent (default: 30)."),
    ] = 30,
    as_json: JsonOpt = False,
    addresses: Annotated[
        bool,
        typer.Option(
            "--addresses", help="List everyone's email addresses instead (respond people email)."
        ),
    ] = False,
) -> None:
    """Everyone with open items or recent history, with counts. respond people rename OLD NEW
    renames a person (or merges two); respond people email NAME ADDRESS adds an address.

    On a narrow terminal, headers wrap and rows go on two lines rather than cut a name (up to
    30 characters), a count or a time.

    Example: respond people
    """
    if ctx.invoked_subcommand is not None:
        return
    from respond.core.people import known_names, people_summarised
    from respond.core.people import people as people_rows

    if not 1 <= days <= 36_500:
        raise RespondError(f"--days must be between 1 and 36500, not {days}")
    state = _app(ctx)
    if addresses:
        return _addresses(state, as_json)
    now = state.env.now()
    rows = None
    summarised = _summarised(state, now, lines=False)
    if summarised is not None:
        active, spellings, archived = summarised
        rows = people_summarised(active, known_names(spellings), archived, now, days)
    if rows is None:
        rows = people_rows(state.store.snapshot().items.values(), now, days)
    state.emit("people", rows, as_json)


def _addresses(state: App, as_json: bool) -> None:
    """``people --addresses``: each person with an address, a line each (JSON: an object)."""
    from respond.core.addresses import addresses_by_person
    from respond.core.people import names
    from respond.core.text import visible

    items = list(state.store.snapshot().items.values())
    spelling = names(items)
    found = addresses_by_person(items)
    rows = sorted((spelling[key], found[key]) for key in found)
    if as_json:
        state.output.json({name: list(addrs) for name, addrs in rows})
        return
    for name, addrs in rows:
        print(f"{visible(name)}\t{visible(', '.join(addrs))}")


@people_app.command("email")
def people_email(
    ctx: typer.Context,
    person: Annotated[
        str,
        typer.Argument(
            metavar="NAME", help="The person. " + MATCHING, autocompletion=_complete_people
        ),
    ],
    address: Annotated[str, typer.Argument(metavar="ADDRESS", help="Their email address.")],
) -> None:
    """Add an email address to a person: a message from it then finds them, whatever name
    it shows (respond add --mail).

    Example: respond people email dana dana@example.com
    """
    from respond.core.mail import add_address

    _app(ctx).run(add_address, person, address)


@people_app.command("rename")
def people_rename(
    ctx: typer.Context,
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help="The person to rename. " + MATCHING,
            autocompletion=_complete_people,
        ),
    ],
    new: Annotated[
        str,
        typer.Argument(
            metavar="NEW",
            help="Their new name, exactly as typed; if it is someone else's name (any case, "
            "accents or spacing), the two become one, in that person's spelling.",
        ),
    ],
) -> None:
    """Rename a person on all their items, or merge them into another (each item's history
    records it; respond undo reverses the whole rename).

    Example: respond people rename Dan "Dana Whitfield"
    """
    from respond.core import actions

    _app(ctx).run(actions.rename_person, old, new)


@app.command()
def prompt(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="TEMPLATE",
            help="Placeholders {overdue}, {today} (due later today) and {open}; prints nothing "
            "when all shown counts are 0 (default: " + DEFAULT_PROMPT_FORMAT + ").",
        ),
    ] = None,
    shell: Annotated[
        bool, typer.Option("--shell", hidden=True, help="Output for the shell-init snippets.")
    ] = False,
) -> None:
    """Print the overdue counter for your shell prompt (e.g. !3; nothing when none): open
    items of every kind past their time (due 14:00: counted from 14:00:01), the number
    respond today states in its first line.

    Fast: reads only a small state file. See respond shell-init.
    """
    from respond.cli import prompt as counter

    state = _app(ctx)
    code = counter.fast_main(
        [
            *(["--db", state.db_option] if state.db_option is not None else []),
            *(["--now", state.now_option] if state.now_option is not None else []),
            "prompt",
            *(["--format", fmt] if fmt is not None else []),
            *(["--shell"] if shell else []),
        ]
    )
    assert code is not None


@app.command("shell-init")
def shell_init(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="TEMPLATE",
            help="As for respond prompt. Its prompt escapes work: zsh's %F{red}!{overdue}%f, "
            "bash's \\[\\e[31m\\]!{overdue}\\[\\e[0m\\] (bash >= 4.4).",
        ),
    ] = None,
) -> None:
    """Print a snippet that puts the overdue counter in your prompt. Only the counts (digits)
    are filled into your template: nothing from the database reaches the prompt.

    bash: eval "$(respond shell-init bash)" in ~/.bashrc; zsh: the same in ~/.zshrc;
    fish: respond shell-init fish | source in config.fish.
    """
    from respond.cli.shell import snippet

    sys.stdout.write(snippet(shell, fmt, _app(ctx).db_option))


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
    """Check the database: it loads, schema, IDs, links, permissions, temp files, backups;
    and the config file: a broken one is reported (path and error) as a problem, and the
    database is checked all the same.

    Exit code 0 healthy, 1 problems found (the database is usable), 2 the database is unusable.
    Example: respond doctor --repair
    """
    from respond.storage import doctor as checkup
    from respond.storage.config import default_path

    state = _app(ctx).without_settings()
    lines, report = checkup.result_of(state.store.path, fix=repair, config=default_path())
    for line in lines:
        state.output.confirm(line)
    raise typer.Exit(report.exit_code)


from respond.cli.sync import sync_app  # noqa: E402  (its module keeps this one small)

app.add_typer(sync_app)


@app.command()
def remind(
    ctx: typer.Context,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            metavar="WHEN",
            help="Run as if it were WHEN (e.g. 2026-11-25T14:03): to try it, or to catch up.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Run respond remind every 5 minutes: a systemd user timer, a launchd agent "
            "(macOS), or the crontab line to add.",
        ),
    ] = False,
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Remove what --install wrote.")
    ] = False,
) -> None:
    """Send the reminders that fall due: open asks, promises, follow-ups and chases due within
    [remind] before (15m) or overdue, each once per due time (snoozed: again at its new time),
    within working hours unless [remind] always = true; and the [remind] digest once each
    working day. To [remind] urls (apprise), else a desktop notification, else stdout.

    One run ends by [remind] timeout (45 s) whatever a receiver does. Exit code 0 sent (or
    nothing to send), 1 a channel failed (retried next run) or no database, 2 a bad [remind]
    setting. A timer runs it: respond remind --install.
    """
    from respond.cli import notify

    state = _app(ctx)
    if install and uninstall:
        raise CliError("--install and --uninstall can't be used together", 2)
    if install or uninstall:
        from respond.storage import schedule

        mail = bool(state.config[0].mail_folders)  # [mail] set: the timer reads mail first
        commands, env = notify.scheduled_job(state.db_option, mail)
        for line in (schedule.install if install else schedule.uninstall)(commands, env):
            print(line)
        return
    if now is not None:
        state.now_option = now
    code = notify.run(state, dry_run=dry_run)
    notify.finish(code)  # a send abandoned at the deadline: the process ends here
    raise typer.Exit(code)


@app.command("mail")
def mail_scan(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what it would do; change and record nothing.")
    ] = False,
) -> None:
    """Read the folders of [mail] folders (maildirs or mbox files): your reply to a filed ask
    acknowledges it at the reply's time ([mail] reply = "done": completes it), a reply to a
    filed wait answers it, a flagged message in a [mail] flagged folder becomes an ask.

    Each message is read once (this machine records what it read beside the database); respond
    reads headers only, and sends nothing anywhere.

    Example: respond mail --dry-run
    """
    from respond.cli.mail import scan

    raise typer.Exit(scan(_app(ctx), dry_run))


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

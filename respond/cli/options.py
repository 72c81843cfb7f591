"""The options and arguments commands share, each written once, and the rules their help
states (the date forms, how a name finds a person).
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state
from respond.core.errors import RespondError

# Said in the help of every option that takes a time (README: "Dates you can type").
WHEN_RULE = (
    "A time that has passed means the next one (9am at 10:00 is tomorrow's), a date without "
    "a year the next such date; a date already past (2026-11-20) is kept, flagged overdue."
)


WORKDAY_RULE = "A day off moves it to the next working day."


def item_number(text: str) -> int:
    from respond.core.actions import parse_id

    return parse_id(text)


def ids_to_complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from respond.cli.complete import complete_ids

    return complete_ids(ctx, incomplete)


def open_asks_to_complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from respond.cli.complete import complete_open_asks

    return complete_open_asks(ctx, incomplete)


def settle_person(ctx: typer.Context, person: str, new_person: bool) -> tuple[str, bool]:
    """On a terminal, ask about a new name close to a known person's (``cli.askperson``)."""
    from respond.cli.askperson import settle

    return settle(app_state(ctx), person, new_person)


def people_to_complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from respond.cli.complete import complete_people

    return complete_people(ctx, incomplete)


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


def by_option(what: str = "Due time.") -> Any:
    """The ``--by``/``-b WHEN`` option of every command that takes a due time: ``what`` it
    is (its first sentence), then the date rule (:data:`WHEN_RULE`). Used as
    ``Annotated[str | None, by_option("When to chase them.")]``."""
    return typer.Option("--by", "-b", metavar="WHEN", help=what + " " + WHEN_RULE)


ByOpt = Annotated[str | None, by_option()]


TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", metavar="TAG", help="Add a tag (repeatable).")
]


NoteOpt = Annotated[
    str, typer.Option("--note", "-n", metavar="TEXT", help="A note to keep with it.")
]


IdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="Item number, e.g. 12 or #12.", autocompletion=ids_to_complete
    ),
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


def person_option(*names: str, help: str) -> Any:
    """The option that names a person (``--from``, ``--to``, ``--on``, ``--person``,
    ``--who``): ``names`` as Click takes them, the metavar PERSON, completion from the people
    known. ``help`` ends with the rule it follows (:data:`CAPTURE` or :data:`MATCHING`). Used
    as ``Annotated[str | None, person_option("--to", "-t", help=...)]``."""
    return typer.Option(*names, metavar="PERSON", help=help, autocompletion=people_to_complete)


def person_argument(help: str, *, metavar: str = "PERSON") -> Any:
    """The argument that names a person (``thanks PERSON``, ``who PERSON``...), as
    :func:`person_option`."""
    return typer.Argument(metavar=metavar, help=help, autocompletion=people_to_complete)


MailOpt = Annotated[
    bool,
    typer.Option(
        "--mail",
        help="File a mail message: TEXT is its file (none or -: stdin). respond reads its "
        "headers, and its first line only when it has no subject.",
    ),
]


def needed(ctx: typer.Context, value: str | None, name: str) -> str:
    """A value that is required unless --mail is given (worded as Click words its own)."""
    if value is None:
        what = "argument" if name == "TEXT" else "option"
        raise RespondError(f"Missing {what} '{name}' (see: {ctx.command_path} --help)")
    return value


NewPersonOpt = Annotated[
    bool,
    typer.Option(
        "--new-person",
        help="Add a new person named exactly as typed, even if the name finds someone known.",
    ),
]

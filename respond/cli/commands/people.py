"""People: ``who``, ``people``, ``people email`` and ``people rename``."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from respond.core.errors import RespondError

if TYPE_CHECKING:
    from datetime import datetime
from respond.cli.appstate import App
from respond.cli.context import app_state
from respond.cli.options import MATCHING, JsonOpt, person_argument


def who(
    ctx: typer.Context,
    person: Annotated[
        str,
        person_argument(
            "A name. " + MATCHING + " A name that finds no one, or several people, exits 1."
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

    state = app_state(ctx)
    now = state.env.now()
    view = None
    if not (show_all or as_json):  # the last lines: the archive's summaries are enough
        summarised = _summarised(state, now)
        if summarised is not None:
            active, known, archived = summarised
            view = persons.who_summarised(active, known, archived, person, now, persons.LINES)
            if any(part.damaged for part in archived):  # (a damaged sidecar: the files)
                view = None
    if view is None:
        everyone = list(state.store.snapshot().items.values())
        view = persons.who(everyone, person, now)
    else:  # (the active file's items only: an address seen only on archived items shows with --all)
        everyone = list(active)
    view = _with_addresses(view, everyone)
    state.emit("person", view, as_json, limit=None if show_all else persons.LINES)


def _with_addresses(view: Any, items: Any) -> Any:
    """``view`` with the person's email addresses (respond.core.addresses)."""
    from respond.core.addresses import addresses_by_person
    from respond.core.people import person_key

    found = addresses_by_person(i for i in items if i.addresses)
    return view.replace(addresses=tuple(found.get(person_key(view.name), ())))


def _summarised(state: "App", now: "datetime", lines: bool = True) -> Any:
    """What :func:`respond.storage.summaries.read_summaries` gives, or ``None`` (then the
    archive is read)."""
    from respond.storage.summaries import read_summaries

    found = state.store.summaries(now)
    if found is None:
        return None
    table, entries = found
    return read_summaries(table, entries, lines)


people_app = typer.Typer(
    name="people",
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
    state = app_state(ctx)
    if addresses:
        return _addresses(state, as_json)
    now = state.env.now()
    rows = None
    summarised = _summarised(state, now, lines=False)
    if summarised is not None:
        active, spellings, archived = summarised
        rows = people_summarised(active, known_names(spellings), archived, now, days)
        if any(part.damaged for part in archived):  # (a damaged sidecar: the files)
            rows = None
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
    person: Annotated[str, person_argument("The person. " + MATCHING, metavar="NAME")],
    address: Annotated[str, typer.Argument(metavar="ADDRESS", help="Their email address.")],
) -> None:
    """Add an email address to a person: a message from it then finds them, whatever name
    it shows (respond add --mail).

    Example: respond people email dana dana@example.com
    """
    from respond.core.mail import add_address

    app_state(ctx).run(add_address, person, address)


@people_app.command("rename")
def people_rename(
    ctx: typer.Context,
    old: Annotated[str, person_argument("The person to rename. " + MATCHING, metavar="OLD")],
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

    app_state(ctx).run(actions.rename_person, old, new)

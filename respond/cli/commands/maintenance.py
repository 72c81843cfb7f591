"""Keeping the database right: ``doctor`` and ``undo``."""

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state


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

    app_state(ctx).without_settings().run(actions.skip_undo if skip else actions.undo)


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

    state = app_state(ctx).without_settings()
    lines, report = checkup.result_of(state.store.path, fix=repair, config=default_path())
    for line in lines:
        state.output.confirm(line)
    raise typer.Exit(report.exit_code)

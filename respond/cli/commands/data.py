"""Data in and out: ``export`` and ``import`` (the formats are in :mod:`respond.formats`)."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state
from respond.core.errors import RespondError


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
        raise RespondError(f"unknown format {quoted(fmt, 20)}; use one of: {formats}")
    state = app_state(ctx).without_settings()
    items = list(state.store.snapshot().items.values())
    to_file = output_file not in (None, "-")
    payload, written = exporting.payload(
        chosen, items, state.env.now(), state.env.clock.tz, to_file
    )
    if not to_file:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    assert output_file is not None
    shown, warning = exporting.write_file(output_file, payload, state.store.path)
    state.output.warn(f"Exported {written} as {chosen} to {shown}", label=None)
    if warning:
        state.output.warn(warning)


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
        raise RespondError(f"unknown source {quoted(source, 20)}; use one of: respond, taskwarrior")
    text, name = imports.read_input(file)
    state = app_state(ctx)
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

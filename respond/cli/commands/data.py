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
        message = f"can't export to {shown}: it is a file of the database; nothing written"
        raise RespondError(message)
    warning = None
    try:
        write_output(target, payload)
    except TargetError as err:
        raise RespondError(f"can't export to {visible(str(err))}") from None
    except NotDurable as err:
        warning = f"the disk did not confirm the export is durable ({err.strerror})"
    except OSError as err:
        raise RespondError(f"can't write {shown}: {err.strerror}") from None
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
    name = "stdin" if file == "-" else file
    try:
        if file == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            from pathlib import Path

            text = Path(file).expanduser().read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RespondError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise RespondError(f"{file} is a directory, not a file") from None
    except OSError as err:
        raise RespondError(f"can't read {file}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise RespondError(f"{name} is not UTF-8 text") from None
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

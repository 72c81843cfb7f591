"""``respond remind``: reminders through apprise, and the timer that runs them."""

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state
from respond.core.errors import RespondError


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

    state = app_state(ctx)
    if install and uninstall:
        raise RespondError("--install and --uninstall can't be used together")
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

"""``respond mail``: scan the ``[mail]`` folders (the work is in :mod:`respond.cli.mail`)."""

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state


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

    raise typer.Exit(scan(app_state(ctx), dry_run))

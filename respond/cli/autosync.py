"""The background sync after a change (``[sync] auto``), and the record of a sync's failure
that ``today`` shows. Without Typer, so that every change shares it: the commands (through
:meth:`respond.cli.appstate.App.confirm`) and the capture lane alike. ``respond sync`` itself
is :mod:`respond.cli.sync`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any


def record(state: Any, failure: str | None) -> None:
    from pathlib import Path

    from respond.storage.syncstatus import write_status

    write_status(Path(state.store.path), state.env.now(), failure)


def after_change(state: Any) -> None:
    """After a command changed the database: with ``[sync] auto = true``, start a sync in the
    background (detached, silent) and return at once. Nothing at all when sync is not set up."""
    from respond.storage.paths import sync_initialised

    db = state.store.path
    if not sync_initialised(db):
        return
    if state.config_use == "all":  # the settings the change ran with (a file written since
        auto = state.settings.sync_auto  # is not read: without one, they were the defaults)
    else:  # undo: a broken config file never stops it, and means no auto sync
        from respond.storage.config import ConfigError, load_settings

        try:
            auto = load_settings()[0].sync_auto
        except ConfigError:
            return
    if not auto:
        return
    import subprocess  # (only here: every change runs this function)

    args = [sys.executable, "-m", "respond", "--db", str(db)]
    if state.now_option:
        args += ["--now", state.now_option]
    try:
        subprocess.Popen(
            [*args, "sync", "--background"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as err:
        record(state, f"can't start the background sync: {err.strerror}")

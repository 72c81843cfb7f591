"""What every command shares at run time: the per-invocation :class:`App` (store, settings,
clock, output; it lives in :mod:`respond.cli.appstate`, without Typer, so that the capture
lane shares it), the one presentation path (:meth:`App.emit`) and the one error path.

No ``from __future__ import annotations`` (see :mod:`respond.cli.app`).
"""

import sys
from typing import Any, NoReturn

import typer

from respond.cli.appstate import App
from respond.core.errors import ExitStatus, RespondError

# Typer (>= 0.26) vendors Click and exports none of its error classes but BadParameter (and
# says not to import its private ``typer._click``). Every mistake on the command line raises a
# Click usage error, BadParameter's parent class.
UsageError: Any = typer.BadParameter.__mro__[1]


def fail(err: RespondError) -> NoReturn:
    """The one error path: one line on stderr (``respond: ...``; the message may quote a
    file's text or the user's, shown visibly) and the exit status the error carries."""
    from respond.cli.output import error
    from respond.core.text import visible

    error(visible(str(err)))
    raise typer.Exit(err.exit_code)


def usage_error(err: Any) -> RespondError:
    """Click prints usage errors over three lines; the contract is one line on stderr."""
    where = err.ctx.command_path if err.ctx is not None else "respond"
    return RespondError(f"{err.format_message()} (see: {where} --help)")


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
        message = f"saved {saved}, but could not write the confirmation: {why}"
        fail(RespondError(message, status=ExitStatus.FAILED))
    if isinstance(err, BrokenPipeError):
        raise typer.Exit(ExitStatus.FAILED)  # the reader stopped reading (respond list | head -1)
    fail(RespondError(f"could not write the output: {why}", status=ExitStatus.FAILED))


def app_state(ctx: typer.Context) -> App:
    obj = ctx.find_root().obj
    assert isinstance(obj, App)
    return obj

"""``respond`` and ``python -m respond``: hand over to the Typer app.

Kept tiny on purpose: nothing heavy is imported until the command is known. ``respond prompt``
runs before every shell prompt, so it is answered here without importing Typer at all (see
``respond.cli.prompt``); ``respond prompt --help`` and anything unusual still go through Typer.
The capture commands (``add``, ``done``...) likewise go through the capture lane
(``respond.cli.lane``) unless it hands them to Typer.

Every other command runs with the cyclic garbage collector off. A command lives for a fraction
of a second and makes almost no reference cycles (reference counting frees its data), but the
collector would run again and again over the objects that importing Typer and Rich creates,
once more over everything a read of the database built, and a last time at exit over all
that is still alive (see "Performance" in README.md).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int | None:
    args = sys.argv[1:] if argv is None else argv
    if sys.stdout is None or sys.stderr is None:  # started with one closed (respond list >&-)
        from respond.cli.output import stand_in_for_closed_streams

        stand_in_for_closed_streams()
    if "prompt" in args:
        from respond.cli.prompt import fast_main

        code = fast_main(args)
        if code is not None:
            return code
    import gc

    gc.disable()
    try:
        # add, promise, ack, wait, done, snooze, thanks: the capture lane, without Typer
        # (respond.cli.lane); what it does not fully understand it leaves, unwritten, to Typer.
        # Only loaded when one of them is named somewhere in argv.
        from respond.cli.lanespec import COMMANDS as CAPTURES

        if not CAPTURES.keys().isdisjoint(args):
            from respond.cli.lane import main as lane

            code = lane(args)
            if code is not None:
                return code
        from respond.cli.app import run

        run(args)
    finally:
        # The interpreter collects once more on its way out, collector on or off: frozen,
        # the objects still alive (modules, classes) are left out of that last pass.
        gc.freeze()
    return None


if __name__ == "__main__":
    sys.exit(main())

"""``respond`` and ``python -m respond``: hand over to the Typer app.

Kept tiny on purpose: nothing heavy is imported until the command is known. ``respond prompt``
runs before every shell prompt, so it is answered here without importing Typer at all (see
``respond.cli.prompt``); ``respond prompt --help`` and anything unusual still go through Typer.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int | None:
    args = sys.argv[1:] if argv is None else argv
    if "prompt" in args:
        from respond.cli.prompt import fast_main

        code = fast_main(args)
        if code is not None:
            return code
    from respond.cli.app import app

    app(args=args, prog_name="respond")
    return None


if __name__ == "__main__":
    sys.exit(main())

"""``respond`` and ``python -m respond``: hand over to the Typer app.

Kept tiny on purpose: nothing heavy is imported until the command is known.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from respond.cli import app

    app(args=argv if argv is not None else sys.argv[1:], prog_name="respond")


if __name__ == "__main__":
    main()

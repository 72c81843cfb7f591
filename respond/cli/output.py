"""Where output goes, and plain output that needs no Rich: confirmations, JSON, the config
report (cheap to import)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from respond.core.value import Record

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TextIO

    from respond.core.settings import Settings

PIPED_WIDTH = 200  # piped output is laid out this wide, unless $COLUMNS says


class Environment:
    """Where one command's output goes and how it may look, as httpie's ``Environment``: the
    streams, whether stdout is a terminal, the config file's ``color`` setting and the width.

    Built once per command (``cli.appstate.App.output``) from the streams of the moment, so that
    test runners can capture them; a test may pass its own values (``stdout_isatty=True`` pretends a
    terminal, for Rich too). ``NO_COLOR``, ``FORCE_COLOR`` and ``TTY_COMPATIBLE`` are Rich's to
    honour (``render.console``): ``color=False`` only ever turns colour off. A width of None is
    the terminal's own; piped output is not hard-wrapped at 80 columns but laid out
    ``$COLUMNS`` or ``PIPED_WIDTH`` wide.
    """

    def __init__(
        self,
        *,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        stdout_isatty: bool | None = None,
        color: bool | Callable[[], bool] = True,
        width: int | None = None,
    ) -> None:
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr
        # Told (by a test), Rich is told too; else Rich finds it out itself, as it always has.
        self.force_terminal = stdout_isatty
        self.stdout_isatty = self.stdout.isatty() if stdout_isatty is None else stdout_isatty
        self._color = color
        if width is None and not self.stdout_isatty:
            width = int(os.environ.get("COLUMNS", "0") or 0) or PIPED_WIDTH
        self.width = width

    @property
    def color(self) -> bool:
        """Whether colour is allowed. Given as a function (``App`` reads the config file in
        it), it is asked only when something is drawn: ``--json`` and confirmations never
        read the config file for it."""
        if not isinstance(self._color, bool):
            self._color = self._color()
        return self._color

    def confirm(self, message: str) -> None:
        """A confirmation (its user text is already made visible by the core): whole when
        piped, for scripts; on a terminal wrapped at word boundaries to its width, so that a
        long title is never cut."""
        if self.stdout_isatty:
            import shutil
            import textwrap

            width = self.width or shutil.get_terminal_size().columns
            if len(message) > width > 20:
                message = "\n".join(
                    textwrap.wrap(message, width, subsequent_indent="  ", break_on_hyphens=False)
                )
        print(message, file=self.stdout)

    def warn(self, message: str, *, label: str | None = "warning") -> None:
        """One line for the person, on stderr (never in what a script reads on stdout):
        ``respond: warning: MESSAGE``; ``label`` ``"hint"`` says ``respond: hint: MESSAGE``,
        ``""`` just ``respond: MESSAGE``, ``None`` the message as it is. Every warning, hint
        and note of a command goes through here (errors go through ``cli.context.fail``)."""
        if label is not None:
            message = f"respond: {label}: {message}" if label else f"respond: {message}"
        print(message, file=self.stderr, flush=True)

    def json(self, data: Any) -> None:
        """Data for scripts: UTF-8 JSON, user text exactly as stored (its invisible characters
        as JSON escapes: :func:`respond.core.text.json_text`)."""
        from respond.core.text import json_text

        self.stdout.write(json_text(data) + "\n")


def error(message: str) -> None:
    """An error's one line on stderr (``respond: MESSAGE``): the error path's
    (``cli.context.fail``), which may run before any output environment is built or after
    stdout is lost."""
    print(f"respond: {message}", file=sys.stderr, flush=True)


# How a command builds its output environment: ``Environment`` itself, or a test's stand-in
# (handed to the app as ``obj``: ``CliRunner().invoke(app, args, obj=...)``).
MakeEnvironment = Callable[..., Environment]


class ConfigView(Record):
    """What ``respond config`` shows: the effective settings, where each came from, the paths.
    (A plain class, not a NamedTuple, which builds its class with exec on every command that
    imports this module.)"""

    __slots__ = ("settings", "sources", "path", "db_path")  # noqa: RUF023 (field order)
    settings: Settings
    sources: dict[str, str]
    path: Path
    db_path: Path

    def __init__(
        self, settings: Settings, sources: dict[str, str], path: Path, db_path: Path
    ) -> None:
        self.settings = settings
        self.sources = sources
        self.path = path
        self.db_path = db_path


def config(view: ConfigView, io: Environment) -> None:
    """``respond config``: the report, plain lines (no Rich: it has nothing to colour)."""
    from respond.storage.config import report

    for line in report(view.settings, view.sources, view.path, view.db_path):
        print(line, file=io.stdout)


def stand_in_for_closed_streams() -> None:
    """When respond was started with stdout or stderr closed (``respond list >&-``), Python
    leaves ``sys.stdout`` or ``sys.stderr`` as None and the first print was a traceback. A
    closed stdout becomes a stream whose writes fail as writing to a closed descriptor does
    (``EBADF``): a command says it could not write its output (a change: that it was saved)
    and exits 1, as with ``> /dev/full``. A closed stderr becomes one that discards."""
    import errno
    import io

    class Closed(io.TextIOBase):
        def write(self, text: str) -> int:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))

        def isatty(self) -> bool:
            return False

    if sys.stdout is None:
        sys.stdout = Closed()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process)

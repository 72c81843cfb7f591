"""Errors the core and storage raise, and the exit status each means; the CLI turns each
into one line on stderr and exits with its status (docs/usage.md: "Exit status")."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """How ``respond`` exits: the one place its exit codes are named (never a bare integer).
    The names of one value are aliases, each saying what happened; docs/usage.md's table lists
    every name (a test checks that)."""

    OK = 0
    #: The command ran but did not do all it was asked: doctor found problems, a question was
    #: cancelled, the output could not be written.
    FAILED = 1
    #: Nothing found: a search, a name or a number that finds nothing.
    NOT_FOUND = 1
    #: A remote failed: the sync remote or a reminder channel did not take it (retried later).
    REMOTE_FAILED = 1
    #: Bad input: a bad option, argument, date, file or setting, or an unusable database;
    #: nothing was written.
    BAD_INPUT = 2


class RespondError(Exception):
    """A problem the user can fix. ``str(err)`` is a one-line message; ``exit_code`` the
    :class:`ExitStatus` it means: a class's own, else ``status`` given here."""

    exit_code: ExitStatus = ExitStatus.BAD_INPUT

    def __init__(self, *args: object, status: ExitStatus | None = None) -> None:
        super().__init__(*args)
        if status is not None:
            self.exit_code = status


class NotFound(RespondError):
    """Something the user named does not exist."""


class DatabaseError(RespondError):
    """The database file is missing, unreadable, damaged or from a newer version.

    ``cause`` says what is wrong, ``advice`` (maybe empty) what was done about it and what the
    user can do: the message is ``"{cause}; {advice}"`` (``doctor`` shows the cause with its
    own advice)."""

    def __init__(self, cause: str, advice: str = "") -> None:
        super().__init__(f"{cause}; {advice}" if advice else cause)
        self.cause = cause
        self.advice = advice


class NothingFound(RespondError):
    """A command that promises to find something found nothing (exit code 1)."""

    exit_code = ExitStatus.NOT_FOUND


class NewerSchema(DatabaseError):
    """The database was written by a newer respond: refused, never touched."""


class DateError(RespondError, ValueError):
    """Text that is not a date we understand (bad input, exit 2); ``str(err)`` is a one-line
    message for users. Raised by :mod:`respond.core.dates` and defined here, so that catching
    it does not import the date grammar."""

    exit_code = ExitStatus.BAD_INPUT

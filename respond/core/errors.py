"""Errors the core and storage raise; the CLI turns each into one line on stderr."""

from __future__ import annotations


class RespondError(Exception):
    """A problem the user can fix. ``str(err)`` is a one-line message; ``exit_code`` follows
    the CLI contract (2 = bad input or an unusable database, 1 = nothing found)."""

    exit_code = 2


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

    exit_code = 1


class NewerSchema(DatabaseError):
    """The database was written by a newer respond: refused, never touched."""


class DateError(ValueError):
    """Text that is not a date we understand; ``str(err)`` is a one-line message for users.
    Raised by :mod:`respond.core.dates` and defined here, so that catching it (as the CLI
    does around every command) does not import the date grammar."""

"""The question ``add``, ``promise``, ``wait``, ``thank`` and ``edit --person`` ask on a
terminal when a new name is close to a known person's (``Zoey is new. Did you mean Zoë
Müller? [Y/n]``). Off a terminal nothing is asked: the core files the new name and hints at
the command that merges the two (:func:`respond.core.actions.near_miss_hint`)."""

from __future__ import annotations

import sys

from respond.core.errors import ExitStatus

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any


def interactive(app: Any) -> bool:
    """Whether a person can answer: stdin and stdout are both a terminal."""
    try:
        return sys.stdin.isatty() and bool(app.output.stdout_isatty)
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def offered(app: Any, typed: str, new_person: bool) -> str | None:
    """The known name :func:`settle` would ask about (``Did you mean ...?``), or None when it
    asks nothing (the capture lane hands such a command to Typer)."""
    if new_person or not typed.strip() or not interactive(app):
        return None
    from respond.core.people import find, known_names, near_miss

    # (a capture's names, read from the files it appends with: see respond.cli.lane)
    capture = app.known_names
    known = capture() if capture else known_names(app.store.person_counts().items())
    if find(known, typed):
        return None
    near = near_miss(known, typed)
    return None if near is None else known[near]


def settle(app: Any, typed: str, new_person: bool) -> tuple[str, bool]:
    """The person to file under and whether it is new: on a terminal, a name that finds no
    one but is close to a known person's (:func:`respond.core.people.near_miss`) is asked
    about; yes (the default) files under the known person, no under the new name as typed
    (``--new-person`` skips the question). Ctrl-D or Ctrl-C cancels: nothing is written."""
    offer = offered(app, typed, new_person)
    if offer is None:
        return typed, new_person
    from respond.core.text import shorten

    question = f"{shorten(typed, 30)} is new. Did you mean {shorten(offer, 40)}? [Y/n] "
    while True:
        print(question, end="", file=app.output.stderr, flush=True)
        try:
            answer = input().strip().lower()
        except (EOFError, KeyboardInterrupt):
            print(file=app.output.stderr)
            app.output.warn("cancelled: nothing was changed", label="")
            raise SystemExit(ExitStatus.FAILED) from None
        if answer in ("", "y", "yes"):
            return offer, False
        if answer in ("n", "no"):
            return typed, True

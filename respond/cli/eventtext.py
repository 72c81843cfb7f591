"""How ``show`` words an item in plain text (:mod:`respond.cli.render` draws it): each history
event's time and lines (``snoozed · from: Fri 17:00 · to: Mon 17:00``; an edit's changes, a
line each), and a note's lines. Times are as people say them (:func:`respond.core.timefmt.when`).
No Rich here."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from respond.cli.layout import TITLE_WIDTH
from respond.core import timefmt
from respond.core.text import quoted

if TYPE_CHECKING:
    from respond.core.env import Env


def note_lines(note: str) -> list[str]:
    """A note's lines (broken at ``\\n`` or ``\\r\\n``); each still needs :func:`visible`."""
    return note.replace("\r\n", "\n").split("\n")


def when(moment: datetime, env: Env) -> str:
    """A time in ``show``'s history as people say it (:func:`respond.core.timefmt.when`)."""
    return timefmt.when(moment, env.now(), env.clock.tz)


def event_time(event: dict[str, Any], env: Env) -> str:
    """When an event happened, in the form of every other time ``show`` writes (the due
    time, the times inside events): :func:`when`, e.g. ``Mon 23 Nov 08:00``."""
    from respond.core.clock import from_iso

    try:
        return when(from_iso(event["at"]), env)
    except (KeyError, ValueError, TypeError, OverflowError):
        return "?"


def event_lines(event: dict[str, Any], env: Env) -> list[str]:
    """An event as ``show`` prints it: ``snoozed · from: Fri 17:00 · to: Mon 17:00``; an edit
    gives each changed field a line of its own, ``title: 'Q3' → 'Q3 numbers'``. The lines
    still need :func:`visible`."""
    from respond.core.clock import from_iso

    parts = [str(event.get("event", "?"))]
    changes = event.get("changes")
    edits = []
    for key, value in event.items():
        if key in ("event", "at", "followup_uuid") or value in (None, "", []):
            continue
        if key == "changes" and isinstance(value, dict):
            edits = [_change_text(name, change, env) for name, change in value.items()]
            continue
        if key == "fields" and isinstance(changes, dict) and changes:
            continue  # the changes name them
        if key == "corrects" and value is True:
            parts.append("a correction (scored against the new time)")
            continue
        if key == "due" and isinstance(changes, dict) and "due" in changes:
            continue  # the change shows it
        if key in ("due", "from", "to") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = when(from_iso(value), env)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    if edits:
        parts.append(edits[0])
    return [" · ".join(parts), *edits[1:]]


def _change_text(name: str, change: Any, env: Env) -> str:
    """One field of an ``edited`` event: ``title: 'Q3 numbers' → 'Q3 and Q4 numbers'``."""
    if not isinstance(change, dict):
        return f"{name}: {change}"
    return f"{name}: {_field_value(name, change.get('from'), env)} → " + _field_value(
        name, change.get("to"), env
    )


def _field_value(name: str, value: Any, env: Env) -> str:
    """An edited field's value as ``show`` prints it: times as people say them, text quoted."""
    from respond.core.clock import from_iso

    if value in (None, "", []):
        return "none"
    if name == "due" and isinstance(value, str):
        with contextlib.suppress(ValueError):
            return when(from_iso(value), env)
    if isinstance(value, list):
        return " ".join(f"+{tag}" for tag in value)
    if name in ("title", "person", "note"):
        return quoted(str(value), TITLE_WIDTH)
    return str(value)

"""Reading an item's history as it stands after undos. Pure core.

History is append-only: ``undo`` restores an item's fields but *appends* an ``undone`` event
(with the undone ``command``) instead of removing the events that command wrote. Scores and
statistics must not count an acknowledgement or a completion that was undone, so they read the
*effective* history: the events replayed in order, where each ``undone`` takes back the events
of the command it reverses.

Undo always reverses the most recent command, so the events that command wrote on this item
are the last effective ones: a stack. Each known command writes at most one event of each
name (``ack`` writes ``acked`` and ``promised``, or only ``promised`` when already
acknowledged; ``done`` writes ``done`` and maybe ``follow-up scheduled``), so an undo pops
trailing events of those names, at most one of each. For a command this module does not know
(a newer respond), it pops the trailing events that share the last event's timestamp (one
command's events share its instant).

**Reopening.** ``reopen`` brings a done or dropped item back by appending a ``reopened``
event, which takes back the last effective ``done`` (with its ``follow-up scheduled``) or
``dropped`` before it, as though that command had been undone: the item's status and
scores read as before it was closed. Undoing the reopen (``undone`` of ``reopen``) pops the
``reopened`` event, so the closing counts again. Undos are resolved first, then reopens.

**Corrections.** ``edit --by`` moves your reminder, not the deadline an item is scored against,
except to correct a typo made when adding it: an edit within :data:`CORRECTION_WINDOW` of the
item's creation, while nothing but its creation (and such edits) is in its effective history,
is a correction (:func:`corrects_deadline`, the one place this is decided). ``edit`` records
it on its ``edited`` event as ``corrects: true`` with the new ``due``, and :func:`timeline`
takes that ``due`` as the deadline recorded at creation and as the time promised at creation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from respond.core.clock import from_iso
from respond.core.value import Record

# The events each command appends to an item it changes (commands that create an item are
# undone by deleting it, so they never leave an ``undone`` event behind).
COMMAND_EVENTS: dict[str, frozenset[str]] = {
    "ack": frozenset({"acked", "promised"}),
    "done": frozenset({"done", "follow-up scheduled"}),
    "drop": frozenset({"dropped"}),
    "snooze": frozenset({"snoozed"}),
    "edit": frozenset({"edited"}),
    "rename": frozenset({"edited"}),  # respond people rename
    "delete": frozenset(),
    "reopen": frozenset({"reopened"}),
}
# What a ``reopened`` event takes back: the last closing command's events.
_CLOSING: dict[str, frozenset[str]] = {
    "done": COMMAND_EVENTS["done"],
    "dropped": COMMAND_EVENTS["drop"],
}
# Events that set an item's status.
STATUS_EVENTS: dict[str, str] = {
    "created": "open",
    "acked": "acked",
    "done": "done",
    "dropped": "dropped",
}


def _name(raw: dict[str, Any]) -> str:
    """An event's name; a damaged one (not text) names nothing this module knows."""
    name = raw.get("event")
    return name if isinstance(name, str) else ""


def _pop_command(events: list[dict[str, Any]], command: str) -> None:
    names = COMMAND_EVENTS.get(command)
    if names is None:  # unknown command: its events share the last event's instant
        if events:
            instant = events[-1].get("at")
            while events and events[-1].get("at") == instant:
                if _name(events[-1]) == "created":
                    break
                events.pop()
        return
    popped: set[str] = set()
    while events:
        name = _name(events[-1])
        if name not in names or name in popped:
            break
        popped.add(name)
        events.pop()


def effective(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The raw events that still count after every ``undone`` took back its command's, and
    every ``reopened`` the closing before it."""
    for event in history:
        if _name(event) in ("undone", "reopened"):
            break
    else:
        return history
    kept: list[dict[str, Any]] = []
    for event in history:
        if _name(event) == "undone":
            _pop_command(kept, str(event.get("command", "")))
        else:
            kept.append(event)
    if any(_name(event) == "reopened" for event in kept):
        kept = _reopened(kept)
    return kept


def _reopened(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``events`` without the closings that a later ``reopened`` took back (the ``reopened``
    events stay: they change no status and are no response)."""
    kept: list[dict[str, Any]] = []
    for event in events:
        if _name(event) == "reopened":
            for index in range(len(kept) - 1, -1, -1):
                names = _CLOSING.get(_name(kept[index]))
                if names is not None:  # the closing and what its command wrote after it
                    tail = kept[index + 1 :]
                    del kept[index:]
                    kept.extend(e for e in tail if _name(e) not in names)
                    break
        kept.append(event)
    return kept


def _timed(
    history: list[dict[str, Any]], until: datetime | None
) -> Iterator[tuple[datetime, dict[str, Any]]]:
    """``(time, raw event)`` for the effective events with a readable time, at or before
    ``until`` when given."""
    limit = until.astimezone(UTC) if until is not None else None
    for raw in effective(history):
        try:
            at = from_iso(raw["at"])
        except (KeyError, TypeError, ValueError):
            continue
        if limit is None or at <= limit:
            yield at, raw


CORRECTION_WINDOW = timedelta(minutes=10)
# Kinds scored against the deadline they were created with (prompt reply, word kept, follow-up).
DEADLINE_KINDS = frozenset({"ask", "promise", "followup"})
# What creating an item writes (``promise`` writes ``promised`` too), and what a correction does.
_UNTOUCHED = frozenset({"created", "promised", "edited"})


def corrects_deadline(
    kind: str, history: list[dict[str, Any]], created: datetime, at: datetime
) -> bool:
    """Whether an ``edit --by`` at ``at`` corrects the deadline an item of ``kind`` is scored
    against: at most :data:`CORRECTION_WINDOW` after ``created`` (10:00 to 10:10:00
    inclusive), and nothing happened to the item in between: no acknowledgement, promise,
    snooze, completion or drop, only its creation and other edits (undone commands do not
    count)."""
    if kind not in DEADLINE_KINDS or not created <= at <= created + CORRECTION_WINDOW:
        return False
    for event_at, raw in _timed(history, None):
        name = _name(raw)
        if name not in _UNTOUCHED or (name == "promised" and event_at > created):
            return False
    return True


class Timeline(Record):
    """What scores and statistics need from one item's effective history."""

    __slots__ = ("created_due", "first_response", "promises", "snoozes", "status", "closed_at")  # noqa: RUF023 (field order)
    created_due: datetime | None
    first_response: datetime | None  # first acked, promised or done
    promises: list[tuple[datetime, datetime]] | None  # (when promised, promised time)
    snoozes: list[tuple[datetime, datetime]] | None  # (when snoozed, new time)
    status: str  # as of ``until``
    closed_at: datetime | None  # when it became done or dropped (if it is)

    def __init__(
        self,
        created_due: datetime | None = None,
        first_response: datetime | None = None,
        promises: list[tuple[datetime, datetime]] | None = None,
        snoozes: list[tuple[datetime, datetime]] | None = None,
        status: str = "open",
        closed_at: datetime | None = None,
    ) -> None:
        self.created_due = created_due
        self.first_response = first_response
        self.promises = promises
        self.snoozes = snoozes
        self.status = status
        self.closed_at = closed_at


def timeline(history: list[dict[str, Any]], until: datetime | None = None) -> Timeline:
    """One pass over the effective history (up to ``until``) collecting what scoring needs.

    This runs for every item on every review, so it reads the raw events directly."""
    line = Timeline()
    for at, raw in _timed(history, until):
        name = _name(raw)
        if name == "created":
            line.created_due = _moment(raw, "due")
        elif name == "edited" and raw.get("corrects") is True:
            corrected = _moment(raw, "due")
            if corrected is not None:  # a typo fixed at once: the deadline it was created with
                line.created_due = corrected
                if line.promises:
                    line.promises[-1] = (line.promises[-1][0], corrected)
        elif name == "promised":
            due = _moment(raw, "due")
            if due is not None:
                if line.promises is None:
                    line.promises = []
                line.promises.append((at, due))
        elif name == "snoozed":
            target = _moment(raw, "to")
            if target is not None:
                if line.snoozes is None:
                    line.snoozes = []
                line.snoozes.append((at, target))
        if line.first_response is None and name in _RESPONSES:
            line.first_response = at
        status = STATUS_EVENTS.get(name)
        if status is not None:
            line.status = status
            line.closed_at = at if status in ("done", "dropped") else None
    return line


_RESPONSES = frozenset({"acked", "promised", "done"})


def _moment(raw: dict[str, Any], key: str) -> datetime | None:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        return None
    try:
        return from_iso(value)
    except ValueError:
        return None


def renumbered_entry(entry: dict[str, Any], renamed: Mapping[int, int]) -> dict[str, Any]:
    """An undo journal entry (``respond.core.actions``) naming the items a sync renumbered
    (``renamed``: old ID -> new ID) by their new IDs: each change's ID, its before-image's own
    ID and link (``for_id``), and the IDs an undo refuses (``synced``, ``kept``). One mapping
    for all, so that two IDs that swap stay apart."""

    def new(value: Any) -> Any:
        return renamed.get(value, value) if type(value) is int else value

    changes: list[Any] = []
    for change in entry.get("changes") or []:
        if isinstance(change, dict):
            change = {**change, **({"id": new(change["id"])} if "id" in change else {})}
            before = change.get("before")
            if isinstance(before, dict):
                change["before"] = {
                    **before,
                    **{key: new(before[key]) for key in ("id", "for_id") if key in before},
                }
        changes.append(change)
    out = {**entry, "changes": changes} if "changes" in entry else dict(entry)
    for key in ("synced", "kept"):
        if isinstance(entry.get(key), list):
            out[key] = sorted({new(i) for i in entry[key] if type(i) is int})
    return out

"""The domain model: items (asks, promises, waiting-ons, follow-ups, thanks) and their history.

Pure: knows nothing about the terminal or TinyDB. Timestamps are aware datetimes in memory and
UTC ISO 8601 strings in records. History is append-only: scores are computed from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from respond.core.clock import from_iso, to_utc_iso
from respond.core.errors import RespondError
from respond.core.text import quoted

KINDS: tuple[str, ...] = ("ask", "promise", "waiting", "followup", "thanks")
STATUSES: tuple[str, ...] = ("open", "acked", "done", "dropped")
OPEN_STATUSES: frozenset[str] = frozenset({"open", "acked"})
CHANNELS: tuple[str, ...] = ("email", "phone", "chat", "meeting", "in-person", "other")
CHANNEL_ALIASES: dict[str, str] = {
    "mail": "email",
    "e-mail": "email",
    "call": "phone",
    "voicemail": "phone",
    "im": "chat",
    "slack": "chat",
    "teams": "chat",
    "in person": "in-person",
    "inperson": "in-person",
    "hallway": "in-person",
}
# Kinds whose completion schedules a follow-up with the person by default.
FOLLOW_UP_KINDS: frozenset[str] = frozenset({"ask", "promise"})


@dataclass
class Item:
    id: int
    uuid: str
    kind: str
    person: str
    title: str
    channel: str | None
    created: datetime
    due: datetime | None
    status: str = "open"
    for_id: int | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    updated: datetime | None = None  # the last recorded change (schema 2); set by record()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def record(self, event: str, at: datetime, **data: Any) -> None:
        """Append one event to the history (never rewrites earlier events)."""
        self.history.append({"event": event, "at": to_utc_iso(at), **data})
        self.updated = at

    def to_record(self) -> dict[str, Any]:
        """The JSON object stored in the database and printed by ``--json``."""
        return {
            "id": self.id,
            "uuid": self.uuid,
            "kind": self.kind,
            "person": self.person,
            "title": self.title,
            "channel": self.channel,
            "created": to_utc_iso(self.created),
            "due": to_utc_iso(self.due) if self.due is not None else None,
            "status": self.status,
            "for_id": self.for_id,
            "tags": list(self.tags),
            "note": self.note,
            "history": [dict(event) for event in self.history],
            "updated": to_utc_iso(self.updated or self.created),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Item:
        """The item a stored record holds. A field of the wrong type (a title that is a
        number, a channel that is a list...) makes the record damaged: ``TypeError``, so
        storage refuses it in one line and ``doctor --repair`` can move it aside. Values of
        the right type that this version does not know (a newer kind) are kept as they are."""
        due = _optional_text(record.get("due"), "due")
        updated = _optional_text(record.get("updated"), "updated")
        for_id = record.get("for_id")
        if for_id is not None and type(for_id) is not int:
            raise TypeError("for_id must be an item number")
        tags = record.get("tags") or []
        if type(tags) is not list or not all(type(tag) is str for tag in tags):
            raise TypeError("tags must be a list of text")
        return cls(
            id=int(record["id"]),
            uuid=_text(record["uuid"], "uuid"),
            kind=_text(record["kind"], "kind"),
            person=_text(record["person"], "person"),
            title=_text(record["title"], "title"),
            channel=_optional_text(record.get("channel"), "channel"),
            created=from_iso(_text(record["created"], "created")),
            due=from_iso(due) if due else None,
            status=_text(record.get("status", "open"), "status"),
            for_id=for_id,
            tags=list(tags),
            note=_text(record.get("note") or "", "note"),
            history=_events(record.get("history")),
            updated=from_iso(updated) if updated else None,
        )


def due_order(item: Item) -> tuple[float, int]:
    """The order of listings: by due time (no due time last), then by ID."""
    due = item.due.timestamp() if item.due is not None else float("inf")
    return (due, item.id)


def _text(value: Any, what: str) -> str:
    if type(value) is not str:
        raise TypeError(f"{what} must be text")
    return value


def _optional_text(value: Any, what: str) -> str | None:
    if value is not None and type(value) is not str:
        raise TypeError(f"{what} must be text or null")
    return value


def _events(history: Any) -> list[dict[str, Any]]:
    """A record's history events: fresh from the parser (or a record's own copy), so shared,
    not copied; anything but a list of objects is a damaged record."""
    events = list(history or [])
    if not all(isinstance(event, dict) for event in events):
        raise TypeError("history events must be objects")
    return events


def require_text(value: str, what: str) -> str:
    """User text is stored exactly as typed; only blank text is refused."""
    if not value.strip():
        raise RespondError(f"{what} can't be empty")
    check_encodable(value, what)
    return value


def check_encodable(value: str, what: str) -> str:
    """Refuse text that is not valid Unicode (undecodable bytes from the shell)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RespondError(f"{what} is not valid UTF-8 text") from None
    return value


def parse_channel(value: str) -> str:
    key = " ".join(value.strip().lower().split())
    if key in CHANNELS:
        return key
    if key in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[key]
    raise RespondError(f"unknown channel {quoted(value)}; use one of: {', '.join(CHANNELS)}")


def parse_kind(value: str) -> str:
    key = value.strip().lower()
    if key in KINDS:
        return key
    raise RespondError(f"unknown kind {quoted(value)}; use one of: {', '.join(KINDS)}")


def parse_tag(value: str) -> str:
    tag = value.strip().lstrip("+")
    if not tag or any(ch.isspace() for ch in tag):
        raise RespondError(f"bad tag {quoted(value)}: tags are single words")
    return check_encodable(tag, "tag")

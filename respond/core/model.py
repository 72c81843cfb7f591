"""The domain model: items (asks, promises, waiting-ons, follow-ups, thanks) and their history.

Pure: knows nothing about the terminal or TinyDB. Timestamps are aware datetimes in memory and
UTC ISO 8601 strings in records. History is append-only: scores are computed from it.
"""

from __future__ import annotations

import math
from datetime import datetime

from respond.core.clock import from_iso, storable, to_utc_iso
from respond.core.errors import RespondError
from respond.core.text import quoted, visible
from respond.core.value import Record, Value

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any

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


class Item(Record):
    """One thing owed or awaited. Mail (``add --mail``): ``addresses`` are the person's
    addresses this item knows, lowercased, and ``message_id`` the Message-ID of the message
    it was filed from; both stored only when set. ``updated`` is the last recorded change
    (schema 2), set by :meth:`record`. A plain class (see :mod:`respond.core.value`): the
    capture lane builds one without compiling a dataclass."""

    __slots__ = (  # noqa: RUF023 (the fields' order: __init__'s, repr's, ==)
        "id",
        "uuid",
        "kind",
        "person",
        "title",
        "channel",
        "created",
        "due",
        "status",
        "for_id",
        "tags",
        "note",
        "history",
        "updated",
        "addresses",
        "message_id",
    )

    def __init__(
        self,
        id: int,
        uuid: str,
        kind: str,
        person: str,
        title: str,
        channel: str | None,
        created: datetime,
        due: datetime | None,
        status: str = "open",
        for_id: int | None = None,
        tags: list[str] | None = None,
        note: str = "",
        history: list[dict[str, Any]] | None = None,
        updated: datetime | None = None,
        addresses: list[str] | None = None,
        message_id: str | None = None,
    ) -> None:
        self.id = id
        self.uuid = uuid
        self.kind = kind
        self.person = person
        self.title = title
        self.channel = channel
        self.created = created
        self.due = due
        self.status = status
        self.for_id = for_id
        self.tags: list[str] = [] if tags is None else tags
        self.note = note
        self.history: list[dict[str, Any]] = [] if history is None else history
        self.updated = updated
        self.addresses: list[str] = [] if addresses is None else addresses
        self.message_id = message_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def record(self, event: str, at: datetime, **data: Any) -> None:
        """Append one event to the history (never rewrites earlier events)."""
        self.history.append({"event": event, "at": to_utc_iso(at), **data})
        self.updated = at

    def to_record(self) -> dict[str, Any]:
        """The JSON object stored in the database and printed by ``--json``."""
        record: dict[str, Any] = {
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
        if self.addresses:
            record["addresses"] = list(self.addresses)
        if self.message_id is not None:
            record["message_id"] = self.message_id
        return record

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
        addresses = record.get("addresses") or []
        if type(addresses) is not list or not all(type(a) is str for a in addresses):
            raise TypeError("addresses must be a list of text")
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
            addresses=list(addresses),
            message_id=_optional_text(record.get("message_id"), "message_id"),
        )


#: The namespace of derived items' uuids (:func:`derived_uuid`). Never change it: every
#: machine must derive the same uuid from the same origin and cause.
DERIVED_NAMESPACE = "5f0c6a52-8d0b-4a57-9a43-1f1d2c6b7e01"


def derived_uuid(origin: str, kind: str, cause: str) -> str:
    """The uuid of an item respond makes from another (a follow-up scheduled by ``done``, a
    relay...): a uuid5 of the origin item's uuid, the kind of derivation and its cause (e.g.
    ``done-1``, the origin's first completion). Two machines that derive the same item from
    the same cause give it the same uuid, so a sync holds it once. The one rule: every
    command that derives an item uses it."""
    import uuid

    return str(uuid.uuid5(uuid.UUID(DERIVED_NAMESPACE), f"{origin}/{kind}/{cause}"))


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


class Flaw(Value):
    """One thing wrong with an item's record, worded twice: ``short`` for a list of them
    (``respond doctor``: ``unknown kind``), ``sentence`` to follow the record's name
    (``respond import``: ``has an unknown kind 'chore'``)."""

    __slots__ = ("field", "short", "sentence")  # noqa: RUF023 (field order)
    field: str
    short: str
    sentence: str

    def __init__(self, field: str, short: str, sentence: str) -> None:
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "short", short)
        object.__setattr__(self, "sentence", sentence)


#: The fields every item record has (``status`` may be left out: it is then ``open``).
REQUIRED_FIELDS: tuple[str, ...] = ("id", "uuid", "kind", "person", "title", "created")


def record_flaws(record: Any) -> list[Flaw]:
    """What is wrong with an item's record, stored or exported; empty when nothing is.

    The one definition of a sound record, used by ``import`` (which refuses a file over its
    first flaw) and ``doctor`` (which lists them). :meth:`Item.from_record` reads any record
    whose fields have the right types; a sound one also has every field of
    :data:`REQUIRED_FIELDS`, an ID from 1 to :data:`MAX_ID`, text that is not blank, a kind,
    status and channel this version knows, times that parse (within
    :data:`respond.core.clock.YEARS`), tags that are single words and a history of events
    with a name and times. Everywhere, history included, text is valid UTF-8, numbers are
    finite and fit 64 bits, and nothing nests deeper than respond's own records do."""
    if not isinstance(record, dict):
        return [Flaw("record", "not an object", "is not an object")]
    flaws: list[Flaw] = []

    def flaw(field: str, short: str, sentence: str) -> None:
        flaws.append(Flaw(field, short, sentence))

    present = [key for key in REQUIRED_FIELDS if key in record]
    for key in REQUIRED_FIELDS:
        if key not in present:
            flaw(key, f"{key} missing" + ("" if key == "id" else " or not text"), f"has no {key!r}")
    for key, value in record.items():
        wrong = _stored_value_flaw(value)
        if wrong is not None or not isinstance(key, str) or not _encodable(key):
            what = visible(str(key)) if isinstance(key, str) else "a field"
            wrong = wrong or "a name that is not valid UTF-8 text"
            flaw(str(key), f"{what} holds {wrong}", f"has {wrong} in its {what}")
    item_id = record.get("id")
    if "id" in present and (type(item_id) is not int or not 0 < item_id <= MAX_ID):
        flaw("id", "bad id", f"has a bad id {item_id!r:.40}")
    for key in ("uuid", "person", "title"):
        value = record.get(key)
        if key not in present:
            continue
        if not isinstance(value, str) or not value.strip():
            short = f"{key} is blank" if isinstance(value, str) else f"{key} missing or not text"
            flaw(key, short, f"has a bad {key} {value!r:.40}")
    kind = record.get("kind")
    if "kind" in present and not isinstance(kind, str):
        flaw("kind", "kind missing or not text", f"has an unknown kind {quoted(str(kind))}")
    elif "kind" in present and kind not in KINDS:
        flaw("kind", "unknown kind", f"has an unknown kind {quoted(str(kind))}")
    status = record.get("status", "open")
    if status not in STATUSES:
        flaw("status", "unknown status", f"has an unknown status {quoted(str(status))}")
    channel = record.get("channel")
    if channel is not None and channel not in CHANNELS:
        flaw("channel", "unknown channel", f"has an unknown channel {quoted(str(channel))}")
    for key in ("created", "due", "updated"):
        value = record.get(key)
        if value is None and (key != "created" or key not in present):
            continue
        if not isinstance(value, str):
            short = f"{key} missing or not text" if key == "created" else f"bad {key} time"
            flaw(key, short, f"has a bad {key} time {value!r:.40}")
        elif not _is_time(value):
            flaw(key, f"bad {key} time", f"has a bad {key} time {quoted(value)}")
    for_id = record.get("for_id")
    if for_id is not None and (type(for_id) is not int or not 0 < for_id <= MAX_ID):
        flaw("for_id", "for_id is not an item number", f"has a bad for_id {for_id!r:.40}")
    tags = record.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        flaw("tags", "tags are not a list of words", "has tags that are not a list of words")
    else:
        for tag in tags:
            try:
                parse_tag(tag)
            except RespondError as err:
                flaw("tags", "tags are not a list of words", str(err))
                break
    if not isinstance(record.get("note") or "", str):
        flaw("note", "note is not text", "has a note that is not text")
    addresses = record.get("addresses") or []
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        flaw("addresses", "addresses are not a list of text", "has addresses that are not text")
    if not isinstance(record.get("message_id") or "", str):
        flaw("message_id", "message_id is not text", "has a message_id that is not text")
    history = record.get("history") or []
    if not isinstance(history, list) or not all(_is_event(e) for e in history):
        flaw("history", "damaged history", "has a history that is not a list of events")
    return flaws


#: The highest item ID: the largest integer every JSON reader (JavaScript's too) reads exactly.
MAX_ID = 2**53 - 1
#: The highest ID an import keeps (a higher one gets a fresh ID). Far below :data:`MAX_ID`,
#: so that whatever a file holds, the next adds (8 * 10^15 of them) get IDs every reader keeps.
MAX_OUTSIDE_ID = 10**15
#: The highest ID (and next ID) a sync remote may hold: twice :data:`MAX_OUTSIDE_ID`, so that
#: the items added after an import at its limit still sync, and still far below :data:`MAX_ID`.
MAX_SYNCED_ID = 2 * MAX_OUTSIDE_ID


def outside_id_flaw(record: dict[str, Any], limit: int = MAX_SYNCED_ID) -> list[Flaw]:
    """A record from outside (a sync remote) whose ID or links (``for_id``, a history's
    ``followup_id``) are above ``limit``: it would leave no room for new IDs. (The rest of
    the record is checked by :func:`record_flaws`.)"""
    links = [record.get("for_id")]
    history = record.get("history")
    if isinstance(history, list):
        links += [e.get("followup_id") for e in history if isinstance(e, dict)]
    item_id = record.get("id")
    for what, value in (("id", item_id), *(("link", link) for link in links)):
        if type(value) is int and value > limit:
            article = "an" if what == "id" else "a"
            return [
                Flaw(what, f"{what} too high", f"has {article} {what} too high ({value} > {limit})")
            ]
    return []


def is_time(value: Any) -> bool:
    """Whether ``value`` is a stored timestamp respond accepts (within the years it stores)."""
    return _is_time(value)


# How deep a stored record's values nest: an edit's change of tags is 6 levels down.
_MAX_DEPTH = 12
# The times of an event (``at``; a due time set, snoozed ``from`` and ``to``), and those of
# an edit's change of the due time.
_EVENT_TIMES = ("due", "from", "to")


def _is_event(event: Any) -> bool:
    """Whether ``event`` is a history event: a name, a time, and any other time it holds is
    one (see :data:`_EVENT_TIMES`)."""
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return False
    if not _is_time(event.get("at")):
        return False
    times = [event.get(key) for key in _EVENT_TIMES]
    changes = event.get("changes")
    if isinstance(changes, dict) and isinstance(changes.get("due"), dict):
        times += [changes["due"].get(key) for key in ("from", "to")]
    return all(value is None or _is_time(value) for value in times)


def _stored_value_flaw(value: Any, depth: int = 0) -> str | None:
    """What makes ``value`` (any JSON value in a record) unfit to store and show, or None:
    text that is not valid UTF-8 (a lone surrogate, which no output can write), a number that
    is not finite or beyond 64 bits, or nesting deeper than any record respond writes."""
    if isinstance(value, str):
        return None if _encodable(value) else "text that is not valid UTF-8"
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if -(2**63) <= value < 2**64 else "a number too large"
    if isinstance(value, float):
        return None if math.isfinite(value) else "a number that is not finite"
    if depth >= _MAX_DEPTH and isinstance(value, (dict, list)):
        return "values nested too deeply"
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str) or not _encodable(key):
                return "text that is not valid UTF-8"
            wrong = _stored_value_flaw(inner, depth + 1)
            if wrong is not None:
                return wrong
        return None
    if isinstance(value, list):
        for inner in value:
            wrong = _stored_value_flaw(inner, depth + 1)
            if wrong is not None:
                return wrong
        return None
    return "a value that is not JSON"


def _is_time(value: Any) -> bool:
    """Whether ``value`` is a stored timestamp (:func:`respond.core.clock.from_iso`) that
    stays one once stored (:func:`respond.core.clock.storable`)."""
    if not isinstance(value, str):
        return False
    try:
        return storable(from_iso(value))
    except ValueError:
        return False


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def require_text(value: str, what: str) -> str:
    """User text is stored exactly as typed; only blank text is refused."""
    if not value.strip():
        raise RespondError(f"{what} can't be empty")
    check_encodable(value, what)
    return value


def check_encodable(value: str, what: str) -> str:
    """Refuse text that is not valid Unicode (undecodable bytes from the shell)."""
    if not _encodable(value):
        raise RespondError(f"{what} is not valid UTF-8 text")
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

"""What each command does to the data: the lifecycle of asks, promises, waiting-ons and
follow-ups, and undo.

Pure core: every function takes a :class:`Session` (a storage transaction), an :class:`Env`
(clock and settings) and plain values, changes items, records history, and returns an
:class:`Outcome` whose message is the one-line confirmation the CLI prints. Nothing here knows
about the terminal or TinyDB. Every change is journalled so that ``undo`` can reverse it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from respond import timefmt
from respond.clock import Clock, to_utc_iso
from respond.config import Settings
from respond.errors import NotFound, NothingFound, RespondError
from respond.model import (
    FOLLOW_UP_KINDS,
    Item,
    check_encodable,
    parse_channel,
    parse_tag,
    require_text,
)
from respond.text import shorten

UNDO_DETAIL = 5  # undo names up to this many items, then counts them


class Session(Protocol):
    """The storage operations the core needs (see ``storage.Transaction``)."""

    def items(self) -> dict[int, Item]: ...
    def get(self, item_id: int) -> Item: ...
    def next_id(self) -> int: ...
    def put(self, item: Item) -> None: ...
    def delete(self, item_id: int) -> None: ...
    def push_journal(self, entry: dict[str, Any]) -> None: ...
    def pop_journal(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Env:
    clock: Clock
    settings: Settings = field(default_factory=Settings)

    def now(self) -> datetime:
        return self.clock.now()

    def when(self, text: str) -> datetime:
        """Parse a date the user typed, relative to now."""
        from respond.dates import parse_when

        return parse_when(text, self.now(), self.settings.week, self.clock.tz)

    def show(self, moment: datetime | None) -> str:
        if moment is None:
            return "no due time"
        return timefmt.when(moment, self.now(), self.clock.tz)


@dataclass
class Outcome:
    message: str
    items: list[Item]


def parse_id(text: str) -> int:
    """``12`` or ``#12``."""
    value = text.strip().lstrip("#")
    if not value.isdigit() or not value.isascii() or int(value) < 1:
        raise RespondError(f"bad item ID {shorten(text, 20)!r}: IDs are numbers like 12 or #12")
    return int(value)


def _label(item: Item) -> str:
    return f"#{item.id}: {shorten(item.title)}"


class _Change:
    """Collects before-images of the items a command touches, for the undo journal."""

    def __init__(self, session: Session, env: Env, command: str) -> None:
        self.session = session
        self.env = env
        self.command = command
        self.before: list[dict[str, Any]] = []
        self._seen: set[int] = set()

    def touch(self, item: Item) -> Item:
        if item.id not in self._seen:
            self._seen.add(item.id)
            self.before.append({"id": item.id, "before": item.to_record()})
        return item

    def created(self, item: Item) -> Item:
        self._seen.add(item.id)
        self.before.append({"id": item.id, "before": None})
        return item

    def commit(self, *items: Item) -> None:
        for item in items:
            self.session.put(item)
        self.session.push_journal(
            {"at": to_utc_iso(self.env.now()), "command": self.command, "changes": self.before}
        )


def _new_item(
    session: Session,
    env: Env,
    *,
    kind: str,
    title: str,
    person: str,
    channel: str | None,
    due: datetime | None,
    for_id: int | None = None,
    tags: Iterable[str] = (),
    note: str = "",
) -> Item:
    now = env.now()
    item = Item(
        id=session.next_id(),
        uuid=str(uuid.uuid4()),
        kind=kind,
        person=require_text(person, "person"),
        title=require_text(title, "title"),
        channel=channel,
        created=now,
        due=due,
        for_id=for_id,
        tags=_tags(tags),
        note=check_encodable(note, "note"),
    )
    item.record("created", now, due=to_utc_iso(due) if due else None)
    return item


def _tags(values: Iterable[str]) -> list[str]:
    tags: list[str] = []
    for value in values:
        tag = parse_tag(value)
        if tag not in tags:
            tags.append(tag)
    return tags


def _open_item(session: Session, item_id: int, verb: str) -> Item:
    item = session.get(item_id)
    if not item.is_open:
        raise RespondError(f"can't {verb} #{item.id}: it is already {item.status}")
    return item


def add_ask(
    session: Session,
    env: Env,
    title: str,
    person: str,
    channel: str | None = None,
    by: str | None = None,
    tags: Iterable[str] = (),
    note: str = "",
) -> Outcome:
    """Someone asked something of you. Without ``by``, the channel's SLA sets the time."""
    from respond.worktime import sla_due

    chan = parse_channel(channel) if channel is not None else env.settings.default_channel
    due = (
        env.when(by)
        if by is not None
        else sla_due(chan, env.now(), env.settings.week, env.settings.sla)
    )
    change = _Change(session, env, "add")
    item = change.created(
        _new_item(
            session, env, kind="ask", title=title, person=person, channel=chan, due=due,
            tags=tags, note=note,
        )
    )  # fmt: skip
    change.commit(item)
    msg = f"Added {_label(item)} for {shorten(item.person, 30)}, due {env.show(due)}"
    return Outcome(msg, [item])


def add_promise(
    session: Session,
    env: Env,
    title: str,
    person: str,
    by: str,
    tags: Iterable[str] = (),
    note: str = "",
) -> Outcome:
    """You promised ``person`` something by a time."""
    due = env.when(by)
    change = _Change(session, env, "promise")
    item = change.created(
        _new_item(
            session, env, kind="promise", title=title, person=person, channel=None, due=due,
            tags=tags, note=note,
        )
    )  # fmt: skip
    item.record("promised", env.now(), due=to_utc_iso(due))
    change.commit(item)
    msg = f"Promised {_label(item)} to {shorten(item.person, 30)}, by {env.show(due)}"
    return Outcome(msg, [item])


def ack(session: Session, env: Env, item_id: int, by: str) -> Outcome:
    """You acknowledged an ask and promised a time: records both."""
    item = _open_item(session, item_id, "acknowledge")
    if item.kind != "ask":
        raise RespondError(
            f"only asks can be acknowledged; #{item.id} is a {item.kind} (snooze moves its time)"
        )
    due = env.when(by)
    change = _Change(session, env, "ack")
    change.touch(item)
    now = env.now()
    if item.status == "open":
        item.record("acked", now)
    item.record("promised", now, due=to_utc_iso(due))
    item.status = "acked"
    item.due = due
    change.commit(item)
    msg = f"Acknowledged {_label(item)}; promised {shorten(item.person, 30)} by {env.show(due)}"
    return Outcome(msg, [item])


def add_waiting(
    session: Session,
    env: Env,
    title: str,
    person: str,
    for_id: int | None = None,
    by: str | None = None,
    tags: Iterable[str] = (),
    note: str = "",
) -> Outcome:
    """You asked someone else, maybe on behalf of ask ``for_id``; chase them at ``by``."""
    served = session.get(for_id) if for_id is not None else None
    due = env.when(by if by is not None else env.settings.wait_chase)
    change = _Change(session, env, "wait")
    item = change.created(
        _new_item(
            session, env, kind="waiting", title=title, person=person, channel=None, due=due,
            for_id=for_id, tags=tags, note=note,
        )
    )  # fmt: skip
    change.commit(item)
    msg = f"Waiting on {shorten(item.person, 30)} {_label(item)}"
    if served is not None:
        msg += f", for {shorten(served.person, 30)} (#{served.id})"
    msg += f"; chase {env.show(due)}"
    return Outcome(msg, [item])


def complete(
    session: Session,
    env: Env,
    item_id: int,
    follow_up: str | None = None,
    no_follow_up: bool = False,
    note: str | None = None,
) -> Outcome:
    """Mark an item done; for asks and promises, schedule a follow-up with the person."""
    item = _open_item(session, item_id, "complete")
    change = _Change(session, env, "done")
    change.touch(item)
    now = env.now()
    item.status = "done"
    if note:
        check_encodable(note, "note")
        item.note = f"{item.note}\n{note}" if item.note else note
    item.record("done", now, **({"note": note} if note else {}))
    changed = [item]
    msg = f"Done {_label(item)}"
    wants_follow_up = item.kind in FOLLOW_UP_KINDS or follow_up is not None
    if wants_follow_up and not no_follow_up:
        due = env.when(follow_up if follow_up is not None else env.settings.follow_up)
        follow = change.created(
            _new_item(
                session, env, kind="followup", title=item.title, person=item.person,
                channel=item.channel, due=due, for_id=item.id, tags=item.tags,
            )
        )  # fmt: skip
        item.record("follow-up scheduled", now, followup_id=follow.id)
        changed.append(follow)
        msg += f"; follow up with {shorten(item.person, 30)} {env.show(due)} (#{follow.id})"
    if item.kind == "waiting" and item.for_id is not None:
        try:
            served = session.get(item.for_id)
        except NotFound:
            served = None
        if served is not None and served.is_open:
            msg += f"; now relay the answer to {shorten(served.person, 30)} (#{served.id})"
    change.commit(*changed)
    return Outcome(msg, changed)


def thank(session: Session, env: Env, person: str, text: str) -> Outcome:
    """Log gratitude: a ``thanks`` item, done at once."""
    change = _Change(session, env, "thanks")
    item = change.created(
        _new_item(session, env, kind="thanks", title=text, person=person, channel=None, due=None)
    )
    item.status = "done"
    item.record("done", env.now())
    change.commit(item)
    return Outcome(f"Thanked {shorten(item.person, 30)} #{item.id}: {shorten(item.title)}", [item])


def drop(session: Session, env: Env, item_id: int, reason: str | None = None) -> Outcome:
    item = _open_item(session, item_id, "drop")
    if reason:
        check_encodable(reason, "reason")
    change = _Change(session, env, "drop")
    change.touch(item)
    item.status = "dropped"
    item.record("dropped", env.now(), **({"reason": reason} if reason else {}))
    change.commit(item)
    return Outcome(f"Dropped {_label(item)}", [item])


def snooze(session: Session, env: Env, item_id: int, by: str) -> Outcome:
    item = _open_item(session, item_id, "snooze")
    due = env.when(by)
    change = _Change(session, env, "snooze")
    change.touch(item)
    previous = item.due
    item.due = due
    item.record(
        "snoozed",
        env.now(),
        **{"from": to_utc_iso(previous) if previous else None, "to": to_utc_iso(due)},
    )
    change.commit(item)
    return Outcome(f"Snoozed {_label(item)} until {env.show(due)}", [item])


def edit(
    session: Session,
    env: Env,
    item_id: int,
    *,
    title: str | None = None,
    person: str | None = None,
    by: str | None = None,
    channel: str | None = None,
    note: str | None = None,
    add_tags: Iterable[str] = (),
    remove_tags: Iterable[str] = (),
) -> Outcome:
    item = session.get(item_id)
    change = _Change(session, env, "edit")
    change.touch(item)
    before = item.to_record()
    fields: list[str] = []
    if title is not None and title != item.title:
        item.title = require_text(title, "title")
        fields.append("title")
    if person is not None and person != item.person:
        item.person = require_text(person, "person")
        fields.append("person")
    if by is not None:
        item.due = env.when(by)
        fields.append("due")
    if channel is not None:
        item.channel = parse_channel(channel)
        fields.append("channel")
    if note is not None and note != item.note:
        item.note = check_encodable(note, "note")
        fields.append("note")
    tags = list(item.tags)
    for tag in _tags(add_tags):
        if tag not in tags:
            tags.append(tag)
    for tag in _tags(remove_tags):
        if tag in tags:
            tags.remove(tag)
    if tags != item.tags:
        item.tags = tags
        fields.append("tags")
    if not fields:
        raise RespondError(
            "nothing to change: give --title, --person, --by, --via, --note, --tag or --untag"
        )
    after = item.to_record()
    # Each field's value before and after, so that the history can say what changed.
    changes = {name: {"from": before[name], "to": after[name]} for name in fields}
    item.record("edited", env.now(), fields=fields, changes=changes)
    change.commit(item)
    return Outcome(f"Edited {_label(item)} ({', '.join(fields)})", [item])


def delete(session: Session, env: Env, item_id: int) -> Outcome:
    item = session.get(item_id)
    change = _Change(session, env, "delete")
    change.touch(item)
    session.delete(item.id)
    change.commit()
    return Outcome(f"Deleted {_label(item)} (respond undo brings it back)", [item])


def undo(session: Session, env: Env) -> Outcome:
    """Reverse the last change. Items it created go away (their IDs are never reused); items it
    changed or deleted come back as they were, with an ``undone`` event added to their history."""
    entry = session.pop_journal()
    if entry is None:
        raise NothingFound("nothing to undo")
    now = env.now()
    restored: list[Item] = []
    removed: list[int] = []
    for change in reversed(entry["changes"]):
        if change["before"] is None:
            session.delete(change["id"])
            removed.append(change["id"])
            continue
        before = Item.from_record(change["before"])
        try:
            history = session.get(before.id).history
        except NotFound:
            history = before.history
        before.history = list(history)
        before.record("undone", now, command=entry["command"])
        session.put(before)
        restored.append(before)
    parts = [f"restored {_label(item)} ({item.status})" for item in reversed(restored)]
    if len(parts) > UNDO_DETAIL:
        parts = [f"restored {len(parts)} items"]
    if removed:
        ids = ", ".join(f"#{item_id}" for item_id in sorted(removed))
        parts.append(
            f"removed {ids}" if len(removed) <= UNDO_DETAIL else f"removed {len(removed)} items"
        )
    return Outcome(f"Undid {entry['command']}: {'; '.join(parts)}", restored)

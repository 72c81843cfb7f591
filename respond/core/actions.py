"""What each command does to the data: the lifecycle of asks, promises, waiting-ons and
follow-ups, and undo.

Pure core: every function takes a :class:`Session` (a storage transaction), an :class:`Env`
(clock and settings) and plain values, changes items, records history, and returns an
:class:`Outcome` whose message is the one-line confirmation the CLI prints. Nothing here knows
about the terminal or TinyDB. Every change is journalled so that ``undo`` can reverse it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from respond.core import timefmt
from respond.core.clock import to_utc_iso
from respond.core.env import Env
from respond.core.errors import NotFound, NothingFound, RespondError
from respond.core.model import (
    FOLLOW_UP_KINDS,
    Item,
    check_encodable,
    derived_uuid,
    parse_channel,
    parse_tag,
    require_text,
)
from respond.core.text import quoted, shorten, visible
from respond.core.value import Record

UNDO_DETAIL = 5  # undo names up to this many items, then counts them

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Protocol
else:
    Protocol = object  # the protocol is mypy's; at run time a plain base, without typing


class Session(Protocol):
    """The storage operations the core needs (see ``storage.Transaction``). ``known_names``
    is :func:`respond.core.people.known_names` of ``person_counts`` (a capture's reads only
    the names it is asked about: ``storage.captures.Known``)."""

    def items(self) -> dict[int, Item]: ...
    def person_counts(self) -> dict[str, int]: ...
    def known_names(self) -> Mapping[str, str]: ...
    def get(self, item_id: int) -> Item: ...
    def next_id(self) -> int: ...
    def put(self, item: Item) -> None: ...
    def delete(self, item_id: int, deleted_at: datetime | None = None) -> None: ...
    def push_journal(self, entry: dict[str, Any]) -> None: ...
    def pop_journal(self) -> dict[str, Any] | None: ...
    def keep_changes(self, ids: Iterable[int]) -> None: ...


class Outcome(Record):
    """What an action did: its one-line confirmation, the items it touched, and lines for
    stderr after the confirmation (``hints``)."""

    __slots__ = ("message", "items", "hints")  # noqa: RUF023 (field order)
    message: str
    items: list[Item]
    hints: list[str]

    def __init__(self, message: str, items: list[Item], hints: list[str] | None = None) -> None:
        self.message = message
        self.items = items
        self.hints = [] if hints is None else hints


def _due(env: Env, moment: datetime) -> str:
    """A due time just set, for a confirmation (:func:`respond.core.timefmt.due_set`)."""
    return timefmt.due_set(moment, env.now(), env.clock.tz)


def parse_id(text: str) -> int:
    """``12`` or ``#12``."""
    value = text.strip().lstrip("#")
    if not value.isdigit() or not value.isascii() or int(value) < 1:
        raise RespondError(f"bad item ID {shorten(text, 20)!r}: IDs are numbers like 12 or #12")
    return int(value)


def _label(item: Item) -> str:
    """``#12: Q3 numbers``: the whole title (visible); a terminal wraps the confirmation
    (:meth:`respond.cli.output.Environment.confirm`), a pipe gets it whole."""
    return f"#{item.id}: {visible(item.title)}"


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


def _random_uuid() -> str:
    """A new item's random uuid (a uuid4). ``uuid`` is imported here, by what makes one: it
    imports ``platform``, which every other import of this module would pay for."""
    import uuid

    return str(uuid.uuid4())


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
    derived_from: str | None = None,
) -> Item:
    """A new item; ``derived_from`` is its uuid when respond derives it from another item
    (:func:`respond.core.model.derived_uuid`), else it gets a random one."""
    now = env.now()
    item = Item(
        id=session.next_id(),
        uuid=derived_from or _random_uuid(),
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


def _person(session: Session, typed: str, new_person: bool) -> tuple[str, str, list[str]]:
    """The name to store for a person the user typed, what the confirmation adds, and hints.

    A name that the one matching rule (:func:`respond.core.people.find`) resolves to one known
    person is stored in that person's spelling, and the confirmation says so; an ambiguous one
    is refused naming the candidates; one that matches no one, or a name with ``new_person``,
    is a new person, stored exactly as typed (``new_person`` refuses a name that already is
    someone's but for case, accents or spaces: the two could never be told apart). A new name
    close to a known one (:func:`respond.core.people.near_miss`) is not silent: the hint
    gives the command that files it under the known person (on a terminal the CLI asks
    first, and passes ``new_person`` when the answer is no)."""
    from respond.core.people import find, listing, near_miss, person_key

    require_text(typed, "person")
    known = session.known_names()
    if new_person:
        same = known.get(person_key(typed))
        if same is not None:  # names that differ only in case, accents or spaces are one
            raise RespondError(
                f"{quoted(typed)} is already the name of {shorten(same, 30)}: leave out "
                "--new-person, or tell the new person apart (a surname or initial)"
            )
        return typed, "", []
    found = find(known, typed)
    if not found:
        near = near_miss(known, typed)
        if near is None:
            return typed, "", []
        return typed, "", [near_miss_hint(typed, known[near])]
    if len(found) > 1:
        raise RespondError(
            f"{quoted(typed)} could be several people: {listing(known, found)}; give more of "
            "the name, or --new-person to add someone new"
        )
    name = known[found[0]]
    return name, "" if name == typed else f' (matched "{shorten(typed, 30)}")', []


def near_miss_hint(typed: str, known: str) -> str:
    """What ``add`` says, off a terminal, when it filed ``typed`` as a new person though it is
    close to ``known``: the command that merges the two, quoted for the shell."""
    from respond.core.text import shell_word

    # ``--``: a name that starts with a dash is not an option
    dashes = "-- " if typed.startswith("-") or known.startswith("-") else ""
    return (
        f"{shorten(typed, 30)} is new; did you mean {shorten(known, 40)}? If so: "
        f"respond people rename {dashes}{shell_word(typed)} {shell_word(known)}"
    )


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
    new_person: bool = False,
) -> Outcome:
    """Someone asked something of you. Without ``by``, the channel's SLA sets the time."""
    from respond.core.worktime import sla_due

    person, matched, hints = _person(session, person, new_person)
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
    msg = f"Added {_label(item)} for {shorten(item.person, 30)}{matched}, due {_due(env, due)}"
    return Outcome(msg, [item], hints)


def add_promise(
    session: Session,
    env: Env,
    title: str,
    person: str,
    by: str,
    tags: Iterable[str] = (),
    note: str = "",
    new_person: bool = False,
) -> Outcome:
    """You promised ``person`` something by a time."""
    person, matched, hints = _person(session, person, new_person)
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
    msg = f"Promised {_label(item)} to {shorten(item.person, 30)}{matched}, by {_due(env, due)}"
    return Outcome(msg, [item], hints)


ACK_KINDS = frozenset({"ask", "promise"})


def ack(session: Session, env: Env, item_id: int, by: str) -> Outcome:
    """You acknowledged an ask and promised a time (records both), or promised a new time for
    something already promised: an acknowledged ask or a ``promise`` (renegotiation). A new
    time given before the old one passed replaces it; given after, the old one was broken."""
    from respond.core.due import is_overdue
    from respond.core.history import timeline

    item = _open_item(session, item_id, "acknowledge")
    if item.kind not in ACK_KINDS:
        raise RespondError(
            f"only asks and promises can be acknowledged; #{item.id} is a {item.kind} "
            "(snooze moves its time)"
        )
    due = env.when(by)
    promised = timeline(item.history).promises
    change = _Change(session, env, "ack")
    change.touch(item)
    now = env.now()
    if item.status == "open" and item.kind == "ask":
        item.record("acked", now)
        item.status = "acked"
    item.record("promised", now, due=to_utc_iso(due))
    item.due = due
    change.commit(item)
    person = shorten(item.person, 30)
    if not promised:
        msg = f"Acknowledged {_label(item)}; promised {person} by {_due(env, due)}"
        return Outcome(msg, [item])
    old = promised[-1][1]
    msg = f"Renegotiated {_label(item)}; promised {person} by {_due(env, due)}"
    msg += f" (was {timefmt.due(old, env.now(), env.clock.tz)}"
    if is_overdue(old, now):
        msg += ", already passed: that promise counts as broken"
    return Outcome(msg + ")", [item])


def add_waiting(
    session: Session,
    env: Env,
    title: str,
    person: str,
    for_id: int | None = None,
    by: str | None = None,
    tags: Iterable[str] = (),
    note: str = "",
    new_person: bool = False,
) -> Outcome:
    """You asked someone else, maybe on behalf of ask ``for_id`` (an open ask or promise, whose
    person gets the answer relayed); chase them at ``by``."""
    person, matched, hints = _person(session, person, new_person)
    served = session.get(for_id) if for_id is not None else None
    if served is not None and (served.kind not in ACK_KINDS or not served.is_open):
        what = served.kind if served.kind not in ACK_KINDS else f"{served.status} {served.kind}"
        raise RespondError(
            f"--for needs an open ask or promise to relay the answer to; #{served.id} is a {what}"
        )
    due = env.later(by if by is not None else env.settings.wait_chase)
    change = _Change(session, env, "wait")
    item = change.created(
        _new_item(
            session, env, kind="waiting", title=title, person=person, channel=None, due=due,
            for_id=for_id, tags=tags, note=note,
        )
    )  # fmt: skip
    change.commit(item)
    msg = f"Waiting on {shorten(item.person, 30)}{matched} {_label(item)}"
    if served is not None:
        msg += f", for {shorten(served.person, 30)} (#{served.id})"
    msg += f"; chase {_due(env, due)}"
    return Outcome(msg, [item], hints)


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
    delay, rule = (follow_up, "") if follow_up is not None else _default_follow_up(env, item)
    if wants_follow_up and not no_follow_up and delay is None:
        msg += f"; no follow-up ([follow_up] {rule} = none)"
    elif wants_follow_up and not no_follow_up and delay is not None:
        due = env.later(delay)
        follow = change.created(
            _new_item(
                session, env, kind="followup", title=item.title, person=item.person,
                channel=item.channel, due=due, for_id=item.id, tags=item.tags,
                derived_from=_completion_follow_up(item),
            )
        )  # fmt: skip
        item.record("follow-up scheduled", now, followup_id=follow.id, followup_uuid=follow.uuid)
        changed.append(follow)
        msg += f"; follow up with {shorten(item.person, 30)} {_due(env, due)} (#{follow.id})"
    if item.kind == "waiting" and item.for_id is not None:
        try:
            served = session.get(item.for_id)
        except NotFound:
            served = None
        if served is not None and served.is_open:
            msg += f"; now relay the answer to {shorten(served.person, 30)} (#{served.id})"
    change.commit(*changed)
    return Outcome(msg, changed)


def _completion_follow_up(item: Item) -> str:
    """The uuid of the follow-up that completing ``item`` schedules (its ``done`` just
    recorded): derived from the item and which completion this is (``done-1`` the first; an
    undone one does not count, a reopened and done again item counts again), so that the same
    ask done on two machines schedules one follow-up."""
    from respond.core.history import effective

    completions = sum(1 for event in effective(item.history) if event.get("event") == "done")
    return derived_uuid(item.uuid, "followup", f"done-{completions}")


def thank(session: Session, env: Env, person: str, text: str, new_person: bool = False) -> Outcome:
    """Log gratitude: a ``thanks`` item, done at once."""
    person, matched, hints = _person(session, person, new_person)
    change = _Change(session, env, "thanks")
    item = change.created(
        _new_item(session, env, kind="thanks", title=text, person=person, channel=None, due=None)
    )
    item.status = "done"
    item.record("done", env.now())
    change.commit(item)
    msg = f"Thanked {shorten(item.person, 30)}{matched} #{item.id}: {visible(item.title)}"
    return Outcome(msg, [item], hints)


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
    return Outcome(f"Snoozed {_label(item)} until {_due(env, due)}", [item])


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
    new_person: bool = False,
) -> Outcome:
    from respond.core.history import corrects_deadline

    item = session.get(item_id)
    if by is not None and item.kind == "thanks":
        raise RespondError(f"#{item.id} is a thanks: it has no due time to change")
    now = env.now()
    change = _Change(session, env, "edit")
    change.touch(item)
    before = item.to_record()
    fields: list[str] = []
    matched = ""
    hints: list[str] = []
    correction: dict[str, Any] = {}
    if title is not None and title != item.title:
        item.title = require_text(title, "title")
        fields.append("title")
    if person is not None:
        person, matched, hints = _person(session, person, new_person)
    if person is not None and person != item.person:
        item.person = person
        fields.append("person")
    if by is not None:
        item.due = env.when(by)
        fields.append("due")
        if corrects_deadline(item.kind, item.history, item.created, now):
            correction = {"corrects": True, "due": to_utc_iso(item.due)}
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
    item.record("edited", now, fields=fields, changes=changes, **correction)
    change.commit(item)
    msg = f"Edited {_label(item)} ({', '.join(fields)})"
    if matched and "person" in fields:
        msg += f"; person {shorten(item.person, 30)}{matched}"
    if by is not None and item.due is not None:
        msg += f", due {_due(env, item.due)}"
    if correction:
        msg += "; a correction: scored against this time"
    return Outcome(msg, [item], hints)


def rename_person(session: Session, env: Env, old: str, new: str) -> Outcome:
    """Give every item of the person ``old`` names (by the one matching rule) the name
    ``new``: as typed, or in the stored spelling of the person ``new`` already names (the two
    merge). Each item's history records the change; ``undo`` reverses it as one change."""
    from respond.core.people import known_names, person_key, resolve_key

    require_text(new, "the new name")
    known = known_names(session.person_counts().items())
    old_key = resolve_key(known, old)
    new_key = person_key(new)
    merged = new_key != old_key and new_key in known
    name = known[new_key] if merged else new
    change = _Change(session, env, "rename")
    now = env.now()
    renamed: list[Item] = []
    for item in sorted(session.items().values(), key=lambda i: i.id):
        if person_key(item.person) != old_key or item.person == name:
            continue
        change.touch(item)
        item.record(
            "edited", now, fields=["person"], changes={"person": {"from": item.person, "to": name}}
        )
        item.person = name
        renamed.append(item)
    if not renamed:
        raise RespondError(
            f"nothing to change: {shorten(known[old_key], 30)} is already called that"
        )
    change.commit(*renamed)
    count = f"{len(renamed)} item{'s' if len(renamed) != 1 else ''}"
    was = shorten(known[old_key], 30)
    if merged:
        msg = f"Merged {was} into {shorten(name, 30)}: {count} renamed"
    else:
        msg = f"Renamed {was} to {shorten(name, 30)} on {count}"
    return Outcome(msg, renamed)


def delete(session: Session, env: Env, item_id: int) -> Outcome:
    item = session.get(item_id)
    change = _Change(session, env, "delete")
    change.touch(item)
    session.delete(item.id, env.now())  # recorded: respond sync sends it as a deletion
    change.commit()
    return Outcome(f"Deleted {_label(item)} (respond undo brings it back)", [item])


def reopen(session: Session, env: Env, item_id: int) -> Outcome:
    """Bring a done or dropped item back: a mistaken ``done`` fixed in one command, however
    many changes came after it. A ``reopened`` event takes back the closing (see
    :mod:`respond.core.history`), so the item is as before it (open, or acknowledged) and the
    closing no longer counts in the scores. The follow-up that closing scheduled goes away if
    nothing happened to it yet (else it stays, and the confirmation names it). ``undo``
    reverses the whole reopen."""
    from respond.core.history import effective, timeline

    item = session.get(item_id)
    if item.is_open:
        raise RespondError(f"can't reopen #{item.id}: it is {item.status}, not done or dropped")
    if item.kind == "thanks":
        raise RespondError(
            f"#{item.id} is a thanks: there is nothing to reopen (respond delete {item.id} "
            "takes it back)"
        )
    now = env.now()
    change = _Change(session, env, "reopen")
    change.touch(item)
    scheduled = _scheduled_follow_up(effective(item.history))
    item.record("reopened", now, was=item.status)
    item.status = timeline(item.history).status
    if item.status not in ("open", "acked"):  # a history that never says how it was opened
        item.status = "open"
    msg = f"Reopened {_label(item)}; {item.status}"
    if item.due is not None:
        msg += f", due {_due(env, item.due)}"
    if scheduled is not None:
        follow = _follow_up_of(session, item, *scheduled)
        untouched = follow is not None and [e.get("event") for e in effective(follow.history)] == [
            "created"
        ]
        if follow is not None and follow.is_open and untouched:
            change.touch(follow)
            session.delete(follow.id, now)  # a deletion sync sends
            msg += f"; removed its follow-up #{follow.id}"
        elif follow is not None and follow.is_open:
            msg += f"; its follow-up #{follow.id} stays (changed since)"
    change.commit(item)
    return Outcome(msg, [item])


def _scheduled_follow_up(events: list[dict[str, Any]]) -> tuple[int, str | None] | None:
    """The follow-up the last effective closing scheduled, if it did: its ID then, and its
    uuid (a sync may have renumbered it since, and given its old ID to another item)."""
    for event in reversed(events):
        name = event.get("event")
        if name == "follow-up scheduled":
            found, uuid = event.get("followup_id"), event.get("followup_uuid")
            if not isinstance(found, int) or isinstance(found, bool):
                return None
            return found, uuid if isinstance(uuid, str) else None
        if name in ("done", "dropped"):
            return None
    return None


def _follow_up_of(
    session: Session, item: Item, follow_id: int, follow_uuid: str | None
) -> Item | None:
    """The follow-up ``item``'s closing scheduled: found by its uuid, which a renumbering
    keeps, else by its ID if that is still a follow-up for ``item``."""
    if follow_uuid is not None:
        return next((i for i in session.items().values() if i.uuid == follow_uuid), None)
    try:
        follow = session.get(follow_id)
    except NotFound:
        return None
    return follow if follow.kind == "followup" and follow.for_id == item.id else None


def add_follow_up(
    session: Session,
    env: Env,
    person: str | None,
    title: str | None,
    by: str | None = None,
    for_id: int | None = None,
    tags: Iterable[str] = (),
    note: str = "",
    new_person: bool = False,
) -> Outcome:
    """A follow-up made by hand (one deleted by mistake, or a check-in nobody asked for): with
    ``person``, or with ``for_id`` the item it follows up (its person, title, channel and tags
    are the defaults). Due at ``by``, else after the ``[follow_up]`` delay."""
    origin = session.get(for_id) if for_id is not None else None
    if person is None and origin is None:
        raise RespondError("give the PERSON to follow up with, or --for ID")
    if origin is not None and origin.kind == "followup":
        raise RespondError(
            f"#{origin.id} is itself a follow-up: --for names the ask, promise or waiting it "
            "follows up"
        )
    matched, hints = "", list[str]()
    if person is not None:
        person, matched, hints = _person(session, person, new_person)
    else:
        assert origin is not None
        person = origin.person
    if title is None:
        if origin is None:
            raise RespondError("give a TITLE, or --for ID to follow up an item")
        title = origin.title
    if by is None:  # asked for by hand: where [follow_up] says "none", the built-in delay
        from respond.core.settings import Settings

        rule = _default_follow_up(env, origin)[0] if origin is not None else None
        by = rule or env.settings.follow_up or Settings().follow_up or "7d"
    due = env.later(by)
    change = _Change(session, env, "follow-up")
    item = change.created(
        _new_item(
            session, env, kind="followup", title=title, person=person,
            channel=origin.channel if origin is not None else None, due=due,
            for_id=origin.id if origin is not None else None,
            tags=[*(origin.tags if origin is not None else ()), *tags], note=note,
        )
    )  # fmt: skip
    change.commit(item)
    msg = f"Follow up with {visible(item.person)}{matched} {_label(item)}"
    if origin is not None:
        msg += f" (for #{origin.id})"
    msg += f", due {_due(env, due)}"
    return Outcome(msg, [item], hints)


def _default_follow_up(env: Env, item: Item) -> tuple[str | None, str]:
    """The ``[follow_up]`` delay for ``item`` (``None``: none) and the key that decided it."""
    from respond.core.settings import follow_up_delay

    return follow_up_delay(env.settings, item.channel, item.tags)


def undo(session: Session, env: Env) -> Outcome:
    """Reverse the last change. Items it created go away (their IDs are never reused); items it
    changed or deleted come back as they were, with an ``undone`` event added to their history."""
    entry = session.pop_journal()
    if entry is None:
        raise NothingFound("nothing to undo")
    synced: list[int] = entry.get("synced") or []
    kept: list[int] = entry.get("kept") or []
    if synced or kept:  # the transaction is abandoned: the entry stays
        if synced:
            why = f"#{synced[0]} was changed on another machine since (respond sync)"
        else:
            why = f"#{kept[0]} was changed since by a change you kept"
        raise NothingFound(
            f"can't undo {entry['command']}: {why}; respond undo --skip keeps it as it is and "
            "lets undo go on to the change before"
        )
    now = env.now()
    restored: list[Item] = []
    removed: list[int] = []
    for change in reversed(entry["changes"]):
        if change["before"] is None:
            session.delete(change["id"], now)  # an add undone: a deletion sync sends
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


def skip_undo(session: Session, env: Env) -> Outcome:
    """``undo --skip``: drop the last change from the undo list without undoing it (one that
    ``undo`` refuses, or one you want to keep), so that ``undo`` goes on to the change before.
    An earlier change to the same items can no longer be undone: undoing it would silently
    revert the one kept."""
    entry = session.pop_journal()
    if entry is None:
        raise NothingFound("nothing to undo")
    ids = sorted({change["id"] for change in entry["changes"]})
    session.keep_changes(ids)
    named = ", ".join(f"#{item_id}" for item_id in ids[:UNDO_DETAIL])
    if len(ids) > UNDO_DETAIL:
        named = f"{len(ids)} items"
    what = f"{entry['command']} ({named})" if ids else entry["command"]
    return Outcome(
        f"Skipped {what}: kept as it is, not undone; respond undo now reverses the change before",
        [],
    )

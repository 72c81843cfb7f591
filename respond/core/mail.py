"""Mail: what a message files, and what a scanned reply closes. Pure core.

A message reaches the core as a :class:`Mail` (``respond.formats.mail`` reads one from its
bytes). The rules:

* **Filing** (``add --mail``, ``wait --mail``, ``promise --mail``; :func:`file_mail`). An ask
  is on the message's sender, a wait or a promise on its recipient (you sent it). A known
  address finds its person whatever the display name says; else the display name is matched
  as a typed name is (else the address is the name). The title is the subject without its
  reply and forward prefixes (:func:`strip_prefixes`), else the first line of the text. The
  item is created at the message's ``Date`` (now when it has none, or one in the future), on
  the email channel, due by the email SLA from then unless ``--by`` says otherwise. Its
  Message-ID is kept: the same message filed twice is ``already filed as #N`` and adds nothing.
* **Scanning** (``respond mail``; :func:`plan`). A message from you (``[mail] me``) that
  replies to a filed ask (its ``In-Reply-To`` or ``References`` name the ask's Message-ID)
  acknowledges it at the reply's time, as ``ack`` would have then (``[mail] reply = "done"``:
  completes it); a message to you that replies to a filed wait answers it (``done`` on the
  wait, at the reply's time); a flagged message in a folder of ``[mail] flagged`` is filed as
  an ask, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from respond.core.actions import Outcome, Session, _Change, _due, _label, _new_item, _person
from respond.core.addresses import address_key, person_of
from respond.core.clock import FixedClock, storable, to_utc_iso
from respond.core.env import Env
from respond.core.errors import RespondError
from respond.core.model import Item
from respond.core.people import known_names, person_key
from respond.core.text import shorten

#: What a reply setting may say: a reply to an ask acknowledges it, or completes it.
REPLY_MODES = ("ack", "done")
#: The longest title taken from a message (a subject can be any length).
MAX_TITLE = 200

# "Re:", "RE :", "Fwd:", "Fw:", "AW:", "SV:", "WG:", "Re[2]:", repeated in any order and case.
_PREFIX = re.compile(r"^\s*(?:re|fwd?|aw|sv|wg)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Mail:
    """What respond reads of one message (the headers, and a line of its text)."""

    sender: str | None  # the From address, lowercased (None: no usable sender)
    sender_name: str = ""  # the From display name, decoded
    recipients: tuple[tuple[str, str], ...] = ()  # (display name, address) of To, then Cc
    subject: str = ""  # decoded, whitespace collapsed
    first_line: str = ""  # the first non-empty line of the text (only read when no subject)
    date: datetime | None = None  # aware; None when missing or unreadable
    message_id: str | None = None  # "<...>"
    replies_to: tuple[str, ...] = ()  # the Message-IDs of In-Reply-To and References


def strip_prefixes(subject: str) -> str:
    """The subject without its reply and forward prefixes (``Re: AW: Fwd: x`` is ``x``)."""
    text = subject
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            return text.strip()
        text = stripped


def title_of(mail: Mail) -> str:
    """The title a message files: its subject without prefixes, else its first line."""
    title = " ".join(strip_prefixes(mail.subject).split()) or " ".join(mail.first_line.split())
    if not title:
        raise RespondError("the message has no subject and no text to name it by")
    return shorten(title, MAX_TITLE)


def moment(date: datetime | None, now: datetime) -> datetime:
    """When a message happened: its ``Date``, or ``now`` if it has none, one in the future,
    or one respond can't store."""
    if date is None or date > now or not storable(date):
        return now
    return date.astimezone(now.tzinfo)


def at(env: Env, when: datetime) -> Env:
    """``env`` with its clock at ``when``: actions then record their events at that moment."""
    clock: Any = FixedClock(when, env.clock.tz)  # (a frozen dataclass: mypy wants tz settable)
    return Env(clock=clock, settings=env.settings)


def filed(items: Iterable[Item], message_id: str | None) -> Item | None:
    """The item filed from the message ``message_id``, if any."""
    if message_id is None:
        return None
    return next((item for item in items if item.message_id == message_id), None)


def _who(session: Session, items: list[Item], address: str, display: str, typed: str | None,
         new_person: bool) -> tuple[str, str, list[str]]:  # fmt: skip
    """The person a message is with, what the confirmation adds, and hints (a new name close
    to a known one: see :func:`respond.core.actions._person`)."""
    if typed is not None:
        return _person(session, typed, new_person)
    known = person_of(items, address) if address else None
    if known is not None:
        spelling = known_names(session.person_counts().items()).get(person_key(known), known)
        return spelling, "", []
    name = " ".join(display.split()) or address
    try:
        return _person(session, name, False)
    except RespondError as err:
        raise RespondError(f"{err} (say who with --from/--to/--on)") from None


def file_mail(
    session: Session,
    env: Env,
    mail: Mail,
    kind: str = "ask",
    *,
    person: str | None = None,
    by: str | None = None,
    for_id: int | None = None,
    tags: Sequence[str] = (),
    note: str = "",
    new_person: bool = False,
) -> Outcome:
    """File ``mail`` as an ask (from its sender), or a wait or promise (on its recipient)."""
    from respond.core.actions import ACK_KINDS
    from respond.core.worktime import sla_due

    items = list(session.items().values())
    before = filed(items, mail.message_id)
    if before is not None:
        return Outcome(f"already filed as #{before.id}", [])
    # with no address to go by, the person must be said (--from, --on, --to)
    if kind == "ask":
        if mail.sender is None and person is None:
            raise RespondError("the message has no sender (From); say who with --from")
        address, display = mail.sender or "", mail.sender_name
    else:
        if not mail.recipients and person is None:
            option = "--on" if kind == "waiting" else "--to"
            raise RespondError(f"the message has no recipient (To); say who with {option}")
        display, address = mail.recipients[0] if mail.recipients else ("", "")
    title = title_of(mail)
    name, matched, hints = _who(session, items, address, display, person, new_person)
    created = moment(mail.date, env.now())
    then = at(env, created)
    served = None
    if kind == "ask":
        due = (
            env.when(by)
            if by is not None
            else sla_due("email", created, env.settings.week, env.settings.sla)
        )
    elif kind == "waiting":
        served = session.get(for_id) if for_id is not None else None
        if served is not None and (served.kind not in ACK_KINDS or not served.is_open):
            raise RespondError(
                f"--for needs an open ask or promise to relay the answer to; #{served.id} is a "
                f"{served.status} {served.kind}"
            )
        due = env.later(by) if by is not None else then.later(env.settings.wait_chase)
    else:
        if by is None:
            raise RespondError("a promise needs --by: when you promised it")
        due = env.when(by)
    change = _Change(session, env, {"ask": "add", "waiting": "wait"}.get(kind, kind))
    item = change.created(
        _new_item(
            session, then, kind=kind, title=title, person=name,
            channel="email" if kind == "ask" else None, due=due, for_id=for_id, tags=tags,
            note=note,
        )
    )  # fmt: skip
    item.addresses = [address] if address else []
    item.message_id = mail.message_id
    if kind == "promise":
        item.record("promised", created, due=to_utc_iso(due))
    change.commit(item)
    shown = f" <{shorten(address, 60)}>" if address else ""
    who = f"{shorten(item.person, 30)}{shown}{matched}"
    if kind == "ask":
        msg = f"Added {_label(item)} for {who}, due {_due(env, due)}"
    elif kind == "waiting":
        msg = f"Waiting on {who} {_label(item)}"
        if served is not None:
            msg += f", for {shorten(served.person, 30)} (#{served.id})"
        msg += f"; chase {_due(env, due)}"
    else:
        msg = f"Promised {_label(item)} to {who}, by {_due(env, due)}"
    return Outcome(msg, [item], hints)


def add_address(session: Session, env: Env, query: str, typed: str) -> Outcome:
    """``respond people email NAME ADDRESS``: the address goes on the person's newest item."""
    from respond.core.addresses import addresses_by_person, parse_address
    from respond.core.people import resolve_key

    address = parse_address(typed)
    items = list(session.items().values())
    known = known_names(session.person_counts().items())
    key = resolve_key(known, query)
    if address in addresses_by_person(items).get(key, []):
        return Outcome(f"{shorten(known[key], 30)} already has {address}", [])
    other = person_of(items, address)
    if other is not None and person_key(other) != key:
        raise RespondError(f"{address} is already {shorten(other, 30)}'s address")
    mine = [item for item in items if person_key(item.person) == key]
    item = max(mine, key=lambda i: (i.created, i.id))
    change = _Change(session, env, "edit")
    change.touch(item)
    old = list(item.addresses)
    item.addresses = [*old, address]
    item.record(
        "edited", env.now(), fields=["addresses"],
        changes={"addresses": {"from": old, "to": item.addresses}},
    )  # fmt: skip
    change.commit(item)
    return Outcome(f"Added {address} to {shorten(known[key], 30)} (on #{item.id})", [item])


# --- scanning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One message a scan read: where, and whether it is flagged in a flagged folder."""

    mail: Mail
    where: str  # the folder (for --dry-run's lines)
    flagged: bool = False


@dataclass(frozen=True)
class Step:
    """One thing a scan does: ``ack`` or ``done`` an ask, ``answer`` a wait, ``file`` an ask."""

    action: str
    mail: Mail
    when: datetime
    item: Item | None = None
    where: str = ""
    # a reply to a flagged message that this same scan files: the message of that ask
    asked: Mail | None = None

    def describe(self) -> str:
        verb = {"ack": "acknowledge", "done": "complete", "answer": "answer", "file": "file"}
        if self.item is not None:
            return f"{verb[self.action]} {_label(self.item)}"
        if self.asked is not None:
            return f"{verb[self.action]} {shorten(title_of(self.asked), 50)} (filed above)"
        return f"{verb[self.action]} {shorten(title_of(self.mail), 50)} ({self.where})"


def plan(
    items: Iterable[Item], found: Iterable[Found], me: Iterable[str], reply: str, now: datetime
) -> list[Step]:
    """What a scan of ``found`` does to ``items`` (see the module), in the messages' order of
    time; each item is closed at most once, each flagged message filed at most once."""
    mine = {address_key(a) for a in me}
    by_id: dict[str, Item] = {}
    for item in items:
        if item.message_id is not None:
            by_id.setdefault(item.message_id, item)
    steps: list[Step] = []
    acted: set[int] = set()
    filing: dict[str, Step] = {}  # Message-ID -> the step filing it
    replied: set[str] = set()  # of those, the ones a reply of yours already acts on
    ordered = sorted(found, key=lambda f: moment(f.mail.date, now))
    for one in ordered:
        mail = one.mail
        when = moment(mail.date, now)
        from_me = mail.sender is not None and mail.sender in mine
        to_me = any(address in mine for _, address in mail.recipients)
        for ref in mail.replies_to:
            target = by_id.get(ref)
            if target is None and from_me and ref in filing and ref not in replied:
                # starred and answered before this scan: the ask it files is then replied to
                asked = filing[ref]
                steps.append(Step(reply, mail, max(when, asked.when), asked=asked.mail))
                replied.add(ref)
                continue
            if target is None or target.id in acted or not target.is_open:
                continue
            if from_me and target.kind == "ask" and (reply == "done" or target.status == "open"):
                steps.append(Step(reply, mail, max(when, target.created), target))
                acted.add(target.id)
            elif not from_me and to_me and target.kind == "waiting":
                steps.append(Step("answer", mail, max(when, target.created), target))
                acted.add(target.id)
        if (
            one.flagged
            and not from_me
            and mail.sender is not None
            and (mail.message_id is None or mail.message_id not in by_id)
            and (mail.message_id or "") not in filing
        ):
            step = Step("file", mail, when, None, one.where)
            steps.append(step)
            if mail.message_id:
                filing[mail.message_id] = step
    return steps


def apply(session: Session, env: Env, step: Step, promise: str) -> Outcome | None:
    """Do one step of a :func:`plan` (``None``: the item changed since it was planned)."""
    from respond.core import actions

    if step.action == "file":
        try:
            return file_mail(session, env, step.mail)
        except RespondError:
            return None  # (a message that names no one: left for add --mail to say why)
    if step.item is None:  # a reply to an ask filed by an earlier step of this scan
        assert step.asked is not None
        target = filed(session.items().values(), step.asked.message_id)
        if target is None:
            return None
        item = target
    else:
        item = session.get(step.item.id)
    if not item.is_open:
        return None
    then = at(env, step.when)
    if step.action == "ack":
        if item.status != "open":
            return None
        return actions.ack(session, then, item.id, promise)
    return actions.complete(session, then, item.id)


def summary(count: int) -> str:
    """The last line of a scan: how many things it did."""
    return f"{count} change{'s' if count != 1 else ''} from mail"

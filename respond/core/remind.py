"""What ``respond remind`` sends, and when. Pure core: the command gives it the items, the
time, the settings and what was already sent (:mod:`respond.storage.remindlog`).

* **What falls due.** An open ask, promise, follow-up or waiting-on (its chase time) whose due
  time is within ``[remind] before`` (15 minutes) from now, or has passed, and that was not yet
  reminded *at that due time*: what was sent is keyed by the item's uuid and its due time
  (:func:`key`), so a snoozed or renegotiated item is reminded again at its new time.
* **Quiet hours.** Only within working hours (``[work]``, :func:`in_working_hours`) unless
  ``[remind] always = true``: an item that falls due outside them is still unsent at the start
  of the next working period, when the first run sends it.
* **Order and summary.** Asks first, then promises, follow-ups and chases, each by due time;
  more than :data:`SUMMARY_OVER` at once make one summary notification instead of a flood.
* **Wording.** The person first: ``Call Dana back: Q3 numbers, due 14:00 by phone, #12``. User
  text goes through :func:`respond.core.text.shorten` (control characters made visible): a
  notification is plain text, one line per item.
* **The digest.** ``[remind] digest = "08:30"``: once each working day, at or after that time,
  the morning review (``respond today``); :func:`digest_key` names the day's digest.
* **Per channel.** Each channel (an apprise URL) gets each reminder once (:func:`wanted`,
  :func:`settle`). What a channel did with it is one of :data:`OUTCOMES`: it took it; it
  failed (or the run's deadline came before it was tried), so it is *pending* and the next run
  tries again; or it was sent but no answer came (a receiver that trickles its answer, or
  slower than the timeout), *answer unknown*, so the next run sends it once more, and never a
  third time. A reminder that some channel has not taken goes, at the next run, to the
  channels configured *then* (a corrected URL included), except those that already took it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from respond.core import timefmt
from respond.core.clock import to_local, to_utc_iso
from respond.core.due import is_overdue
from respond.core.model import Item, due_order
from respond.core.settings import Settings
from respond.core.text import shorten
from respond.core.worktime import add_working_hours

#: The kinds reminded, in the order their reminders come: asks, promises, follow-ups, chases.
ORDER: tuple[str, ...] = ("ask", "promise", "followup", "waiting")
#: More reminders than this at once make one summary notification.
SUMMARY_OVER = 3
#: How many items a summary lists by name (the rest are counted).
SUMMARY_LINES = 10

#: How each kind's reminder starts (``{p}`` is the person); an ask's depends on its channel.
VERBS: dict[str, str] = {
    "promise": "Promised {p}",
    "followup": "Follow up with {p}",
    "waiting": "Chase {p}",
}
ASK_VERBS: dict[str, str] = {
    "phone": "Call {p} back",
    "email": "Reply to {p}",
    "chat": "Reply to {p}",
}
ASK_VERB = "Get back to {p}"
#: How the item came in, after its due time (``due 14:00 by phone``).
CHANNEL_WORDS: dict[str, str] = {
    "phone": "by phone",
    "email": "by email",
    "chat": "by chat",
    "meeting": "from a meeting",
    "in-person": "in person",
}


#: What a channel did with one reminder in a run.
OUTCOMES = ("sent", "failed", "unknown")


@dataclass(frozen=True)
class Record:
    """What was sent for one key: when; the channels that failed to take it (``pending``), that
    took it (``delivered``), whose answer is unknown (``unknown``: sent again once), and that
    were already sent it again for that reason (``resent``: never a third time)."""

    at: str
    pending: frozenset[str] = frozenset()
    delivered: frozenset[str] = frozenset()
    unknown: frozenset[str] = frozenset()
    resent: frozenset[str] = frozenset()

    @property
    def complete(self) -> bool:
        """Whether no channel is still to get it (pending, or to be sent it again)."""
        return not self.pending and not self.unknown


@dataclass(frozen=True)
class Notice:
    """One notification: a short title and a plain-text body."""

    title: str
    body: str

    @property
    def text(self) -> str:
        """The notification as lines of text (what goes to stdout without a channel)."""
        return (
            f"{self.title}: {self.body}" if "\n" not in self.body else f"{self.title}\n{self.body}"
        )


def key(item: Item) -> str:
    """What a reminder is recorded under: the item's uuid and its due time."""
    assert item.due is not None
    return f"{item.uuid} {to_utc_iso(item.due)}"


def digest_key(now: datetime, tz: tzinfo | None = None) -> str:
    return f"digest {to_local(now, tz).date().isoformat()}"


def wanted(name: str, channel: str, sent: Mapping[str, Record]) -> bool:
    """Whether ``channel`` is still to get the reminder (or digest) recorded as ``name``: never
    sent; failed there; its answer there unknown; or not taken by some channel (one that
    failed, perhaps since replaced in the config) and never taken by this one."""
    record = sent.get(name)
    if record is None or channel in record.pending or channel in record.unknown:
        return True
    return bool(record.pending) and channel not in record.delivered


def settle(old: Record | None, outcomes: Mapping[str, str], at: str) -> Record:
    """The record of one reminder after a run in which the channels of ``outcomes`` (each one
    of :data:`OUTCOMES`) were sent it. Pending channels are only those of this run that failed
    (a channel no longer configured is forgotten); an answer unknown is sent again once: a
    second unknown answer (or one after that resend) counts as taken."""
    old = old or Record(at)
    delivered, unknown = set(old.delivered), set()
    resent = set(old.resent) | {c for c in outcomes if c in old.unknown}
    pending = {c for c, outcome in outcomes.items() if outcome == "failed"}
    for channel, outcome in outcomes.items():
        if outcome == "sent" or (outcome == "unknown" and channel in resent):
            delivered.add(channel)
        elif outcome == "unknown":
            unknown.add(channel)
    return Record(at, frozenset(pending), frozenset(delivered), frozenset(unknown),
                  frozenset(resent & (pending | unknown)))  # fmt: skip


def in_working_hours(now: datetime, settings: Settings, tz: tzinfo | None = None) -> bool:
    """Whether ``now`` is working time (its opening to its close, on a working day)."""
    return add_working_hours(now, 0, settings.week, tz) == now


def quiet(now: datetime, settings: Settings, tz: tzinfo | None = None) -> bool:
    """Whether reminders wait now: outside working hours, unless ``[remind] always``."""
    return not settings.remind_always and not in_working_hours(now, settings, tz)


def due_items(items: Iterable[Item], now: datetime, settings: Settings) -> list[Item]:
    """The open items whose reminder time has come (due within the lead time, or passed), in
    the order reminders are sent. What was sent already is the caller's to leave out
    (:func:`wanted`)."""
    horizon = now + settings.remind_before
    chosen = [
        item
        for item in items
        if item.is_open and item.kind in ORDER and item.due is not None and item.due <= horizon
    ]
    return sorted(chosen, key=lambda item: (ORDER.index(item.kind), *due_order(item)))


def digest_due(
    now: datetime, settings: Settings, sent: Mapping[str, Record], tz: tzinfo | None = None
) -> bool:
    """Whether today's digest is due: a digest time is set, today is a working day, it is that
    time or later, and it was not sent today (to every channel)."""
    at = settings.remind_digest
    local = to_local(now, tz)
    if at is None or not settings.week.is_workday(local.date()) or local.time() < at:
        return False
    record = sent.get(digest_key(now, tz))
    return record is None or not record.complete


def _at(moment: datetime, now: datetime, tz: tzinfo | None) -> str:
    """A due time in a reminder: ``14:00`` today, else as :func:`timefmt.when` says it."""
    shown = timefmt.when(moment, now, tz)
    return shown.removeprefix("today ")


def reminder(item: Item, now: datetime, tz: tzinfo | None = None) -> Notice:
    """One item's reminder, the person first: title ``Call Dana back``, body ``Q3 numbers,
    due 14:00 by phone, #12`` (its :attr:`Notice.text` is the two joined by ``: ``)."""
    assert item.due is not None
    person = shorten(item.person, 40)
    verbs = ASK_VERBS if item.kind == "ask" else VERBS
    template = verbs.get(item.channel or "", ASK_VERB) if item.kind == "ask" else verbs[item.kind]
    parts = [f"due {_at(item.due, now, tz)}"]
    how = CHANNEL_WORDS.get(item.channel or "")
    if how:
        parts[0] += f" {how}"
    if is_overdue(item.due, now):
        parts.append(timefmt.late(item.due, now))
    parts.append(f"#{item.id}")
    return Notice(template.format(p=person), f"{shorten(item.title, 80)}, {', '.join(parts)}")


def notices(items: Sequence[Item], now: datetime, tz: tzinfo | None = None) -> list[Notice]:
    """The notifications for ``items`` (in order): one each, or one summary for more than
    :data:`SUMMARY_OVER`."""
    each = [reminder(item, now, tz) for item in items]
    if len(each) <= SUMMARY_OVER:
        return each
    lines = [notice.text for notice in each]
    shown = lines[:SUMMARY_LINES]
    if len(lines) > SUMMARY_LINES:
        shown.append(f"and {len(lines) - SUMMARY_LINES} more: respond today")
    return [Notice(f"respond: {len(lines)} reminders", "\n".join(shown))]

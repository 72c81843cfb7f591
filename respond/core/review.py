"""The morning review (``respond today``): what needs you today, in sections. Pure core.

A header first states what needs you now: every open item whose time has passed
(:func:`respond.core.due.is_overdue`), the very number ``respond prompt`` shows, and how the
sections below break it down (overdue asks and promises, late follow-ups, waiting-ons to chase).

Sections, in order (each omitted when empty):

* **overdue**: open asks and promises whose due time has passed, most overdue first (an
  acknowledged ask is your promise, and reads as a broken one: :func:`your_promise`);
* **due today**: open asks and promises due from now until local midnight;
* **follow-ups**: open follow-ups due by local midnight (late ones first);
* **waiting**: everything you are waiting on others for, longest wait first, with the ask
  each one serves (the person you must relay the answer to) and whether it is time to chase;
* **relay**: answers that came back (waiting items done) for asks that are still open: tell
  the person who asked;
* **week**: this week's scores so far (see :mod:`respond.core.scoring`); while this week has
  nothing decided yet (its overall is n/a), last week's overall instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from respond.core.clock import to_local
from respond.core.due import is_overdue
from respond.core.history import timeline
from respond.core.model import Item, due_order
from respond.core.scoring import Scorecard, local_midnight, scorecard
from respond.core.settings import Settings
from respond.core.value import Value

if TYPE_CHECKING:
    from respond.core.calendar import Calendar

DUE_KINDS = frozenset({"ask", "promise"})


def your_promise(item: Item) -> bool:
    """Whether an item is a time you gave: a ``promise``, or an ask you acknowledged with
    ``ack`` ("I'll get back to you by 9"). ``today`` shows it as your promise, and once its
    time has passed as a broken one, not as an ask nobody has answered."""
    return item.kind == "promise" or (item.kind == "ask" and item.status == "acked")


# Plain classes on core/value.py's Value, not dataclasses: every ``today`` builds them, and a
# frozen dataclass compiles its methods at import (these four cost ~17M instructions).


class Waiting(Value):
    """Something you wait on others for, as ``today`` lists it."""

    __slots__ = ("item", "served", "waited", "chase")  # noqa: RUF023 (field order)
    item: Item
    served: Item | None  # the ask this answer is for, if any
    waited: timedelta
    chase: bool  # the chase time has passed

    def __init__(self, item: Item, served: Item | None, waited: timedelta, chase: bool) -> None:
        object.__setattr__(self, "item", item)
        object.__setattr__(self, "served", served)
        object.__setattr__(self, "waited", waited)
        object.__setattr__(self, "chase", chase)


class Relay(Value):
    """An answer that came back for an ask that is still open."""

    __slots__ = ("answer", "ask", "answered_at")  # noqa: RUF023 (field order)
    answer: Item  # the waiting item, done
    ask: Item  # the open ask it served
    answered_at: datetime | None

    def __init__(self, answer: Item, ask: Item, answered_at: datetime | None) -> None:
        object.__setattr__(self, "answer", answer)
        object.__setattr__(self, "ask", ask)
        object.__setattr__(self, "answered_at", answered_at)


class NeedsYou(Value):
    """What needs you now: every open item whose time has passed, of any kind. ``total`` is
    what ``respond prompt`` counts as ``{overdue}``; the rest says where ``today`` shows them."""

    __slots__ = ("total", "overdue", "followups", "chase")  # noqa: RUF023 (field order)
    total: int
    overdue: int  # asks and promises (the Overdue section)
    followups: int  # late follow-ups
    chase: int  # waiting-ons to chase

    def __init__(self, total: int, overdue: int, followups: int, chase: int) -> None:
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "overdue", overdue)
        object.__setattr__(self, "followups", followups)
        object.__setattr__(self, "chase", chase)

    @property
    def other(self) -> int:
        """Items of kinds this version does not show (written by a newer respond)."""
        return self.total - self.overdue - self.followups - self.chase


class Review(Value):
    """What ``respond today`` shows, section by section."""

    __slots__ = (  # noqa: RUF023 (field order)
        "now",
        "overdue",
        "due_today",
        "followups",
        "waiting",
        "relay",
        "week",
        "needs",
    )
    now: datetime
    overdue: list[Item]
    due_today: list[Item]
    followups: list[Item]
    waiting: list[Waiting]
    relay: list[Relay]
    week: Scorecard | None  # None when neither this week nor last has an overall score
    needs: NeedsYou

    def __init__(
        self,
        now: datetime,
        overdue: list[Item],
        due_today: list[Item],
        followups: list[Item],
        waiting: list[Waiting],
        relay: list[Relay],
        week: Scorecard | None,
        needs: NeedsYou,
    ) -> None:
        object.__setattr__(self, "now", now)
        object.__setattr__(self, "overdue", overdue)
        object.__setattr__(self, "due_today", due_today)
        object.__setattr__(self, "followups", followups)
        object.__setattr__(self, "waiting", waiting)
        object.__setattr__(self, "relay", relay)
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "needs", needs)


# How far back the review looks for items that changed (beyond open ones): the summary scores
# this week and last (at most 13 days back), and a check can be decided up to a few days after
# its deadline (follow-up grace day, relay within a business day). Four weeks is ample.
REVIEW_WINDOW = timedelta(days=28)


def end_of_today(now: datetime, tz: tzinfo | None = None) -> datetime:
    """Local midnight at the end of ``now``'s day."""
    return local_midnight(to_local(now, tz).date() + timedelta(days=1), tz)


def review(
    items: Iterable[Item],
    now: datetime,
    settings: Settings,
    calendar: Calendar,
) -> Review:
    """The review as of ``now``: "today" ends at local midnight and the week's scores are
    counted in weeks of ``calendar``."""
    everything = list(items)
    by_id = {item.id: item for item in everything}
    midnight = end_of_today(now, calendar.tz)
    overdue: list[Item] = []
    due_today: list[Item] = []
    followups: list[Item] = []
    waiting: list[Waiting] = []
    relay: list[Relay] = []
    late = 0  # open items of any kind whose time has passed (the prompt's count)
    for item in everything:
        kind = item.kind
        if item.is_open:
            late += item.due is not None and is_overdue(item.due, now)
            if kind == "waiting":
                served = by_id.get(item.for_id) if item.for_id is not None else None
                chase = item.due is not None and is_overdue(item.due, now)
                waiting.append(Waiting(item, served, now - item.created, chase))
            elif item.due is None or item.due >= midnight:
                continue
            elif kind == "followup":
                followups.append(item)
            elif kind in DUE_KINDS:
                (overdue if is_overdue(item.due, now) else due_today).append(item)
        elif kind == "waiting" and item.status == "done" and item.for_id is not None:
            served = by_id.get(item.for_id)
            if served is not None and served.is_open:
                answered = timeline(item.history).closed_at
                relay.append(Relay(item, served, answered))
    waiting.sort(key=lambda w: (w.item.created, w.item.id))
    relay.sort(key=lambda r: (r.answered_at or r.answer.created, r.answer.id))
    card = scorecard(everything, now, settings, calendar, weeks=2, full=False)
    needs = NeedsYou(
        total=late,
        overdue=len(overdue),
        followups=sum(1 for item in followups if item.due and is_overdue(item.due, now)),
        chase=sum(1 for w in waiting if w.chase),
    )
    return Review(
        now=now,
        overdue=sorted(overdue, key=due_order),
        due_today=sorted(due_today, key=due_order),
        followups=sorted(followups, key=due_order),
        waiting=waiting,
        relay=relay,
        week=card if card.overall is not None or card.last_overall is not None else None,
        needs=needs,
    )

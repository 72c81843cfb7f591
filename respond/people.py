"""People: everything with one person (``respond who``) and everyone at a glance
(``respond people``). Pure core.

Names match case-insensitively and ignoring extra spaces: ``dana``, ``Dana`` and ``DANA`` are
one person, shown with the spelling used most. ``who`` also accepts a unique start of a name's
words (``dana`` finds ``Dana Whitfield`` when no one is called just ``Dana``); otherwise it
suggests the closest name.
"""

from __future__ import annotations

import difflib
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from respond.clock import from_iso, to_utc_iso
from respond.config import Settings
from respond.errors import NothingFound
from respond.history import timeline
from respond.model import Item
from respond.queries import sort_key
from respond.scoring import checks
from respond.text import quoted, shorten

RECENT_DAYS = 30


def person_key(name: str) -> str:
    """The form names are compared in: case-folded, spaces collapsed."""
    return " ".join(name.casefold().split())


def names(items: Iterable[Item]) -> dict[str, str]:
    """Each person's key and the spelling used most for it (ties: the first seen)."""
    spellings: dict[str, Counter[str]] = {}
    for item in items:
        spellings.setdefault(person_key(item.person), Counter())[item.person] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}


def resolve(items: Iterable[Item], query: str) -> str:
    """The key of the person ``query`` names; :class:`NothingFound` with a suggestion if none."""
    known = names(items)
    key = person_key(query)
    if key in known:
        return key
    words = key.split()
    if words:
        starts = [
            name
            for name in known
            if all(any(part.startswith(word) for part in name.split()) for word in words)
        ]
        if len(starts) == 1:
            return starts[0]
        if len(starts) > 1:
            listed = ", ".join(shorten(known[name], 30) for name in sorted(starts)[:5])
            raise NothingFound(f"{quoted(query)} could be several people: {listed}; say which")
    suggestion = closest(known, key)
    hint = f"; did you mean {shorten(known[suggestion], 40)}?" if suggestion else ""
    raise NothingFound(f"no one called {quoted(query)}{hint}")


def closest(known: dict[str, str], key: str) -> str | None:
    """The known name nearest to ``key``, comparing whole names and each of their words."""
    candidates: dict[str, str] = {}
    for name in known:
        candidates.setdefault(name, name)
        for part in name.split():
            candidates.setdefault(part, name)
    match = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.6)
    return candidates[match[0]] if match else None


@dataclass(frozen=True)
class PersonView:
    name: str
    open: list[Item]  # by due time
    history: list[tuple[Item, datetime | None]]  # closed items and when, most recent first
    asks: int
    median_ack: timedelta | None  # median time from an ask to its acknowledgement or answer
    acked: int  # asks acknowledged or answered (the median's sample)
    replies_in_time: int
    replies_scored: int
    promises_kept: int
    promises_broken: int
    last_thanked: datetime | None
    last_thanks: Item | None


def who(
    items: Iterable[Item],
    query: str,
    now: datetime,
    settings: Settings,
    tz: tzinfo | None = None,
) -> PersonView:
    everything = list(items)
    key = resolve(everything, query)
    mine = [item for item in everything if person_key(item.person) == key]
    display = names(mine)[key]
    open_items = sorted((item for item in mine if item.is_open), key=sort_key)
    history: list[tuple[Item, datetime | None]] = []
    waits: list[timedelta] = []
    asks = 0
    last_thanks: Item | None = None
    for item in mine:
        line = timeline(item.history, now)
        if not item.is_open:
            history.append((item, line.closed_at))
        if item.kind == "ask":
            asks += 1
            if line.first_response is not None:
                waits.append(line.first_response - item.created)
        elif item.kind == "thanks" and (last_thanks is None or item.created > last_thanks.created):
            last_thanks = item
    history.sort(key=lambda pair: (pair[1] or pair[0].created, pair[0].id), reverse=True)
    decided = checks(mine, now, settings, tz)
    words = [check for check in decided if check.habit == "word"]
    replies = [check for check in decided if check.habit == "reply"]
    return PersonView(
        name=display,
        open=open_items,
        history=history,
        asks=asks,
        median_ack=statistics.median(waits) if waits else None,
        acked=len(waits),
        replies_in_time=sum(check.kept for check in replies),
        replies_scored=len(replies),
        promises_kept=sum(check.kept for check in words),
        promises_broken=sum(not check.kept for check in words),
        last_thanked=last_thanks.created if last_thanks is not None else None,
        last_thanks=last_thanks,
    )


@dataclass(frozen=True)
class PersonRow:
    name: str
    open: int
    overdue: int
    waiting: int  # open items where you wait on them
    recent: int  # items with activity in the window
    last_activity: datetime
    last_thanked: datetime | None


def _last_at(item: Item) -> datetime:
    try:
        return from_iso(item.history[-1]["at"])
    except (IndexError, KeyError, TypeError, ValueError):
        return item.created


@dataclass
class _Tally:
    open: int = 0
    overdue: int = 0
    waiting: int = 0
    recent: int = 0
    last: datetime | None = None
    thanked: datetime | None = None


def people(items: Iterable[Item], now: datetime, days: int = RECENT_DAYS) -> list[PersonRow]:
    """Everyone with open items or activity in the last ``days`` days: those with overdue
    items first, then by open items, then by the most recent activity."""
    since = now - timedelta(days=days)
    everything = list(items)
    spelled = names(everything)
    tallies: dict[str, _Tally] = {}
    for item in everything:
        tally = tallies.setdefault(person_key(item.person), _Tally())
        last = _last_at(item)
        if tally.last is None or last > tally.last:
            tally.last = last
        if last >= since:
            tally.recent += 1
        if item.is_open:
            tally.open += 1
            tally.waiting += item.kind == "waiting"
            tally.overdue += item.due is not None and item.due < now
        if item.kind == "thanks" and (tally.thanked is None or item.created > tally.thanked):
            tally.thanked = item.created
    rows = [
        PersonRow(
            name=spelled[key],
            open=tally.open,
            overdue=tally.overdue,
            waiting=tally.waiting,
            recent=tally.recent,
            last_activity=tally.last or now,
            last_thanked=tally.thanked,
        )
        for key, tally in tallies.items()
        if tally.open or tally.recent
    ]
    rows.sort(key=lambda r: (-r.overdue, -r.open, -r.last_activity.timestamp(), r.name))
    return rows


def person_data(view: PersonView) -> dict[str, Any]:
    """``respond who --json``."""
    return {
        "person": view.name,
        "stats": {
            "items": len(view.open) + len(view.history),
            "open": len(view.open),
            "asks": view.asks,
            "acknowledged": view.acked,
            "median_ack_seconds": (
                int(view.median_ack.total_seconds()) if view.median_ack is not None else None
            ),
            "replies_in_time": view.replies_in_time,
            "replies_scored": view.replies_scored,
            "promises_kept": view.promises_kept,
            "promises_broken": view.promises_broken,
            "last_thanked": to_utc_iso(view.last_thanked) if view.last_thanked else None,
        },
        "open": [item.to_record() for item in view.open],
        "history": [item.to_record() for item, _ in view.history],
    }


def people_data(rows: list[PersonRow]) -> list[dict[str, Any]]:
    """``respond people --json``."""
    return [
        {
            "person": row.name,
            "open": row.open,
            "overdue": row.overdue,
            "waiting": row.waiting,
            "recent": row.recent,
            "last_activity": to_utc_iso(row.last_activity),
            "last_thanked": to_utc_iso(row.last_thanked) if row.last_thanked else None,
        }
        for row in rows
    ]

"""People: the one rule that matches a name to a person, everything with one person
(``respond who``) and everyone at a glance (``respond people``). Pure core.

One rule matches a person everywhere (:func:`find`): names compare ignoring case, accents and
extra spaces (``ines  garcia`` is ``Ines García``), and each person is shown with the spelling
used most. A query names the person whose whole name it is; else the only person whose first
name it is (``pat`` with ``Pat O'Brien`` and ``Sam Patel``); else the only person whose name
has a word starting with each of its words (``ben`` finds ``Ben Carter``; ``whit`` and
``dana w`` find ``Dana Whitfield``). Several candidates are ambiguous; none gets the closest
name as a suggestion.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from respond.core.clock import from_iso
from respond.core.errors import NothingFound
from respond.core.model import Item, due_order
from respond.core.text import quoted, shorten

if TYPE_CHECKING:
    from respond.core.settings import Settings

RECENT_DAYS = 30


@functools.lru_cache(maxsize=4096)
def person_key(name: str) -> str:
    """The form names are compared in: case-folded, accents dropped (Unicode NFKD without its
    combining marks), runs of spaces folded to one, no spaces at the ends."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def known_names(counts: Iterable[tuple[str, int]]) -> dict[str, str]:
    """Each person's key and the spelling used most for it (ties: the first seen), from
    ``(spelling, how many items use it)`` pairs."""
    spellings: dict[str, Counter[str]] = {}
    for spelling, count in counts:
        spellings.setdefault(person_key(spelling), Counter())[spelling] += count
    return {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}


def names(items: Iterable[Item]) -> dict[str, str]:
    """Each person's key and the spelling used most for it (ties: the first seen)."""
    return known_names((item.person, 1) for item in items)


def candidates(known: Iterable[str], query: str) -> list[str]:
    """The keys of everyone ``query`` could name: each of its words starts a word of the name
    (so a start of the whole name does too). Sorted; everyone for an empty query."""
    words = person_key(query).split()
    return sorted(
        key
        for key in known
        if all(any(part.startswith(word) for part in key.split()) for word in words)
    )


def find(known: Iterable[str], query: str) -> list[str]:
    """The keys of the people ``query`` names: one when it names one person, several when it
    is ambiguous, none when it names no one. The whole name wins; then a first name that only
    one person has; then a unique start of the name's words (see :func:`candidates`)."""
    key = person_key(query)
    if not key:
        return []
    everyone = list(known)
    if key in everyone:
        return [key]
    matches = candidates(everyone, key)
    if len(matches) > 1 and " " not in key:
        first = [name for name in matches if name.split()[0] == key]
        if len(first) == 1:
            return first
    return matches


def listing(known: Mapping[str, str], keys: Iterable[str], most: int = 5) -> str:
    """Some of ``keys`` by their spelling, for a message: ``Pat O'Brien, Pat Smith``."""
    chosen = sorted(keys)
    shown = ", ".join(shorten(known[key], 30) for key in chosen[:most])
    return shown + (f" and {len(chosen) - most} more" if len(chosen) > most else "")


def missing(known: Mapping[str, str], query: str) -> str:
    """The message for a name that matches no one, with the closest name if any."""
    suggestion = closest(known, person_key(query))
    hint = f"; did you mean {shorten(known[suggestion], 40)}?" if suggestion else ""
    return f"no one called {quoted(query)}{hint}"


def resolve_key(known: Mapping[str, str], query: str) -> str:
    """The key of the one person ``query`` names (:func:`find`); :class:`NothingFound` (exit
    1) listing the candidates when it is ambiguous, with a did-you-mean when no one matches."""
    found = find(known, query)
    if len(found) == 1:
        return found[0]
    if found:
        raise NothingFound(
            f"{quoted(query)} could be several people: {listing(known, found)}; say which"
        )
    raise NothingFound(missing(known, query))


def resolve(items: Iterable[Item], query: str) -> str:
    """The key of the person ``query`` names among ``items``' people (see :func:`resolve_key`)."""
    return resolve_key(names(items), query)


def closest(known: Mapping[str, str], key: str) -> str | None:
    """The known name nearest to ``key``, comparing whole names and each of their words."""
    import difflib  # (the matching rule itself is imported by every add: kept light)

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
    import statistics

    from respond.core.history import timeline
    from respond.core.scoring import checks

    everything = list(items)
    key = resolve(everything, query)
    mine = [item for item in everything if person_key(item.person) == key]
    display = names(mine)[key]
    open_items = sorted((item for item in mine if item.is_open), key=due_order)
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
        median_ack=timedelta(seconds=statistics.median(w.total_seconds() for w in waits))
        if waits
        else None,
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

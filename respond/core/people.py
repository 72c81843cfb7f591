"""People: the one rule that matches a name to a person, everything with one person
(``respond who``) and everyone at a glance (``respond people``). Pure core.

One rule matches a person everywhere (:func:`find`): names compare as :func:`person_key`
folds them, ignoring case, accents (after transliteration: ``ł``, ``ø``, ``æ``, ``ß``, ``đ``
too), apostrophes, hyphens and extra spaces (``ines  garcia`` is ``Ines García``,
``malgorzata`` ``Małgorzata``), and each person is shown with the spelling
used most. A query names the person whose whole name it is; else the only person whose first
name it is (``pat`` with ``Pat O'Brien`` and ``Sam Patel``); else the only person whose name
has a word starting with each of its words (``ben`` finds ``Ben Carter``; ``whit`` and
``dana w`` find ``Dana Whitfield``). Several candidates are ambiguous; none gets the closest
name as a suggestion.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, tzinfo

from respond.core.clock import from_iso
from respond.core.errors import NothingFound
from respond.core.model import Item, due_order
from respond.core.text import fold, quoted, shorten
from respond.core.value import Record, Value

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from respond.core.settings import Settings

RECENT_DAYS = 30


#: Which rule :func:`person_key` folds by: raise it with any change to that rule (or to
#: :func:`respond.core.text.fold`), so that keys folded by the old one and kept in
#: ``<db>.names`` are folded again, not matched against names folded by the new one.
KEY_RULE = 1


@functools.lru_cache(maxsize=4096)
def person_key(name: str) -> str:
    """THE form names are compared in, everywhere (``who``, ``add --from``, completion,
    ``people rename``...): :func:`respond.core.text.fold` (transliterated, case, accents,
    apostrophes, hyphens and spaces folded): ``malgorzata`` is ``Małgorzata``, ``bjorn``
    ``Bjørn``, ``Zoë OBrien-Łukasiewicz`` ``Zoë O'Brien-Łukasiewicz``."""
    return fold(name)


def known_names(counts: Iterable[tuple[str, int]]) -> dict[str, str]:
    """Each person's key and the spelling used most for it (ties: the first seen), from
    ``(spelling, how many items use it)`` pairs."""
    # plain dicts, not a Counter per key (as Counter.most_common(1), max keeps the first of
    # equal counts): 3.3 -> 0.5 ms at 2,000 people, paid by every add that names someone
    # (fold, not person_key: each spelling is seen once, so its cache would only cost)
    spellings: dict[str, dict[str, int]] = {}
    for spelling, count in counts:
        seen = spellings.get(key := fold(spelling))
        if seen is None:
            spellings[key] = {spelling: count}
        else:
            seen[spelling] = seen.get(spelling, 0) + count
    return {
        key: next(iter(seen)) if len(seen) == 1 else max(seen, key=seen.__getitem__)
        for key, seen in spellings.items()
    }


def names(items: Iterable[Item]) -> dict[str, str]:
    """Each person's key and the spelling used most for it (ties: the first seen)."""
    return known_names((item.person, 1) for item in items)


def candidates(known: Iterable[str], query: str) -> list[str]:
    """The keys of everyone ``query`` could name: each of its words starts a word of the name
    (so a start of the whole name does too). Sorted; everyone for an empty query."""
    # a word of the key starts with ``word`` when the key does or " word" is in it (keys are
    # folded: single spaces, none at the ends): 4x faster than splitting every known key
    starts = [(word, " " + word) for word in person_key(query).split()]
    return sorted(
        key for key in known if all(key.startswith(word) or inner in key for word, inner in starts)
    )


def find(known: Iterable[str], query: str) -> list[str]:
    """The keys of the people ``query`` names: one when it names one person, several when it
    is ambiguous, none when it names no one. The whole name wins; then a first name that only
    one person has; then a unique start of the name's words (see :func:`candidates`)."""
    key = person_key(query)
    if not key:
        return []
    if key in known:  # (before listing everyone: a capture's names are read as asked)
        return [key]
    matches = candidates(known, key)
    if len(matches) > 1 and " " not in key:
        first = [name for name in matches if name.split()[0] == key]
        if len(first) == 1:
            return first
    return matches


def _distance(a: str, b: str, most: int) -> int:
    """The edit distance (Levenshtein) of ``a`` and ``b`` when it is at most ``most``, else
    ``most + 1``. Only the cells within ``most`` of the diagonal are computed (an alignment
    that costs at most ``most`` never leaves that band): ``near_miss`` runs this against every
    known name, 3x faster than the whole table at 2,000 people."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    big = most + 1
    row = [min(j, big) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        low, high = max(1, i - most), min(len(b), i + most)
        previous, row[0] = row[0], min(i, big)
        if low > 1:  # the cell left of the band: out of reach
            previous, row[low - 1] = row[low - 1], big
        best = row[low - 1]
        for j in range(low, high + 1):  # (comparisons, not min(): 3x faster here)
            value = previous + (ca != b[j - 1])
            previous = row[j]
            if previous + 1 < value:
                value = previous + 1
            if row[j - 1] + 1 < value:
                value = row[j - 1] + 1
            if value > big:
                value = big
            row[j] = value
            if value < best:
                best = value
        if best >= big:
            return big
    return row[-1]


def _close(a: str, b: str) -> int | None:
    """How far apart two folded words or names are, when close enough to be a typo of one
    another (one edit in up to 5 letters, two in longer ones); else ``None``."""
    most = 1 if min(len(a), len(b)) <= 5 else 2
    found = _distance(a, b, most)
    return found if 0 < found <= most else None


def near_miss(known: Iterable[str], typed: str) -> str | None:
    """The key of the known person a new name is probably a slip for, or ``None``: a name that
    :func:`find` matches to no one but that is a small edit away from someone's after folding
    (``Zoey`` beside ``Zoë Müller``'s first name, ``Dana Whitfeld`` beside ``Dana
    Whitfield``), or that has someone's first name and a surname close to theirs. Of several,
    the closest (then the first in order). Names that differ in their digits are different
    people (``Team 2`` beside ``Team 1``, ``Person 01`` beside ``Person 00``), never a slip."""
    key = person_key(typed)
    words = key.split()
    if not words:
        return None
    digits = "".join(filter(str.isdigit, key))
    close = functools.cache(_close)  # (many people share a first name)
    best: tuple[int, str] | None = None
    for name in known:
        if digits != "".join(filter(str.isdigit, name)):
            continue
        parts = name.split()
        if len(words) == 1:  # a first name, or a one-word name: against each one
            gaps = [_close(key, name), close(key, parts[0])]
        else:
            gaps = [_close(key, name)]
            if parts[0] == words[0] and len(parts) > 1:
                gaps.append(_close(" ".join(words[1:]), " ".join(parts[1:])))
        found = min((gap for gap in gaps if gap is not None), default=None)
        if found is not None and (best is None or (found, name) < best):
            best = (found, name)
    return best[1] if best is not None else None


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


class PersonView(Value):
    """What ``who`` shows about one person. ``open``: by due time; ``history``: closed items
    and when, most recent first; ``median_ack``: the median time from an ask to its
    acknowledgement or answer, over ``acked`` asks; ``closed``: closed items in all
    (``history`` may hold only the most recent; by default its length); ``addresses``: their
    email addresses (see :mod:`respond.core.addresses`)."""

    __slots__ = (  # noqa: RUF023 (the fields' order)
        "name",
        "open",
        "history",
        "asks",
        "median_ack",
        "acked",
        "replies_in_time",
        "replies_scored",
        "promises_kept",
        "promises_broken",
        "last_thanked",
        "last_thanks",
        "closed",
        "addresses",
    )
    name: str
    open: list[Item]
    history: list[tuple[Item, datetime | None]]
    asks: int
    median_ack: timedelta | None
    acked: int
    replies_in_time: int
    replies_scored: int
    promises_kept: int
    promises_broken: int
    last_thanked: datetime | None
    last_thanks: Item | None
    closed: int
    addresses: tuple[str, ...]

    def __init__(
        self,
        name: str,
        open: list[Item],
        history: list[tuple[Item, datetime | None]],
        asks: int,
        median_ack: timedelta | None,
        acked: int,
        replies_in_time: int,
        replies_scored: int,
        promises_kept: int,
        promises_broken: int,
        last_thanked: datetime | None,
        last_thanks: Item | None,
        closed: int = -1,
        addresses: tuple[str, ...] = (),
    ) -> None:
        put = object.__setattr__
        put(self, "name", name)
        put(self, "open", open)
        put(self, "history", history)
        put(self, "asks", asks)
        put(self, "median_ack", median_ack)
        put(self, "acked", acked)
        put(self, "replies_in_time", replies_in_time)
        put(self, "replies_scored", replies_scored)
        put(self, "promises_kept", promises_kept)
        put(self, "promises_broken", promises_broken)
        put(self, "last_thanked", last_thanked)
        put(self, "last_thanks", last_thanks)
        put(self, "closed", len(history) if closed < 0 else closed)
        put(self, "addresses", addresses)


#: The history lines ``respond who`` shows without ``--all``.
LINES = 15

Line = tuple[Item, datetime | None]


def line_rank(line: Line) -> tuple[datetime, int]:
    """The order of history lines (most recent first when reversed): closing time, else
    creation, then ID."""
    item, closed_at = line
    return (closed_at or item.created, item.id)


class Part(Record):
    """What some of one person's items say, in a form that merges exactly: everything ``who``
    and ``people`` show about them. The archive keeps one per person per archive file (see
    :mod:`respond.storage.periods`); :func:`merge` adds them up in the order the items are
    read (active file first, then each archive file), as if the items were read together.

    ``lines``: the most recent closed items first (all, or some); ``below``: closed items not
    in ``lines`` rank at most here; ``waits``: seconds from an ask to its first response,
    sorted; ``thanks``: the latest thanks (of equal times, the first read), and ``thanked``
    when (kept when the item is not: see :func:`merge`); ``last``: the latest activity."""

    __slots__ = (  # noqa: RUF023 (the fields' order)
        "items",
        "open",
        "lines",
        "below",
        "asks",
        "waits",
        "replies_in_time",
        "replies_scored",
        "kept",
        "broken",
        "thanks",
        "thanked",
        "last",
    )

    def __init__(
        self,
        items: int = 0,
        open: list[Item] | None = None,
        lines: list[Line] | None = None,
        below: tuple[datetime, int] | None = None,
        asks: int = 0,
        waits: list[float] | None = None,
        replies_in_time: int = 0,
        replies_scored: int = 0,
        kept: int = 0,
        broken: int = 0,
        thanks: Item | None = None,
        thanked: datetime | None = None,
        last: datetime | None = None,
    ) -> None:
        self.items = items
        self.open: list[Item] = [] if open is None else open
        self.lines: list[Line] = [] if lines is None else lines
        self.below = below
        self.asks = asks
        self.waits: list[float] = [] if waits is None else waits
        self.replies_in_time = replies_in_time
        self.replies_scored = replies_scored
        self.kept = kept
        self.broken = broken
        self.thanks = thanks
        self.thanked = thanked
        self.last = last

    @property
    def closed(self) -> int:
        return self.items - len(self.open)


def parts(items: Iterable[Item], now: datetime) -> dict[str, Part]:
    """Each person's :class:`Part` of ``items`` (read in this order), by person key, as of
    ``now``; every closed item is in ``lines``."""
    from respond.core.calendar import Calendar
    from respond.core.history import timeline
    from respond.core.scoring import checks
    from respond.core.settings import Settings

    out: dict[str, Part] = {}
    everything = list(items)
    for item in everything:
        part = out.get(key := person_key(item.person))
        if part is None:
            part = out[key] = Part()
        part.items += 1
        line = timeline(item.history, now)
        if item.is_open:
            part.open.append(item)
        else:
            part.lines.append((item, line.closed_at))
        if item.kind == "ask" and line.first_response is not None:
            part.waits.append((line.first_response - item.created).total_seconds())
        part.asks += item.kind == "ask"
        if item.kind == "thanks" and (part.thanked is None or item.created > part.thanked):
            part.thanks, part.thanked = item, item.created
        last = _last_at(item)
        if part.last is None or last > part.last:
            part.last = last
    # "reply" and "word" checks read one item's own history and ``now``, never the calendar
    for check in checks(everything, now, Calendar.of(Settings(), None)):
        part = out[person_key(check.person)]
        if check.habit == "reply":
            part.replies_scored += 1
            part.replies_in_time += check.kept
        elif check.habit == "word":
            part.kept += check.kept
            part.broken += not check.kept
    for part in out.values():
        part.open.sort(key=due_order)
        part.lines.sort(key=line_rank, reverse=True)
        part.waits.sort()
    return out


def merge(pieces: Iterable[Part], limit: int | None = None) -> Part | None:
    """The pieces as one part (in reading order). With ``limit``, only the first ``limit``
    lines are needed; ``None`` when the pieces' kept lines can't tell them for certain (a piece
    keeps only its most recent lines, and one it left out might rank among them; or the latest
    thanks is one whose item a piece did not keep)."""
    import heapq

    total = Part()
    bounds: list[tuple[datetime, int]] = []
    for piece in pieces:
        total.items += piece.items
        total.open.extend(piece.open)
        total.lines.extend(piece.lines)
        if piece.below is not None:
            bounds.append(piece.below)
        total.asks += piece.asks
        total.waits.extend(piece.waits)
        total.replies_in_time += piece.replies_in_time
        total.replies_scored += piece.replies_scored
        total.kept += piece.kept
        total.broken += piece.broken
        if piece.thanked is not None and (total.thanked is None or piece.thanked > total.thanked):
            total.thanks, total.thanked = piece.thanks, piece.thanked
        if piece.last is not None and (total.last is None or piece.last > total.last):
            total.last = piece.last
    total.open.sort(key=due_order)
    if total.thanked is not None and total.thanks is None:
        return None
    if limit is None:
        total.lines.sort(key=line_rank, reverse=True)
    else:
        total.lines = heapq.nlargest(limit, total.lines, key=line_rank)
    if bounds:
        needed = min(limit, total.closed) if limit is not None else total.closed
        if len(total.lines) < needed or (
            needed and line_rank(total.lines[needed - 1]) <= max(bounds)
        ):
            return None
        total.lines = total.lines[:needed]
    return total


def who(
    items: Iterable[Item],
    query: str,
    now: datetime,
    settings: Settings | None = None,
    tz: tzinfo | None = None,
) -> PersonView:
    """Everything with one person, from all their items (``settings`` and ``tz`` are not
    needed: nothing ``who`` shows depends on them)."""
    everything = list(items)
    key = resolve(everything, query)
    mine = [item for item in everything if person_key(item.person) == key]
    part = merge(parts(mine, now).values())
    assert part is not None  # every line is there
    return person_view(names(mine)[key], part)


def person_view(name: str, part: Part) -> PersonView:
    """``who``'s view of one person's merged part."""
    import statistics

    waits = part.waits
    return PersonView(
        name=name,
        open=part.open,
        history=part.lines,
        asks=part.asks,
        median_ack=timedelta(seconds=statistics.median(waits)) if waits else None,
        acked=len(waits),
        replies_in_time=part.replies_in_time,
        replies_scored=part.replies_scored,
        promises_kept=part.kept,
        promises_broken=part.broken,
        last_thanked=part.thanks.created if part.thanks is not None else None,
        last_thanks=part.thanks,
        closed=part.closed,
    )


def who_summarised(
    active: Iterable[Item],
    counts: Iterable[tuple[str, int]],
    archived: Iterable[Mapping[str, Part]],
    query: str,
    now: datetime,
    limit: int = LINES,
) -> PersonView | None:
    """:func:`who` showing ``limit`` history lines, from the active file's items, everyone's
    ``(spelling, items)`` counts (active file first, then each archive file) and each archive
    file's parts by person key; ``None`` when the parts can't tell the lines for certain."""
    known = known_names(counts)
    key = resolve_key(known, query)
    mine = [item for item in active if person_key(item.person) == key]
    pieces = [*parts(mine, now).values(), *(one[key] for one in archived if key in one)]
    part = merge(pieces, limit)
    return person_view(known[key], part) if part is not None else None


class PersonRow(Value):
    """One line of ``respond people``."""

    __slots__ = (  # noqa: RUF023 (field order)
        "name",
        "open",
        "overdue",
        "waiting",
        "recent",
        "last_activity",
        "last_thanked",
    )
    name: str
    open: int
    overdue: int
    waiting: int  # open items where you wait on them
    recent: int  # items with activity in the window
    last_activity: datetime
    last_thanked: datetime | None

    def __init__(
        self,
        name: str,
        open: int,
        overdue: int,
        waiting: int,
        recent: int,
        last_activity: datetime,
        last_thanked: datetime | None,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "open", open)
        object.__setattr__(self, "overdue", overdue)
        object.__setattr__(self, "waiting", waiting)
        object.__setattr__(self, "recent", recent)
        object.__setattr__(self, "last_activity", last_activity)
        object.__setattr__(self, "last_thanked", last_thanked)


def _last_at(item: Item) -> datetime:
    try:
        return from_iso(item.history[-1]["at"])
    except (IndexError, KeyError, TypeError, ValueError):
        return item.created


class _Tally(Record):
    __slots__ = ("open", "overdue", "waiting", "recent", "last", "thanked")  # noqa: RUF023

    def __init__(self) -> None:
        self.open = self.overdue = self.waiting = self.recent = 0
        self.last: datetime | None = None
        self.thanked: datetime | None = None


def people(items: Iterable[Item], now: datetime, days: int = RECENT_DAYS) -> list[PersonRow]:
    """Everyone with open items or activity in the last ``days`` days: those with overdue
    items first, then by open items, then by the most recent activity."""
    everything = list(items)
    rows = people_summarised(everything, names(everything), (), now, days)
    assert rows is not None  # (no archived parts)
    return rows


def people_summarised(
    active: Iterable[Item],
    known: Mapping[str, str],
    archived: Iterable[Mapping[str, Part]],
    now: datetime,
    days: int = RECENT_DAYS,
) -> list[PersonRow] | None:
    """:func:`people` from the active file's items, everyone's spelling (:func:`known_names`)
    and each archive file's parts by person key; ``None`` when an archived item may count as
    recent (``--days`` reaching back past the archive's newest activity)."""
    since = now - timedelta(days=days)
    tallies: dict[str, _Tally] = {}
    for item in active:
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
    for one in archived:
        for key, part in one.items():
            if part.open or (part.last is not None and part.last >= since):
                return None
            tally = tallies.setdefault(key, _Tally())
            if part.last is not None and (tally.last is None or part.last > tally.last):
                tally.last = part.last
            thanked = part.thanked
            if thanked is not None and (tally.thanked is None or thanked > tally.thanked):
                tally.thanked = thanked
    rows = [
        PersonRow(
            name=known[key],
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

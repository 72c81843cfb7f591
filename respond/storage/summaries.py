"""The ``who`` summaries of the archive files, in a sidecar beside them
(``<db>.archive/summaries.cache``): per person, what ``who`` and ``people`` show of each file
(counts, waits, promises, the latest lines), exact when added up across files. Trusted only
when its fingerprint and each file's match the active file's meta; read by ``who`` and
``people`` alone, one person's parts at a time (packed by person: :func:`sidecar_payload`).

Beside it, the counts file (``<db>.archive/people.cache``, :data:`COUNTS`): everyone's names
in the archive files with how many items each spelling has, summed over the files, which
``add`` and the other name matchers read instead of the files; checked the same way.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from respond.storage.periods import archive_dir, count_people, fingerprint, times

SIDECAR = "summaries.cache"  # the who summaries beside the archive files (no *.json: not one)


def sidecar_of(db: Path) -> Path:
    return archive_dir(db) / SIDECAR


def summary(records: Mapping[str, Any], st: os.stat_result | None) -> dict[str, Any]:
    """What the active file's meta keeps about one archive file (its records): small, and the
    same size whatever the people's items hold (their ``who`` parts are in the sidecar, their
    names in the counts file, :data:`COUNTS`)."""
    ids = [int(key) for key in records]
    latest = ""
    for record in records.values():
        for value in times(record) if isinstance(record, dict) else ():
            if isinstance(value, str) and value > latest:
                latest = value
    return {
        "fingerprint": fingerprint(st) if st is not None else None,
        "items": len(records),
        "ids": [min(ids), max(ids)] if ids else None,
        "latest": latest or None,  # the latest time any of them holds
    }


#: Everyone's names in the archive files, with how many archived items each spelling has,
#: file by file (``<db>.archive/people.cache``): what ``add`` and the other name matchers need
#: of the archive, summed in the order the files are read (:func:`sum_counts`: of spellings
#: with equal counts, the first read is shown, as when the files themselves are read). Only a
#: command that matches a name reads it. It records the fingerprint of each archive file it
#: counts, and the active file's meta its own (:func:`counts_stamp`): trusted only when both
#: match. (Version 1 held the sums alone, which lost that order: it is counted again.)
COUNTS = "people.cache"
COUNTS_VERSION = 2


def counts_of(db: Path) -> Path:
    return archive_dir(db) / COUNTS


def counts_stamp(st: os.stat_result) -> dict[str, Any]:
    """What the active file's meta keeps of the counts file: its fingerprint and version."""
    return {"fingerprint": fingerprint(st), "v": COUNTS_VERSION}


def counts_trusted(db: Path, stamp: Any) -> bool:
    """Whether the counts file on disk is the one the meta recorded (a stat, no read): then it
    counts the files the meta knows, as every change to them rewrites it."""
    return _stamped(counts_of(db), stamp, COUNTS_VERSION)


def _stamped(path: Path, stamp: Any, version: int) -> bool:
    """Whether the file at ``path`` is the one a stamp (``{"fingerprint", "v"}``, recorded in
    the active file's meta when it was written) describes, in ``version``."""
    if not isinstance(stamp, dict) or stamp.get("v") != version:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    return bool(stamp.get("fingerprint") == fingerprint(st))


def file_counts(records: Mapping[str, Any]) -> dict[str, int]:
    """One archive file's names and counts, its records read by ID (as it is stored; a key
    that is no ID, in a hand-edited file, after them)."""
    return count_people(records[key] for key in sorted(records, key=_by_id))


def _by_id(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isascii() and key.isdigit() else (1 << 63, key)


def sum_counts(by_period: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """The archive's names and counts: each file's (:func:`file_counts`) added up, oldest
    first, so that the spellings come in the order reading the files gives them."""
    counts: dict[str, int] = {}
    for period in sorted(by_period):
        for name, n in by_period[period].items():
            if type(n) is int and n > 0:  # (not a bool; read from the counts file: JSON)
                counts[name] = counts.get(name, 0) + n
    return counts


def read_counts(db: Path, stamp: Any, files: Mapping[str, Any]) -> dict[str, dict[str, int]] | None:
    """The archive's names and counts by file (period) from the counts file, if it is the
    one the meta recorded (``stamp``, see :func:`counts_stamp`) and it counts exactly the
    archive files the meta knows (``files``: the meta's entries by period), each in the
    version the meta knows; else
    ``None`` (the caller counts the files, or uses what an older respond kept in the meta)."""
    from respond.storage.reading import read_regular

    if not counts_trusted(db, stamp):
        return None
    try:
        import orjson

        data = orjson.loads(read_regular(counts_of(db)))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != COUNTS_VERSION:
        return None
    counted, people = data.get("files"), data.get("people")
    if not isinstance(counted, dict) or not isinstance(people, dict):
        return None
    known = {
        period: entry.get("fingerprint") if isinstance(entry, dict) else None
        for period, entry in files.items()
    }
    if counted != known:
        return None
    # (each count is checked where they are added up, sum_counts: one pass, not two)
    return {period: names for period, names in people.items() if isinstance(names, dict)}


def counts_payload(files: Mapping[str, Any], people: Mapping[str, Mapping[str, int]]) -> bytes:
    """The counts file's bytes: the fingerprint of each file counted (``files``: the meta's
    entries by period) and the counts by period (:func:`_dumps`)."""
    return _dumps(
        {
            "v": COUNTS_VERSION,
            "files": {period: files[period].get("fingerprint") for period in sorted(files)},
            "people": {period: dict(people[period]) for period in sorted(people)},
        }
    )


def legacy_counts(files: Mapping[str, Any]) -> dict[str, dict[str, int]] | None:
    """The archive's names and counts by period from what an older respond kept in each entry
    of the meta (``people``); ``None`` unless every entry has them."""
    counts: dict[str, dict[str, int]] = {}
    for period in sorted(files):
        entry = files[period]
        people = entry.get("people") if isinstance(entry, dict) else None
        if not isinstance(people, dict):
            return None
        counts[period] = {
            name: n for name, n in people.items() if isinstance(name, str) and isinstance(n, int)
        }
    return counts


def sidecar_entry(
    records: Mapping[str, Any],
    st: os.stat_result,
    previous: Any = None,
    persons: set[str] | None = None,
) -> dict[str, Any]:
    """What the sidecar keeps about one archive file (its records): the file's fingerprint
    and its ``who`` part; with the ``previous`` part (:func:`who_summary`) and the only
    ``persons`` (keys) whose items came or went, their parts are made again and everyone
    else's kept."""
    ordered = {key: records[key] for key in sorted(records, key=int)}
    return {"fingerprint": fingerprint(st), "who": who_summary(ordered, previous, persons)}


#: The version of the ``who`` parts in the sidecar (kept in the active file's meta too, with the
#: sidecar's fingerprint): a sidecar of another version is rebuilt by the next write, and
#: ``who``/``people`` read the archive files until then.
WHO_VERSION = 2  # 2: person keys fold transliterated names (core.people.person_key)


#: A summary's parts hold the item's state once every time in it has passed by this much
#: (a scored deadline is decided one second after it), so they hold for any later reading.
SETTLED = timedelta(days=1)


def who_summary(
    records: Mapping[str, Any], previous: Any = None, persons: set[str] | None = None
) -> dict[str, Any]:
    """What ``who`` and ``people`` need of one archive file, per person key, as
    :class:`respond.core.people.Part` (see :func:`part_to_json`), as of ``asof``: later than
    every time the records hold, so that any reading at or after it sees the same. No
    ``people`` when a record can't be read (the commands then read the file and report it).
    With ``previous`` and ``persons``, see :func:`summary` (an edit of one archived item costs
    its person's items, not the file's)."""
    from respond.core.clock import from_iso
    from respond.core.model import Item
    from respond.core.people import parts, person_key

    kept: dict[str, Any] = {}
    since = None
    before = previous if isinstance(previous, dict) and previous.get("v") == WHO_VERSION else None
    if persons is not None and before is not None and before["people"] is not None:
        kept = {k: v for k, v in before["people"].items() if k not in persons}
        since = before["asof"]
        records = {
            key: record
            for key, record in records.items()
            if not isinstance(record, dict)
            or not isinstance(record.get("person"), str)
            or person_key(record["person"]) in persons
        }
    try:
        items = [Item.from_record({**record, "id": int(key)}) for key, record in records.items()]
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
        return {"v": WHO_VERSION, "asof": None, "people": None}
    moments = []
    for record in records.values():
        for value in times(record):
            with contextlib.suppress(TypeError, ValueError):  # not a time: no item reads it
                moments.append(from_iso(value))
    if any(item.is_open for item in items):
        return {"v": WHO_VERSION, "asof": None, "people": None}
    asof = max(moments, default=None)
    asof = asof + SETTLED if asof is not None else None
    if since is not None and (asof is None or from_iso(since) > asof):
        asof = from_iso(since)  # (the kept parts hold as of then)
    found = parts(items, asof) if asof is not None else {}
    return {
        "v": WHO_VERSION,
        "asof": asof.isoformat() if asof is not None else None,
        "people": kept | {key: part_to_json(part, records) for key, part in found.items()},
    }


def legacy_who(entry: Any) -> dict[str, Any] | None:
    """The ``who`` part an older respond kept inside the active file's meta (packed as JSON
    text), if it is of this version; ``None`` otherwise. Read until the next write moves it
    to the sidecar."""
    import json

    if not isinstance(entry, dict) or entry.get("who_v") != WHO_VERSION:
        return None
    text = entry.get("who")
    if not isinstance(text, str):
        return None
    try:
        block = json.loads(text)
    except ValueError:
        return None
    return block if isinstance(block, dict) and "people" in block else None


def sidecar_stamp(st: os.stat_result) -> dict[str, Any]:
    """What the active file's meta keeps of the sidecar: its fingerprint and version."""
    return {"fingerprint": fingerprint(st), "v": WHO_VERSION}


def sidecar_trusted(db: Path, stamp: Any) -> bool:
    """Whether the sidecar on disk is the one the active file's meta recorded (``stamp``, see
    :func:`sidecar_stamp`), of this version: one changed behind its back (edited, restored,
    left by a crash between the two writes) is not."""
    return _stamped(sidecar_of(db), stamp, WHO_VERSION)


def read_sidecar(db: Path, stamp: Any) -> dict[str, Any] | None:
    """The sidecar's entries by period (:func:`sidecar_entry`), if it is trusted (see
    :func:`sidecar_trusted`) and reads; else ``None``. The caller still checks each entry's
    fingerprint against its archive file. Each entry's people are read as they are asked for
    (:class:`PackedPeople`): ``who`` parses one person's parts, not everyone's."""
    from respond.storage.reading import read_regular

    if not sidecar_trusted(db, stamp):
        return None
    try:
        return parse_sidecar(read_regular(sidecar_of(db)))
    except OSError:
        return None


def parse_sidecar(raw: bytes) -> dict[str, Any] | None:
    """The entries of a sidecar's bytes (see :func:`read_sidecar`), ``None`` when they are
    not one of this version. Two layouts: the packed one :func:`sidecar_payload` writes (a
    header line, then each person's parts in every file, one JSON text a person), and one JSON
    text (the first sidecars'; rewritten packed by the next write that changes it)."""
    import orjson

    newline = raw.find(b"\n")
    try:
        data = orjson.loads(raw if newline < 0 else raw[:newline])
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != WHO_VERSION:
        return None
    files = data.get("files")
    if not isinstance(files, dict):
        return None
    if newline < 0:
        return {
            period: entry
            for period, entry in files.items()
            if isinstance(entry, dict)
            and isinstance(entry.get("who"), dict)
            and entry["who"].get("v") == WHO_VERSION
            and "people" in entry["who"]
        }
    index = data.get("index")
    if not isinstance(index, dict):
        return None
    packed = _Packed(memoryview(raw)[newline + 1 :], index)
    return {
        period: {
            "fingerprint": head.get("fingerprint"),
            "who": {
                "v": WHO_VERSION,
                "asof": head.get("asof"),
                "people": PackedPeople(packed, period) if head.get("people") else None,
            },
        }
        for period, head in files.items()
        if isinstance(head, dict) and head.get("v") == WHO_VERSION
    }


class _Packed:
    """Each person's parts in every file, parsed when first asked for. A damaged one (bytes
    changed in place, the file's fingerprint kept) is ``{}`` and marks it ``damaged``: the
    reader then discards what it read and reads the archive files (:attr:`Parts.damaged`)."""

    def __init__(self, body: memoryview, index: Mapping[str, Any]) -> None:
        self.body = body
        self.index = index
        self.parsed: dict[str, dict[str, Any]] = {}
        self.damaged = False

    def parts_of(self, key: str) -> dict[str, Any]:
        found = self.parsed.get(key)
        if found is None:
            import orjson

            span = self.index.get(key)
            try:
                found = orjson.loads(self.body[span[0] : span[1]])  # type: ignore[index]
            except (TypeError, IndexError, ValueError):
                found = None
            if not isinstance(found, dict):
                self.damaged = True
                found = {}
            self.parsed[key] = found
        return found

    def check(self) -> bool:
        """Whether every person's parts parse (``doctor``: it reads them all)."""
        for key in self.index:
            self.parts_of(key)
        return not self.damaged


class PackedPeople(Mapping[str, Any]):
    """One file's parts by person key, from a packed sidecar: a person's parts are parsed
    (in every file at once) when first asked for."""

    def __init__(self, packed: _Packed, period: str) -> None:
        self.packed = packed
        self.period = period

    @property
    def damaged(self) -> bool:
        """Whether a person's parts read so far were damaged (see :class:`_Packed`)."""
        return self.packed.damaged

    def __getitem__(self, key: str) -> Any:
        if key not in self.packed.index:
            raise KeyError(key)
        return self.packed.parts_of(key)[self.period]

    def __contains__(self, key: object) -> bool:
        return (
            isinstance(key, str)
            and key in self.packed.index
            and self.period in self.packed.parts_of(key)
        )

    def __iter__(self) -> Iterator[str]:
        return (key for key in self.packed.index if self.period in self.packed.parts_of(key))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def sidecar_payload(files: Mapping[str, Any]) -> bytes:
    """The sidecar's bytes, packed: a header line (each file's fingerprint, version, ``asof``
    and whether it has people; where each person's parts are), then each person's parts in
    every file as one JSON text, so that ``who`` parses one person's (orjson; the standard
    library's ASCII form for text it refuses)."""
    heads: dict[str, Any] = {}
    by_person: dict[str, dict[str, Any]] = {}
    for period in sorted(files):
        entry = files[period]
        who = entry["who"]
        heads[period] = {
            "fingerprint": entry.get("fingerprint"),
            "v": who.get("v"),
            "asof": who.get("asof"),
            "people": who.get("people") is not None,
        }
        for key, part in (who.get("people") or {}).items():
            by_person.setdefault(key, {})[period] = part
    body = bytearray()
    index: dict[str, list[int]] = {}
    for key in sorted(by_person):
        text = _dumps(by_person[key])
        index[key] = [len(body), len(body) + len(text)]
        body += text
    return _dumps({"v": WHO_VERSION, "files": heads, "index": index}) + b"\n" + bytes(body)


def _dumps(data: Any) -> bytes:
    """JSON text on one line (orjson; the standard library's ASCII form for what it refuses)."""
    import json

    import orjson

    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, separators=(",", ":")).encode("ascii")


def _rank(rank: tuple[Any, int]) -> list[Any]:
    from datetime import UTC

    return [rank[0].astimezone(UTC).isoformat(), rank[1]]


def part_to_json(part: Any, records: Mapping[str, Any]) -> dict[str, Any]:
    """A closed items' :class:`~respond.core.people.Part` as JSON: counts, the sorted waits,
    and the stored records of the latest thanks and of the kept history lines (each with its
    rank), so that they read back as the same items."""
    from respond.core.people import line_rank

    return {
        "n": part.items,
        "asks": part.asks,
        "waits": [int(w) if w.is_integer() else w for w in part.waits],
        "replies": [part.replies_in_time, part.replies_scored],
        "promises": [part.kept, part.broken],
        "thanks": [
            part.thanked.isoformat(),
            part.thanks.id,
            records[str(part.thanks.id)],
        ]
        if part.thanks is not None and part.thanked is not None
        else None,
        "last": part.last.isoformat() if part.last is not None else None,
        "lines": [[*_rank(line_rank(line)), records[str(line[0].id)]] for line in part.lines],
        "below": _rank(part.below) if part.below is not None else None,
    }


def part_from_json(block: Mapping[str, Any]) -> Any:
    """The :class:`~respond.core.people.Part` :func:`part_to_json` wrote."""
    from datetime import datetime

    from respond.core.clock import from_iso
    from respond.core.history import timeline
    from respond.core.model import Item
    from respond.core.people import Part

    def item(item_id: int, record: dict[str, Any]) -> Item:
        return Item.from_record({**record, "id": item_id})

    def line(entry: list[Any]) -> tuple[Item, datetime | None]:
        one = item(entry[1], entry[2])
        return one, timeline(one.history).closed_at

    thanks = block.get("thanks")
    below = block.get("below")
    last = block.get("last")
    return Part(
        items=block["n"],
        lines=[line(entry) for entry in block["lines"]],
        below=(from_iso(below[0]), below[1]) if below else None,
        asks=block["asks"],
        waits=[float(w) for w in block["waits"]],
        replies_in_time=block["replies"][0],
        replies_scored=block["replies"][1],
        kept=block["promises"][0],
        broken=block["promises"][1],
        thanks=item(thanks[1], thanks[2]) if thanks and thanks[2] is not None else None,
        thanked=from_iso(thanks[0]) if thanks else None,
        last=from_iso(last) if last else None,
    )


def trim(files: Mapping[str, Any], keep: int) -> None:
    """Keep, of each person's history lines in the sidecar's entries (``files``, by period,
    changed in place),
    only the ``keep`` most recent over all files: a file that gives up lines records the rank
    of the first one it gave up (``below``), which lets a reader tell when the kept ones are
    enough. Of each person's thanks, only the file with the latest keeps its item; the others
    keep its time. Trimming never makes a summary wrong, only shorter."""
    from respond.core.clock import from_iso

    blocks: dict[str, dict[str, Any]] = {}
    for period in sorted(files):
        block = files[period]["who"]
        if block["people"] is not None:
            blocks[period] = block["people"]
    ranked: dict[str, list[tuple[str, int, str]]] = {}
    for period, people in blocks.items():
        for key, part in people.items():
            for rank in part["lines"]:
                ranked.setdefault(key, []).append((rank[0], rank[1], period))
    latest: dict[str, tuple[Any, str]] = {}  # each person's latest thanks: when, which file
    for period, people in blocks.items():
        for key, part in people.items():
            thanks = part["thanks"]
            if thanks is not None:
                when = from_iso(thanks[0])
                if key not in latest or when > latest[key][0]:
                    latest[key] = (when, period)
    for period, people in blocks.items():
        for key, part in people.items():
            if part["thanks"] is not None and latest[key][1] != period:
                part["thanks"][2] = None  # only its time counts: a later one is elsewhere
    for key, lines in ranked.items():
        if len(lines) <= keep:
            continue
        lines.sort(key=lambda line: (from_iso(line[0]), line[1]), reverse=True)
        cut: dict[str, int] = {}
        for _, _, period in lines[:keep]:
            cut[period] = cut.get(period, 0) + 1
        for period in {period for _, _, period in lines[keep:]}:
            part = blocks[period][key]
            first_dropped = part["lines"][cut.get(period, 0)]
            part["below"] = first_dropped[:2]
            del part["lines"][cut.get(period, 0) :]


class Parts(Mapping[str, Any]):
    """One summary's parts by person key (:class:`respond.core.people.Part`), read from the
    JSON as they are asked for; without ``lines``, with no history lines (``people``)."""

    def __init__(self, block: Mapping[str, Any], lines: bool = True) -> None:
        self.blocks: Mapping[str, Any] = block["people"]
        self.lines = lines
        self.read: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self.read:
            block = self.blocks[key]
            self.read[key] = part_from_json(block if self.lines else {**block, "lines": []})
        return self.read[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)

    @property
    def damaged(self) -> bool:
        """Whether what was read of the sidecar was damaged: then the archive files are read."""
        return bool(getattr(self.blocks, "damaged", False))


def sidecar_damaged(entries: Mapping[str, Any]) -> bool:
    """Whether a person's parts in the sidecar's ``entries`` (:func:`read_sidecar`) don't
    parse, each read (``doctor``)."""
    for entry in entries.values():
        people = entry["who"]["people"]
        if isinstance(people, PackedPeople):
            return not people.packed.check()  # (one body for every file)
    return False


def read_summaries(
    table: Mapping[str, Any], entries: list[Mapping[str, Any]], lines: bool = True
) -> tuple[list[Any], list[tuple[str, int]], list[Parts]] | None:
    """From the active file's records and the archive files' summaries (``Store.summaries``:
    each with its ``who`` part from the sidecar and its ``people`` counts from the
    counts file): the active items, everyone's ``(spelling, items)`` in reading order (active file
    first, then the archive) and each archive file's :class:`Parts`;
    ``None`` when an active record can't be read (the full read then reports it)."""
    from respond.core.model import Item

    try:
        active = [Item.from_record({**record, "id": int(key)}) for key, record in table.items()]
    except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
        return None
    spellings = [*count_people(table.values()).items()]
    for entry in entries:
        spellings += [
            (name, n) for name, n in (entry.get("people") or {}).items() if type(n) is int and n > 0
        ]
    return active, spellings, [Parts(entry["who"], lines) for entry in entries]

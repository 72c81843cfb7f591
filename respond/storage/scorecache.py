"""The weekly score cache, ``<db>.scores``: the tallies of finished weeks, so that ``respond
week`` reads only the items that can count in the weeks it does not know yet.

One file per database and machine (mode 0600, replaced atomically like the database), never
needed: a missing, damaged or foreign cache, or one computed for other settings
(:func:`respond.core.scorecache.fingerprint`), is rebuilt from the database. It records the
database's generation it was computed from (:mod:`respond.storage.scorelog`); a reader takes
no lock, drops the weeks that every later commit in the database's log can affect, computes
the weeks it lacks, and writes the cache back (best effort: a reader that can't write it just
doesn't). A cache older than the log, or computed for a later ``--now`` than the reader's, is
not used; a database replaced by something other than a commit (a restore, an older
``respond``) no longer matches the file's identity the cache recorded.

The cache is checked, not trusted: it carries a digest (keyed BLAKE2b) of its whole content,
with the inputs it summarises (the database's generation and file identity, the settings'
fingerprint), keyed by a random key kept in the database's meta (:data:`scorelog.KEY`). A cache
whose digest does not match (edited by hand, with its mtime kept; copied from another database;
written by an older respond) is a miss: rebuilt and rewritten. ``respond doctor`` reports it
(:func:`check`).

``RESPOND_NO_SCORE_CACHE=1`` computes every week from scratch and leaves the file alone (tests
compare the two).
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from respond.core.clock import from_iso, to_utc_iso
from respond.core.scorecache import (
    GRACE,
    earliest_affected,
    extend,
    fingerprint,
    finished,
    first_created,
    futures,
    invalidate,
    needed,
)
from respond.core.scoring import HABITS, Known, Tally, local_midnight
from respond.storage import captures
from respond.storage.database import item_from_doc
from respond.storage.dbfile import ITEMS, decode, gc_paused, load_raw, meta_of
from respond.storage.files import atomic_write
from respond.storage.reading import read_regular
from respond.storage.scorelog import KEY, entries, position

if TYPE_CHECKING:
    from respond.core.calendar import Calendar

SUFFIX = ".scores"
FORMAT = "respond-score-cache"
DISABLE = "RESPOND_NO_SCORE_CACHE"
MAX_BYTES = 16 << 20  # a cache is a few KB; anything this big is not one


@dataclass
class Reading:
    """What the last :func:`known_weeks` did (for tests and benchmarks)."""

    records: int = 0  # records in the database
    built: int = 0  # items built from them
    used_cache: bool = False
    wrote_cache: bool = False
    why: str = ""  # why the cache was not used


last = Reading()


def cache_path(db: Path) -> Path:
    return db.with_name(db.name + SUFFIX)


def remove(db: Path) -> None:
    """Delete the cache (``doctor --repair``); the next ``week`` rebuilds it."""
    with contextlib.suppress(FileNotFoundError):
        cache_path(db).unlink()


def zone_name(tz: tzinfo | None) -> str:
    """The local zone's name: ``tz``'s, or the system zone's (``$TZ``, else what
    ``/etc/localtime`` links to) with its abbreviations."""
    if tz is not None:
        return str(getattr(tz, "key", None) or tz)
    name = os.environ.get("TZ")
    if name is None:
        try:
            name = os.path.realpath("/etc/localtime")
        except OSError:
            name = "?"
    return f"{name}|{'/'.join(time.tzname)}"


def _identity(st: os.stat_result | None) -> list[int] | None:
    """The database file's identity (inode, size, modification time), from its ``stat``: a
    file replaced by anything but a commit (which moves the generation on) no longer matches
    it."""
    return None if st is None else [st.st_ino, st.st_size, st.st_mtime_ns]


def _read(path: Path) -> dict[str, Any] | None:
    """The cache file's document, or ``None`` if there is none that reads as one."""
    try:
        raw = read_regular(path, limit=MAX_BYTES + 1)  # never a FIFO or a device
        if len(raw) > MAX_BYTES:
            return None
        doc = decode(raw)
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else None


def _digest(doc: dict[str, Any], meta: dict[str, Any]) -> str:
    """The digest a cache document carries: a keyed BLAKE2b of everything in it but the
    digest, with the database's key (a database that has none yet, not changed since it was
    made by an older respond, uses a fixed one: a hand edit is still caught). BLAKE2 is keyed
    by design and its module loads in a fraction of ``hmac``'s (OpenSSL's) time."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b

    import orjson

    key = meta.get(KEY)
    secret = (key if isinstance(key, str) and key else FORMAT).encode()[:64]
    body = {name: value for name, value in doc.items() if name != "digest"}
    payload = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return blake2b(payload, key=secret, digest_size=32).hexdigest()


def _genuine(doc: dict[str, Any], meta: dict[str, Any]) -> bool:
    digest = doc.get("digest")
    try:
        return isinstance(digest, str) and digest == _digest(doc, meta)
    except (TypeError, ValueError):  # orjson: something JSON can't hold
        return False


def check(db: Path) -> tuple[str, str] | None:
    """What ``respond doctor`` says of the cache: ``None`` when there is none or it is good,
    else ``("problem" or "note", text)``: damaged or not matching its digest (a problem:
    ``week`` rebuilds it, ``doctor --repair`` deletes it), or without one (a note: written by
    an older respond)."""
    path = cache_path(db)
    if not path.exists() and not path.is_symlink():
        return None
    from respond.core.errors import DatabaseError

    doc = _read(path)
    try:
        data = load_raw(db) or {}
        meta = meta_of(data)
    except (DatabaseError, AttributeError):
        return None  # the database's own findings say what is wrong
    if doc is None:
        return "problem", "the weekly score cache is damaged (respond week rebuilds it)"
    if "digest" not in doc:
        return "note", "the weekly score cache has no digest (respond week rebuilds it)"
    if not _genuine(doc, meta if isinstance(meta, dict) else {}):
        return "problem", (
            "the weekly score cache does not match its digest: edited or copied from another "
            "database (respond week rebuilds it)"
        )
    return None


def _known_from(doc: dict[str, Any]) -> Known:
    """The tallies a document holds; ValueError, TypeError or KeyError when it is damaged."""
    weeks = doc["weeks"]
    if not isinstance(weeks, dict):
        raise TypeError("weeks")
    tallies: dict[date, Tally] = {}
    for day, cells in weeks.items():
        tally = tuple((int(kept), int(total)) for kept, total in cells)
        if len(tally) != len(HABITS) or any(type(n) is not int for cell in cells for n in cell):
            raise ValueError("tally")
        tallies[date.fromisoformat(day)] = tally
    first = doc["first_created"]
    return Known(
        until=date.fromisoformat(doc["until"]),
        tallies=tallies,
        first_created=from_iso(first) if first is not None else None,
    )


def _changes_since(meta: dict[str, Any], counter: Any, token: Any) -> list[datetime] | None:
    """The earliest affected time of every commit after generation ``(counter, token)``, from
    the database's log; ``None`` when the log does not reach back to it."""
    log = entries(meta)
    for index in range(len(log) - 1, -1, -1):
        entry = log[index]
        if isinstance(entry, list) and entry[:2] == [counter, token]:
            later = log[index + 1 :]
            break
    else:
        return None
    moments: list[datetime] = []
    for entry in later:
        if not isinstance(entry, list) or len(entry) != 3:
            return None
        if entry[2] is not None:
            moments.append(from_iso(entry[2]))
    return moments


def _usable(
    doc: dict[str, Any],
    table: dict[str, Any],
    meta: dict[str, Any],
    identity: list[int] | None,
    now: datetime,
    calendar: Calendar,
) -> tuple[Known | None, str]:
    """What the cache still knows about the database as it is now (or ``None``, and why)."""
    known: Known | None = _known_from(doc)
    counter, token = doc["generation"]
    if [counter, token] == list(position(meta)):
        if doc["identity"] != identity:  # the same generation in another file: not a commit
            return None, "the database was replaced"
        moments: list[datetime] | None = []
    else:
        moments = _changes_since(meta, counter, token)
    if moments is None:
        return None, "older than the log"
    future = doc["future"]
    if future is not None and now >= from_iso(future[0]):
        moments.append(from_iso(future[1]))
    first = functools.cache(lambda: first_created(table, now))
    for moment in moments:
        if known is None:
            break
        known = invalidate(known, moment, first, calendar)
    return known, "" if known is not None else "a change at the edge of the calendar"


def _document(
    print_: str,
    known: Known,
    meta: dict[str, Any],
    identity: list[int] | None,
    future: tuple[datetime, datetime] | None,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "fingerprint": print_,
        "generation": list(position(meta)),
        "identity": identity,
        "first_created": (
            to_utc_iso(known.first_created) if known.first_created is not None else None
        ),
        "until": known.until.isoformat(),
        "future": [to_utc_iso(moment) for moment in future] if future is not None else None,
        "weeks": {
            day.isoformat(): [list(cell) for cell in tally]
            for day, tally in sorted(known.tallies.items())
        },
    }


def known_weeks(db: Path, now: datetime, calendar: Calendar) -> Known:
    """Every week's tallies (weeks of ``calendar``) through the current one, as of ``now``:
    finished weeks from the cache where it is good, the rest from the items that can count in
    them; the cache is brought up to date on the way (without a lock: see the module's
    docstring)."""
    global last
    last = Reading()
    # the capture log, folded in memory: a change the database's log does not record yet,
    # so the cache drops what it can affect, and is not written until a commit folds it
    data, added, read_from = captures.load_folded(db)
    if data is None:
        last.why = "no database"
        return extend(None, [], now, calendar)
    identity = _identity(read_from)
    table: dict[str, Any] = data.get(ITEMS, {})
    meta: dict[str, Any] = meta_of(data)
    fresh = set(added)
    loaded = {key: record for key, record in table.items() if key not in fresh}
    captured = earliest_affected(loaded, table, added) if added else None
    enabled = not os.environ.get(DISABLE)
    print_ = fingerprint(calendar, zone_name(calendar.tz))
    doc = _read(cache_path(db)) if enabled else None
    known: Known | None = None
    writable = enabled and not added
    why = "disabled" if not enabled else "no cache" if doc is None else "other settings"
    if doc is not None and not _genuine(doc, meta):
        doc, why = None, "does not match its digest"
    if doc is not None and doc.get("fingerprint") == print_:
        try:
            if now < from_iso(doc["computed_at"]):
                writable = False  # computed later than this reader's now: not for it
                why = "computed for a later now"
            else:
                known, why = _usable(doc, table, meta, identity, now, calendar)
                if known is not None and captured is not None:
                    first = functools.cache(lambda: first_created(table, now))
                    known = invalidate(known, captured, first, calendar)
                    why = why if known is not None else "a change at the edge of the calendar"
        except (KeyError, TypeError, ValueError, OverflowError):
            known, why = None, "damaged"
    if known is not None and known.until > calendar.this_week(now):
        known, why = None, "damaged"  # it claims to know weeks that have not ended
    since = local_midnight(known.until, calendar.tz) if known is not None else None
    table = _with_history(db, data, table, since)
    keys = needed(table, since)
    with gc_paused():
        items = [item_from_doc(db, int(key), table[key]) for key in keys]
    last = Reading(len(table), len(items), known is not None, why=why)
    result = extend(known, items, now, calendar)
    if writable:
        keep = finished(result, now, calendar)
        new = _document(print_, keep, meta, identity, futures(table, keys, now))
        old = dict(doc or {})
        computed_at = old.pop("computed_at", None)
        old.pop("digest", None)
        if new != old or computed_at is None:
            new["computed_at"] = to_utc_iso(now)
            new["digest"] = _digest(new, meta)
            _write(cache_path(db), new)
    return result


def _with_history(
    db: Path, data: dict[str, Any], table: dict[str, Any], since: datetime | None
) -> dict[str, Any]:
    """The active file's records, and the archive's too when one of its files may hold an item
    that counts from ``since`` on (every file when nothing is cached): the active file's meta
    keeps the latest time each archive file holds, so a warm cache opens none of them."""
    from respond.storage.archive import Archive, _with_archive, archive_state

    state = archive_state(data)
    files = state.get("files", {}) if isinstance(state, dict) else {}
    if not files:
        return table
    cutoff = to_utc_iso(since) if since is not None else None
    if cutoff is not None and all(
        isinstance(entry, dict)
        and isinstance(entry.get("latest"), str)
        and from_iso(entry["latest"]) < from_iso(cutoff) - GRACE - timedelta(days=2)
        for entry in files.values()
    ):
        return table
    return _with_archive(table, Archive(db, state))


def _write(path: Path, doc: dict[str, Any]) -> None:
    import orjson

    try:
        atomic_write(path, orjson.dumps(doc))
    except OSError:
        return  # best effort: the next reader computes it again
    last.wrote_cache = True

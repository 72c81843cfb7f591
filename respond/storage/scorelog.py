"""The score cache's change log, kept in the database's meta and written at every commit.

Readers of the weekly score cache (:mod:`respond.storage.scorecache`) take no lock, so they
learn what changed since the cache was computed from the database itself: every commit
(:meth:`respond.storage.database.Store.transaction`) gives the database a new *generation*
(a counter and a random token, so that two copies of one database changed apart never look
alike) and appends ``[generation, token, earliest]`` to a short log, where ``earliest`` is the
earliest time from which the change can alter a weekly score
(:func:`respond.core.scorecache.earliest_affected`; ``null`` when it can alter none). A cache
computed at a generation still in the log is brought up to date by dropping the weeks from
the earliest of the later entries; one older than the log is rebuilt. The meta also keeps a
random key (``score_key``, made by the first commit that needs it): the cache carries a
digest of its content and of the inputs it summarises made with that key, so that a cache
edited by hand, or copied from another database, is rebuilt.

The diff is by identity: a transaction replaces an item's record (``Transaction.put`` removes
and inserts) and never edits one in place, so the records that are not the very objects loaded
are the changed ones.
"""

from __future__ import annotations

import os
from typing import Any

from respond.core.value import Value

GENERATION = "score_generation"
TOKEN = "score_token"
LOG = "score_log"
LOG_KEEP = 500  # commits; a cache older than that is rebuilt
KEY = "score_key"  # the database's own key of the cache's digest (storage.scorecache)


class Before(Value):
    """What a commit is compared with: the records as loaded, by key, and the next ID."""

    __slots__ = ("items", "next_id")
    items: dict[str, Any]
    next_id: int

    def __init__(self, items: dict[str, Any], next_id: int) -> None:
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "next_id", next_id)


def position(meta: dict[str, Any]) -> tuple[int, str]:
    """The database's generation, as ``(counter, token)``: ``(0, "")`` before the first commit
    that kept a log."""
    counter, token = meta.get(GENERATION, 0), meta.get(TOKEN, "")
    if not isinstance(counter, int) or isinstance(counter, bool) or not isinstance(token, str):
        return 0, ""
    return counter, token


def entries(meta: dict[str, Any]) -> list[Any]:
    log = meta.get(LOG)
    return log if isinstance(log, list) else []


def before(data: dict[str, Any]) -> Before:
    """Remember the loaded records, to compare at commit (a shallow copy: cheap)."""
    meta = data.get("meta", {}).get("1", {})
    next_id = meta.get("next_id", 1)
    return Before(dict(data.get("items", {})), next_id if isinstance(next_id, int) else 0)


def note_commit(
    loaded: Before, data: dict[str, Any], released: dict[str, Any] | None = None
) -> None:
    """Give ``data`` (about to be written) its next generation and log what changed.
    ``released`` are the records the commit took out of the archive (their before-images:
    an archived item brought back, or deleted)."""
    from respond.core.clock import to_utc_iso
    from respond.core.scorecache import earliest_affected

    items: dict[str, Any] = data.get("items", {})
    old = {**released, **loaded.items} if released else loaded.items
    touched = [key for key, record in items.items() if old.get(key) is not record]
    added = sum(1 for key in touched if key not in old)
    if len(items) - added != len(old):  # some were removed
        touched.extend(key for key in old if key not in items)
    earliest = earliest_affected(old, items, touched, loaded.next_id) if touched else None
    meta = data.setdefault("meta", {}).setdefault("1", {})
    counter = position(meta)[0] + 1
    token = os.urandom(6).hex()
    log = entries(meta)[-(LOG_KEEP - 1) :]
    log.append([counter, token, to_utc_iso(earliest) if earliest is not None else None])
    meta[GENERATION], meta[TOKEN], meta[LOG] = counter, token, log
    if not isinstance(meta.get(KEY), str) or not meta[KEY]:
        meta[KEY] = os.urandom(16).hex()

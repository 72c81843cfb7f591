"""Selecting and ordering items for listings. Pure core."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from respond.due import is_overdue
from respond.model import Item


def sort_key(item: Item) -> tuple[Any, ...]:
    """Open items by due time (no due time last), then by ID."""
    due = item.due.timestamp() if item.due is not None else float("inf")
    return (due, item.id)


def select(
    items: Iterable[Item],
    *,
    now: datetime,
    who: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    include_closed: bool = False,
) -> list[Item]:
    wanted = who.casefold().strip() if who is not None else None
    chosen = [
        item
        for item in items
        if (include_closed or item.is_open)
        and (wanted is None or item.person.casefold().strip() == wanted)
        and (kind is None or item.kind == kind)
        and (not overdue or (item.is_open and item.due is not None and is_overdue(item.due, now)))
    ]
    return sorted(chosen, key=sort_key)

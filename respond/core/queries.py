"""Selecting items for listings, in the order of :func:`respond.core.model.due_order`. Pure core."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from respond.core.due import is_overdue
from respond.core.model import Item, due_order
from respond.core.people import person_key


def select(
    items: Iterable[Item],
    *,
    now: datetime,
    who: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    include_closed: bool = False,
) -> list[Item]:
    """The items that pass every filter given, by due time. ``who`` is a person's key
    (:func:`respond.core.people.person_key`, after :func:`respond.core.people.resolve` found
    them)."""
    if who is not None:
        items = [item for item in items if person_key(item.person) == who]
    chosen = [
        item
        for item in items
        if (include_closed or item.is_open)
        and (kind is None or item.kind == kind)
        and (not overdue or (item.is_open and item.due is not None and is_overdue(item.due, now)))
    ]
    return sorted(chosen, key=due_order)

"""When something is overdue: the one rule, for every command. Pure core.

An item due at 14:00 is *due now* at 14:00:00 and overdue from the first instant after it
(14:00:01 at the whole seconds ``--now`` and the prompt work in). ``today``, ``list --overdue``,
``prompt``, "chase them" and ``week`` (a check is missed once its deadline is overdue) all ask
:func:`is_overdue`.

This module imports nothing: the prompt's fast path uses it too (see :mod:`respond.cli.prompt`).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # (without importing typing at run time)
    from datetime import datetime
    from typing import TypeVar

    Moment = TypeVar("Moment", datetime, float)


def is_overdue(due: Moment, now: Moment) -> bool:
    """Whether something due at ``due`` is overdue at ``now``: its time has passed, strictly.
    Both are aware datetimes, or both Unix times (the prompt's state file)."""
    return due < now

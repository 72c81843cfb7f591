"""The ``--json`` output of every command: each view's shape for scripts, beside ``render``
(which draws the same views for people). No Rich here, and each imports only what it needs:
``list --json`` imports neither Rich nor the scoring.

Each function is named after the view it shapes, as its drawing in ``render`` is (the one
presentation path, ``cli.appstate.App.emit``). The shapes are a contract
(tests/cli/test_json_schema.py): they change only on purpose, and then in the changelog. Times
are UTC ISO strings, lengths of time whole seconds, user text exactly as stored.

An item is the same object everywhere: its storage record (:meth:`Item.to_record`), which is
also what ``respond export`` writes and ``respond import`` reads back. Built in one place, the
model, so that the output cannot drift from the export.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from respond.core.clock import to_utc_iso
from respond.core.model import Item

if TYPE_CHECKING:
    from respond.cli.output import ConfigView
    from respond.core.calendar import Calendar
    from respond.core.people import PersonRow, PersonView
    from respond.core.review import Review
    from respond.core.scoring import Scorecard, WeekScore


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def item(one: Item) -> dict[str, Any]:
    """``respond show --json``, and every item inside another view."""
    return one.to_record()


def items(listed: Sequence[Item]) -> list[dict[str, Any]]:
    """``respond list --json``."""
    return [item(one) for one in listed]


def review(view: Review) -> dict[str, Any]:
    """``respond today --json``: the same sections as data, with the contract's item objects."""
    from respond.core.review import your_promise
    from respond.core.scoring import HABITS

    now = view.now
    week: dict[str, Any] | None = None
    if view.week is not None:
        card = view.week
        week = {
            "start": card.current.start.isoformat(),
            "overall": card.overall,
            "change": card.change,
            "habits": {
                habit: {
                    "score": card.current.habits[habit].score,
                    "kept": card.current.habits[habit].kept,
                    "total": card.current.habits[habit].total,
                }
                for habit in HABITS
            },
        }
    return {
        "now": to_utc_iso(now),
        "overdue": [
            {
                "item": item(one),
                "overdue_seconds": _seconds(now - one.due),
                "your_promise": your_promise(one),
            }
            for one in view.overdue
            if one.due is not None
        ],
        "due_today": [
            {"item": item(one), "your_promise": your_promise(one)} for one in view.due_today
        ],
        "followups": [
            {
                "item": item(one),
                "late_seconds": max(0, _seconds(now - one.due)) if one.due else 0,
            }
            for one in view.followups
        ],
        "waiting": [
            {
                "item": item(w.item),
                "waited_seconds": _seconds(w.waited),
                "chase": w.chase,
                "for": item(w.served) if w.served is not None else None,
            }
            for w in view.waiting
        ],
        "relay": [
            {
                "answer": item(r.answer),
                "ask": item(r.ask),
                "answered_at": to_utc_iso(r.answered_at) if r.answered_at else None,
            }
            for r in view.relay
        ],
        "week": week,
    }


def week(one: WeekScore, calendar: Calendar) -> dict[str, Any]:
    """One week as data. For gratitude, ``kept`` is the thanks logged, ``total`` the goal."""
    from respond.core.scoring import iso_week

    return {
        "start": one.start.isoformat(),
        "end": one.last_day.isoformat(),
        "iso_week": iso_week(one.start) if calendar.iso_weeks else None,
        "overall": one.overall,
        "habits": {
            habit: {"score": cell.score, "kept": cell.kept, "total": cell.total}
            for habit, cell in one.habits.items()
        },
    }


def scorecard(card: Scorecard) -> dict[str, Any]:
    """``respond week --json``."""
    from respond.core.worktime import FULL_DAY_NAMES

    return {
        "now": to_utc_iso(card.now),
        "week_start": FULL_DAY_NAMES[card.calendar.first_weekday],
        "week": week(card.current, card.calendar),
        "overall": {
            "score": card.overall,
            "last_week": card.last_overall,
            "change": card.change,
            "streak": card.overall_streak,
            "strength": card.overall_strength,
            "sparkline": card.spark,
        },
        "habits": {
            summary.habit: {
                "label": summary.label,
                "score": summary.week.score,
                "kept": summary.week.kept,
                "total": summary.week.total,
                "last_week": summary.last_week.score,
                "streak": summary.streak,
                "strength": summary.strength,
                "sparkline": summary.spark,
            }
            for summary in card.habits
        },
        "weeks": [week(one, card.calendar) for one in card.weeks],
    }


def person(view: PersonView) -> dict[str, Any]:
    """``respond who --json``."""
    return {
        "person": view.name,
        "addresses": list(view.addresses),
        "stats": {
            "items": len(view.open) + view.closed,
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
        "open": [item(one) for one in view.open],
        "history": [item(one) for one, _ in view.history],
    }


def people(rows: Sequence[PersonRow]) -> list[dict[str, Any]]:
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


def config(view: ConfigView) -> dict[str, Any]:
    """``respond config --json``: each setting with its value and where it came from."""
    from respond.storage import config as settings_file

    values = settings_file.describe(view.settings)
    return {
        "config_path": str(view.path),
        "config_exists": view.path.is_file(),
        "db_path": str(view.db_path),
        "settings": {
            key: {"value": values[key], "source": view.sources[key]}
            for key in settings_file.keys_of(view.settings)
        },
    }

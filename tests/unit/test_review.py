"""The morning review's core: which item lands in which section (pure, no CLI)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from respond.core.calendar import Calendar
from respond.core.review import end_of_today, review
from respond.core.settings import Settings
from tests.support.factory import generate

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("now", "midnight"),
    [
        (datetime(2026, 11, 25, 10, tzinfo=BERLIN), datetime(2026, 11, 26, tzinfo=BERLIN)),
        # DST ends on 25 Oct: that day has 25 hours, midnight is still local midnight
        (datetime(2026, 10, 25, 1, tzinfo=BERLIN), datetime(2026, 10, 26, tzinfo=BERLIN)),
        (datetime(2026, 3, 29, 1, tzinfo=BERLIN), datetime(2026, 3, 30, tzinfo=BERLIN)),
    ],
)
def test_end_of_today_is_local_midnight(now: datetime, midnight: datetime) -> None:
    assert end_of_today(now, BERLIN) == midnight
    assert end_of_today(now, None) == midnight  # the system zone (TZ=Europe/Berlin in tests)


@pytest.mark.parametrize("hours", [0, 9, 13, 17.5, 23.9, 40, 120])
def test_every_open_item_lands_in_exactly_the_right_section(hours: float) -> None:
    items = generate(500, seed=5, end=datetime(2026, 11, 20, 12, tzinfo=BERLIN), tz=BERLIN)
    now = datetime(2026, 11, 20, tzinfo=BERLIN) + timedelta(hours=hours)
    view = review(items, now, Settings(), Calendar.of(Settings(), BERLIN))
    midnight = end_of_today(now, BERLIN)
    sections = {
        "overdue": [i.id for i in view.overdue],
        "due_today": [i.id for i in view.due_today],
        "followups": [i.id for i in view.followups],
        "waiting": [w.item.id for w in view.waiting],
    }
    placed = [item_id for ids in sections.values() for item_id in ids]
    assert len(placed) == len(set(placed))  # no item twice
    for item in items:
        expected = None
        if item.is_open and item.kind == "waiting":
            expected = "waiting"
        elif item.is_open and item.due is not None and item.due < midnight:
            if item.kind == "followup":
                expected = "followups"
            elif item.kind in ("ask", "promise"):
                expected = "overdue" if item.due < now else "due_today"
        found = [name for name, ids in sections.items() if item.id in ids]
        assert found == ([expected] if expected else []), (item.id, item.kind, item.due)
    dues = [i.due for i in view.overdue if i.due is not None]
    assert len(dues) == len(view.overdue) and dues == sorted(dues)
    by_id = {item.id: item for item in items}
    for relay in view.relay:
        assert relay.answer.status == "done" and relay.ask.is_open
        assert relay.answer.for_id is not None and by_id[relay.answer.for_id] is relay.ask

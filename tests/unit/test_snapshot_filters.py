"""Reads that skip old closed items must show exactly what a full read shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from respond.cli import shapes
from respond.core.calendar import Calendar
from respond.core.review import REVIEW_WINDOW, review
from respond.core.settings import Settings
from respond.storage.database import Store
from tests.support.factory import generate, write

END = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = Path(tmp_path_factory.mktemp("filters")) / "db.json"
    write(path, generate(3000, seed=11, end=END))
    return Store(path, explicit=True)


@pytest.mark.parametrize(
    "now",
    [END + timedelta(hours=h) for h in (-24 * 9, -24 * 2 - 3, -1, 0, 7, 24 * 3, 24 * 12, 24 * 40)],
)
def test_review_of_active_items_equals_review_of_all(store: Store, now: datetime) -> None:
    everything = store.snapshot().items
    active = store.snapshot(active_since=now - REVIEW_WINDOW).items
    assert len(active) < len(everything) / 3  # the point: most items are never built
    calendar = Calendar.of(Settings(), None)
    full = shapes.review(review(everything.values(), now, Settings(), calendar))
    fast = shapes.review(review(active.values(), now, Settings(), calendar))
    assert fast == full


def test_open_only_and_only(store: Store) -> None:
    everything = store.snapshot().items
    opened = store.snapshot(open_only=True).items
    assert opened == {k: v for k, v in everything.items() if v.is_open}
    assert store.snapshot(only=[3, 99999, 7]).items == {3: everything[3], 7: everything[7]}

"""core/value.py: plain classes that behave as the dataclasses they replace."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from respond.core.clock import FixedClock
from respond.core.history import Timeline
from respond.core.model import Item
from respond.core.scoring import HabitWeek
from respond.core.settings import Settings
from respond.core.value import Record, Value
from respond.core.worktime import WorkWeek


@dataclasses.dataclass(frozen=True)
class FrozenTwin:
    kept: int
    total: int
    score: int | None


@dataclasses.dataclass
class MutableTwin:
    kept: int
    total: int
    score: int | None


class Mutable(Record):
    __slots__ = ("kept", "total", "score")  # noqa: RUF023 (field order)

    def __init__(self, kept: int, total: int, score: int | None) -> None:
        self.kept, self.total, self.score = kept, total, score


fields = st.tuples(st.integers(), st.integers(), st.none() | st.integers())


@given(a=fields, b=fields)
def test_a_value_compares_hashes_and_shows_as_a_frozen_dataclass(a: tuple, b: tuple) -> None:
    mine, theirs = (HabitWeek(*a), HabitWeek(*b)), (FrozenTwin(*a), FrozenTwin(*b))
    assert (mine[0] == mine[1]) == (theirs[0] == theirs[1])
    assert (hash(mine[0]) == hash(HabitWeek(*a))) and hash(mine[0]) == hash(theirs[0])
    assert repr(mine[0]) == repr(theirs[0]).replace("FrozenTwin", "HabitWeek")
    assert mine[0] != theirs[0]  # another class: never equal, as dataclasses


@given(a=fields, b=fields)
def test_a_record_compares_and_shows_as_a_dataclass(a: tuple, b: tuple) -> None:
    assert (Mutable(*a) == Mutable(*b)) == (MutableTwin(*a) == MutableTwin(*b))
    assert repr(Mutable(*a)) == repr(MutableTwin(*a)).replace("MutableTwin", "Mutable")
    with pytest.raises(TypeError):
        hash(Mutable(*a))  # mutable: unhashable, as a dataclass


def test_a_value_cannot_change_and_a_record_can() -> None:
    clock = FixedClock(datetime(2026, 11, 25, 10, tzinfo=UTC))
    with pytest.raises(AttributeError):
        clock.tz = UTC  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del clock.at
    with pytest.raises(AttributeError):
        clock.other = 1  # type: ignore[attr-defined]  # slots: no new attributes
    line = Timeline()
    line.status = "done"
    assert line == Timeline(status="done") and line != Timeline()
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 11, 25, 10))  # (naive, as before)


def test_no_class_there_is_a_dataclass() -> None:
    """Nothing compiled at import: the point of the module."""
    for cls in (Value, Record, HabitWeek, Timeline, FixedClock, Item, Settings, WorkWeek):
        assert not dataclasses.is_dataclass(cls)


def test_values_and_records_copy_and_pickle() -> None:
    clock = FixedClock(datetime(2026, 11, 25, 10, tzinfo=UTC))
    week = HabitWeek(1, 2, None)
    line = Timeline(status="done")
    for thing in (clock, week, line):
        assert copy.copy(thing) == thing
        assert copy.deepcopy(thing) == thing
        assert pickle.loads(pickle.dumps(thing)) == thing


def test_replace_copies_with_changes_as_dataclasses_replace() -> None:
    week = WorkWeek(days={0, 1}, end=time(18, 0))
    later = week.replace(start=time(8, 0))
    assert later == WorkWeek(days={0, 1}, start=time(8, 0), end=time(18, 0))
    assert week.start == time(9, 0)  # the original is unchanged
    with pytest.raises(ValueError):
        week.replace(start=time(19, 0))  # through __init__: its checks run
    assert Settings().replace(gratitude_goal=5).gratitude_goal == 5

"""The reusable generator of realistic databases (fixtures and benchmarks)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from respond.storage.database import Store
from tests.support.factory import generate, write


def test_same_seed_same_items_and_a_realistic_mix(tmp_path: Path) -> None:
    first = [item.to_record() for item in generate(400, seed=3)]
    second = [item.to_record() for item in generate(400, seed=3)]
    assert first == second
    assert len(first) == 400
    assert [r["id"] for r in first] == list(range(1, 401))
    kinds = Counter(r["kind"] for r in first)
    assert set(kinds) == {"ask", "promise", "waiting", "followup", "thanks"}
    statuses = Counter(r["status"] for r in first)
    assert statuses["done"] > statuses["open"] > 0 and statuses["dropped"] > 0
    ids = {r["id"] for r in first}
    assert all(r["for_id"] in ids for r in first if r["for_id"] is not None)
    assert all(r["history"][0]["event"] == "created" for r in first)


def test_written_database_loads(tmp_path: Path) -> None:
    path = tmp_path / "gen.json"
    write(path, generate(200, seed=1))
    assert len(Store(path).snapshot().items) == 200
    assert json.loads(path.read_text())["meta"]["1"]["next_id"] == 201


def test_people_spread_with_a_long_tail() -> None:
    """With ``n_people`` every person appears, a few with many items and most with a few
    (Zipf-like), and the same seed gives the same people."""
    from tests.support.factory import people

    items = generate(1500, seed=5, n_people=60)
    counts = sorted(Counter(item.person for item in items).values(), reverse=True)
    assert len(counts) >= 57  # (all but a few met before the oldest items, trimmed)
    assert set(Counter(item.person for item in items)) <= set(people(60))
    assert counts[0] >= 10 * counts[len(counts) // 2]  # the head: many times the median
    assert sum(counts[:3]) >= sum(counts[30:])  # three people hold as much as the last half
    assert [i.person for i in generate(1500, seed=5, n_people=60)] == [i.person for i in items]


def test_many_distinct_names() -> None:
    from tests.support.factory import people

    names = people(2000)
    assert len(set(names)) == 2000 and names[0] == "Dana Whitfield"

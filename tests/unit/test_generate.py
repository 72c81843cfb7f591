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

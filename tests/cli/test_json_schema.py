"""The shape of every ``--json`` output is a contract for scripts: these key sets change only
on purpose (and then in the changelog). Item objects are the same everywhere."""

from __future__ import annotations

import json
from typing import Any

from tests.support.cli import Run, day

ITEM = {
    "id", "uuid", "kind", "person", "title", "channel", "created", "due", "status", "for_id",
    "tags", "note", "history", "updated",
}  # fmt: skip
HABITS = {"reply", "word", "followup", "loop", "gratitude"}
CELL = {"score", "kept", "total"}
WEEK = {"start", "end", "iso_week", "overall", "habits"}


def data(run: Run, *args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def items_by_id(run: Run) -> dict[int, dict[str, Any]]:
    return {item["id"]: item for item in data(run, "list", "--all")}


def check_item(item: dict[str, Any], known: dict[int, dict[str, Any]]) -> None:
    assert set(item) == ITEM
    assert item == known[item["id"]]  # the very object `list --json` prints


def test_today_json_schema(run: Run) -> None:
    day(run)
    known = items_by_id(run)
    out = data(run, "today")
    assert set(out) == {"now", "overdue", "due_today", "followups", "waiting", "relay", "week"}
    shapes = {
        "overdue": {"item", "overdue_seconds", "your_promise"},
        "due_today": {"item", "your_promise"},
        "followups": {"item", "late_seconds"},
        "waiting": {"item", "waited_seconds", "chase", "for"},
        "relay": {"answer", "ask", "answered_at"},
    }
    for section, keys in shapes.items():
        assert out[section], section  # the fixture fills every section
        for entry in out[section]:
            assert set(entry) == keys, section
            for key in ("item", "answer", "ask", "for"):
                if entry.get(key) is not None:
                    check_item(entry[key], known)
    assert all(isinstance(e["overdue_seconds"], int) for e in out["overdue"])
    assert set(out["week"]) == {"start", "overall", "change", "habits"}
    assert set(out["week"]["habits"]) == HABITS
    assert all(set(cell) == CELL for cell in out["week"]["habits"].values())


def test_week_json_schema(run: Run) -> None:
    day(run)
    out = data(run, "week")
    assert set(out) == {"now", "week_start", "week", "overall", "habits", "weeks"}
    assert out["week_start"] == "monday"
    assert set(out["week"]) == WEEK and set(out["week"]["habits"]) == HABITS
    assert set(out["overall"]) == {
        "score", "last_week", "change", "streak", "strength", "sparkline"
    }  # fmt: skip
    assert set(out["habits"]) == HABITS
    for habit in out["habits"].values():
        assert set(habit) == {
            "label", "score", "kept", "total", "last_week", "streak", "strength", "sparkline"
        }  # fmt: skip
        assert len(habit["sparkline"]) == 8
        assert all(v is None or isinstance(v, int) for v in habit["sparkline"])
    assert len(out["weeks"]) == 8
    for week in out["weeks"]:
        assert set(week) == WEEK
        assert all(set(cell) == CELL for cell in week["habits"].values())


def test_who_json_schema(run: Run) -> None:
    day(run)
    known = items_by_id(run)
    out = data(run, "who", "sam")
    assert set(out) == {"person", "addresses", "stats", "open", "history"}
    assert out["addresses"] == []  # (issue 24: the addresses mail gave, or people email)
    assert set(out["stats"]) == {
        "items", "open", "asks", "acknowledged", "median_ack_seconds", "replies_in_time",
        "replies_scored", "promises_kept", "promises_broken", "last_thanked",
    }  # fmt: skip
    assert out["open"] and out["history"]
    for item in out["open"] + out["history"]:
        check_item(item, known)


def test_people_json_schema(run: Run) -> None:
    day(run)
    out = data(run, "people")
    assert out
    for row in out:
        assert set(row) == {
            "person", "open", "overdue", "waiting", "recent", "last_activity", "last_thanked"
        }  # fmt: skip


def test_every_view_has_a_shape_and_a_drawing() -> None:
    """``App.emit`` finds a view's JSON shape and its drawing by the view's name (the names in
    ``appstate.View``, a ``Literal`` that only mypy sees: read from the module's source)."""
    import ast
    import inspect

    from respond.cli import appstate, output, render, shapes

    alias = next(
        node.value
        for node in ast.walk(ast.parse(inspect.getsource(appstate)))
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "View"
    )
    assert isinstance(alias, ast.Subscript) and ast.unparse(alias.value) == "Literal"
    views = ast.literal_eval(alias.slice)
    assert {"item", "items", "config"} <= set(views)
    for view in views:
        assert callable(getattr(shapes, view))
        assert callable(getattr(output if view in appstate.PLAIN_VIEWS else render, view))

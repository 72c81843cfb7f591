"""Hostile database files: whatever the file holds, no command shows a traceback, a refusal
is one line with exit 2, and a refused command leaves the file as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support import fuzz
from tests.support.cli import clean_answer, invoke
from tests.support.paths import FIXTURES

FIXTURE = (FIXTURES / "schema1.json").read_bytes()
COMMANDS = [
    ("list", "--all", "--json"), ("today",), ("list",), ("show", "5"), ("show", "2", "--json"),
    ("add", "x", "--from", "Kim"), ("done", "4"), ("ack", "5", "--by", "fri"), ("undo",),
    ("edit", "6", "--tag", "t"), ("wait", "y", "--on", "Jo", "--for", "2"), ("doctor",),
]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["value", "value", "value", "drop", "truncate", "byte"]))
    if how == "truncate":
        return FIXTURE[: draw(st.integers(0, len(FIXTURE) - 1))]
    if how == "byte":
        at = draw(st.integers(0, len(FIXTURE) - 1))
        return FIXTURE[:at] + bytes([draw(st.integers(0, 255))]) + FIXTURE[at + 1 :]
    data = json.loads(FIXTURE)
    path = draw(st.sampled_from(list(paths(data))[1:]))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if how == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return json.dumps(data).encode()


@pytest.mark.slow
@settings(
    max_examples=fuzz.examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(content=damaged(), command=st.sampled_from(COMMANDS))
def test_any_damage_gives_a_clean_answer_and_refusals_change_nothing(
    db_path: Path, content: bytes, command: tuple[str, ...]
) -> None:
    result = clean_answer(db_path, content, "2026-11-25T10:00", *command)
    event(f"{command[0]} exit {result.exit_code}")
    invoke("doctor", "--repair")


@pytest.mark.parametrize("name", [["done"], {"x": 1}, 7, None, True])
@pytest.mark.parametrize(
    "command", [("today",), ("week",), ("who", "Kim"), ("show", "2"), ("list", "--all"), ("undo",)]
)
def test_an_event_whose_name_is_not_text_is_read_as_unknown(
    db_path: Path, name: Any, command: tuple[str, ...]
) -> None:
    """Found by CI's fuzzing: an event named by a list made ``today`` raise TypeError."""
    data = json.loads(FIXTURE)
    for item in data["items"].values():
        item["history"].insert(1, {"event": name, "at": item["created"]})
        item["history"].append({"event": "undone", "at": item["created"], "command": name})
    db_path.write_bytes(json.dumps(data).encode())
    result = invoke("--now", "2026-11-25T10:00", *command)
    assert result.exit_code in (0, 1), result.output

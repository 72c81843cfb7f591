"""Convergence, proved by hypothesis: three machines and one bare remote (real git, local
folders only); random operations on random machines (add, ack, promise, done, drop, edit,
snooze, delete, undo, thanks, import) with syncs in a random order; then every machine syncs
twice. Then all machines hold the same items (``list --all --json``), no item that was created
and never deleted (or undone) anywhere is missing, IDs are unique, and each machine's prompt
counts its open items."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from respond.core.history import effective
from tests.support.cli import Result, Run

pytestmark = [
    pytest.mark.slow,  # real git: dozens of syncs an example
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

MACHINES = ("laptop", "desktop", "server")
OPERATIONS = (
    "add", "ack", "promise", "done", "drop", "edit", "snooze", "delete", "undo", "thanks",
    "import", "sync", "sync",
)  # fmt: skip
START = datetime(2026, 11, 23, 9, 0)

step = st.tuples(
    st.integers(0, len(MACHINES) - 1), st.sampled_from(OPERATIONS), st.integers(0, 1000)
)


class World:
    def __init__(
        self, run: Run, mp: pytest.MonkeyPatch, root: Path, skew: tuple[timedelta, ...] = ()
    ) -> None:
        self.run, self.mp, self.root = run, mp, root
        self.skew = skew or (timedelta(0),) * len(MACHINES)  # how far off each one's clock is
        self.minute = 0
        self.titles = 0
        self.remote = root / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", str(self.remote)], check=True)
        for name in MACHINES:
            (root / name).mkdir()
            (root / name / "config.toml").write_text(f'[sync]\nname = "{name}"\n')

    def __call__(self, m: int, *args: str) -> Result:
        self.minute += 1
        now = (START + timedelta(minutes=self.minute) + self.skew[m]).isoformat(timespec="minutes")
        name = MACHINES[m]
        self.mp.setenv("RESPOND_CONFIG", str(self.root / name / "config.toml"))
        result = self.run("--db", str(self.db(m)), *args, now=now)
        assert result.exit_code in (0, 1, 2) and "Traceback" not in result.stderr, result
        return result

    def db(self, m: int) -> Path:
        return self.root / MACHINES[m] / "respond.json"

    def items(self, m: int) -> list[dict]:
        return json.loads(self(m, "list", "--all", "--json").stdout)

    def title(self) -> str:
        self.titles += 1
        return f"t{self.titles}"

    def sync(self, m: int) -> None:
        result = self(m, "sync")
        assert result.exit_code == 0, result


def _apply(world: World, m: int, op: str, k: int) -> None:
    ids = sorted(item["id"] for item in world.items(m))
    pick = str(ids[k % len(ids)]) if ids else "1"
    if op == "add":
        world(m, "add", world.title(), "--from", ["Dana", "Bob", "Sam"][k % 3])
    elif op == "promise":
        world(m, "promise", world.title(), "--to", "Ann", "--by", "fri")
    elif op == "thanks":
        world(m, "thanks", "Jane", world.title())
    elif op == "ack":
        world(m, "ack", pick, "--by", "thu")
    elif op == "done":
        world(m, "done", pick, *(["--no-follow-up"] if k % 2 else []))
    elif op == "drop":
        world(m, "drop", pick)
    elif op == "edit":
        world(m, "edit", pick, "--note", f"note {k}")
    elif op == "snooze":
        world(m, "snooze", pick, "mon")
    elif op in ("delete", "undo"):
        world(m, *(["delete", pick] if op == "delete" else ["undo"]))
    elif op == "import":  # another machine's export: what is already here is skipped
        other = (m + 1 + k % 2) % len(MACHINES)
        if world.db(other).exists():
            export = world.root / "export.json"
            world(other, "export", "--output", str(export))
            world(m, "import", str(export))
    else:
        world.sync(m)


@settings(
    max_examples=int(os.environ.get("RESPOND_SYNC_EXAMPLES", "12")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=18))
def test_three_machines_converge_whatever_they_did_and_in_whatever_order_they_synced(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[int, str, int]],
) -> None:
    converge(World(run, monkeypatch, tmp_path_factory.mktemp("sync")), steps)


#: Clocks: right, 3 hours behind, 2 days ahead, and hostile (170 years ahead: the date
#: grammar reads years up to 2199).
SKEWS = [timedelta(0), timedelta(hours=-3), timedelta(days=2), timedelta(days=365 * 170)]


@settings(
    max_examples=int(os.environ.get("RESPOND_SYNC_EXAMPLES", "12")) // 2 or 1,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(step, min_size=1, max_size=14),
    skew=st.tuples(*[st.sampled_from(SKEWS)] * len(MACHINES)),
)
def test_machines_with_skewed_and_hostile_clocks_converge_too(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[int, str, int]],
    skew: tuple[timedelta, ...],
) -> None:
    converge(World(run, monkeypatch, tmp_path_factory.mktemp("sync"), skew), steps)


def converge(world: World, steps: list[tuple[int, str, int]]) -> None:
    """Run ``steps``, then sync every machine twice: all agree, nothing is lost, IDs unique."""
    for m in range(len(MACHINES)):
        world(m, "add", world.title(), "--from", "Dana")
        assert world(m, "sync", "init", str(world.remote)).exit_code == 0
    seen: set[str] = set()
    removed: set[str] = set()
    for m, op, k in steps:
        before = {item["title"] for item in world.items(m)}
        _apply(world, m, op, k)
        after = {item["title"] for item in world.items(m)}
        seen |= after
        if op in ("delete", "undo"):
            removed |= before - after
    for _ in range(2):
        for m in range(len(MACHINES)):
            world.sync(m)
    final = [world.items(m) for m in range(len(MACHINES))]
    assert final[1] == final[0] and final[2] == final[0]
    titles = {item["title"] for item in final[0]}
    assert seen - removed <= titles, f"lost: {sorted(seen - removed - titles)}"
    ids = [item["id"] for item in final[0]]
    assert len(ids) == len(set(ids))
    for m in range(len(MACHINES)):
        open_items = len(json.loads(world(m, "list", "--json").stdout))
        shown = world(m, "prompt", "--format", "{open}").stdout.strip()
        assert int(shown or 0) == open_items


# The same ask done on several machines (issue 21): a follow-up's uuid is derived from the ask
# and its completion, so however the machines did and synced it, it is one follow-up.
done_step = st.tuples(
    st.integers(0, len(MACHINES) - 1), st.sampled_from(("done", "done", "snooze", "undo", "sync"))
)


@settings(
    max_examples=int(os.environ.get("RESPOND_SYNC_EXAMPLES", "12")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(done_step, min_size=2, max_size=12))
def test_one_ask_done_on_several_machines_has_one_follow_up_everywhere(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[int, str]],
) -> None:
    world = World(run, monkeypatch, tmp_path_factory.mktemp("done"))
    world(0, "add", "the numbers", "--from", "Seán")
    for m in range(len(MACHINES)):
        assert world(m, "sync", "init", str(world.remote)).exit_code == 0
    done_here = [0] * len(MACHINES)  # undo takes back a done, never the add of the ask
    for m, op in steps:
        if op == "done":
            done_here[m] += world(m, "done", "1").exit_code == 0
        elif op == "snooze":  # change a follow-up that is there
            follow_ups = [i["id"] for i in world.items(m) if i["kind"] == "followup"]
            if follow_ups:
                world(m, "snooze", str(follow_ups[0]), "mon")
        elif op == "undo" and done_here[m]:
            done_here[m] -= world(m, "undo").exit_code == 0
        else:
            world.sync(m)
    for _ in range(2):
        for m in range(len(MACHINES)):
            world.sync(m)
    final = [world.items(m) for m in range(len(MACHINES))]
    assert final[1] == final[0] and final[2] == final[0]
    (ask,) = [item for item in final[0] if item["kind"] == "ask"]
    follow_ups = [i for i in final[0] if i["kind"] == "followup" and i["for_id"] == ask["id"]]
    assert len(follow_ups) <= 1, follow_ups
    events = [e for e in effective(ask["history"]) if e["event"] == "follow-up scheduled"]
    assert len(events) == len({e["followup_uuid"] for e in events})  # each listed once
    ids = [item["id"] for item in final[0]]
    assert len(ids) == len(set(ids))

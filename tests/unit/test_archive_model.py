"""The archive is invisible: random histories, archiving passes on random days (the clock
sometimes set back) and simulated crashes at random points of a commit, and every read equals
what a single-file database shows after the same commands.

The model is the storage itself without archiving (transactions given no ``now`` never move
anything), driven in lockstep with the same core actions and the same UUIDs. A crash before
the active file is written loses the change (it was never confirmed); one after it keeps it.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from respond.cli import shapes
from respond.core import actions
from respond.core.actions import Env
from respond.core.calendar import Calendar
from respond.core.clock import FixedClock
from respond.core.errors import RespondError
from respond.core.review import REVIEW_WINDOW, review
from respond.core.settings import Settings
from respond.storage import archive, database, dbfile
from respond.storage.archive import archive_state, archived_copies
from respond.storage.database import Store
from respond.storage.dbfile import load_raw
from respond.storage.doctor import check
from tests.support import fuzz

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
PEOPLE = ["Ann Lee", "Bob Okafor", "Cy Young"]
SEEDED: list[bytes] = []  # the seeded database, made once


class Crash(BaseException):
    pass


op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2)),
    st.tuples(st.just("thank"), st.integers(0, 2)),
    st.tuples(st.sampled_from(["done", "done", "drop", "edit", "delete"]), st.integers(0, 60)),
    st.tuples(st.just("undo"), st.just(0)),
    st.tuples(st.just("rename"), st.integers(0, 2)),
    st.tuples(st.just("idle"), st.just(0)),
)
step = st.tuples(
    op,
    # hours to move the clock: mostly a little forward, sometimes past the window, or back
    st.one_of(
        st.integers(0, 72), st.integers(0, 72), st.integers(24 * 30, 24 * 60), st.integers(-1200, 0)
    ),
    st.sampled_from([None] * 6 + ["archive", "active", "replaced"]),
)


def seed(store: Store) -> None:
    """Four months before START: asks every few days, most answered (some with a follow-up,
    done or dropped), a waiting-on answered for an ask still open, thanks now and then."""
    for n in range(30):
        at = START - timedelta(days=120 - 4 * n)
        env = Env(FixedClock(at))
        with store.transaction() as tx:
            item = actions.add_ask(tx, env, f"ask {n}", PEOPLE[n % 3], by="1d").items[0]
        later = Env(FixedClock(at + timedelta(days=1 + n % 3)))
        with store.transaction() as tx:
            if n % 5 == 0:
                actions.drop(tx, later, item.id)
            elif n % 5 == 1:
                actions.add_waiting(tx, later, "ask Eve", "Eve", item.id)
            elif n % 5 != 2:
                actions.complete(tx, later, item.id, no_follow_up=n % 2 == 0)
        if n % 7 == 0:
            with store.transaction() as tx:
                actions.thank(tx, later, PEOPLE[n % 3], "for it")


def apply(store: Store, env: Env, what: tuple[str, int], ids: list[list[int]], archiving: bool):
    """One command in one transaction; ``archiving`` gives it ``now`` (the CLI's way).
    ``ids``: every ID issued, and the open ones."""
    name, arg = what
    issued = ids[1] if name in ("done", "drop") and ids[1] else ids[0]
    with store.transaction(now=env.now() if archiving else None) as tx:
        if name == "add":
            return actions.add_ask(tx, env, "ask", PEOPLE[arg], by="2d")
        if name == "thank":
            return actions.thank(tx, env, PEOPLE[arg], "for it")
        if name == "undo":
            return actions.undo(tx, env)
        if name == "rename":
            return actions.rename_person(tx, env, PEOPLE[arg], PEOPLE[arg] + " X")
        if name == "idle":
            return None
        item_id = issued[arg % len(issued)] if issued else 1
        if name == "done":
            return actions.complete(tx, env, item_id)
        if name == "drop":
            return actions.drop(tx, env, item_id)
        if name == "edit":
            return actions.edit(tx, env, item_id, note=f"at {env.now().isoformat()}")
        return actions.delete(tx, env, item_id)


def records(store: Store, **how: Any) -> dict[int, dict[str, Any]]:
    return {k: v.to_record() for k, v in store.snapshot(**how).items.items()}


@pytest.mark.slow
@settings(
    max_examples=fuzz.examples(40),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=40))
# A crash after the archive file gained a thanks, then an undo that deletes it: the pass
# archives it again and the delete takes it out, so the file on disk must still lose it (it
# kept showing the deleted thanks).
@example(
    steps=[
        *[(("add", 0), 0, None)] * 3,
        (("thank", 0), 0, None),
        (("idle", 0), 841, "archive"),
        (("undo", 0), 0, None),
    ]
)
def test_reads_equal_a_single_file_whatever_was_archived_or_interrupted(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    steps: list[tuple[tuple[str, int], int, str | None]],
) -> None:
    folder = tmp_path_factory.mktemp("model")
    ours, single = Store(folder / "ours.json"), Store(folder / "single.json")
    if not SEEDED:
        seed(Store(template := folder / "seeded.json"))
        SEEDED.append(template.read_bytes())
    for store in (ours, single):
        store.path.write_bytes(SEEDED[0])
        os.chmod(store.path, 0o600)
    now = START
    issued = sorted(single.snapshot().items)
    for n, (what, hours, crash) in enumerate(steps):
        now += timedelta(hours=hours)
        env = Env(FixedClock(now))
        opened_ids = sorted(k for k, v in single.snapshot(open_only=True).items.items())
        outcomes = []
        committed = True
        for store, archiving in ((ours, True), (single, False)):
            numbers = itertools.count(n * 10 + 1)  # the same UUIDs in both

            def uuid4(numbers: Iterator[int] = numbers) -> str:
                return str(uuid.UUID(int=next(numbers)))

            monkeypatch.setattr(actions, "_random_uuid", uuid4)
            if not committed:
                break

            def hook(reached: str, crash: str | None = crash) -> None:
                if reached == crash:
                    raise Crash(reached)

            step = hook if archiving else lambda _: None
            monkeypatch.setattr(database, "commit_step", step)  # the active file's write
            monkeypatch.setattr(archive, "commit_step", step)  # the archive files' writes
            try:
                outcome = apply(store, env, what, [issued, opened_ids], archiving)
                outcomes.append(outcome.message if outcome else None)
            except RespondError as err:
                outcomes.append(f"{type(err).__name__}: {err}")
            except Crash as err:
                outcomes.append("crash")
                committed = str(err) != "archive"  # the active file was written, or not
        if committed:
            assert outcomes[0] in ("crash", outcomes[1]), (what, outcomes)
            issued = sorted(set(issued) | set(single.snapshot().items))
        # Every read equals the single file's.
        everything = records(single)
        assert records(ours) == everything, (n, what, crash)
        opened = {k: v for k, v in everything.items() if v["status"] in ("open", "acked")}
        assert records(ours, open_only=True) == opened
        recent = ours.snapshot(active_since=now - REVIEW_WINDOW).items.values()
        full = single.snapshot().items.values()
        calendar = Calendar.of(Settings(), None)
        assert shapes.review(review(recent, now, Settings(), calendar)) == shapes.review(
            review(full, now, Settings(), calendar)
        )
        assert ours.person_counts() == single.person_counts()
        for item_id in issued[-3:]:
            assert records(ours, only=[item_id]) == records(single, only=[item_id])

    # The next change reconciles whatever a crash left: one copy of each item, and healthy.
    monkeypatch.setattr(database, "commit_step", lambda _: None)
    monkeypatch.setattr(archive, "commit_step", lambda _: None)
    with ours.transaction(now=now):
        pass
    data = dbfile.check_schema(ours.path, load_raw(ours.path) or {})
    assert archived_copies(data, archive.Archive(ours.path, archive_state(data))) == {}
    assert records(ours) == records(single)
    report = check(ours.path)
    assert report.exit_code == 0, report.lines()

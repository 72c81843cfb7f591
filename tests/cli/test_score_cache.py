"""The weekly score cache (issue 12, item 3): ``respond week`` from the cache always equals
``respond week`` from scratch, whatever happened to the history in between; a second ``week``
reads only recent items; a damaged, foreign or stale cache is ignored and rewritten."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from respond.core.clock import from_iso, to_utc_iso
from respond.core.scorecache import GRACE, earliest_affected, score_neutral
from respond.core.worktime import WorkWeek, add_business_days
from respond.storage import scorecache, scorelog
from tests.support import fuzz
from tests.support.cli import Run, invoke

BASE = datetime(2026, 10, 5)  # a Monday; the histories below span six weeks from it
SPAN_MINUTES = 6 * 7 * 24 * 60
NO_CACHE = {scorecache.DISABLE: "1"}


def moment(minutes: int) -> str:
    return (BASE + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


class Cli:
    """The CLI in-process on one database (``RESPOND_DB``), with or without the cache."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def __call__(self, *args: str, now: str, **env: str) -> tuple[int, str]:
        result = invoke(*args, now=now, env={"RESPOND_DB": str(self.db), **env})
        return result.exit_code, result.stdout

    def week(self, now: str, *extra: str) -> str:
        cached = self("week", "--json", "--weeks", "12", *extra, now=now)
        self.reading = scorecache.last
        fresh = self("week", "--json", "--weeks", "12", *extra, now=now, **NO_CACHE)
        assert cached == fresh, f"week at {now}: cached {cached} != fresh {fresh}"
        assert cached[0] == 0
        return cached[1]


# -- the property: cached == from scratch -------------------------------------------------

minutes = st.integers(0, SPAN_MINUTES // 15).map(lambda q: q * 15)
times = minutes.map(moment)
late_minutes = st.integers(SPAN_MINUTES // 15, (SPAN_MINUTES + 3 * 7 * 24 * 60) // 15).map(
    lambda q: q * 15
)
whens = st.one_of(
    times.map(lambda t: t.replace("T", " ")),
    st.sampled_from(["2h", "tomorrow", "fri 3pm", "2bd", "eod", "3d", "now"]),
)
ids = st.one_of(st.integers(1, 3), st.integers(1, 6)).map(str)
people = st.sampled_from(["Dana", "Jane", "Sam"])


@st.composite
def exported_items(draw: Any) -> dict[str, Any]:
    """A respond export of a few items with old dates and histories (some waiting --for)."""
    records = []
    count = draw(st.integers(1, 4))
    for n in range(1, count + 1):
        kind = draw(st.sampled_from(["ask", "promise", "followup", "thanks", "waiting"]))
        start = draw(minutes)

        def stamp(minute: int) -> str:
            return to_utc_iso((BASE + timedelta(minutes=minute)).astimezone(UTC))

        due = stamp(start + draw(st.integers(-600, 6000)))
        history: list[dict[str, Any]] = [{"event": "created", "at": stamp(start), "due": due}]
        status = "done" if kind == "thanks" else "open"
        if kind == "thanks":
            history.append({"event": "done", "at": stamp(start)})
        elif draw(st.booleans()):
            later = start + draw(st.integers(0, 8000))
            if kind in ("ask", "promise") and draw(st.booleans()):
                history.append({"event": "promised", "at": stamp(later), "due": stamp(later + 900)})
                later += draw(st.integers(0, 4000))
            status = draw(st.sampled_from(["done", "dropped"]))
            history.append({"event": status, "at": stamp(later)})
        for_id = draw(st.integers(1, n - 1)) if kind == "waiting" and n > 1 else None
        records.append(
            {
                "id": n,
                "uuid": f"u-{draw(st.integers(0, 6))}-{n}",
                "kind": kind,
                "person": "Dana",
                "title": f"imported {n}",
                "channel": "email",
                "created": stamp(start),
                "due": due,
                "status": status,
                "for_id": for_id,
                "tags": [],
                "note": "",
                "history": history,
            }
        )
    return {"format": "respond-export", "version": 1, "items": records}


commands = st.one_of(
    st.tuples(
        st.just("add"), st.just("ask"), st.just("--from"), people, st.just("--via"),
        st.sampled_from(["phone", "email", "meeting"]),
    ),
    st.tuples(st.just("add"), st.just("ask"), st.just("--from"), people, st.just("--by"), whens),
    st.tuples(st.just("promise"), st.just("p"), st.just("--to"), people, st.just("--by"), whens),
    st.tuples(st.just("ack"), ids, st.just("--by"), whens),
    st.tuples(st.just("done"), ids),
    st.tuples(st.just("done"), ids, st.just("--no-follow-up")),
    st.tuples(st.just("done"), ids, st.just("--follow-up"), whens),
    st.tuples(st.just("drop"), ids),
    st.tuples(st.just("reopen"), ids),
    st.tuples(st.just("snooze"), ids, whens),
    st.tuples(st.just("edit"), ids, st.just("--by"), whens),
    st.tuples(st.just("edit"), ids, st.just("--title"), st.just("renamed")),
    st.tuples(st.just("wait"), st.just("w"), st.just("--on"), people, st.just("--for"), ids),
    st.tuples(st.just("thanks"), people, st.just("for it")),
    st.tuples(st.just("delete"), ids),
    st.tuples(st.just("undo")),
    st.tuples(st.just("undo")),
    exported_items(),
)  # fmt: skip
# When each command runs: any time in the six weeks (so ``--now`` goes back and forth), or a
# little after the previous command (within the 10 minutes in which ``edit --by`` corrects).
step_times = st.one_of(minutes, st.integers(0, 12).map(lambda delta: -1 - delta))
# When ``week`` runs after it: any time, some weeks later, or (negative) a few hours after the
# last ``week``, as in everyday use.
week_times = st.one_of(minutes, late_minutes, st.integers(0, 72).map(lambda hours: -1 - hours))
steps = st.lists(
    st.tuples(commands, step_times, week_times),
    min_size=1,
    max_size=18,
)


@pytest.mark.slow
@settings(
    max_examples=fuzz.examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, edits=steps)
def test_cached_weekly_scores_equal_scores_from_scratch(
    tmp_path: Path, history: list[Any], edits: list[Any]
) -> None:
    """Random histories at random times (``--now`` in any order), then random changes to them
    (edits, undos, imports of old items...): after every step, ``week --json`` read through
    the cache equals ``week --json`` computed from scratch, at a random now (often weeks
    later, so that finished weeks come from the cache)."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    cli = Cli(folder / "respond.json")
    checked = SPAN_MINUTES
    cli.week(moment(checked))
    at = 0
    for n, (command, when, week_when) in enumerate(history + edits):
        at = when if when >= 0 else at + (-1 - when)  # negative: minutes after the last one
        if isinstance(command, dict):
            path = folder / f"import-{n}.json"
            path.write_text(json.dumps(command))
            command = ("import", str(path))
        code, _ = cli(*command, now=moment(at))
        event(f"{command[0]}: exit {code}")
        checked = week_when if week_when >= 0 else checked + 60 * (-1 - week_when)
        cli.week(moment(checked))
        event("week: " + (cli.reading.why or "from the cache"))


# -- reading less --------------------------------------------------------------------------


def six_weeks(run: Run) -> None:
    """A few items a day over six weeks, most of them settled long ago."""
    for day in range(0, 42, 2):
        at = BASE + timedelta(days=day, hours=9)
        if at.weekday() >= 5:
            continue
        n = run("add", f"ask {day}", "--from", "Dana", now=at.strftime("%Y-%m-%dT%H:%M")).stdout
        item = n.split("#")[1].split(":")[0]
        run("ack", item, "--by", "tomorrow", now=(at + timedelta(hours=1)).isoformat())
        run("done", item, "--no-follow-up", now=(at + timedelta(hours=5)).isoformat())
        run("thanks", "Jane", f"for {day}", now=(at + timedelta(hours=6)).isoformat())


def test_a_second_week_reads_only_the_recent_items(run: Run, db_path: Path) -> None:
    six_weeks(run)
    now = "2026-11-18T10:00"
    first = run("week", "--json", now=now)
    assert first.exit_code == 0
    assert not scorecache.last.used_cache and scorecache.last.wrote_cache
    everything = scorecache.last.records
    assert scorecache.last.built == everything >= 30
    second = run("week", "--json", now=now)
    assert second.stdout == first.stdout
    assert scorecache.last.used_cache and not scorecache.last.wrote_cache
    # Only the items of the last days before this week can count in it (or read as if).
    recent = scorecache.last.built
    assert 0 < recent <= 8 < everything // 3  # the last 11 days before this week
    # A new ask: the next week reads it too.
    run("add", "new", "--from", "Sam", now="2026-11-18T10:05")
    third = run("week", "--json", now="2026-11-18T10:10")
    assert scorecache.last.used_cache and scorecache.last.built == recent + 1
    assert third.stdout != first.stdout
    cached = json.loads(scorecache.cache_path(db_path).read_text())
    assert cached["until"] == "2026-11-16" and len(cached["weeks"]) == 6


def test_a_change_to_an_old_item_recomputes_from_its_week_only(run: Run, db_path: Path) -> None:
    six_weeks(run)
    now = "2026-11-18T10:00"
    run("week", now=now)
    before = json.loads(run("week", "--json", now=now).stdout)
    # An ask backfilled today with a deadline five weeks ago: missed in that week.
    assert (
        run("add", "late ask", "--from", "Dana", "--by", "2026-10-20 12:00", now=now).exit_code == 0
    )
    log = json.loads(db_path.read_text())["meta"]["1"][scorelog.LOG]
    assert log[-1][2] == "2026-10-20T10:00:00+00:00"  # its deadline: the earliest time it holds
    after = json.loads(run("week", "--json", now=now).stdout)
    assert scorecache.last.used_cache and scorecache.last.built < scorecache.last.records
    fresh = invoke("week", "--json", now=now, env={"RESPOND_DB": str(db_path), **NO_CACHE})
    assert json.loads(fresh.stdout) == after
    missed = {week["start"]: week["habits"]["reply"] for week in after["weeks"]}
    assert missed["2026-10-19"]["total"] == before_total(before, "2026-10-19") + 1


def before_total(card: dict[str, Any], start: str) -> int:
    return next(
        week["habits"]["reply"]["total"] for week in card["weeks"] if week["start"] == start
    )


def test_a_title_or_reminder_edit_of_an_old_item_invalidates_nothing(
    run: Run, db_path: Path
) -> None:
    six_weeks(run)
    now = "2026-11-18T10:00"
    run("week", now=now)
    weeks = json.loads(scorecache.cache_path(db_path).read_text())["weeks"]
    run("edit", "1", "--title", "new title", now=now)
    run("edit", "1", "--by", "2026-10-01 12:00", now=now)  # a reminder, not a correction
    run("people", "rename", "Dana", "Dana Whitfield", now=now)
    log = json.loads(db_path.read_text())["meta"]["1"][scorelog.LOG]
    assert [entry[2] for entry in log[-3:]] == [None, None, None]
    run("week", now=now)
    assert scorecache.last.used_cache  # (it reads the edited items: they hold a recent time)
    assert json.loads(scorecache.cache_path(db_path).read_text())["weeks"] == weeks


# -- a cache that can't be trusted is ignored and rewritten --------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe garbage",
        b"[1, 2, 3]",
        b'{"format": "something else"}',
        b'{"format": "respond-score-cache"}',
        b'{"format": "respond-score-cache", "fingerprint": 7, "weeks": []}',
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(
    run: Run, db_path: Path, content: bytes
) -> None:
    six_weeks(run)
    now = "2026-11-18T10:00"
    expected = run("week", "--json", now=now).stdout
    good = scorecache.cache_path(db_path).read_bytes()
    scorecache.cache_path(db_path).write_bytes(content)
    assert run("week", "--json", now=now).stdout == expected
    assert not scorecache.last.used_cache and scorecache.last.wrote_cache
    assert (
        json.loads(scorecache.cache_path(db_path).read_bytes())["weeks"]
        == json.loads(good)["weeks"]
    )


def test_a_cache_with_wrong_tallies_in_a_good_shape_is_caught_by_the_fingerprint(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """A cache computed with other settings (here: weeks starting on Sunday) is not used."""
    six_weeks(run)
    now = "2026-11-18T10:00"
    monday = run("week", "--json", now=now).stdout
    (tmp_path / "config.toml").write_text('week_start = "sun"\n')
    sunday = run("week", "--json", now=now).stdout
    assert not scorecache.last.used_cache and sunday != monday
    config = {"RESPOND_CONFIG": str(tmp_path / "config.toml")}
    fresh = invoke(
        "week", "--json", now=now, env={"RESPOND_DB": str(db_path), **config, **NO_CACHE}
    )
    assert fresh.stdout == sunday


def test_a_cache_older_than_the_log_or_from_another_file_is_rebuilt(
    run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    six_weeks(run)
    now = "2026-11-18T10:00"
    run("week", now=now)
    monkeypatch.setattr(scorelog, "LOG_KEEP", 3)
    for _ in range(4):  # the cache's generation falls off the log
        run("thanks", "Jane", "x", now=now)
    run("week", now=now)
    assert not scorecache.last.used_cache
    # The database replaced by something other than a commit (a copy, an older respond):
    # same generation, another file.
    run("week", now=now)
    assert scorecache.last.used_cache
    before = run("week", "--json", now=now).stdout
    # item 1 is old enough to be archived: change it where it is, and rewrite the active file
    holder = next(
        path
        for path in [db_path, *sorted((db_path.parent / f"{db_path.name}.archive").glob("*.json"))]
        if "1" in json.loads(path.read_text()).get("items", {})
    )
    data = json.loads(holder.read_text())
    data["items"]["1"]["history"][0]["due"] = "2026-10-05T07:30:00+00:00"  # before the ack
    holder.write_text(json.dumps(data))
    if holder != db_path:
        db_path.write_text(db_path.read_text() + " ")
    cached = run("week", "--json", now=now).stdout
    assert not scorecache.last.used_cache and cached != before
    fresh = invoke("week", "--json", now=now, env={"RESPOND_DB": str(db_path), **NO_CACHE})
    assert cached == fresh.stdout


def test_an_earlier_now_neither_uses_nor_writes_the_cache(run: Run, db_path: Path) -> None:
    six_weeks(run)
    run("week", now="2026-11-18T10:00")
    written = scorecache.cache_path(db_path).read_bytes()
    run("week", now="2026-11-02T10:00")
    assert not scorecache.last.used_cache and not scorecache.last.wrote_cache
    assert scorecache.cache_path(db_path).read_bytes() == written


def test_the_cache_file_is_private_and_doctor_repair_deletes_it(run: Run, db_path: Path) -> None:
    six_weeks(run)
    old = os.umask(0)
    try:
        run("week", now="2026-11-18T10:00")
    finally:
        os.umask(old)
    path = scorecache.cache_path(db_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run("doctor").exit_code == 0
    assert run("doctor", "--repair").exit_code == 0
    assert not path.exists()
    assert run("week", now="2026-11-18T10:00").exit_code == 0 and path.exists()


# -- the rules ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    days=st.sets(st.integers(0, 6), min_size=1),
    start=st.integers(0, 22),
    length=st.integers(1, 24),
    at=st.integers(0, 2 * 366 * 24 * 60),
)
def test_a_working_day_after_any_time_is_within_the_grace_bound(
    days: set[int], start: int, length: int, at: int
) -> None:
    """The selection of items relies on it: a check is decided at most GRACE after the latest
    time its item holds (follow-up grace and relay are one working day, to its close)."""
    from datetime import time as clock_time

    end = min(start + length, 23)
    week = WorkWeek(frozenset(days), clock_time(start), clock_time(end, 59 if end == 23 else 0))
    moment_ = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=at)
    assert timedelta(0) < add_business_days(moment_, 1, week) - moment_ <= GRACE


def record(**fields: Any) -> dict[str, Any]:
    base = {
        "kind": "ask",
        "created": "2026-10-05T08:00:00+00:00",
        "due": "2026-10-05T12:00:00+00:00",
        "for_id": None,
        "history": [
            {
                "event": "created",
                "at": "2026-10-05T08:00:00+00:00",
                "due": "2026-10-05T12:00:00+00:00",
            }
        ],
    }
    return {**base, **fields}


def test_what_a_change_can_affect() -> None:
    old = record()
    edited = record(
        title="x",
        due="2026-12-01T12:00:00+00:00",
        history=[*old["history"], {"event": "edited", "at": "2026-11-20T08:00:00+00:00"}],
    )
    assert score_neutral(old, edited)
    corrected = record(
        history=[*old["history"], {"event": "edited", "at": "2026-10-05T08:05:00+00:00",
                                   "corrects": True, "due": "2026-10-04T12:00:00+00:00"}]
    )  # fmt: skip
    assert not score_neutral(old, corrected)
    assert earliest_affected({"1": old}, {"1": corrected}, ["1"]) == from_iso(
        "2026-10-04T12:00:00+00:00"
    )
    # A waiting item that serves the changed ask is read too: its earlier times count.
    waiting = record(kind="waiting", for_id=1, created="2026-09-01T08:00:00+00:00", history=[])
    done = record(history=[*old["history"], {"event": "done", "at": "2026-11-20T08:00:00+00:00"}])
    table = {"1": done, "2": waiting}
    assert earliest_affected({"1": old, "2": waiting}, table, ["1"]) == from_iso(
        "2026-09-01T08:00:00+00:00"
    )
    # A new item under a fresh ID: nothing can point at it.
    assert earliest_affected({}, {"7": done}, ["7"], fresh_from=7) == from_iso(
        "2026-10-05T08:00:00+00:00"
    )
    assert earliest_affected({"1": old}, {"1": edited}, ["1"]) is None


def test_an_item_from_after_the_caches_now_counts_once_now_passes_it(
    run: Run, db_path: Path
) -> None:
    """``--now`` in the past (or an import of future dates): an item created after the time the
    cache was computed at counts, in its old week, as soon as ``now`` passes its creation."""
    six_weeks(run)
    run("add", "backfilled", "--from", "Dana", "--by", "2026-10-14 12:00", now="2026-11-18T09:00")
    early = run("week", "--json", now="2026-11-16T10:00").stdout
    cached = json.loads(scorecache.cache_path(db_path).read_text())
    assert cached["future"] == ["2026-11-18T08:00:00+00:00", "2026-10-14T10:00:00+00:00"]
    later = run("week", "--json", now="2026-11-18T10:00").stdout
    assert scorecache.last.used_cache
    assert (
        before_total(json.loads(later), "2026-10-12")
        == before_total(json.loads(early), "2026-10-12") + 1
    )  # the backfilled ask, missed on 14 Oct
    fresh = invoke(
        "week",
        "--json",
        now="2026-11-18T10:00",
        env={"RESPOND_DB": str(db_path), **NO_CACHE},
    )
    assert fresh.stdout == later


def test_a_cache_edited_by_hand_with_its_mtime_kept_is_rebuilt_and_doctor_says_so(
    run: Run, db_path: Path
) -> None:
    """Issue 19, item 8: two weeks edited in the cache, mtime kept: ``week`` showed them."""
    six_weeks(run)
    now = "2026-11-18T10:00"
    true = run("week", "--json", "--weeks", "6", now=now).stdout
    path = scorecache.cache_path(db_path)
    assert run("doctor").exit_code == 0
    stat_before = path.stat()
    doc = json.loads(path.read_bytes())
    for day in sorted(doc["weeks"])[-2:]:  # the last two weeks: everything kept
        doc["weeks"][day] = [[total + 3, total + 3] for _, total in doc["weeks"][day]]
    path.write_text(json.dumps(doc))
    os.utime(path, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns))
    doctor = run("doctor")
    assert doctor.exit_code == 1
    assert "score cache: the weekly score cache does not match its digest" in doctor.stdout
    assert "respond doctor --repair fixes 1 of them" in doctor.stdout
    shown = run("week", "--json", "--weeks", "6", now=now).stdout
    assert scorecache.last.why == "does not match its digest" and not scorecache.last.used_cache
    assert shown == true
    assert scorecache.last.wrote_cache and run("doctor").exit_code == 0
    run("week", now=now)
    assert scorecache.last.used_cache  # the rebuilt one is trusted again


def test_a_cache_copied_from_another_database_is_not_used(run: Run, db_path: Path) -> None:
    six_weeks(run)
    now = "2026-11-18T10:00"
    run("week", now=now)
    cache = scorecache.cache_path(db_path).read_bytes()
    data = json.loads(db_path.read_text())
    key = data["meta"]["1"][scorelog.KEY]
    data["meta"]["1"][scorelog.KEY] = "0" * len(key)  # the same database, another key
    db_path.write_text(json.dumps(data))
    scorecache.cache_path(db_path).write_bytes(cache)
    run("week", now=now)
    assert scorecache.last.why == "does not match its digest"


def test_doctor_repair_deletes_a_tampered_cache(run: Run, db_path: Path) -> None:
    six_weeks(run)
    run("week", now="2026-11-18T10:00")
    path = scorecache.cache_path(db_path)
    doc = json.loads(path.read_bytes())
    doc["first_created"] = None
    path.write_text(json.dumps(doc))
    repaired = run("doctor", "--repair")
    assert repaired.exit_code == 0 and "deleted the weekly score cache" in repaired.stdout
    assert not path.exists()

"""``who`` and ``people`` cost what they show (issue 12): they read the active file and the
summaries its meta keeps of each archive file, never the archive files themselves (but for
``who --all`` and ``--json``, which show every item), and show exactly what reading every
item shows. When the summaries can't be trusted (written by an older respond, a file changed
behind the active file's back, a clock set back), they read the archive as before.

Real files in temp folders; the property test drives the storage with the core's actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from respond.core import actions
from respond.core import people as persons
from respond.core.actions import Env
from respond.core.clock import FixedClock
from respond.core.errors import RespondError
from respond.storage import archive, periods, summaries
from respond.storage.archive import archive_state
from respond.storage.database import Store
from respond.storage.dbfile import load_raw
from tests.support import fuzz
from tests.support.cli import Run

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
PEOPLE = ["Ann Lee", "Bob Okafor", "Cy Young"]
QUERIES = ["ann", "Bob Okafor", "cy", "Cy Young X", "zed", ""]
SEEDED: list[bytes] = []


def seed(store: Store) -> None:
    """Five months before START: asks every few days, most answered (some with a follow-up,
    done or dropped), promises, thanks now and then; some items spell Ann's name another
    way (as an import may). Archived by the first transaction given a time."""
    for n in range(45):
        at = START - timedelta(days=150 - 3 * n)
        env = Env(FixedClock(at))
        person = PEOPLE[n % 3]
        with store.transaction() as tx:
            if n % 6 == 3:
                item = actions.add_promise(tx, env, f"promise {n}", person, "1d").items[0]
            else:
                item = actions.add_ask(tx, env, f"ask {n}", person, by="1d").items[0]
        later = Env(FixedClock(at + timedelta(days=n % 3, hours=n % 5)))
        with store.transaction() as tx:
            if n % 5 == 0:
                actions.drop(tx, later, item.id)
            elif n % 5 != 2:
                actions.complete(tx, later, item.id, no_follow_up=n % 2 == 0)
        if n % 4 == 0:
            with store.transaction() as tx:
                actions.thank(tx, later, person, "for it")
    data = load_raw(store.path)
    assert data is not None
    for key, record in data["items"].items():
        if record["person"] == "Ann Lee" and int(key) % 4 == 1:
            record["person"] = "ANN  LEE"
    store.path.write_bytes(json.dumps(data).encode())


op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2)),
    st.tuples(st.just("thank"), st.integers(0, 2)),
    st.tuples(st.sampled_from(["done", "drop", "edit", "delete", "ack"]), st.integers(0, 90)),
    st.tuples(st.just("undo"), st.just(0)),
    st.tuples(st.just("rename"), st.integers(0, 2)),
)
step = st.tuples(
    op,
    st.one_of(st.integers(0, 72), st.integers(24 * 20, 24 * 60), st.integers(-300, 0)),
    st.booleans(),  # whether the command's transaction runs the day's archiving pass
)


def apply(store: Store, env: Env, what: tuple[str, int], archiving: bool) -> None:
    name, arg = what
    ids = sorted(store.snapshot().items)
    item_id = ids[arg % len(ids)] if ids else 1
    try:
        with store.transaction(now=env.now() if archiving else None) as tx:
            if name == "add":
                actions.add_ask(tx, env, "ask", PEOPLE[arg], by="2h")
            elif name == "thank":
                actions.thank(tx, env, PEOPLE[arg], "for it")
            elif name == "undo":
                actions.undo(tx, env)
            elif name == "rename":
                actions.rename_person(tx, env, PEOPLE[arg], PEOPLE[arg] + " X")
            elif name == "done":
                actions.complete(tx, env, item_id)
            elif name == "drop":
                actions.drop(tx, env, item_id)
            elif name == "ack":
                actions.ack(tx, env, item_id, "3h")
            elif name == "edit":
                actions.edit(tx, env, item_id, note=f"at {env.now().isoformat()}")
            else:
                actions.delete(tx, env, item_id)
    except RespondError:
        pass


def summarised(store: Store, now: datetime, lines: bool = True) -> Any:
    found = store.summaries(now)
    return summaries.read_summaries(*found, lines) if found is not None else None


def full_who(store: Store, query: str, now: datetime) -> Any:
    try:
        return persons.who(store.snapshot().items.values(), query, now)
    except RespondError as err:
        return str(err)


def fast_who(store: Store, query: str, now: datetime, limit: int) -> Any:
    found = summarised(store, now)
    if found is None:
        return None
    try:
        return persons.who_summarised(*found, query, now, limit)
    except RespondError as err:
        return str(err)


def compare(store: Store, now: datetime, used: list[int]) -> None:
    """Whatever the summaries answer equals what reading every item answers."""
    for query in QUERIES:
        full = full_who(store, query, now)
        for limit in (2, 4, persons.LINES):
            fast = fast_who(store, query, now, limit)
            if fast is None:
                continue
            used.append(1)
            if isinstance(full, str):
                assert fast == full
            else:
                assert fast == full.replace(history=full.history[:limit]), query
    for days in (1, 30, 45, 400):
        found = summarised(store, now, lines=False)
        if found is None:
            continue
        active, spellings, archived = found
        rows = persons.people_summarised(
            active, persons.known_names(spellings), archived, now, days
        )
        if rows is not None:
            assert rows == persons.people(store.snapshot().items.values(), now, days)


@pytest.fixture
def few_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Summaries keep 4 lines a person, so that small histories exercise the trimming."""
    monkeypatch.setattr(archive, "WHO_LINES", 4)


@pytest.mark.slow
@settings(
    max_examples=fuzz.examples(25),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_who_and_people_from_the_summaries_equal_reading_every_item(
    tmp_path_factory: pytest.TempPathFactory,
    few_lines: None,
    steps: list[tuple[tuple[str, int], int, bool]],
) -> None:
    folder = tmp_path_factory.mktemp("who")
    store = Store(folder / "db.json")
    if not SEEDED:
        seed(Store(template := folder / "seeded.json"))
        SEEDED.append(template.read_bytes())
        for period in periods.periods_on_disk(template):
            SEEDED.append(period.encode())
            SEEDED.append(periods.file_of(template, period).read_bytes())
    store.path.write_bytes(SEEDED[0])
    periods.archive_dir(store.path).mkdir()
    for period, content in zip(SEEDED[1::2], SEEDED[2::2], strict=True):
        periods.file_of(store.path, period.decode()).write_bytes(content)
    # (copied files have new fingerprints: the first transaction reconciles them)
    now = START
    used: list[int] = []
    with store.transaction(now=now):
        pass
    compare(store, now, used)
    for what, hours, archiving in steps:
        now += timedelta(hours=hours)
        apply(store, Env(FixedClock(now)), what, archiving)
        compare(store, now, used)
        compare(store, now + timedelta(days=400), used)
    assert used  # the summaries answered at least once


# -- the everyday view opens no archive file ----------------------------------------------------


def archived_db(folder: Path) -> Path:
    seed(Store(db := folder / "db.json"))
    with Store(db).transaction(now=START):
        pass  # the day's archiving pass
    assert periods.periods_on_disk(db)
    return db


def test_who_reads_no_archive_file_but_for_all_and_json(
    db_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = archived_db(db_path.parent)
    db.rename(db_path)
    periods.archive_dir(db).rename(periods.archive_dir(db_path))
    with Store(db_path).transaction():
        pass  # (the files moved: the meta learns their new fingerprints)
    now = "2026-10-01T09:00"
    before = run("who", "ann", now=now)
    assert before.exit_code == 0, before
    assert "more (--all shows everything)" in before.stdout
    people_before = run("people", now=now).stdout
    people_long = run("people", "--days", "90", now=now).stdout

    def refuse(path: Path) -> dict[str, Any]:
        raise AssertionError(f"read {path.name}")

    with monkeypatch.context() as patch:
        patch.setattr(archive, "load_archive_file", refuse)
        assert run("who", "ann", now=now).stdout == before.stdout
        assert run("people", now=now).stdout == people_before
        every = (["who", "ann", "--all"], ["who", "ann", "--json"], ["people", "--days", "90"])
        for args in every:
            with pytest.raises(AssertionError, match="read 2026-Q"):
                run(*args, now=now)  # every item, or back past the archive's newest activity
    assert run("people", "--days", "90", now=now).stdout == people_long


def test_summaries_by_an_older_respond_are_not_trusted_and_rebuilt_by_the_next_write(
    tmp_path: Path,
) -> None:
    db = archived_db(tmp_path)
    data = load_raw(db)
    assert data is not None
    archive_state(data)["summaries"]["v"] = summaries.WHO_VERSION - 1  # an older respond's
    db.write_bytes(json.dumps(data).encode())
    store = Store(db)
    assert store.summaries(START) is None  # who and people read the archive
    with store.transaction(now=START):
        pass  # nothing to change, but the summaries are rebuilt
    assert store.summaries(START) is not None
    full = full_who(store, "ann", START)
    assert fast_who(store, "ann", START, 15) == full.replace(history=full.history[:15])


def test_a_clock_set_back_or_a_file_changed_behind_the_back_reads_the_archive(
    tmp_path: Path,
) -> None:
    db = archived_db(tmp_path)
    store = Store(db)
    assert store.summaries(START) is not None
    assert store.summaries(START - timedelta(days=150)) is None  # before archived activity
    path = periods.file_of(db, periods.periods_on_disk(db)[0])
    path.write_bytes(path.read_bytes())  # a sync tool rewrote it: another fingerprint
    assert store.summaries(START) is None


def test_summaries_keep_a_bounded_number_of_history_lines_per_person(
    tmp_path: Path, few_lines: None
) -> None:
    db = archived_db(tmp_path)
    data = load_raw(db)
    assert data is not None
    kept: dict[str, int] = {}
    archived: dict[str, int] = {}
    sidecar = summaries.read_sidecar(db, archive_state(data)["summaries"])
    assert sidecar is not None
    for entry in sidecar.values():
        for key, part in entry["who"]["people"].items():
            kept[key] = kept.get(key, 0) + len(part["lines"])
            archived[key] = archived.get(key, 0) + part["n"]
    assert max(archived.values()) > archive.WHO_LINES  # more history than is kept
    assert max(kept.values()) <= archive.WHO_LINES


# -- the summaries live in a sidecar, which only who and people read (issue 23) ---------------


def test_the_active_file_holds_no_summaries_after_a_write(tmp_path: Path) -> None:
    db = archived_db(tmp_path)
    meta = json.loads(db.read_bytes())["meta"]["1"]["archive"]
    for entry in meta["files"].values():
        assert set(entry) <= {"fingerprint", "items", "ids", "latest", "people", "drop"}
    sidecar = summaries.sidecar_of(db)
    assert sidecar.stat().st_mode & 0o777 == 0o600
    assert meta["summaries"] == {
        "fingerprint": periods.fingerprint(sidecar.stat()),
        "v": summaries.WHO_VERSION,
    }
    assert Store(db).summaries(START) is not None
    with Store(db).transaction(now=START) as tx:  # a change that moves nothing in or out
        actions.add_ask(tx, Env(FixedClock(START)), "new", "Ann Lee")
    assert json.loads(db.read_bytes())["meta"]["1"]["archive"] == meta  # nor rewrites it


@pytest.mark.parametrize("how", ["edited", "stale", "removed", "garbage"])
def test_a_sidecar_changed_behind_the_active_files_back_is_not_trusted(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    db = archived_db(tmp_path)
    monkeypatch.setenv("RESPOND_DB", str(db))
    sidecar = summaries.sidecar_of(db)
    old = sidecar.read_bytes()
    bring_back(Store(db))  # an archived item comes back: the sidecar changes
    assert sidecar.read_bytes() != old
    now = START.isoformat()
    expected = {args: run(*args, now=now).stdout for args in (("who", "ann"), ("people",))}
    if how == "edited":  # another count for Ann: who would show it if it trusted the file
        entries = summaries.parse_sidecar(sidecar.read_bytes())
        assert entries is not None
        for entry in entries.values():
            for part in (entry["who"]["people"] or {}).values():
                part["n"] += 7
        sidecar.write_bytes(summaries.sidecar_payload(entries))
    elif how == "stale":  # the version before the last write, put back (a restore, a sync)
        sidecar.write_bytes(old)
    elif how == "removed":
        sidecar.unlink()
    else:
        sidecar.write_bytes(b"{not json")
    assert Store(db).summaries(START) is None  # who and people read the archive files
    for args, out in expected.items():
        assert run(*args, now=now).stdout == out
    with Store(db).transaction():
        pass  # the next write makes it again
    assert Store(db).summaries(START) is not None
    for args, out in expected.items():
        assert run(*args, now=now).stdout == out


def tx_keys(db: Path, period: str) -> list[str]:
    return list(json.loads(periods.file_of(db, period).read_bytes())["items"])


def oldest_archived(db: Path) -> int:
    """The lowest ID the archive files hold."""
    return min(int(k) for p in periods.periods_on_disk(db) for k in tx_keys(db, p))


def bring_back(store: Store) -> None:
    """A change that brings the oldest archived item back into the active file (a note)."""
    with store.transaction() as tx:
        item = tx.get(oldest_archived(store.path))
        item.note = "back"
        tx.put(item)


def test_an_older_files_summaries_move_to_the_sidecar_at_its_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = archived_db(tmp_path)
    store = Store(db)
    full = full_who(store, "ann", START)
    data = load_raw(db)
    assert data is not None
    state = archive_state(data)
    sidecar = summaries.read_sidecar(db, state.pop("summaries"))
    assert sidecar is not None
    for period, entry in state["files"].items():  # as the code before the sidecar wrote them
        entry["who_v"] = summaries.WHO_VERSION
        who = sidecar[period]["who"]  # (its people are read as asked for: made a dict here)
        who = {**who, "people": dict(who["people"]) if who["people"] is not None else None}
        entry["who"] = json.dumps(who, separators=(",", ":"))
    db.write_bytes(json.dumps(data).encode())
    summaries.sidecar_of(db).unlink()
    assert fast_who(store, "ann", START, 15) == full.replace(history=full.history[:15])

    def refuse(path: Path) -> dict[str, Any]:
        raise AssertionError(f"read {path.name}")

    with monkeypatch.context() as patch:
        patch.setattr(archive, "load_archive_file", refuse)  # moved, not made again
        with store.transaction():
            pass  # nothing to change: the migration is the write
    meta = json.loads(db.read_bytes())["meta"]["1"]["archive"]
    assert all("who" not in entry and "who_v" not in entry for entry in meta["files"].values())
    assert summaries.sidecar_trusted(db, meta["summaries"])
    assert fast_who(store, "ann", START, 15) == full.replace(history=full.history[:15])


@pytest.mark.parametrize("how", ["damaged", "stale"])
def test_doctor_reports_a_damaged_or_stale_sidecar_and_repair_makes_it_again(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    db = archived_db(tmp_path)
    monkeypatch.setenv("RESPOND_DB", str(db))
    assert "summaries" not in run("doctor").stdout
    sidecar = summaries.sidecar_of(db)
    copy = sidecar.with_name("copy")  # a new file in its place (a restore, a sync tool)
    copy.write_bytes(b"\\x00garbage" if how == "damaged" else sidecar.read_bytes())
    copy.chmod(0o600)
    copy.replace(sidecar)
    checked = run("doctor")
    level = "problem" if how == "damaged" else "note"
    word = "damaged" if how == "damaged" else "out of date"
    name = f"{db.name}.archive/summaries.cache"
    assert f"{level:<8} archive: {name} (who's summaries) is {word}" in checked.stdout
    assert checked.exit_code == (1 if how == "damaged" else 0)
    assert Store(db).summaries(START) is None
    repaired = run("doctor", "--repair")
    assert "made who's summaries of 2 archive files again" in repaired.stdout, repaired
    assert Store(db).summaries(START) is not None
    assert "summaries" not in run("doctor").stdout
    full = full_who(Store(db), "ann", START)
    assert fast_who(Store(db), "ann", START, 15) == full.replace(history=full.history[:15])


def test_everyday_commands_never_read_the_sidecar(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = archived_db(tmp_path)  # (today's pass is done)
    monkeypatch.setenv("RESPOND_DB", str(db))
    now = START.isoformat()

    def refuse(*args: Any) -> None:
        raise AssertionError("read the sidecar")

    with monkeypatch.context() as patch:
        patch.setattr(summaries, "read_sidecar", refuse)
        added = run("add", "new", "--from", "Ann Lee", now=now)
        assert added.stdout.startswith("Added #"), added
        new_id = added.stdout.split("#")[1].split(":")[0]
        for args in (("today",), ("list",), ("done", new_id), ("undo",)):
            result = run(*args, now=now)
            assert result.exit_code == 0, result
    assert run("who", "ann", now=now).exit_code == 0
    with monkeypatch.context() as patch:
        patch.setattr(summaries, "read_sidecar", refuse)
        with pytest.raises(AssertionError, match="read the sidecar"):
            run("who", "ann", now=now)


# -- everyone's archived names live in a counts file beside the archive (issue 23) -------------


def archived_names(db: Path) -> dict[str, int]:
    """How many archived items each spelling has, counted from the archive files."""
    counts: dict[str, int] = {}
    for period in periods.periods_on_disk(db):
        records = json.loads(periods.file_of(db, period).read_bytes())["items"].values()
        periods.count_people(records, counts)
    return counts


def stored_names(db: Path) -> dict[str, int]:
    """The names the counts file holds, summed over the files."""
    return summaries.sum_counts(json.loads(summaries.counts_of(db).read_bytes())["people"])


def active_names(db: Path) -> dict[str, int]:
    return periods.count_people(json.loads(db.read_bytes())["items"].values())


def everyone(db: Path) -> dict[str, int]:
    counts = archived_names(db)
    for name, n in active_names(db).items():
        counts[name] = counts.get(name, 0) + n
    return counts


def test_the_counts_file_holds_the_archives_names_and_the_meta_none(tmp_path: Path) -> None:
    db = archived_db(tmp_path)
    meta = json.loads(db.read_bytes())["meta"]["1"]["archive"]
    assert all("people" not in entry for entry in meta["files"].values())
    counts = summaries.counts_of(db)
    assert counts.stat().st_mode & 0o777 == 0o600
    assert meta["counts"] == summaries.counts_stamp(counts.stat())
    stored = json.loads(counts.read_bytes())
    assert summaries.sum_counts(stored["people"]) == archived_names(db)
    assert stored["people"] == {  # file by file: of equal counts, the first read is shown
        period: summaries.file_counts(json.loads(periods.file_of(db, period).read_bytes())["items"])
        for period in periods.periods_on_disk(db)
    }
    assert stored["files"] == {p: e["fingerprint"] for p, e in meta["files"].items()}
    assert Store(db).person_counts() == everyone(db)
    before = counts.stat()
    with Store(db).transaction(now=START) as tx:  # a change that moves nothing in or out
        actions.add_ask(tx, Env(FixedClock(START)), "new", "Ann Lee")
    assert periods.fingerprint(counts.stat()) == periods.fingerprint(before)  # not rewritten
    expected = everyone(db)
    with Store(db).transaction() as tx:  # an archived item comes back, renamed
        item = tx.get(oldest_archived(db))
        expected[item.person] -= 1
        item.person = "Zed New"
        tx.put(item)
        assert tx.person_counts() == {k: n for k, n in expected.items() if n} | {"Zed New": 1}
    assert summaries.sum_counts(json.loads(counts.read_bytes())["people"]) == archived_names(db)
    assert Store(db).person_counts() == everyone(db)


def test_equal_counts_show_the_spelling_read_first_whatever_order_the_files_were_archived(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two spellings of one name with as many items each: the one in the older archive file
    is shown (the first read, as the meta's names did file by file), though the newer file
    was archived first and the older one later (an import of old history). The counts file
    once summed the files in the order they changed, and showed the other spelling until
    ``doctor --repair`` counted them again."""
    db = tmp_path / "respond.json"
    monkeypatch.setenv("RESPOND_DB", str(db))
    store = Store(db)

    def closed(at: datetime, person: str) -> None:
        with store.transaction() as tx:  # (no time: no archiving pass)
            item = actions.add_ask(tx, Env(FixedClock(at)), "old", person).items[0]
            item.person = person  # (as typed: add gives the known spelling)
            tx.put(item)
        with store.transaction() as tx:
            actions.complete(
                tx, Env(FixedClock(at + timedelta(hours=1))), item.id, no_follow_up=True
            )

    closed(datetime(2026, 7, 2, 9, tzinfo=UTC), "Bob Okafor")
    with store.transaction(now=datetime(2026, 11, 25, 9, tzinfo=UTC)):
        pass  # 2026-Q3 is archived
    closed(datetime(2026, 5, 2, 9, tzinfo=UTC), "bob okafor")
    with store.transaction(now=datetime(2026, 11, 26, 9, tzinfo=UTC)):
        pass  # then 2026-Q2
    assert periods.periods_on_disk(db) == ["2026-Q2", "2026-Q3"]
    now = "2026-11-26T10:00"
    for counted in ("as the files were archived", "all again"):
        if counted == "all again":
            archive.rebuild_counts(db)  # (doctor --repair)
        assert persons.known_names(store.person_counts().items()) == {"bob okafor": "bob okafor"}
        with store.transaction() as tx:
            assert persons.known_names(tx.person_counts().items()) == {"bob okafor": "bob okafor"}
        assert run("who", "bob", now=now).stdout.startswith("bob okafor\n")
    assert "for bob okafor" in run("add", "x", "--from", "bob", now=now).stdout


@pytest.mark.parametrize("how", ["edited", "stale", "removed", "garbage", "unrecorded"])
def test_a_counts_file_changed_behind_the_active_files_back_is_not_trusted(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    db = archived_db(tmp_path)
    monkeypatch.setenv("RESPOND_DB", str(db))
    counts = summaries.counts_of(db)
    old = counts.read_bytes()
    bring_back(Store(db))  # an archived item comes back: the counts change
    assert counts.read_bytes() != old
    now = START.isoformat()
    expected = {args: run(*args, now=now).stdout for args in (("who", "ann"), ("people",))}
    if how == "edited":  # another name: add would match it if it trusted the file
        data = json.loads(counts.read_bytes())
        next(iter(data["people"].values()))["Zelda Fake"] = 3
        counts.write_bytes(json.dumps(data).encode())
    elif how == "stale":  # the version before the last write, put back (a restore, a sync)
        counts.write_bytes(old)
    elif how == "removed":
        counts.unlink()
    elif how == "garbage":
        counts.write_bytes(b"{not json")
    else:  # the meta lost its record of it (an older respond's write)
        data = load_raw(db)
        assert data is not None
        del archive_state(data)["counts"]
        db.write_bytes(json.dumps(data).encode())
    assert Store(db).person_counts() == everyone(db)  # the archive files, counted
    assert run("add", "x", "--from", "zelda", now=now).stdout.startswith("Added #")
    assert "Zelda Fake" not in json.dumps(json.loads(db.read_bytes())["items"])
    for args, out in expected.items():  # (the add is Zelda's: not Ann's, nor old)
        shown = run(*args, now=now).stdout
        assert shown == out or args == ("people",), args
    assert summaries.sum_counts(json.loads(counts.read_bytes())["people"]) == archived_names(
        db
    )  # made again
    assert Store(db).summaries(START) is not None


def test_an_older_files_names_move_to_the_counts_file_at_its_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = archived_db(tmp_path)
    data = load_raw(db)
    assert data is not None
    state = archive_state(data)
    del state["counts"]
    for period, entry in state["files"].items():  # as the code before the counts file wrote
        records = json.loads(periods.file_of(db, period).read_bytes())["items"]
        ordered = [records[key] for key in sorted(records, key=int)]
        entry["people"] = periods.count_people(ordered)
    db.write_bytes(json.dumps(data).encode())
    summaries.counts_of(db).unlink()
    store = Store(db)
    expected = everyone(db)

    def refuse(path: Path) -> dict[str, Any]:
        raise AssertionError(f"read {path.name}")

    with monkeypatch.context() as patch:
        patch.setattr(archive, "load_archive_file", refuse)  # moved, not counted again
        assert store.person_counts() == expected
        assert store.summaries(START) is not None
        with store.transaction() as tx:
            assert tx.person_counts() == expected
    meta = json.loads(db.read_bytes())["meta"]["1"]["archive"]
    assert all("people" not in entry for entry in meta["files"].values())
    assert stored_names(db) == archived_names(db)
    assert store.person_counts() == expected


@pytest.mark.parametrize("how", ["damaged", "removed"])
def test_doctor_reports_a_damaged_or_missing_counts_file_and_repair_makes_it_again(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    db = archived_db(tmp_path)
    monkeypatch.setenv("RESPOND_DB", str(db))
    assert "people.cache" not in run("doctor").stdout
    counts = summaries.counts_of(db)
    if how == "damaged":
        counts.write_bytes(b"\x00garbage")
    else:
        counts.unlink()
    checked = run("doctor")
    level = "problem" if how == "damaged" else "note"
    word = "damaged" if how == "damaged" else "missing"
    name = f"{db.name}.archive/people.cache"
    assert f"{level:<8} archive: {name} (everyone's names) is {word}" in checked.stdout
    repaired = run("doctor", "--repair")
    assert "counted the names in 2 archive files again" in repaired.stdout, repaired
    assert "people.cache" not in run("doctor").stdout
    assert summaries.sum_counts(json.loads(counts.read_bytes())["people"]) == archived_names(db)
    assert Store(db).person_counts() == everyone(db)


def test_who_parses_one_persons_parts_of_the_sidecar(tmp_path: Path) -> None:
    db = archived_db(tmp_path)
    data = load_raw(db)
    assert data is not None
    entries = summaries.read_sidecar(db, archive_state(data)["summaries"])
    assert entries is not None
    ann = persons.person_key("Ann Lee")
    found = [entry["who"]["people"][ann] for entry in entries.values()]
    assert all(part["n"] > 0 for part in found)
    packed = next(iter(entries.values()))["who"]["people"].packed
    assert set(packed.parsed) == {ann}  # nobody else's was parsed
    assert len(packed.index) == len(PEOPLE)


def test_a_sidecar_in_one_json_text_is_read_and_packed_by_the_next_change(
    tmp_path: Path,
) -> None:
    db = archived_db(tmp_path)
    store = Store(db)
    full = full_who(store, "ann", START)
    sidecar = summaries.sidecar_of(db)
    entries = summaries.parse_sidecar(sidecar.read_bytes())
    assert entries is not None
    unpacked = {  # as the first sidecars were written
        period: {**entry, "who": {**entry["who"], "people": dict(entry["who"]["people"])}}
        for period, entry in entries.items()
    }
    sidecar.write_bytes(json.dumps({"v": summaries.WHO_VERSION, "files": unpacked}).encode())
    data = load_raw(db)
    assert data is not None
    archive_state(data)["summaries"] = summaries.sidecar_stamp(sidecar.stat())
    db.write_bytes(json.dumps(data).encode())
    assert b"\n" not in sidecar.read_bytes()
    assert fast_who(store, "ann", START, 15) == full.replace(history=full.history[:15])
    bring_back(store)  # an archived item comes back: the sidecar changes
    assert b"\n" in sidecar.read_bytes()  # packed
    with store.transaction():
        pass  # (confirms the file that lost the item was replaced)
    full = full_who(store, "ann", START)
    assert fast_who(store, "ann", START, 15) == full.replace(history=full.history[:15])


def test_a_write_that_changes_no_archive_file_reads_no_counts_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = archived_db(tmp_path)  # (today's pass is done)
    counts = summaries.counts_of(db)
    before = periods.fingerprint(counts.stat())
    active = sorted(
        int(k) for k, v in json.loads(db.read_bytes())["items"].items() if v["status"] == "open"
    )

    def refuse(*args: Any) -> None:
        raise AssertionError("read the counts file")

    with monkeypatch.context() as patch:
        patch.setattr(summaries, "read_counts", refuse)
        with Store(db).transaction(now=START) as tx:
            actions.complete(tx, Env(FixedClock(START)), active[0])
    assert periods.fingerprint(counts.stat()) == before
    assert Store(db).person_counts() == everyone(db)


def test_a_damaged_persons_parts_in_a_sidecar_that_still_looks_ours_are_not_shown_as_none(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sidecar is packed by person and ``who`` parses one person's parts: when those
    bytes are damaged but the file kept its size, time and inode (a bad disk block), ``who``
    and ``people`` read the archive files, as they did when the whole sidecar failed to parse
    (they showed the person with no archived history), and doctor reports it."""
    import os

    from respond.storage.doctor import check

    db = archived_db(tmp_path)
    monkeypatch.setenv("RESPOND_DB", str(db))
    now = START.isoformat()
    expected = {args: run(*args, now=now).stdout for args in (("who", "ann"), ("people",))}
    path = summaries.sidecar_of(db)
    before = path.stat()
    raw = path.read_bytes()
    header = json.loads(raw[: raw.index(b"\n")])
    start, _ = header["index"][persons.person_key("Ann Lee")]
    with path.open("r+b") as out:  # in place: same size and inode
        out.seek(raw.index(b"\n") + 1 + start + 1)
        out.write(b"\x00")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert periods.fingerprint(path.stat()) == periods.fingerprint(before)
    for args, out in expected.items():
        assert run(*args, now=now).stdout == out
    damaged = [f for f in check(db).findings if "summaries.cache" in f.text]
    assert [f.level for f in damaged] == ["problem"] and "is damaged" in damaged[0].text

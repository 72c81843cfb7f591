"""The capture log (``respond/storage/captures.py``) where it meets everything else, through
the real command: an ``add`` appends to ``<db>.captures`` without rewriting the active file;
every reader sees it at once, the next change folds it in (undo, IDs, the journal, the
prompt's counter, the week's scores, doctor), and a crash, a damaged or stale log, a stale
``<db>.names``, a restored backup, a FIFO or eight writers at once never lose, double or hang
a capture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import HANG, RESPOND, env_for, respond

NOW = "2026-11-25T09:00"

pytestmark = pytest.mark.slow


def run(db: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    out = respond(db, "--now", NOW, *args, RESPOND_CONFIG=str(db.parent / "none.toml"), **extra)
    return out


def ok(db: Path, *args: str, **extra: str) -> str:
    out = run(db, *args, **extra)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out.stdout


def log(db: Path) -> Path:
    return db.with_name(db.name + ".captures")


def active(db: Path) -> dict[str, Any]:
    items: dict[str, Any] = json.loads(db.read_bytes())["items"]
    return items


def listed(db: Path, *args: str) -> list[tuple[int, str]]:
    return [(i["id"], i["title"]) for i in json.loads(ok(db, "list", "--json", *args))]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "respond.json"
    ok(path, "add", "first", "--from", "Dana Whitfield")  # a full write: the database and names
    return path


def test_an_add_appends_to_the_log_and_every_reader_sees_it(db: Path) -> None:
    before = db.read_bytes()
    assert ok(db, "add", "second", "--from", "dana") == (
        'Added #2: second for Dana Whitfield (matched "dana"), due tomorrow 17:00\n'
    )
    assert db.read_bytes() == before  # the active file is not rewritten
    assert log(db).exists() and "second" in log(db).read_text()
    assert listed(db) == [(1, "first"), (2, "second")]
    assert "second" in ok(db, "show", "2")
    assert "2 open" in ok(db, "who", "Dana")
    assert "Dana Whitfield" in ok(db, "people")
    exported = json.loads(ok(db, "export", "--format", "json"))
    assert [i["title"] for i in exported["items"]] == ["first", "second"]
    # the name matched the capture's spelling too (the log's names count)
    assert ok(db, "add", "third", "--from", "Zed").startswith("Added #3")
    assert ok(db, "add", "fourth", "--from", "zed").startswith("Added #4: fourth for Zed (matched")
    ok(db, "add", "late", "--from", "Zed", "--by", "2026-11-24 12:00")
    assert "#5" in ok(db, "today") and "#5" in ok(db, "list", "--overdue")
    assert db.read_bytes() == before


def test_the_next_change_folds_the_log_and_undo_takes_captures_back_in_order(db: Path) -> None:
    for title in ("a", "b", "c"):
        ok(db, "add", title, "--from", "Sam")
    assert log(db).exists() and "4" not in active(db) and "2" not in active(db)
    ok(db, "done", "1", "--no-follow-up")  # a full write: folds, then marks #1 done
    assert not log(db).exists()
    assert sorted(active(db)) == ["1", "2", "3", "4"]
    assert ok(db, "undo") == "Undid done: restored #1: first (open)\n"
    assert ok(db, "undo") == "Undid add: removed #4\n"
    ok(db, "add", "d", "--from", "Sam")  # a capture again
    assert ok(db, "undo") == "Undid add: removed #5\n"  # folded, then taken back
    assert ok(db, "undo") == "Undid add: removed #3\n"
    assert listed(db) == [(1, "first"), (2, "a")]
    assert ok(db, "add", "e", "--from", "Sam").startswith("Added #6")  # never an ID reused


def test_a_capture_deleted_and_edited_like_any_item(db: Path) -> None:
    ok(db, "add", "typo", "--from", "Sam")
    ok(db, "edit", "2", "--title", "fixed")
    ok(db, "add", "gone", "--from", "Sam")
    ok(db, "delete", "3", "--yes")
    assert listed(db) == [(1, "first"), (2, "fixed")]
    assert ok(db, "add", "next", "--from", "Sam").startswith("Added #4")


def test_promise_wait_and_thanks_are_captures_too(db: Path) -> None:
    before = db.read_bytes()
    ok(db, "promise", "the draft", "--to", "Dana", "--by", "fri 3pm")
    ok(db, "wait", "sign-off", "--on", "Sam")
    ok(db, "thanks", "Dana", "for the fix")
    assert db.read_bytes() == before
    kinds = [i["kind"] for i in json.loads(ok(db, "list", "--json", "--all"))]
    assert kinds == ["ask", "promise", "waiting", "thanks"]
    assert ok(db, "prompt", "--format", "{open}") == "3\n"  # the thank-you is done at once


def test_the_prompt_counts_a_capture_without_rebuilding(db: Path) -> None:
    assert ok(db, "prompt") == ""
    state = db.with_name(db.name + ".state")
    ok(db, "add", "late", "--from", "Sam", "--by", "2026-11-24 12:00")
    head = state.read_bytes().split(b"\n")[0].split()
    assert head[-1] == b"%d" % log(db).stat().st_size  # counted by the capture itself
    assert ok(db, "prompt") == "!1\n"
    ok(db, "add", "also late", "--from", "Sam", "--by", "2026-11-23 12:00")
    assert ok(db, "prompt", "--format", "{overdue} {today} {open}") == "2 0 3\n"
    state.unlink()  # rebuilt from the database and the log
    assert ok(db, "prompt", "--format", "{overdue} {today} {open}") == "2 0 3\n"
    ok(db, "done", "3", "--no-follow-up")
    assert ok(db, "prompt", "--format", "{overdue} {today} {open}") == "1 0 2\n"


def test_week_counts_captures_before_and_after_the_fold(db: Path) -> None:
    ok(db, "week")  # the score cache, written for the active file
    ok(db, "promise", "p", "--to", "Sam", "--by", "2026-11-24 12:00")
    ok(db, "thanks", "Sam", "for everything")
    pending = ok(db, "week")
    fresh = ok(db, "week", RESPOND_NO_SCORE_CACHE="1")
    assert pending == fresh
    ok(db, "ack", "1", "--by", "tomorrow")  # folds
    assert not log(db).exists()
    assert ok(db, "week") == ok(db, "week", RESPOND_NO_SCORE_CACHE="1")


def test_a_crash_after_the_fold_leaves_a_log_that_is_never_added_twice(db: Path) -> None:
    ok(db, "add", "caught", "--from", "Sam")
    kept = log(db).read_bytes()
    ok(db, "done", "2", "--no-follow-up")  # folds and removes the log
    log(db).write_bytes(kept)  # as if the fold's commit had crashed before removing it
    assert listed(db, "--all") == [(1, "first"), (2, "caught")]
    assert "left over" in run(db, "doctor").stdout
    ok(db, "add", "after", "--from", "Sam")  # not a capture: a full write removes the old log
    assert not log(db).exists()
    assert listed(db, "--all") == [(1, "first"), (2, "caught"), (3, "after")]
    assert json.loads(ok(db, "show", "2", "--json"))["status"] == "done"


def test_a_line_never_confirmed_is_ignored_and_cut_off(db: Path) -> None:
    ok(db, "add", "whole", "--from", "Sam")
    with log(db).open("ab") as handle:
        handle.write(b'{"item":{"id":3,"uuid":"PARTIAL')  # killed in the middle of a write
    assert listed(db) == [(1, "first"), (2, "whole")]
    assert "1 capture," in run(db, "doctor").stdout
    ok(db, "add", "next", "--from", "Sam")
    assert log(db).read_bytes().count(b"\n") == 3 and b"PARTIAL" not in log(db).read_bytes()
    assert listed(db) == [(1, "first"), (2, "whole"), (3, "next")]


def test_a_damaged_line_is_reported_and_kept_aside(db: Path) -> None:
    ok(db, "add", "good", "--from", "Sam")
    with log(db).open("ab") as handle:
        handle.write(b"not a capture\n")
    assert listed(db) == [(1, "first"), (2, "good")]  # readers skip it
    checked = run(db, "doctor")
    assert (
        checked.returncode == 1 and "1 line(s) of the capture log can't be read" in checked.stdout
    )
    added = run(db, "add", "later", "--from", "Sam")  # a full write: folds, keeps the log aside
    assert added.returncode == 0 and added.stdout.startswith("Added #3")
    assert "could not be read: they were kept in" in added.stderr
    (aside,) = db.parent.glob("respond.json.captures.damaged-*")
    assert b"not a capture" in aside.read_bytes()
    assert not log(db).exists()
    assert listed(db) == [(1, "first"), (2, "good"), (3, "later")]


def test_doctor_repair_folds_a_damaged_log(db: Path) -> None:
    ok(db, "add", "good", "--from", "Sam")
    with log(db).open("ab") as handle:
        handle.write(b"[]\n")
    repaired = run(db, "doctor", "--repair")
    assert "added 1 capture(s) from the capture log; kept the log aside as" in repaired.stdout
    assert not log(db).exists() and "2" in active(db)
    assert run(db, "doctor").returncode == 0


def test_a_stale_names_file_sends_the_capture_to_a_full_write(db: Path) -> None:
    names = db.with_name(db.name + ".names")
    ok(db, "add", "one", "--from", "Sam")
    data = json.loads(db.read_bytes())
    data["items"]["9"] = {**data["items"]["1"], "uuid": "9" * 32, "title": "by hand"}
    data["meta"]["1"]["next_id"] = 10
    db.write_text(json.dumps(data))  # edited behind respond's back: names no longer match it
    assert ok(db, "add", "two", "--from", "Sam").startswith("Added #10")
    assert not log(db).exists()  # a full write, which folded #2 and rewrote the names
    assert json.loads(names.read_bytes().split(b"\n")[0])["next_id"] == 11
    assert listed(db) == [(1, "first"), (2, "one"), (9, "by hand"), (10, "two")]
    names.write_text("{damaged")
    assert ok(db, "add", "three", "--from", "Sam").startswith("Added #11")
    assert not log(db).exists()
    # a person's line damaged (the header still describes the file): a full write too
    head, _, people_text = names.read_bytes().partition(b"\n")
    names.write_bytes(head + b"\n" + people_text.replace(b'"Sam",', b'"Sam",x', 1))
    assert ok(db, "add", "four", "--from", "Sam").startswith("Added #12")
    assert not log(db).exists()


def people_of(names: Path) -> list[Any]:
    """The people ``<db>.names`` lists (after its header line)."""
    people: list[Any] = json.loads(names.read_bytes().partition(b"\n")[2])
    return people


def rewrite_people(names: Path, people: list[Any], *, digest: bool) -> None:
    """Put ``people`` in ``<db>.names`` as respond writes them; with ``digest``, its header's
    CRC-32 made to match (damage that the CRC does not catch), else left (an edit by hand)."""
    from respond.storage.captures import _digest

    head = json.loads(names.read_bytes().partition(b"\n")[0])
    body = json.dumps(people, separators=(",", ":")).encode() + b"\n"
    if digest:
        head["people"] = _digest(body)
    names.write_bytes(json.dumps(head, separators=(",", ":")).encode() + b"\n" + body)


def test_a_names_file_with_a_person_twice_sends_the_capture_to_a_full_write(db: Path) -> None:
    names = db.with_name(db.name + ".names")
    twice = ["dana whitfield", "DANA WHITFIELD", 0, 9]
    for where, typed in (
        ("before", "dana whitfield"),
        ("after", "dana whitfield"),
        ("after", "dana w"),
    ):
        people = people_of(names)
        people = [twice, *people] if where == "before" else [*people, twice]
        rewrite_people(names, people, digest=True)  # (past the CRC: the twice itself is seen)
        out = ok(db, "add", "x", "--from", typed)
        assert f'for Dana Whitfield (matched "{typed}")' in out, (where, out)
        assert not log(db).exists(), where  # a full write, which rewrote the names file
        assert names.read_bytes().count(b'["dana whitfield",') == 1


def test_a_names_file_edited_by_hand_is_not_trusted(tmp_path: Path) -> None:
    db = tmp_path / "respond.json"
    config = str(tmp_path / "none.toml")
    thanked = respond(
        db, "--now", "2026-06-01T09:00", "thanks", "Kim Arch", "x", RESPOND_CONFIG=config
    )
    assert thanked.returncode == 0, thanked.stderr
    ok(db, "add", "first", "--from", "Sam")  # the day's pass archives Kim's only item
    names = db.with_name(db.name + ".names")
    people = people_of(names)
    assert ["kim arch", "Kim Arch", 1, 0] in people
    people.remove(["kim arch", "Kim Arch", 1, 0])
    rewrite_people(names, people, digest=False)  # a person deleted by hand
    assert 'for Kim Arch (matched "kim")' in ok(db, "add", "x", "--from", "kim")
    assert not log(db).exists()  # a full write, which wrote the names file anew
    assert ["kim arch", "Kim Arch", 1, 1] in people_of(names)
    names.write_bytes(names.read_bytes().replace(b'"Kim Arch",1,1', b'"Kim Arch",1,9'))
    ok(db, "add", "y", "--from", "Sam")
    assert not log(db).exists()


def test_a_restored_backup_keeps_the_captures(db: Path) -> None:
    ok(db, "add", "full", "--from", "Sam", RESPOND_NO_LANE="1")  # keeps a backup of #1 only
    ok(db, "add", "captured", "--from", "Sam")
    db.write_bytes(b"{damaged")
    repaired = run(db, "doctor", "--repair")
    assert "restored" in repaired.stdout, repaired.stdout
    # the backup holds #1; #2 was issued before the damage; the log still holds #3
    assert listed(db) == [(1, "first"), (3, "captured")]
    assert ok(db, "add", "on", "--from", "Sam").startswith("Added #4")


def _keyless(db: Path) -> None:
    """``db`` as the last release wrote it: no key of its own in the meta (``score_key``),
    no ``<db>.names``."""
    data = json.loads(db.read_bytes())
    del data["meta"]["1"]["score_key"]
    db.write_text(json.dumps(data))
    db.with_name(db.name + ".names").unlink()


@pytest.mark.parametrize("how", ["doctor", "by hand"])
def test_a_restored_backup_from_before_the_databases_key_keeps_the_captures(
    db: Path, how: str
) -> None:
    _keyless(db)
    ok(db, "add", "full", "--from", "Sam")  # gives the database its key; the backup has none
    (backup,) = (db.parent / "respond.json.backups").iterdir()
    ok(db, "add", "captured", "--from", "Sam")
    assert log(db).exists()
    if how == "doctor":
        db.write_bytes(b"{damaged")
        repaired = run(db, "doctor", "--repair")
        assert "restored" in repaired.stdout and "another database" not in repaired.stdout
    else:
        shutil.copyfile(backup, db)
    # the backup holds #1; #2 was issued before it was restored; the log still holds #3
    assert listed(db) == [(1, "first"), (3, "captured")]
    added = run(db, "add", "on", "--from", "Sam", RESPOND_NO_LANE="1")  # folds the log
    assert added.stdout.startswith("Added #4") and added.stderr == ""
    assert listed(db) == [(1, "first"), (3, "captured"), (4, "on")]
    assert not list(db.parent.glob("respond.json.captures.*"))


def test_a_restored_backup_that_took_a_captured_id_renumbers_the_capture(db: Path) -> None:
    backup = db.read_bytes()  # next ID 2
    ok(db, "add", "captured", "--from", "Sam")  # #2, in the log
    db.write_bytes(backup)
    data = json.loads(backup)
    data["items"]["2"] = {**data["items"]["1"], "uuid": "2" * 32, "title": "restored two"}
    data["meta"]["1"]["next_id"] = 3
    db.write_text(json.dumps(data))  # another #2 came back with it
    assert listed(db) == [(1, "first"), (2, "restored two"), (3, "captured")]
    ok(db, "done", "1", "--no-follow-up")
    assert listed(db) == [(2, "restored two"), (3, "captured")]
    assert ok(db, "undo") == "Undid done: restored #1: first (open)\n"
    assert ok(db, "undo") == "Undid add: removed #3\n"  # its journal entry renumbered with it


def test_a_fifo_capture_log_never_hangs(db: Path) -> None:
    os.mkfifo(log(db))
    shown = run(db, "list")
    assert shown.returncode == 0 and "first" in shown.stdout
    added = run(db, "add", "x", "--from", "Sam")
    assert added.returncode == 0 and added.stdout.startswith("Added #2")
    assert "is not a regular file" in run(db, "doctor").stdout
    assert listed(db) == [(1, "first"), (2, "x")]


def test_eight_writers_at_once_lose_and_double_nothing(db: Path) -> None:
    procs = [
        subprocess.Popen(
            [RESPOND, "--now", NOW, *args],
            env=env_for(db, RESPOND_CONFIG=str(db.parent / "none.toml")),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in [
            *(["add", f"c{k}", "--from", "Sam"] for k in range(6)),
            ["done", "1", "--no-follow-up"],  # a full write, folding whatever is captured
            ["promise", "p", "--to", "Sam", "--by", "fri 3pm"],
        ]
    ]
    outs = [p.communicate(timeout=HANG) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    ids = sorted(i for i, _ in listed(db, "--all"))
    assert ids == list(range(1, 9))
    titles = sorted(t for _, t in listed(db, "--all"))
    assert titles == sorted(["first", "p", *(f"c{k}" for k in range(6))])


def test_a_database_copied_with_its_log_reads_the_same(db: Path, tmp_path: Path) -> None:
    ok(db, "add", "x", "--from", "Sam")
    copy = tmp_path / "copy"
    shutil.copytree(db.parent, copy)
    assert listed(copy / "respond.json") == listed(db)


def test_a_capture_that_would_take_the_log_past_its_size_limit_is_a_full_write(db: Path) -> None:
    # readers read a log up to 8 MB (captures.LIMIT) and take the rest for damage: a capture
    # appended past it was confirmed ("Added") but no reader saw it, and the next change kept
    # it aside as damage instead of adding it
    big = "\U0001f600" * 32000  # 768 kB in the log (JSON escapes it to 12 bytes a character)
    assert ok(db, "add", big, "--from", "Sam", "--note", big).startswith("Added #2")
    header, line = log(db).read_bytes().split(b"\n")[:2]
    capture = json.loads(line)
    lines = [header]
    for item_id in range(3, 12):  # 8.4 MB of captures: #2 to #11
        capture["item"]["id"] = item_id
        capture["item"]["uuid"] = f"{item_id:032x}"
        capture["journal"]["changes"][0]["id"] = item_id
        lines.append(json.dumps(capture, separators=(",", ":")).encode())
    log(db).write_bytes(b"\n".join([lines[0], line, *lines[1:]]) + b"\n")
    assert log(db).stat().st_size < 8 << 20
    assert ok(db, "add", big, "--from", "Sam", "--note", big).startswith("Added #12")
    assert [i for i, _ in listed(db)] == list(range(1, 13))
    assert ok(db, "prompt", "--format", "{open}") == "12\n"
    ok(db, "snooze", "1", "1d")  # a full write: folds the log
    assert [i for i, _ in listed(db)] == list(range(1, 13))
    assert not list(db.parent.glob("respond.json.captures.damaged-*"))


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to fail an fsync")
def test_a_new_log_whose_folder_fsync_fails_is_added_once(db: Path) -> None:
    # the log's line was written and fsync-ed, then the folder's fsync failed: the lane fell
    # through to Typer, whose full write folded the log *and* added the item again
    injected = subprocess.run(
        ["strace", "-f", "-qq", "-o", os.devnull, "-e", "trace=fsync",
         "-e", "inject=fsync:error=EIO:when=2", RESPOND, "--now", NOW,
         "add", "once", "--from", "Sam"],
        env=env_for(db, RESPOND_CONFIG=str(db.parent / "none.toml")),
        capture_output=True, text=True, timeout=HANG,
    )  # fmt: skip
    if "Operation not permitted" in injected.stderr and "ptrace" in injected.stderr:
        pytest.skip("ptrace is not allowed here")
    assert injected.returncode == 0, injected.stderr
    assert injected.stdout.startswith("Added #2: once")
    assert "did not confirm it is durable" in injected.stderr
    assert listed(db) == [(1, "first"), (2, "once")]


@pytest.mark.parametrize("read", ["snapshot", "person_counts", "summaries", "week", "prompt"])
def test_a_read_racing_a_fold_still_sees_every_capture(
    db: Path, monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    # a reader loads the active file, then a writer folds the log into a new active file and
    # removes the log, then the reader looks for the log: it saw neither copy of the capture
    from datetime import datetime

    from respond.storage import captures
    from respond.storage.database import Store
    from tests.support.cli import invoke

    ok(db, "add", "captured", "--from", "Sam", "--by", "2026-11-24 12:00")  # overdue
    ok(db, "thanks", "Sam", "captured too")
    assert log(db).exists()
    real, raced = captures.read, []

    def racing(path: Any) -> Any:
        if not raced:
            raced.append(path)
            ok(db, "snooze", "1", "1d")  # a real writer, in between
            assert not log(db).exists()
        return real(path)

    monkeypatch.setattr(captures, "read", racing)
    store = Store(db)
    if read == "snapshot":
        assert sorted(store.snapshot().items) == [1, 2, 3]
    elif read == "person_counts":
        assert store.person_counts() == {"Dana Whitfield": 1, "Sam": 2}
    elif read == "summaries":
        found = store.summaries(datetime.fromisoformat(NOW).astimezone())
        assert found is not None and sorted(found[0]) == ["1", "2", "3"]
    elif read == "week":
        env = {"RESPOND_DB": str(db), "RESPOND_CONFIG": str(db.parent / "none.toml")}
        card = json.loads(invoke("week", "--json", now=NOW, env=env).stdout)
        assert card["week"]["habits"]["gratitude"]["kept"] == 1
    else:
        env = {"RESPOND_DB": str(db), "RESPOND_CONFIG": str(db.parent / "none.toml")}
        db.with_name(db.name + ".state").unlink()  # (else the prompt reads no database file)
        shown = invoke("prompt", "--format", "{overdue}/{open}", now=NOW, env=env).stdout
        assert shown == "1/2\n"
    assert raced


def test_a_log_left_by_a_deleted_database_never_comes_back(db: Path) -> None:
    ok(db, "add", "old capture", "--from", "Sam")
    db.unlink()  # the database made anew; its capture log stays behind
    added = run(db, "add", "fresh", "--from", "Kim")
    assert added.returncode == 0 and added.stdout.startswith("Added #1: fresh")
    assert "a capture log of another database" in added.stderr
    assert listed(db) == [(1, "fresh")]
    (aside,) = db.parent.glob("respond.json.captures.other-database-*")
    assert b"old capture" in aside.read_bytes()
    ok(db, "add", "next", "--from", "Kim")  # a capture of this database: added
    assert listed(db) == [(1, "fresh"), (2, "next")]


def test_another_databases_log_put_beside_it_is_not_added(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "respond.json"
    other.parent.mkdir()
    ok(other, "add", "theirs", "--from", "Sam")
    ok(other, "add", "their capture", "--from", "Sam")
    log(other).rename(log(db))
    assert listed(db) == [(1, "first")]
    checked = run(db, "doctor")
    assert checked.returncode == 1 and "was started for another database" in checked.stdout
    repaired = run(db, "doctor", "--repair")
    assert "another database's capture log" in repaired.stdout
    assert not log(db).exists() and listed(db) == [(1, "first")]


def test_doctor_reports_a_link_in_place_of_the_log(db: Path, tmp_path: Path) -> None:
    log(db).symlink_to(tmp_path / "nowhere")
    assert ok(db, "add", "x", "--from", "Sam").startswith("Added #2")  # a full write
    checked = run(db, "doctor")
    assert checked.returncode == 1 and "is a symbolic link" in checked.stdout
    assert "removed the symbolic link" in run(db, "doctor", "--repair").stdout
    assert not log(db).is_symlink()
    ok(db, "add", "y", "--from", "Sam")
    assert log(db).exists() and listed(db) == [(1, "first"), (2, "x"), (3, "y")]

"""Export (JSON, CSV, ICS) and import: lossless round trips, idempotence, ID collisions,
spreadsheet safety, and calendars that parse back with the same due times."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from respond.core.model import Item
from respond.formats.export import spreadsheet_safe, to_csv, to_ics
from respond.storage.database import Store
from tests.support.cli import Run
from tests.support.factory import generate, write

END = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def parse_ics_dues(data: bytes) -> dict[str, datetime | None]:
    """Read an ICS file back: each VTODO's UID and DUE."""
    dues: dict[str, datetime | None] = {}
    for todo in Calendar.from_ical(data).walk("VTODO"):
        due = todo.get("due")
        dues[str(todo.get("uid"))] = due.dt if due is not None else None
    return dues


def items_of(db: Path) -> list[dict]:
    return [
        item.to_record() for item in sorted(Store(db).snapshot().items.values(), key=lambda i: i.id)
    ]


@pytest.fixture
def realistic(db_path: Path) -> list[Item]:
    items = generate(300, seed=11, end=END)
    write(db_path, items)
    return items


def test_json_export_round_trips_exactly_and_idempotently(
    run: Run, realistic: list[Item], db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run("export")
    assert out.exit_code == 0 and out.stderr == ""
    document = json.loads(out.stdout)
    assert document["format"] == "respond-export" and document["version"] == 1
    closed = [record.pop("closed_at") for record in document["items"]]  # derived: not stored
    assert document["items"] == items_of(db_path)
    assert sum(c is not None for c in closed) == sum(
        r["status"] in ("done", "dropped") for r in document["items"]
    )
    exported = tmp_path / "export.json"
    exported.write_text(out.stdout)

    other = tmp_path / "other.json"
    monkeypatch.setenv("RESPOND_DB", str(other))
    first = run("import", str(exported))
    assert first.exit_code == 0 and first.stdout == f"Imported 300 item(s) from {exported}\n"
    assert items_of(other) == items_of(db_path)
    again_items = json.loads(run("export").stdout)["items"]
    assert [record.pop("closed_at") for record in again_items] == closed
    assert again_items == document["items"]
    before = other.read_bytes()
    again = run("import", str(exported))
    assert again.exit_code == 0 and "already here" in again.stdout
    assert items_of(other) == items_of(db_path)
    assert other.read_bytes() == before  # nothing written at all


def test_import_renumbers_colliding_ids_and_remaps_links(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    run("add", "ask A", "--from", "Dana")  # 1
    run("wait", "for A", "--on", "Jane", "--for", "1")  # 2 -> 1
    run("done", "1")  # 3 follows up 1
    exported = tmp_path / "a.json"
    exported.write_text(run("export").stdout)
    source = items_of(db_path)

    monkeypatch.setenv("RESPOND_DB", str(tmp_path / "b.json"))
    run("add", "mine", "--from", "Sam")  # 1
    run("add", "deleted", "--from", "Sam")  # 2
    run("delete", "2")  # ID 2 is used, even though gone
    out = run("import", str(exported))
    assert out.stdout == f"Imported 3 item(s) from {exported} (2 renumbered)\n"
    got = items_of(tmp_path / "b.json")
    assert [(i["id"], i["kind"], i["title"]) for i in got] == [
        (1, "ask", "mine"),
        (3, "followup", "ask A"),  # the file's #3 is free here: kept
        (4, "ask", "ask A"),  # the file's #1 and #2 were used here: fresh IDs
        (5, "waiting", "for A"),
    ]
    follow, ask, waiting = got[1:]
    assert waiting["for_id"] == 4 and follow["for_id"] == 4
    scheduled = [e for e in ask["history"] if e["event"] == "follow-up scheduled"]
    assert scheduled[0]["followup_id"] == 3
    # everything but the IDs is kept
    for old in source:
        new = next(i for i in items_of(tmp_path / "b.json") if i["uuid"] == old["uuid"])
        assert {k: v for k, v in new.items() if k not in ("id", "for_id", "history")} == {
            k: v for k, v in old.items() if k not in ("id", "for_id", "history")
        }
    # and an import is one change that undo takes back
    assert run("undo").stdout == "Undid import: removed #3, #4, #5\n"
    assert [i["title"] for i in items_of(tmp_path / "b.json")] == ["mine"]


def test_link_to_an_item_outside_the_file_is_kept_and_reserved(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("add", "A", "--from", "Dana")  # 1
    run("done", "1")  # follow-up 2 -> 1
    run("delete", "1")
    exported = tmp_path / "a.json"
    exported.write_text(run("export").stdout)
    monkeypatch.setenv("RESPOND_DB", str(tmp_path / "b.json"))
    run("import", str(exported))
    assert [(i["id"], i["for_id"]) for i in items_of(tmp_path / "b.json")] == [(2, 1)]
    out = run("add", "new", "--from", "Sam")
    assert out.stdout.startswith("Added #3:")  # never #1: the link would point at it


@pytest.mark.parametrize("high", [2**53 - 1, 10**15 + 1])
def test_an_imported_id_too_high_gets_a_fresh_one_so_the_next_add_and_a_round_trip_work(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, high: int
) -> None:
    run("add", "A", "--from", "Dana")  # 1
    run("wait", "for A", "--on", "Jane", "--for", "1")  # 2 -> 1
    data = json.loads(run("export").stdout)
    data["items"][0]["id"] = high
    data["items"][1]["for_id"] = high
    data["items"][1]["history"][0]["followup_id"] = high + 1  # a link to nothing in the file
    crafted = tmp_path / "high.json"
    crafted.write_text(json.dumps(data))
    monkeypatch.setenv("RESPOND_DB", str(tmp_path / "b.json"))
    assert (
        run("import", str(crafted)).stdout == f"Imported 2 item(s) from {crafted} (1 renumbered)\n"
    )
    got = items_of(tmp_path / "b.json")
    assert [(i["title"], i["id"], i["for_id"]) for i in got] == [("for A", 2, 3), ("A", 3, None)]
    assert got[0]["history"][0]["followup_id"] is None
    assert run("add", "next", "--from", "Sam").stdout.startswith("Added #4:")
    assert run("doctor").exit_code == 0
    again = tmp_path / "again.json"
    again.write_text(run("export").stdout)  # the database's own export imports
    monkeypatch.setenv("RESPOND_DB", str(tmp_path / "c.json"))
    assert run("import", str(again)).stdout == f"Imported 3 item(s) from {again}\n"


BAD_FILES = [
    ("not json", "not valid JSON"),
    ("[]", "not a respond export"),
    ('{"format": "respond-export", "version": 99, "items": []}', "version 99"),
    ('{"format": "respond-export", "version": 1, "items": [{"id": 1}]}', "item 1: has no 'uuid'"),
    ('[{"uuid": "x", "description": "d", "entry": "20261125T100000Z"}]', "--from taskwarrior"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_import_files_are_refused_whole(
    run: Run, tmp_path: Path, db_path: Path, content: str, message: str
) -> None:
    run("add", "keep me", "--from", "Dana")
    before = db_path.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = run("import", str(bad))
    assert out.exit_code == 2 and out.stderr.count("\n") == 1 and message in out.stderr, out
    assert db_path.read_bytes() == before


def test_one_bad_record_writes_nothing(run: Run, tmp_path: Path, db_path: Path) -> None:
    run("add", "A", "--from", "Dana")
    run("add", "B", "--from", "Sam")
    document = json.loads(run("export").stdout)
    document["items"][1]["kind"] = "chore"
    db_path.unlink()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    out = run("import", str(bad))
    assert out.exit_code == 2 and "item 2: has an unknown kind 'chore'" in out.stderr
    assert not db_path.exists()


def test_import_errors_for_missing_files_and_sources(run: Run, tmp_path: Path) -> None:
    assert run("import", str(tmp_path / "nope.json")).stderr.startswith("respond: no such file")
    out = run("import", "--from", "jira", str(tmp_path))
    assert out.exit_code == 2 and "unknown source" in out.stderr
    assert run("export", "--format", "xml").exit_code == 2


def test_import_reads_stdin(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("add", "A", "--from", "Dana")
    text = run("export").stdout
    monkeypatch.setenv("RESPOND_DB", str(tmp_path / "b.json"))
    assert run("import", "-", input=text).stdout == "Imported 1 item(s) from stdin\n"


# --- CSV -----------------------------------------------------------------------------------


def test_csv_has_a_header_a_row_per_item_and_local_times(run: Run, realistic: list[Item]) -> None:
    out = run("export", "--format", "csv")
    assert not out.stdout.startswith("\ufeff")  # no BOM on stdout: it feeds other programs
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 300
    first = min(realistic, key=lambda i: i.id)
    assert rows[0]["id"] == str(first.id) and rows[0]["uuid"] == first.uuid
    assert rows[0]["created"] == f"{first.created.astimezone():%Y-%m-%d %H:%M}"


def test_csv_file_has_a_bom_and_guards_formulas(run: Run, tmp_path: Path) -> None:
    run("add", '=HYPERLINK("http://x")', "--from", "+Dana", "--note", "line 1\nline 2")
    run("add", "@SUM(1)", "--from", "-Sam", "--tag", "=x")
    target = tmp_path / "out.csv"
    out = run("export", "--format", "csv", "--output", str(target))
    assert out.exit_code == 0 and out.stdout == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")' and rows[0]["person"] == "'+Dana"
    assert rows[0]["note"] == "line 1\nline 2"
    assert rows[1]["title"] == "'@SUM(1)" and rows[1]["person"] == "'-Sam"
    assert rows[1]["tags"] == "'=x"
    assert oct(target.stat().st_mode & 0o777) == "0o600"


@given(st.text(max_size=30))
def test_no_cell_starts_a_formula(value: str) -> None:
    safe = spreadsheet_safe(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (value, "'" + value)


# --- ICS -----------------------------------------------------------------------------------


def test_ics_of_a_realistic_database_parses_back_with_the_same_due_times(
    run: Run, realistic: list[Item], tmp_path: Path, db_path: Path
) -> None:
    target = tmp_path / "respond.ics"
    out = run("export", "--format", "ics", "--output", str(target))
    assert out.exit_code == 0, out
    dues = parse_ics_dues(target.read_bytes())
    stored = Store(db_path).snapshot().items.values()  # times at the stored precision
    open_items = {item.uuid: item.due for item in stored if item.is_open}
    assert len(open_items) > 10
    assert dues == open_items
    assert parse_ics_dues(run("export", "-F", "ics").stdout.encode()) == open_items  # stdout


def test_export_to_a_file_says_how_many_items_it_wrote(
    run: Run, realistic: list[Item], tmp_path: Path, db_path: Path
) -> None:
    stored = list(Store(db_path).snapshot().items.values())
    open_items = [item for item in stored if item.is_open]
    dated = [item for item in open_items if item.due is not None]
    assert len(stored) > len(open_items) > 10
    for fmt, written in [
        ("json", f"{len(stored)} item(s)"),
        ("csv", f"{len(stored)} item(s)"),
        ("ics", f"{len(open_items)} open item(s)"),
        ("ics-events", f"{len(dated)} open item(s) with a due time"),
    ]:
        target = tmp_path / f"export.{fmt}"
        out = run("export", "--format", fmt, "--output", str(target))
        assert (out.exit_code, out.stdout) == (0, ""), out
        assert out.stderr == f"Exported {written} as {fmt} to {target}\n"
    calendar = (tmp_path / "export.ics").read_bytes()
    assert len(parse_ics_dues(calendar)) == len(open_items)  # the number said is the number written


def test_ics_events_put_each_due_item_in_the_calendar_with_an_alarm(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    """For calendars that ignore VTODO (Google Calendar): a VEVENT at each due time."""
    from datetime import timedelta

    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-26 15:30", "--tag", "finance")
    run("promise", "Slides", "--to", "Sam", "--by", "fri 3pm")
    run("add", "Done already", "--from", "Kim")
    run("done", "3", "--no-follow-up")
    target = tmp_path / "events.ics"
    out = run("export", "--format", "ics-events", "--output", str(target))
    assert out.exit_code == 0, out
    stored = Store(db_path).snapshot().items
    calendar = Calendar.from_ical(target.read_bytes())
    assert calendar.walk("VTODO") == []
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Reply to Dana: Q3 numbers",
        "Promised Sam: Slides",
    ]
    todos = {
        str(t["uid"])
        for t in Calendar.from_ical(run("export", "-F", "ics").stdout.encode()).walk("VTODO")
    }
    for event, item in zip(events, (stored[1], stored[2]), strict=True):
        assert str(event["uid"]) == item.uuid + "-due" and str(event["uid"]) not in todos
        assert event["dtstart"].dt == item.due
        assert event["duration"].dt == timedelta(minutes=15)
        assert str(event["transp"]) == "TRANSPARENT"
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm["trigger"].dt == timedelta(0)  # at the due time
        assert str(alarm["description"]) == str(event["summary"])
    assert events[0]["dtstart"].dt == datetime(2026, 11, 26, 14, 30, tzinfo=UTC)  # 15:30 Berlin
    assert [str(c) for c in events[0]["categories"].cats] == ["ask", "finance"]


def test_ics_summaries_and_hostile_text(tmp_path: Path) -> None:

    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    item = Item(
        id=7, uuid="u-7", kind="ask", person="Dana; [red]", title="VPN\x1b[31m, now\nplease",
        channel="email", created=now, due=datetime(2026, 11, 26, 16, 0, tzinfo=UTC),
        tags=["it"], note="line 1\nline 2",
    )  # fmt: skip
    done = Item(id=8, uuid="u-8", kind="ask", person="P", title="t", channel=None,
                created=now, due=now, status="done")  # fmt: skip
    data = to_ics([item, done], now)
    todos = Calendar.from_ical(data).walk("VTODO")
    assert len(todos) == 1
    todo = todos[0]
    assert str(todo["summary"]) == "Reply to Dana; [red]: VPN\\x1b[31m, now\\nplease"
    assert str(todo["uid"]) == "u-7"
    assert todo["due"].dt == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert str(todo["description"]).endswith("line 1\nline 2")
    assert b"\x1b" not in data


def test_csv_function_uses_the_given_zone() -> None:
    from zoneinfo import ZoneInfo

    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    item = Item(id=1, uuid="u", kind="ask", person="P", title="t", channel="email",
                created=now, due=now)  # fmt: skip
    text = to_csv([item], ZoneInfo("America/New_York"))
    assert "2026-11-25 04:00" in text


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=20).filter(str.strip), st.text(max_size=20)),
        min_size=1,
        max_size=5,
    )
)
def test_any_text_survives_a_json_round_trip(pairs: list[tuple[str, str]]) -> None:
    from respond.core.actions import Env
    from respond.core.clock import FixedClock
    from respond.formats.export import to_json
    from respond.formats.imports import import_items, items_from_export
    from tests.support.factory import MemorySession

    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    items = [
        Item(
            id=n,
            uuid=f"u{n}",
            kind="promise",
            person=f"P{n}",
            title=title,
            channel=None,
            created=now,
            due=now,
            note=note,
        )
        for n, (title, note) in enumerate(pairs, start=1)
    ]
    text = to_json(items, now)
    session = MemorySession()
    import_items(session, Env(FixedClock(now)), items_from_export(json.loads(text), "x"), "x")
    assert [i.to_record() for i in session.store.values()] == [i.to_record() for i in items]


def test_only_ics_export_imports_icalendar(run: Run, db_path: Path) -> None:
    from tests.support.processes import modules_after

    run("add", "A", "--from", "Dana")
    assert "icalendar" not in modules_after(db_path, "export")
    assert "icalendar" not in modules_after(db_path, "--help")
    assert "icalendar" in modules_after(db_path, "export", "--format", "ics")

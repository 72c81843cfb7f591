"""Hostile import files: respond's own export format and taskwarrior's, with any JSON value in
any field, lone surrogates, extreme dates, huge numbers and deep nesting. An import either
succeeds or is refused in one line (exit 2, nothing written); what it stores never breaks an
output afterwards. A database edited by hand to hold such records is found by ``doctor`` and
shown by every command without a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from respond.core.model import CHANNELS, KINDS, STATUSES
from respond.core.text import json_text, visible
from tests.support import cli, fuzz
from tests.support.cli import NOW
from tests.support.processes import respond

CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OSC52 = "\x1b]52;c;aGk=\x07"
CREATED = "2026-11-20T10:00:00+00:00"
RECORD: dict[str, Any] = {
    "id": 1, "uuid": "u-1", "kind": "ask", "person": "Dana", "title": "Q3 numbers",
    "channel": "email", "created": CREATED, "due": "2026-11-27T16:00:00+00:00",
    "status": "open", "for_id": None, "tags": ["q3"], "note": "by Friday",
    "history": [{"event": "created", "at": CREATED, "due": "2026-11-27T16:00:00+00:00"}],
    "updated": CREATED,
}  # fmt: skip
TASK: dict[str, Any] = {
    "uuid": "t-1", "description": "Send the deck", "status": "pending",
    "entry": "20261120T100000Z", "due": "20261127T160000Z", "tags": ["work"],
    "project": "Work.deck", "person": "Sam",
    "annotations": [{"entry": "20261121T100000Z", "description": "asked twice"}],
}  # fmt: skip
# The extreme times of the attack and their neighbours: each refused or stored, never a crash.
TIMES = [
    "9999-12-31T20:00:00+00:00", "9999-12-31T20:00Z", "0001-01-01T00:00+14:00",
    "0001-01-01T00:00:00", "0002-01-01T00:00:00+14:00", "9998-12-31T23:59:59-23:59",
    "99991231T200000Z", "00010101T000000Z", "2026-11-25T10:00:00+00:00", "20261125T100000Z",
    "2026-02-30T10:00:00+00:00", "garbage", "", "2026-11-25", "+2026-11-25T10:00",
]  # fmt: skip


def export_file(*records: Any) -> dict[str, Any]:
    return {"format": "respond-export", "version": 1, "items": list(records)}


def invoke(db: Path, *args: str) -> tuple[int, str, str]:
    """The CLI in-process on ``db``; a traceback fails."""
    result = cli.invoke(*args, now=NOW, env={"RESPOND_DB": str(db)})
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")  # ensure_ascii: "\ud800" as an escape
    return path


def refused(db: Path, before: bytes | None, code: int, err: str) -> None:
    """Exit 2, one line on stderr with nothing raw in it, and the database as it was."""
    assert code == 2, err
    assert err.startswith("respond: ") and err.count("\n") == 1, err
    assert not CONTROLS.search(err[:-1]), err
    assert (db.read_bytes() if db.exists() else None) == before


def seeded(db: Path) -> bytes:
    assert invoke(db, "add", "seed", "--from", "Kim")[0] == 0
    return db.read_bytes()


def every_output_works(db: Path) -> None:
    """The outputs the attack broke, each without a traceback (checked by :func:`invoke`)."""
    for args in (
        ("list", "--all", "--json"),
        ("list", "--all"),
        ("today", "--json"),
        ("export",),
        ("export", "--format", "csv"),
        ("export", "--format", "ics"),
        ("export", "--format", "ics-events"),
        ("people",),
        ("doctor",),
    ):
        code, out, err = invoke(db, *args)
        assert code in (0, 1), (args, err)  # doctor says 1 when it finds a problem
        if "--json" in args or args == ("export",):
            json.loads(out)
    listed = json.loads(invoke(db, "list", "--all", "--json")[1])
    for person in sorted({item["person"] for item in listed})[:2]:
        for args in (("who", person), ("who", person, "--json")):
            code, _, err = invoke(db, *args)
            assert code in (0, 1), (args, err)  # 1: a name that matches no one


# ---- point 1: every text and time an import stores is checked ------------------------------

SURROGATE = "x\ud800"


@pytest.mark.parametrize(
    "change",
    [
        {"uuid": SURROGATE},
        {"title": SURROGATE},
        {"person": SURROGATE},
        {"note": SURROGATE},
        {"tags": [SURROGATE]},
        {"history": [{"event": "created", "at": CREATED, "by": SURROGATE}]},
        {"history": [{"event": "created", "at": CREATED, SURROGATE: 1}]},
        {"due": "9999-12-31T20:00:00+00:00"},
        {"due": "0001-01-01T00:00+14:00"},
        {"created": "0001-01-01T00:00+14:00"},
        {"created": "0002-01-01T00:00:00+14:00"},  # year 1 once stored in UTC
        {"updated": "9999-12-31T20:00:00+00:00"},
        {"history": [{"event": "created", "at": "9999-12-31T20:00:00+00:00"}]},
        {"history": [{"event": "snoozed", "at": CREATED, "to": "0001-01-01T00:00+14:00"}]},
        {"updated": "garbage"},
        {"updated": 5},
        {"id": 10**30},
        {"history": [{"event": "created", "at": CREATED, "n": float("inf")}]},
    ],
    ids=repr,
)
def test_a_respond_export_with_a_bad_text_or_time_is_refused(
    tmp_path: Path, db_path: Path, change: dict[str, Any]
) -> None:
    before = seeded(db_path)
    path = write(tmp_path / "in.json", export_file({**RECORD, **change}))
    code, _, err = invoke(db_path, "import", str(path))
    refused(db_path, before, code, err)
    assert "item 1" in err


@pytest.mark.parametrize(
    "change",
    [
        {"uuid": SURROGATE},
        {"description": SURROGATE},
        {"person": SURROGATE},
        {"tags": [SURROGATE]},
        {"project": SURROGATE},
        {"annotations": [{"entry": "20261121T100000Z", "description": SURROGATE}]},
        {"due": "9999-12-31T20:00:00Z"},
        {"due": "0001-01-01T00:00+14:00"},
        {"entry": "9999-12-31T23:00:00-05:00"},
        {"status": "completed", "end": "99991231T235959Z"},
        {"annotations": 5},
        {"status": ["pending"]},
        {"status": {"a": 1}},
    ],
    ids=repr,
)
def test_a_taskwarrior_export_with_a_bad_value_is_refused(
    tmp_path: Path, db_path: Path, change: dict[str, Any]
) -> None:
    before = seeded(db_path)
    path = write(tmp_path / "tasks.json", [{**TASK, **change}])
    code, _, err = invoke(db_path, "import", "--from", "taskwarrior", str(path))
    refused(db_path, before, code, err)
    assert "task 1" in err


@pytest.mark.parametrize("source", ["respond", "taskwarrior"])
def test_a_due_time_past_year_9999_in_tokyo_is_refused_by_the_real_command(
    tmp_path: Path, source: str
) -> None:
    db = tmp_path / "respond.json"
    if source == "respond":
        data: Any = export_file({**RECORD, "due": "9999-12-31T20:00:00+00:00"})
    else:
        data = [{**TASK, "due": "9999-12-31T20:00:00Z"}]
    path = write(tmp_path / "in.json", data)
    done = respond(db, "import", "--from", source, str(path), TZ="Asia/Tokyo")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not db.exists()


# ---- point 8: nesting ------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["respond", "taskwarrior"])
@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_is_one_line(
    tmp_path: Path, db_path: Path, source: str, depth: int
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    code, _, err = invoke(db_path, "import", "--from", source, str(path))
    refused(db_path, None, code, err)


def test_a_record_nested_deeper_than_respond_writes_is_refused(
    tmp_path: Path, db_path: Path
) -> None:
    deep: Any = 1
    for _ in range(500):
        deep = [deep]
    event = {"event": "created", "at": CREATED, "x": deep}
    path = write(tmp_path / "in.json", export_file({**RECORD, "history": [event]}))
    code, _, err = invoke(db_path, "import", str(path))
    refused(db_path, None, code, err)
    assert "nested too deeply" in err


# ---- point 11: duplicates, and escape sequences in what errors quote ------------------------


def test_taskwarrior_tasks_with_the_same_uuid_are_refused(tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path / "tasks.json", [TASK, {**TASK, "description": "another"}])
    code, _, err = invoke(db_path, "import", "--from", "taskwarrior", str(path))
    refused(db_path, None, code, err)
    assert "task 2 has the uuid 't-1' of task 1" in err


@pytest.mark.parametrize("source", ["respond", "taskwarrior"])
def test_import_errors_never_print_the_files_escape_sequences(
    tmp_path: Path, db_path: Path, source: str
) -> None:
    uuid = "u" + OSC52
    if source == "respond":
        data: Any = export_file({**RECORD, "uuid": uuid}, {**RECORD, "id": 2, "uuid": uuid})
    else:
        data = [{**TASK, "uuid": uuid}, {**TASK, "uuid": uuid}]
    path = write(tmp_path / "in.json", data)
    code, _, err = invoke(db_path, "import", "--from", source, str(path))
    refused(db_path, None, code, err)
    assert "\\x1b]52" in err  # shown, not obeyed


def test_a_files_name_is_shown_not_obeyed(tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path / f"in{OSC52}.json", export_file(RECORD))
    code, out, _ = invoke(db_path, "import", str(path))
    assert code == 0 and "\x1b" not in out and "\\x1b]52" in out
    path.write_text("{")
    code, _, err = invoke(db_path, "import", str(path))
    refused(db_path, db_path.read_bytes(), code, err)


@pytest.mark.parametrize(
    "args", [("export", "--format", f"x{OSC52}"), ("import", "--from", f"x{OSC52}", "f.json")]
)
def test_a_bad_format_or_source_is_echoed_visibly(db_path: Path, args: tuple[str, ...]) -> None:
    code, _, err = invoke(db_path, *args)
    refused(db_path, None, code, err)
    assert "'x\\x1b]52;c;aGk=\\x07'" in err


def test_csv_export_guards_the_uuid_against_formulas(tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path / "in.json", export_file({**RECORD, "uuid": "=HYPERLINK(1)"}))
    assert invoke(db_path, "import", str(path))[0] == 0
    code, out, _ = invoke(db_path, "export", "--format", "csv")
    assert code == 0
    assert ",'=HYPERLINK(1)," in out.splitlines()[1]


def test_json_output_escapes_c1_and_format_characters_and_reads_back_exactly(
    tmp_path: Path, db_path: Path
) -> None:
    title = "pay\u009b31m \u202eevil\u202c zero\u200bwidth \u061c 👩\u200d💻 Zoë 東京"
    path = write(tmp_path / "in.json", export_file({**RECORD, "title": title}))
    assert invoke(db_path, "import", str(path))[0] == 0
    for args in (("list", "--json"), ("show", "1", "--json"), ("export",)):
        code, out, _ = invoke(db_path, *args)
        assert code == 0
        for raw in ("\u009b", "\u202e", "\u200b", "\u061c"):
            assert raw not in out, args
        assert "\\u009b" in out and "\\u202e" in out and "\\u200b" in out
        assert "👩\u200d💻 Zoë 東京" in out  # ordinary text (an emoji sequence too) as it is
        shown = json.loads(out)
        record = shown["items"][0] if "items" in shown else shown
        record = record[0] if isinstance(record, list) else record
        assert record["title"] == title


def test_json_text_escapes_what_visible_escapes() -> None:
    value = "a\x9bb\u202ec\ud800d\U000e0041e\u2028f👩\u200d💻"
    assert json.loads(json_text(value)) == value
    assert json_text(value) == '"a\\u009bb\\u202ec\\ud800d\\udb40\\udc41e\\u2028f👩\u200d💻"'
    assert visible(value) == "a\\x9bb\\u202ec\\ud800d\\ue0041e\\u2028f👩\u200d💻"
    assert json_text("\x7f") == '"\\u007f"'


# ---- a database edited by hand -------------------------------------------------------------


def hand_edit(db: Path, change: Any) -> None:
    data = json.loads(db.read_text())
    change(data["items"])
    db.write_text(json.dumps(data))


def test_texts_no_output_can_write_are_found_by_doctor_and_break_no_output(
    db_path: Path,
) -> None:
    seeded(db_path)
    assert invoke(db_path, "snooze", "1", "fri")[0] == 0

    def spoil(items: dict[str, Any]) -> None:
        record = items["1"]
        for key in ("uuid", "person", "title", "note"):
            record[key] += "\ud800\u202e\x9b"
        record["tags"] = ["t\udc80"]
        for happened in record["history"]:
            happened["at"] = "9999-12-31T20:00:00+00:00"  # readers skip a time they can't show
            for key in ("due", "from", "to"):
                if key in happened:
                    happened[key] = "0001-01-01T00:00+14:00"

    hand_edit(db_path, spoil)
    every_output_works(db_path)
    for args in (("show", "1"), ("show", "1", "--json"), ("who", "Kim\ud800\u202e\x9b")):
        assert invoke(db_path, *args)[0] in (0, 1)
    code, out, _ = invoke(db_path, "doctor")
    assert code == 1
    assert "#1: uuid holds text that is not valid UTF-8" in out and "damaged history" in out


def test_a_stored_time_past_year_9999_is_a_damaged_item_that_repair_moves_aside(
    db_path: Path,
) -> None:
    seeded(db_path)
    assert invoke(db_path, "add", "other", "--from", "Bob")[0] == 0

    def spoil(items: dict[str, Any]) -> None:
        items["1"]["due"] = "9999-12-31T20:00:00+00:00"

    hand_edit(db_path, spoil)
    before = db_path.read_bytes()
    code, _, err = invoke(db_path, "list")
    refused(db_path, before, code, err)
    assert "damaged item #1" in err
    code, out, _ = invoke(db_path, "doctor")
    assert code == 2 and "#1 can't be read (bad due time)" in out  # 2: unusable
    assert invoke(db_path, "doctor", "--repair")[0] == 0
    code, out, _ = invoke(db_path, "list", "--json")
    assert code == 0 and [item["id"] for item in json.loads(out)] == [2]


# ---- the fuzz run: hostile files in both formats end in one-line errors only ----------------

SETTINGS = settings(
    max_examples=fuzz.examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DEEP = "@@deep@@"
_text = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["\ud800", "x\udcff", OSC52, "\u202e", "\x9b", "=1+1", " ", "", "+tag"]),
)
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([10**400, -(10**4000)]),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.sampled_from(TIMES),
    st.just(DEEP),
)
anything = st.recursive(
    _scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=8,
)


def changes(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Up to three fields changed: to a value of their kind, often hostile, or anything."""
    return st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries(
            {key: st.one_of(fields[key], fields[key], anything) for key in keys}
        )
    )


_words = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8).filter(str.strip)
_texts = st.one_of(_words, _words, _text)
_times = st.one_of(
    st.sampled_from(["2026-11-25T10:00:00+00:00", "20261126T080000Z", "2026-11-30T09:00+01:00"]),
    st.sampled_from(TIMES),
)
_history = st.lists(
    st.fixed_dictionaries({"event": _texts, "at": _times}, optional={"due": _times}), max_size=2
)
record_changes = changes(
    {
        "id": st.integers(min_value=-3, max_value=2**60), "uuid": _texts,
        "kind": st.sampled_from(KINDS) | _texts, "person": _texts, "title": _texts,
        "channel": st.sampled_from(CHANNELS) | st.none() | _texts, "created": _times,
        "due": _times, "status": st.sampled_from(STATUSES) | _texts,
        "for_id": st.integers(-1, 5), "tags": st.lists(_texts, max_size=3), "note": _texts,
        "history": _history, "updated": _times, "extra": anything,
    }
)  # fmt: skip
task_changes = changes(
    {
        "uuid": st.sampled_from(["t-1", "t-2"]) | _texts, "description": _texts,
        "status": st.sampled_from(["pending", "waiting", "completed", "deleted", "recurring"]),
        "entry": _times, "due": _times, "wait": _times, "end": _times,
        "tags": st.lists(_texts, max_size=3), "project": _texts, "person": _texts,
        "annotations": st.lists(
            st.fixed_dictionaries({"entry": _times, "description": _texts}), max_size=2
        ),
    }
)  # fmt: skip


def hostile_text(data: Any, depth: int, lines: bool = False) -> str:
    """The file: JSON (surrogates as escapes), any :data:`DEEP` value nested ``depth`` deep;
    ``lines``: one task per line, as taskwarrior before 2.6 wrote."""
    deep = "[" * depth + "]" * depth
    if lines and isinstance(data, list):
        text = "\n".join(json.dumps(task) for task in data)
    else:
        text = json.dumps(data)
    return text.replace(json.dumps(DEEP), deep)


def one_line_or_works(tmp_path: Path, text: str, source: str) -> None:
    db = tmp_path / "fuzz.json"
    for stale in tmp_path.glob("fuzz.json*"):
        if stale.is_file():
            stale.unlink()
    before = seeded(db)
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    code, _, err = invoke(db, "import", "--from", source, str(path))
    event("imported" if code == 0 else "refused")
    if code == 0:
        every_output_works(db)
    else:
        refused(db, before, code, err)


@pytest.mark.slow
@SETTINGS
@given(
    items=st.lists(record_changes, min_size=1, max_size=3).map(
        lambda changed: [
            {**RECORD, "id": n, "uuid": f"u-{n}", **change}
            for n, change in enumerate(changed, start=1)
        ]
    )
    | st.lists(record_changes, min_size=1, max_size=3).map(
        lambda changed: [{**RECORD, **change} for change in changed]  # the same ID and uuid
    )
    | anything,
    header=st.one_of(
        st.just({}),
        st.just({}),
        st.just({}),
        st.sampled_from([{"version": 2}, {"format": "x"}, {"version": True}]),
    ),
    depth=st.sampled_from([1, 20, 5_000]),
)
def test_fuzz_hostile_respond_exports(
    tmp_path: Path, items: Any, header: dict[str, Any], depth: int
) -> None:
    data = {**export_file(), "items": items, **header}
    one_line_or_works(tmp_path, hostile_text(data, depth), "respond")


@pytest.mark.slow
@SETTINGS
@given(
    data=st.lists(task_changes, min_size=1, max_size=3).map(
        lambda changed: [
            {**TASK, "uuid": f"t-{n}", **change} for n, change in enumerate(changed, start=1)
        ]
    )
    | anything,
    depth=st.sampled_from([1, 20, 5_000]),
    lines=st.booleans(),
)
def test_fuzz_hostile_taskwarrior_exports(
    tmp_path: Path, data: Any, depth: int, lines: bool
) -> None:
    one_line_or_works(tmp_path, hostile_text(data, depth, lines), "taskwarrior")

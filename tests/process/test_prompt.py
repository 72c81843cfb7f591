"""The prompt counter: its sidecar state, its counts over time, its fast path and its failures."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respond.cli import prompt
from respond.core.model import Item
from respond.core.queries import select
from respond.core.review import end_of_today
from respond.storage.database import Store
from respond.storage.paths import default_db_path
from tests.support.cli import Run
from tests.support.processes import RESPOND, env_for, folded, importtime_modules, respond

HEAVY = {"typer", "click", "rich", "dateutil", "tinydb", "re", "json", "platformdirs", "tomllib"}


def counter(db: Path, now: str, *args: str) -> str:
    out = respond(db, "--now", now, "prompt", *args)
    assert out.returncode == 0 and out.stderr == "", out
    return out.stdout


def state_of(db: Path) -> Path:
    return db.with_name(db.name + ".state")


def test_every_write_refreshes_the_state_file(run: Run, db_path: Path) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 14:00")
    run("add", "VPN", "--from", "Bob", "--by", "tomorrow")
    run("promise", "deck", "--to", "Sam", "--by", "2026-11-24 12:00")
    state = state_of(db_path)
    assert oct(state.stat().st_mode & 0o777) == "0o600"
    lines = state.read_text().splitlines()
    assert lines[0].split()[:2] == ["respond-prompt-state", "2"]
    assert lines[1] == "3"
    dues = [int(line) for line in lines[2:]]
    assert dues == sorted(dues) and len(dues) == 3
    assert dues[0] == datetime.fromisoformat("2026-11-24T12:00+01:00").timestamp()
    stamp = lines[0].split()[2]
    run("done", "1", "--no-follow-up")
    lines = state.read_text().splitlines()
    assert lines[0].split()[2] != stamp
    assert lines[1] == "2" and len(lines) == 4


def test_counter_flips_the_moment_an_item_is_due(run: Run, db_path: Path) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "2026-11-25 14:00")
    assert counter(db_path, "2026-11-25T13:59") == ""
    assert counter(db_path, "2026-11-25T13:59:59") == ""
    assert counter(db_path, "2026-11-25T14:00:01") == "!1\n"
    assert counter(db_path, "2026-11-25T14:01") == "!1\n"
    # the same rule as `respond list --overdue` (due < now), at every one of those instants
    for now in ("2026-11-25T13:59:59", "2026-11-25T14:00", "2026-11-25T14:00:01"):
        listed = json.loads(respond(db_path, "--now", now, "list", "--overdue", "--json").stdout)
        shown = counter(db_path, now)
        assert shown == (f"!{len(listed)}\n" if listed else "")


def test_placeholders(run: Run, db_path: Path) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    run("add", "later today", "--from", "Bob", "--by", "2026-11-25 16:00")
    run("add", "tomorrow", "--from", "Sam", "--by", "tomorrow")
    run("wait", "answer", "--on", "Jane")
    fmt = "{overdue}/{today}/{open}"
    assert counter(db_path, "2026-11-25T10:00", "--format", fmt) == "1/1/4\n"
    assert counter(db_path, "2026-11-25T16:30", "--format", fmt) == "2/0/4\n"
    # after midnight, "tomorrow" is today
    assert counter(db_path, "2026-11-26T00:00:01", "--format", fmt) == "2/1/4\n"
    assert counter(db_path, "2026-11-25T10:00", "--format={open} open") == "4 open\n"
    # nothing shown when every count the template uses is zero
    assert counter(db_path, "2026-11-20T10:00", "--format", "{overdue}/{today}") == ""


def test_other_braces_pass_through_and_config_sets_the_default(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    for fmt, shown in (("{nope}", ""), ("%F{red}{overdue}%f", "%F{red}1%f"), ("{overdue", "")):
        out = respond(db_path, "prompt", "--format", fmt)
        assert (out.returncode, out.stdout, out.stderr) == (0, shown + "\n" if shown else "", "")
    config = tmp_path / "config.toml"
    config.write_text('prompt_format = "[{overdue} late]"\n')
    out = respond(db_path, "prompt", RESPOND_CONFIG=str(config))
    assert out.stdout == "[1 late]\n"


def test_typer_command_gives_the_same_answer(run: Run, db_path: Path) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    assert run("prompt").stdout == "!1\n"
    assert run("prompt", "--format", "{open}").stdout == "1\n"
    assert "prompt" in run("--help").stdout and "shell-init" in run("--help").stdout
    helped = respond(db_path, "prompt", "--help")
    assert helped.returncode == 0 and "{overdue}" in helped.stdout


def test_shell_output_says_until_when_it_holds(run: Run, db_path: Path) -> None:
    run("add", "a", "--from", "Dana", "--by", "2026-11-25 14:00")
    run("add", "b", "--from", "Dana", "--by", "2026-11-25 15:00")
    head, text = respond(db_path, "--now", "2026-11-25T14:30", "prompt", "--shell").stdout.split(
        "\n", 1
    )
    until, stamp, path = head.split(" ", 2)
    assert int(until) == datetime.fromisoformat("2026-11-25T15:00+01:00").timestamp()
    assert path == str(state_of(db_path))
    assert stamp == state_of(db_path).read_text().split()[2]
    assert text == "!1\n"
    head = respond(db_path, "--now", "2026-11-25T16:00", "prompt", "--shell").stdout.split()[0]
    assert int(head) == datetime.fromisoformat("2026-11-26T00:00+01:00").timestamp()  # midnight


def test_fast_path_imports_nothing_heavy(run: Run, db_path: Path, tmp_path: Path) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    baseline = importtime_modules(["-c", "pass"], env_for(db_path))
    for args in (["prompt"], ["--now", "2026-11-25T10:00", "prompt", "--format", "{open}"]):
        loaded = importtime_modules([RESPOND, *args], env_for(db_path)) - baseline
        assert "respond.cli.prompt" in loaded
        assert not HEAVY & loaded, HEAVY & loaded
        assert "pathlib" not in loaded and "respond.cli.app" not in loaded
    # the default database path (no $RESPOND_DB) doesn't need platformdirs either
    home = tmp_path / "home"
    data = home / ".local" / "share" / "respond"
    data.mkdir(parents=True)
    shutil.copy(db_path, data / "respond.json")
    env = env_for(None, home=home)
    assert respond(None, "prompt", home=home).stdout == "!1\n"  # builds the state
    assert (data / "respond.json.state").exists()
    loaded = importtime_modules([RESPOND, "prompt"], env) - baseline
    assert "respond.cli.prompt" in loaded
    assert not HEAVY & loaded


@pytest.mark.parametrize(
    "xdg", [None, "", "/srv/data", "relative/dir", "~/data", "/trailing/slash/"]
)
def test_default_path_matches_platformdirs(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    monkeypatch.setenv("HOME", "/home/someone")
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    expected = platformdirs.user_data_path("respond", appauthor=False) / "respond.json"
    monkeypatch.delenv("RESPOND_DB", raising=False)
    assert prompt.db_path(None) == str(expected) == str(default_db_path())


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["prompt"], (None, None, None, False)),
        (["--db", "x.json", "prompt"], ("x.json", None, None, False)),
        (["--db=x.json", "--now", "fri", "prompt"], ("x.json", "fri", None, False)),
        (["--now=fri 3pm", "prompt", "--format", "{open}"], (None, "fri 3pm", "{open}", False)),
        (["prompt", "--shell", "--format={overdue}"], (None, None, "{overdue}", True)),
        (["prompt", "--help"], None),
        (["prompt", "--format"], None),
        (["--db"], None),
        (["--db", "x", "list"], None),
        (["--shell", "prompt"], None),
        (["prompt", "--db", "x"], None),
        (["prompt", "prompt"], None),
        (["add", "prompt", "--from", "x"], None),
        (["--version", "prompt"], None),
    ],
)  # fmt: skip
def test_fast_path_takes_only_plain_prompt_calls(
    argv: list[str], expected: tuple[str | None, str | None, str | None, bool] | None
) -> None:
    assert prompt.fast_args(argv) == expected


def test_missing_or_stale_state_is_rebuilt(run: Run, db_path: Path, tmp_path: Path) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    state = state_of(db_path)
    state.unlink()
    assert counter(db_path, "2026-11-25T10:00") == "!1\n"
    assert state.exists()
    # the database replaced behind respond's back (a restored copy): the state no longer matches
    other = tmp_path / "other.json"
    run_other = respond(
        other, "--now", "2026-11-25T10:00", "add", "x", "--from", "A", "--by", "2026-11-24"
    )
    assert run_other.returncode == 0
    respond(other, "--now", "2026-11-25T10:00", "add", "y", "--from", "A", "--by", "2026-11-24")
    folded(other)  # (y, a capture, into the active file: only that file is copied)
    db_path.write_bytes(other.read_bytes())
    assert counter(db_path, "2026-11-25T10:00") == "!2\n"
    # damaged state with a good database: rebuilt too
    state.write_bytes(b"respond-prompt-state 1 x y z\n\xff\xfe garbage")
    assert counter(db_path, "2026-11-25T10:00") == "!2\n"
    state.write_text("garbage\n")
    assert counter(db_path, "2026-11-25T10:00") == "!2\n"
    assert state.read_text().startswith("respond-prompt-state 2 ")


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"[1, 2]", b'{"meta": {"1": {"schema": 99}}, "items": {}}', b"\x00" * 100],
)
def test_unusable_database_prints_nothing(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    for args in (["prompt"], ["prompt", "--format", "{open}"]):
        out = respond(db_path, *args)
        assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert db_path.read_bytes() == content
    shell = respond(db_path, "prompt", "--shell")
    assert shell.returncode == 0 and shell.stdout.split(" ")[1] == "-"


def test_damaged_state_and_database_prints_nothing(run: Run, db_path: Path) -> None:
    run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00")
    state_of(db_path).write_bytes(os.urandom(300))
    db_path.write_text("{truncated")
    out = respond(db_path, "prompt")
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")


def test_no_database_yet(tmp_path: Path) -> None:
    db = tmp_path / "new.json"
    out = respond(db, "prompt", "--format", "{overdue}/{open}")
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert list(tmp_path.iterdir()) == []
    assert respond(tmp_path / "no" / "dir.json", "prompt").returncode == 0
    assert respond(db, "--now", "not a date", "prompt").stdout == ""


def test_a_state_file_that_cannot_be_written_never_fails_a_command(run: Run, db_path: Path) -> None:
    state_of(db_path).mkdir()
    assert run("add", "late", "--from", "Dana", "--by", "2026-11-24 12:00").exit_code == 0
    assert json.loads(respond(db_path, "list", "--json").stdout)[0]["title"] == "late"
    out = respond(db_path, "prompt")
    assert (out.returncode, out.stderr) == (0, "")


# --- the counts against the core's own queries, at arbitrary instants -------------------------

BASE = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _item(n: int, due_minutes: int | None, status: str) -> Item:
    due = BASE + timedelta(minutes=due_minutes) if due_minutes is not None else None
    return Item(
        id=n,
        uuid=str(uuid.UUID(int=n)),
        kind="ask",
        person="P",
        title=f"t{n}",
        channel="email",
        created=BASE - timedelta(days=3),
        due=due,
        status=status,
    )


def due_by_end_of_today(items: list[Item], now: datetime) -> list[Item]:
    """The oracle: open items due before local midnight (overdue ones included)."""
    midnight = end_of_today(now)
    return [i for i in items if i.is_open and i.due is not None and i.due < midnight]


@settings(max_examples=40, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-3000, 3000)),
            st.sampled_from(["open", "acked", "done", "dropped"]),
        ),
        max_size=25,
    ),
    now_seconds=st.integers(-3000 * 60, 3000 * 60),
)
def test_counts_match_the_core_queries(
    items: list[tuple[int | None, str]], now_seconds: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db.json"
        with Store(db).transaction() as tx:
            tx.put_many([_item(n, due, status) for n, (due, status) in enumerate(items, 1)])
        snapshot = Store(db).snapshot().items.values()
        for now in (BASE + timedelta(seconds=now_seconds), BASE + timedelta(minutes=now_seconds)):
            found = prompt.counts(str(db), now.timestamp())
            overdue = select(snapshot, now=now, overdue=True)
            due_today = due_by_end_of_today(snapshot, now)
            assert found.overdue == len(overdue)
            assert found.today == len(due_today) - len(overdue)
            assert found.open == sum(item.is_open for item in snapshot)
            # nothing changes before `until`, and it is the next due time or midnight
            assert found.until >= now.timestamp()
            if found.until - 0.001 >= now.timestamp():
                before = prompt.counts(str(db), found.until - 0.001)
                assert (before.overdue, before.today) == (found.overdue, found.today)
            dues = [i.due.timestamp() for i in snapshot if i.is_open and i.due is not None]
            later = [d for d in dues if d >= now.timestamp()]
            assert found.until == min([*later, prompt.next_midnight(now.timestamp())])

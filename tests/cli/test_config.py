"""The config file: effective values and their sources, effects on commands, clear errors, and
the cheap prompt-format reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import platformdirs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respond.core.promptformat import DEFAULT_PROMPT_FORMAT, fill_prompt
from respond.core.settings import Settings
from respond.storage.config import KEYS, ConfigError, load_settings
from respond.storage.configfile import read_prompt_format
from respond.storage.paths import config_path
from tests.support.cli import Run


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = Path(os.environ["RESPOND_CONFIG"])
    assert path.parent == tmp_path
    return path


FULL = """\
follow_up = "3d"
wait_chase = "1bd"
default_channel = "phone"
gratitude_goal = 5
week_start = "sun"
prompt_format = "%F{red}{overdue}!%f"
color = false

[work]
days = "mon-thu"
start = "08:00"
end = "16:30"

[sla]
phone = "2h"
email = "2bd"
"""


def test_missing_file_gives_defaults_all_marked_default(config_file: Path) -> None:
    settings_, sources = load_settings(config_file)
    assert settings_ == Settings()
    assert set(sources) == set(KEYS) and set(sources.values()) == {"default"}


def test_file_values_override_and_are_marked_file(config_file: Path) -> None:
    config_file.write_text(FULL)
    s, sources = load_settings(config_file)
    assert s.week.days == frozenset({0, 1, 2, 3})
    assert (s.week.start, s.week.end) == (time(8, 0), time(16, 30))
    assert s.sla["phone"] == ("hours", 2.0) and s.sla["email"] == ("bdays", 2)
    assert s.sla["chat"] == Settings().sla["chat"]
    assert (s.follow_up, s.wait_chase, s.default_channel) == ("3d", "1bd", "phone")
    assert (s.gratitude_goal, s.week_start, s.color) == (5, 6, False)
    assert s.prompt_format == "%F{red}{overdue}!%f"
    assert sources["sla.phone"] == "file" and sources["sla.chat"] == "default"
    assert sources["work.days"] == sources["color"] == "file"


def test_respond_config_shows_values_sources_and_paths(
    run: Run, config_file: Path, db_path: Path
) -> None:
    config_file.write_text('follow_up = "3d"\n[sla]\nphone = "2h"\n')
    out = run("config")
    assert out.exit_code == 0, out
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["config", str(config_file)]
    assert lines[1].split() == ["database", str(db_path)]
    table = lines[3 : lines.index("", 3)]  # then a note on how follow-up delays are chosen
    rows = {line.split()[0]: line.split()[1:] for line in table}
    assert rows["follow_up"] == ['"3d"', "file"]
    assert rows["sla.phone"] == ['"2h"', "file"]
    assert rows["sla.email"] == ['"1bd"', "default"]
    assert set(rows) == set(KEYS)
    data = json.loads(run("config", "--json").stdout)
    assert data["config_path"] == str(config_file) and data["db_path"] == str(db_path)
    assert data["settings"]["follow_up"] == {"value": "3d", "source": "file"}
    assert data["settings"]["work.days"]["value"] == ["mon", "tue", "wed", "thu", "fri"]


def test_missing_config_is_reported_not_an_error(run: Run, config_file: Path) -> None:
    out = run("config")
    assert out.exit_code == 0 and "not found: all defaults" in out.stdout.splitlines()[0]
    assert run("config", "path").stdout == f"{config_file}\n"


def test_config_path_follows_platform_dirs_without_the_env_var(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("RESPOND_CONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    for xdg in (None, str(tmp_path / "xdg"), "relative/dir", ""):
        if xdg is None:
            monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
        expected = platformdirs.user_config_path("respond", appauthor=False) / "config.toml"
        assert Path(config_path()) == expected


def test_settings_change_what_commands_do(run: Run, config_file: Path) -> None:
    config_file.write_text(
        'default_channel = "phone"\nfollow_up = "3d"\n[sla]\nphone = "3h"\n'
        '[work]\nstart = "08:00"\nend = "12:00"\n'
    )
    assert run("add", "Q3", "--from", "Dana").exit_code == 0  # Wednesday 10:00
    item = json.loads(run("show", "1", "--json").stdout)
    assert item["channel"] == "phone"
    # 2 working hours left on Wednesday (to 12:00), then 1 on Thursday: 09:00 Berlin.
    assert item["due"] == "2026-11-26T08:00:00+00:00"
    assert run("done", "1").exit_code == 0
    follow = json.loads(run("show", "2", "--json").stdout)
    assert follow["due"] == "2026-11-30T11:00:00+00:00"  # 3d: Saturday, off: Monday 12:00


BAD = [
    ('[work]\nstart = "25:00"\n', "work.start"),
    ('[work]\ndays = ["mon", "funday"]\n', "work.days"),
    ('[work]\nstart = "18:00"\n', "work"),
    ("[work]\ndays = []\n", "work.days"),
    ('[sla]\nphone = "fast"\n', "sla.phone"),
    ('[sla]\nemail = "1.5bd"\n', "sla.email"),
    ('[sla]\npigeon = "1bd"\n', "sla.pigeon"),
    ('follow_up = "2026-12-01"\n', "follow_up"),
    ('follow_up = "soonish"\n', "follow_up"),
    ("wait_chase = 3\n", "wait_chase"),
    ('default_channel = "fax"\n', "default_channel"),
    ("gratitude_goal = -1\n", "gratitude_goal"),
    ("gratitude_goal = true\n", "gratitude_goal"),
    ('week_start = "someday"\n', "week_start"),
    ('prompt_format = "\\u001b[31m{overdue}"\n', "prompt_format"),
    (f'prompt_format = "{"x" * 201}"\n', "prompt_format"),
    ('color = "yes"\n', "color"),
    ("colour = true\n", "colour"),
    ("work = 1\n", "work"),
    ("color = \n", "valid TOML"),
    ("\xff\xfe", "UTF-8"),
]


@pytest.mark.parametrize(("content", "key"), BAD)
def test_bad_values_are_one_line_errors_naming_key_and_file(
    run: Run, config_file: Path, db_path: Path, content: str, key: str
) -> None:
    config_file.write_bytes(content.encode("latin-1"))
    out = run("add", "x", "--from", "Dana")
    assert out.exit_code == 2, out
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("respond: config ")
    assert str(config_file) in out.stderr and key in out.stderr
    assert not db_path.exists()
    with pytest.raises(ConfigError):
        load_settings(config_file)
    # `config path` still works, so that the user can find the file to fix it
    assert run("config", "path").exit_code == 0


def test_a_directory_is_refused(run: Run, config_file: Path) -> None:
    config_file.mkdir()
    out = run("config")
    assert out.exit_code == 2 and "is a directory" in out.stderr


def test_commands_that_need_no_settings_do_not_read_it(run: Run, config_file: Path) -> None:
    config_file.write_text("colour = 1\n")
    assert run("--version").exit_code == 0
    out = run("show", "1", "--json")
    assert out.stderr == "respond: no item #1\n"  # not a config error


@pytest.mark.parametrize(
    "content",
    ["colour = 1\n", "work = [\n", '[work]\nstart = "25:00"\n', "\xff\xfe"],
    ids=["unknown key", "not TOML", "bad value", "not UTF-8"],
)
def test_a_broken_config_never_stops_show_undo_export_or_doctor(
    run: Run, config_file: Path, tmp_path: Path, content: str
) -> None:
    assert run("add", "Q3 numbers", "--from", "Dana").exit_code == 0
    assert run("add", "Slides", "--from", "Sam", "--tag", "deck").exit_code == 0
    config_file.write_bytes(content.encode("latin-1"))
    with pytest.raises(ConfigError) as broken:
        load_settings(config_file)
    assert run("list").exit_code == 2  # a command whose settings matter still refuses

    show = run("show", "1")
    assert show.exit_code == 0 and "Q3 numbers" in show.stdout and show.stderr == "", show
    for fmt, written in [
        ("json", "2 item(s)"),
        ("csv", "2 item(s)"),
        ("ics", "2 open item(s)"),
        ("ics-events", "2 open item(s) with a due time"),
    ]:
        target = tmp_path / f"out.{fmt}"
        out = run("export", "--format", fmt, "--output", str(target))
        assert out.exit_code == 0, out
        assert out.stderr == f"Exported {written} as {fmt} to {target}\n"
    undo = run("undo")
    assert (undo.exit_code, undo.stdout, undo.stderr) == (0, "Undid add: removed #2\n", "")

    doctor = run("doctor")
    assert doctor.exit_code == 1, doctor  # a problem, but the database is usable
    assert f"  problem  settings: {broken.value}\n" in doctor.stdout
    assert str(config_file) in str(broken.value)
    assert "  ok       loads: 1 item, schema 3\n" in doctor.stdout  # and it went on checking
    assert doctor.stdout.endswith("1 problem found\n")
    config_file.unlink()
    healthy = run("doctor")
    assert healthy.exit_code == 0 and "ok       settings: all defaults" in healthy.stdout


def test_show_honours_a_good_configs_colour_setting(
    run: Run, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal (pretended: the app's output environment, handed in as a test may), the
    item due today shows in yellow, unless the config file says ``color = false``."""
    from functools import partial

    from respond.cli.output import Environment
    from tests.support.cli import NOW, invoke

    monkeypatch.setenv("TERM", "xterm-256color")
    assert run("add", "Q3 numbers", "--from", "Dana", "--by", "today 11:00").exit_code == 0
    terminal = partial(Environment, stdout_isatty=True)

    def show() -> str:
        result = invoke("show", "1", now=NOW, obj=terminal)
        assert result.exit_code == 0, result
        return result.stdout

    assert "\x1b[33mtoday 11:00" in show()
    config_file.write_text("color = false\n")
    plain = show()
    assert "\x1b[1m" in plain  # still a terminal: bold stays, only colour goes
    assert "\x1b[33m" not in plain and "today 11:00" in plain


# --- the prompt's cheap reader -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", DEFAULT_PROMPT_FORMAT),
        ('prompt_format = "[{overdue}]"\n', "[{overdue}]"),
        ("prompt_format = '%F{red}{overdue}%f'  # zsh colours\n", "%F{red}{overdue}%f"),
        (
            'color = false\nprompt_format="{overdue} due"\n[work]\nstart = "08:00"\n',
            "{overdue} due",
        ),
        ('[work]\nprompt_format = "x"\n', DEFAULT_PROMPT_FORMAT),  # not top level
        ('prompt_format = "\\u2691{overdue}"\n', "\u2691{overdue}"),  # escapes: full reader
        ('prompt_format = """{overdue}!"""\n', "{overdue}!"),
        ('prompt_format = "{nope}"\n', "{nope}"),
        ('prompt_format = "\\u001b[31m"\n', DEFAULT_PROMPT_FORMAT),  # invalid: default
        ('prompt_format = "\x7f"\n', DEFAULT_PROMPT_FORMAT),  # invalid (fast path): default
        ("prompt_format = \n", DEFAULT_PROMPT_FORMAT),  # broken file: default, never an error
    ],
)
def test_read_prompt_format(config_file: Path, content: str, expected: str) -> None:
    config_file.write_text(content)
    assert read_prompt_format() == expected


def test_fill_prompt_replaces_only_known_placeholders() -> None:
    assert fill_prompt("%F{red}!{overdue}%f {x} {}", overdue=3) == "%F{red}!3%f {x} {}"
    assert fill_prompt(DEFAULT_PROMPT_FORMAT, overdue=0) == "!0"


def test_read_prompt_format_without_a_file(config_file: Path) -> None:
    assert read_prompt_format() == DEFAULT_PROMPT_FORMAT


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\"}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="{}overdu !%F[]\"\\'#é", max_size=20))
def test_prompt_reader_agrees_with_the_full_reader(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    escaped = "".join(_TOML_ESCAPES.get(ch, ch) for ch in value)
    path.write_text(f'prompt_format = "{escaped}"\n')
    try:
        expected = load_settings(path)[0].prompt_format
    except ConfigError:
        expected = DEFAULT_PROMPT_FORMAT
    assert read_prompt_format(str(path)) == expected


def test_prompt_reader_imports_no_toml_parser(config_file: Path) -> None:
    config_file.write_text('prompt_format = "!{overdue}"\n[work]\nstart = "08:00"\n')
    code = (
        "import sys\n"
        "from respond.storage.configfile import read_prompt_format\n"
        "print(read_prompt_format())\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    value, modules = out.stdout.splitlines()
    assert value == "!{overdue}"
    loaded = set(modules.split())
    assert not {"tomllib", "platformdirs", "dataclasses", "re", "respond.storage.config"} & loaded


def test_no_config_file_means_no_toml_parser(run: Run, db_path: Path, config_file: Path) -> None:
    from tests.support.processes import modules_after

    run("add", "A", "--from", "Dana")
    assert "tomllib" not in modules_after(db_path, "list")
    config_file.write_text("gratitude_goal = 4\n")
    assert "tomllib" in modules_after(db_path, "list")
    assert "tomllib" not in modules_after(db_path, "show", "1", "--json")
    assert "tomllib" not in modules_after(db_path, "export", "--format", "csv")
    assert "tomllib" not in modules_after(db_path, "undo")
    assert "tomllib" in modules_after(db_path, "doctor")  # it checks the file


def test_a_config_file_written_while_a_change_runs_is_not_read_after_it(
    db_path: Path, tmp_path: Path
) -> None:
    """Without a config file a command runs on the defaults (not reading the config reader);
    a file written while it runs, here a broken one, is not read after the change was saved by
    the background sync's check ([sync] auto) either: it raised the file's error, exit 2, for
    a change that was saved."""
    from respond.cli.appstate import App
    from respond.cli.autosync import after_change
    from respond.storage.syncstatus import repo_dir

    state = App(None, "2026-11-25T10:00")
    assert state.settings.sync_auto is False  # no file: the defaults (as the change ran)
    (repo_dir(db_path) / ".git").mkdir(parents=True)  # sync set up
    (tmp_path / "config.toml").write_text("[sync]\nauto = [\n")
    after_change(state)  # the settings the command ran with: no auto sync, no error

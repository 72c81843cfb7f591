"""Follow-up defaults per channel and per tag (issue 22, deliver 6): ``[follow_up]`` in the
config, "none" as a value, and what ``done`` and ``respond config`` make of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from respond.core.settings import Settings, follow_up_delay
from respond.storage.config import ConfigError, load_settings
from tests.support.cli import Run

TABLE = '[follow_up]\ndefault = "5d"\nphone = "2d"\ninternal = "none"\nclient = "1d"\n'


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"  # the path conftest gives RESPOND_CONFIG


def test_done_uses_the_tag_then_the_channel_then_the_default(run: Run, config_file: Path) -> None:
    config_file.write_text(TABLE)
    run("add", "by phone", "--from", "Dana", "--via", "phone")  # 1
    run("add", "internal", "--from", "Dana", "--via", "phone", "--tag", "internal")  # 2
    run("add", "by email", "--from", "Dana")  # 3
    run("promise", "deck", "--to", "Sam", "--by", "fri", "--tag", "client")  # 4
    assert run("done", "1").stdout == "Done #1: by phone; follow up with Dana Fri 17:00 (#5)\n"
    left_out = "Done #2: internal; no follow-up ([follow_up] internal = none)\n"
    assert run("done", "2").stdout == left_out
    assert run("done", "3").stdout == "Done #3: by email; follow up with Dana Mon 17:00 (#6)\n"
    assert run("done", "4").stdout.endswith("follow up with Sam tomorrow 17:00 (#7)\n")
    assert [e["event"] for e in json.loads(run("show", "2", "--json").stdout)["history"]][-1] == (
        "done"
    )


def test_an_explicit_option_beats_the_config(run: Run, config_file: Path) -> None:
    config_file.write_text(TABLE)
    run("add", "internal", "--from", "Dana", "--tag", "internal")  # 1
    run("add", "by phone", "--from", "Dana", "--via", "phone")  # 2
    assert run("done", "1", "--follow-up", "3d").stdout.endswith("Mon 17:00 (#3)\n")
    assert run("done", "2", "--no-follow-up").stdout == "Done #2: by phone\n"


def test_none_as_the_default_and_the_old_single_key(run: Run, config_file: Path) -> None:
    config_file.write_text('follow_up = "none"\n')
    run("add", "x", "--from", "Dana")
    assert run("done", "1").stdout == "Done #1: x; no follow-up ([follow_up] default = none)\n"
    # a follow-up asked for by hand still gets one: the built-in 7d
    assert run("follow-up", "--for", "1").stdout.endswith("(for #1), due Wed 2 Dec 17:00\n")
    config_file.write_text('follow_up = "3d"\n')
    run("add", "y", "--from", "Dana")  # 3
    assert run("done", "3").stdout.endswith("follow up with Dana Mon 17:00 (#4)\n")


def test_config_shows_the_rules_and_explains_them(run: Run, config_file: Path) -> None:
    config_file.write_text(TABLE)
    out = run("config").stdout.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in out[3 : out.index("", 3)]}
    assert rows["follow_up"] == ['"5d"', "file"]
    assert rows["follow_up.phone"] == ['"2d"', "file"]
    assert rows["follow_up.internal"] == ['"none"', "file"]
    keys = list(rows)
    assert keys.index("follow_up") + 1 == keys.index("follow_up.phone")
    assert any("[follow_up] TAG" in line for line in out)
    data = json.loads(run("config", "--json").stdout)["settings"]
    assert data["follow_up.client"] == {"value": "1d", "source": "file"}


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[follow_up]\nphone = "soon"\n', "follow_up.phone is not a date"),
        ("[follow_up]\nemail = 3\n", "follow_up.email must be a string, not 3"),
        ('[follow_up]\nphone = "2026-12-01"\n', "follow_up.phone must be relative"),
        ('[follow_up]\n"two words" = "1d"\n', "follow_up.two words is not a channel or a tag"),
        ("follow_up = 7\n", "follow_up must be a string"),
    ],
)
def test_bad_follow_up_rules_name_the_key(
    run: Run, config_file: Path, text: str, error: str
) -> None:
    config_file.write_text(text)
    with pytest.raises(ConfigError, match=error):
        load_settings(config_file)
    result = run("add", "x", "--from", "Dana")
    assert result.exit_code == 2 and error in result.stderr and result.stdout == ""


def test_the_first_tag_with_a_rule_wins() -> None:
    settings = Settings(follow_up_channels={"phone": "2d"}, follow_up_tags={"a": None, "b": "1d"})
    assert follow_up_delay(settings, "phone", ["x", "b", "a"]) == ("1d", "b")
    assert follow_up_delay(settings, "phone", ["a", "b"]) == (None, "a")
    assert follow_up_delay(settings, "phone", ["x"]) == ("2d", "phone")
    assert follow_up_delay(settings, None, []) == ("7d", "default")

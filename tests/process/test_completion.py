"""Shell completion: Typer's install/show scripts, and dynamic IDs and names, both called
directly and through the real completion protocol in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from respond.cli.complete import complete_ids, complete_people, describe, id_choices
from tests.support.cli import Run
from tests.support.processes import complete, env_for, respond

# Name the shell instead of letting Typer detect it from the parent process.
NAMED = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}


@pytest.fixture
def filled(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana Whitfield")  # 1
    run("add", "VPN [red]access\x1b[31m", "--from", "Dan", "--new-person")  # 2
    run("promise", "deck", "--to", "Sam", "--by", "fri")  # 3
    run("add", "laptop", "--from", "Dana Whitfield", "--via", "phone")  # 4
    run("done", "2")  # follow-up 5 with Dan
    run("add", "bad name", "--from", "Eve\nEvil")  # 6: never offered as a name
    run("add", "old", "--from", "Dana Whitfield")  # 7
    run("drop", "7")


class Ctx:
    """The little of a Click context the callbacks use."""

    def __init__(self, command: str, db: str | None = None) -> None:
        self.info_name = command
        self.params = {"db": db}

    def find_root(self) -> Ctx:
        return self


def test_ids_with_descriptions_open_first(filled: None) -> None:
    got = complete_ids(Ctx("show"), "")
    assert [value for value, _ in got] == ["4", "1", "6", "3", "5", "7", "2"]
    assert dict(got)["1"] == "ask · Dana Whitfield · Q3 numbers"
    # markup and escape sequences never reach the shell's description
    assert dict(got)["2"] == "ask · Dan · VPN (red)access (31m"


def test_commands_on_open_items_offer_only_open_ones(filled: None) -> None:
    assert "2" not in dict(complete_ids(Ctx("done"), ""))
    assert [v for v, _ in complete_ids(Ctx("snooze"), "")] == ["4", "1", "6", "3", "5"]


def test_ids_filter_by_prefix_and_keep_a_hash(filled: None) -> None:
    assert [v for v, _ in complete_ids(Ctx("show"), "5")] == ["5"]
    assert [v for v, _ in complete_ids(Ctx("show"), "#")] == [
        "#4",
        "#1",
        "#6",
        "#3",
        "#5",
        "#7",
        "#2",
    ]
    assert complete_ids(Ctx("show"), "9") == []


def test_people_by_frequency_with_open_counts(filled: None) -> None:
    got = complete_people(Ctx("add"), "Da")
    assert got == [("Dana Whitfield", "2 open, 3 in all"), ("Dan", "1 open, 2 in all")]
    everyone = [name for name, _ in complete_people(Ctx("list"), "")]
    assert sorted(everyone) == ["Dan", "Dana Whitfield", "Sam"]


def test_callbacks_never_raise(tmp_path: Path, db_path: Path) -> None:
    assert complete_ids(Ctx("show"), "") == []  # no database yet
    db_path.write_text("{damaged")
    assert complete_ids(Ctx("show"), "") == []
    assert complete_people(Ctx("add"), "") == []
    assert complete_ids(Ctx("show", db=str(tmp_path / "no" / "such.json")), "") == []
    assert complete_ids(None, "") == []


def test_description_is_one_short_plain_line(filled: None) -> None:
    from respond.core.model import Item

    item = Item.from_record(
        {
            "id": 9, "uuid": "u", "kind": "ask", "person": "P\u202eQ", "title": "t\n" * 100,
            "channel": None, "created": "2026-11-25T10:00:00+00:00", "due": None,
        }
    )  # fmt: skip
    text = describe(item)
    assert len(text) <= 60 and text.isprintable() and "\u202e" not in text
    assert id_choices([item], "9") == [("9", text)]


def test_bash_protocol_completes_ids_and_escapes_names(filled: None, db_path: Path) -> None:
    out = complete(db_path, "bash", "respond done ")
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.splitlines() == ["4", "1", "6", "3", "5"]
    out = complete(db_path, "bash", "respond add x --from Da")
    assert out.stdout.splitlines() == ["Dana\\ Whitfield", "Dan"]
    out = complete(db_path, "bash", "respond list --who S")
    assert out.stdout.splitlines() == ["Sam"]


def test_zsh_and_fish_get_titles_as_descriptions(filled: None, db_path: Path) -> None:
    zsh = complete(db_path, "zsh", "respond show 1")
    assert zsh.returncode == 0 and zsh.stderr == ""
    assert zsh.stdout.strip() == '_arguments \'*: :(("1":"ask · Dana Whitfield · Q3 numbers"))\''
    fish = complete(
        db_path, "fish", "respond wait x --on S", _TYPER_COMPLETE_FISH_ACTION="get-args"
    )
    assert fish.stdout.splitlines() == ["Sam\t1 open, 1 in all"]


def test_protocol_with_a_broken_database_prints_nothing(db_path: Path) -> None:
    db_path.write_text("{damaged")
    out = complete(db_path, "bash", "respond show ")
    assert (out.returncode, out.stdout.strip(), out.stderr) == (0, "", "")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script(db_path: Path, shell: str) -> None:
    out = respond(db_path, "--show-completion", shell, module=True, **NAMED)
    assert out.returncode == 0, out.stderr
    assert f"_RESPOND_COMPLETE=complete_{shell}" in out.stdout


def test_install_completion_writes_the_bash_script(tmp_path: Path, db_path: Path) -> None:
    out = respond(db_path, "--install-completion", "bash", module=True, HOME=str(tmp_path), **NAMED)
    assert out.returncode == 0, out.stderr
    script = tmp_path / ".bash_completions" / "respond.sh"
    assert "_RESPOND_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


@pytest.mark.slow
def test_real_bash_runs_the_installed_script(filled: None, tmp_path: Path, db_path: Path) -> None:
    """The script Typer generates, sourced by a real bash, fills COMPREPLY from respond."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "respond").exists():
        pytest.skip("the respond console script is not installed next to this Python")
    env = env_for(db_path, PATH=f"{bin_dir}:{os.environ['PATH']}", **NAMED)
    script = subprocess.run(
        ["respond", "--show-completion", "bash"], env=env, capture_output=True, text=True
    ).stdout
    (tmp_path / "respond.sh").write_text(script)
    driver = (
        f"source {tmp_path / 'respond.sh'}\n"
        "COMP_WORDS=(respond add x --from Da); COMP_CWORD=4\n"
        "COMP_LINE='respond add x --from Da'; COMP_POINT=${#COMP_LINE}\n"
        "_respond_completion respond\n"
        'printf "%s|" "${COMPREPLY[@]}"\n'
    )
    out = subprocess.run(
        ["bash", "--norc", "-c", driver], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout == "Dana\\ Whitfield|Dan|", out.stderr

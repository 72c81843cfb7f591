"""``respond shell-init``: each snippet in a real shell, counting how often it starts respond."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.cli import Run
from tests.support.processes import RESPOND, respond


def shell_or_skip(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture
def logged(tmp_path: Path) -> tuple[Path, Path]:
    """A ``respond`` first on PATH that logs its arguments, then runs the real one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    wrapper = bin_dir / "respond"
    # With $RESPOND_TEST_NOW set (by a session that keeps its own clock), respond runs at that time.
    wrapper.write_text(
        f'#!/bin/sh\necho "$*" >> "{log}"\n'
        'if [ -n "${RESPOND_TEST_NOW-}" ]; then\n'
        f'    exec "{RESPOND}" --now "$RESPOND_TEST_NOW" "$@"\n'
        "fi\n"
        f'exec "{RESPOND}" "$@"\n'
    )
    wrapper.chmod(0o755)
    return bin_dir, log


def shell_env(bin_dir: Path, db: Path, home: Path) -> dict[str, str]:
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "RESPOND_DB": str(db),
        "TZ": "Europe/Berlin",
        "TERM": "dumb",
    }


def prompts_calls(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("prompt")]


def add(db: Path, title: str, by: str, now: str | None = None) -> None:
    out = respond(db, *(["--now", now] if now else []), "add", title, "--from", "Dana", "--by", by)
    assert out.returncode == 0, out.stderr


# Each session keeps its own clock, so that no timing of a busy machine can change what it
# shows: the shell's $EPOCHSECONDS (an ordinary variable once bash unsets the special one, or
# set before zsh/datetime could claim it) and respond's --now (through the logged wrapper).
CLOCK = {
    "bash": "unset EPOCHSECONDS; EPOCHSECONDS={epoch}; export RESPOND_TEST_NOW={iso}",
    "zsh": "typeset -g EPOCHSECONDS={epoch}; export RESPOND_TEST_NOW={iso}",
}
SESSION = """\
eval "$(respond shell-init SHELL)"
:
:
EPOCHSECONDS=LATER RESPOND_TEST_NOW=LATER_ISO
:
respond done 1 --no-follow-up >/dev/null
:
:
RESPOND_DB=ELSEWHERE
:
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bash", "zsh"])
def test_snippet_caches_the_counter(
    name: str, tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    """In a real interactive shell whose clock the session sets: the counter appears when an
    item falls due, follows writes, and respond runs only when something changed."""
    shell = shell_or_skip(name)
    bin_dir, log = logged
    start = datetime(2026, 11, 25, 10, 0)  # local time (TZ=Europe/Berlin)
    later = datetime(2026, 11, 25, 10, 31)
    add(db_path, "long overdue", "2020-01-02 10:00", now=start.isoformat())
    add(db_path, "due at 10:30", "2026-11-25 10:30", now=start.isoformat())
    clock = CLOCK[name].format(epoch=int(start.timestamp()), iso=start.isoformat())
    script = (
        SESSION.replace("SHELL", name)
        .replace("LATER_ISO", later.isoformat())
        .replace("LATER", str(int(later.timestamp())))
        .replace("ELSEWHERE", str(tmp_path / "other.json"))
    )
    if name == "bash":
        argv = [shell, "--norc", "--noprofile", "-i"]
        script = f"PS1='<''P>'; {clock}\n" + script
    else:
        argv = [shell, "-f", "-i"]
        script = f"unsetopt prompt_sp prompt_cr\nPROMPT='<''P>'; {clock}\n" + script
    out = subprocess.run(
        argv,
        input=script + "exit\n",
        env=shell_env(bin_dir, db_path, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,  # a guard against a hung shell only
    )
    # what precedes each prompt, before: (eval), :, :, (10:31), :, done, :, :, RESPOND_DB=, :, exit
    shown = [chunk.rsplit("\n", 1)[-1].strip() for chunk in out.stderr.split("<P>")[1:-1]]
    assert shown == ["!1", "!1", "!1", "!2", "!2", "!1", "!1", "!1", "", ""], out.stderr
    # respond ran: after the eval, after the due time passed, after `done` rewrote the state,
    # after $RESPOND_DB changed. Nowhere else.
    assert len(prompts_calls(log)) == 4, log.read_text()


@pytest.mark.slow
def test_snippets_quote_the_format_and_database(tmp_path: Path, logged: tuple[Path, Path]) -> None:
    shell = shell_or_skip("bash")
    bin_dir, _ = logged
    db = tmp_path / "it's a db.json"
    add(db, "late", "2020-01-02 10:00")
    env = shell_env(bin_dir, tmp_path / "unused.json", tmp_path)
    init = subprocess.run(
        [RESPOND, "--db", str(db), "shell-init", "bash", "--format", "it's {overdue} $(date)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert init.returncode == 0
    script = init.stdout + '__respond_precmd; printf "[%s]" "$RESPOND_PROMPT"\n'
    out = subprocess.run(
        [shell, "--norc", "--noprofile", "-c", script], env=env, capture_output=True, text=True
    )
    assert out.stdout == "[it's 1 $(date)]", out.stderr


def expanded_prompt(
    shell: str, args: str, tmp_path: Path, bin_dir: Path, db: Path, show: str
) -> str:
    """The prompt a real shell shows after the snippet of ``respond shell-init SHELL ARGS``
    (``show``: the shell's command that prints its expanded prompt)."""
    init = subprocess.run(
        [RESPOND, "shell-init", Path(shell).name, *shlex.split(args)],
        env=shell_env(bin_dir, db, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    first = "PS1='<P>'\n" if "bash" in shell else "PROMPT='<P>'\n"
    argv = [shell, "--norc", "--noprofile", "-c"] if "bash" in shell else [shell, "-f", "-c"]
    out = subprocess.run(
        [*argv, first + init.stdout + "__respond_precmd\n" + show + "\n"],
        env={**shell_env(bin_dir, db, tmp_path), "TERM": "xterm-256color"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


RED = "\x1b[31m"  # what %F{red} (zsh) and \e[31m (bash) give on an xterm
SHOW = {"zsh": 'print -rnP -- "$PROMPT"', "bash": 'printf %s "${PS1@P}"'}  # the prompt, expanded


@pytest.mark.slow
def test_zsh_prompt_expands_the_templates_escapes(
    tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    """The README's colour example, in real zsh: red !2, not the text %F{red}!2%f."""
    shell = shell_or_skip("zsh")
    bin_dir, _ = logged
    add(db_path, "late", "2020-01-02 10:00")
    add(db_path, "later", "2020-01-03 10:00")
    template = "--format '%F{red}!{overdue}%f'"
    shown = expanded_prompt(shell, template, tmp_path, bin_dir, db_path, SHOW["zsh"])
    assert shown.startswith(RED + "!2") and shown.endswith(" <P>"), repr(shown)
    assert "%" not in shown
    percent = expanded_prompt(
        shell, "--format '{overdue}%%'", tmp_path, bin_dir, db_path, SHOW["zsh"]
    )
    assert percent == "2% <P>"  # a literal % is written %%, as anywhere in a zsh prompt


@pytest.mark.slow
def test_bash_prompt_expands_the_templates_escapes(
    tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    shell = shell_or_skip("bash")
    bin_dir, _ = logged
    add(db_path, "late", "2020-01-02 10:00")
    template = r"--format '\[\e[31m\]!{overdue}\[\e[0m\]'"
    shown = expanded_prompt(shell, template, tmp_path, bin_dir, db_path, SHOW["bash"])
    assert shown.startswith(RED + "!1") and shown.endswith(" <P>"), repr(shown)
    assert "\\[" not in shown


HOSTILE = ["%F{red}x%f", "$(touch PWNED)", "%{\x1b]0;title\x07%}", "`touch PWNED`", "\\[\\e[31m"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bash", "zsh"])
def test_nothing_from_the_database_reaches_the_prompt(
    name: str, tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    """Only the template's own text and digits: titles and names never get expanded."""
    shell = shell_or_skip(name)
    bin_dir, _ = logged
    for text in HOSTILE:
        out = respond(
            db_path, "add", text, "--from", text, "--by", "2020-01-02 10:00", "--tag", "x"
        )
        assert out.returncode == 0, out.stderr
    template = "--format '[{overdue}/{today}/{open}]'"
    shown = expanded_prompt(shell, template, tmp_path, bin_dir, db_path, SHOW[name])
    assert shown == "[5/0/5] <P>"
    assert not list(tmp_path.rglob("PWNED"))


@pytest.mark.slow
def test_fish_prompt_keeps_the_exit_status(
    tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    shell = shell_or_skip("fish")
    bin_dir, log = logged
    add(db_path, "late", "2020-01-02 10:00")
    script = (
        'function fish_prompt; echo -n "<P$status>"; end\n'
        "respond shell-init fish | source\n"
        "false; fish_prompt; echo\ntrue; fish_prompt; echo\n"
    )
    out = subprocess.run(
        [shell, "--no-config", "-c", script],
        env=shell_env(bin_dir, db_path, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout == "!1 <P1>\n!1 <P0>\n", out.stderr
    assert len(prompts_calls(log)) == 2


def test_unknown_shell_is_a_clean_error(run: Run) -> None:
    out = run("shell-init", "tcsh")
    assert out.exit_code == 2
    assert out.stderr == "respond: unknown shell 'tcsh'; use one of: bash, zsh, fish\n"

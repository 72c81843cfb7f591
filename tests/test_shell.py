"""``respond shell-init``: each snippet in a real shell, counting how often it starts respond."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import Run

RESPOND = shutil.which("respond", path=str(Path(sys.executable).parent)) or "respond"


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
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{RESPOND}" "$@"\n')
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


def add(db: Path, title: str, by: str) -> None:
    out = subprocess.run(
        [RESPOND, "add", title, "--from", "Dana", "--by", by],
        env={**os.environ, "RESPOND_DB": str(db), "TZ": "Europe/Berlin"},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


SESSION = """\
eval "$(respond shell-init SHELL)"
:
:
sleep WAIT
:
respond done 1 --no-follow-up >/dev/null
:
:
RESPOND_DB=ELSEWHERE
:
"""


@pytest.mark.parametrize("name", ["bash", "zsh"])
def test_snippet_caches_the_counter(
    name: str, tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    """Real time passes in a real interactive shell: the counter appears when an item falls due,
    follows writes, and respond runs only when something changed."""
    shell = shell_or_skip(name)
    bin_dir, log = logged
    add(db_path, "long overdue", "2020-01-02 10:00")
    # 5 s: room for the shell to start and show its first prompts on a busy CI machine
    due = int(time.time()) + 5
    add(db_path, "due in 5 s", datetime.fromtimestamp(due).isoformat())
    script = (
        SESSION.replace("SHELL", name)
        .replace("WAIT", str(max(0.5, due + 1.2 - time.time())))
        .replace("ELSEWHERE", str(tmp_path / "other.json"))
    )
    if name == "bash":
        argv = [shell, "--norc", "--noprofile", "-i"]
        script = "PS1='<''P>'\n" + script
    else:
        argv = [shell, "-f", "-i"]
        script = "unsetopt prompt_sp prompt_cr\nPROMPT='<''P>'\n" + script
    out = subprocess.run(
        argv,
        input=script + "exit\n",
        env=shell_env(bin_dir, db_path, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # what precedes each prompt, before: (eval), :, :, sleep, :, done, :, :, RESPOND_DB=, :, exit
    shown = [chunk.rsplit("\n", 1)[-1].strip() for chunk in out.stderr.split("<P>")[1:-1]]
    assert shown == ["!1", "!1", "!1", "!2", "!2", "!1", "!1", "!1", "", ""], out.stderr
    # respond ran: after the eval, after the due time passed, after `done` rewrote the state,
    # after $RESPOND_DB changed. Nowhere else.
    assert len(prompts_calls(log)) == 4, log.read_text()


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


def test_zsh_prompt_shows_percent_signs_literally(
    tmp_path: Path, logged: tuple[Path, Path], db_path: Path
) -> None:
    shell = shell_or_skip("zsh")
    bin_dir, _ = logged
    add(db_path, "late", "2020-01-02 10:00")
    script = (
        'PROMPT="<P>"\neval "$(respond shell-init zsh --format "{overdue}%")"\n'
        '__respond_precmd\nprint -rn -- "${(%%e)PROMPT}"\n'
    )
    out = subprocess.run(
        [shell, "-f", "-c", script],
        env=shell_env(bin_dir, db_path, tmp_path),
        capture_output=True,
        text=True,
    )
    assert out.stdout == "1% <P>", out.stderr


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

"""``respond remind --install`` / ``--uninstall``: what runs ``respond remind`` every few minutes.

* Linux with systemd (``systemctl`` on the PATH): a user timer and service,
  ``respond-remind.timer`` and ``respond-remind.service`` in ``$XDG_CONFIG_HOME/systemd/user``
  (``~/.config/systemd/user``). They are written, not started: turning them on is printed for
  you to run (``systemctl --user enable --now respond-remind.timer``), because installing must
  not depend on a user bus being reachable from where you run it (ssh, a container, tests).
* macOS: a launchd agent, ``~/Library/LaunchAgents/respond.remind.plist`` (run at load and
  every :data:`EVERY_MINUTES` minutes), likewise loaded by the printed ``launchctl`` line.
* Anywhere else: the crontab line to add is printed; nothing is written.

Each runs the commands it is given (:func:`respond.cli.notify.timer_commands`: absolute paths,
the database and config file resolved, ``TZ`` carried over), in order, with the environment it
is given, quoted for where it goes (systemd's ``%`` and ``$``, the shell's quotes, cron's
``%``). A path with a line break can't be written into any of them and is refused.

Both are idempotent: a file with the same content is left as it is (``unchanged``), a missing
one on ``--uninstall`` is said to be absent. Each returns the lines to print: what was written
or removed, where, and what to run next.
"""

from __future__ import annotations

import os
import plistlib
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from respond.core.errors import RespondError
from respond.storage.files import atomic_write, make_private_dirs

EVERY_MINUTES = 5
UNIT = "respond-remind"
AGENT = "respond.remind"


def kind() -> str:
    """``systemd``, ``launchd`` or ``cron``: what schedules the runs on this machine."""
    if sys.platform == "darwin":
        return "launchd"
    if sys.platform.startswith("linux") and shutil.which("systemctl"):
        return "systemd"
    return "cron"


def systemd_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base.startswith("/") else Path.home() / ".config"
    return root / "systemd" / "user"


def agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{AGENT}.plist"


def _systemd_quote(word: str) -> str:
    """One word of an ``ExecStart=`` line: ``%`` doubled, quoted when it needs to be."""
    word = word.replace("%", "%%")
    if word and not any(ch in word for ch in " \t\"'\\;$"):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"').replace("$", "$$") + '"'


def _check(commands: Sequence[Sequence[str]], env: dict[str, str]) -> None:
    for word in [*(w for c in commands for w in c), *env.values()]:
        if "\n" in word or "\r" in word or "\0" in word:
            raise RespondError(f"can't schedule a command with a line break in {word!r}")


def unit_files(commands: Sequence[Sequence[str]], env: dict[str, str]) -> dict[str, str]:
    """The service and timer, by file name. Each command is an ``ExecStart=`` line, in
    order; all but the last may fail without stopping the ones after them (``-``)."""
    _check(commands, env)
    environment = "".join(
        f"Environment={_systemd_quote(f'{name}={value}')}\n" for name, value in sorted(env.items())
    )
    starts = "".join(
        f"ExecStart={'-' if i < len(commands) - 1 else ''}"
        f"{' '.join(_systemd_quote(word) for word in command)}\n"
        for i, command in enumerate(commands)
    )
    service = (
        "[Unit]\n"
        "Description=respond: send the reminders that fall due (respond remind)\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{environment}"
        f"{starts}"
    )
    timer = (
        "[Unit]\n"
        f"Description=respond: reminders every {EVERY_MINUTES} minutes\n\n"
        "[Timer]\n"
        f"OnCalendar=*:0/{EVERY_MINUTES}\n"
        "Persistent=true\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def _shell(commands: Sequence[Sequence[str]], env: dict[str, str]) -> str:
    """The commands as one ``sh`` command line, each with ``env`` before it."""
    words = [f"{name}={shlex.quote(value)}" for name, value in sorted(env.items())]
    return "; ".join(" ".join([*words, *map(shlex.quote, command)]) for command in commands)


def agent_plist(commands: Sequence[Sequence[str]], env: dict[str, str]) -> str:
    _check(commands, env)
    [*_, last] = commands
    program = list(last) if len(commands) == 1 else ["/bin/sh", "-c", _shell(commands, {})]
    agent: dict[str, object] = {
        "Label": AGENT,
        "ProgramArguments": program,
        "StartInterval": EVERY_MINUTES * 60,
        "RunAtLoad": True,
    }
    if env:
        agent["EnvironmentVariables"] = dict(env)
    return plistlib.dumps(agent).decode("utf-8")


def cron_line(commands: Sequence[Sequence[str]], env: dict[str, str]) -> str:
    """The crontab line: cron reads an unescaped ``%`` as a line break, so each is ``\\%``
    (cron gives the shell ``%`` back)."""
    _check(commands, env)
    return f"*/{EVERY_MINUTES} * * * * " + _shell(commands, env).replace("%", "\\%")


def _write(path: Path, text: str) -> str:
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return f"unchanged {path}"
        make_private_dirs(path.parent)  # 0700 whatever the umask: no one swaps in a unit
        atomic_write(path, text.encode("utf-8"))
    except OSError as err:
        raise RespondError(f"can't write {path}: {err.strerror}") from None
    return f"wrote {path}"


def _remove(path: Path) -> str:
    try:
        path.unlink()
    except FileNotFoundError:
        return f"absent {path}"
    except OSError as err:
        raise RespondError(f"can't remove {path}: {err.strerror}") from None
    return f"removed {path}"


def install(commands: Sequence[Sequence[str]], env: dict[str, str]) -> list[str]:
    """Set up the runs of ``commands`` (with ``env``); the lines to print."""
    how = kind()
    if how == "systemd":
        folder = systemd_dir()
        lines = [_write(folder / name, text) for name, text in unit_files(commands, env).items()]
        return [
            *lines,
            "to turn it on, run: systemctl --user daemon-reload && "
            f"systemctl --user enable --now {UNIT}.timer",
        ]
    if how == "launchd":
        path = agent_path()
        return [
            _write(path, agent_plist(commands, env)),
            f'to turn it on, run: launchctl bootstrap gui/"$(id -u)" {shlex.quote(str(path))}',
        ]
    return ["add this line to your crontab (crontab -e):", cron_line(commands, env)]


def uninstall(commands: Sequence[Sequence[str]], env: dict[str, str]) -> list[str]:
    """Remove what :func:`install` wrote; the lines to print."""
    how = kind()
    if how == "systemd":
        folder = systemd_dir()
        # the link `enable` made goes too, so nothing is left for systemctl to disable
        lines = [_remove(folder / name) for name in unit_files(commands, env)]
        wanted = folder / "timers.target.wants" / f"{UNIT}.timer"
        if wanted.is_symlink():
            lines.append(_remove(wanted))
        stop = f"systemctl --user daemon-reload && systemctl --user stop {UNIT}.timer"
        return [*lines, f"to stop a running timer now, run: {stop}"]
    if how == "launchd":
        path = agent_path()
        return [
            f'first, if it is loaded: launchctl bootout gui/"$(id -u)"/{AGENT}',
            _remove(path),
        ]
    return ["remove this line from your crontab (crontab -e):", cron_line(commands, env)]

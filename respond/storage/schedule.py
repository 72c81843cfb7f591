"""``respond remind --install`` / ``--uninstall``: what runs ``respond remind`` every few minutes.

* Linux with systemd (``systemctl`` on the PATH): a user timer and service,
  ``respond-remind.timer`` and ``respond-remind.service`` in ``$XDG_CONFIG_HOME/systemd/user``
  (``~/.config/systemd/user``). They are written, not started: turning them on is printed for
  you to run (``systemctl --user enable --now respond-remind.timer``), because installing must
  not depend on a user bus being reachable from where you run it (ssh, a container, tests).
* macOS: a launchd agent, ``~/Library/LaunchAgents/respond.remind.plist`` (run at load and
  every :data:`EVERY_MINUTES` minutes), likewise loaded by the printed ``launchctl`` line.
* Anywhere else: the crontab line to add is printed; nothing is written.

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
from respond.storage.database import atomic_write
from respond.storage.files import make_private_dirs

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


def unit_files(command: Sequence[str], env: dict[str, str]) -> dict[str, str]:
    """The service and timer, by file name."""
    environment = "".join(
        f"Environment={_systemd_quote(f'{name}={value}')}\n" for name, value in sorted(env.items())
    )
    service = (
        "[Unit]\n"
        "Description=respond: send the reminders that fall due (respond remind)\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"{environment}"
        f"ExecStart={' '.join(_systemd_quote(word) for word in command)}\n"
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


def agent_plist(command: Sequence[str], env: dict[str, str]) -> str:
    agent: dict[str, object] = {
        "Label": AGENT,
        "ProgramArguments": list(command),
        "StartInterval": EVERY_MINUTES * 60,
        "RunAtLoad": True,
    }
    if env:
        agent["EnvironmentVariables"] = dict(env)
    return plistlib.dumps(agent).decode("utf-8")


def cron_line(command: Sequence[str], env: dict[str, str]) -> str:
    words = [f"{name}={shlex.quote(value)}" for name, value in sorted(env.items())]
    words += [shlex.quote(word) for word in command]
    return f"*/{EVERY_MINUTES} * * * * " + " ".join(words).replace("%", "\\%")


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


def install(command: Sequence[str], env: dict[str, str]) -> list[str]:
    """Set up the runs of ``command`` (with ``env``); the lines to print."""
    how = kind()
    if how == "systemd":
        folder = systemd_dir()
        lines = [_write(folder / name, text) for name, text in unit_files(command, env).items()]
        return [
            *lines,
            "to turn it on, run: systemctl --user daemon-reload && "
            f"systemctl --user enable --now {UNIT}.timer",
        ]
    if how == "launchd":
        path = agent_path()
        return [
            _write(path, agent_plist(command, env)),
            f'to turn it on, run: launchctl bootstrap gui/"$(id -u)" {shlex.quote(str(path))}',
        ]
    return ["add this line to your crontab (crontab -e):", cron_line(command, env)]


def uninstall(command: Sequence[str], env: dict[str, str]) -> list[str]:
    """Remove what :func:`install` wrote; the lines to print."""
    how = kind()
    if how == "systemd":
        folder = systemd_dir()
        # the link `enable` made goes too, so nothing is left for systemctl to disable
        lines = [_remove(folder / name) for name in unit_files(command, env)]
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
    return ["remove this line from your crontab (crontab -e):", cron_line(command, env)]

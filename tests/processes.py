"""Running the real ``respond`` command as separate processes (for the reliability tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

RESPOND = shutil.which("respond", path=str(Path(sys.executable).parent)) or "respond"
NOW = "2026-11-25T10:00"


def env_for(db: Path | None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TZ": "Europe/Berlin", "COLUMNS": "200", **extra})
    env.pop("NO_COLOR", None)
    if db is None:
        env.pop("RESPOND_DB", None)
    else:
        env["RESPOND_DB"] = str(db)
    return env


def respond(db: Path | None, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``respond ARGS`` to completion (``--now`` is not added: pass it when it matters)."""
    return subprocess.run(
        [RESPOND, *args], env=env_for(db, **extra), capture_output=True, text=True, timeout=60
    )


def spawn(db: Path, *args: str) -> subprocess.Popen[str]:
    """Start ``respond ARGS`` without waiting for it."""
    return subprocess.Popen(
        [RESPOND, *args],
        env=env_for(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

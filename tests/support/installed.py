"""The installed ``respond`` command, as the benchmarks time it: where it is, the interpreter
it runs, and its package byte-compiled as ``pip install`` leaves it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def installed_respond() -> str | None:
    """The ``respond`` command next to this Python (its venv's), or None."""
    return shutil.which("respond", path=str(Path(sys.executable).parent))


def interpreter_of(command: str) -> tuple[str, str]:
    """The Python that ``command`` runs (its ``#!`` line; else this one), and that first line."""
    with open(command, "rb") as handle:
        first_line = handle.readline().decode(errors="replace").strip()
    python = first_line[2:].split()[0] if first_line.startswith("#!") else sys.executable
    return python, first_line


def byte_compile(python: str) -> str | None:
    """``pip install`` byte-compiles the package; an editable install compiles on first import,
    unless bytecode writing is switched off (as on the project's machines): then do what pip
    does, or every timed run would compile respond's modules. The folder compiled, or None
    when nothing needed it."""
    if not (sys.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE")):
        return None
    where = subprocess.run(
        [python, "-c", "import respond; print(respond.__path__[0])"],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.sep,  # not this checkout: the package the command imports
    ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], check=True)
    return where

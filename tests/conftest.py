"""Shared fixtures: every test gets its own database (through RESPOND_DB, as users set it) and
the whole session runs in a zone with daylight saving time, so UTC/local mix-ups show."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

os.environ["TZ"] = "Europe/Berlin"
time.tzset()
os.environ.pop("NO_COLOR", None)

# The suite is reproducible: hypothesis draws the same examples on every run, so CI's verdict
# depends on the code, not on luck. To search for new failures, explore with fresh random
# examples (and, for the fuzz tests, more of them):
#   RESPOND_HYPOTHESIS=explore RESPOND_FUZZ=2000 .venv/bin/python -m pytest
# No per-example deadline: many properties write real files with fsync, whose time depends on
# the machine's disk and load, not on the code.
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("RESPOND_HYPOTHESIS", "repeatable"))

from respond.cli.app import app_for  # noqa: E402

NOW = "2026-11-25T10:00"  # a Wednesday, 10:00 local


@pytest.fixture(autouse=True)
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "respond.json"
    monkeypatch.setenv("RESPOND_DB", str(path))
    # No developer's own config file leaks in: tests that need one write it here.
    monkeypatch.setenv("RESPOND_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    return path


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Result({self.exit_code}, out={self.stdout!r}, err={self.stderr!r})"


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Invoke the CLI in-process: ``run("add", "x", "--from", "Dana", now="2026-11-25T10:00")``."""
    runner = CliRunner()

    def invoke(*args: str, now: str | None = NOW, input: str | None = None) -> Result:
        argv = (["--now", now] if now else []) + list(args)
        # as the respond command runs: only the command named is built (see test_dispatch.py)
        result = runner.invoke(app_for(argv), argv, input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke

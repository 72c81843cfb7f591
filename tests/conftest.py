"""Shared fixtures: every test gets its own database (through RESPOND_DB, as users set it) and
the whole session runs in a zone with daylight saving time, so UTC/local mix-ups show."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import settings

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

from tests.support.cli import NOW, Result, Run, invoke  # noqa: E402


@pytest.fixture(autouse=True)
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "respond.json"
    monkeypatch.setenv("RESPOND_DB", str(path))
    # No developer's own config file leaks in: tests that need one write it here.
    monkeypatch.setenv("RESPOND_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("COLUMNS", "200")
    return path


@pytest.fixture
def run() -> Run:
    """Invoke the CLI in-process: ``run("add", "x", "--from", "Dana", now="2026-11-25T10:00")``."""

    def run_at(*args: str, now: str | None = NOW, input: str | None = None) -> Result:
        return invoke(*args, now=now, input=input)

    return run_at

"""Shared fixtures: every test gets its own database (through RESPOND_DB, as users set it) and
the whole session runs in a zone with daylight saving time, so UTC/local mix-ups show."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
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

from respond.cli.app import app, app_for  # noqa: E402
from tests.support.cli import NOW, Result, Run  # noqa: E402


# Typer's CliRunner rebuilds the whole Click command tree from the functions' signatures on every
# invoke: most of the in-process tests' time. The app is the same all session, so the tree is
# built once (per xdist worker), as the real command builds it once per process. Should Typer
# rename its hook, nothing breaks: each invoke builds the tree again, as before.
def _build_the_command_once() -> None:
    build = getattr(typer.testing, "_get_command", None)
    if build is None:
        return
    command = build(app)

    def command_of(typer_instance: typer.Typer) -> Any:
        return command if typer_instance is app else build(typer_instance)

    typer.testing._get_command = command_of


_build_the_command_once()


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
    runner = CliRunner()

    def invoke(*args: str, now: str | None = NOW, input: str | None = None) -> Result:
        argv = (["--now", now] if now else []) + list(args)
        # as the respond command runs: only the command named is built (see test_dispatch.py)
        result = runner.invoke(app_for(argv), argv, input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke

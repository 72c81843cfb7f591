"""Every command is documented in the README's command table (sqlite-utils does the same)."""

from __future__ import annotations

from respond.cli.app import app
from tests.support.paths import ROOT

README = ROOT / "README.md"


def test_every_command_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    names = [
        command.name or getattr(command.callback, "__name__", "?")
        for command in app.registered_commands
    ]
    assert names
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    missing = [
        name for name in names if not any(f"`{name} " in row or f"`{name}`" in row for row in rows)
    ]
    assert missing == []

"""``respond --help`` and every command's --help end naming the guide's page for it (docs/ in
respond's source), and each page named exists."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.cli import invoke
from tests.support.paths import ROOT

PAGE = re.compile(r"docs/[a-z]+\.md")


def command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command, as the words that run it."""
    from typer.main import get_command

    from respond.cli.app import app

    def walk(command: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = [path]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found += walk(sub, (*path, name))
        return found

    return walk(get_command(app), ())


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "respond")
def test_every_help_names_an_existing_page_of_the_guide(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result
    last = result.stdout.rstrip().split("\n\n")[-1]
    assert last.strip().startswith("Guide: docs/"), result.stdout
    pages = PAGE.findall(" ".join(last.split()))
    assert pages or path == (), last
    for page in pages or ["docs/usage.md"]:
        assert (ROOT / page).is_file(), page


@pytest.mark.parametrize(
    ("path", "page"),
    [
        (("add",), "docs/dates.md"),
        (("sync", "init"), "docs/sync.md"),
        (("remind",), "docs/reminders.md"),
        (("mail",), "docs/mail.md"),
        (("doctor",), "docs/guarantees.md"),
        (("prompt",), "docs/prompt.md"),
        (("shell-init",), "docs/prompt.md"),
        (("week",), "docs/usage.md"),
    ],
)
def test_a_command_links_its_own_page(path: tuple[str, ...], page: str) -> None:
    assert page in invoke(*path, "--help").stdout

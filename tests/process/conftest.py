"""Every test here runs real processes (the installed command, shells, terminals, git, sshd,
HTTP receivers, linters): each costs a fraction of a second to seconds, so all of them are
``slow``, left out of the fast subset (``-m "not slow"``) and run by CI with everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.slow)

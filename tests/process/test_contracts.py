"""The layer contracts in pyproject.toml really hold: a stray import breaks ``lint-imports``.

A contract that lists its source modules by name silently misses a new module; these tests plant
the import in a temporary copy of the package and expect the check to fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(LINT is None, reason="import-linter is not installed"),
]


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    assert LINT is not None
    return subprocess.run(
        [LINT, "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=300
    )


def copy_of_package(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copytree(ROOT / "respond", tree / "respond")
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def plant(module: Path, line: str) -> None:
    module.write_text(line + "\n" + module.read_text(), encoding="utf-8")


def test_the_untouched_copy_keeps_every_contract(tmp_path: Path) -> None:
    result = lint(copy_of_package(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "module",
    ["cli/shapes.py", "cli/sync.py", "cli/notify.py", "storage/files.py", "core/model.py"],
)
def test_rich_outside_the_renderer_breaks_the_contract(tmp_path: Path, module: str) -> None:
    tree = copy_of_package(tmp_path)
    plant(tree / "respond" / module, "import rich  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "Only the renderer touches Rich BROKEN" in result.stdout


def test_tinydb_outside_storage_breaks_the_contract(tmp_path: Path) -> None:
    tree = copy_of_package(tmp_path)
    plant(tree / "respond" / "cli" / "shapes.py", "import tinydb  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "Only storage touches TinyDB BROKEN" in result.stdout


def test_typer_in_the_capture_lane_breaks_the_contract(tmp_path: Path) -> None:
    tree = copy_of_package(tmp_path)
    plant(tree / "respond" / "cli" / "appstate.py", "import typer  # noqa")
    result = lint(tree)
    assert result.returncode != 0
    assert "The capture lane runs without Typer and Rich BROKEN" in result.stdout

"""The design page (docs/design.md) is the tree: every module of the package is listed under its
layer, and nothing that does not exist is."""

from __future__ import annotations

import re

from tests.support.paths import ROOT


def _tree_in_readme() -> set[str]:
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    design = text
    block = design[design.index("```text") : design.index("```", design.index("```text") + 7)]
    listed: set[str] = set()
    package = ""
    for line in block.splitlines()[2:]:
        name = line.strip().split("  ")[0]
        if name.endswith("/"):
            package = name.rstrip("/")
            continue
        for module in re.findall(r"([a-z_]+\.py)", line.split("  ")[0] + " " + name):
            listed.add(f"{package}/{module}" if line.startswith("    ") else module)
    return listed


def test_the_readme_design_tree_is_the_package() -> None:
    modules = {
        str(path.relative_to(ROOT / "respond"))
        for path in (ROOT / "respond").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert _tree_in_readme() == modules

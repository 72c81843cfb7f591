"""The design page (docs/design.md) is the tree: every module of the package is listed under its
layer, and nothing that does not exist is."""

from __future__ import annotations

import re

from tests.support.paths import ROOT


def _tree_in_docs() -> set[str]:
    """The modules the tree lists, each under the folders its indentation puts it in (two
    spaces a level below ``respond/``)."""
    text = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    block = text[text.index("```text") : text.index("```", text.index("```text") + 7)]
    listed: set[str] = set()
    folders: list[tuple[int, str]] = []  # (indent, name) of the open folders
    for line in block.splitlines()[2:]:
        indent = len(line) - len(line.lstrip())
        name = line.strip().split("  ")[0]
        folders = [(i, f) for i, f in folders if i < indent]
        if name.endswith("/"):
            folders.append((indent, name.rstrip("/")))
            continue
        prefix = "".join(f"{f}/" for _, f in folders)
        for module in re.findall(r"([a-z_]+\.py)", name):
            listed.add(prefix + module)
    return listed


def test_the_readme_design_tree_is_the_package() -> None:
    modules = {
        str(path.relative_to(ROOT / "respond"))
        for path in (ROOT / "respond").rglob("*.py")
        if path.name != "__init__.py"
    }
    assert _tree_in_docs() == modules

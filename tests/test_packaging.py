"""The package builds a wheel with correct metadata, and the README says how to install it."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_wheel_metadata(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("respond-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(archive.read(info).decode())
        script = next(n for n in names if n.endswith(".data/scripts/respond"))
        script_text = archive.read(script).decode()
        licence = next(n for n in names if n.endswith("licenses/LICENSE"))
        assert archive.read(licence).decode().startswith("MIT License")
    stem = wheel.name.split("-py3")[0]
    assert {n.split("/")[0] for n in names} == {"respond", stem + ".dist-info", stem + ".data"}

    from respond import __version__

    assert meta["Name"] == "respond" and meta["Version"] == __version__
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = meta.get_all("Classifier")
    assert "Environment :: Console" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    requires = " ".join(meta.get_all("Requires-Dist"))
    for dependency in ("typer", "rich", "tinydb", "python-dateutil", "platformdirs", "icalendar"):
        assert dependency in requires
    for url in meta.get_all("Project-URL") or []:
        assert not re.search(r"example\.|TODO|USER|OWNER|your-?name|<", url, re.I), url
    # the `respond` command is a plain script (pip's entry-point wrapper imports `re`)
    assert script_text.startswith("#!python")
    assert "from respond.__main__ import main" in script_text
    assert meta.get_payload().startswith("# respond")  # the README is the long description


def test_readme_documents_pipx_and_pip() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pipx install ." in readme
    assert "pip install ." in readme
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")

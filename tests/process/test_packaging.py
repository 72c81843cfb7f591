"""The package builds a wheel and an sdist with correct metadata, `pipx install .` gives a
working `respond`, and the README says how to install it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

from respond import __version__
from tests.support.paths import ROOT


def check_metadata(meta: Message) -> None:
    """What the wheel's METADATA and the sdist's PKG-INFO must both say."""
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
    assert meta.get_payload().startswith("# respond")  # the README is the long description


@pytest.mark.slow
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
    check_metadata(meta)
    # the `respond` command is a plain script (pip's entry-point wrapper imports `re`)
    assert script_text.startswith("#!python")
    assert "from respond.__main__ import main" in script_text


@pytest.mark.slow
def test_sdist_has_the_sources_and_the_same_metadata(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    (sdist,) = tmp_path.glob("respond-*.tar.gz")
    top = f"respond-{__version__}"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
        pkg_info = archive.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        meta = Parser().parsestr(pkg_info.read().decode())
    for needed in ("pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "scripts/respond",
                   "respond/__init__.py", "respond/cli/app.py", "tests/conftest.py",
                   "docs/usage.md"):  # fmt: skip
        assert f"{top}/{needed}" in names, needed
    assert not [n for n in names if "/.venv/" in n or "__pycache__" in n]
    check_metadata(meta)


@pytest.mark.slow
def test_pipx_install_gives_a_working_respond(tmp_path: Path) -> None:
    """The README's `pipx install .`, into a throwaway pipx home."""
    env = {
        **os.environ,
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
        "RESPOND_DB": str(tmp_path / "respond.json"),
        "RESPOND_CONFIG": str(tmp_path / "config.toml"),
        "NO_COLOR": "1",
    }
    out = subprocess.run(
        [sys.executable, "-m", "pipx", "install", "."],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    respond = tmp_path / "bin" / "respond"
    version = subprocess.run([respond, "--version"], env=env, capture_output=True, text=True)
    assert version.stdout == f"respond {__version__}\n", version
    today = subprocess.run([respond, "today"], env=env, capture_output=True, text=True)
    assert today.returncode == 0 and today.stdout.strip(), today
    added = subprocess.run(
        [respond, "add", "VPN access", "--from", "Bob"], env=env, capture_output=True, text=True
    )
    assert added.returncode == 0 and added.stdout.startswith("Added #1: VPN access"), added


def test_readme_documents_pipx_and_pip() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pipx install ." in readme
    assert "pip install ." in readme
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")

"""Every table fits the terminal it is shown on, down to 40 columns: the item ID, the person and
the time (due, late by, waited) stay whole on each item's row; the title gives way first, then
the note. Run on a real pseudo-terminal whose window size is set, as a user's terminal is."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.support import processes
from tests.support.cli import invoke

pytestmark = pytest.mark.slow  # a real process on a pseudo-terminal per width

CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)[0-9;]*m")
ROW = re.compile(r"^\s*#\d+(?!\S)")

LONG = "a very long title that goes on and on about the quarterly numbers and what they mean"
ANNA = "Anna-Katharina Oberhauser"  # 25 characters
BART = "Bartholomew Featherstonehaugh"  # 29
CONST = "Constantina Papadopoulou"
DMITRI = "Dmitri Alexandrovich Volkov"
EVA = "Evangelina Montgomery-Smythe"
GWEN = "Gwendolyn Fairweather-Hughes"
HIERO = "Hieronymus Beauchamp-Lefevre"
MAX = "Maximiliane Alexandra von Oberhuber-Lind"  # 40: may be cut, once titles are at their least
WIDTHS = [40, 60, 80, 120]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wednesday 2026-11-25 10:00: something in every section, every name long (one database
    for the whole module: the views only read it)."""
    path = tmp_path_factory.mktemp("narrow") / "respond.json"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RESPOND_DB", str(path))
        env.setenv("RESPOND_CONFIG", str(path.parent / "config.toml"))
        for args, now in STEPS:
            result = invoke(*args, now=now)
            assert result.exit_code == 0, (args, result)
    return path


STEPS = [
    (("add", f"A {LONG}", "--from", ANNA, "--by", "2026-11-11"), "2026-11-10T10:00"),  # 1
    (("promise", f"B {LONG}", "--to", BART, "--by", "2026-11-25 15:00"), "2026-11-24T10:00"),
    (("add", f"C {LONG}", "--from", CONST), "2026-11-16T10:00"),  # 3
    (("done", "3", "--follow-up", "2026-11-24 12:00"), "2026-11-16T11:00"),  # 4: follow-up
    (("add", f"D {LONG}", "--from", DMITRI), "2026-11-23T10:00"),  # 5: due Tue 17:00
    (("wait", f"E {LONG}", "--on", EVA, "--for", "5", "--by", "2026-11-24 12:00"),
     "2026-11-23T10:05"),  # 6: time to chase
    (("add", f"G {LONG}", "--from", GWEN), "2026-11-24T09:00"),  # 7: due today 17:00
    (("wait", f"H {LONG}", "--on", HIERO, "--for", "7"), "2026-11-24T09:05"),  # 8
    (("done", "8"), "2026-11-24T15:00"),  # the answer came: relay it to Gwen
    (("thanks", ANNA, f"for {LONG}"), "2026-11-24T12:00"),  # 9
    (("add", f"M {LONG}", "--from", MAX, "--by", "fri"), "2026-11-25T09:00"),  # 10
]  # fmt: skip


def on_a_terminal(db: Path, columns: int, *args: str, **env_extra: str) -> str:
    """What a terminal ``columns`` wide shows for ``respond ARGS`` (colour codes removed)."""
    shown = processes.on_a_terminal(db, *args, columns=columns, **env_extra)
    shown = shown.replace("\r\n", "\n")
    if env_extra.get("NO_COLOR"):
        assert not COLOUR.search(shown)
    return CSI.sub("", shown)


def fits(out: str, columns: int) -> list[str]:
    lines = out.rstrip("\n").split("\n")
    too_wide = [line for line in lines if cell_len(line) > columns]
    assert not too_wide, f"wider than {columns}:\n" + "\n".join(too_wide)
    return lines


def row_of(lines: list[str], item_id: int) -> list[str]:
    """The lines of item ``item_id``'s row: the one that starts with its ID, and the indented
    lines under it up to the next row or heading."""
    starts = [n for n, line in enumerate(lines) if re.match(rf"\s*#{item_id}(?!\S)", line)]
    assert starts, f"no row starts with #{item_id}"
    first = starts[0]
    block = [lines[first]]
    for line in lines[first + 1 :]:
        if not line.startswith(" ") or ROW.match(line):
            break
        block.append(line)
    return block


def whole_on_a_line(block: list[str], text: str) -> None:
    assert any(text in line for line in block), (text, block)


def check_rows(out: str, columns: int, rows: dict[int, tuple[str, ...]]) -> None:
    lines = fits(out, columns)
    for item_id, texts in rows.items():
        block = row_of(lines, item_id)
        for text in texts:
            whole_on_a_line(block, text)


# The texts each row must show in full: the kind, the person and the time.
LIST_ROWS = {
    1: ("ask", ANNA, "14 days late"),
    2: ("promise", BART, "today 15:00"),
    4: ("followup", CONST, "22h late"),
    5: ("ask", DMITRI, "17h late"),
    6: ("waiting", EVA, "22h late"),
    7: ("ask", GWEN, "today 17:00"),
    10: ("ask", "Fri 17:00"),
}
TODAY_ROWS = {
    1: ("ask", ANNA, "14 days late"),
    5: ("ask", DMITRI, "17h late"),
    2: ("promise", BART, "due 15:00"),
    7: ("ask", GWEN, "due 17:00"),
    4: ("followup", CONST, "22h late"),
    6: ("waiting", EVA, "waited 1 day"),
    8: ("waiting", HIERO, "answered 19h ago"),
}


@pytest.mark.parametrize("columns", WIDTHS)
def test_list_keeps_ids_people_and_times_whole(db: Path, columns: int) -> None:
    out = on_a_terminal(db, columns, "list")
    check_rows(out, columns, LIST_ROWS)
    assert "follow…" not in out and "#…" not in out
    block = " ".join(row_of(out.split("\n"), 10))
    assert MAX[:29] in block  # a 40-character name is cut to no less than 30
    if columns >= 120:
        whole_on_a_line(row_of(out.split("\n"), 10), MAX)


@pytest.mark.parametrize("columns", WIDTHS)
def test_today_keeps_ids_people_times_and_whom_for_whole(db: Path, columns: int) -> None:
    out = on_a_terminal(db, columns, "today")
    check_rows(out, columns, TODAY_ROWS)
    lines = out.split("\n")
    waiting = " ".join(" ".join(row_of(lines, 6)).split())
    assert f"for {DMITRI} (#5)" in waiting and "chase them" in waiting
    relay = " ".join(" ".join(row_of(lines, 8)).split())
    assert f"→ tell {GWEN} (#7)" in relay


@pytest.mark.parametrize("columns", WIDTHS)
def test_who_keeps_ids_and_times_whole(db: Path, columns: int) -> None:
    anna = on_a_terminal(db, columns, "who", "anna")
    check_rows(anna, columns, {1: ("14 days late",), 9: ("done yesterday",)})
    const = on_a_terminal(db, columns, "who", "constantina")
    check_rows(const, columns, {4: ("22h late",), 3: ("done Mon 16 Nov",)})


@pytest.mark.parametrize("columns", WIDTHS)
def test_people_and_week_cut_no_name_or_number(db: Path, columns: int) -> None:
    lines = fits(on_a_terminal(db, columns, "people"), columns)
    for name in (ANNA, BART, CONST, DMITRI, EVA, GWEN, HIERO):
        assert any(line.startswith(name) for line in lines), name
    assert [line for line in lines if "…" in line and not line.startswith(MAX[:29])] == []
    for args in (("week",), ("week", "--weeks", "3")):
        week = fits(on_a_terminal(db, columns, *args), columns)
        assert not [line for line in week if "…" in line], week
        assert any(line.lstrip().startswith("overall") for line in week)


@pytest.mark.parametrize("columns", WIDTHS)
def test_show_keeps_the_id_person_and_due_time(db: Path, columns: int) -> None:
    lines = fits(on_a_terminal(db, columns, "show", "6"), columns)
    assert lines[0].startswith("#6 waiting")
    whole_on_a_line(lines, EVA)
    whole_on_a_line(lines, "22h late")


def test_no_color_on_a_narrow_terminal_is_plain_and_fits(db: Path) -> None:
    for command in ("list", "today", "people"):
        out = on_a_terminal(db, 60, command, NO_COLOR="1")
        if command == "list":
            check_rows(out, 60, LIST_ROWS)
        else:
            fits(out, 60)


def test_piped_output_is_not_cut_to_a_terminal_width(db: Path) -> None:
    """Piped, rows stay on one line, 200 columns wide (or $COLUMNS), as the README shows."""
    env = {**os.environ, "RESPOND_DB": str(db)}
    env.pop("COLUMNS", None)
    out = subprocess.run(
        [sys.executable, "-m", "respond", "--now", "2026-11-25T10:00", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    rows = [line for line in out.splitlines() if ROW.match(line)]
    assert len(rows) == 7 and all(f"{LONG[:20]}" in row for row in rows)
    assert all(line == line.rstrip() for line in out.splitlines())

"""User text (titles, names, notes) is shown literally in every view: Rich markup stays text,
escape sequences and newlines are made visible, and 10 kB strings are cut, so nothing typed
can change the terminal's state or break a table's layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.cli import Run

HOSTILE = [
    "[bold]loud[/]",
    "close [/] tag",
    "[link=http://evil.example]click me[/link]",
    "\x1b[31mred\x1b[0m text",
    "\x1b]0;pwned title\x07 osc",
    "\x1b]8;;http://evil.example\x1b\\hyperlink\x1b]8;;\x1b\\",
    "first line\nsecond line\rthird",
    "bidi \u202egnp.exe",
    "x" * 10_000,
]
SGR = re.compile(r"\x1b\[[0-9;]*m")
VIEWS = [
    ("today",),
    ("week",),
    ("who", "{person}"),
    ("people",),
    ("list",),
    ("list", "--all"),
    ("show", "1"),
]


def fill(run: Run, text: str) -> None:
    """One item of every kind whose title, person and note are ``text``."""
    run("add", text, "--from", text, "--note", text, now="2026-11-23T10:00")  # 1: overdue
    run("wait", text, "--on", text, "--for", "1", now="2026-11-23T10:05")  # 2
    run("add", text, "--from", text, now="2026-11-24T10:00")  # 3: due today
    run("wait", text, "--on", text, "--for", "3", now="2026-11-24T10:05")  # 4
    run("done", "4", now="2026-11-24T11:00")  # relay back
    run("promise", text, "--to", text, "--by", "2026-11-25 15:00", now="2026-11-24T10:00")
    run("add", text, "--from", text, now="2026-11-16T10:00")  # 6
    run("done", "6", "--follow-up", "2026-11-25 09:00", now="2026-11-16T11:00")  # 7: follow-up
    run("thanks", text, text, now="2026-11-24T12:00")


def views(run: Run, person: str) -> dict[str, str]:
    outputs = {}
    for view in VIEWS:
        args = [arg.format(person=person) for arg in view]
        result = run(*args)
        assert result.exit_code == 0, (view, result)
        outputs[" ".join(view)] = result.stdout
    return outputs


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_piped_output_has_no_control_characters_and_keeps_markup(run: Run, text: str) -> None:
    fill(run, text)
    for view, out in views(run, text).items():
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", out), view
        if text.startswith("[bold]") and view != "week":
            assert "[bold]loud[/]" in out, view
        if "\x1b" in text and view != "week":
            assert "\\x1b" in out, view


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_no_line_is_wider_than_the_terminal(run: Run, text: str) -> None:
    """No line is wider than the 200 columns the tests run with."""
    fill(run, text)
    hostile = views(run, text)
    for view, out in hostile.items():
        assert all(len(line) <= 200 for line in out.splitlines()), view


@pytest.mark.slow
def test_line_counts_match_an_ordinary_database(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts: dict[str, list[int]] = {}
    for n, text in enumerate(["plain", *HOSTILE]):
        monkeypatch.setenv("RESPOND_DB", str(tmp_path / f"db{n}.json"))
        fill(run, text)
        for view, out in views(run, text).items():
            counts.setdefault(view, []).append(len(out.splitlines()))
    for view, lines in counts.items():
        if view == "show 1":  # the detail view folds long text in full, on purpose
            continue
        assert len(set(lines)) == 1, (view, lines)


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_in_colour_only_our_own_styles_reach_the_terminal(
    run: Run, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(run, text)
    monkeypatch.setenv("FORCE_COLOR", "1")
    for view, out in views(run, text).items():
        assert "\x1b" in out, view  # colour is on
        bare = SGR.sub("", out)  # what is left once our colour codes are gone
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", bare), view
        assert "\x1b]" not in out, view  # no OSC (titles, hyperlinks)


def test_week_line_in_today_is_not_affected_by_names(run: Run) -> None:
    fill(run, "[red]x[/red]")
    out = run("today").stdout
    assert "This week: overall" in out

"""Hostile input: hypothesis drives the CLI with arbitrary text for titles, names, notes, tags
and dates. Never a traceback; bad input exits 2 with one line and writes nothing; good input
comes back exactly; markup and escape sequences never reach the terminal."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from respond.core.clock import from_iso, to_utc_iso
from respond.core.dates import DateError, parse_when
from respond.core.text import visible
from respond.core.worktime import WorkWeek
from tests.support import fuzz
from tests.support.cli import invoke

NOW = "2026-11-25T10:00"
NOW_AT = parse_when(NOW, from_iso("2026-11-25T09:00:00+00:00"), WorkWeek())
NASTY = [
    "[bold red]alarm[/]", "[link=https://evil.example]click[/link]", "[/]", "[", ":smile:",
    "\x1b[31mred\x1b[0m", "\x1b]0;pwned\x07", "\x1b]8;;https://evil.example\x1b\\link",
    "\x1b[2J\x1b[H", "\x9b31m", "\x07", "\x08\x08\x08", "\u202eevil\u202c", "\u2066x\u2069",
    "line\nbreak", "tab\there", "cr\roverwrite", "\x00nul", "\x7f", "🚀 émoji", "e\u0301",
    "ｆｕｌｌ", "--help", "-x", "#1", "%s {0}", "\\x1b", "\udcff", " ", "", "+", "+tag",
    "fri 3pm", "2bd", "2026-11-25 14:00", "tomorrow", "13/13", "in 2 days", "eow",
]  # fmt: skip
DATES = ["now", "eod", "tomorrow", "fri 3pm", "next mon", "2bd", "3d", "in 2 hours", "eow",
         "2026-12-01", "2026-12-01 14:00", "25 dec", "+1w", "tonight", "eom"]  # fmt: skip
hostile = st.one_of(
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=4).map("".join),
    st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1, max_size=2),
)
# Text that respond must accept: nasty, but not blank and valid Unicode (so that most examples
# get through and their round trip is checked, not just their refusal).
_fine = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=4).map("".join),
).map(lambda s: s.encode("utf-8", "replace").decode("utf-8"))
fine_text = _fine.map(lambda s: s if s.strip() else s + "·")
fine_tag = _fine.map(lambda s: "".join(c for c in s if not c.isspace()) or "t")
fine_date = st.sampled_from(DATES)


def mostly(good: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """About five in six examples from ``good``, the rest anything at all."""
    return st.one_of(good, good, good, good, good, hostile)


CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours respond itself asks Rich for


class Cli:
    """The CLI in-process on one database file, returning (exit code, stdout, stderr)."""

    def __init__(self, db: Path, **env: str) -> None:
        self.db = db
        self.env = {"RESPOND_DB": str(db), "COLUMNS": "200", **env}

    def __call__(self, *args: str) -> tuple[int, str, str]:
        result = invoke(*args, now=NOW, env=self.env)
        return result.exit_code, result.stdout, result.stderr

    def fresh(self, seeded: bool) -> bytes | None:
        for path in self.db.parent.iterdir():
            if path.is_file():
                path.unlink()
        if seeded:
            assert self("add", "seed", "--from", "Kim")[0] == 0
            assert self("wait", "relay", "--on", "Jane", "--for", "1")[0] == 0
        return self.db.read_bytes() if seeded else None


def text_ok(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return bool(value.strip())


def tag_of(value: str) -> str | None:
    tag = value.strip().lstrip("+")
    return tag if tag and not any(c.isspace() for c in tag) and text_ok(tag) else None


def when(value: str) -> str | None:
    try:
        return to_utc_iso(parse_when(value, NOW_AT, WorkWeek()))
    except DateError:
        return None


def refused(cli: Cli, before: bytes | None, code: int, err: str) -> None:
    """Bad input: exit 2, one line on stderr, and the database exactly as it was."""
    assert code == 2, err
    assert err.startswith("respond: ") and err.count("\n") == 1, err
    assert not CONTROLS.search(err[:-1]), err
    if before is None:
        assert not cli.db.exists()
    else:
        assert cli.db.read_bytes() == before


# RESPOND_FUZZ=2000 runs a deeper search than the quick default that CI uses.
SETTINGS = settings(
    max_examples=fuzz.examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.mark.slow
@SETTINGS
@given(
    title=mostly(fine_text),
    person=mostly(fine_text),
    note=mostly(_fine),
    tags=st.lists(mostly(fine_tag), max_size=3),
    by=st.one_of(st.none(), mostly(fine_date)),
    seeded=st.booleans(),
)
@example(title="[bold]x[/]", person="\x1b]0;t\x07", note="a\nb", tags=["+ok"], by=None, seeded=True)
def test_add_refuses_bad_input_cleanly_and_round_trips_good_input(
    db_path: Path,
    title: str,
    person: str,
    note: str,
    tags: list[str],
    by: str | None,
    seeded: bool,
) -> None:
    cli = Cli(db_path)
    before = cli.fresh(seeded)
    args = ["add", f"--from={person}", f"--note={note}", *(f"--tag={t}" for t in tags)]
    args += [f"--by={by}"] if by is not None else []
    code, out, err = cli(*args, "--", title)

    good_tags = [tag_of(t) for t in tags]
    due = when(by) if by is not None else "sla"
    valid = text_ok(title) and text_ok(person) and None not in good_tags and due is not None
    valid = valid and (not note or text_ok(note.strip() or "x"))
    event("valid" if valid else "refused")
    if not valid:
        refused(cli, before, code, err)
        return
    assert code == 0, err
    added = re.match(r"Added #(\d+): ", out)
    assert added is not None, out
    item_id = int(added[1])
    shown = json.loads(cli("show", str(item_id), "--json")[1])
    assert (shown["title"], shown["person"], shown["note"]) == (title, person, note)
    assert shown["tags"] == list(dict.fromkeys(good_tags))
    if by is not None:
        assert shown["due"] == due
    listed = json.loads(cli("list", "--json")[1])
    assert [item for item in listed if item["id"] == item_id] == [shown]


def _edit(v: list[str]) -> list[str]:
    return ["edit", "1", f"--title={v[0]}", f"--person={v[1]}", f"--note={v[2]}"]


COMMANDS: dict[str, Callable[[list[str]], list[str]]] = {
    "promise": lambda v: ["promise", f"--to={v[0]}", f"--by={v[1]}", "--", v[2]],
    "wait": lambda v: ["wait", f"--on={v[0]}", f"--for={v[1]}", "--", v[2]],
    "ack": lambda v: ["ack", f"--by={v[0]}", "--", v[1]],
    "done": lambda v: ["done", f"--note={v[0]}", f"--follow-up={v[1]}", "1"],
    "drop": lambda v: ["drop", f"--reason={v[0]}", "--", v[1]],
    "snooze": lambda v: ["snooze", "1", "--", v[0]],
    "edit": _edit,
    "edit tags": lambda v: ["edit", "1", f"--tag={v[0]}", f"--untag={v[1]}", f"--by={v[2]}"],
    "edit via": lambda v: ["edit", "2", f"--via={v[0]}"],
    "show": lambda v: ["show", "--", v[0]],
    "list": lambda v: ["list", f"--who={v[0]}", f"--kind={v[1]}"],
}


@pytest.mark.slow
@SETTINGS
@given(
    command=st.sampled_from(sorted(COMMANDS)),
    values=st.lists(st.one_of(hostile, fine_text, fine_date), min_size=3, max_size=3),
)
def test_every_command_takes_any_text_without_a_traceback(
    db_path: Path, command: str, values: list[str]
) -> None:
    cli = Cli(db_path)
    before = cli.fresh(seeded=True)
    code, out, err = cli(*COMMANDS[command](values))
    event(f"exit {code}")
    if code != 0:
        refused(cli, before, code, err)
        return
    assert err == ""
    assert not CONTROLS.search(out.replace("\n", "")), out
    if command == "edit" and cli.db.read_bytes() != before:
        shown = json.loads(cli("show", "1", "--json")[1])
        assert (shown["title"], shown["person"], shown["note"]) == tuple(values)


def displayed(out: str, colour: bool) -> str:
    plain = SGR.sub("", out) if colour else out
    assert "\x1b" not in plain and "\x9b" not in plain and "\x07" not in plain, plain
    assert not CONTROLS.search(plain.replace("\n", "")), plain
    return plain


@pytest.mark.slow
@SETTINGS
@given(
    title=mostly(fine_text),
    person=mostly(fine_text),
    note=mostly(_fine),
    tag=mostly(fine_tag),
    colour=st.booleans(),
)
@example(
    title="\x1b[31mred\x1b[0m [bold]x[/]", person="\x1b]0;pwned\x07", note="\x9b2J",
    tag="[red]", colour=True,
)  # fmt: skip
def test_user_text_never_reaches_the_terminal_as_markup_or_escapes(
    db_path: Path, title: str, person: str, note: str, tag: str, colour: bool
) -> None:
    cli = Cli(db_path, **({"FORCE_COLOR": "1", "TERM": "xterm-256color"} if colour else {}))
    cli.fresh(seeded=False)
    code, _, _ = cli("add", f"--from={person}", f"--note={note}", f"--tag={tag}", "--by=1h",
                     "--", title)  # fmt: skip
    event(f"exit {code}")
    if code != 0:
        return
    screens = {name: cli(*args) for name, args in {
        "list": ("list",), "show": ("show", "1"), "today": ("today",),
    }.items()}  # fmt: skip
    for name, (exit_code, out, err) in screens.items():
        assert exit_code == 0 and err == "", (name, err)
        screen = displayed(out, colour)
        if name == "show":
            for value in (title, person, note):
                if len(visible(value)) <= 40 and "\n" not in visible(value):
                    assert visible(value) in screen, (value, screen)
    if colour:
        assert "\x1b[" in screens["today"][1]  # colours were on: the check above meant it


def test_a_10_kb_title_is_kept_whole_and_shown_shortened(db_path: Path) -> None:
    cli = Cli(db_path)
    title = "x" * 10_000 + "[red]end[/red]"
    assert cli("add", "--from=Kim", "--", title)[0] == 0
    assert json.loads(cli("show", "1", "--json")[1])["title"] == title
    assert "…" in cli("list")[1]

"""The capture lane's parser (``respond.cli.lane.parse``) reads argv exactly as Click reads it
through the Typer app, or not at all: for any argv drawn from the capture commands' own
options (and their mistakes), whenever the lane answers, Click parses the same values; and
whatever Click refuses, the lane leaves to Typer."""

from __future__ import annotations

from typing import Any

import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st

from respond.cli import lanespec
from respond.cli.app import app
from respond.cli.lane import HANDLERS, parse
from tests.support import fuzz

GROUP: Any = typer.main.get_command(app)
USAGE_ERROR: Any = typer.BadParameter.__mro__[1]


def click_reads(args: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """What Click makes of ``respond ARGS`` (without running it), or None if it refuses."""
    try:
        top = GROUP.make_context("respond", list(args), resilient_parsing=False)
        rest = [*top._protected_args, *top.args]
        command = GROUP.commands[rest[0]]
        ctx = command.make_context(rest[0], rest[1:], parent=top)
    except (USAGE_ERROR, typer.Exit, SystemExit):
        return None
    values = {k: (list(v) or None) if isinstance(v, tuple) else v for k, v in ctx.params.items()}
    return rest[0], {k: top.params[k] for k in ("db", "now")}, values


WORDS = st.sampled_from(["x", "Dana", "12", "#2", "fri 3pm", "", " ", "-5", "-", "a=b", "--"])


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(HANDLERS)))
    options = sorted(lanespec.COMMANDS[name]["options"]) or ["--bogus"]
    mistakes = ["--bogus", "-x", "-fDana", "--", "-h", "--help", "--mail=1", "--new-person=1"]
    group = draw(st.lists(st.sampled_from(["--now", "--db", "--now=2026-11-25", "--version"])))
    token = st.one_of(
        st.sampled_from(options),
        st.sampled_from([f"{o}=v" for o in options if o.startswith("--")] or ["x"]),
        st.sampled_from(mistakes),
        WORDS,
        st.text(max_size=4),
    )
    tokens = draw(st.lists(token, max_size=8))
    return [*group, name, *tokens]


@st.composite
def nearly_well_formed(draw: st.DrawFn) -> list[str]:
    """A capture command with each parameter given or not, in any order and spelling
    (``--opt v``, ``--opt=v``, short), values of any text; now and then one token more."""
    name = draw(st.sampled_from(sorted(HANDLERS)))
    spec = lanespec.COMMANDS[name]
    names: dict[str, list[str]] = {}
    for option, param in spec["options"].items():
        names.setdefault(param, []).append(option)
    value = st.one_of(WORDS, st.text(max_size=6))
    pieces: list[list[str]] = []
    for param, (kind, _required, _default) in spec["params"].items():
        if kind == "argument" or not draw(st.booleans()):
            continue
        for _ in range(draw(st.integers(1, 2)) if kind == "multiple" else 1):
            option = draw(st.sampled_from(sorted(names[param])))
            if kind == "flag":
                pieces.append([option])
            elif option.startswith("--") and draw(st.booleans()):
                pieces.append([f"{option}={draw(value)}"])
            else:
                pieces.append([option, draw(value)])
    positional = [[draw(value)] for _ in spec["arguments"] if draw(st.integers(0, 9))]
    order = draw(st.permutations(pieces + positional))
    tokens = [token for piece in order for token in piece]
    if draw(st.integers(0, 4)) == 0:
        tokens.insert(draw(st.integers(0, len(tokens))), draw(value))
    group = ["--now", draw(value)] if draw(st.booleans()) else []
    return [*group, name, *tokens]


def lane_reads(args: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """What the lane makes of ``respond ARGS``: the command, ``--db`` and ``--now``, the
    command's parameters; None if it leaves it to Typer."""
    parsed = parse(args)
    if parsed is None:
        return None
    name, group, values = parsed
    return name, {k: group[k] for k in ("db", "now")}, values


@settings(max_examples=fuzz.examples(150))
@given(st.one_of(argvs(), nearly_well_formed()))
def test_the_lane_reads_argv_as_click_does_or_leaves_it(args: list[str]) -> None:
    lane = lane_reads(args)
    if lane is not None:  # (None: Typer's to read, always safe)
        assert lane == click_reads(args), args


def test_well_formed_invocations_are_the_lanes() -> None:
    """The lane does answer the everyday forms (so the property above is not vacuous)."""
    for args in (
        ["add", "x", "--from", "Dana", "--tag", "a", "--tag", "b", "-n", "note"],
        ["--now", "2026-11-25T09:00", "promise", "--to=Sam", "p", "-b", "fri"],
        ["done", "#3", "--no-follow-up"],
        ["snooze", "3", "mon 10am"],
        ["thanks", "Dana", "for it", "--new-person"],
        ["wait", "w", "--on", "Jane", "--for", "2"],
        ["ack", "1", "--by", "tomorrow"],
    ):
        assert lane_reads(args) is not None, args
        assert lane_reads(args) == click_reads(args), args

"""The capture lane: ``respond add/promise/ack/wait/done/snooze/thanks`` without Typer, Click
or Rich, which cost several times what the command itself does.

:func:`main` parses argv with :mod:`respond.cli.lanespec` (generated from the Typer app by
:mod:`respond.cli.lanegen`, so the command line is defined once), builds the same
:class:`~respond.cli.appstate.App` the Typer group builds, and commits the same core action
with the same confirmation (:meth:`App.commit`, :meth:`App.confirm`) as the command in
``cli/commands/capture.py``. It answers only a well-formed invocation it understands
entirely; for anything else it returns None *before anything is written*, and
``__main__.py`` hands argv to Typer unchanged:

- ``--help``/``-h``, ``--version``, completion (``$_RESPOND_COMPLETE``), ``--``, an unknown
  or repeated option, a combined short option (``-fDana``), a value that starts with ``-``,
  a missing or extra argument, ``--mail``;
- a name that a terminal would ask about (``Zoey is new. Did you mean Zoë Müller?``);
- any error before the commit: a bad ID, a bad date, an ambiguous name, a broken config or
  database file. Nothing is written when the transaction raises, so Typer runs the command
  again and reports the error exactly as it always does (the error path stays in one place);
- ``RESPOND_NO_LANE=1`` in the environment (for tests and debugging): always Typer.

A new item (``add``, ``promise``, ``wait``, ``thanks``: :data:`APPENDS`) is first tried as a
*capture* (:func:`_append`): the same core action over :class:`respond.storage.captures.Session`,
appended to the capture log beside the database instead of a transaction that parses and
rewrites the active file. When the files do not allow it (see
:func:`respond.storage.captures.capture`) nothing is written and the command commits as above.

Falling through on an error costs a second attempt (the error is rare; a database locked past
its timeout is then waited for twice), but keeps every error worded by the one error path.

After the commit it never falls through (that would write twice): a confirmation that cannot
be written is reported as the Typer path reports it (:func:`respond.cli.context.output_lost`).
Each handler below mirrors its command's body, and names the parameters it reads: a command
whose generated parameters differ (an option added or renamed) is left to Typer until its
handler is updated (``tests/process/test_lane.py`` says so).
"""

from __future__ import annotations

import os
import sys

from respond.cli import lanespec

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Call = tuple[Callable[..., Any], tuple[Any, ...]]


class _Typer(Exception):
    """Not for the lane: Typer runs it."""


def _needed(value: Any) -> Any:
    if value is None:  # Typer's path says "Missing argument/option"
        raise _Typer
    return value


def _person(app: Any, typed: str, new_person: bool) -> tuple[str, bool]:
    from respond.cli.askperson import offered

    if offered(app, typed, new_person) is not None:
        raise _Typer  # a question on a terminal: Typer's path asks it
    return typed, new_person


def _number(text: str) -> int:
    from respond.core.actions import parse_id

    return parse_id(text)


def _add(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    if p["mail"]:
        raise _Typer
    text = _needed(p["title"])
    who, new = _person(app, _needed(p["person"]), p["new_person"])
    return actions.add_ask, (text, who, p["via"], p["by"], p["tag"] or [], p["note"], new)


def _promise(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    if p["mail"]:
        raise _Typer
    text = _needed(p["title"])
    who, new = _person(app, _needed(p["person"]), p["new_person"])
    by = _needed(p["by"])
    return actions.add_promise, (text, who, by, p["tag"] or [], p["note"], new)


def _ack(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    return actions.ack, (_number(p["item_id"]), p["by"])


def _wait(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    target = _number(p["for_id"]) if p["for_id"] is not None else None
    if p["mail"]:
        raise _Typer
    text = _needed(p["title"])
    who, new = _person(app, _needed(p["person"]), p["new_person"])
    args = (text, who, target, p["by"], p["tag"] or [], p["note"], new)
    return actions.add_waiting, args


def _done(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    if p["follow_up"] is not None and p["no_follow_up"]:
        raise _Typer  # "use --follow-up or --no-follow-up, not both"
    args = (_number(p["item_id"]), p["follow_up"], p["no_follow_up"], p["note"])
    return actions.complete, args


def _snooze(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    return actions.snooze, (_number(p["item_id"]), p["when"])


def _thanks(app: Any, p: dict[str, Any]) -> Call:
    from respond.core import actions

    who, new = _person(app, p["person"], p["new_person"])
    return actions.thank, (who, p["text"], new)


_CAPTURE = {"title", "person", "by", "tag", "note", "new_person", "mail"}

#: Each lane command: its handler and the parameters it reads (the Typer command's, by name).
HANDLERS: dict[str, tuple[Callable[[Any, dict[str, Any]], Call], frozenset[str]]] = {
    "add": (_add, frozenset(_CAPTURE | {"via"})),
    "promise": (_promise, frozenset(_CAPTURE)),
    "ack": (_ack, frozenset({"item_id", "by"})),
    "wait": (_wait, frozenset(_CAPTURE | {"for_id"})),
    "done": (_done, frozenset({"item_id", "follow_up", "no_follow_up", "note"})),
    "snooze": (_snooze, frozenset({"item_id", "when"})),
    "thanks": (_thanks, frozenset({"person", "text", "new_person"})),
}


def _take(
    args: list[str], i: int, options: dict[str, str], params: dict[str, Any], got: dict[str, Any]
) -> int:
    """Read the option at ``args[i]`` into ``got``; the index after it. Raises :class:`_Typer`
    for anything Click would read otherwise or refuse."""
    token = args[i]
    name, eq, attached = token.partition("=") if token.startswith("--") else (token, "", "")
    param = options.get(name)
    if param is None:
        raise _Typer  # unknown, combined short options, a negative number...
    kind = params[param][0]
    if kind == "typer" or (param in got and kind != "multiple"):
        raise _Typer  # acts and exits (--version), or given twice
    if kind == "flag":
        if eq:
            raise _Typer
        got[param] = True
        return i + 1
    if eq:
        value, i = attached, i + 1
    else:
        if i + 1 >= len(args):
            raise _Typer  # "Option requires an argument"
        value, i = args[i + 1], i + 2
        if value.startswith("-"):
            raise _Typer  # Click's reading of it depends on more than the lane knows
    if kind == "multiple":
        got.setdefault(param, []).append(value)
    else:
        got[param] = value
    return i


def parse(args: list[str]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """``(command, group options, command parameters)``, or None if Typer must parse it."""
    spec: dict[str, Any] = lanespec.GROUP
    helps = set(lanespec.HELP)
    if helps.intersection(args) or "--" in args:
        return None
    group: dict[str, Any] = {}
    i = 0
    try:
        while i < len(args) and args[i].startswith("-"):
            i = _take(args, i, spec["options"], spec["params"], group)
        if i >= len(args) or args[i] not in lanespec.COMMANDS or args[i] not in HANDLERS:
            return None
        name = args[i]
        command = lanespec.COMMANDS[name]
        params: dict[str, Any] = command["params"]
        if set(params) != HANDLERS[name][1]:
            return None  # the command changed: its handler must be updated first
        got: dict[str, Any] = {}
        positional: list[str] = []
        i += 1
        while i < len(args):
            if args[i].startswith("-"):
                i = _take(args, i, command["options"], params, got)
            else:
                positional.append(args[i])
                i += 1
    except _Typer:
        return None
    if len(positional) > len(command["arguments"]):
        return None  # "Got unexpected extra argument"
    got.update(zip(command["arguments"], positional, strict=False))
    values: dict[str, Any] = {}
    for param, (_kind, required, default) in params.items():
        if param not in got and required:
            return None  # "Missing argument/option"
        values[param] = got.get(param, default)
    opts = {p: group.get(p, default) for p, (_k, _r, default) in spec["params"].items()}
    return name, opts, values


class _Root:
    """What :func:`respond.cli.context.output_lost` reads of a Click context."""

    def __init__(self, app: Any) -> None:
        self.obj = app

    def find_root(self) -> _Root:
        return self


def main(args: list[str]) -> int | None:
    """Run ``respond ARGS`` in the lane: its exit code, or None to hand it to Typer (then
    nothing was written)."""
    if os.environ.get("RESPOND_NO_LANE") or os.environ.get("_RESPOND_COMPLETE"):
        return None
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130  # as Typer exits on Ctrl-C: silently, with 130


#: The commands that create one new item: appended to the capture log when the files allow
#: (:func:`_append`), else committed by a full transaction.
APPENDS = frozenset({"add", "promise", "wait", "thanks"})


class _Appended:
    """What :meth:`App.confirm` and the background sync read of the store after a capture
    appended to the log (:mod:`respond.storage.captures`): its path and warnings."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.warnings: list[str] = []


def _append(app: Any, name: str, values: dict[str, Any]) -> Any:
    """Make the command a capture appended to the log beside the database, without reading
    the active file (:func:`respond.storage.captures.capture`): its outcome, or None when
    the files do not allow it (nothing was written: a full transaction makes it)."""
    from respond.storage.captures import Declined, capture
    from respond.storage.paths import db_path_text

    path = db_path_text(app.db_option)[0]

    def run(session: Any) -> Any:
        app.known_names = session.known_names  # what a question on a terminal matches
        action, call = HANDLERS[name][0](app, values)
        return action(session, app.env, *call)

    from respond.core.clock import to_local

    today = to_local(app.env.now()).date().isoformat()  # (the archiving pass's day)
    appended = _Appended(path)
    try:
        outcome = capture(path, today, run, appended.warnings)
    except Declined:
        return None
    finally:
        app.known_names = None
    app.store = appended
    app.saved = f"#{outcome.items[0].id}"
    return outcome


def _run(args: list[str]) -> int | None:
    parsed = parse(args)
    if parsed is None:
        return None
    name, opts, values = parsed
    from respond.cli.appstate import App

    app = App(opts["db"], opts["now"])
    try:
        outcome = _append(app, name, values) if name in APPENDS else None
        if outcome is None:
            action, call = HANDLERS[name][0](app, values)
            outcome = app.commit(action, *call)
    except Exception:  # nothing was written: Typer runs it again and says what went wrong
        return None
    try:
        try:
            app.confirm(outcome)
        finally:
            sys.stdout.flush()  # a full disk or closed pipe shows here, not at exit
    except OSError as err:
        if err.filename is not None:
            raise
        from respond.cli.context import output_lost

        try:
            output_lost(_Root(app), err)
        except Exception as stop:  # Typer's Exit, with the code the Typer path exits with
            return int(getattr(stop, "exit_code", 1))
    return 0

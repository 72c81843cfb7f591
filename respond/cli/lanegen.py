"""Write :mod:`respond.cli.lanespec`: how the capture lane parses argv, generated from the Typer
app, so that the command line has one definition.

``python -m respond.cli.lanegen`` rewrites ``respond/cli/lanespec.py``; ``--check`` exits 1
when the committed file differs from what the Typer definitions give now
(``tests/process/test_lane.py`` runs it). Run it whenever a capture command's options change.

The spec is read from the Click command Typer builds for each lane command (and for the
group): every parameter's option names, whether it is a flag, a value or a repeatable value,
whether it is required, and its default. A parameter the lane cannot read exactly (another
type, several values, a callback, an environment variable, a prompt) leaves its command out
of the lane, so that Typer runs it; a group option that only acts (``--version``, completion)
is marked ``"typer"``: given, it hands the command to Typer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SPEC = Path(__file__).with_name("lanespec.py")

HEADER = '''"""How the capture lane (:mod:`respond.cli.lane`) parses argv. GENERATED from the Typer
app by ``python -m respond.cli.lanegen``: do not edit; regenerate when a capture command
changes (a test compares this file with what the generator gives).

``GROUP`` is the group's options, ``HELP`` its help option names, and ``COMMANDS`` each lane
command's parameters: ``options`` maps an option name to its parameter; ``params`` gives each
parameter as ``(kind, required, default)``, kind being ``"argument"``, ``"value"``,
``"multiple"``, ``"flag"`` or ``"typer"`` (hand the command to Typer when given).
"""

from __future__ import annotations

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any

'''


def _kind(param: Any, *, group: bool) -> str | None:
    """How the lane reads ``param``; None if it cannot read it exactly."""
    if param.param_type_name == "argument":
        plain = param.nargs == 1 and param.type.name in ("text", "str")
        return "argument" if plain and param.callback is None and not param.envvar else None
    if group and (param.is_eager or not param.expose_value or param.callback is not None):
        return "typer"  # --version, --install-completion: they act, then exit
    if param.callback is not None or param.envvar or param.prompt or param.secondary_opts:
        return None
    if param.count or param.nargs != 1 or param.is_eager or not param.expose_value:
        return None
    if param.is_flag and param.type.name == "boolean" and param.default in (False, None):
        return "flag"
    if param.is_flag or param.type.name not in ("text", "str"):
        return None
    return "multiple" if param.multiple else "value"


def _params(command: Any, *, group: bool) -> dict[str, Any] | None:
    options: dict[str, str] = {}
    params: dict[str, tuple[str, bool, Any]] = {}
    for param in command.params:
        kind = _kind(param, group=group)
        if kind is None:
            return None
        default = param.default
        if not isinstance(default, str | bool | type(None)):
            return None
        params[param.name] = (kind, bool(param.required), default)
        for name in param.opts if kind != "argument" else []:
            options[name] = param.name
    return {"options": options, "params": params, "arguments": []}


def spec() -> dict[str, Any]:
    """The lane's spec, from the Typer definitions (``cli/app.py`` and ``cli/commands/``)."""
    from typer.main import get_command

    from respond.cli.app import app
    from respond.cli.lane import HANDLERS

    group = get_command(app)
    top = _params(group, group=True)
    assert top is not None, "the group has an option the lane cannot read"
    commands: dict[str, Any] = {}
    for name in HANDLERS:
        command = group.commands.get(name)  # type: ignore[attr-defined]
        if command is None or command.params is None:
            continue
        if command.context_settings or not command.allow_interspersed_args:
            continue
        if command.ignore_unknown_options or command.allow_extra_args:
            continue
        entry = _params(command, group=False)
        if entry is None:
            continue
        entry["arguments"] = [p.name for p in command.params if p.param_type_name == "argument"]
        commands[name] = entry
    help_names = group.context_settings.get("help_option_names", ["--help"])
    return {
        "GROUP": {"options": top["options"], "params": top["params"]},
        "HELP": sorted(help_names),
        "COMMANDS": commands,
    }


def _literal(value: Any, indent: str = "") -> str:
    """``value`` as Python source, laid out as ``ruff format`` lays it out: a dict one entry a
    line (sorted), a list or tuple of plain values on one line, strings in double quotes."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "    "
        lines = [f"{inner}{_literal(k)}: {_literal(v, inner)},\n" for k, v in sorted(value.items())]
        return "{\n" + "".join(lines) + indent + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


def source() -> str:
    """The text of ``lanespec.py``."""
    parts = [HEADER.rstrip() + "\n"]
    for name, value in spec().items():
        kind = "list[str]" if isinstance(value, list) else "dict[str, Any]"
        parts.append(f"{name}: {kind} = {_literal(value)}\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = source()
    if "--check" in argv:
        if SPEC.read_text(encoding="utf-8") != text:
            print(f"{SPEC} is stale: run python -m respond.cli.lanegen", file=sys.stderr)
            return 1
        return 0
    SPEC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

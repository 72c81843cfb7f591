"""How the capture lane (:mod:`respond.cli.lane`) parses argv. GENERATED from the Typer
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

GROUP: dict[str, Any] = {
    "options": {
        "--db": "db",
        "--install-completion": "install_completion",
        "--now": "now",
        "--show-completion": "show_completion",
        "--version": "version",
    },
    "params": {
        "db": ("value", False, None),
        "install_completion": ("typer", False, None),
        "now": ("value", False, None),
        "show_completion": ("typer", False, None),
        "version": ("typer", False, False),
    },
}

HELP: list[str] = ["--help", "-h"]

COMMANDS: dict[str, Any] = {
    "ack": {
        "arguments": ["item_id"],
        "options": {
            "--by": "by",
            "-b": "by",
        },
        "params": {
            "by": ("value", True, None),
            "item_id": ("argument", True, None),
        },
    },
    "add": {
        "arguments": ["title"],
        "options": {
            "--by": "by",
            "--from": "person",
            "--mail": "mail",
            "--new-person": "new_person",
            "--note": "note",
            "--tag": "tag",
            "--via": "via",
            "-b": "by",
            "-c": "via",
            "-f": "person",
            "-n": "note",
        },
        "params": {
            "by": ("value", False, None),
            "mail": ("flag", False, False),
            "new_person": ("flag", False, False),
            "note": ("value", False, ""),
            "person": ("value", False, None),
            "tag": ("multiple", False, None),
            "title": ("argument", False, None),
            "via": ("value", False, None),
        },
    },
    "done": {
        "arguments": ["item_id"],
        "options": {
            "--follow-up": "follow_up",
            "--no-follow-up": "no_follow_up",
            "--note": "note",
            "-n": "note",
        },
        "params": {
            "follow_up": ("value", False, None),
            "item_id": ("argument", True, None),
            "no_follow_up": ("flag", False, False),
            "note": ("value", False, None),
        },
    },
    "promise": {
        "arguments": ["title"],
        "options": {
            "--by": "by",
            "--mail": "mail",
            "--new-person": "new_person",
            "--note": "note",
            "--tag": "tag",
            "--to": "person",
            "-b": "by",
            "-n": "note",
            "-t": "person",
        },
        "params": {
            "by": ("value", False, None),
            "mail": ("flag", False, False),
            "new_person": ("flag", False, False),
            "note": ("value", False, ""),
            "person": ("value", False, None),
            "tag": ("multiple", False, None),
            "title": ("argument", False, None),
        },
    },
    "snooze": {
        "arguments": ["item_id", "when"],
        "options": {},
        "params": {
            "item_id": ("argument", True, None),
            "when": ("argument", True, None),
        },
    },
    "thanks": {
        "arguments": ["person", "text"],
        "options": {
            "--new-person": "new_person",
        },
        "params": {
            "new_person": ("flag", False, False),
            "person": ("argument", True, None),
            "text": ("argument", True, None),
        },
    },
    "wait": {
        "arguments": ["title"],
        "options": {
            "--by": "by",
            "--for": "for_id",
            "--mail": "mail",
            "--new-person": "new_person",
            "--note": "note",
            "--on": "person",
            "--tag": "tag",
            "-b": "by",
            "-n": "note",
        },
        "params": {
            "by": ("value", False, None),
            "for_id": ("value", False, None),
            "mail": ("flag", False, False),
            "new_person": ("flag", False, False),
            "note": ("value", False, ""),
            "person": ("value", False, None),
            "tag": ("multiple", False, None),
            "title": ("argument", False, None),
        },
    },
}

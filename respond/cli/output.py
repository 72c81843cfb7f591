"""Plain output that needs no Rich: confirmations and JSON (cheap to import)."""

from __future__ import annotations

import json
import sys
from typing import Any

# The config file's ``color`` setting, set when a command loads its settings (``cli.App.env``)
# and read by ``render.console``. ``NO_COLOR`` and piped output turn colour off regardless.
_color = True


def use_color(enabled: bool) -> None:
    global _color
    _color = enabled


def color_allowed() -> bool:
    """False when the user turned colour off in the config file."""
    return _color


def confirm(message: str) -> None:
    """A one-line confirmation (its user text is already made visible by the core)."""
    print(message)


def print_json(data: Any) -> None:
    """Data for scripts: UTF-8 JSON, user text exactly as stored."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

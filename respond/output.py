"""Plain output that needs no Rich: confirmations and JSON (cheap to import)."""

from __future__ import annotations

import json
import sys
from typing import Any


def confirm(message: str) -> None:
    """A one-line confirmation (its user text is already made visible by the core)."""
    print(message)


def print_json(data: Any) -> None:
    """Data for scripts: UTF-8 JSON, user text exactly as stored."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

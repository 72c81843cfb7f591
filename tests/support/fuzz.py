"""How hard the fuzz tests search: their quick default in CI, or ``RESPOND_FUZZ`` examples
(e.g. ``RESPOND_FUZZ=2000 .venv/bin/python -m pytest`` for a deeper search)."""

from __future__ import annotations

import os


def examples(default: int) -> int:
    """``max_examples`` for a fuzz test whose quick default is ``default``."""
    return int(os.environ.get("RESPOND_FUZZ", str(default)))

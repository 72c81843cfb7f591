"""Where the database lives: ``--db``, then ``RESPOND_DB``, then the platform's user data dir."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "respond"
DB_FILENAME = "respond.json"


def default_db_path() -> Path:
    import platformdirs  # lazy: only needed when no path was given

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def resolve_db_path(option: str | None) -> tuple[Path, bool]:
    """The database path and whether the user chose it explicitly."""
    chosen = option or os.environ.get("RESPOND_DB")
    if chosen:
        return Path(chosen).expanduser(), True
    return default_db_path(), False

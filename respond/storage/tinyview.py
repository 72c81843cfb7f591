"""TinyDB's view of a loaded database: the one module a write imports TinyDB through.

A read (``list``, ``today``, ``show``...) takes the tables straight from the parsed JSON
(:meth:`respond.storage.database.Store.snapshot`) and never imports this module, so it pays
nothing for TinyDB; a transaction opens a fresh view here on the data it loaded.
"""

from __future__ import annotations

from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage


class BufferedStorage(Storage):
    """A TinyDB storage that reads the file once and keeps writes in memory until commit."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


def open_view(data: dict[str, Any]) -> tuple[TinyDB, BufferedStorage]:
    """A TinyDB database over ``data`` (changed in place by its writes), and its storage."""
    db = TinyDB(storage=BufferedStorage, data=data)
    storage = db.storage
    assert isinstance(storage, BufferedStorage)
    return db, storage

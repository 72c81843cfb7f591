"""The in-process CLI as tests see it: the ``run`` fixture's result type (the fixture itself is in
tests/conftest.py), the fixed "now" and the shared scenarios built through it."""

from __future__ import annotations

from collections.abc import Callable

NOW = "2026-11-25T10:00"  # a Wednesday, 10:00 local


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self) -> str:
        return f"Result({self.exit_code}, out={self.stdout!r}, err={self.stderr!r})"


Run = Callable[..., Result]


def day(run: Run) -> None:
    """A Wednesday morning (2026-11-25 10:00) with something in every section."""
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-23T10:00")  # 1: due Tue 17:00
    run("wait", "VPN access", "--on", "Jane", "--for", "1", now="2026-11-23T10:05")  # 2
    run("add", "Laptop", "--from", "Bob", now="2026-11-23T10:10")  # 3
    run("wait", "Laptop stock", "--on", "Lee", "--for", "3", now="2026-11-23T10:15")  # 4
    run("done", "4", now="2026-11-24T09:00")  # Lee answered: relay it to Bob
    run("add", "Invoice", "--from", "Sam", now="2026-11-20T10:00")  # 5
    run("done", "5", "--follow-up", "2026-11-24 12:00", now="2026-11-20T11:00")  # 6: follow-up
    run("add", "Call back", "--from", "Pat", "--via", "phone", now="2026-11-25T08:00")  # 7: 13:00
    run("promise", "the deck", "--to", "Sam", "--by", "fri", now="2026-11-25T08:05")  # 8: not today
    run("thanks", "Jane", "for the VPN", now="2026-11-24T08:05")  # 9

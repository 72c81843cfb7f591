"""Compact lengths of time, as the review shows them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from respond.core.timefmt import span
from tests.support.cli import Run


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(0), "<1m"),
        (timedelta(seconds=59), "<1m"),
        (timedelta(seconds=-30), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=23, minutes=59), "23h"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=13, hours=23), "13 days"),
        (timedelta(days=14), "2 weeks"),
        (timedelta(days=-20), "2 weeks"),
    ],
)
def test_span(delta: timedelta, shown: str) -> None:
    assert span(delta) == shown


def test_a_wait_begun_this_minute_reads_less_than_a_minute(run: Run) -> None:
    assert run("wait", "VPN token", "--on", "Jane").exit_code == 0
    out = run("today").stdout
    assert "VPN token  waited <1m" in out and " 0m" not in out, out

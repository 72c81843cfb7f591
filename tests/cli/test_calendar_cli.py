"""The first day of the week (``week_start`` in the config file) reaches every view that counts
in weeks: ``week`` (its JSON, its drawing), ``today``'s week summary and the weekly score cache.
It travels in one value (``core.calendar.Calendar``), so no step can fall back to Monday."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from respond.storage import scorecache
from tests.support.cli import Run, invoke

NOW = "2026-11-25T10:00"  # a Wednesday


def two_sundays(run: Run) -> None:
    """An ask answered on each of two Sundays (15 and 22 Nov), and thanks on the second."""
    for n, day in enumerate(("2026-11-15", "2026-11-22"), start=1):
        run("add", f"ask on {day}", "--from", "Dana", now=f"{day}T10:00")
        run("done", str(n), "--no-follow-up", now=f"{day}T12:00")
    run("thanks", "Jane", "for Sunday", now="2026-11-22T12:05")


def test_weeks_start_on_sunday_in_week_today_and_the_score_cache(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('week_start = "sun"\n')
    two_sundays(run)

    card = json.loads(run("week", "--json", now=NOW).stdout)
    assert card["week_start"] == "sunday"
    this, last = card["weeks"][-1], card["weeks"][-2]
    assert (this["start"], this["end"], this["iso_week"]) == ("2026-11-22", "2026-11-28", None)
    assert this["habits"]["reply"]["kept"] == this["habits"]["reply"]["total"] == 1
    assert this["habits"]["gratitude"]["kept"] == 1
    assert last["start"] == "2026-11-15" and last["habits"]["reply"]["total"] == 1
    assert all(date.fromisoformat(week["start"]).weekday() == 6 for week in card["weeks"])

    drawn = run("week", now=NOW).stdout
    assert "Sun 22 Nov – Sat 28 Nov 2026" in drawn and "Week 48" not in drawn

    summary = json.loads(run("today", "--json", now=NOW).stdout)["week"]
    assert summary["start"] == "2026-11-22"
    assert summary["habits"]["reply"]["kept"] == 1 and summary["habits"]["gratitude"]["kept"] == 1

    # The cache holds Sunday weeks, says so in its fingerprint, and serves the next `week`.
    cache = json.loads(scorecache.cache_path(db_path).read_text())
    assert "|start 6|" in cache["fingerprint"]
    assert cache["until"] == "2026-11-22" and "2026-11-15" in cache["weeks"]
    assert all(date.fromisoformat(day).weekday() == 6 for day in cache["weeks"])
    again = run("week", "--json", now=NOW).stdout
    assert scorecache.last.used_cache and json.loads(again) == card
    fresh = invoke("week", "--json", now=NOW, env={scorecache.DISABLE: "1"})
    assert json.loads(fresh.stdout) == card


def test_without_the_setting_the_same_history_counts_in_monday_weeks(run: Run) -> None:
    two_sundays(run)
    card = json.loads(run("week", "--json", now=NOW).stdout)
    this, last = card["weeks"][-1], card["weeks"][-2]
    assert card["week_start"] == "monday"
    assert (this["start"], this["iso_week"]) == ("2026-11-23", "2026-W48")
    assert this["habits"]["reply"]["total"] == 0  # both Sundays ended earlier weeks
    assert last["start"] == "2026-11-16" and last["habits"]["reply"]["kept"] == 1
    assert "Week 48" in run("week", now=NOW).stdout
    assert json.loads(run("today", "--json", now=NOW).stdout)["week"]["start"] == "2026-11-23"

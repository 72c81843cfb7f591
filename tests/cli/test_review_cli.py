"""``respond today`` (the morning review), ``week``, ``thanks``, ``who`` and ``people`` through
the CLI: what they print, piped (plain) and in colour, and the same content as JSON."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.cli import Run, day

SGR = re.compile(r"\x1b\[[0-9;]*m")


def sections(out: str) -> list[str]:
    return [line for line in out.splitlines() if line and not line.startswith(" ")]


def test_empty_day_is_one_friendly_line(run: Run) -> None:
    result = run("today")
    assert result.exit_code == 0
    assert result.stdout == (
        "Nothing overdue or due today. Everyone who is waiting on you is covered.\n"
    )


def test_today_sections_in_order_with_relative_times(run: Run) -> None:
    day(run)
    out = run("today").stdout
    assert sections(out) == [
        "Needs you now: 3 (the prompt's count): 2 overdue · 1 follow-up late",
        "Overdue",
        "Due today",
        "Follow-ups due",
        "Waiting on others",
        "Relay back",
        "This week: overall 17 (-33 on last week) · prompt reply 0 · word kept n/a · "
        "follow-up n/a · loop closed n/a · gratitude 1/3",
    ]
    lines = out.splitlines()[1:]  # after the header
    assert lines[1].split() == ["#1", "ask", "Dana", "Q3", "numbers", "17h", "late"]
    assert lines[2].split() == ["#3", "ask", "Bob", "Laptop", "17h", "late"]
    assert lines[4].split() == ["#7", "ask", "Pat", "Call", "back", "due", "13:00"]
    assert lines[6].split() == ["#6", "followup", "Sam", "Invoice", "22h", "late"]
    assert lines[8].split() == [
        "#2", "waiting", "Jane", "VPN", "access", "waited", "1", "day", "for", "Dana", "(#1)"
    ]  # fmt: skip
    assert lines[10].split() == [
        "#4", "waiting", "Lee", "Laptop", "stock", "answered", "1", "day", "ago", "→", "tell",
        "Bob", "(#3)",
    ]  # fmt: skip
    assert "the deck" not in out  # due Friday: not today's business


def test_today_columns_line_up_across_sections(run: Run) -> None:
    day(run)
    rows = [line for line in run("today").stdout.splitlines() if line.startswith("  ")]
    titles = ["Q3 numbers", "Laptop", "Call back", "Invoice", "VPN access", "Laptop stock"]
    starts = {row.index(title) for row, title in zip(rows, titles, strict=True)}
    assert len(starts) == 1
    assert all(row == row.rstrip() for row in rows)  # no trailing spaces when piped


def test_waiting_shows_chase_once_the_chase_time_passed(run: Run) -> None:
    run("wait", "VPN access", "--on", "Jane", "--by", "2026-11-24 12:00", now="2026-11-23T10:00")
    out = run("today").stdout
    assert "Waiting on others" in out and "chase them" in out
    assert "Overdue" not in out  # chasing is not an overdue ask of yours


def test_relay_back_goes_away_once_the_ask_is_done(run: Run) -> None:
    day(run)
    run("done", "3", "--no-follow-up", now="2026-11-25T09:00")
    out = run("today").stdout
    assert "Relay back" not in out and "Laptop stock" not in out


def test_no_command_runs_today(run: Run) -> None:
    day(run)
    assert run().stdout == run("today").stdout


def test_today_json_has_the_same_content(run: Run) -> None:
    day(run)
    data = json.loads(run("today", "--json").stdout)
    assert [e["item"]["id"] for e in data["overdue"]] == [1, 3]
    assert data["overdue"][0]["overdue_seconds"] == 17 * 3600
    assert [e["item"]["id"] for e in data["due_today"]] == [7]
    assert [(e["item"]["id"], e["late_seconds"]) for e in data["followups"]] == [(6, 22 * 3600)]
    waiting = data["waiting"]
    assert [(w["item"]["id"], w["for"]["person"], w["chase"]) for w in waiting] == [
        (2, "Dana", False)
    ]
    assert [(r["answer"]["id"], r["ask"]["id"]) for r in data["relay"]] == [(4, 3)]
    assert data["relay"][0]["answered_at"] == "2026-11-24T08:00:00+00:00"
    assert data["week"]["overall"] == 17 and data["week"]["change"] == -33
    assert data["week"]["habits"]["gratitude"] == {"score": 33, "kept": 1, "total": 3}


def test_today_json_on_an_empty_day(run: Run) -> None:
    data = json.loads(run("today", "--json").stdout)
    assert data == {
        "now": "2026-11-25T09:00:00+00:00",
        "overdue": [],
        "due_today": [],
        "followups": [],
        "waiting": [],
        "relay": [],
        "week": None,
    }


def _force_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_colour_when_forced_plain_with_no_color(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    day(run)
    plain = run("today").stdout
    assert "\x1b" not in plain
    _force_colour(monkeypatch)
    coloured = run("today").stdout
    assert "\x1b[1;31mOverdue" in coloured  # red heading
    assert "\x1b[1;31m17h late" in coloured
    assert "\x1b[33mdue 13:00" in coloured  # due today: yellow
    monkeypatch.setenv("NO_COLOR", "1")
    no_color = run("today").stdout
    codes = set(SGR.findall(no_color))
    assert not any(re.search(r"\b3[0-7]\b|\b9[0-7]\b", code) for code in codes)  # no colours
    assert SGR.sub("", no_color) == SGR.sub("", coloured)


# -- week -----------------------------------------------------------------------------------


def test_week_scorecard(run: Run) -> None:
    day(run)
    result = run("week")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Week 48 · Mon 23 Nov – Sun 29 Nov 2026 (so far)"
    assert lines[1].split()[:3] == ["habit", "this", "week"]
    rows = {line[:14].strip(): line[14:].split() for line in lines[2:]}
    # score, kept/scored, last week, streak, strength (last week's 100 x 0.132), sparkline
    assert rows["prompt reply"] == ["0", "0/2", "100", "1", "week", "13", "······█▁"]
    assert rows["word kept"] == ["n/a", "n/a", "-", "n/a", "········"]
    assert rows["gratitude"] == ["33", "1/3", "0", "-", "0", "······▁▃"]
    assert rows["overall"] == ["17", "-33", "50", "-", "7", "······▅▂"]


def test_week_history_table(run: Run) -> None:
    day(run)
    lines = run("week", "--weeks", "3").stdout.splitlines()
    table = lines[lines.index("") + 1 :]
    assert table[0].split()[0] == "week"
    assert [row.split()[0] for row in table[1:]] == ["2026-W48", "2026-W47", "2026-W46"]
    assert table[3].split()[-1] == "n/a"  # before the first item: n/a


def test_week_json(run: Run) -> None:
    day(run)
    data = json.loads(run("week", "--json", "--weeks", "3").stdout)
    assert data["week"]["start"] == "2026-11-23" and data["week"]["iso_week"] == "2026-W48"
    assert data["overall"]["score"] == 17 and data["overall"]["last_week"] == 50
    assert data["habits"]["reply"]["kept"] == 0 and data["habits"]["reply"]["total"] == 2
    assert len(data["overall"]["sparkline"]) == 8
    assert [w["start"] for w in data["weeks"]] == ["2026-11-09", "2026-11-16", "2026-11-23"]


@pytest.mark.parametrize("weeks", ["0", "521", "-3"])
def test_week_bad_weeks_is_one_line(run: Run, weeks: str) -> None:
    result = run("week", "--weeks", weeks)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("respond: --weeks must be between 1 and 520")


def test_week_on_an_empty_database_is_all_n_a(run: Run) -> None:
    out = run("week").stdout
    assert "overall" in out and out.count("n/a") >= 6


# -- thanks, who, people --------------------------------------------------------------------


def test_thanks_logs_a_done_thanks_item(run: Run) -> None:
    result = run("thanks", "Jane", "for [bold]the fix[/]")
    assert result.stdout == "Thanked Jane #1: for [bold]the fix[/]\n"
    item = json.loads(run("list", "--all", "--json").stdout)[0]
    assert (item["kind"], item["status"], item["person"]) == ("thanks", "done", "Jane")
    assert run("thanks", "Jane", "  ").exit_code == 2


def test_who_shows_open_items_history_and_stats(run: Run) -> None:
    day(run)
    run("add", "Budget", "--from", "dana", now="2026-11-16T10:00")
    run("ack", "10", "--by", "2026-11-16 15:00", now="2026-11-16T10:30")
    run("done", "10", "--no-follow-up", now="2026-11-16T14:00")
    run("thanks", "DANA", "for the coffee", now="2026-11-24T09:00")
    out = run("who", "dAnA").stdout
    lines = out.splitlines()
    assert lines[0] == "Dana"
    stats = {line[:23].strip(): line[23:] for line in lines[1:6]}
    assert stats["items"] == "1 open, 1 overdue · 3 in all"
    assert stats["asks"] == "2 from them · replied in time to 1 of 2"
    assert stats["time to acknowledge"] == "median 30m (1 acknowledged)"
    assert stats["promises"] == "kept 1, broken 0"
    assert stats["last thanked"] == "yesterday: for the coffee"
    assert lines[6] == "Open" and "Q3 numbers" in lines[7] and "17h late" in lines[7]
    assert lines[8] == "History"
    assert "thanks" in lines[9] and "Budget" in lines[10]


def test_who_json(run: Run) -> None:
    day(run)
    data = json.loads(run("who", "bob", "--json").stdout)
    assert data["person"] == "Bob"
    assert [i["id"] for i in data["open"]] == [3]
    assert data["stats"]["median_ack_seconds"] is None
    assert data["stats"]["last_thanked"] is None


def test_who_matches_a_unique_first_name_and_suggests_near_misses(run: Run) -> None:
    run("add", "x", "--from", "Dana Whitfield")
    run("add", "y", "--from", "Jane Liu")
    assert run("who", "dana").stdout.startswith("Dana Whitfield\n")
    assert run("who", "whit").stdout.startswith("Dana Whitfield\n")
    miss = run("who", "Jnae")
    assert miss.exit_code == 1
    assert miss.stderr == "respond: no one called 'Jnae'; did you mean Jane Liu?\n"
    nothing = run("who", "Zebedee")
    assert nothing.exit_code == 1 and nothing.stderr == "respond: no one called 'Zebedee'\n"


def test_who_ambiguous_name_lists_the_candidates(run: Run) -> None:
    run("add", "x", "--from", "Dana Whitfield")
    run("add", "y", "--from", "Dana Scully")
    result = run("who", "dana")
    assert result.exit_code == 1
    assert "Dana Scully, Dana Whitfield" in result.stderr


def test_who_history_is_limited_unless_all(run: Run) -> None:
    for n in range(20):
        run("thanks", "Ann", f"for thing {n}")
    assert "… and 5 more" in run("who", "ann").stdout
    assert "more" not in run("who", "ann", "--all").stdout


def test_people_lists_everyone_with_counts(run: Run) -> None:
    day(run)
    run("add", "old", "--from", "Olga", now="2026-09-01T10:00")
    run("done", "10", "--no-follow-up", now="2026-09-01T11:00")
    lines = run("people").stdout.splitlines()
    assert lines[0].split() == [
        "person", "open", "overdue", "waiting", "on", "recent", "last", "activity", "last",
        "thanked",
    ]  # fmt: skip
    names = [line.split()[0] for line in lines[1:]]
    assert names[:3] == ["Sam", "Bob", "Dana"]  # overdue first, then most open, most recent
    assert "Olga" not in names  # nothing open and nothing recent
    jane = next(line.split() for line in lines if line.startswith("Jane"))
    assert jane[:4] == ["Jane", "1", "-", "1"]
    assert "yesterday" in jane
    data = json.loads(run("people", "--days", "365", "--json").stdout)
    assert "Olga" in [row["person"] for row in data]


def test_people_on_an_empty_database(run: Run) -> None:
    assert run("people").stdout == "No one yet: add an ask, a promise or a thanks.\n"
    assert run("people", "--json").stdout == "[]\n"


def test_quiet_day_with_scores_adds_the_week_line(run: Run) -> None:
    run("add", "Invoice", "--from", "Sam", now="2026-11-23T10:00")
    run("done", "1", "--no-follow-up", now="2026-11-23T11:00")
    assert run("today").stdout.splitlines() == [
        "Nothing overdue or due today. Everyone who is waiting on you is covered.",
        "This week: overall 50 · prompt reply 100 · word kept n/a · follow-up n/a · "
        "loop closed n/a · gratitude 0/3",
    ]

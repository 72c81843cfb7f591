"""Every line says what it is: ``today`` marks each item's kind and says what each time is
(``3h late``, ``due 14:00``, ``waited 2 days``, ``answered 1 day ago``); ``show`` never says
"due due", an edit's history line says old → new, and a note's lines show as lines, escaped."""

from __future__ import annotations

import json

from tests.support.cli import Run


def mixed_day(run: Run) -> None:
    """Wednesday 2026-11-25 10:00: asks and promises mixed in Overdue and in Due today."""
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-23T10:00")  # 1: due Tue 17:00
    run("promise", "the deck", "--to", "Sam", "--by", "2026-11-25 07:00", now="2026-11-24T10:00")
    run("add", "Call back", "--from", "Pat", "--via", "phone", now="2026-11-25T08:00")  # 3: 13:00
    run("promise", "the memo", "--to", "Kim", "--by", "2026-11-25 14:00", now="2026-11-24T10:00")
    run("add", "Invoice", "--from", "Lee", now="2026-11-20T10:00")  # 5
    run("done", "5", "--follow-up", "2026-11-24 12:00", now="2026-11-20T11:00")  # 6: follow-up
    run("wait", "VPN access", "--on", "Jane", "--for", "1", "--by", "2026-11-24 12:00",
        now="2026-11-23T10:05")  # 7: time to chase  # fmt: skip
    run("add", "Laptop", "--from", "Bob", now="2026-11-24T09:00")  # 8: due today 17:00
    run("wait", "Laptop stock", "--on", "Ann", "--for", "8", now="2026-11-24T09:05")  # 9
    run("done", "9", now="2026-11-24T09:00")  # answered: relay it to Bob


def test_today_marks_each_lines_kind_and_says_what_its_time_is(run: Run) -> None:
    mixed_day(run)
    rows = {line.split()[0]: line.split()[1:] for line in run("today").stdout.splitlines()
            if line.startswith("  #")}  # fmt: skip
    assert rows == {
        "#1": ["ask", "Dana", "Q3", "numbers", "17h", "late"],
        "#2": ["promise", "Sam", "the", "deck", "3h", "late",
               "broken", "promise", "(you", "promised", "Sam", "by", "07:00)"],
        "#3": ["ask", "Pat", "Call", "back", "due", "13:00"],
        "#4": ["promise", "Kim", "the", "memo", "due", "14:00",
               "you", "promised", "Kim", "by", "14:00"],
        "#6": ["followup", "Lee", "Invoice", "22h", "late"],
        "#7": ["waiting", "Jane", "VPN", "access", "waited", "1", "day",
               "for", "Dana", "(#1)", "·", "chase", "them"],
        "#8": ["ask", "Bob", "Laptop", "due", "17:00"],
        "#9": ["waiting", "Ann", "Laptop", "stock", "answered", "1", "day", "ago",
               "→", "tell", "Bob", "(#8)"],
    }  # fmt: skip


def test_list_and_who_say_late_and_today_like_every_other_view(run: Run) -> None:
    mixed_day(run)
    rows = {line.split()[0]: line for line in run("list").stdout.splitlines()[1:]}
    assert "17h late" in rows["#1"] and "today 13:00" in rows["#3"]
    assert "today 14:00" in run("who", "kim").stdout


def show_fields(run: Run, item_id: str, now: str = "2026-11-25T10:00") -> dict[str, str]:
    out = run("show", item_id, now=now).stdout.splitlines()
    fields = out[1 : out.index("history")]
    return {line[:9].strip(): line[9:] for line in fields if line[:9].strip()}


def test_show_never_says_due_twice(run: Run) -> None:
    mixed_day(run)
    run("thanks", "Jane", "for the VPN")  # 10: no due time
    assert show_fields(run, "4")["due"] == "today 14:00"
    assert show_fields(run, "1")["due"] == "yesterday 17:00 · 17h late"
    assert show_fields(run, "9")["due"] == "tomorrow 17:00"  # done: just the time
    assert show_fields(run, "10")["due"] == "none"
    for item_id in range(1, 11):
        assert "due due" not in run("show", str(item_id)).stdout


def test_an_edits_history_line_says_old_and_new(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", "--by", "3pm", "--note", "from the call")
    edited = run("edit", "1", "--title", "Q3 and Q4 numbers", "--by", "fri", "--via", "phone",
                 "--note", "see the mail", "--tag", "q3", now="2026-11-25T10:05")  # fmt: skip
    assert edited.exit_code == 0
    out = run("show", "1", now="2026-11-25T10:10").stdout.splitlines()
    history = [line.strip() for line in out[out.index("history") + 1 :]]
    assert history == [
        "today 10:00  created · due: today 15:00",  # one form for every time (issue 22)
        "today 10:05  edited · a correction (scored against the new time) · "
        "title: 'Q3 numbers' → 'Q3 and Q4 numbers'",
        "due: today 15:00 → Fri 17:00",
        "channel: email → phone",
        "note: 'from the call' → 'see the mail'",
        "tags: none → +q3",
    ]
    (event,) = [e for e in json.loads(run("show", "1", "--json").stdout)["history"]
                if e["event"] == "edited"]  # fmt: skip
    assert event["fields"] == ["title", "due", "channel", "note", "tags"]
    assert event["changes"]["due"] == {
        "from": "2026-11-25T14:00:00+00:00",
        "to": "2026-11-27T16:00:00+00:00",
    }


def test_a_multi_line_note_shows_as_lines_each_still_escaped(run: Run) -> None:
    note = "first line\nsecond \x1b[31mred\r\nthird\x07 [bold]x[/]"
    run("add", "Q3 numbers", "--from", "Dana", "--note", note)
    out = run("show", "1").stdout
    lines = out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("note"))
    assert [line.rstrip() for line in lines[start : start + 3]] == [
        "note     first line",
        "         second \\x1b[31mred",
        "         third\\x07 [bold]x[/]",
    ]
    assert "\x1b" not in out and "\x07" not in out
    run("edit", "1", "--note", "one\ntwo")  # in a history line, a note stays on one line
    assert "note: 'first line\\nsecond \\x1b[31mred\\r\\nthird\\x07 [bold]x[/]' → 'one\\ntwo'" in (
        run("show", "1").stdout
    )


def test_help_states_the_rules(run: Run) -> None:
    today = " ".join(run("today", "--help", now=None).stdout.split())
    assert "3h late" in today and "waited" in today and "kind" in today
    show = " ".join(run("show", "--help", now=None).stdout.split())
    assert "old → new" in show and "note" in show
    for command in ("list", "today", "who", "people", "week"):
        text = " ".join(run(command, "--help", now=None).stdout.split())
        assert "narrow terminal" in text, command

"""The capture and lifecycle commands through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import Run


def items(run: Run, *extra: str) -> list[dict]:
    result = run("list", "--json", *extra)
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def test_add_uses_channel_sla_and_confirms_in_one_line(run: Run) -> None:
    # Friday 16:00 phone call: 4 working hours -> Monday 12:00
    result = run("add", "Q3 numbers", "--from", "Dana", "--via", "phone", now="2026-11-20T16:00")
    assert result.exit_code == 0
    assert result.stdout == "Added #1: Q3 numbers for Dana, due Mon 12:00\n"
    (item,) = items(run)
    assert item["kind"] == "ask" and item["channel"] == "phone" and item["status"] == "open"
    assert item["due"] == "2026-11-23T11:00:00+00:00"  # stored in UTC


def test_email_is_due_next_business_day(run: Run) -> None:
    run("add", "Budget question", "-f", "Lee", "-c", "email")  # Wed 10:00
    assert items(run)[0]["due"] == "2026-11-26T16:00:00+00:00"  # Thu 17:00 local


def test_add_by_overrides_sla(run: Run) -> None:
    result = run("add", "Slides", "--from", "Kim", "--by", "fri 3pm")
    assert result.stdout.endswith("due Fri 15:00\n")


def test_list_json_has_the_contract_keys(run: Run) -> None:
    run("add", "Slides", "--from", "Kim", "--tag", "deck", "--note", "big one")
    (item,) = items(run)
    for key in (
        "id", "uuid", "kind", "person", "title", "channel", "created", "due", "status",
        "for_id", "tags", "note", "history",
    ):  # fmt: skip
        assert key in item
    assert isinstance(item["id"], int)
    assert item["tags"] == ["deck"] and item["note"] == "big one"
    assert item["history"][0]["event"] == "created"


def test_add_ack_done_follow_up_round_trip(run: Run) -> None:
    run("add", "VPN access", "--from", "Bob", "--via", "chat")
    ack = run("ack", "1", "--by", "tomorrow")
    assert ack.exit_code == 0
    assert ack.stdout == "Acknowledged #1: VPN access; promised Bob by tomorrow 17:00\n"
    done = run("done", "#1", now="2026-11-26T11:00")
    assert done.exit_code == 0
    assert "follow up with Bob Thu 3 Dec 17:00 (#2)" in done.stdout
    follow = items(run)
    assert [(i["id"], i["kind"], i["for_id"], i["person"]) for i in follow] == [
        (2, "followup", 1, "Bob")
    ]
    shown = run("show", "1", now="2026-11-26T11:00")
    assert shown.exit_code == 0
    for event in ("created", "acked", "promised", "done", "follow-up scheduled"):
        assert event in shown.stdout
    history = json.loads(run("show", "1", "--json").stdout)["history"]
    assert [e["event"] for e in history] == [
        "created", "acked", "promised", "done", "follow-up scheduled",
    ]  # fmt: skip
    assert run("done", "2", now="2026-12-03T10:00").exit_code == 0
    assert items(run) == []  # a follow-up gets no follow-up of its own


def test_done_follow_up_options(run: Run) -> None:
    run("promise", "Send draft", "--to", "Sam", "--by", "fri")
    result = run("done", "1", "--follow-up", "3d")
    assert "follow up with Sam Mon 17:00" in result.stdout  # 3d is Saturday: a day off
    run("promise", "Send more", "--to", "Sam", "--by", "fri")
    result = run("done", "3", "--no-follow-up")
    assert result.stdout == "Done #3: Send more\n"
    both = run("done", "2", "--follow-up", "3d", "--no-follow-up")
    assert both.exit_code == 2


def test_wait_for_an_ask_reminds_to_relay(run: Run) -> None:
    run("add", "VPN access", "--from", "Bob")
    waited = run("wait", "VPN for Bob", "--on", "Jane", "--for", "1")
    assert waited.stdout == "Waiting on Jane #2: VPN for Bob, for Bob (#1); chase Fri 17:00\n"
    assert items(run, "--kind", "waiting")[0]["for_id"] == 1
    result = run("done", "2")
    assert result.stdout == "Done #2: VPN for Bob; now relay the answer to Bob (#1)\n"


def test_wait_for_unknown_item_is_refused(run: Run, db_path: Path) -> None:
    result = run("wait", "x", "--on", "Jane", "--for", "9")
    assert result.exit_code == 2
    assert result.stderr == "respond: no item #9\n"
    assert not db_path.exists()


def test_drop_snooze_edit(run: Run) -> None:
    run("add", "Report", "--from", "Ann")
    assert run("snooze", "1", "mon 10am").stdout == "Snoozed #1: Report until Mon 10:00\n"
    edited = run("edit", "1", "--title", "Big report", "--tag", "q3", "--via", "phone")
    assert edited.stdout == "Edited #1: Big report (title, channel, tags)\n"
    (item,) = items(run)
    assert item["title"] == "Big report" and item["tags"] == ["q3"] and item["channel"] == "phone"
    assert [e["event"] for e in item["history"]] == ["created", "snoozed", "edited"]
    assert run("drop", "1", "--reason", "moot").stdout == "Dropped #1: Big report\n"
    assert items(run) == []
    assert items(run, "--all")[0]["status"] == "dropped"
    again = run("done", "1")
    assert again.exit_code == 2 and "already dropped" in again.stderr


def test_undo_reverses_add_done_and_delete_and_ids_are_never_reused(run: Run) -> None:
    run("add", "One", "--from", "A")
    run("add", "Two", "--from", "B")
    assert run("undo").exit_code == 0
    assert [i["id"] for i in items(run)] == [1]
    run("add", "Three", "--from", "C")
    assert [i["id"] for i in items(run)] == [1, 3]  # #2 is never handed out again

    run("done", "1")
    assert [i["id"] for i in items(run)] == [3, 4]
    run("undo")
    restored = items(run)
    assert [(i["id"], i["status"]) for i in restored] == [(1, "open"), (3, "open")]
    assert [e["event"] for e in restored[0]["history"]][-3:] == [
        "done", "follow-up scheduled", "undone",
    ]  # fmt: skip

    assert run("delete", "3").exit_code == 0
    assert [i["id"] for i in items(run)] == [1]
    run("undo")
    assert [i["id"] for i in items(run)] == [1, 3]
    assert items(run)[1]["history"][-1]["event"] == "undone"


def test_undo_with_nothing_to_undo(run: Run) -> None:
    result = run("undo")
    assert result.exit_code == 1
    assert result.stderr == "respond: nothing to undo\n"


def test_list_filters(run: Run) -> None:
    run("add", "A1", "--from", "Dana", now="2026-11-23T10:00")  # due Tue 17:00: overdue by Wed
    run("add", "A2", "--from", "Lee")
    run("promise", "P1", "--to", "dana", "--by", "fri")
    assert [i["title"] for i in items(run, "--who", "DANA")] == ["A1", "P1"]
    assert [i["title"] for i in items(run, "--kind", "promise")] == ["P1"]
    assert [i["title"] for i in items(run, "--overdue")] == ["A1"]
    table = run("list")
    assert "17h late" in table.stdout and "A2" in table.stdout


def test_no_command_shows_today(run: Run) -> None:
    empty = run()
    assert empty.exit_code == 0 and "Nothing overdue" in empty.stdout
    run("add", "Call back", "--from", "Pat", "--via", "phone")
    assert "Call back" in run().stdout


def test_user_text_is_stored_exactly_and_shown_literally(run: Run) -> None:
    title = "[bold red]boom[/] \x1b[31mred\x1b[0m\nsecond line 🎉"
    result = run("add", title, "--from", "[link=http://x]Eve[/link]")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\\x1b[31m" in result.stdout
    assert items(run)[0]["title"] == title
    for args in (("list",), ("show", "1")):
        out = run(*args).stdout
        assert "\x1b" not in out
        assert "[bold red]boom[/]" in out
        assert "[link=http://x]Eve[/lin" in out


def test_very_long_title_is_shortened_in_tables(run: Run) -> None:
    title = "x" * 10_000
    run("add", title, "--from", "Dana")
    assert items(run)[0]["title"] == title
    line = run("list").stdout.splitlines()[1]
    assert len(line) < 200

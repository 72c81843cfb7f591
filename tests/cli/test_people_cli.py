"""One rule matches a person everywhere (issue 10, points 10, 11 and 20): `list --who`, `who`,
`thanks`, `wait --on`, `add --from`, `promise --to`, `edit --person`, `people rename` and
completion. Case-, accent- and space-insensitive; the whole name wins, then a first name only
one person has, then a unique start of a name's words; several is ambiguous, none gets a
did-you-mean. Capture commands store the matched person's spelling and say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import processes
from tests.support.cli import Run


@pytest.fixture
def crowd(run: Run) -> None:
    """Five people, each with one open ask (#1-#5); Ben also has a closed one (#6)."""
    for title, person in [
        ("Q3 numbers", "Dana Whitfield"),
        ("VPN access", "Ben Carter"),
        ("travel", "Ines García"),
        ("deck", "Pat O'Brien"),
        ("budget", "Sam Patel"),
        ("old", "Ben Carter"),
    ]:
        assert run("add", title, "--from", person).exit_code == 0
    run("done", "6", "--no-follow-up")


def people_json(run: Run) -> dict[str, int]:
    return {row["person"]: row["open"] for row in json.loads(run("people", "--json").stdout)}


def listed(run: Run, *args: str) -> list[int]:
    result = run("list", *args, "--json")
    assert result.exit_code == 0, result
    return [item["id"] for item in json.loads(result.stdout)]


def stored_person(run: Run, item_id: int) -> str:
    return json.loads(run("show", str(item_id), "--json").stdout)["person"]


# -- point 10: list --who and who -------------------------------------------------------------


def test_list_who_finds_a_unique_prefix_of_any_word(crowd: None, run: Run) -> None:
    assert listed(run, "--who", "ben") == [2]
    assert listed(run, "--who", "whit") == [1]
    assert listed(run, "--who", "dana w") == [1]
    assert listed(run, "--who", "ben", "--all") == [2, 6]


def test_list_who_ignores_case_accents_and_spaces(crowd: None, run: Run) -> None:
    assert listed(run, "--who", "ines garcia") == [3]
    assert listed(run, "--who", "  INES   GARCÍA ") == [3]


def test_an_exact_first_name_is_not_ambiguous(crowd: None, run: Run) -> None:
    # "pat" also starts "Patel", but only Pat O'Brien is called Pat
    assert listed(run, "--who", "pat") == [4]
    assert run("who", "pat").stdout.startswith("Pat O'Brien\n")


def test_list_who_ambiguous_exits_1_naming_the_candidates(crowd: None, run: Run) -> None:
    result = run("list", "--who", "pa")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "respond: 'pa' could be several people: Pat O'Brien, Sam Patel; say which\n"
    )


def test_list_who_nobody_exits_1_with_did_you_mean(crowd: None, run: Run) -> None:
    result = run("list", "--who", "Bne")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == "respond: no one called 'Bne'; did you mean Ben Carter?\n"
    nobody = run("list", "--who", "Zebedee", "--json")
    assert (nobody.exit_code, nobody.stdout) == (1, "")
    assert nobody.stderr == "respond: no one called 'Zebedee'\n"


def test_who_ignores_accents(crowd: None, run: Run) -> None:
    result = run("who", "ines  garcia")
    assert result.exit_code == 0 and result.stdout.startswith("Ines García\n")


def test_people_counts_accent_and_spacing_variants_as_one(run: Run, db_path: Path) -> None:
    # a spelling made elsewhere, imported as it is (imports keep names as written)
    other = str(db_path.with_name("other.json"))
    assert run("--db", other, "add", "c", "--from", "ines  garcia").exit_code == 0
    exported = run("--db", other, "export").stdout
    run("add", "a", "--from", "Ines García")
    run("add", "b", "--from", "Ines García")
    assert run("import", "-", input=exported).exit_code == 0
    assert people_json(run) == {"Ines García": 3}


# -- point 11: capture commands ---------------------------------------------------------------


def test_add_from_a_known_person_uses_their_spelling_and_says_so(crowd: None, run: Run) -> None:
    result = run("add", "Q4 numbers", "--from", "Dana")
    assert result.exit_code == 0, result
    assert result.stdout == (
        'Added #7: Q4 numbers for Dana Whitfield (matched "Dana"), due tomorrow 17:00\n'
    )
    assert stored_person(run, 7) == "Dana Whitfield"
    assert people_json(run)["Dana Whitfield"] == 2 and "Dana" not in people_json(run)


def test_each_capture_command_resolves_the_name(crowd: None, run: Run) -> None:
    promised = run("promise", "slides", "--to", "ines garcia", "--by", "fri")
    assert (
        promised.stdout
        == 'Promised #7: slides to Ines García (matched "ines garcia"), by Fri 17:00\n'
    )
    waiting = run("wait", "VPN", "--on", "whit")
    assert waiting.stdout == 'Waiting on Dana Whitfield (matched "whit") #8: VPN; chase Fri 17:00\n'
    thanked = run("thanks", "pat", "for the deck")
    assert thanked.stdout == 'Thanked Pat O\'Brien (matched "pat") #9: for the deck\n'
    edited = run("edit", "1", "--person", "sam")
    assert edited.stdout == 'Edited #1: Q3 numbers (person); person Sam Patel (matched "sam")\n'
    assert [stored_person(run, n) for n in (7, 8, 9, 1)] == [
        "Ines García",
        "Dana Whitfield",
        "Pat O'Brien",
        "Sam Patel",
    ]


def test_the_exact_spelling_says_nothing_more(crowd: None, run: Run) -> None:
    assert run("thanks", "Ben Carter", "for VPN").stdout == "Thanked Ben Carter #7: for VPN\n"


def test_an_ambiguous_name_is_refused_with_exit_2(crowd: None, run: Run, db_path: Path) -> None:
    before = db_path.read_bytes()
    for args in (
        ("add", "x", "--from", "pa"),
        ("promise", "x", "--to", "pa", "--by", "fri"),
        ("wait", "x", "--on", "pa"),
        ("thanks", "pa", "x"),
        ("edit", "1", "--person", "pa"),
    ):
        result = run(*args)
        assert result.exit_code == 2 and result.stdout == "", (args, result)
        assert result.stderr == (
            "respond: 'pa' could be several people: Pat O'Brien, Sam Patel; give more of the "
            "name, or --new-person to add someone new\n"
        )
    assert db_path.read_bytes() == before


def test_a_name_matching_no_one_is_a_new_person_as_typed(crowd: None, run: Run) -> None:
    assert run("add", "x", "--from", "Zoë Martin").stdout.startswith("Added #7: x for Zoë Martin,")
    assert stored_person(run, 7) == "Zoë Martin"


def test_new_person_forces_a_new_person(crowd: None, run: Run) -> None:
    result = run("add", "x", "--from", "Dana", "--new-person")
    assert result.stdout == "Added #7: x for Dana, due tomorrow 17:00\n"
    assert run("promise", "y", "--to", "Pa", "--by", "fri", "--new-person").exit_code == 0
    assert run("wait", "z", "--on", "Ben", "--new-person").exit_code == 0
    assert run("thanks", "Sam", "for it", "--new-person").exit_code == 0
    assert run("edit", "3", "--person", "Ines", "--new-person").exit_code == 0
    assert [stored_person(run, n) for n in (7, 8, 9, 10, 3)] == ["Dana", "Pa", "Ben", "Sam", "Ines"]
    assert {"Dana", "Dana Whitfield", "Pa", "Ben", "Ben Carter", "Sam"} <= set(people_json(run))


def test_edit_new_person_needs_person(crowd: None, run: Run) -> None:
    result = run("edit", "1", "--title", "x", "--new-person")
    assert (result.exit_code, result.stderr) == (
        2,
        "respond: --new-person goes with --person\n",
    )


def test_new_person_refuses_a_name_that_already_is_someone(crowd: None, run: Run) -> None:
    result = run("add", "x", "--from", "dana  WHITFIELD", "--new-person")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(
        "respond: 'dana  WHITFIELD' is already the name of Dana Whitfield: leave out --new-person"
    )


def test_help_states_the_rule() -> None:
    from tests.support.cli import invoke

    for command in ("add", "promise", "wait", "thanks", "edit"):
        text = " ".join(invoke(command, "--help").stdout.split())
        assert "dana finds Dana Whitfield" in text, command
        assert "--new-person" in text and "ambiguous one is refused" in text, command
    for args in (["list"], ["who"], ["people", "rename"]):
        text = " ".join(invoke(*args, "--help").stdout.split())
        assert "ignoring case, accents and extra spaces (transliterated" in text, args


# -- point 11: people rename ------------------------------------------------------------------


def test_rename_renames_every_item_and_records_it(crowd: None, run: Run) -> None:
    result = run("people", "rename", "ben", "Benjamin Carter")
    assert result.exit_code == 0, result
    assert result.stdout == "Renamed Ben Carter to Benjamin Carter on 2 items\n"
    assert stored_person(run, 2) == stored_person(run, 6) == "Benjamin Carter"
    assert people_json(run)["Benjamin Carter"] == 1 and "Ben Carter" not in people_json(run)
    event = json.loads(run("show", "2", "--json").stdout)["history"][-1]
    assert event["event"] == "edited" and event["fields"] == ["person"]
    assert event["changes"] == {"person": {"from": "Ben Carter", "to": "Benjamin Carter"}}
    assert "person: 'Ben Carter' → 'Benjamin Carter'" in run("show", "2").stdout


def test_rename_into_an_existing_person_merges_in_their_spelling(crowd: None, run: Run) -> None:
    assert run("add", "x", "--from", "Dan", "--new-person").exit_code == 0  # 7
    result = run("people", "rename", "Dan", "dana whitfield")
    assert result.stdout == "Merged Dan into Dana Whitfield: 1 item renamed\n"
    assert stored_person(run, 7) == "Dana Whitfield"
    assert people_json(run)["Dana Whitfield"] == 2 and "Dan" not in people_json(run)


def test_undo_reverses_a_rename_as_one_change(crowd: None, run: Run) -> None:
    run("people", "rename", "ben", "Pat O'Brien")
    assert people_json(run)["Pat O'Brien"] == 2
    result = run("undo")
    assert result.stdout == (
        "Undid rename: restored #2: VPN access (open); restored #6: old (done)\n"
    )
    assert stored_person(run, 2) == stored_person(run, 6) == "Ben Carter"
    assert people_json(run)["Pat O'Brien"] == 1
    # the undone rename no longer counts in the effective history
    history = json.loads(run("show", "2", "--json").stdout)["history"]
    assert [e["event"] for e in history] == ["created", "edited", "undone"]
    assert history[-1]["command"] == "rename"


def test_rename_of_no_one_or_of_several_exits_1(crowd: None, run: Run, db_path: Path) -> None:
    before = db_path.read_bytes()
    nobody = run("people", "rename", "Bne", "X")
    assert (nobody.exit_code, nobody.stderr) == (
        1,
        "respond: no one called 'Bne'; did you mean Ben Carter?\n",
    )
    several = run("people", "rename", "pa", "X")
    assert several.exit_code == 1 and "could be several people: Pat O'Brien, Sam Patel" in (
        several.stderr
    )
    same = run("people", "rename", "ben", "Ben Carter")
    assert same.exit_code == 2 and same.stderr.startswith("respond: nothing to change")
    assert db_path.read_bytes() == before


def test_people_without_a_subcommand_lists_as_before(crowd: None, run: Run) -> None:
    assert run("people").stdout.splitlines()[0].split() == [
        "person", "open", "overdue", "waiting", "on", "recent", "last", "activity", "last",
        "thanked",
    ]  # fmt: skip
    assert len(json.loads(run("people", "--days", "7", "--json").stdout)) == 5


# -- point 20 and the rule in completion ------------------------------------------------------


def complete(db: Path, line: str) -> list[str]:
    out = processes.complete(db, "bash", line)
    assert out.returncode == 0 and out.stderr == ""
    return out.stdout.splitlines()


def test_who_completes_names_as_add_from_does(crowd: None, db_path: Path) -> None:
    assert complete(db_path, "respond add x --from Pa") == ["Pat\\ O\\'Brien"]
    assert complete(db_path, "respond who Pa") == ["Pat\\ O\\'Brien"]
    assert complete(db_path, "respond thanks B") == ["Ben\\ Carter"]
    assert complete(db_path, "respond people rename D") == ["Dana\\ Whitfield"]


def test_completion_offers_whom_the_rule_could_mean(crowd: None, db_path: Path) -> None:
    from respond.cli.complete import person_choices
    from respond.storage.database import Store

    everyone = list(Store(db_path).snapshot().items.values())
    assert person_choices(everyone, "ines garc") == [("Ines García", "1 open, 1 in all")]
    assert [name for name, _ in person_choices(everyone, "pa")] == ["Pat O'Brien", "Sam Patel"]
    assert [name for name, _ in person_choices(everyone, "Carter")] == ["Ben Carter"]

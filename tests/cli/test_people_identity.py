"""Issue 22, deliverable 2: one identity rule for people. Names compare after full
transliteration (anyascii) with case, accents, ł/ø/æ/ß/đ, apostrophes, hyphens and spacing
folded; a new name close to a known one asks on a terminal and hints off one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respond.core.people import find, known_names, near_miss, person_key
from respond.core.text import shell_word
from tests.support import processes
from tests.support.cli import Run


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("malgorzata wisniewska", "Małgorzata Wiśniewska"),
        ("bjorn odegard", "Bjørn Ødegård"),
        ("Zoë OBrien-Łukasiewicz", "Zoë O'Brien-Łukasiewicz"),
        ("Zoe O’Brien Lukasiewicz", "Zoë O'Brien-Łukasiewicz"),  # typographic apostrophe
        ("aesa strasse", "Æsa Straße"),
        ("dorde", "Đorđe"),
        ("Anne Marie", "Anne–Marie"),  # an en dash
        ("  ines   GARCIA ", "Ines García"),
        ("emile", "e\u0301mile"),  # a combining accent
        ("Dana", "Ｄａｎａ"),  # full-width letters
        ("eleni", "Ελένη"),
        ("dana", "Дана"),
    ],
)
def test_names_compare_folded(one: str, other: str) -> None:
    assert person_key(one) == person_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("王伟", "王维"), ("Dana", "Dan"), ("Jo Ann", "Joann"), ("李", "Li")],
)
def test_different_names_stay_different(one: str, other: str) -> None:
    # other scripts are compared as written: their ASCII readings merge different names
    assert person_key(one) != person_key(other)


NAMES = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "M", "Zs", "Pd", "Po"]), max_size=30
)


@settings(max_examples=300, deadline=None)
@given(name=NAMES)
def test_folding_is_idempotent_and_ignores_case_apostrophes_hyphens_and_spacing(name: str) -> None:
    key = person_key(name)
    assert person_key(key) == key
    assert key == key.strip() and "  " not in key
    assert person_key(name.upper()) == person_key(key.upper())
    assert person_key(name.replace("'", "").replace("-", " ")) == key
    assert person_key(f" {name}  ") == key


@settings(max_examples=300, deadline=None)
@given(name=st.text(alphabet=st.characters(max_codepoint=0x52F, categories=["L"]), min_size=1))
def test_latin_greek_and_cyrillic_names_fold_to_ascii(name: str) -> None:
    assert person_key(name).isascii()


KNOWN = known_names(
    (name, 1) for name in ["Zoë Müller", "Dana Whitfield", "Bjørn Ødegård", "Lee Park"]
)


@pytest.mark.parametrize(
    ("typed", "near"),
    [
        ("Zoey", "zoe muller"),  # one edit from a first name
        ("Zoe Muler", "zoe muller"),
        ("Dana Whitfeld", "dana whitfield"),  # same first name, a similar surname
        ("Bjorm", "bjorn odegard"),
        ("Lea Park", "lee park"),
        ("Zoey Smith", None),  # a close first name, another surname: someone else
        ("Dana Smith", None),
        ("Maria", None),
        ("Lee Park", None),  # not new at all
    ],
)
def test_near_misses(typed: str, near: str | None) -> None:
    assert near_miss(KNOWN, typed) == near
    if near is not None:
        assert find(KNOWN, typed) == []  # only a name that finds no one is a near miss


def test_names_that_differ_in_their_digits_are_different_people() -> None:
    """(50 concurrent adds from "Person 00".."Person 49" each printed a near-miss hint.)"""
    known = known_names((name, 1) for name in ["Person 00", "Team 1", "Room 101"])
    assert [near_miss(known, t) for t in ("Person 01", "Team 2", "Room 102")] == [None] * 3
    assert near_miss(known, "Persn 00") == "person 00"  # a slip in the letters still is


def test_shell_words_survive_the_shell(tmp_path: Path) -> None:
    names = ["Zoey", "Zoë O'Brien", 'say "hi"', "$HOME", "a`b`", "back\\slash", "wow!"]
    for name in names:
        out = subprocess.run(
            ["bash", "-c", f"printf '%s' {shell_word(name)}"], capture_output=True, text=True
        )
        assert out.stdout == name


# -- through the command line ------------------------------------------------------------------


@pytest.fixture
def folks(run: Run) -> None:
    for title, person in [
        ("a", "Małgorzata Wiśniewska"),
        ("b", "Bjørn Ødegård"),
        ("c", "Zoë O'Brien-Łukasiewicz"),
        ("d", "Zoë Müller"),
    ]:
        assert run("add", title, "--from", person).exit_code == 0


def stored_person(run: Run, item_id: int) -> str:
    return str(json.loads(run("show", str(item_id), "--json").stdout)["person"])


def test_add_files_folded_names_under_the_known_person(folks: None, run: Run) -> None:
    first = run("add", "x", "--from", "malgorzata")
    assert first.stdout.startswith('Added #5: x for Małgorzata Wiśniewska (matched "malgorzata")')
    assert run("add", "y", "--from", "bjorn").exit_code == 0
    assert run("promise", "z", "--to", "Zoë OBrien-Łukasiewicz", "--by", "fri").exit_code == 0
    assert [stored_person(run, n) for n in (5, 6, 7)] == [
        "Małgorzata Wiśniewska",
        "Bjørn Ødegård",
        "Zoë O'Brien-Łukasiewicz",
    ]
    assert run("who", "odegard").exit_code == 0
    assert run("list", "--who", "obrien lukasiewicz").exit_code == 0


def test_a_near_miss_off_a_terminal_is_filed_new_with_a_hint(folks: None, run: Run) -> None:
    result = run("add", "x", "--from", "Zoey")
    assert result.exit_code == 0
    assert result.stdout == "Added #5: x for Zoey, due tomorrow 17:00\n"
    assert result.stderr == (
        "respond: hint: Zoey is new; did you mean Zoë Müller? If so: "
        'respond people rename "Zoey" "Zoë Müller"\n'
    )
    assert stored_person(run, 5) == "Zoey"
    # the hint's command does what it says
    merged = run("people", "rename", "Zoey", "Zoë Müller")
    assert merged.exit_code == 0, merged
    assert stored_person(run, 5) == "Zoë Müller"


def test_new_person_skips_the_hint(folks: None, run: Run) -> None:
    result = run("add", "x", "--from", "Zoey", "--new-person")
    assert result.exit_code == 0 and result.stderr == ""
    assert stored_person(run, 5) == "Zoey"


def test_the_hint_when_piped_through_a_real_process(folks: None, db_path: Path) -> None:
    out = processes.respond(db_path, "--now", "2026-11-25T10:00", "thanks", "Bjorm", "for it")
    assert out.returncode == 0
    assert out.stdout == "Thanked Bjorm #5: for it\n"
    assert 'respond people rename "Bjorm" "Bjørn Ødegård"' in out.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answer", "filed"),
    [(b"\r", "Zoë Müller"), (b"y\r", "Zoë Müller"), (b"n\r", "Zoey")],
)
def test_a_near_miss_on_a_terminal_asks(
    folks: None, db_path: Path, run: Run, answer: bytes, filed: str
) -> None:
    code, shown = processes.converse(db_path, "add", "x", "--from", "Zoey", answer=answer)
    assert code == 0, shown
    assert "Zoey is new. Did you mean Zoë Müller? [Y/n]" in shown
    assert f"Added #5: x for {filed}," in shown
    assert "hint" not in shown
    assert stored_person(run, 5) == filed


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["thanks", "Zoey", "for it"],
        ["promise", "p", "--to", "Zoey", "--by", "fri"],
        ["wait", "w", "--on", "Zoey"],
        ["follow-up", "Zoey", "t", "--by", "fri"],  # filed Zoey with the piped hint, unasked
        ["add", "--mail", "MESSAGE", "--from", "Zoey"],  # a message in a file: stdin is free
    ],
)
def test_every_command_taking_a_person_asks_on_a_terminal(
    folks: None, db_path: Path, run: Run, args: list[str]
) -> None:
    message = db_path.parent / "message.eml"
    message.write_bytes(b"From: zoe@example.com\nSubject: Deck\nMessage-ID: <m@x>\n\nHi\n")
    args = [str(message) if arg == "MESSAGE" else arg for arg in args]
    code, shown = processes.converse(db_path, *args, answer=b"\r")
    assert code == 0, shown
    assert "Zoey is new. Did you mean Zoë Müller? [Y/n]" in shown
    assert "hint" not in shown
    assert stored_person(run, 5) == "Zoë Müller"


@pytest.mark.slow
def test_end_of_input_at_the_question_cancels(folks: None, db_path: Path) -> None:
    before = db_path.read_bytes()
    code, shown = processes.converse(db_path, "add", "x", "--from", "Zoey", answer=None)
    assert code == 1
    assert "cancelled: nothing was changed" in shown
    assert db_path.read_bytes() == before


@pytest.mark.slow
def test_new_person_asks_nothing_on_a_terminal(folks: None, db_path: Path, run: Run) -> None:
    code, shown = processes.converse(
        db_path, "add", "x", "--from", "Zoey", "--new-person", answer=b"y\r"
    )
    assert code == 0
    assert "Did you mean" not in shown
    assert stored_person(run, 5) == "Zoey"


def test_only_letters_beyond_accents_load_the_transliteration(db_path: Path) -> None:
    # accents fold by Unicode decomposition; ł, ø, æ, ß, đ, Greek and Cyrillic need anyascii
    assert processes.respond(db_path, "add", "a", "--from", "José García").returncode == 0
    assert "anyascii" not in processes.modules_after(db_path, "add", "b", "--from", "Dan")
    assert "anyascii" in processes.modules_after(db_path, "add", "c", "--from", "Bjørn")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("known", "typed"),
    [
        ("Ctl\x01Name Lee", "Ctl\x01Nama Lee"),  # a control character, shown as \x01
        ("Tab\tName Lee", "Tab\tNama Lee"),
        ("It's \x1b[31mRed\\x01", "It's \x1b[31mRad\\x01"),  # an escape, a quote, a backslash
        ("-Dash Lead", "-Dash Leed"),  # a leading dash: not an option
    ],
)
def test_the_hinted_command_works_pasted_into_bash(db_path: Path, known: str, typed: str) -> None:
    """The command that the piped hint prints, pasted into bash as it is, merges the two
    (it once showed control characters as ``\\x01`` inside single quotes, and a name starting
    with ``-`` was taken for an option)."""
    now = ("--now", "2026-11-25T10:00")
    assert processes.respond(db_path, *now, "add", "a", "--from", known).returncode == 0
    added = processes.respond(db_path, *now, "add", "b", "--from", typed)
    assert added.returncode == 0
    command = added.stderr.split("If so: ", 1)[1].rstrip("\n")
    assert command.startswith("respond people rename ")
    env = processes.env_for(db_path, PATH=f"{Path(processes.RESPOND).parent}:/usr/bin:/bin")
    pasted = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True)
    assert pasted.returncode == 0, pasted.stderr
    shown = processes.respond(db_path, *now, "show", "2", "--json")
    assert json.loads(shown.stdout)["person"] == known


SPELLINGS = ["Ann Lee", "ann lee", "Ann-Lee", "Zoë", "zoe", "Zoe", "Bob"]


@given(st.lists(st.tuples(st.sampled_from(SPELLINGS), st.integers(0, 4)), max_size=30))
def test_a_person_is_known_by_the_spelling_used_most_and_of_equals_the_first_seen(
    counts: list[tuple[str, int]],
) -> None:
    """known_names is a hot path (every add that names someone): plain dicts, as a Counter per
    person and its most_common(1) would say."""
    from collections import Counter

    expected: dict[str, Counter[str]] = {}
    for spelling, count in counts:
        expected.setdefault(person_key(spelling), Counter())[spelling] += count
    assert known_names(counts) == {k: c.most_common(1)[0][0] for k, c in expected.items()}


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
def test_an_ascii_name_folds_by_the_same_tables_as_any_other(name: str) -> None:
    """fold's fast path for ASCII names replaces the tables' ASCII marks one by one: the same
    as translating through the tables (apostrophes dropped, dashes as spaces)."""
    from respond.core import text

    slow = name.casefold().translate(text._APOSTROPHES).translate(text._DASHES)
    assert text.fold(name) == " ".join(slow.split())


@given(
    st.lists(st.text(alphabet="ab -'", max_size=8), max_size=8),
    st.text(alphabet="ab -'", max_size=6),
)
def test_a_query_is_a_candidate_for_each_name_one_of_whose_words_each_word_starts(
    names: list[str], query: str
) -> None:
    from respond.core.people import candidates

    known = {person_key(name) for name in names}
    words = person_key(query).split()
    expected = sorted(
        key for key in known if all(any(p.startswith(w) for p in key.split()) for w in words)
    )
    assert candidates(known, query) == expected


@given(
    st.text(alphabet="abc -", max_size=10),
    st.text(alphabet="abc -", max_size=10),
    st.integers(0, 3),
)
def test_the_banded_edit_distance_is_levenshtein_up_to_its_bound(a: str, b: str, most: int) -> None:
    """near_miss compares a new name with every known one: _distance computes only the cells
    within ``most`` of the diagonal. Up to ``most`` it is the edit distance; above, most + 1."""
    from respond.core.people import _distance

    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    assert _distance(a, b, most) == min(row[-1], most + 1)

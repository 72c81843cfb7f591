"""Bad input: one line on stderr, exit code 2, nothing written, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import Run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "x", "--from", "Dana", "--by", "someday"), "can't read 'someday' as a date"),
        (("add", "x", "--from", "Dana", "--via", "pigeon"), "unknown channel 'pigeon'"),
        (("add", "   ", "--from", "Dana"), "title can't be empty"),
        (("add", "x", "--from", ""), "person can't be empty"),
        (("add", "x", "--from", "Dana", "--tag", "two words"), "bad tag"),
        (("promise", "x", "--to", "Sam", "--by", "13/13"), "as a date"),
        (("ack", "7", "--by", "tomorrow"), "no item #7"),
        (("done", "abc"), "bad item ID 'abc'"),
        (("show", "0"), "bad item ID"),
        (("list", "--kind", "chore"), "unknown kind 'chore'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    run: Run, db_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2, result
    assert result.stderr.startswith("respond: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert not db_path.exists()


def test_bad_date_lists_accepted_forms(run: Run) -> None:
    result = run("add", "x", "--from", "Dana", "--by", "fridya")
    assert "tomorrow" in result.stderr and "2bd" in result.stderr


def test_failed_command_leaves_the_file_byte_identical(run: Run, db_path: Path) -> None:
    run("add", "x", "--from", "Dana")
    before = db_path.read_bytes()
    for args in (("ack", "1", "--by", "nope"), ("edit", "1"), ("snooze", "2", "fri")):
        assert run(*args).exit_code == 2
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b'{"items": {"1": {"title": "trunc', "not valid JSON"),
        (b"\x00\xff garbage", "not valid JSON"),
        (b"[1, 2, 3]", "not a respond database"),
    ],
)
def test_damaged_database_is_refused_and_untouched(
    run: Run, db_path: Path, content: bytes, message: str
) -> None:
    db_path.write_bytes(content)
    for args in (("list",), ("add", "x", "--from", "Dana")):
        result = run(*args)
        assert result.exit_code == 2
        assert message in result.stderr and str(db_path) in result.stderr
        assert "Traceback" not in result.stderr
    assert db_path.read_bytes() == content


def test_newer_schema_is_refused_untouched(run: Run, db_path: Path) -> None:
    content = json.dumps({"meta": {"1": {"schema": 99, "next_id": 1}}, "items": {}}).encode()
    db_path.write_bytes(content)
    result = run("add", "x", "--from", "Dana")
    assert result.exit_code == 2 and "newer respond (schema 99" in result.stderr
    assert db_path.read_bytes() == content


def test_unreadable_database(run: Run, db_path: Path) -> None:
    db_path.mkdir()
    result = run("list")
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_database_in_a_missing_directory(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "db.json"
    result = run("--db", str(target), "add", "x", "--from", "Dana")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    assert not target.parent.exists()


def test_missing_database_reads_as_empty(run: Run, db_path: Path) -> None:
    assert run("list").exit_code == 0
    assert run("list", "--json").stdout == "[]\n"
    assert not db_path.exists()


def test_bad_now_is_a_clean_error(run: Run) -> None:
    result = run("list", now="not a time")
    assert result.exit_code == 2 and "as a date" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "x"), "Missing option '--from'"),
        (("--bogus",), "No such option: --bogus"),
        (("frobnicate",), "No such command 'frobnicate'"),
        (("add",), "Missing argument 'TEXT'"),
    ],
)
def test_usage_errors_are_one_line_too(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("respond: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "--help" in result.stderr


def test_a_database_path_that_is_not_a_regular_file(run: Run, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/zero")):
        for args in (("list",), ("add", "x", "--from", "Dana")):
            result = run("--db", str(target), *args)
            assert result.exit_code == 2 and "not a regular file" in result.stderr

"""One error path (issue 20): the exit statuses are named once (``ExitStatus``), every user
error is a :class:`RespondError` carrying its status, docs/usage.md's table lists every status,
and command code writes warnings through the output environment, never to stderr itself."""

from __future__ import annotations

import re

import pytest

from respond.core.errors import (
    DatabaseError,
    DateError,
    ExitStatus,
    NotFound,
    NothingFound,
    RespondError,
)
from respond.core.syncmerge import SyncFileError, replica_from_files
from tests.support.paths import ROOT

USAGE = ROOT / "docs" / "usage.md"
CLI = ROOT / "respond" / "cli"


def exit_table() -> dict[str, int]:
    """docs/usage.md's exit status table: each name and its number."""
    text = USAGE.read_text(encoding="utf-8")
    section = text[text.index("### Exit status") :]
    rows = re.findall(r"^\| (\d+) \| `([A-Z_]+)` \| .+\|$", section, re.MULTILINE)
    return {name: int(number) for number, name in rows}


def test_the_statuses_are_0_1_and_2() -> None:
    assert ExitStatus.OK == 0
    assert ExitStatus.FAILED == ExitStatus.NOT_FOUND == ExitStatus.REMOTE_FAILED == 1
    assert ExitStatus.BAD_INPUT == 2


def test_the_docs_table_lists_every_exit_status() -> None:
    table = exit_table()
    assert table == {name: int(status) for name, status in ExitStatus.__members__.items()}


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RespondError("x"), ExitStatus.BAD_INPUT),
        (RespondError("x", status=ExitStatus.FAILED), ExitStatus.FAILED),
        (NotFound("no item #9"), ExitStatus.BAD_INPUT),
        (NothingFound("nothing to undo"), ExitStatus.NOT_FOUND),
        (DatabaseError("damaged", "restore a backup"), ExitStatus.BAD_INPUT),
        (DateError("can't read it"), ExitStatus.BAD_INPUT),
    ],
)
def test_every_user_error_carries_its_status(error: RespondError, status: ExitStatus) -> None:
    assert isinstance(error, RespondError)
    assert isinstance(error.exit_code, ExitStatus) and error.exit_code == status


def test_a_date_error_is_a_respond_error_and_still_a_value_error() -> None:
    from datetime import UTC, datetime

    from respond.core.dates import parse_when

    with pytest.raises(RespondError) as caught:
        parse_when("next blursday", datetime(2026, 11, 25, 10, tzinfo=UTC))
    assert isinstance(caught.value, DateError) and isinstance(caught.value, ValueError)
    assert caught.value.exit_code is ExitStatus.BAD_INPUT


def test_a_bad_sync_file_is_bad_input() -> None:
    with pytest.raises(SyncFileError) as caught:
        replica_from_files({"meta.json": b"not json"})
    assert isinstance(caught.value, RespondError)
    assert caught.value.exit_code is ExitStatus.BAD_INPUT


BARE_EXIT = re.compile(
    r"typer\.Exit\(\d|SystemExit\([012]\b|exit_code\s*=\s*\d|CliError|"
    r"RespondError\([^)]*,\s*\d\)",
)


def test_no_bare_exit_codes_in_the_cli() -> None:
    """Exit codes are named: ``typer.Exit(ExitStatus.FAILED)``, never ``typer.Exit(1)``."""
    found = []
    for path in sorted((ROOT / "respond").rglob("*.py")):
        for match in BARE_EXIT.finditer(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert found == []


def test_command_code_writes_no_warning_to_stderr_itself() -> None:
    """Warnings, hints and notes go through ``Environment.warn``, errors through
    ``cli.output.error``: cli/output.py is the one place that writes to stderr."""
    files = [*sorted((CLI / "commands").glob("*.py"))]
    files += [CLI / n for n in ("context.py", "sync.py", "notify.py", "mail.py", "askperson.py")]
    offenders = [
        str(path.relative_to(ROOT)) for path in files if "file=sys.stderr" in path.read_text()
    ]
    assert offenders == []

"""The CSV and JSON exports say when each item was closed (issue 22, deliver 7): "what did I
close this week" in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.support.cli import Run


def test_csv_and_json_have_the_closed_at_time(run: Run, tmp_path: Path) -> None:
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-23T09:00")  # 1
    run("add", "Slides", "--from", "Kim", now="2026-11-23T09:05")  # 2
    run("add", "Budget", "--from", "Lee", now="2026-11-23T09:10")  # 3
    run("done", "1", "--no-follow-up", now="2026-11-24T14:30")
    run("drop", "2", now="2026-11-25T08:15")
    run("done", "3", "--no-follow-up", now="2026-11-25T09:00")
    run("reopen", "3", now="2026-11-25T09:30")  # open again: not closed
    rows = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert [(r["id"], r["status"], r["closed_at"]) for r in rows] == [
        ("1", "done", "2026-11-24 14:30"),  # local time, as the other columns
        ("2", "dropped", "2026-11-25 08:15"),
        ("3", "open", ""),
    ]
    document = json.loads(run("export").stdout)
    assert [i["closed_at"] for i in document["items"]] == [
        "2026-11-24T13:30:00+00:00", "2026-11-25T07:15:00+00:00", None,
    ]  # fmt: skip
    # closed_at is derived, never stored: an import reads the export back as it was
    exported = tmp_path / "export.json"
    exported.write_text(run("export").stdout)
    other = tmp_path / "other.json"
    assert run("--db", str(other), "import", str(exported)).exit_code == 0
    again = json.loads(run("--db", str(other), "export").stdout)["items"]
    assert again == document["items"]
    assert "closed_at" not in json.loads(other.read_text())["items"]["1"]


def test_closed_again_after_a_reopen_is_the_last_closing(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-23T09:00")
    run("done", "1", "--no-follow-up", now="2026-11-23T10:00")
    run("reopen", "1", now="2026-11-23T11:00")
    run("done", "1", "--no-follow-up", now="2026-11-24T12:00")
    (row,) = csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout))
    assert row["closed_at"] == "2026-11-24 12:00"

"""Privacy: the database, its lock, state, score cache, archive and backups are created 0600 in
0700 folders (whatever the umask), and what the user types is written nowhere else."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from tests.support import processes
from tests.support.cli import NOW

pytestmark = pytest.mark.slow  # a whole session of real processes, then every file searched

SECRET = "zq-secret-4417"  # a marker no file would hold by chance


def test_files_are_private_and_user_text_lives_only_in_the_database_and_backups(
    tmp_path: Path,
) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()

    def respond(*args: str, now: str = NOW) -> subprocess.CompletedProcess[str]:
        # a user whose files are all under home and tmp, with the most permissive umask there is
        return processes.respond(None, "--now", now, *args, home=home, TMPDIR=str(tmp), umask=0)

    steps = [
        ("add", f"{SECRET} title", "--from", f"{SECRET} person", "--note", f"{SECRET} note",
         "--tag", f"{SECRET}-tag"),
        ("promise", f"{SECRET} promise", "--to", "Sam", "--by", "fri"),
        ("ack", "1", "--by", "tomorrow"),
        ("wait", f"{SECRET} wait", "--on", "Jane", "--for", "1"),
        ("done", "3", "--note", f"{SECRET} done"),
        ("edit", "2", "--title", f"{SECRET} edited"),
        ("drop", "2", "--reason", f"{SECRET} reason"),
        ("list",), ("today",), ("week",), ("show", "1"), ("doctor",),
    ]  # fmt: skip
    for args in steps:
        result = respond(*args)
        assert result.returncode == 0, (args, result.stderr)
    refused = respond("add", f"{SECRET} refused", "--from", "Kim", "--by", f"{SECRET} when")
    assert refused.returncode == 2
    # Two months later, the closed items move to the archive: the same rules hold there.
    later = respond("add", "later", "--from", "Kim", now="2027-01-27T10:00")
    assert later.returncode == 0, later.stderr

    data_dir = home / ".local" / "share" / "respond"
    db = data_dir / "respond.json"
    assert SECRET.encode() in db.read_bytes()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    private = [data_dir, *data_dir.rglob("*")]
    assert {p.name for p in private} >= {
        "respond.json",
        "respond.json.lock",
        "respond.json.backups",
        "respond.json.scores",
        "respond.json.archive",
        "2026-Q4.json",
        "summaries.cache",
        "people.cache",
    }
    assert list((data_dir / "respond.json.backups").iterdir())
    for path in private:
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path

    holders = {
        path.relative_to(tmp_path).as_posix()
        for path in tmp_path.rglob("*")
        if path.is_file() and SECRET.encode() in path.read_bytes()
    }
    kept = ("home/.local/share/respond/respond.json.backups/",)
    backups = {p for p in holders if p.startswith(kept)}
    assert backups  # the backups hold it too ...
    assert holders - backups == {  # ... and the archive (with who's summaries), nothing else
        "home/.local/share/respond/respond.json",
        "home/.local/share/respond/respond.json.archive/2026-Q4.json",
        "home/.local/share/respond/respond.json.archive/summaries.cache",
        # the names of the people items are for, for a capture (add) to match them
        "home/.local/share/respond/respond.json.names",
    }

"""respond sync between two machines (two database folders) through a bare git repository in a
tmp dir: real git, no network. Machines are driven in-process (``run`` with ``--db``), except
where only a real process shows it (the background sync)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import Result, Run
from tests.support.processes import read_terminal, respond, wait_until

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


class Machine:
    """One machine: its own database folder and config file (its sync name)."""

    def __init__(self, run: Run, mp: pytest.MonkeyPatch, root: Path, name: str) -> None:
        self.run, self.mp, self.name = run, mp, name
        folder = root / name
        folder.mkdir()
        self.db = folder / "respond.json"
        self.config = folder / "config.toml"
        self.config.write_text(f'[sync]\nname = "{name}"\n')

    def __call__(self, *args: str, now: str = "2026-11-25T10:00") -> Result:
        self.mp.setenv("RESPOND_CONFIG", str(self.config))
        return self.run("--db", str(self.db), *args, now=now)

    def items(self) -> list[dict]:
        return json.loads(self("list", "--all", "--json").stdout)

    def by_title(self) -> dict[str, dict]:
        return {item["title"]: item for item in self.items()}


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


@pytest.fixture
def machines(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, remote: Path):
    """Two machines set up on the remote, the laptop first (with #1 and #2), then the desktop."""
    laptop = Machine(run, monkeypatch, tmp_path, "laptop")
    desktop = Machine(run, monkeypatch, tmp_path, "desktop")
    laptop("add", "Q3 numbers", "--from", "Dana", now="2026-11-25T09:00")
    laptop("add", "Laptop", "--from", "Bob", now="2026-11-25T09:01")
    assert laptop("sync", "init", str(remote), now="2026-11-25T09:02").exit_code == 0
    result = desktop("sync", "init", str(remote), now="2026-11-25T09:03")
    assert result.exit_code == 0, result
    assert "received 2" in result.stdout
    return laptop, desktop


def converged(*machines: Machine) -> bool:
    """Whether every machine's ``list --all --json`` holds the same (an event's keys may come
    in another order: JSON objects are unordered)."""
    first = machines[0].items()
    return all(m.items() == first for m in machines[1:])


def test_sync_init_merges_what_the_remote_holds_and_nothing_here_is_lost(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, remote: Path
) -> None:
    laptop = Machine(run, monkeypatch, tmp_path, "laptop")
    desktop = Machine(run, monkeypatch, tmp_path, "desktop")
    laptop("add", "Q3 numbers", "--from", "Dana", now="2026-11-25T09:00")
    assert (
        laptop("sync", "init", str(remote)).stdout == f"sync set up with {remote}: sent 1 change\n"
    )
    desktop("add", "Invoice", "--from", "Sam", now="2026-11-25T09:30")  # also #1
    result = desktop("sync", "init", str(remote))
    assert result.stdout == (
        f"sync set up with {remote}: sent 1 change, received 1; #1 from desktop is now #2\n"
    )
    assert laptop("sync").stdout == "received 1\n"
    assert converged(laptop, desktop)
    assert {i["title"]: i["id"] for i in laptop.items()} == {"Q3 numbers": 1, "Invoice": 2}
    again = desktop("sync", "init", str(remote))
    assert (again.exit_code, again.stdout) == (
        0,
        f"sync is already set up with {remote}: respond sync syncs\n",
    )
    other = desktop("sync", "init", str(tmp_path / "other.git"))
    assert other.exit_code == 2 and "already set up" in other.stderr


def test_one_item_edited_on_both_keeps_the_later_edit_and_says_so(machines) -> None:
    laptop, desktop = machines
    laptop("edit", "1", "--title", "Q3 from laptop", now="2026-11-25T10:00")
    desktop("edit", "1", "--title", "Q3 from desktop", now="2026-11-25T11:00")
    assert laptop("sync", now="2026-11-25T12:00").stdout == "sent 1 change\n"
    result = desktop("sync", now="2026-11-25T12:01")
    assert result.stdout == (  # received: the laptop's edit joins the item's history
        "sent 1 change, received 1, 1 conflict settled: #1 title kept from desktop (later edit)\n"
    )
    assert laptop("sync", now="2026-11-25T12:02").stdout == "received 1\n"
    assert converged(laptop, desktop)
    item = laptop.by_title()["Q3 from desktop"]
    assert [e["event"] for e in item["history"]] == ["created", "edited", "edited"]


def test_different_items_edited_on_each_machine_both_kept(machines) -> None:
    laptop, desktop = machines
    laptop("done", "1", "--no-follow-up", now="2026-11-25T10:00")
    desktop("edit", "2", "--note", "the blue one", now="2026-11-25T10:30")
    laptop("sync", now="2026-11-25T11:00")
    assert desktop("sync", now="2026-11-25T11:01").stdout == "sent 1 change, received 1\n"
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    items = laptop.by_title()
    assert items["Q3 numbers"]["status"] == "done" and items["Laptop"]["note"] == "the blue one"


def test_delete_against_edit_keeps_the_edit_on_both(machines) -> None:
    laptop, desktop = machines
    laptop("delete", "2", now="2026-11-25T10:00")
    desktop("edit", "2", "--note", "still needed", now="2026-11-25T09:30")  # even before it
    laptop("sync", now="2026-11-25T11:00")
    desktop("sync", now="2026-11-25T11:01")
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    assert laptop.by_title()["Laptop"]["note"] == "still needed"


def test_delete_against_nothing_deletes_on_both(machines) -> None:
    laptop, desktop = machines
    laptop("delete", "2", now="2026-11-25T10:00")
    laptop("sync", now="2026-11-25T11:00")
    assert desktop("sync", now="2026-11-25T11:01").stdout == "received 1\n"
    assert set(desktop.by_title()) == {"Q3 numbers"}
    assert laptop("sync", now="2026-11-25T11:02").stdout == "up to date\n"
    assert converged(laptop, desktop)


def test_both_machines_create_the_same_id_the_later_is_renumbered_and_links_follow(
    machines,
) -> None:
    laptop, desktop = machines
    laptop("add", "Slides", "--from", "Ann", now="2026-11-25T10:00")  # #3
    desktop("add", "Budget", "--from", "Lee", now="2026-11-25T10:05")  # #3 too, created later
    desktop("wait", "Budget figures", "--on", "Kim", "--for", "3", now="2026-11-25T10:06")  # #4
    laptop("sync", now="2026-11-25T11:00")
    result = desktop("sync", now="2026-11-25T11:01")
    assert result.stdout == "sent 2 changes, received 1; #3 from desktop is now #5\n"
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    for machine in (laptop, desktop):
        items = machine.by_title()
        assert (items["Slides"]["id"], items["Budget"]["id"]) == (3, 5)
        assert (items["Budget figures"]["id"], items["Budget figures"]["for_id"]) == (4, 5)
        assert machine("add", "Next", "--from", "Ann").stdout.startswith("Added #6:")


def test_after_one_sync_on_each_and_another_on_the_first_all_agree(machines) -> None:
    laptop, desktop = machines
    laptop("ack", "1", "--by", "fri", now="2026-11-25T10:00")
    laptop("thanks", "Dana", "for the numbers", now="2026-11-25T10:01")
    desktop("snooze", "2", "mon", now="2026-11-25T10:02")
    desktop("promise", "the deck", "--to", "Sam", "--by", "fri", now="2026-11-25T10:03")
    laptop("sync", now="2026-11-25T11:00")
    desktop("sync", now="2026-11-25T11:01")
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    assert desktop("sync", now="2026-11-25T11:03").stdout == "up to date\n"
    ids = [item["id"] for item in laptop.items()]
    assert len(ids) == len(set(ids)) == 4  # Q3, Laptop, the thanks, the deck


def test_undo_never_reverts_a_change_from_another_machine(machines) -> None:
    laptop, desktop = machines
    desktop("edit", "1", "--title", "Q3 numbers, final", now="2026-11-25T10:00")
    desktop("sync", now="2026-11-25T10:01")
    laptop("edit", "1", "--note", "mine", now="2026-11-25T10:02")
    laptop("sync", now="2026-11-25T10:03")
    result = laptop("undo", now="2026-11-25T10:04")
    assert result.exit_code == 1
    assert result.stderr == (
        "respond: can't undo edit: #1 was changed on another machine since (respond sync); "
        "respond undo --skip keeps it as it is and lets undo go on to the change before\n"
    )
    assert laptop.by_title()["Q3 numbers, final"]["note"] == "mine"  # nothing changed
    # a change made here and only sent is still undoable
    laptop("edit", "2", "--note", "x", now="2026-11-25T10:05")
    laptop("sync", now="2026-11-25T10:06")
    assert laptop("undo", now="2026-11-25T10:07").exit_code == 0


def test_an_unreachable_remote_keeps_the_change_committed_and_the_next_sync_sends_it(
    machines, tmp_path: Path, remote: Path
) -> None:
    laptop, desktop = machines
    moved = tmp_path / "moved.git"
    remote.rename(moved)
    laptop("add", "Offline work", "--from", "Ann", now="2026-11-25T10:00")
    result = laptop("sync", now="2026-11-25T10:02")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("respond: the remote could not be reached (")
    assert result.stderr.count("\n") == 1 and "next respond sync sends it" in result.stderr
    log = subprocess.run(
        ["git", "-C", str(laptop.db) + ".sync", "log", "-1", "--format=%s"],
        capture_output=True,
        text=True,
    )
    assert log.stdout == "respond: 1 change on laptop\n"
    today = laptop("today", now="2026-11-25T10:05")
    assert "sync failed at 10:02: the remote could not be reached" in today.stderr
    assert "respond sync to retry" in today.stderr
    status = laptop("sync", "status", now="2026-11-25T10:06").stdout
    assert "to send    1 item changed here" in status and "failed     10:02" in status
    moved.rename(remote)
    assert laptop("sync", now="2026-11-25T10:10").stdout == "sent 1 change\n"
    assert laptop("today", now="2026-11-25T10:11").stderr == ""
    assert desktop("sync").stdout == "received 1\n"
    assert "last sync  10:10" in laptop("sync", "status", now="2026-11-25T10:12").stdout


def test_a_push_refused_by_the_remote_is_one_line_and_exit_1(machines, remote: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes to a read-only folder")
    laptop, _ = machines
    laptop("add", "More", "--from", "Ann")
    for folder in [remote, *remote.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o555)
    try:
        result = laptop("sync")
    finally:
        for folder in [remote, *remote.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert laptop("sync").stdout == "sent 1 change\n"


def test_http_remotes_are_refused(run: Run, db_path: Path) -> None:
    result = run("sync", "init", "http://example.com/me/respond.git")
    assert result.exit_code == 2
    assert result.stderr.startswith("respond: refusing http://example.com/me/respond.git: ")
    assert "plain text" in result.stderr and result.stderr.count("\n") == 1
    assert not Path(str(db_path) + ".sync").exists()


def test_remotes_that_are_commands_are_refused(run: Run, db_path: Path) -> None:
    for remote in ("fd::3", "ext::sh -c touch% /tmp/pwned"):
        result = run("sync", "init", remote)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1
        assert "not a command" in result.stderr
        assert not Path(str(db_path) + ".sync").exists()


def test_git_missing_is_one_line(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run("sync", "init", str(tmp_path / "remote.git"))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "respond: respond sync needs git, which was not found: install git (e.g. apt install git)\n"
    )


def test_sync_before_init_says_how_to_set_it_up(run: Run, db_path: Path) -> None:
    result = run("sync")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"respond: sync is not set up for {db_path}: run respond sync init REMOTE\n"
    )


def test_only_respond_files_are_committed_private_and_never_with_conflict_markers(machines) -> None:
    laptop, desktop = machines
    laptop("edit", "1", "--title", "A", now="2026-11-25T10:00")
    desktop("edit", "1", "--title", "B", now="2026-11-25T10:01")
    laptop("undo", now="2026-11-25T10:02")  # a journal, backups: all per machine
    laptop("edit", "1", "--title", "C", now="2026-11-25T10:03")
    for machine in (laptop, desktop, laptop):
        machine("sync", now="2026-11-25T11:00")
    for machine in (laptop, desktop):
        repo = Path(str(machine.db) + ".sync")
        tracked = subprocess.run(
            ["git", "-C", str(repo), "ls-files"], capture_output=True, text=True
        ).stdout.split()
        assert set(tracked) == {".gitignore", "meta.json", "tombstones.json", "items/2026-Q4.json"}
        assert stat.S_IMODE(repo.stat().st_mode) == 0o700
        for name in tracked:
            path = repo / name
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
            text = path.read_text()
            assert "<<<<<<<" not in text and ">>>>>>>" not in text
        status = Path(str(machine.db) + ".sync-status")
        assert stat.S_IMODE(status.stat().st_mode) == 0o600
    assert converged(laptop, desktop)


@pytest.mark.slow
def test_auto_sync_runs_in_the_background_silently_and_a_failure_shows_in_today(
    tmp_path: Path, remote: Path
) -> None:
    db = tmp_path / "auto" / "respond.json"
    db.parent.mkdir()
    config = tmp_path / "auto.toml"
    config.write_text('[sync]\nname = "laptop"\nauto = true\n')
    env = {"RESPOND_CONFIG": str(config)}
    assert respond(db, "sync", "init", str(remote), **env).returncode == 0
    added = respond(db, "add", "Q3 numbers", "--from", "Dana", **env)
    assert (added.returncode, added.stderr) == (0, "")
    assert added.stdout.startswith("Added #1: Q3 numbers")  # nothing else on stdout

    def remote_has_it() -> bool:  # the real clock: whatever quarter's file it is in
        log = ["git", "-C", str(remote), "log", "-p", "--all"]
        return "Q3 numbers" in subprocess.run(log, capture_output=True, text=True).stdout

    wait_until(remote_has_it, "the background sync", every=0.05)
    shutil.rmtree(remote)  # now the remote is gone
    status = Path(str(db) + ".sync-status")
    before = status.read_text()
    added = respond(db, "add", "Laptop", "--from", "Bob", **env)
    assert added.stdout.startswith("Added #2: Laptop") and added.stdout.count("\n") == 1
    wait_until(
        lambda: status.read_text() != before and 'failure": {' in status.read_text(),
        "the failure's record",
        every=0.05,
    )
    today = respond(db, "today", **env)
    assert today.returncode == 0
    lines = [line for line in today.stderr.splitlines() if line.startswith("sync failed at ")]
    assert len(lines) == 1 and lines[0].endswith("; respond sync to retry")


def test_a_push_the_remote_rejects_names_the_remotes_reason(machines, tmp_path: Path) -> None:
    """A remote that is not bare (or a host's hook: a protected branch, a full disk) rejects
    the push: the line says why, not git's closing "failed to push some refs"."""
    laptop, _ = machines
    checked_out = tmp_path / "checked-out"
    subprocess.run(["git", "init", "-q", "-b", "main", str(checked_out)], check=True)
    repo = str(laptop.db) + ".sync"
    subprocess.run(["git", "-C", repo, "remote", "set-url", "origin", str(checked_out)], check=True)
    laptop("add", "More", "--from", "Ann")
    result = laptop("sync")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result
    assert "the remote refused the push (branch is currently checked out)" in result.stderr
    assert "next respond sync sends it" in result.stderr


def test_sync_status_still_shows_the_remote_and_the_failure_when_the_remote_holds_other_files(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, remote: Path
) -> None:
    other = tmp_path / "other"
    subprocess.run(["git", "init", "-q", "-b", "main", str(other)], check=True)
    (other / "README").write_text("not respond's\n")
    git = ["git", "-C", str(other), "-c", "user.name=a", "-c", "user.email=a@b"]
    subprocess.run([*git, "add", "README"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    subprocess.run([*git, "push", "-q", str(remote), "main"], check=True)
    laptop = Machine(run, monkeypatch, tmp_path, "laptop")
    laptop("add", "Q3 numbers", "--from", "Dana")
    result = laptop("sync", "init", str(remote), now="2026-11-25T10:01")
    assert result.exit_code == 2 and "holds files that are not respond's" in result.stderr
    assert result.stderr.endswith(  # every failure says whether the change here is safe
        "nothing here is lost: what changed here is committed, and the next sync that works "
        "sends it\n"
    )
    status = laptop("sync", "status", now="2026-11-25T10:02")
    assert status.exit_code == 0 and status.stderr == "", status
    assert f"remote     {remote}\n" in status.stdout
    assert "to send    1 item changed here" in status.stdout  # (the remote's files: not ours)
    assert "failed     10:01: the remote holds files that are not respond's" in status.stdout


def test_a_mistyped_path_remote_is_refused_and_nothing_is_set_up(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    run("add", "Q3 numbers", "--from", "Dana")
    result = run("sync", "init", str(tmp_path / "no-such" / "remote.git"))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("respond: no repository at ")
    assert "git init --bare" in result.stderr and result.stderr.count("\n") == 1
    assert not Path(str(db_path) + ".sync").exists()


def test_a_change_only_renumbered_by_a_sync_is_undone_under_its_new_id(machines) -> None:
    laptop, desktop = machines
    laptop("add", "Budget", "--from", "Ann", now="2026-11-25T10:00")  # #3 on the laptop
    desktop("add", "Invoice", "--from", "Sam", now="2026-11-25T10:01")  # #3 on the desktop
    laptop("sync", now="2026-11-25T10:02")
    result = desktop("sync", now="2026-11-25T10:03")
    assert "#3 from desktop is now #4" in result.stdout
    undo = desktop("undo", now="2026-11-25T10:04")
    assert (undo.exit_code, undo.stdout, undo.stderr) == (0, "Undid add: removed #4\n", "")
    assert set(desktop.by_title()) == {"Q3 numbers", "Laptop", "Budget"}


def test_thanks_on_both_machines_each_undo_undoes_its_own_thanks(machines) -> None:
    laptop, desktop = machines
    desktop("edit", "2", "--note", "older, mine", now="2026-11-25T09:59")
    laptop("thanks", "Dana", "for the numbers", now="2026-11-25T10:00")  # #3
    desktop("thanks", "Bob", "for the laptop", now="2026-11-25T10:01")  # #3 too
    desktop("edit", "4", "--note", "no such item yet", now="2026-11-25T10:01")  # refused, exit 2
    laptop("sync", now="2026-11-25T10:02")
    assert "#3 from desktop is now #4" in desktop("sync", now="2026-11-25T10:03").stdout
    laptop("sync", now="2026-11-25T10:04")
    assert converged(laptop, desktop)
    undo = desktop("undo", now="2026-11-25T10:05")
    assert (undo.exit_code, undo.stdout) == (0, "Undid thanks: removed #4\n"), undo
    assert desktop("undo", now="2026-11-25T10:06").stdout.startswith("Undid edit: restored #2")
    assert laptop("undo", now="2026-11-25T10:07").stdout == "Undid thanks: removed #3\n"
    for machine in (desktop, laptop, desktop):
        machine("sync", now="2026-11-25T10:08")
    assert converged(laptop, desktop)
    assert [i["kind"] for i in laptop.items()] == ["ask", "ask"]
    assert laptop.by_title()["Laptop"]["note"] == ""


def test_a_refused_undo_can_be_skipped_and_older_changes_undone(machines) -> None:
    laptop, desktop = machines
    desktop("edit", "2", "--note", "mine", now="2026-11-25T09:58")
    desktop("snooze", "1", "mon", now="2026-11-25T09:59")
    laptop("edit", "1", "--title", "Q3 numbers, final", now="2026-11-25T10:00")
    laptop("sync", now="2026-11-25T10:01")
    desktop("sync", now="2026-11-25T10:02")
    refused = desktop("undo", now="2026-11-25T10:03")
    assert refused.exit_code == 1
    assert "#1 was changed on another machine since" in refused.stderr
    assert "respond undo --skip" in refused.stderr
    assert desktop("undo", now="2026-11-25T10:04").exit_code == 1  # the same, still
    skipped = desktop("undo", "--skip", now="2026-11-25T10:05")
    assert (skipped.exit_code, skipped.stdout) == (
        0,
        "Skipped snooze (#1): kept as it is, not undone; respond undo now reverses the change "
        "before\n",
    )
    items = desktop.by_title()
    assert "snoozed" in [e["event"] for e in items["Q3 numbers, final"]["history"]]  # kept
    assert desktop("undo", now="2026-11-25T10:06").stdout.startswith("Undid edit: restored #2")
    assert desktop.by_title()["Laptop"]["note"] == ""
    nothing = desktop("undo", "--skip", now="2026-11-25T10:07")
    assert (nothing.exit_code, nothing.stderr) == (1, "respond: nothing to undo\n")


def test_skipping_a_change_keeps_the_earlier_changes_to_the_same_item(machines) -> None:
    laptop, _ = machines
    laptop("edit", "1", "--note", "first", now="2026-11-25T10:00")
    laptop("edit", "1", "--title", "Q3, second", now="2026-11-25T10:01")
    laptop("edit", "2", "--note", "other", now="2026-11-25T10:02")
    assert laptop("undo", now="2026-11-25T10:03").exit_code == 0
    assert laptop("undo", "--skip", now="2026-11-25T10:04").stdout.startswith("Skipped edit (#1)")
    refused = laptop("undo", now="2026-11-25T10:05")
    assert refused.exit_code == 1 and refused.stderr == (
        "respond: can't undo edit: #1 was changed since by a change you kept; respond undo "
        "--skip keeps it as it is and lets undo go on to the change before\n"
    )
    item = laptop.by_title()["Q3, second"]
    assert item["note"] == "first"


def test_sync_init_never_follows_a_linked_repository_folder(
    run: Run, db_path: Path, tmp_path: Path, remote: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    Path(str(db_path) + ".sync").symlink_to(elsewhere)
    result = run("sync", "init", str(remote))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "is not a folder (a link?)" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_the_same_ask_done_on_both_machines_schedules_one_follow_up(machines) -> None:
    laptop, desktop = machines
    assert "(#3)" in laptop("done", "1", now="2026-11-25T10:00").stdout
    assert "(#3)" in desktop("done", "1", now="2026-11-25T10:05").stdout
    laptop("sync", now="2026-11-25T11:00")
    result = desktop("sync", now="2026-11-25T11:01")
    assert result.exit_code == 0 and "conflict" not in result.stdout, result
    assert "renumbered" not in result.stdout and "is now" not in result.stdout
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    for machine in (laptop, desktop):
        follow_ups = [item for item in machine.items() if item["kind"] == "followup"]
        assert [(f["id"], f["for_id"]) for f in follow_ups] == [(3, 1)]
        assert [e["event"] for e in follow_ups[0]["history"]] == ["created"]
        shown = machine("show", "1").stdout
        assert shown.count("followup id: 3") == 1, shown
        assert "followup uuid" not in shown
    # the laptop's copy, the first scheduled, is the one kept
    assert follow_ups[0]["created"] == "2026-11-25T09:00:00+00:00"


def test_a_follow_up_changed_on_one_machine_keeps_the_change(machines) -> None:
    laptop, desktop = machines
    laptop("done", "1", now="2026-11-25T10:00")
    desktop("done", "1", now="2026-11-25T10:05")
    desktop("snooze", "3", "2026-12-10 09:00", now="2026-11-25T10:06")
    desktop("sync", now="2026-11-25T11:00")
    laptop("sync", now="2026-11-25T11:01")
    desktop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    (follow_up,) = [item for item in laptop.items() if item["kind"] == "followup"]
    assert follow_up["id"] == 3 and follow_up["due"] == "2026-12-10T08:00:00+00:00"
    assert [e["event"] for e in follow_up["history"]] == ["created", "snoozed"]


def test_an_ask_reopened_by_undo_and_done_again_schedules_the_same_follow_up(machines) -> None:
    laptop, desktop = machines
    laptop("done", "1", now="2026-11-25T10:00")
    laptop("sync", now="2026-11-25T10:01")
    desktop("sync", now="2026-11-25T10:02")
    assert laptop("undo", now="2026-11-25T10:03").exit_code == 0
    laptop("sync", now="2026-11-25T10:04")
    desktop("sync", now="2026-11-25T10:05")
    assert [i["kind"] for i in desktop.items()] == ["ask", "ask"]
    laptop("done", "1", now="2026-11-25T10:06")
    desktop("done", "1", now="2026-11-25T10:07")
    for machine in (laptop, desktop, laptop):
        assert machine("sync", now="2026-11-25T10:08").exit_code == 0
    assert converged(laptop, desktop)
    assert len([i for i in laptop.items() if i["kind"] == "followup"]) == 1


def test_a_follow_up_removed_by_reopen_is_removed_everywhere(machines) -> None:
    laptop, desktop = machines
    assert "(#3)" in laptop("done", "1", now="2026-11-25T10:00").stdout
    laptop("sync", now="2026-11-25T10:01")
    desktop("sync", now="2026-11-25T10:02")
    assert "removed its follow-up #3" in laptop("reopen", "1", now="2026-11-25T10:03").stdout
    result = laptop("sync", now="2026-11-25T10:04")
    assert "came back" not in result.stdout, result
    desktop("sync", now="2026-11-25T10:05")
    laptop("sync", now="2026-11-25T10:06")
    assert converged(laptop, desktop)
    for machine in (laptop, desktop):
        assert [(i["id"], i["kind"], i["status"]) for i in machine.items()] == [
            (1, "ask", "open"),
            (2, "ask", "open"),
        ]
    # undo of the reopen brings the follow-up back, on both machines
    assert laptop("undo", now="2026-11-25T10:07").exit_code == 0
    laptop("sync", now="2026-11-25T10:08")
    desktop("sync", now="2026-11-25T10:09")
    assert converged(laptop, desktop)
    assert [i["kind"] for i in desktop.items()] == ["ask", "ask", "followup"]


def test_reopen_after_its_follow_up_was_renumbered_removes_that_follow_up_only(machines) -> None:
    laptop, desktop = machines
    assert "Added #3" in laptop("add", "Other", "--from", "Zed", now="2026-11-25T10:00").stdout
    assert "(#3)" in desktop("done", "1", now="2026-11-25T10:05").stdout
    laptop("sync", now="2026-11-25T10:10")
    assert "#3 from desktop is now #4" in desktop("sync", now="2026-11-25T10:11").stdout
    result = desktop("reopen", "1", now="2026-11-25T10:12")
    assert "removed its follow-up #4" in result.stdout, result
    laptop("sync", now="2026-11-25T10:13")
    desktop("sync", now="2026-11-25T10:14")
    laptop("sync", now="2026-11-25T10:15")
    for machine in (laptop, desktop):
        assert [(i["id"], i["title"], i["status"]) for i in machine.items()] == [
            (1, "Q3 numbers", "open"),
            (2, "Laptop", "open"),
            (3, "Other", "open"),
        ]


def test_an_item_renumbered_by_the_other_machines_merge_is_named_here_too(machines) -> None:
    laptop, desktop = machines
    assert "Added #3" in laptop("add", "Other", "--from", "Zed", now="2026-11-25T10:05").stdout
    assert "(#3)" in desktop("done", "1", now="2026-11-25T10:00").stdout
    laptop("sync", now="2026-11-25T10:10")
    assert "#3 from laptop is now #4" in desktop("sync", now="2026-11-25T10:11").stdout
    # the laptop confirmed "Added #3": its own sync says that #3 is now #4
    result = laptop("sync", now="2026-11-25T10:12")
    assert "#3 from laptop is now #4" in result.stdout, result
    assert laptop.by_title()["Other"]["id"] == 4


def test_one_follow_up_even_when_each_machine_gave_it_another_id(machines) -> None:
    laptop, desktop = machines
    desktop("add", "Invoice", "--from", "Sam", now="2026-11-25T09:50")  # #3 on the desktop
    assert "(#3)" in laptop("done", "1", now="2026-11-25T10:00").stdout
    assert "(#4)" in desktop("done", "1", now="2026-11-25T10:05").stdout
    for machine in (laptop, desktop, laptop):
        assert machine("sync", now="2026-11-25T11:00").exit_code == 0
    assert converged(laptop, desktop)
    items = laptop.items()
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == 4
    (follow_up,) = [item for item in items if item["kind"] == "followup"]
    assert follow_up["for_id"] == 1
    assert laptop("show", "1").stdout.count("followup id:") == 1


def test_a_stale_git_lock_heals_itself_and_doctor_reports_it(machines) -> None:
    """A sync killed at the wrong moment leaves .git/index.lock: every later sync failed with
    "index.lock: File exists" while doctor said healthy."""
    laptop, _ = machines
    repo = Path(str(laptop.db) + ".sync")
    laptop("add", "More", "--from", "Ann")
    for lock in (repo / ".git" / "index.lock", repo / ".git" / "refs" / "heads" / "main.lock"):
        lock.write_bytes(b"")  # no process holds them: git's own were killed
    doctor = laptop("doctor")
    assert doctor.exit_code == 1, doctor
    assert "index.lock left by a git that was killed" in doctor.stdout, doctor.stdout
    assert laptop("sync").stdout == "sent 1 change\n"
    assert not list((repo / ".git").rglob("*.lock"))
    assert "sync: the sync repository is in order" in laptop("doctor").stdout
    (repo / ".git" / "index.lock").write_bytes(b"")
    repaired = laptop("doctor", "--repair")
    assert "repaired: removed the git locks" in repaired.stdout, repaired
    assert not (repo / ".git" / "index.lock").exists()


def test_a_git_lock_of_a_live_git_is_left_alone(machines) -> None:
    laptop, _ = machines
    repo = Path(str(laptop.db) + ".sync")
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    # a person's git working in the repository (it waits on its stdin meanwhile)
    person = subprocess.Popen(
        ["git", "hash-object", "--stdin"], cwd=repo, stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        result = laptop("sync")
        doctor = laptop("doctor").stdout
    finally:
        person.communicate(b"x", timeout=60)
    assert result.exit_code == 2 and f"git (PID {person.pid}) is working in" in result.stderr
    assert result.stderr.endswith("nothing here is lost: the database is as it was\n")
    assert lock.exists() and f"git (PID {person.pid})" in doctor
    assert laptop("sync").exit_code == 0 and not lock.exists()


def test_sync_status_counts_only_what_this_machine_has_to_send(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, remote: Path
) -> None:
    """A join that fetched a large remote but did not finish said "to send 50002 items" when
    one was made here."""
    laptop = Machine(run, monkeypatch, tmp_path, "laptop")
    desktop = Machine(run, monkeypatch, tmp_path, "desktop")
    for n in range(5):
        laptop("add", f"task {n}", "--from", "Kim", now="2026-11-25T09:00")
    laptop("sync", "init", str(remote))
    desktop("add", "Mine", "--from", "Sam")
    desktop("sync", "init", str(remote))
    status = desktop("sync", "status").stdout
    assert "to send    0 items changed here" in status, status
    desktop("add", "Another", "--from", "Sam")
    laptop("add", "Theirs", "--from", "Kim")
    laptop("sync")
    repo = str(desktop.db) + ".sync"
    subprocess.run(["git", "-C", repo, "fetch", "-q", "origin"], check=True)  # fetched only
    status = desktop("sync", "status").stdout
    assert "to send    1 item changed here" in status, status
    # a join that fetched but never merged: only the item made here is to send
    late = Machine(run, monkeypatch, tmp_path, "late")
    late("add", "Late one", "--from", "Ann")
    (tmp_path / "not-a-repo").mkdir()
    late("sync", "init", str(tmp_path / "not-a-repo"))  # fails: set up, nothing fetched
    late_repo = str(late.db) + ".sync"
    subprocess.run(["git", "-C", late_repo, "remote", "set-url", "origin", str(remote)], check=True)
    subprocess.run(["git", "-C", late_repo, "fetch", "-q", "origin"], check=True)
    assert "to send    1 item changed here" in late("sync", "status").stdout


@pytest.mark.slow
def test_a_join_lets_adds_in_and_merges_them_never_busy_never_lost(tmp_path: Path) -> None:
    """Joining a large remote held the database's lock for minutes ("database ... is busy"),
    and a change made meanwhile made the sync start over until it gave up ("kept changing").
    Adds run back to back during the join: each one works, and every one is on the remote
    after the next sync."""
    from respond.storage.database import Store
    from tests.support.factory import generate, write
    from tests.support.processes import spawn

    first = tmp_path / "first" / "respond.json"
    first.parent.mkdir()
    write(first, generate(1500, 3))
    config = tmp_path / "config.toml"
    config.write_text('[sync]\nname = "joiner"\ntimeout = "10m"\n')
    env = {"RESPOND_CONFIG": str(config)}
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    assert respond(first, "sync", "init", str(remote), **env).returncode == 0
    second = tmp_path / "second" / "respond.json"
    second.parent.mkdir()
    join = spawn(second, "sync", "init", str(remote))
    added = 0
    while join.poll() is None:
        result = respond(second, "add", f"meanwhile {added}", "--from", "Kim", **env)
        assert result.returncode == 0, result.stderr  # never "busy"
        added += 1
    out, err = join.communicate(timeout=60)
    assert join.returncode == 0 and "received 1500" in out, err
    assert respond(second, "sync", **env).returncode == 0
    items = Store(second).snapshot().items.values()
    assert {f"meanwhile {n}" for n in range(added)} <= {item.title for item in items}
    assert len(items) == 1500 + added
    git = ["git", "-C", str(remote)]
    names = subprocess.run([*git, "ls-tree", "-r", "--name-only", "main"], capture_output=True,
                           text=True).stdout.split()  # fmt: skip
    held = "".join(subprocess.run([*git, "show", f"main:{name}"], capture_output=True,
                                  text=True).stdout for name in names)  # fmt: skip
    assert all(f'"meanwhile {n}"' in held for n in range(added))


@pytest.mark.slow
def test_a_long_sync_shows_its_progress_on_a_terminal_and_nothing_when_piped(
    tmp_path: Path, remote: Path
) -> None:
    """A sync that takes a while (here: a remote that never answers, until the configured
    timeout) shows its step on a terminal's stderr; piped, only the one line."""
    import pty
    import sys

    from tests.support.processes import env_for
    from tests.support.remotes import silent_listener

    db = tmp_path / "laptop" / "respond.json"
    db.parent.mkdir()
    config = tmp_path / "laptop.toml"
    config.write_text('[sync]\nname = "laptop"\ntimeout = "3s"\n')
    env = {"RESPOND_CONFIG": str(config)}
    assert respond(db, "add", "Q3 numbers", "--from", "Dana", **env).returncode == 0
    assert respond(db, "sync", "init", str(remote), **env).returncode == 0
    with silent_listener() as listener:
        repo = str(db) + ".sync"
        url = f"git://127.0.0.1:{listener.port}/slow.git"
        subprocess.run(["git", "-C", repo, "remote", "set-url", "origin", url], check=True)
        piped = respond(db, "sync", **env)
        assert piped.returncode == 1 and piped.stderr.count("\n") == 1, piped
        assert "━" not in piped.stderr
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "respond", "sync"], stdout=subprocess.PIPE, stderr=secondary,
            env={**env_for(db), **env, "TERM": "xterm-256color"},
        )  # fmt: skip
        os.close(secondary)
        shown = read_terminal(primary)
        out, _ = proc.communicate(timeout=120)
        os.close(primary)
    terminal = shown.decode(errors="replace")
    assert proc.returncode == 1 and out == b"", terminal
    assert "fetching" in terminal and "━" in terminal, terminal
    assert "the remote did not answer within 3 s" in terminal  # the line, after the bar


def test_doctor_reports_a_sync_repository_sync_cannot_recover(machines) -> None:
    laptop, _ = machines
    repo = Path(str(laptop.db) + ".sync")
    git = ["git", "-C", str(repo)]
    tree = subprocess.run([*git, "rev-parse", "HEAD^{tree}"], capture_output=True, text=True)
    sha = tree.stdout.strip()
    loose = repo / ".git" / "objects" / sha[:2] / sha[2:]
    if not loose.exists():
        pytest.skip("the tree is packed")
    loose.chmod(0o600)
    loose.unlink()
    doctor = laptop("doctor")
    assert doctor.exit_code == 1
    assert "is damaged" in doctor.stdout and "sync init REMOTE again" in doctor.stdout, doctor
    subprocess.run([*git, "remote", "remove", "origin"], check=True)
    assert "has no remote" in laptop("doctor").stdout


# -- a repair never spreads; a remote never breaks you; merge decisions named (issues 19, 21) --


def test_a_machine_repaired_from_an_older_backup_gets_its_items_back_and_no_machine_loses_any(
    machines,
) -> None:
    laptop, desktop = machines
    older = laptop.db.read_bytes()  # #1 and #2: the backup a repair will restore
    laptop("add", "Slides", "--from", "Ann", now="2026-11-25T10:00")  # #3
    laptop("add", "the deck", "--from", "Sam", now="2026-11-25T10:01")  # #4
    laptop("sync", now="2026-11-25T10:02")
    assert desktop("sync", now="2026-11-25T10:03").stdout == "received 2\n"
    # the laptop's database is damaged; its only backup is the older copy
    folder = laptop.db.with_name(laptop.db.name + ".backups")
    shutil.rmtree(folder)
    folder.mkdir(mode=0o700)
    (folder / "2026-11-24.json").write_bytes(older)
    laptop.db.write_text("{ damaged")
    repaired = laptop("doctor", "--repair", now="2026-11-25T10:10")
    assert "restored 2 items from the backup of 2026-11-24" in repaired.stdout
    assert "2 items will come back from the remote at the next sync" in repaired.stdout
    assert set(laptop.by_title()) == {"Q3 numbers", "Laptop"}
    result = laptop("sync", now="2026-11-25T10:11")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "received 2\n#3, #4 came back from the remote: missing here (a restored backup or a "
        "lost archive file?), not deleted\n"
    )
    assert desktop("sync", now="2026-11-25T10:12").stdout == "up to date\n"
    for machine in (laptop, desktop):
        assert {i["title"]: i["id"] for i in machine.items()} == {
            "Q3 numbers": 1, "Laptop": 2, "Slides": 3, "the deck": 4,
        }  # fmt: skip
    assert converged(laptop, desktop)
    assert laptop("add", "Next", "--from", "Ann").stdout.startswith("Added #5:")


def test_an_item_added_after_the_repair_keeps_its_place_beside_the_ones_that_come_back(
    machines,
) -> None:
    laptop, desktop = machines
    older = laptop.db.read_bytes()
    laptop("add", "Slides", "--from", "Ann", now="2026-11-25T10:00")  # #3
    laptop("sync", now="2026-11-25T10:02")
    laptop.db.write_bytes(older)  # restored by hand: next ID 3 again
    laptop("add", "Budget", "--from", "Lee", now="2026-11-25T10:05")  # #3 again
    result = laptop("sync", now="2026-11-25T10:06")
    assert result.exit_code == 0, result
    assert "#3 from laptop is now #4" in result.stdout and "#3 came back" in result.stdout
    desktop("sync", now="2026-11-25T10:07")
    for machine in (laptop, desktop):
        assert {i["title"]: i["id"] for i in machine.items()} == {
            "Q3 numbers": 1, "Laptop": 2, "Slides": 3, "Budget": 4,
        }  # fmt: skip


def test_a_lost_archive_file_comes_back_from_the_remote(machines) -> None:
    laptop, desktop = machines
    laptop("add", "Old thing", "--from", "Ann", now="2026-01-05T10:00")  # #3
    laptop("done", "3", "--no-follow-up", now="2026-01-05T11:00")
    laptop("add", "Today", "--from", "Ann", now="2026-11-25T10:00")  # archives #3
    archive = laptop.db.with_name(laptop.db.name + ".archive")
    assert [p.name for p in archive.glob("*.json")] == ["2026-Q1.json"]
    laptop("sync", now="2026-11-25T10:01")
    desktop("sync", now="2026-11-25T10:02")
    (archive / "2026-Q1.json").unlink()
    for bak in archive.glob("*.bak"):
        bak.unlink()
    repaired = laptop("doctor", "--repair", now="2026-11-25T10:03")
    assert "1 item will come back from the remote at the next sync" in repaired.stdout
    result = laptop("sync", now="2026-11-25T10:04")
    assert result.exit_code == 0, result
    assert "#3 came back from the remote" in result.stdout
    assert desktop("sync", now="2026-11-25T10:05").stdout == "up to date\n"
    for machine in (laptop, desktop):
        assert machine.by_title()["Old thing"]["status"] == "done"
    assert converged(laptop, desktop)


def test_an_undone_add_is_deleted_everywhere_and_an_undone_delete_comes_back(machines) -> None:
    laptop, desktop = machines
    laptop("add", "Oops", "--from", "Ann", now="2026-11-25T10:00")  # #3
    laptop("sync", now="2026-11-25T10:01")
    desktop("sync", now="2026-11-25T10:02")
    assert laptop("undo", now="2026-11-25T10:03").exit_code == 0
    laptop("sync", now="2026-11-25T10:04")
    assert desktop("sync", now="2026-11-25T10:05").stdout == "received 1\n"
    assert "Oops" not in desktop.by_title()
    laptop("delete", "2", now="2026-11-25T10:06")
    laptop("undo", now="2026-11-25T10:07")  # the delete taken back before any sync
    laptop("sync", now="2026-11-25T10:08")
    desktop("sync", now="2026-11-25T10:09")
    assert set(desktop.by_title()) == {"Q3 numbers", "Laptop"}
    assert converged(laptop, desktop)


def craft(remote: Path, tmp_path: Path, change) -> None:
    """Push a commit from a crafted clone of the remote: ``change(folder)`` edits its files."""
    folder = tmp_path / f"crafted-{len(list(tmp_path.glob('crafted-*')))}"
    subprocess.run(["git", "clone", "-q", "-b", "main", str(remote), str(folder)], check=True)
    change(folder)
    env = {**os.environ, "GIT_AUTHOR_NAME": "x", "GIT_AUTHOR_EMAIL": "respond@crafty"}
    env.update(GIT_COMMITTER_NAME="x", GIT_COMMITTER_EMAIL="respond@crafty")
    for args in (
        ["add", "-A"],
        ["commit", "-q", "-m", "crafted"],
        ["push", "-q", "origin", "HEAD:main"],
    ):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True)


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data) + "\n")


def first_item(folder: Path) -> tuple[Path, str]:
    (path,) = sorted((folder / "items").glob("*.json"))
    return path, sorted(json.loads(path.read_text()))[0]


def set_field(key: str, value):
    def change(folder: Path) -> None:
        path, uuid = first_item(folder)
        edit_json(path, lambda data: data[uuid].update({key: value}))

    return change


def set_meta(value):
    return lambda folder: edit_json(folder / "meta.json", lambda data: data.update(next_id=value))


def link_to_itself(by: str):
    def change(folder: Path) -> None:
        path, uuid = first_item(folder)
        edit_json(
            path,
            lambda data: data[uuid].update(
                {"for_id": data[uuid]["id"]} if by == "id" else {"for_uuid": uuid}
            ),
        )

    return change


def add_tombstone(at: str):
    return lambda folder: edit_json(
        folder / "tombstones.json", lambda data: data.update({"0000-feed": at})
    )


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (set_meta(10**30), "meta.json has a next ID too high"),
        (set_meta(9223372036854775807), "meta.json has a next ID too high"),
        (set_meta(2**53 - 1), "meta.json has a next ID too high"),
        (set_meta(2 * 10**15 + 1), "meta.json has a next ID too high"),
        (set_field("id", 2**53 - 1), "has an id too high"),
        (set_field("id", 10**30), "has a number too large in its id"),
        (set_field("for_id", 2 * 10**15 + 1), "has a link too high"),
        (set_field("updated", "9999-01-01T00:00:00Z"), "has a bad updated time"),
        (set_field("created", "0001-01-01T00:00:00Z"), "has a bad created time"),
        (add_tombstone("9999-12-31T00:00:00Z"), "tombstones.json has a bad time"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_remote_holding_a_bad_value_is_refused_in_one_line_and_the_database_stays_usable(
    machines, remote: Path, tmp_path: Path, change, why: str
) -> None:
    laptop, _ = machines
    laptop("edit", "1", "--note", "mine", now="2026-11-25T10:00")
    craft(remote, tmp_path, change)
    before = laptop.items()
    result = laptop("sync", now="2026-11-25T10:01")
    assert result.exit_code == 1, result
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "refusing the remote's data" in result.stderr
    assert why in result.stderr and "nothing here was changed" in result.stderr
    assert laptop.items() == before
    assert laptop("add", "Next", "--from", "Ann").stdout.startswith("Added #3:")
    assert laptop("list").exit_code == 0
    checked = laptop("doctor")
    assert checked.exit_code == 0, checked.stdout


@pytest.mark.parametrize("by", ["id", "uuid"])
def test_an_item_linked_to_itself_on_the_remote_or_here_arrives_without_the_link(
    machines, remote: Path, tmp_path: Path, by: str
) -> None:
    laptop, desktop = machines
    craft(remote, tmp_path, link_to_itself(by))
    laptop("edit", "1", "--note", "mine", now="2026-11-25T10:00")
    for machine in (laptop, desktop):
        assert machine("sync", now="2026-11-25T10:01").exit_code == 0
        assert all(item["for_id"] is None for item in machine.items())
        checked = machine("doctor")
        assert checked.exit_code == 0, checked.stdout
    # one linked to itself here (edited by hand) is sent without the link, and sync goes on
    data = json.loads(laptop.db.read_text())
    data["items"]["2"]["for_id"] = 2
    laptop.db.write_text(json.dumps(data))
    for n, machine in enumerate((laptop, laptop, desktop)):
        assert machine("sync", now=f"2026-11-25T10:0{n + 2}").exit_code == 0
    assert all(item["for_id"] is None for item in desktop.items())
    assert desktop("doctor").exit_code == 0


def test_a_time_far_ahead_from_the_remote_never_beats_a_real_later_edit(
    machines, remote: Path, tmp_path: Path
) -> None:
    laptop, desktop = machines

    def hostile(folder: Path) -> None:
        path = next((folder / "items").glob("*.json"))
        records = json.loads(path.read_text())
        (uuid,) = [u for u, r in records.items() if r["id"] == 2]
        future = "9998-01-01T00:00:00Z"  # a machine whose clock is wrong, or a hostile one
        records[uuid].update(title="from the future", updated=future)
        records[uuid]["history"].append({"event": "edited", "at": future, "fields": ["title"]})
        path.write_text(json.dumps(records) + "\n")

    craft(remote, tmp_path, hostile)
    laptop("edit", "2", "--title", "Laptop, real edit", now="2026-11-25T10:00")
    result = laptop("sync", now="2026-11-25T10:05")
    assert result.exit_code == 0, result
    first, *notes = result.stdout.splitlines()
    assert "#2 title kept from laptop (later edit)" in first
    assert notes == [
        "#2 has a time from crafty ahead of this machine's clock (9998-01-01T00:00:00Z): "
        "not trusted to settle a conflict"
    ]
    desktop("sync", now="2026-11-25T10:06")
    for machine in (laptop, desktop):
        assert "Laptop, real edit" in machine.by_title()
        assert machine("add", "Next", "--from", "Ann").exit_code == 0


def test_a_delete_that_loses_to_an_edit_is_named_on_both_machines(machines) -> None:
    laptop, desktop = machines
    laptop("delete", "2", now="2026-11-25T10:00")
    desktop("edit", "2", "--note", "still needed", now="2026-11-25T10:30")
    laptop("sync", now="2026-11-25T11:00")
    line = "#2 deleted on laptop but edited on desktop: kept, with the edit"
    assert desktop("sync", now="2026-11-25T11:01").stdout == f"sent 1 change\n{line}\n"
    assert laptop("sync", now="2026-11-25T11:02").stdout == f"received 1\n{line}\n"
    assert converged(laptop, desktop)


def test_notes_written_on_both_machines_are_joined_and_named(machines) -> None:
    laptop, desktop = machines
    laptop("done", "1", "--no-follow-up", "--note", "sent by mail", now="2026-11-25T10:00")
    desktop("done", "1", "--no-follow-up", "--note", "handed over", now="2026-11-25T10:05")
    laptop("sync", now="2026-11-25T11:00")
    result = desktop("sync", now="2026-11-25T11:01")
    assert result.stdout.splitlines()[1:] == ["#1 notes from desktop and laptop joined"]
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    assert laptop.by_title()["Q3 numbers"]["note"] == "[laptop] sent by mail\n[desktop] handed over"


def test_a_done_item_keeps_its_due_time_against_a_snooze_and_the_line_says_so(machines) -> None:
    laptop, desktop = machines
    laptop("edit", "2", "--by", "2026-11-27T17:00", now="2026-11-25T09:30")
    laptop("sync", now="2026-11-25T09:31")
    desktop("sync", now="2026-11-25T09:32")
    due = laptop.by_title()["Laptop"]["due"]
    laptop("done", "2", "--no-follow-up", now="2026-11-25T10:00")
    desktop("snooze", "2", "2026-12-04T17:00", now="2026-11-25T10:05")
    laptop("sync", now="2026-11-25T11:00")
    result = desktop("sync", now="2026-11-25T11:01")
    assert result.stdout.splitlines()[1:] == [
        "#2 done on laptop: the due time moved on desktop is dropped (a closed item keeps the "
        "due time it was closed with)"
    ]
    laptop("sync", now="2026-11-25T11:02")
    assert converged(laptop, desktop)
    item = laptop.by_title()["Laptop"]
    assert (item["status"], item["due"]) == ("done", due)
    assert [e["event"] for e in item["history"]][-2:] == ["done", "snoozed"]  # both kept


def test_a_delete_is_kept_in_the_database_until_a_sync_has_sent_it(machines) -> None:
    laptop, desktop = machines

    def recorded() -> list[str]:
        return list(json.loads(laptop.db.read_text())["meta"]["1"].get("tombstones", {}))

    laptop("delete", "2", now="2026-11-25T10:00")
    assert len(recorded()) == 1
    laptop("sync", now="2026-11-25T10:01")  # sent: kept until the next sync confirms it
    laptop("add", "Next", "--from", "Ann", now="2026-11-25T10:02")
    laptop("sync", now="2026-11-25T10:03")
    assert recorded() == []
    assert set(desktop.by_title()) == {"Q3 numbers", "Laptop"}
    desktop("sync", now="2026-11-25T10:04")
    assert set(desktop.by_title()) == {"Q3 numbers", "Next"}


def test_items_added_after_an_import_at_the_id_limit_still_sync(machines, tmp_path: Path) -> None:
    laptop, desktop = machines
    data = json.loads(laptop("export").stdout)
    data["items"] = [{**data["items"][0], "id": 10**15, "uuid": "0000-high"}]
    crafted = tmp_path / "high.json"
    crafted.write_text(json.dumps(data))
    assert laptop("import", str(crafted)).exit_code == 0  # kept: 10^15 is the limit
    assert laptop("add", "After", "--from", "Ann").stdout.startswith(f"Added #{10**15 + 1}:")
    assert laptop("sync", now="2026-11-25T10:01").exit_code == 0
    result = desktop("sync", now="2026-11-25T10:02")
    assert result.exit_code == 0, result
    assert desktop.by_title()["After"]["id"] == 10**15 + 1
    assert desktop("add", "Next", "--from", "Ann").stdout.startswith(f"Added #{10**15 + 2}:")


def test_a_backup_restored_after_a_synced_delete_does_not_bring_the_item_back(machines) -> None:
    laptop, desktop = machines
    older = laptop.db.read_bytes()  # #1 and #2
    laptop("delete", "2", now="2026-11-25T10:00")
    laptop("sync", now="2026-11-25T10:01")
    desktop("sync", now="2026-11-25T10:02")
    laptop.db.write_bytes(older)  # restored: #2 as it was before the delete
    result = laptop("sync", now="2026-11-25T10:03")
    assert result.stdout == (
        "up to date\n#2 deleted again: this copy is older than the delete the last sync sent "
        "(a restored backup?)\n"
    )
    assert desktop("sync", now="2026-11-25T10:04").stdout == "up to date\n"
    for machine in (laptop, desktop):
        assert set(machine.by_title()) == {"Q3 numbers"}
    # undo of a delete that was already sent brings the item back everywhere
    laptop("delete", "1", now="2026-11-25T10:05")
    laptop("sync", now="2026-11-25T10:06")
    assert laptop("undo", now="2026-11-25T10:07").exit_code == 0
    laptop("sync", now="2026-11-25T10:08")
    desktop("sync", now="2026-11-25T10:09")
    assert set(desktop.by_title()) == {"Q3 numbers"}
    assert converged(laptop, desktop)


def test_a_remote_item_dated_9998_is_received_named_and_the_database_stays_usable(
    machines, remote: Path, tmp_path: Path
) -> None:
    laptop, _ = machines
    craft(remote, tmp_path, set_field("updated", "9998-12-31T00:00:00Z"))
    result = laptop("sync", now="2026-11-25T10:00")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines()[1].endswith(
        "has a time from crafty ahead of this machine's clock (9998-12-31T00:00:00Z): not "
        "trusted to settle a conflict"
    )
    assert laptop("add", "Next", "--from", "Ann").stdout.startswith("Added #3:")
    assert laptop("edit", "1", "--note", "fine", now="2026-11-25T10:01").exit_code == 0
    assert laptop("edit", "2", "--note", "fine", now="2026-11-25T10:01").exit_code == 0
    assert laptop("list").exit_code == 0 and laptop("doctor").exit_code == 0
    assert laptop("sync", now="2026-11-25T10:02").exit_code == 0

"""``respond doctor``: check the database and, with ``--repair``, fix what is safe to fix.

Checks: the file loads and its schema version is known; every item can be read and makes
sense; IDs are below the next ID to be issued; every ``for_id`` points at an item; the
database, its lock, state and backups are private (0600 files, 0700 backup folder); no temp
files of killed commands are lying around; and good backups exist. The archive files beside
the active file (``<db>.archive/``) are checked too: each loads and every item in it can be
read, none is missing, and no item is in two files (a crash between two writes of a commit
can leave one in both: reads use the active copy). It also reads the config
file: a broken one is a problem (it stops every command that uses settings), reported by name
with its one-line error, and the database is checked all the same.

``--repair`` (under the database lock) moves a damaged file aside as
``<db>.broken-<timestamp>`` and restores the newest backup that loads, restores a missing
database from its backups, moves the next ID past the highest ID, makes files private again
and deletes stray temp files; it removes the extra copies of an item in two files (keeping
the active one, else the newest) and forgets a missing archive file (its items are gone
already). It never rewrites an item, never overwrites a damaged archive file (its previous
version is kept as ``.bak`` for you to restore) and never touches a database from a newer
respond.

Exit codes: 0 healthy (notes only), 1 problems found but the database is usable, 2 the
database is unusable (it does not load). After ``--repair`` they describe what is left.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import stat
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from respond.core.errors import DatabaseError, NewerSchema
from respond.core.model import record_flaws
from respond.core.text import visible
from respond.storage import backups
from respond.storage.dbfile import meta_of
from respond.storage.findings import NOTE, OK, PROBLEM, UNUSABLE, Report
from respond.storage.logcheck import check_captures
from respond.storage.logcheck import encode_plain as _encode
from respond.storage.logcheck import rewrite as _rewrite
from respond.storage.periods import archive_dir
from respond.storage.reading import read_regular
from respond.storage.soundfile import (
    EDITABLE,
    Backup,
    Loaded,
    good_backup,
    item_issues,
    load_file,
    unreadable,
)

# ---- repairs (run under the database lock) ------------------------------------------------


def _aside_name(db: Path, suffix: str = "") -> Path:
    """A new ``<db>.broken-<timestamp><suffix>`` path next to the database."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = db.with_name(f"{db.name}.broken-{stamp}{suffix}")
    n = 1
    while target.exists():
        n += 1
        target = db.with_name(f"{db.name}.broken-{stamp}-{n}{suffix}")
    return target


def _restore(db: Path, backup: Backup) -> str:
    from respond.storage.files import atomic_write

    payload = read_regular(backup.path)
    moved = kept_id = ""
    if db.exists():
        # The damaged file keeps its bytes under a new name first, so that at every moment
        # the database's own name holds either the damaged file or the restored one.
        try:
            damaged = read_regular(db)
        except OSError:
            damaged = b""
        aside = _aside_name(db)
        try:
            os.link(db, aside)
        except OSError:
            shutil.copyfile(db, aside)
        os.chmod(aside, 0o600)
        moved = f"moved the damaged file to {visible(aside.name)}; "
        # IDs are never reused: if the damaged file still shows a later next ID, keep it.
        seen = [int(n) for n in re.findall(rb'"next_id":\s*(\d{1,18})\b', damaged)]
        if seen and max(seen) > backup.next_id:
            data = json.loads(payload)
            meta_of(data)["next_id"] = max(seen)
            payload = _encode(data)
            kept_id = f"; next ID kept at {max(seen)}"
    atomic_write(db, payload)
    return f"{moved}restored {backup.describe()}{kept_id}"


def _quarantine(db: Path, item_id: int) -> str:
    from respond.storage.dbfile import ITEMS
    from respond.storage.files import atomic_write

    aside = _aside_name(db, f"-item-{item_id}.json")

    def move(data: dict[str, Any]) -> None:
        record = data[ITEMS].pop(str(item_id))
        atomic_write(aside, json.dumps({str(item_id): record}).encode("ascii"))

    _rewrite(db, move)
    return f"moved unreadable item #{item_id} to {visible(aside.name)}; the rest is untouched"


def _fix_next_id(db: Path, next_id: int) -> str:

    backups.keep(db)
    _rewrite(db, lambda data: meta_of(data).update(next_id=next_id))
    return f"next ID set to {next_id}"


def _drop_journal(db: Path, keys: list[str]) -> str:
    from respond.storage.dbfile import JOURNAL

    def drop(data: dict[str, Any]) -> None:
        for key in keys:
            data[JOURNAL].pop(key, None)

    _rewrite(db, drop)
    return f"dropped {len(keys)} damaged undo entr{'ies' if len(keys) != 1 else 'y'}"


def _chmod(path: Path, mode: int) -> str:
    os.chmod(path, mode)
    return f"{visible(path.name)} is now {mode:04o}"


def _remove(paths: list[Path]) -> str:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return f"deleted {len(paths)} stray temp file{'s' if len(paths) != 1 else ''}"


# ---- the checks ---------------------------------------------------------------------------


def check(db: Path) -> Report:
    report = Report(db)
    _check_contents(db, report)
    _check_owner(db, report)
    _check_permissions(db, report)
    _check_temp_files(db, report)
    _check_backups(db, report)
    check_captures(db, report)
    _check_score_cache(db, report)
    _check_sync(db, report)
    return report


def _check_score_cache(db: Path, report: Report) -> None:
    """The weekly score cache is checked against its digest, not trusted (``--repair``
    deletes it, as it always does)."""
    from respond.storage import scorecache

    found = scorecache.check(db)
    if found is not None:
        level, text = found
        if level != "problem":
            report.add(NOTE, "score cache", text)
            return

        def delete() -> str:
            scorecache.remove(db)
            return "deleted the weekly score cache (respond week rebuilds it)"

        report.add(PROBLEM, "score cache", text, delete)


def _check_sync(db: Path, report: Report) -> None:
    """The sync repository (when sync is set up): git's locks a killed git left (the next
    sync removes them; so does --repair) and what sync can't recover from by itself."""
    from respond.storage.syncstatus import is_initialised

    if not is_initialised(db):
        return
    from respond.storage import gitsync

    stale, problems = gitsync.repo_problems(db)
    if stale:
        what = "; ".join(visible(line) for line in stale[:3])
        report.add(PROBLEM, "sync", f"{what} (the next sync removes it)", lambda: _unlock(db))
    for line in problems:
        report.add(PROBLEM, "sync", visible(line))
    if not stale and not problems:
        report.add(OK, "sync", "the sync repository is in order")


def _unlock(db: Path) -> str:
    from respond.storage import gitrepo
    from respond.storage.lock import exclusive_lock
    from respond.storage.syncstatus import repo_dir

    try:
        with exclusive_lock(repo_dir(db), timeout=1.0):  # (a running sync: leave it be)
            gitrepo.clear_stale_locks(repo_dir(db))
    except DatabaseError:
        return "nothing in the sync repository: a sync is running; run doctor again after it"
    return "removed the git locks a killed git left in the sync repository"


def _check_contents(db: Path, report: Report) -> None:
    from respond.storage.dbfile import SCHEMA_VERSION

    backup = good_backup(db)
    restore: Callable[[], str] | None = None
    how = "no good backup to restore; move the file aside yourself to start afresh"
    if backup is not None:
        restore = lambda: _restore(db, backup)  # noqa: E731
        how = f"--repair restores {backup.describe()}"
    try:
        mode = db.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # a FIFO, a device, a folder: never read (a FIFO would hang), never replaced
        what = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        report.add(UNUSABLE, "loads", f"{visible(str(db))} is {what}; move it aside yourself")
        return
    if not db.exists():
        if backup is None:
            report.add(NOTE, "loads", "no database yet (the first change creates it)")
        else:
            report.add(PROBLEM, "loads", f"the database is missing; {how}", restore)
        return
    try:
        loaded = load_file(db)
    except NewerSchema as err:
        report.add(UNUSABLE, "loads", f"{visible(str(err))} (left untouched)")
        report.newer = True
        return
    except DatabaseError as err:
        report.add(UNUSABLE, "loads", f"{visible(err.cause)}; {how}", restore)
        return
    items = loaded.items
    n = len(items)
    report.add(OK, "loads", f"{n} item{'s' if n != 1 else ''}, schema {loaded.schema}")
    if loaded.schema < SCHEMA_VERSION:
        report.add(
            NOTE, "schema", f"{loaded.schema} is migrated to {SCHEMA_VERSION} at the next change"
        )

    bad = unreadable(db, loaded)
    for item_id, why in sorted(bad.items()):
        report.add(
            UNUSABLE,
            "items",
            f"#{item_id} can't be read ({why}); --repair moves it aside and keeps the rest",
            functools.partial(_quarantine, db, item_id),
        )
    odd = 0
    for item_id, record in sorted(items.items()):
        flaws = record_flaws({**record, "id": item_id})
        if flaws and item_id not in bad:
            odd += 1
            issues = ", ".join(flaw.short for flaw in flaws)
            if all(flaw.field in EDITABLE for flaw in flaws):
                how = "fix it with edit"
            else:  # a kind, status, uuid, time or history: no command rewrites those
                how = (
                    f"edit can't change that: correct the file by hand, or respond delete {item_id}"
                )
            report.add(PROBLEM, "items", f"#{item_id}: {issues} ({how})")
    if not bad and not odd:
        report.add(OK, "items", "every item is complete")

    from respond.storage.dbfile import JOURNAL
    from respond.storage.journal import journal_entry_ok

    damaged = [key for key, entry in loaded.data.get(JOURNAL, {}).items()
               if not journal_entry_ok(entry)]  # fmt: skip
    if damaged:
        report.add(
            PROBLEM,
            "undo journal",
            f"{len(damaged)} damaged entr{'ies' if len(damaged) != 1 else 'y'} (undo stops there)",
            lambda: _drop_journal(db, damaged),
        )

    archived = _check_archive(db, loaded, report)
    everything = {**archived, **items}
    top = max(everything, default=0)
    next_id = loaded.next_id
    dup = [u for u, c in Counter(str(r.get("uuid")) for r in everything.values()).items() if c > 1]
    if next_id <= top:
        fix = lambda: _fix_next_id(db, top + 1)  # noqa: E731
        report.add(PROBLEM, "IDs", f"next ID {next_id} is not above the highest #{top}", fix)
    elif dup:
        report.add(PROBLEM, "IDs", f"{len(dup)} UUID(s) used by more than one item")
    else:
        report.add(OK, "IDs", f"highest #{top}, next #{next_id}")

    linked = True
    for item_id, record in sorted(items.items()):
        target = record.get("for_id")
        if not isinstance(target, int) or isinstance(target, bool):
            continue  # reported with the item
        if target == item_id:
            report.add(PROBLEM, "links", f"#{item_id} is for itself")
        elif target in everything:
            continue
        elif target >= next_id or target < 1:
            report.add(PROBLEM, "links", f"#{item_id} is for #{target}, an ID never issued")
        else:  # deleted on purpose: the link stays as history
            report.add(NOTE, "links", f"#{item_id} is for #{target}, which was deleted")
        linked = False
    if linked:
        report.add(OK, "links", "every for_id points at an existing item")


def _check_archive(db: Path, loaded: Loaded, report: Report) -> dict[int, dict[str, Any]]:
    """Check the archive files; returns the records they hold (one per ID) for the checks of
    IDs and links."""
    from respond.storage.archive import Archive, archive_state, archived_copies, load_archive_file
    from respond.storage.database import item_from_doc
    from respond.storage.periods import file_of

    state = archive_state(loaded.data)
    archive = Archive(db, dict(state, files=dict(state.get("files") or {})))
    periods = archive.periods()
    if not periods:
        return {}
    records: dict[int, dict[str, Any]] = {}
    readable = []
    for period in periods:
        path = file_of(db, period)
        name = visible(f"{archive_dir(db).name}/{path.name}")
        entry = archive.files.get(period)
        if not path.exists():
            count = entry.get("items") if isinstance(entry, dict) else 0
            if count:
                report.add(
                    PROBLEM,
                    "archive",
                    f"{name} is missing ({count} items); history commands (week, who, "
                    "export...) stop there; --repair forgets it (restore it first if you can)",
                    lambda period=period: _forget_archive(db, period),  # type: ignore[misc]
                )
            continue
        try:
            archive.loaded[period] = load_archive_file(path)
        except NewerSchema as err:
            report.add(PROBLEM, "archive", f"{visible(str(err))} (left untouched)")
            continue
        except DatabaseError as err:
            bak = path.with_name(path.name + ".bak")
            fix = (  # a backup is suggested only if there is one
                f"restore its previous version {visible(bak.name)}, or move it aside"
                if bak.is_file()
                else "it has no previous version (.bak) here: restore it from a backup or "
                "another machine, or move it aside"
            )
            report.add(
                PROBLEM,
                "archive",
                f"{name}: {visible(err.cause)}; history commands (week, who, export...) "
                f"stop there. It is never overwritten: {fix}",
            )
            continue
        readable.append(period)
        for key, doc in archive.loaded[period].items():
            try:
                item_from_doc(path, int(key), doc)
            except DatabaseError:
                why = ", ".join(item_issues(int(key), doc)) or "damaged"
                report.add(PROBLEM, "archive", f"{name}: #{key} can't be read ({why})")
                continue
            records[int(key)] = doc
    extra = archived_copies(loaded.data, archive)
    copies = sum(len(keys) for keys in extra.values())
    if copies:
        report.add(
            PROBLEM,
            "archive",
            f"{copies} item(s) in two files (a commit interrupted between its writes); reads "
            "use the active or newest copy; --repair removes the others",
            lambda: _remove_copies(db),
        )
    count = sum(len(archive.loaded[p]) for p in readable) - copies
    files = len(readable)
    report.add(
        OK,
        "archive",
        f"{count} closed item{'s' if count != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} ({', '.join(readable) or 'none readable'})",
    )
    for keys in extra.values():
        for key in keys:
            if int(key) in loaded.items:
                records.pop(int(key), None)
    if readable:
        _check_summaries(db, state, report)
        _check_counts(db, state, report)
    return records


def _check_summaries(db: Path, state: dict[str, Any], report: Report) -> None:
    """The sidecar of ``who`` summaries: only a cache (``who`` and ``people`` read the archive
    files when it can't be trusted, and the next change makes it again), so a stale or
    missing one is a note, a damaged one a problem; --repair makes it again either way."""
    from respond.storage.summaries import parse_sidecar, read_sidecar, sidecar_damaged, sidecar_of

    path = sidecar_of(db)
    name = visible(f"{archive_dir(db).name}/{path.name}")
    trusted = read_sidecar(db, state.get("summaries"))
    if trusted is not None and not sidecar_damaged(trusted):
        return
    # the next change rewrites a stale or missing sidecar; one damaged in place (ours by its
    # fingerprint, but a person's parts don't parse) only when an archive file changes
    until = "the next change makes it again; --repair makes it now"
    if trusted is not None:
        level, what, until = PROBLEM, "is damaged", "--repair makes it again"
    else:
        level, what = _untrusted(path, lambda raw: parse_sidecar(raw) is not None)
    report.add(
        level,
        "archive",
        f"{name} (who's summaries) {what}: who and people read the archive files until {until}",
        lambda: _rebuild_summaries(db),
    )


def _untrusted(path: Path, reads: Callable[[bytes], bool]) -> tuple[str, str]:
    """What a file beside the archive that its stamp does not vouch for is: out of date or
    missing (a note), or damaged (a problem: not there to be read, or ``reads`` says no)."""
    try:
        if reads(path.read_bytes()):
            return NOTE, "is out of date (changed behind the database's back)"
    except FileNotFoundError:
        return NOTE, "is missing"
    except (OSError, ValueError):
        pass
    return PROBLEM, "is damaged"


def _json(raw: bytes) -> bool:
    json.loads(raw)  # (ValueError when it is not JSON)
    return True


def _check_counts(db: Path, state: dict[str, Any], report: Report) -> None:
    """The counts file of everyone's names in the archive: a cache too (``add`` and the other
    name matchers read the archive files when it can't be trusted, and the next change makes
    it again); an older respond's names in the meta stand in for it until then."""
    from respond.storage.archive import Archive
    from respond.storage.summaries import counts_of

    if Archive(db, dict(state, files=dict(state.get("files") or {}))).base_counts()[0] is not None:
        return
    path = counts_of(db)
    name = visible(f"{archive_dir(db).name}/{path.name}")
    level, what = _untrusted(path, _json)
    report.add(
        level,
        "archive",
        f"{name} (everyone's names) {what}: matching a name reads the archive files until "
        "the next change makes it again; --repair makes it now",
        lambda: _rebuild_counts(db),
    )


def _rebuild_counts(db: Path) -> str:
    from respond.storage.archive import rebuild_counts

    files = rebuild_counts(db)
    return f"counted the names in {files} archive file{'s' if files != 1 else ''} again"


def _rebuild_summaries(db: Path) -> str:
    from respond.storage.archive import rebuild_summaries

    files = rebuild_summaries(db)
    return f"made who's summaries of {files} archive file{'s' if files != 1 else ''} again"


def _forget_archive(db: Path, period: str) -> str:
    from respond.storage.dbfile import ARCHIVE

    backups.keep(db)

    def forget(data: dict[str, Any]) -> None:
        state = meta_of(data).get(ARCHIVE, {})
        state.get("files", {}).pop(period, None)
        state.pop("counts", None)  # (it counted that file: the next write counts them again)

    _rewrite(db, forget)
    return f"forgot the missing archive file {period}.json"


def _remove_copies(db: Path) -> str:
    from respond.storage.archive import remove_archived_copies

    backups.keep(db)
    removed = remove_archived_copies(db)
    return f"removed {removed} extra cop{'ies' if removed != 1 else 'y'} of archived items"


def _private(path: Path, report: Report, mode: int) -> bool:
    try:
        st = path.lstat()
    except OSError:
        return True
    if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return True
    if st.st_mode & 0o077:
        what = "folder" if stat.S_ISDIR(st.st_mode) else "file"
        report.add(
            PROBLEM,
            "permissions",
            f"{what} {visible(path.name)} is open to others (mode {st.st_mode & 0o777:04o})",
            lambda: _chmod(path, mode),
        )
        return False
    return True


def _check_permissions(db: Path, report: Report) -> None:
    if not db.parent.is_dir():
        return
    good = True
    prefix = db.name + "."
    folder = backups.backup_dir(db)
    try:
        for path in sorted(db.parent.iterdir()):
            if path == db or (path.name.startswith(prefix) and path.is_file()):
                good &= _private(path, report, 0o600)
        for private in (folder, archive_dir(db)):
            if private.is_dir():
                good &= _private(private, report, 0o700)
                for path in sorted(private.iterdir()):
                    good &= _private(path, report, 0o600)
    except OSError as err:
        report.add(PROBLEM, "permissions", f"can't look at {visible(str(err.filename))}")
        return
    if good:
        report.add(OK, "permissions", "database, lock, state, archive and backups are private")


def _check_owner(db: Path, report: Report) -> None:
    """A database folder or file another user owns or may write to: every change is refused
    (see :func:`respond.storage.files.write_refusal`); the finding says the fix. Not repaired:
    ``--repair`` refuses to write there too."""
    from respond.storage.files import unsafe_to_write

    refusal = unsafe_to_write(db)
    if refusal is not None:
        report.add(PROBLEM, "owner", f"changes are refused: {visible(refusal)}")


def _dead(pid_text: str) -> bool:
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError, OverflowError):
        return False
    return False


def _check_temp_files(db: Path, report: Report) -> None:
    """Temp files whose writer is dead: harmless (never read), but they hold copies of data."""
    # .<name>.<pid>.<random>.tmp (files.open_temp), or an older respond's .<name>.<pid>.tmp
    pattern = re.compile(r"^\..*\.(\d+)\.[a-z0-9_]{8}\.tmp$|^\..*\.(\d+)\.tmp$")
    stray: list[Path] = []
    folders = ((db.parent, f".{db.name}."), (backups.backup_dir(db), "."), (archive_dir(db), "."))
    for folder, prefix in folders:
        with contextlib.suppress(OSError):
            for name in os.listdir(folder):
                match = pattern.match(name)
                if name.startswith(prefix) and match and _dead(match.group(1) or match.group(2)):
                    stray.append(folder / name)
    if stray:
        report.add(
            PROBLEM,
            "temp files",
            f"{len(stray)} left by killed commands (harmless; never read)",
            lambda: _remove(stray),
        )
    else:
        report.add(OK, "temp files", "none left behind")


def _check_backups(db: Path, report: Report) -> None:
    with contextlib.suppress(OSError):
        aside = [p for p in db.parent.iterdir() if p.name.startswith(f"{db.name}.broken-")]
        if aside:
            report.add(NOTE, "kept aside", f"{len(aside)} damaged file(s) {db.name}.broken-*")
    where = visible(backups.backup_dir(db).name)
    unusable = backups.folder_problem(db)
    if unusable is not None:
        report.add(
            PROBLEM,
            "backups",
            f"{where} {unusable}: no backup is kept; replace it with a folder of your own",
        )
        return
    ahead = backups.future(db)
    if ahead:
        names = ", ".join(visible(path.name) for _, path in ahead[:3])
        report.add(
            PROBLEM,
            "backups",
            f"{len(ahead)} dated in the future ({names}{', ...' if len(ahead) > 3 else ''}): "
            "kept while the clock was wrong. They are never restored before the others, nor "
            "counted among the 7 days kept, nor pruned: look at them, and delete them yourself",
        )
    found = backups.backups(db)
    if not found:
        report.add(NOTE, "backups", "none yet (each change keeps the day's last good copy)")
        return
    good = good_backup(db)
    if good is None:
        report.add(NOTE, "backups", f"{len(found)} in {where}, but none of them loads")
    else:
        report.add(OK, "backups", f"{len(found)} in {where}, newest good one {good.day}")


def repair(db: Path) -> list[str]:
    """Apply every safe repair under the lock; returns what was done, one line each."""
    from respond.storage.files import unsafe_to_write
    from respond.storage.lock import exclusive_lock

    done: list[str] = []
    if not db.parent.is_dir():
        return done
    if unsafe_to_write(db) is not None:  # never write where someone else can (the report says)
        return ["nothing: the database folder or file is not safe to write (see owner)"]
    tried: set[tuple[str, str]] = set()
    with exclusive_lock(db):
        while True:  # after a restore, the restored file is checked (and fixed) in turn
            report = check(db)
            fixes = [
                (f, f.repair)
                for f in report.findings
                if f.repair is not None and (f.area, f.text) not in tried
            ]
            if not fixes or report.newer:
                if done:
                    _refresh_prompt_state(db)
                return done
            for finding, fix in fixes:
                tried.add((finding.area, finding.text))
                try:
                    done.append(fix())
                except OSError as err:
                    done.append(f"could not repair {finding.area}: {err.strerror}")


def _refresh_prompt_state(db: Path) -> None:
    """Rewrite the prompt's state file after repairs (under the lock, as a commit does): a
    restored file may have another inode, size and mtime, but also the same ones (a backup
    restored twice), and the shell snippets re-run the counter when its STAMP changes."""
    from respond.storage.captures import pending
    from respond.storage.state import refresh_state

    try:
        data = load_file(db).data
    except DatabaseError:
        return
    pending(db, data)  # (a repair leaves the capture log to the next change)
    refresh_state(db, data)


def check_config(path: Path, report: Report) -> None:
    """The config file loads (or is absent: the defaults). A broken one is a problem that
    ``--repair`` leaves alone: only its owner knows what it should say."""
    from respond.storage.config import ConfigError, load_settings

    try:
        load_settings(path)
    except ConfigError as err:
        report.add(PROBLEM, "settings", visible(str(err)))
        return
    where = visible(str(path))
    if path.is_file():
        report.add(OK, "settings", f"config {where} is good")
    else:
        report.add(OK, "settings", f"all defaults (no config file at {where})")


def result_of(db: Path, *, fix: bool, config: Path | None = None) -> tuple[list[str], Report]:
    """What ``respond doctor [--repair]`` prints and the report its exit code comes from
    (``config``: the config file to check as well)."""
    done = repair(db) if fix else []
    if fix:
        from respond.storage.scorecache import remove

        remove(db)  # the weekly score cache: rebuilt by the next respond week
    report = check(db)
    if config is not None:
        check_config(config, report)
    lines = [f"repaired: {line}" for line in done]
    if done:
        from respond.storage.gitsync import coming_back

        back = coming_back(db)  # missing here, not deleted: sync never sends them as deletes
        if back:
            lines.append(
                f"{back} item{'s' if back != 1 else ''} will come back from the remote at the "
                "next sync"
            )
    lines += report.lines()
    return lines, report

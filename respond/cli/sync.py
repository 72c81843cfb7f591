"""``respond sync``, ``sync init REMOTE`` and ``sync status``; the background sync after a change
(``[sync] auto``) and the line ``today`` shows when the last sync failed.

The git work and the merge are in :mod:`respond.storage.gitsync`; this module only runs them
and says what happened, in one line.
"""

import sys
from typing import Annotated, Any

import typer

from respond.cli.autosync import after_change as after_change
from respond.cli.autosync import record as _record

sync_app = typer.Typer(
    name="sync",
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

#: How many conflicts and renumberings the sync line names before it counts the rest.
DETAIL = 3
#: Seconds a sync runs before its progress is shown (on a terminal).
PROGRESS_AFTER = 0.5


def _state(ctx: typer.Context) -> Any:
    return ctx.find_root().obj


@sync_app.callback()
def sync(
    ctx: typer.Context,
    background: Annotated[
        bool,
        typer.Option(
            "--background",
            hidden=True,
            help="Say nothing; a failure is recorded for the next `today` (auto sync).",
        ),
    ] = False,
) -> None:
    """Share the database with your other machines through git: commit what changed here,
    fetch, merge item by item (never as text), push; one line says what happened. Set it up
    with respond sync init REMOTE. Exit code 1 when the remote could not be reached (what
    changed here is committed, and the next sync sends it).

    Example: respond sync
    """
    if ctx.invoked_subcommand is not None:
        return
    from respond.core.errors import ExitStatus, RespondError

    state = _state(ctx)
    try:
        line = _sync(state, background=background)
    except RespondError as err:
        _record(state, str(err))
        if background:
            raise typer.Exit(err.exit_code) from None
        raise
    except OSError as err:
        _record(state, f"can't sync: {err.strerror}")
        if background:
            raise typer.Exit(ExitStatus.BAD_INPUT) from None
        raise RespondError(f"can't sync: {err.strerror}") from None
    _record(state, None)
    if not background:
        state.output.confirm(line)


@sync_app.command("init")
def sync_init(
    ctx: typer.Context,
    remote: Annotated[
        str,
        typer.Argument(
            metavar="REMOTE",
            help="A private git repository: an https:// or ssh URL (git@host:path) or a path "
            "(a bare repository on a shared drive). http:// is refused.",
        ),
    ],
) -> None:
    """Set up sync with REMOTE: a git repository beside the database (<db>.sync/) whose
    remote is REMOTE. If REMOTE already holds respond data (a second machine), it is merged
    with what is here: nothing here is lost. Then sync as respond sync does.

    Example: respond sync init git@github.com:me/respond-data.git
    """
    import shutil

    from respond.core.errors import RespondError
    from respond.storage import gitrepo, gitsync, syncstatus

    state = _state(ctx)
    url = gitrepo.check_remote(remote)
    if shutil.which("git") is None:
        raise gitrepo.SyncError(gitrepo.git_missing())
    db = state.store.path
    host = _host(state)
    if syncstatus.is_initialised(db):
        known = gitrepo.configured_remote(gitrepo.Git(syncstatus.repo_dir(db), host))
        if known != url:
            raise gitrepo.SyncError(
                f"sync is already set up for {db} with {gitrepo.mask(known or '')}; to change "
                f"the remote: git -C {syncstatus.repo_dir(db)} remote set-url origin NEW"
            )
        state.output.confirm(f"sync is already set up with {gitrepo.mask(url)}: respond sync syncs")
        return
    gitrepo.check_local_remote(url)
    gitsync.create(db, url, host)
    try:
        line = _sync(state)
    except RespondError as err:
        _record(state, str(err))
        raise
    _record(state, None)
    state.output.confirm(f"sync set up with {gitrepo.mask(url)}: {line}")


@sync_app.command("status")
def sync_status(ctx: typer.Context) -> None:
    """The remote, the last sync, what is waiting to be sent and the last failure.

    Example: respond sync status
    """
    from respond.storage import gitrepo, gitsync, syncstatus
    from respond.storage.syncstatus import read_status

    state = _state(ctx)
    db = state.store.path
    if not syncstatus.is_initialised(db):
        raise gitrepo.SyncError(f"sync is not set up for {db}: run respond sync init REMOTE")
    host = _host(state)
    git = gitrepo.Git(syncstatus.repo_dir(db), host)
    status = read_status(db)
    env = state.env
    try:
        count = gitsync.waiting(state.store, host, env.now())
        to_send = f"{count} item{'s' if count != 1 else ''} changed here since the last sync"
    except gitrepo.SyncError as err:  # a remote holding what sync refuses: status all the same
        to_send = f"unknown: {err}"
    lines = [
        f"remote     {gitrepo.mask(gitrepo.configured_remote(git) or '(none)')}",
        f"machine    {host}",
        f"last sync  {_when(status.get('last_sync'), env) or 'never'}",
        f"to send    {to_send}",
    ]
    failure = status.get("failure")
    if isinstance(failure, dict):
        lines.append(f"failed     {_when(failure.get('at'), env)}: {failure.get('message')}")
    for line in lines:
        state.output.confirm(line)


def _host(state: Any) -> str:
    from respond.storage.gitrepo import machine_name

    return machine_name(state.env.settings.sync_name)


def _sync(state: Any, background: bool = False) -> str:
    """Sync; ssh may ask nothing when stdin is not a terminal or in the background (it
    could not anyway: git runs without a terminal, see :mod:`respond.storage.processes`).
    On a terminal, a sync that takes a while shows its progress on stderr."""
    from respond.storage import gitsync

    settings = state.env.settings
    batch = background or not sys.stdin.isatty()
    progress = None if background else _Progress(state.output)
    try:
        report = gitsync.sync(
            state.store,
            _host(state),
            state.env.now(),
            timeout=settings.sync_timeout,
            batch=batch,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.close()
    return line_of(report)


class _Progress:
    """A sync's steps as a progress bar (``cli.render.ProgressBar``), on a terminal's stderr
    only, and only once the sync has run :data:`PROGRESS_AFTER` seconds: a quick sync never
    loads Rich, a piped one shows nothing extra."""

    def __init__(self, io: Any) -> None:
        self.io = io
        self.bar: Any = None
        self.step: tuple[str, int, int] | None = None
        self.timer: Any = None
        self.wanted = io.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.wanted:
            return
        self.step = (stage, done, total)
        if self.bar is not None:
            self.bar.update(*self.step)
        elif self.timer is None:
            import threading

            self.timer = threading.Timer(PROGRESS_AFTER, self._show)
            self.timer.daemon = True
            self.timer.start()

    def _show(self) -> None:
        from respond.cli.render import ProgressBar

        bar = ProgressBar(self.io)
        if self.step is not None:
            bar.update(*self.step)
        self.bar = bar

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer.join()
        if self.bar is not None:
            self.bar.close()


def line_of(report: Any) -> str:
    """What a sync did, in one line: ``sent 3 changes, received 5, 1 conflict settled: #12
    title kept from laptop (later edit); #57 from desktop is now #58``."""
    from respond.core.text import shorten

    parts = []
    if report.sent:
        parts.append(f"sent {report.sent} change{'s' if report.sent != 1 else ''}")
    if report.received:
        parts.append(f"received {report.received}")
    settled: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for conflict, final_id in report.conflicts:
        entry = settled.setdefault((conflict.uuid, conflict.kept), (final_id, []))
        entry[1].append(conflict.field)
    if settled:
        named = [
            f"#{item_id} {' and '.join(fields)} kept from {shorten(kept, 40)} (later edit)"
            for (_, kept), (item_id, fields) in list(settled.items())[:DETAIL]
        ]
        if len(settled) > DETAIL:
            named.append(f"{len(settled) - DETAIL} more")
        n = len(settled)
        parts.append(f"{n} conflict{'s' if n != 1 else ''} settled: {', '.join(named)}")
    line = ", ".join(parts) or "up to date"
    moved = [
        f"#{r.old} from {shorten(r.side, 40)} is now #{r.new}" for r in report.renumbered[:DETAIL]
    ]
    if len(report.renumbered) > DETAIL:
        moved.append(f"{len(report.renumbered) - DETAIL} more renumbered")
    # each merge decision that restored, joined or discarded something: a line of its own
    return "\n".join(["; ".join([line, *moved]), *getattr(report, "notes", [])])


def notice(state: Any) -> str | None:
    """The line ``today`` shows while the last sync failed, else ``None``."""
    from respond.storage.syncstatus import read_status, status_path

    db = state.store.path
    if not status_path(db).exists():
        return None
    failure = read_status(db).get("failure")
    if not isinstance(failure, dict):
        return None
    reason = str(failure.get("message") or "").split(";")[0]
    from respond.core.text import shorten

    when = _when(failure.get("at"), state.env) or "?"
    return f"sync failed at {when}: {shorten(reason, 100)}; respond sync to retry"


def _when(stamp: Any, env: Any) -> str | None:
    """A recorded time as people read it: 10:02 today, else 2026-11-24 10:02."""
    from respond.core.clock import from_iso, to_local

    if not isinstance(stamp, str):
        return None
    try:
        moment = to_local(from_iso(stamp))
    except ValueError:
        return None
    if moment.date() == to_local(env.now()).date():
        return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"

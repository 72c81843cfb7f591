"""The prompt counter (``respond prompt``) and the sidecar state file it reads.

The counter runs before every shell prompt, so it has its own fast path:
``respond/__main__.py`` hands ``respond [--db P] [--now W] prompt [--format F]`` straight to
:func:`fast_main` before Typer is imported. Until a rebuild is needed, this module imports only
``os``, ``sys`` and ``time`` (already loaded by Python's start-up): no typer, rich, dateutil,
tinydb, json, re, pathlib or platformdirs. It reads one small file and a ``stat`` of the database.

**The state file** ``<db>.state`` (mode 0600) is rewritten atomically by every commit of
:meth:`respond.storage.database.Store.transaction`, under the same lock, through
:func:`respond.storage.state.refresh_state`. It is plain ASCII, parsed with ``bytes.split``
and ``int``::

    respond-prompt-state 2 STAMP DB_MTIME_NS DB_SIZE DB_INODE CAPTURES_SIZE
    OPEN_COUNT
    001795010400           <- due times (Unix seconds, 12 digits) of open items, sorted
    ...

Holding due *times* rather than counts keeps the counter right as time passes without any
write: an item due at 14:00 is counted as overdue once 14:00 has passed. Fixed-width lines let the
counter binary-search the sorted list without parsing it. ``STAMP`` changes with every write
(the shell snippets compare it, read with a shell builtin, to know when to re-run the counter);
the ``DB_*`` fields identify the database version the state was built from, and
``CAPTURES_SIZE`` the capture log counted with it (:mod:`respond.storage.captures`: 0 when
there is none; the capture lane counts what it appends, under the lock). When the state file
is missing, from another version, damaged, or older than the database (written by something
else, or a crash between the two renames), the counter rebuilds it from the database; that
rarer path imports the storage layer. Anything wrong prints nothing and exits 0: a prompt must
never show a traceback.

Overdue is :func:`respond.core.due.is_overdue`, the rule of every command (``today``, ``list
--overdue``, ``week``): at its due second an item is due now, one second later overdue. The counter
counts open items of every kind (asks, promises, follow-ups, waiting-ons to chase), which is the
number ``respond today`` states in its header. ``{today}`` counts open items due from then until
local midnight; ``{open}`` counts every open item, with a due time or not.
"""

from __future__ import annotations

import os
import sys
import time

from respond.core.due import is_overdue
from respond.storage.state import (
    DUE_DIGITS,
    STATE_MAGIC,
    captures_size,
    is_fresh,
    read_state,
    save_state,
    state_bytes,
    state_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # (without importing typing at run time)
    from collections.abc import Callable


NO_STAMP = "-"  # what ``--shell`` reports when there is no state file


def default_format() -> str:
    """The template used when ``--format`` is not given: ``prompt_format`` from the config
    file, read cheaply (no tomllib for a plain ``prompt_format = "..."`` line)."""
    from respond.storage.configfile import read_prompt_format

    return read_prompt_format()


def _rebuild(db: str, db_stat: os.stat_result, captured: int) -> bytes:
    """Build the state from the database itself, with its capture log, and try to save it
    (no lock: see below).

    ``db_stat`` and the log's size ``captured`` are taken *before* the files are read, so if
    a writer commits meanwhile the saved state names the older version and the next prompt
    rebuilds again: it converges. A writer that replaced the active file between the reads of
    the two files may have folded the log and removed it: then they are read again.
    """
    from contextlib import suppress

    from respond.storage.captures import load_folded

    data, _, read_from = load_folded(db)
    if data is None:
        return b""
    if read_from is not None and read_from.st_ino != db_stat.st_ino:  # (replaced meanwhile)
        db_stat, captured = read_from, captures_size(db)
    content = state_bytes(data, db_stat, captured)
    # a read-only directory still gets a right count, just not a cached one
    with suppress(OSError):
        save_state(db, content)
    return content


def _count_while(body: bytes, holds: Callable[[int], bool]) -> int:
    """How many of the (sorted, fixed-width) due times in ``body`` pass ``holds``, a test that
    is true for a prefix of them (binary search: a few ``int`` parses, whatever the size)."""
    low, high = 0, len(body) // (DUE_DIGITS + 1)
    while low < high:
        mid = (low + high) // 2
        if holds(int(body[mid * (DUE_DIGITS + 1) : mid * (DUE_DIGITS + 1) + DUE_DIGITS])):
            low = mid + 1
        else:
            high = mid
    return low


def next_midnight(now: float) -> int:
    """The next local midnight after ``now`` (honours ``TZ`` and daylight saving)."""
    t = time.localtime(now)
    return int(time.mktime((t.tm_year, t.tm_mon, t.tm_mday + 1, 0, 0, 0, 0, 0, -1)))


class Counts:
    """What the counter knows at one instant, and until when it stays true."""

    __slots__ = ("open", "overdue", "stamp", "state", "today", "until")

    def __init__(
        self, overdue: int, today: int, open: int, until: int, stamp: str, state: str
    ) -> None:
        self.overdue = overdue
        self.today = today
        self.open = open
        self.until = until  # the counts can change at this Unix second (a due time or midnight)
        self.stamp = stamp  # the state file's STAMP, or NO_STAMP when there is none
        self.state = state  # the state file's path


def counts(db: str, now: float) -> Counts:
    """Overdue / due-later-today / open counts for the database at ``db`` at time ``now``."""
    state = state_path(db)
    midnight = next_midnight(now)
    try:
        db_stat = os.stat(db)
    except FileNotFoundError:  # no database yet: nothing is owed
        return Counts(0, 0, 0, midnight, _stamp(read_state(state)), state)
    if db_stat.st_mode & 0o170000 != 0o100000:  # not a regular file (a FIFO, /dev/zero...)
        raise ValueError(f"{db} is not a regular file")
    content = read_state(state)
    captured = captures_size(db)
    if is_fresh(content, db_stat, captured):
        return _counted(content, now, midnight, _stamp(content), state)
    built = _rebuild(db, db_stat, captured)
    return _counted(built, now, midnight, _stamp(read_state(state)), state)


def _stamp(content: bytes) -> str:
    """The STAMP of a state file (what the shell snippets compare), or NO_STAMP."""
    head = content[: content.find(b"\n")].split()
    if len(head) < 3 or head[0] != STATE_MAGIC:
        return NO_STAMP
    return head[2].decode("ascii", "replace")


def _counted(content: bytes, now: float, midnight: int, stamp: str, state: str) -> Counts:
    if not content:
        return Counts(0, 0, 0, midnight, stamp, state)
    first = content.index(b"\n")
    second = content.index(b"\n", first + 1)
    open_count = int(content[first + 1 : second])
    body = content[second + 1 :]
    if len(body) % (DUE_DIGITS + 1):
        raise ValueError("damaged prompt state")
    overdue = _count_while(body, lambda due: is_overdue(due, now))
    before_midnight = _count_while(body, lambda due: due < midnight)
    until = midnight
    if overdue < len(body) // (DUE_DIGITS + 1):
        until = min(
            until, int(body[overdue * (DUE_DIGITS + 1) : overdue * (DUE_DIGITS + 1) + DUE_DIGITS])
        )
    return Counts(overdue, before_midnight - overdue, open_count, until, stamp, state)


# --- formatting ---------------------------------------------------------------------------


def render(template: str, found: Counts) -> str:
    """The template with ``{overdue}``, ``{today}`` and ``{open}`` filled in; empty when every
    count it shows is zero, so the default ``!{overdue}`` prints nothing when nothing is overdue.

    Plain replacement (:func:`respond.core.promptformat.fill_prompt`), not ``str.format``: other
    braces stay as written, so shell escapes such as zsh's ``%F{red}`` need no doubling and no
    template fails.
    """
    from respond.core.promptformat import PROMPT_FIELDS, fill_prompt

    values = {"overdue": found.overdue, "today": found.today, "open": found.open}
    shown = [name for name in PROMPT_FIELDS if "{" + name + "}" in template]
    if not any(values[name] for name in shown):
        return ""
    return fill_prompt(template, **values)


# --- the command ----------------------------------------------------------------------------


def db_path(option: str | None) -> str:
    """As ``respond.storage.paths.resolve_db_path``, as text (no pathlib on the prompt's
    path)."""
    from respond.storage.paths import db_path_text

    return db_path_text(option)[0]


def parse_now(text: str | None) -> float:
    """``--now``: an ISO date-time cheaply, any other accepted form through respond.core.dates."""
    if text is None:
        return time.time()
    if len(text) > 10:  # has a time part: ISO is the common case (tests, demos)
        from datetime import datetime

        try:
            return datetime.fromisoformat(text).timestamp()  # naive = local time
        except ValueError:
            pass
    from respond.core.clock import SystemClock
    from respond.core.dates import parse_when
    from respond.core.settings import Settings

    clock = SystemClock()
    return parse_when(text, clock.now(), Settings().week, clock.tz).timestamp()


def run(db: str | None, now: str | None, template: str | None, shell: bool) -> str:
    """What ``respond prompt`` prints (without the final newline).

    ``shell=True`` is the form the shell snippets read: ``UNTIL STAMP STATE_PATH`` on the first
    line, then the counter; a snippet re-runs the command only once the Unix time reaches UNTIL
    or the state file's STAMP differs.
    """
    fmt = default_format() if template is None else template
    moment = parse_now(now)
    found = counts(db_path(db), moment)
    text = render(fmt, found)
    if shell:
        return f"{found.until} {found.stamp} {found.state}\n{text}"
    return text


def fast_args(argv: list[str]) -> tuple[str | None, str | None, str | None, bool] | None:
    """``(db, now, format, shell)`` when argv is exactly a prompt invocation, else ``None``.

    Accepts ``[--db PATH|--db=PATH] [--now WHEN|--now=WHEN] prompt [--format F|--format=F]
    [--shell]``; anything else (``--help``, a typo) goes to the full Typer CLI.
    """
    found: dict[str, str] = {}
    shell = False
    at = 0
    allowed: tuple[str, ...] = ("--db", "--now")
    while at < len(argv):
        arg = argv[at]
        if arg == "prompt" and allowed[0] == "--db":
            allowed = ("--format",)
            at += 1
            continue
        if arg == "--shell" and allowed[0] == "--format":
            shell = True
            at += 1
            continue
        name, eq, value = arg.partition("=")
        if name not in allowed:
            return None
        if not eq:
            if at + 1 >= len(argv):
                return None
            value = argv[at + 1]
            at += 1
        found[name] = value
        at += 1
    if allowed[0] != "--format":
        return None
    return found.get("--db"), found.get("--now"), found.get("--format"), shell


def fast_main(argv: list[str]) -> int | None:
    """Run ``respond prompt`` without Typer; ``None`` when argv is not a plain prompt call."""
    parsed = fast_args(argv)
    if parsed is None:
        return None
    db, now, template, shell = parsed
    try:
        text = run(db, now, template, shell)
    except (Exception, KeyboardInterrupt):
        # a prompt shows nothing rather than a traceback; --shell retries in a minute
        text = f"{int(time.time()) + 60} {NO_STAMP} \n" if shell else ""
    try:
        if text:
            sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError:
        pass
    return 0

"""``respond remind``: one run checks what falls due, sends it, records it, and exits.

What falls due and the wording are :mod:`respond.core.remind`'s; what was sent is
:mod:`respond.storage.remindlog`'s (its lock is held from reading the log to recording the
sends, so two runs at once send each reminder once). This module delivers, through apprise
(imported here only: no other command pays for it):

* ``[remind] urls``: each URL is a channel;
* none configured: a desktop notification where the platform has one (``dbus://`` or
  ``glib://`` on Linux with a session bus, ``macosx://``, ``windows://``), else the text on
  stdout, so that cron mails it.

Plain text only: apprise is told the body is text (``body_format=TEXT``: a channel that speaks
HTML gets it escaped) and never to interpret escapes; user text was made visible by the core
(:func:`respond.core.text.visible`). The freedesktop notification servers read ``<b>`` and
``&amp;`` in a body as markup, so a D-Bus body is escaped here.

A channel that fails gives one line on stderr, the run exits 1, and what it did not take stays
pending for it in the log: the next run sends it again (to that channel only).
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from respond.core import remind as rules
from respond.core.remind import Notice
from respond.core.text import visible

#: Desktop notifications that apprise sends, by platform (the first one apprise can load).
#: D-Bus is only tried when a session bus is there to take it.
DESKTOP: dict[str, tuple[str, ...]] = {"darwin": ("macosx://",), "win32": ("windows://",)}
LINUX_DESKTOP = ("dbus://", "glib://")
#: Schemes whose notification body the desktop reads as markup.
MARKUP_BODY = frozenset({"dbus", "glib", "kde", "qt", "gnome"})


class _Reasons(logging.Handler):
    """Keeps apprise's last warning (why a send failed), and keeps it off stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.last = record.getMessage()


@dataclass
class Channel:
    """Where notifications go: ``name`` is what the log records, ``shown`` what errors say."""

    name: str
    shown: str
    target: Any = None  # an apprise.Apprise with one URL; None: stdout
    markup: bool = False
    reasons: _Reasons = field(default_factory=_Reasons)

    def send(self, notice: Notice) -> str | None:
        """Deliver ``notice``; None, or why it failed (one line)."""
        if self.target is None:
            print(notice.text, flush=True)
            return None
        import apprise

        body = html.escape(notice.body, quote=False) if self.markup else notice.body
        self.reasons.last = ""
        ok = self.target.notify(
            body=body,
            title=notice.title,
            body_format=apprise.NotifyFormat.TEXT,
            interpret_escapes=False,
        )
        if ok:
            return None
        return visible(self.reasons.last or "the service did not take it")


def _apprise(url: str, reasons: _Reasons) -> Any:
    """An apprise object for ``url`` alone, or None when apprise can't use it."""
    import apprise

    log = logging.getLogger("apprise")
    log.addHandler(reasons)
    log.propagate = False
    log.setLevel(logging.WARNING)
    target = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
    return target if target.add(url) else None


def channels(urls: Sequence[str]) -> list[Channel]:
    """The configured channels; without any, the desktop's or stdout. A URL apprise can't
    use is a config error naming ``remind.urls`` (exit 2)."""
    from respond.storage.config import ConfigError, default_path

    found: list[Channel] = []
    for url in urls:
        reasons = _Reasons()
        target = _apprise(url, reasons)
        scheme = url.split("://", 1)[0].lower()
        if target is None:
            raise ConfigError(
                f"config {default_path()}: remind.urls has {scheme}://…, which apprise can't use"
                + (f" ({visible(reasons.last)})" if reasons.last else "")
            )
        name = "url " + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        shown = target[0].url(privacy=True).split("?", 1)[0]
        found.append(Channel(name, shown, target, scheme in MARKUP_BODY, reasons))
    if found:
        return found
    candidates = DESKTOP.get(sys.platform, ())
    if sys.platform.startswith("linux") and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        candidates = LINUX_DESKTOP
    for url in candidates:
        reasons = _Reasons()
        target = _apprise(url, reasons)
        if target is not None:
            return [Channel("desktop", url, target, url.split(":")[0] in MARKUP_BODY, reasons)]
    return [Channel("stdout", "stdout")]


def digest(state: Any) -> Notice:
    """The morning digest: ``respond today`` as plain text (its own drawing, piped)."""
    from respond.cli import render
    from respond.cli.output import Environment
    from respond.core.review import REVIEW_WINDOW, review

    env = state.env
    now = env.now()
    view = review(
        state.store.snapshot(active_since=now - REVIEW_WINDOW).items.values(),
        now,
        env.settings,
        env.clock.tz,
        week_start=env.settings.week_start,
    )
    out = StringIO()
    render.review(view, env, Environment(stdout=out, stdout_isatty=False, color=False))
    return Notice("respond today", out.getvalue().rstrip("\n"))


def run(state: Any, *, dry_run: bool = False) -> int:
    """One ``respond remind``: the exit code (0 sent or nothing to send, 1 a channel failed)."""
    from respond.storage import remindlog

    env = state.env
    settings, now, tz = env.settings, env.now(), env.clock.tz
    targets = channels(settings.remind_urls)
    for channel in targets if dry_run else ():
        channel.target = None  # what each channel would get, on stdout
    store = state.store
    if not store.path.is_file():
        return 0  # no database yet: nothing can fall due
    with remindlog.held(store.path) as log:
        items: list[Any] = []
        if not rules.quiet(now, settings, tz):
            items = rules.due_items(store.snapshot(open_only=True).items.values(), now, settings)
        wants_digest = rules.digest_due(now, settings, log.sent, tz)
        today = rules.digest_key(now, tz)
        failed: dict[str, set[str]] = {}  # a key -> the channels that did not take it
        tried: set[str] = set()
        for channel in targets:
            batch = [
                item for item in items if rules.wanted(rules.key(item), channel.name, log.sent)
            ]
            keys = [rules.key(item) for item in batch]
            notices = rules.notices(batch, now, tz)
            # each notice and the keys it carries: one each, or a summary carrying them all
            carried = [[k] for k in keys] if len(notices) == len(keys) else [keys]
            plan = list(zip(notices, carried, strict=True))
            if wants_digest and rules.wanted(today, channel.name, log.sent):
                plan.insert(0, (digest(state), [today]))
            why = None
            for notice, names in plan:
                tried.update(names)
                if why is None:
                    why = channel.send(notice)
                    if why is not None:
                        print(
                            f"respond: can't send reminders to {channel.shown}: {why}",
                            file=sys.stderr,
                        )
                if why is not None:
                    for name in names:
                        failed.setdefault(name, set()).add(channel.name)
        if not dry_run:
            for name in tried:
                log.record(name, now, failed.get(name, set()))
            log.save(now)
    return 1 if failed else 0


def scheduled_command(db_option: str | None) -> tuple[list[str], dict[str, str]]:
    """What a timer runs, and its environment: this very ``respond`` (an absolute path; as
    ``python -m respond`` when run so), with the database and config file in use now."""
    script = sys.argv[0]
    if os.path.basename(script) == "respond" and os.path.isfile(script):
        command = [os.path.abspath(script)]
    else:
        command = [sys.executable, "-m", "respond"]
    db = db_option or os.environ.get("RESPOND_DB")
    if db:
        command += ["--db", os.path.abspath(os.path.expanduser(db))]
    config = os.environ.get("RESPOND_CONFIG")
    env = {"RESPOND_CONFIG": os.path.abspath(os.path.expanduser(config))} if config else {}
    return [*command, "remind"], env

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

A channel that fails gives one line on stderr (its URL masked: :mod:`respond.core.redact`), the
run exits 1, and what it did not take stays pending for it in the log: the next run sends it
again, to the channels configured then (:func:`respond.core.remind.wanted`).

**One deadline.** A run ends by ``[remind] timeout`` (45 s) whatever the receivers do. Each
channel sends from its own thread; at the deadline the log is saved with what the threads did:
what they had not begun is *failed* (retried next run), the send that had begun and got no
answer (its HTTP request out, Python's ``http.client.send`` audit event) is *answer unknown*
(sent once more next run, see :func:`respond.core.remind.settle`).
A receiver that answers ``200`` and then trickles its body or headers holds its thread in a
read that apprise's timeout never ends (each byte restarts it): such threads are abandoned,
and the process ends at once through :func:`finish` once the log is saved and the lock freed.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import html
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

from respond.core import remind as rules
from respond.core.errors import ExitStatus
from respond.core.redact import mask_url, scrub
from respond.core.remind import Notice
from respond.core.text import visible

#: Desktop notifications that apprise sends, by platform (the first one apprise can load).
#: D-Bus is only tried when a session bus is there to take it.
DESKTOP: dict[str, tuple[str, ...]] = {"darwin": ("macosx://",), "win32": ("windows://",)}
LINUX_DESKTOP = ("dbus://", "glib://")
#: Schemes whose notification body the desktop reads as markup.
MARKUP_BODY = frozenset({"dbus", "glib", "kde", "qt", "gnome"})


#: The reasons collector of the channel whose send is under way in this context. apprise may
#: send from a worker thread of its own, but it runs it in a copy of the caller's context.
_SENDING: contextvars.ContextVar[_Reasons | None] = contextvars.ContextVar("sending", default=None)


class _Reasons(logging.Handler):
    """Keeps apprise's last warning (why a send failed) for its own channel's send only (see
    :data:`_SENDING`), and keeps it off stderr; notes whether the request went out and then
    timed out reading the answer."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last = ""
        self.read_timeout = False
        #: The send's HTTP request went out (:func:`_audit`): a missing answer may hide a
        #: delivered message.
        self.request_sent = False

    def emit(self, record: logging.LogRecord) -> None:
        if _SENDING.get() is not self:
            return  # another channel's send, or none
        message = record.getMessage()
        if "Read timed out" in message:
            self.read_timeout = True
        if record.levelno >= logging.WARNING:
            self.last = message


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Python's ``http.client.send`` audit event: the request of the channel whose send is
    under way (:data:`_SENDING`) went out."""
    if event == "http.client.send":
        reasons = _SENDING.get()
        if reasons is not None:
            reasons.request_sent = True


@dataclass
class Channel:
    """Where notifications go: ``name`` is what the log records, ``shown`` what messages say
    (masked), ``url`` the configured URL (its secrets are scrubbed from apprise's messages)."""

    name: str
    shown: str
    target: Any = None  # an apprise.Apprise with one URL; None: stdout
    markup: bool = False
    reasons: _Reasons = field(default_factory=_Reasons)
    url: str = ""
    #: The last send got no answer in time after the request went out (apprise's read timeout).
    unknown: bool = False

    def send(self, notice: Notice) -> str | None:
        """Deliver ``notice``; None, or why it failed (one line, secrets scrubbed)."""
        self.unknown = False
        if self.target is None:
            print(notice.text, flush=True)
            return None
        import apprise

        body = html.escape(notice.body, quote=False) if self.markup else notice.body
        self.reasons.last, self.reasons.read_timeout = "", False
        self.reasons.request_sent = False
        sending = _SENDING.set(self.reasons)
        try:
            ok = self.target.notify(
                body=body,
                title=notice.title,
                body_format=apprise.NotifyFormat.TEXT,
                interpret_escapes=False,
            )
        finally:
            _SENDING.reset(sending)
        if ok:
            return None
        self.unknown = self.reasons.read_timeout and self.reasons.request_sent
        if self.unknown:
            return "sent, but no answer came in time"
        return self.masked(self.reasons.last or "the service did not take it")

    def masked(self, text: str) -> str:
        return visible(scrub(text, [self.url] if self.url else []))


_audited = False


def _apprise(url: str, reasons: _Reasons) -> Any:
    """An apprise object for ``url`` alone, or None when apprise can't use it."""
    import apprise

    log = logging.getLogger("apprise")
    log.addHandler(reasons)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    global _audited
    if not _audited:
        sys.addaudithook(_audit)
        _audited = True
    # async_mode off: one URL, sent in order (apprise still waits on its own worker thread).
    # service_timeout off: apprise's own (60 s) would stop waiting and leave its worker thread
    # stuck in a trickled read, which the interpreter then waits for at exit; the run's
    # deadline is the only one (see finish).
    asset = apprise.AppriseAsset(storage_mode="memory", async_mode=False, service_timeout=0)
    target = apprise.Apprise(asset=asset)
    adding = _SENDING.set(reasons)  # why apprise refuses the URL, if it does
    try:
        return target if target.add(url) else None
    finally:
        _SENDING.reset(adding)


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
            why = f" ({visible(scrub(reasons.last, [url]))})" if reasons.last else ""
            raise ConfigError(
                f"config {default_path()}: remind.urls has {scheme}://…, which apprise can't use"
                + why
            )
        name = "url " + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        shown = visible(mask_url(url))
        found.append(Channel(name, shown, target, scheme in MARKUP_BODY, reasons, url))
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
        env.calendar,
    )
    out = StringIO()
    render.review(view, env, Environment(stdout=out, stdout_isatty=False, color=False))
    return Notice("respond today", out.getvalue().rstrip("\n"))


Plan = list[tuple[Notice, list[str]]]  # each notice and the log keys it carries


class Sender(threading.Thread):
    """Sends one channel's plan in order, from its own (daemon) thread: ``outcomes[i]`` is what
    became of ``plan[i]``; ``begun`` the index of the send under way. At the deadline the run
    calls :meth:`abandon`, and nothing the thread does after that is recorded."""

    def __init__(self, channel: Channel, plan: Plan) -> None:
        super().__init__(daemon=True, name=f"remind {channel.name}")
        self.channel, self.plan = channel, plan
        self.outcomes: dict[int, str] = {}
        self.why: str | None = None
        self.begun = -1
        self.lock = threading.Lock()
        self.abandoned = False

    def run(self) -> None:
        for i, (notice, _) in enumerate(self.plan):
            with self.lock:
                if self.abandoned:
                    return
                if self.why is not None:
                    self.outcomes[i] = "failed"  # the channel failed: the rest wait too
                    continue
                self.begun = i
            why = self.channel.send(notice)
            with self.lock:
                if self.abandoned:
                    return
                if why is None:
                    self.outcomes[i] = "sent"
                else:
                    self.outcomes[i] = "unknown" if self.channel.unknown else "failed"
                    self.why = self.why or why

    def abandon(self, timeout: float, io: Any) -> dict[int, str]:
        """Stop recording; what became of each notice (begun and unanswered: unknown, not
        begun: failed), and say why on stderr (``io``, the output environment)."""
        with self.lock:
            self.abandoned = True
            outcomes = dict(self.outcomes)
            late = [i for i in range(len(self.plan)) if i not in outcomes]
            for i in late:
                sent = i == self.begun and self.channel.reasons.request_sent
                outcomes[i] = "unknown" if sent else "failed"
            why = self.why
        if late:
            why = f"no answer within the run's {timeout:g} s (see [remind] timeout)"
        if why is not None:
            io.warn(f"can't send reminders to {self.channel.shown}: {why}", label="")
        return outcomes


#: The threads of this run that were still sending at its deadline.
_abandoned: list[threading.Thread] = []


def finish(code: ExitStatus) -> None:
    """End the process now with ``code`` if a send was abandoned at the deadline (its thread
    may be held for ever by a receiver that trickles), or a thread of apprise's pool is still
    at work (the interpreter would wait for it at exit); else return."""
    pool = (t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor"))
    if any(thread.is_alive() for thread in [*_abandoned, *pool]):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)


def _dry_run(targets: Sequence[Channel], plans: Sequence[Plan]) -> None:
    """What each channel would get, named (masked) unless it is stdout."""
    for channel, plan in zip(targets, plans, strict=True):
        for notice, _ in plan:
            if channel.target is None:
                print(notice.text)
            elif "\n" in notice.text:
                print(f"to {channel.shown}:\n{notice.text}")
            else:
                print(f"to {channel.shown}: {notice.text}")


def run(state: Any, *, dry_run: bool = False) -> ExitStatus:
    """One ``respond remind``: the exit code (0 sent or nothing to send, 1 a channel failed
    or the database does not exist)."""
    from respond.core.clock import to_utc_iso
    from respond.storage import remindlog

    env = state.env
    settings, now, tz = env.settings, env.now(), env.clock.tz
    deadline = time.monotonic() + settings.remind_timeout
    targets = channels(settings.remind_urls)
    store = state.store
    if not store.path.is_file():
        state.output.warn(
            f"no database at {visible(str(store.path))}: nothing to remind (is it the one you "
            "use? respond remind --install writes the one in use where you run it)",
            label="",
        )
        return ExitStatus.FAILED
    with remindlog.held(store.path, wait=max(deadline - time.monotonic(), 1)) as log:
        open_items = list(store.snapshot(open_only=True).items.values())
        live = {rules.key(i) for i in open_items if i.kind in rules.ORDER and i.due is not None}
        items: list[Any] = []
        if not rules.quiet(now, settings, tz):
            items = rules.due_items(open_items, now, settings)
        wants_digest = rules.digest_due(now, settings, log.sent, tz)
        today = rules.digest_key(now, tz)
        plans: list[Plan] = []
        for channel in targets:
            batch = [
                item for item in items if rules.wanted(rules.key(item), channel.name, log.sent)
            ]
            keys = [rules.key(item) for item in batch]
            notices = rules.notices(batch, now, tz)
            # each notice and the keys it carries: one each, or a summary carrying them all
            carried = [[k] for k in keys] if len(notices) == len(keys) else [keys]
            plan: Plan = list(zip(notices, carried, strict=True))
            if wants_digest and rules.wanted(today, channel.name, log.sent):
                plan.insert(0, (digest(state), [today]))
            plans.append(plan)
        if dry_run:
            _dry_run(targets, plans)
            return ExitStatus.OK
        senders = [Sender(c, p) for c, p in zip(targets, plans, strict=True) if p]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(max(deadline - time.monotonic(), 0))
        outcomes: dict[str, dict[str, str]] = {}  # a key -> each channel's outcome
        for sender in senders:
            for i, outcome in sender.abandon(settings.remind_timeout, state.output).items():
                for name in sender.plan[i][1]:
                    outcomes.setdefault(name, {})[sender.channel.name] = outcome
            if sender.is_alive():
                _abandoned.append(sender)
        at = to_utc_iso(now)
        for name, by_channel in outcomes.items():
            log.record(name, rules.settle(log.sent.get(name), by_channel, at))
        log.save(now, live)
    failed = any(o != "sent" for by_channel in outcomes.values() for o in by_channel.values())
    return ExitStatus.REMOTE_FAILED if failed else ExitStatus.OK


def _this_respond() -> list[str]:
    """This very ``respond``: an absolute path, or ``python -m respond`` when run so."""
    script = sys.argv[0]
    if os.path.basename(script) == "respond" and os.path.isfile(script):
        return [os.path.abspath(script)]
    return [sys.executable, "-m", "respond"]


def timer_commands(respond: list[str], mail: bool = False) -> list[list[str]]:
    """The commands a timer runs, in order, each ``respond`` (this one, with the database
    resolved) and its arguments: ``respond mail`` first when ``[mail]`` names folders (so that
    a reply read just now is not reminded of), then ``respond remind``. The unit, the launchd
    agent and the crontab line are all made from this list; a failed ``mail`` never stops the
    reminders."""
    return [*([[*respond, "mail"]] if mail else []), [*respond, "remind"]]


def scheduled_job(
    db_option: str | None, mail: bool = False
) -> tuple[list[list[str]], dict[str, str]]:
    """What a timer runs (:func:`timer_commands`) and its environment, so that it reads what
    you read now under a bare environment (cron's has no ``XDG_*``, ``RESPOND_*`` nor ``TZ``):
    the database path resolved now (``--db``, ``RESPOND_DB`` or the user data folder) as an
    absolute ``--db``; the config file resolved now as ``RESPOND_CONFIG``; and ``TZ`` when
    set, so that working hours and due times are judged and written in your zone."""
    from respond.storage.paths import config_path, resolve_db_path

    db, _ = resolve_db_path(db_option)
    respond = [*_this_respond(), "--db", os.path.abspath(os.path.expanduser(db))]
    env = {"RESPOND_CONFIG": os.path.abspath(config_path())}
    zone = os.environ.get("TZ")
    if zone:
        env["TZ"] = zone
    return timer_commands(respond, mail), env

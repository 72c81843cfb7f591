"""``respond remind``: real processes posting through real apprise to a ``json://`` URL served by
an HTTP server on 127.0.0.1 that each test starts (no other network). 2026-11-25 is a Wednesday;
working hours are the default 09:00-17:00, Monday to Friday."""

from __future__ import annotations

import json
import os
import plistlib
import shutil
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from respond.core import remind as rules
from respond.core.errors import RespondError
from respond.core.model import Item
from respond.core.settings import Settings
from respond.storage import schedule
from respond.storage.remindlog import log_path
from tests.support.processes import RESPOND, env_for
from tests.support.processes import respond as run_respond

DAY = "2026-11-25"
#: Planted in URLs' passwords, tokens and paths: no output of these tests may show it.
SECRET = "S3CRET"


#: Every stdout and stderr text of the respond processes this module's current test ran.
OUTPUTS: list[str] = []


def respond(db: Path | None, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """:func:`tests.support.processes.respond`, keeping what it printed for :func:`no_secret`."""
    out = run_respond(db, *args, **kwargs)
    OUTPUTS.extend((out.stdout, out.stderr))
    return out


@pytest.fixture(autouse=True)
def no_secret() -> Iterator[None]:
    """No line any respond process printed in a test shows a planted secret."""
    OUTPUTS.clear()
    yield
    leaks = [line for text in OUTPUTS for line in text.splitlines() if SECRET in line]
    assert leaks == []


class Inbox:
    """The notifications the test's server received; ``status`` is what it answers."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = 200
        self.delay = 0.0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"json://127.0.0.1:{self.server.server_address[1]}/"

    def take(self) -> list[dict[str, Any]]:
        with self.lock:
            taken, self.posts = self.posts, []
        return taken


def start_inbox() -> Inbox:
    """An :class:`Inbox` serving on 127.0.0.1 (``box.server.shutdown()`` ends it)."""
    box = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(box.delay)
            with box.lock:
                if box.status == 200:
                    box.posts.append(json.loads(body))
            self.send_response(box.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    box.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=box.server.serve_forever, daemon=True)
    thread.start()
    return box


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = start_inbox()
    yield box
    assert box.server is not None
    box.server.shutdown()
    box.server.server_close()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"


def write_config(config: Path, inbox: Inbox | None, extra: str = "") -> None:
    urls = f'urls = ["{inbox.url}"]\n' if inbox is not None else ""
    config.write_text(f"[remind]\n{urls}{extra}")


def remind(db: Path, at: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return respond(db, "remind", "--now", f"{DAY}T{at}" if "T" not in at else at, *args, **env)


def add(db: Path, at: str, *args: str) -> None:
    out = respond(db, "--now", f"{DAY}T{at}", *args)
    assert out.returncode == 0, out.stderr


def test_an_ask_due_soon_reaches_the_channel_once(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    """The issue's "Done when": an ask due in 2 minutes, remind 3 minutes later: one
    notification with the person, title and ID; a second run sends nothing."""
    write_config(config, inbox)
    add(db_path, "13:58", "add", "Q3 numbers", "--from", "Dana", "--via", "phone", "--by", "14:00")
    out = remind(db_path, "14:01")
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    [post] = inbox.take()
    assert post["title"] == "Call Dana back"
    assert post["message"] == "Q3 numbers, due 14:00 by phone, 1m late, #1"
    assert remind(db_path, "14:02").returncode == 0
    assert remind(db_path, "16:00").returncode == 0
    assert inbox.take() == []
    sidecar = log_path(db_path)
    assert stat.S_IMODE(sidecar.stat().st_mode) == 0o600


def test_within_the_lead_time_and_not_before(db_path: Path, config: Path, inbox: Inbox) -> None:
    write_config(config, inbox, 'before = "30m"\n')
    add(db_path, "10:00", "add", "budget", "--from", "Bob", "--by", "15:00")
    remind(db_path, "14:29")
    assert inbox.take() == []
    remind(db_path, "14:30")
    [post] = inbox.take()
    assert post["title"] == "Reply to Bob" and post["message"] == "budget, due 15:00 by email, #1"


def test_a_snoozed_item_is_reminded_again_at_its_new_time(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    write_config(config, inbox)
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    remind(db_path, "14:01")
    assert len(inbox.take()) == 1
    add(db_path, "14:02", "snooze", "1", "16:00")
    remind(db_path, "14:03")
    assert inbox.take() == []
    remind(db_path, "15:50")
    [post] = inbox.take()
    assert post["message"] == "Q3 numbers, due 16:00 by email, #1"
    remind(db_path, "16:30")
    assert inbox.take() == []


@pytest.mark.parametrize("failure", ["500", "closed port"])
def test_a_failing_channel_is_retried_next_run(
    db_path: Path, config: Path, inbox: Inbox, failure: str
) -> None:
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    if failure == "500":
        write_config(config, inbox)
        inbox.status = 500
    else:
        config.write_text('[remind]\nurls = ["json://127.0.0.1:9/"]\n')  # the discard port
    out = remind(db_path, "14:01")
    assert out.returncode == 1 and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert line.startswith("respond: can't send reminders to json://127.0.0.1:")
    inbox.status = 200
    write_config(config, inbox)  # for "closed port": the user corrects the URL
    assert remind(db_path, "14:06").returncode == 0
    [post] = inbox.take()
    assert post["title"] == "Reply to Dana"
    assert remind(db_path, "14:11").returncode == 0
    assert inbox.take() == []


def test_a_failed_reminder_reaches_the_channels_configured_now_once_each(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    """Issue 21: a channel fails, the user fixes its URL and adds another: both get the
    reminder at the next run, the one that had it already does not, and none twice."""
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    config.write_text(f'[remind]\nurls = ["{inbox.url}", "json://127.0.0.1:9/"]\n')
    assert remind(db_path, "14:01").returncode == 1
    assert len(inbox.take()) == 1
    second, third = start_inbox(), start_inbox()
    try:
        config.write_text(f'[remind]\nurls = ["{inbox.url}", "{second.url}", "{third.url}"]\n')
        out = remind(db_path, "14:06")
        assert (out.returncode, out.stderr) == (0, "")
        assert (len(inbox.take()), len(second.take()), len(third.take())) == (0, 1, 1)
        assert remind(db_path, "14:11").returncode == 0
        assert (len(inbox.take()), len(second.take()), len(third.take())) == (0, 0, 0)
    finally:
        for box in (second, third):
            assert box.server is not None
            box.server.shutdown()
            box.server.server_close()


def test_only_the_failed_channel_gets_it_again(db_path: Path, config: Path, inbox: Inbox) -> None:
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    closed = "json://127.0.0.1:9/"
    config.write_text(f'[remind]\nurls = ["{inbox.url}", "{closed}"]\n')
    assert remind(db_path, "14:01").returncode == 1
    assert len(inbox.take()) == 1
    assert remind(db_path, "14:06").returncode == 1  # still failing: retried, once more
    assert inbox.take() == []  # the channel that took it does not get it twice


def test_two_runs_at_once_send_once(db_path: Path, config: Path, inbox: Inbox) -> None:
    write_config(config, inbox)
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    inbox.delay = 0.5  # the first run is still sending when the second one starts
    argv = [RESPOND, "remind", "--now", f"{DAY}T14:01"]
    runs = [
        subprocess.Popen(argv, env=env_for(db_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for run in runs:
        assert run.wait(timeout=120) == 0
    assert len(inbox.take()) == 1


def test_quiet_outside_working_hours_unless_always(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    write_config(config, inbox)
    add(db_path, "16:00", "add", "Q3 numbers", "--from", "Dana", "--by", "18:00")
    remind(db_path, "18:05")
    assert inbox.take() == []
    remind(db_path, "2026-11-26T08:55")
    assert inbox.take() == []
    remind(db_path, "2026-11-26T09:00")  # the start of the next working period
    [post] = inbox.take()
    assert post["message"] == "Q3 numbers, due yesterday 18:00 by email, 15h late, #1"
    add(db_path, "16:00", "add", "weekend", "--from", "Bob", "--by", "2026-11-28 10:00")
    write_config(config, inbox, "always = true\n")
    remind(db_path, "2026-11-28T10:01")  # a Saturday
    [post] = inbox.take()
    assert post["title"] == "Reply to Bob"


def test_the_digest_once_each_working_day(db_path: Path, config: Path, inbox: Inbox) -> None:
    write_config(config, inbox, 'digest = "08:30"\n')
    add(db_path, "08:00", "add", "Q3 numbers", "--from", "Dana", "--by", "15:00")
    remind(db_path, "08:29")
    assert inbox.take() == []
    remind(db_path, "08:31")
    [post] = inbox.take()
    today = respond(db_path, "--now", f"{DAY}T08:31", "today")
    assert post["title"] == "respond today"
    assert post["message"] == today.stdout.rstrip("\n")  # the same counts and lines, plain
    assert "Q3 numbers" in post["message"] and "\x1b" not in post["message"]
    remind(db_path, "08:45")
    assert inbox.take() == []
    remind(db_path, "2026-11-26T11:00")  # the next day: later than 08:30, still sent
    assert [p["title"] for p in inbox.take()] == ["respond today", "Reply to Dana"]
    remind(db_path, "2026-11-28T08:31")  # Saturday: no digest
    assert inbox.take() == []


def test_user_text_is_sent_as_plain_text(db_path: Path, config: Path, inbox: Inbox) -> None:
    write_config(config, inbox)
    title = "[red]<b>*Q3*</b> \x1b[31m\\n &amp;"
    add(db_path, "13:00", "add", title, "--from", "<i>Dana</i>", "--by", "14:00")
    remind(db_path, "14:00")
    [post] = inbox.take()
    assert post["title"] == "Reply to <i>Dana</i>"
    assert post["message"].startswith("[red]<b>*Q3*</b> \\x1b[31m\\n &amp;, due 14:00")


def test_without_a_channel_the_text_goes_to_stdout(db_path: Path, config: Path) -> None:
    write_config(config, None)
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--via", "phone", "--by", "14:00")
    add(db_path, "13:00", "add", "budget", "--from", "Bob", "--by", "13:00")
    env = {"DBUS_SESSION_BUS_ADDRESS": ""}
    out = remind(db_path, "14:00", **env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "Reply to Bob: budget, due 13:00 by email, 1h late, #2",
        "Call Dana back: Q3 numbers, due 14:00 by phone, #1",
    ]
    assert remind(db_path, "14:05", **env).stdout == ""


def test_dry_run_names_each_channel_and_sends_and_records_nothing(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    secret = f"json://me:{SECRET}pw@127.0.0.1:9/{SECRET}path"
    config.write_text(f'[remind]\nurls = ["{inbox.url}", "{secret}"]\n')
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    out = remind(db_path, "14:01", "--dry-run")
    text = "Reply to Dana: Q3 numbers, due 14:00 by email, 1m late, #1"
    assert out.stdout.splitlines() == [
        f"to {inbox.url}: {text}",
        f"to json://…@127.0.0.1:9/…: {text}",
    ]
    assert inbox.take() == [] and not log_path(db_path).exists()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('urls = "ntfy://x"\n', "remind.urls"),
        ('urls = ["not a url"]\n', "remind.urls"),
        ('urls = ["nosuchservice://x"]\n', "remind.urls"),
        ('before = "soon"\n', "remind.before"),
        ('before = "25h"\n', "remind.before"),
        ('digest = "25:00"\n', "remind.digest"),
        ('always = "yes"\n', "remind.always"),
        ("timeout = 0\n", "remind.timeout"),
        ('timeout = "45s"\n', "remind.timeout"),
        ("timeout = true\n", "remind.timeout"),
        ("volume = 11\n", "remind.volume"),
    ],
)
def test_a_bad_remind_setting_names_its_key(
    db_path: Path, config: Path, text: str, key: str
) -> None:
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    config.write_text("[remind]\n" + text)
    out = remind(db_path, "14:01")
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert f"{config}: {key} " in line
    assert not log_path(db_path).exists()


# -- the rules (in-process) -------------------------------------------------------------------

NOON = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 12:00 in Berlin


def _item(n: int, kind: str, due: datetime, person: str = "Dana", channel: str = "email") -> Item:
    return Item(n, f"u{n}", kind, person, f"topic {n}", channel, NOON - timedelta(days=1), due)


def test_asks_then_promises_follow_ups_chases_and_a_summary_past_three() -> None:
    items = [
        _item(1, "waiting", NOON),
        _item(2, "followup", NOON),
        _item(3, "promise", NOON),
        _item(4, "ask", NOON + timedelta(minutes=10), channel="phone"),
        _item(5, "ask", NOON - timedelta(hours=1)),
        _item(6, "ask", NOON + timedelta(hours=2)),  # not yet
        _item(7, "thanks", NOON),  # never reminded
    ]
    due = rules.due_items(items, NOON, Settings())
    assert [item.id for item in due] == [5, 4, 3, 2, 1]
    assert [n.text for n in rules.notices(due[:3], NOON)] == [
        "Reply to Dana: topic 5, due 11:00 by email, 1h late, #5",
        "Call Dana back: topic 4, due 12:10 by phone, #4",
        "Promised Dana: topic 3, due 12:00 by email, #3",
    ]
    [summary] = rules.notices(due, NOON)
    assert summary.title == "respond: 5 reminders"
    assert summary.body.splitlines()[-1] == "Chase Dana: topic 1, due 12:00 by email, #1"


# -- install ----------------------------------------------------------------------------------


def _fake_systemctl(folder: Path, marker: Path) -> None:
    """A ``systemctl`` that only leaves a mark: --install must never run it."""
    folder.mkdir()
    tool = folder / "systemctl"
    tool.write_text(f"#!/bin/sh\ntouch {marker}\n")
    tool.chmod(0o755)


def test_install_writes_a_valid_timer_and_uninstall_removes_it(tmp_path: Path) -> None:
    home, marker = tmp_path / "home", tmp_path / "ran"
    home.mkdir()
    _fake_systemctl(tmp_path / "bin", marker)
    db = tmp_path / "my data" / "db.json"
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"}
    out = respond(None, "--db", str(db), "remind", "--install", home=home, **env)
    assert out.returncode == 0, out.stderr
    units = home / ".config" / "systemd" / "user"
    service, timer = units / "respond-remind.service", units / "respond-remind.timer"
    assert out.stdout.splitlines() == [
        f"wrote {service}",
        f"wrote {timer}",
        "to turn it on, run: systemctl --user daemon-reload && "
        "systemctl --user enable --now respond-remind.timer",
    ]
    assert f'ExecStart={RESPOND} --db "{db}" remind\n' in service.read_text()
    assert "Environment=TZ=Europe/Berlin\n" in service.read_text()
    assert f"Environment=RESPOND_CONFIG={os.environ['RESPOND_CONFIG']}\n" in service.read_text()
    assert "OnCalendar=*:0/5" in timer.read_text()
    again = respond(None, "--db", str(db), "remind", "--install", home=home, **env)
    assert again.stdout.splitlines()[:2] == [f"unchanged {service}", f"unchanged {timer}"]
    assert not marker.exists()
    analyze = shutil.which("systemd-analyze")
    if analyze is not None:
        check = subprocess.run(
            [analyze, "verify", str(service), str(timer)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
    gone = respond(None, "--db", str(db), "remind", "--uninstall", home=home, **env)
    assert gone.stdout.splitlines()[:2] == [f"removed {service}", f"removed {timer}"]
    assert not service.exists() and not timer.exists()
    twice = respond(None, "--db", str(db), "remind", "--uninstall", home=home, **env)
    assert twice.stdout.splitlines()[:2] == [f"absent {service}", f"absent {timer}"]
    assert not marker.exists()


def test_install_honours_xdg_config_home(tmp_path: Path) -> None:
    _fake_systemctl(tmp_path / "bin", tmp_path / "ran")
    xdg = tmp_path / "xdg"
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "XDG_CONFIG_HOME": str(xdg)}
    out = respond(None, "remind", "--install", home=tmp_path, **env)
    assert out.returncode == 0, out.stderr
    assert (xdg / "systemd" / "user" / "respond-remind.timer").is_file()


def test_without_systemd_the_crontab_line_is_printed(tmp_path: Path, db_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = respond(db_path, "remind", "--install", home=tmp_path, PATH=str(empty))
    assert out.returncode == 0, out.stderr
    first, line = out.stdout.splitlines()
    assert first == "add this line to your crontab (crontab -e):"
    config = os.environ["RESPOND_CONFIG"]
    assert line == (
        f"*/5 * * * * RESPOND_CONFIG={config} TZ=Europe/Berlin {RESPOND} --db {db_path} remind"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["empty"]  # nothing written


def test_with_mail_folders_the_timer_reads_mail_before_it_reminds(
    tmp_path: Path, db_path: Path
) -> None:
    """[mail] set: the crontab line runs ``respond mail`` first, and a failed scan never stops
    the reminders (``;``, not ``&&``)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    config = Path(os.environ["RESPOND_CONFIG"])
    config.write_text('[mail]\nfolders = ["~/Mail/INBOX"]\n')
    out = respond(db_path, "remind", "--install", home=tmp_path, PATH=str(empty))
    assert out.returncode == 0, out.stderr
    line = out.stdout.splitlines()[1]
    env = f"RESPOND_CONFIG={config} TZ=Europe/Berlin"
    assert line == (
        f"*/5 * * * * {env} {RESPOND} --db {db_path} mail; {env} {RESPOND} --db {db_path} remind"
    )


def test_the_launchd_agent_runs_remind_every_five_minutes() -> None:
    agent = plistlib.loads(schedule.agent_plist([["/opt/respond", "remind"]], {}).encode())
    assert agent == {
        "Label": "respond.remind",
        "ProgramArguments": ["/opt/respond", "remind"],
        "StartInterval": 300,
        "RunAtLoad": True,
    }


class _Desktop:
    """Stands in for apprise's D-Bus sender (there is no session bus here): keeps what it got."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def notify(self, **kwargs: Any) -> bool:
        self.sent.append(kwargs)
        return True


def test_a_desktop_body_is_escaped_for_the_notification_servers_markup() -> None:
    from respond.cli.notify import Channel
    from respond.core.remind import Notice

    desktop = _Desktop()
    channel = Channel("desktop", "dbus://", desktop, markup=True)
    assert channel.send(Notice("Reply to <i>Dana</i>", "<b>Q3</b> & more, #1")) is None
    [sent] = desktop.sent
    assert sent["title"] == "Reply to <i>Dana</i>"  # a summary is never markup
    assert sent["body"] == "&lt;b&gt;Q3&lt;/b&gt; &amp; more, #1"
    assert sent["body_format"] == "text" and sent["interpret_escapes"] is False


def test_a_damaged_reminder_log_is_refused_not_overwritten(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    write_config(config, inbox)
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    for damage in ("{not json", "[" * 100_000):  # nested past the parser's depth too
        log_path(db_path).write_text(damage)
        out = remind(db_path, "14:01")
        assert out.returncode == 2 and inbox.take() == []
        assert out.stderr == (
            f"respond: reminder log {log_path(db_path)} is damaged; remove it to start afresh "
            "(reminders already sent will be sent again)\n"
        )
        assert log_path(db_path).read_text() == damage


# -- deadlines: receivers that trickle (real sockets on 127.0.0.1) ----------------------------


class Trickler:
    """An HTTP receiver on 127.0.0.1 that takes each POST whole, then answers ``200`` and
    trickles the rest of its answer (a chunked body, or headers) one byte a moment, until the
    test ends: apprise's read timeout never fires. ``copies`` counts the POSTs received."""

    def __init__(self, how: str) -> None:
        import socket

        self.how = how
        self.copies = 0
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: Any) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )  # fmt: skip
            while len(body) < length:
                body += conn.recv(65536)
            self.copies += 1
            if self.how == "body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                step = b"1\r\nx\r\n"
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                step = b"X-Slow: y\r\n"
            try:
                while not self.stop.wait(0.2):
                    conn.sendall(step)
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture(params=["body", "headers"])
def trickler(request: pytest.FixtureRequest) -> Iterator[Trickler]:
    receiver = Trickler(request.param)
    yield receiver
    receiver.close()


#: The deadline of a run that meets a trickling receiver: room for a busy machine to start
#: Python, import apprise and begin the send before it (the hang guard is far past it). Each
#: second more costs the suite 8 s of waiting (8 runs wait for it).
SLOW = 6


def _record(db: Path, digest: bool = False) -> dict[str, Any]:
    """The log's one record of an item's reminder (or of a digest)."""
    sent = json.loads(log_path(db).read_text())["sent"]
    [entry] = [v for k, v in sent.items() if k.startswith("digest ") == digest]
    return dict(entry)


@pytest.mark.slow
def test_a_trickling_receiver_ends_the_run_by_its_deadline_and_gets_it_at_most_twice(
    db_path: Path, config: Path, trickler: Trickler
) -> None:
    """Issue 19's "Done when": a receiver that answers 200 and then trickles its body (or its
    headers) for ever. The run ends at its deadline (the subprocess guard is far past it), and
    the log says "answer unknown": the next run sends it once more, and no run after that."""
    config.write_text(f'[remind]\ntimeout = {SLOW}\nurls = ["{trickler.url}"]\n')
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    out = remind(db_path, "14:01")
    assert out.returncode == 1, out.stderr
    assert out.stderr == (
        f"respond: can't send reminders to {trickler.url}: no answer within the run's {SLOW} s "
        "(see [remind] timeout)\n"
    )
    assert trickler.copies == 1
    entry = _record(db_path)
    assert entry["pending"] == [] and len(entry["unknown"]) == 1 and "delivered" not in entry
    assert remind(db_path, "14:06").returncode == 1  # sent again once, still no answer
    assert trickler.copies == 2
    entry = _record(db_path)
    assert "unknown" not in entry and len(entry["delivered"]) == 1
    for at in ("14:11", "14:16"):
        assert remind(db_path, at).returncode == 0
    assert trickler.copies == 2


@pytest.mark.slow
def test_a_receiver_slower_than_the_read_timeout_is_sent_it_again_once(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    """apprise's own read timeout (``rto=1``) fires before the receiver answers: the request
    went out, so it is "answer unknown", not a failure to send again each run."""
    config.write_text(f'[remind]\nurls = ["{inbox.url}?rto=1"]\n')
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    inbox.delay = 3
    for at in ("14:01", "14:06"):
        out = remind(db_path, at)
        assert out.returncode == 1
        assert out.stderr.endswith(": sent, but no answer came in time\n")
    for at in ("14:11", "14:16"):
        assert remind(db_path, at).returncode == 0
    time.sleep(inbox.delay + 1)  # the receiver's handlers finish (they count what they got)
    assert len(inbox.take()) == 2


@pytest.mark.slow
def test_at_the_deadline_what_was_not_begun_is_retried_next_run(
    db_path: Path, config: Path
) -> None:
    """The digest trickles until the deadline; the item's reminder behind it on that channel
    was never begun: failed, retried next run (with the digest's one resend)."""
    trickler = Trickler("body")
    try:
        config.write_text(
            f'[remind]\ntimeout = {SLOW}\ndigest = "08:30"\nurls = ["{trickler.url}"]\n'
        )
        add(db_path, "08:00", "add", "Q3 numbers", "--from", "Dana", "--by", "09:00")
        assert remind(db_path, "09:01").returncode == 1
        assert trickler.copies == 1
        assert _record(db_path, digest=True)["unknown"] and _record(db_path)["pending"]
        assert remind(db_path, "09:06").returncode == 1
        assert trickler.copies == 2  # the digest's resend: it trickles again; the item waits
        assert remind(db_path, "09:11").returncode == 1
        assert trickler.copies == 3  # the item's reminder, at last begun
        assert remind(db_path, "09:16").returncode == 1
        assert trickler.copies == 4  # and its one resend
        assert remind(db_path, "09:21").returncode == 0
        assert trickler.copies == 4
    finally:
        trickler.close()


def test_apprise_s_own_message_about_a_bad_url_is_masked(db_path: Path, config: Path) -> None:
    """Issue 21: `tgram://…, which apprise can't use (Unparseable Telegram URL
    tgram://S3CRETbottoken/123)` showed the token that respond had just masked."""
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    config.write_text(f'[remind]\nurls = ["tgram://{SECRET}bottoken/123"]\n')
    out = remind(db_path, "14:01")
    assert out.returncode == 2
    [line] = out.stderr.splitlines()
    assert "remind.urls has tgram://…, which apprise can't use (" in line
    assert "tgram://…/…" in line  # apprise's text, with the URL masked


def test_a_failing_channel_s_message_masks_its_credentials(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    closed = f"json://me:{SECRET}pw@127.0.0.1:9/{SECRET}path?token={SECRET}q"
    config.write_text(f'[remind]\nurls = ["{closed}"]\n')
    out = remind(db_path, "14:01")
    assert out.returncode == 1
    [line] = out.stderr.splitlines()
    assert line.startswith("respond: can't send reminders to json://…@127.0.0.1:9/…?token=…: ")


# -- the timer runs what you run ---------------------------------------------------------------


def _as_cron_runs(line: str) -> str:
    """The command of a crontab line as cron hands it to ``sh -c``: after the five time fields,
    ``\\%`` becomes ``%`` (and an unescaped ``%`` would end the command: there is none)."""
    command = line.split(" ", 5)[5]
    assert "%" not in command.replace("\\%", "")
    return command.replace("\\%", "%")


def test_the_crontab_line_runs_under_cron_s_bare_environment(tmp_path: Path, inbox: Inbox) -> None:
    """Issue 21: with RESPOND_DB unset and XDG_DATA_HOME, XDG_CONFIG_HOME and TZ set where
    `--install` runs, the printed crontab line, run as cron runs it (`env -i`, a bare PATH),
    reads the same database and config and writes the due time in the user's zone."""
    from zoneinfo import ZoneInfo

    home = tmp_path / "home"
    home.mkdir()
    data, conf = tmp_path / "data 100% mine", tmp_path / "it's conf %d $HOME"
    (conf / "respond").mkdir(parents=True)
    (conf / "respond" / "config.toml").write_text(
        f'[remind]\nurls = ["{inbox.url}"]\nalways = true\n'
    )
    zone = "America/New_York"
    env = {"XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(conf), "TZ": zone}
    now = datetime.now(ZoneInfo(zone)).replace(second=0, microsecond=0, tzinfo=None)
    due = now - timedelta(hours=1)
    added = run_respond(
        None, "--now", f"{due - timedelta(hours=1):%Y-%m-%dT%H:%M}", "add", "Q3 numbers",
        "--from", "Dana", "--by", f"{due:%Y-%m-%d %H:%M}", home=home, RESPOND_CONFIG="", **env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (data / "respond" / "respond.json").is_file()
    empty = tmp_path / "empty"  # no systemctl on the PATH: the crontab line is printed
    empty.mkdir()
    out = run_respond(
        None, "remind", "--install", home=home, RESPOND_CONFIG="", PATH=str(empty), **env
    )
    assert out.returncode == 0, out.stderr
    line = out.stdout.splitlines()[1]
    ran = subprocess.run(
        ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", "sh", "-c", _as_cron_runs(line)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (ran.returncode, ran.stderr, ran.stdout) == (0, "", "")
    [post] = inbox.take()
    assert post["title"] == "Reply to Dana"
    assert f"{due:%H:%M} by email" in post["message"]  # New York's time (cron's zone is not)


def test_a_run_without_its_database_says_so_and_fails(tmp_path: Path, config: Path) -> None:
    missing = tmp_path / "nowhere" / "respond.json"
    write_config(config, None)
    out = remind(missing, "14:01")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith(f"respond: no database at {missing}: nothing to remind")
    assert not missing.parent.exists()


def test_a_line_break_in_a_path_is_refused_not_scheduled() -> None:
    with pytest.raises(RespondError, match="line break"):
        schedule.cron_line([["/opt/re\nspond", "remind"]], {})


# -- the log: kept by due time, capped, never a hint to chmod a device -------------------------


def test_an_open_item_s_record_is_kept_however_the_clock_moves(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    """Issue 19: the log forgot a record 60 days after its send, so with the clock moved back
    the item was reminded again. A record now lives as long as its item is open with that due
    time; a closed item's goes at the next write."""
    config.write_text(f'[remind]\nurls = ["{inbox.url}"]\nalways = true\n')
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    add(db_path, "13:00", "add", "budget", "--from", "Bob", "--by", "2027-03-01 10:00")
    remind(db_path, "14:01")
    assert len(inbox.take()) == 1
    remind(db_path, "2027-03-01T10:01")  # 96 days on: Bob's reminder is written
    assert [p["title"] for p in inbox.take()] == ["Reply to Bob"]
    remind(db_path, "14:30")  # the clock back in November
    assert inbox.take() == []
    add(db_path, "14:31", "done", "1")
    add(db_path, "14:31", "add", "call", "--from", "Eve", "--by", "14:40")
    remind(db_path, "14:41")
    [post] = inbox.take()
    assert post["title"] == "Reply to Eve"
    assert len(json.loads(log_path(db_path).read_text())["sent"]) == 2  # Bob's and Eve's


def test_a_huge_reminder_log_is_refused_as_damaged_without_reading_it(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    """Issue 19: a 75 MB `.reminded` took 39 s and 1.18 GB. More than MAX_BYTES is more than
    any log of live reminders: refused before it is parsed, and left as it is."""
    from respond.storage.remindlog import MAX_BYTES

    write_config(config, inbox)
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    entry = '"x%07d 2026": {"at": "2026-11-25T13:01:00Z", "pending": []},\n'
    lines = (entry % i for i in range(MAX_BYTES // len(entry % 0) + 10))
    log_path(db_path).write_text('{"respond-reminded": 1, "sent": {\n' + "".join(lines))
    size = log_path(db_path).stat().st_size
    out = remind(db_path, "14:01")
    assert out.returncode == 2 and inbox.take() == []
    assert out.stderr.startswith(
        f"respond: reminder log {log_path(db_path)} is damaged: over 16 MB"
    )
    assert "remove it to start afresh" in out.stderr
    assert log_path(db_path).stat().st_size == size


def test_a_reminder_log_that_is_a_device_gets_no_chmod_hint(
    db_path: Path, config: Path, inbox: Inbox
) -> None:
    """Issue 19: with `.reminded` a link to /dev/zero the hint said "chmod 600 …reminded",
    which as root would chmod the device."""
    write_config(config, inbox)
    add(db_path, "13:00", "add", "Q3 numbers", "--from", "Dana", "--by", "14:00")
    log_path(db_path).symlink_to("/dev/zero")
    before = os.stat("/dev/zero")
    out = remind(db_path, "14:01")
    assert out.returncode == 2 and inbox.take() == []
    [line] = out.stderr.splitlines()
    assert "chmod" not in line and "chown" not in line
    assert "is not a regular file (it is a device)" in line
    assert os.stat("/dev/zero").st_mode == before.st_mode


def test_settle_sends_an_unknown_answer_again_once_and_forgets_removed_channels() -> None:
    settle, at = rules.settle, "2026-11-25T13:01:00Z"
    first = settle(None, {"a": "sent", "b": "failed", "c": "unknown"}, at)
    assert (first.delivered, first.pending, first.unknown) == ({"a"}, {"b"}, {"c"})
    sent = {"k": first}
    assert [rules.wanted("k", c, sent) for c in "abcd"] == [False, True, True, True]
    second = settle(first, {"c": "unknown", "d": "sent"}, at)  # b removed from the config
    assert (second.pending, second.unknown, second.delivered) == (set(), set(), {"a", "c", "d"})
    assert second.complete and not rules.wanted("k", "e", {"k": second})
    again = settle(settle(first, {"c": "failed"}, at), {"c": "unknown"}, at)
    assert again.complete  # a resend that failed, then unknown: never a third copy


def test_every_scheduler_runs_the_commands_in_order_with_their_environment() -> None:
    """The timer's commands come from one list (notify.timer_commands): a second command (as
    `respond mail` may be) runs before remind in the unit, the agent and the crontab line."""
    commands = [["/opt/my respond", "mail"], ["/opt/my respond", "remind"]]
    env = {"RESPOND_CONFIG": "/c/100% conf.toml", "TZ": "America/New_York"}
    service = schedule.unit_files(commands, env)["respond-remind.service"]
    assert service.endswith(
        'Environment="RESPOND_CONFIG=/c/100%% conf.toml"\n'
        "Environment=TZ=America/New_York\n"
        'ExecStart=-"/opt/my respond" mail\n'
        'ExecStart="/opt/my respond" remind\n'
    )
    agent = plistlib.loads(schedule.agent_plist(commands, env).encode())
    assert agent["ProgramArguments"] == [
        "/bin/sh", "-c", "'/opt/my respond' mail; '/opt/my respond' remind"
    ]  # fmt: skip
    assert agent["EnvironmentVariables"] == env
    words = "RESPOND_CONFIG='/c/100\\% conf.toml' TZ=America/New_York '/opt/my respond'"
    assert schedule.cron_line(commands, env) == (f"*/5 * * * * {words} mail; {words} remind")

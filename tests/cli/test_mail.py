"""Loops that close themselves (issue 24): `add --mail` files an ask from a message, `wait
--mail` and `promise --mail` file what you sent, and `respond mail` reads real maildir and mbox
folders (written with `mailbox`): your reply acknowledges an ask at the reply's time, a reply
to you answers a wait, a flagged message becomes an ask, and a second scan changes nothing.
Messages are built with the standard `email` package."""

from __future__ import annotations

import contextlib
import json
import mailbox
import os
import shutil
import stat
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.support.cli import NOW, Result, Run, invoke

BERLIN = ZoneInfo("Europe/Berlin")


def message(
    subject: str | None = "Q3 numbers",
    sender: str | None = "Dana Whitfield <dana@example.com>",
    to: str = "Me <me@example.org>",
    date: datetime | None = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN),
    message_id: str | None = "<ask1@example.com>",
    replies_to: str | None = None,
    body: str = "Could you send the Q3 numbers?\n",
    html: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    if sender is not None:
        msg["From"] = sender
    msg["To"] = to
    if subject is not None:
        msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date)
    if message_id is not None:
        msg["Message-ID"] = message_id
    if replies_to is not None:
        msg["In-Reply-To"] = replies_to
        msg["References"] = replies_to
    if html is not None and not body:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    return msg


def pipe(data: bytes, *args: str, now: str = NOW) -> Result:
    """``respond ARGS`` in-process with ``data`` on stdin."""
    return invoke(*args, now=now, input=data)


def items(run: Run) -> list[dict[str, Any]]:
    result = run("list", "--all", "--json")
    assert result.exit_code == 0, result
    return sorted(json.loads(result.stdout), key=lambda item: item["id"])


# --- add --mail ------------------------------------------------------------------------------


def test_an_encoded_message_files_an_ask_under_the_right_person_title_and_time(
    run: Run, db_path: Path
) -> None:
    msg = message(
        subject="Re: AW: Q3-Zahlen prüfen",
        sender="Renée Müller <Renee@Example.COM>",
        body="Grüße\n",
    )
    raw = msg.as_bytes()
    assert b"=?utf-8?" in raw  # the name and the subject travel RFC 2047 encoded
    result = pipe(raw, "add", "--mail")
    assert result.exit_code == 0, result
    assert "Added #1: Q3-Zahlen prüfen for Renée Müller <renee@example.com>" in result.stdout
    (item,) = items(run)
    assert item["person"] == "Renée Müller" and item["title"] == "Q3-Zahlen prüfen"
    assert item["channel"] == "email" and item["kind"] == "ask"
    assert item["created"] == "2026-11-23T08:00:00+00:00"  # the Date (09:00 Berlin)
    assert item["due"] == "2026-11-24T16:00:00+00:00"  # the email SLA (1bd) from then
    assert item["addresses"] == ["renee@example.com"]
    assert item["message_id"] == "<ask1@example.com>"
    before = db_path.read_bytes()
    again = pipe(raw, "add", "--mail")
    assert again.exit_code == 0 and again.stdout.strip() == "already filed as #1"
    assert db_path.read_bytes() == before


def test_a_file_and_dash_work_like_stdin(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(message().as_bytes())
    assert run("add", "--mail", str(path)).exit_code == 0
    other = message(message_id="<two@example.com>", subject="Budget").as_bytes()
    assert pipe(other, "add", "--mail", "-").exit_code == 0
    assert [i["title"] for i in items(run)] == ["Q3 numbers", "Budget"]


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("Re: Fwd: Budget", "Budget"),
        ("RE: AW: SV: WG: Fw: Budget", "Budget"),
        ("re[2]: Re : Budget", "Budget"),
        ("Regarding: the budget", "Regarding: the budget"),
        ("Re:   Budget   for  Q3", "Budget for Q3"),
    ],
)
def test_reply_and_forward_prefixes_are_stripped(run: Run, subject: str, title: str) -> None:
    assert pipe(message(subject=subject).as_bytes(), "add", "--mail").exit_code == 0
    assert items(run)[0]["title"] == title


def test_no_subject_takes_the_first_line_of_the_plain_text(run: Run) -> None:
    msg = message(subject=None, body="\n\n  Can you review the deck?\nThanks\n", html="<p>HTML</p>")
    assert msg.is_multipart()
    assert pipe(msg.as_bytes(), "add", "--mail").exit_code == 0
    assert items(run)[0]["title"] == "Can you review the deck?"


@pytest.mark.parametrize("subject", ["Re:", "Fwd: ", "AW: Re:"])
def test_a_subject_that_is_only_prefixes_takes_the_first_line(run: Run, subject: str) -> None:
    # it was refused ("no subject and no text to name it by"): the text was read only when the
    # Subject header was empty, not when nothing was left of it once its prefixes were gone
    msg = message(subject=subject, body="Can you review the deck?\n")
    result = pipe(msg.as_bytes(), "add", "--mail")
    assert result.exit_code == 0, result
    assert items(run)[0]["title"] == "Can you review the deck?"


def test_an_html_only_message_is_reduced_to_text(run: Run) -> None:
    html = "<html><head><style>p{}</style></head><body><p>Call me <b>back</b> &amp; soon</p></body>"
    msg = message(subject="", body="", html=html)
    assert pipe(msg.as_bytes(), "add", "--mail").exit_code == 0
    assert items(run)[0]["title"] == "Call me back & soon"


@pytest.mark.parametrize("date", ["missing", "future", "garbage"])
def test_a_missing_unreadable_or_future_date_means_now(run: Run, date: str) -> None:
    msg = message(date=None if date != "future" else datetime(2027, 1, 1, tzinfo=BERLIN))
    if date == "garbage":
        msg["Date"] = "the day after tomorrow"
    assert pipe(msg.as_bytes(), "add", "--mail").exit_code == 0
    assert items(run)[0]["created"] == "2026-11-25T09:00:00+00:00"  # NOW, 10:00 Berlin


def test_by_overrides_the_sla(run: Run) -> None:
    result = pipe(message().as_bytes(), "add", "--mail", "--by", "2026-11-27 12:00")
    assert result.exit_code == 0, result
    assert items(run)[0]["due"] == "2026-11-27T11:00:00+00:00"


def test_a_known_address_finds_its_person_whatever_the_name_says(run: Run) -> None:
    assert pipe(message().as_bytes(), "add", "--mail").exit_code == 0
    other = message(sender='"DW (mobile)" <DANA@example.com>', message_id="<2@x>", subject="B")
    result = pipe(other.as_bytes(), "add", "--mail")
    assert result.exit_code == 0, result
    assert [i["person"] for i in items(run)] == ["Dana Whitfield", "Dana Whitfield"]


def test_people_email_adds_an_address_that_then_finds_the_person(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana Whitfield")
    result = run("people", "email", "dana", "D.Whitfield@Example.com")
    assert result.exit_code == 0 and "d.whitfield@example.com" in result.stdout, result
    again = run("people", "email", "dana", "d.whitfield@example.com")
    assert again.exit_code == 0 and "already has" in again.stdout
    assert run("people", "email", "dana", "not an address").exit_code == 2
    msg = message(sender="Someone Else <d.whitfield@example.com>")
    assert pipe(msg.as_bytes(), "add", "--mail").exit_code == 0
    assert items(run)[-1]["person"] == "Dana Whitfield"
    listed = run("people", "--addresses")
    assert listed.stdout == "Dana Whitfield\td.whitfield@example.com\n"
    as_json = json.loads(run("people", "--addresses", "--json").stdout)
    assert as_json == {"Dana Whitfield": ["d.whitfield@example.com"]}
    who = run("who", "dana")
    assert "d.whitfield@example.com" in who.stdout
    assert json.loads(run("who", "dana", "--json").stdout)["addresses"] == [
        "d.whitfield@example.com"
    ]
    assert run("undo").exit_code == 0  # the filed ask
    assert run("undo").exit_code == 0  # the address
    assert run("people", "--addresses").stdout == ""


def test_the_same_message_id_in_two_files_is_filed_once(run: Run) -> None:
    assert pipe(message(subject="One").as_bytes(), "add", "--mail").exit_code == 0
    second = pipe(message(subject="Another copy").as_bytes(), "add", "--mail")
    assert second.exit_code == 0 and "already filed as #1" in second.stdout
    assert len(items(run)) == 1


def test_wait_and_promise_file_what_you_sent_on_its_recipient(run: Run) -> None:
    run("add", "Q3 numbers", "--from", "Dana")
    sent = message(sender="Me <me@example.org>", to="Jane Roe <jane@example.com>",
                   subject="VPN access", message_id="<w1@example.org>")  # fmt: skip
    result = pipe(sent.as_bytes(), "wait", "--mail", "--for", "1")
    assert result.exit_code == 0, result
    assert "Waiting on Jane Roe <jane@example.com> #2: VPN access, for Dana (#1)" in result.stdout
    promised = message(sender="Me <me@example.org>", to="sam@example.com", subject="The deck",
                       message_id="<p1@example.org>")  # fmt: skip
    result = pipe(promised.as_bytes(), "promise", "--mail", "--by", "fri")
    assert result.exit_code == 0, result
    wait, promise = items(run)[1:]
    assert wait["kind"] == "waiting" and wait["person"] == "Jane Roe" and wait["for_id"] == 1
    assert promise["kind"] == "promise" and promise["person"] == "sam@example.com"
    assert promise["addresses"] == ["sam@example.com"]
    no_by = pipe(message(message_id="<p2@x>").as_bytes(), "promise", "--mail")
    assert no_by.exit_code == 2 and "--by" in no_by.stderr


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n",
        b"just some text, no headers at all",
        b"\xff\xfe\x00garbage",
        message(sender=None).as_bytes(),
        message(sender="undisclosed-recipients:;").as_bytes(),
        message(subject=None, body="\n\n").as_bytes(),
    ],
)
def test_garbage_is_one_line_exit_2_and_nothing_written(
    run: Run, db_path: Path, data: bytes
) -> None:
    run("add", "before", "--from", "Kim")
    before = db_path.read_bytes()
    result = pipe(data, "add", "--mail")
    assert result.exit_code == 2, result
    assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1
    assert db_path.read_bytes() == before


def test_without_mail_the_usual_arguments_are_still_required(run: Run) -> None:
    assert "Missing option '--on'" in run("wait", "x").stderr
    assert "Missing argument 'TEXT'" in run("promise", "--to", "x", "--by", "fri").stderr


# Pieces of headers, encodings and bodies that the bytes on stdin are made of.
FRAGMENTS = [
    b"From: ", b"Subject: ", b"Date: ", b"Message-ID: ", b"To: ", b"=?utf-8?q?", b"=?x?b?",
    b"<a@b>", b"Re: ", b"\xc3\xa9", b"\xff", b"\r\n", b"@", b" ", b"\x00", b'"', b"--x",
    b"Content-Type: text/html; charset=", b"multipart/mixed; boundary=x",
    b"Mon, 30 Feb 9999 25:61:00 +9999",
]  # fmt: skip
HEADERS_AND_BODY = st.builds(
    lambda head, body: head + b"\n\n" + body,
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(b"".join),
    st.binary(max_size=100),
)


@hsettings(max_examples=int(os.environ.get("RESPOND_FUZZ", "150")),
           suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.one_of(st.binary(max_size=400), HEADERS_AND_BODY))
def test_any_bytes_exit_0_or_2_never_a_traceback_never_half_an_item(
    db_path: Path, data: bytes
) -> None:
    for path in db_path.parent.glob("respond.json*"):
        if path.is_file():
            path.unlink()
    result = invoke("add", "--mail", now=NOW, input=data)  # (a traceback fails the test)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("respond: ")
        assert not db_path.exists()
        return
    (item,) = json.loads(db_path.read_text())["items"].values()
    assert item["title"].strip() and item["person"].strip() and item["channel"] == "email"


@hsettings(max_examples=int(os.environ.get("RESPOND_FUZZ", "300")))
@given(st.one_of(st.binary(max_size=400), HEADERS_AND_BODY))
def test_both_readers_give_a_record_or_a_mail_error_for_any_bytes(data: bytes) -> None:
    """What `respond mail` reads of each file (the quick header reader) and what `add --mail`
    reads never raise anything but the one-line MailError."""
    from respond.core.mail import Mail
    from respond.formats.mail import MailError, parse, parse_headers

    for reader in (parse, parse_headers):
        with contextlib.suppress(MailError):
            assert isinstance(reader(data), Mail)


# --- respond mail ----------------------------------------------------------------------------


def write_config(tmp_path: Path, **mail: Any) -> None:
    lines = ["[mail]"]
    for key, value in mail.items():
        lines.append(f"{key} = {json.dumps(value)}")
    (tmp_path / "config.toml").write_text("\n".join(lines) + "\n")


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Any]:
    """A maildir tree with INBOX and Sent, and the config naming them."""
    root = tmp_path / "Mail"
    root.mkdir()
    inbox = mailbox.Maildir(root / "INBOX", create=True)
    sent = mailbox.Maildir(root / "Sent", create=True)
    write_config(
        tmp_path,
        folders=[str(root / "INBOX"), str(root / "Sent")],
        me=["me@example.org"],
        flagged=[str(root / "INBOX")],
    )
    return {"root": root, "inbox": inbox, "sent": sent}


def state_of(db_path: Path) -> tuple[bytes, bytes]:
    return db_path.read_bytes(), (db_path.parent / "respond.json.mailseen").read_bytes()


def test_a_reply_in_sent_acknowledges_the_ask_at_the_replys_time(
    run: Run, db_path: Path, tree: dict[str, Any]
) -> None:
    ask = message()
    tree["inbox"].add(ask)
    assert pipe(ask.as_bytes(), "add", "--mail").exit_code == 0  # due Tue 17:00
    reply = message(sender="Me <me@example.org>", to="dana@example.com", subject="Re: Q3 numbers",
                    date=datetime(2026, 11, 23, 11, 30, tzinfo=BERLIN),
                    message_id="<r1@example.org>", replies_to="<ask1@example.com>")  # fmt: skip
    tree["sent"].add(reply)
    dry = run("mail", "--dry-run")
    assert dry.exit_code == 0 and "would acknowledge #1: Q3 numbers" in dry.stdout, dry
    assert not (db_path.parent / "respond.json.mailseen").exists()
    result = run("mail")
    assert result.exit_code == 0, result
    assert "Acknowledged #1: Q3 numbers" in result.stdout
    (item,) = items(run)
    assert item["status"] == "acked"
    acked = [e for e in item["history"] if e["event"] == "acked"]
    assert acked[0]["at"] == "2026-11-23T10:30:00+00:00"  # the reply's Date, not now
    reply = json.loads(run("week", "--json").stdout)["habits"]["reply"]
    assert (reply["kept"], reply["total"], reply["score"]) == (1, 1, 100)  # a prompt reply
    before = state_of(db_path)
    again = run("mail")
    assert again.exit_code == 0 and again.stdout.strip() == "0 changes from mail"
    assert state_of(db_path) == before
    mode = stat.S_IMODE((db_path.parent / "respond.json.mailseen").stat().st_mode)
    assert mode == 0o600


def test_a_reply_to_you_answers_a_wait_and_the_review_asks_for_the_relay(
    run: Run, tree: dict[str, Any]
) -> None:
    run("add", "Q3 numbers", "--from", "Dana", now="2026-11-23T10:00")
    sent = message(sender="Me <me@example.org>", to="Jane <jane@example.com>", subject="VPN",
                   message_id="<w1@example.org>")  # fmt: skip
    assert pipe(sent.as_bytes(), "wait", "--mail", "--for", "1").exit_code == 0
    answer = message(sender="Jane <jane@example.com>", to="me@example.org", subject="Re: VPN",
                     date=datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN),
                     message_id="<a1@example.com>", replies_to="<w1@example.org>")  # fmt: skip
    tree["inbox"].add(answer)
    result = run("mail")
    assert result.exit_code == 0, result
    assert "Done #2: VPN; now relay the answer to Dana (#1)" in result.stdout
    wait = items(run)[1]
    assert wait["status"] == "done"
    assert [e["at"] for e in wait["history"] if e["event"] == "done"] == [
        "2026-11-24T08:00:00+00:00"
    ]
    review = run("today")
    assert "Relay back" in review.stdout and "tell Dana (#1)" in review.stdout


def test_a_flagged_message_becomes_one_ask_even_when_flagged_later(
    run: Run, db_path: Path, tree: dict[str, Any]
) -> None:
    inbox = tree["inbox"]
    plain = mailbox.MaildirMessage(message(sender="Bob <bob@example.com>", subject="Laptop",
                                           message_id="<f1@example.com>"))  # fmt: skip
    plain.set_subdir("cur")
    plain.set_flags("S")
    key = inbox.add(plain)
    assert run("mail").stdout.strip() == "0 changes from mail"
    # the phone sets the star: the client renames the file with flag F
    msg = inbox[key]
    msg.set_flags("FS")
    inbox[key] = msg
    result = run("mail")
    assert result.exit_code == 0 and "Added #1: Laptop for Bob <bob@example.com>" in result.stdout
    before = state_of(db_path)
    assert run("mail").stdout.strip() == "0 changes from mail"
    assert state_of(db_path) == before
    assert len(items(run)) == 1


def test_a_flagged_message_and_your_reply_found_by_one_scan_file_an_acknowledged_ask(
    run: Run, db_path: Path, tree: dict[str, Any]
) -> None:
    # starred and answered on the phone, then one scan: the ask was filed but left open, and
    # the reply, recorded as read, never acknowledged it (it named an ask not yet filed)
    starred = mailbox.MaildirMessage(message(sender="Bob <bob@example.com>", subject="Laptop",
                                             message_id="<f1@example.com>"))  # fmt: skip
    starred.set_subdir("cur")
    starred.set_flags("FS")
    tree["inbox"].add(starred)
    reply = message(sender="Me <me@example.org>", to="bob@example.com", subject="Re: Laptop",
                    date=datetime(2026, 11, 23, 11, 30, tzinfo=BERLIN),
                    message_id="<r1@example.org>", replies_to="<f1@example.com>")  # fmt: skip
    tree["sent"].add(reply)
    dry = run("mail", "--dry-run")
    assert "would acknowledge Laptop" in dry.stdout, dry
    result = run("mail")
    assert result.exit_code == 0, result
    assert "Added #1: Laptop" in result.stdout and "Acknowledged #1: Laptop" in result.stdout
    (item,) = items(run)
    assert item["status"] == "acked"
    acked = [e for e in item["history"] if e["event"] == "acked"]
    assert acked[0]["at"] == "2026-11-23T10:30:00+00:00"  # the reply's Date
    before = state_of(db_path)
    assert run("mail").stdout.strip() == "0 changes from mail"
    assert state_of(db_path) == before


def test_reply_done_completes_the_ask(run: Run, tmp_path: Path, tree: dict[str, Any]) -> None:
    write_config(tmp_path, folders=[str(tree["root"] / "Sent")], me=["me@example.org"],
                 reply="done")  # fmt: skip
    assert pipe(message().as_bytes(), "add", "--mail").exit_code == 0
    tree["sent"].add(message(sender="me@example.org", subject="Re: Q3", message_id="<r@x>",
                             replies_to="<ask1@example.com>",
                             date=datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN)))  # fmt: skip
    result = run("mail")
    assert "Done #1: Q3 numbers" in result.stdout, result
    assert items(run)[0]["status"] == "done"


def test_an_mbox_is_read_from_where_the_last_scan_stopped(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "sent.mbox"
    box = mailbox.mbox(path)
    box.add(message(sender="me@example.org", subject="unrelated", message_id="<u@x>"))
    box.flush()
    write_config(tmp_path, folders=[str(path)], me=["Me@Example.org"])
    assert pipe(message().as_bytes(), "add", "--mail").exit_code == 0
    assert run("mail").stdout.strip() == "0 changes from mail"
    mark = json.loads((db_path.parent / "respond.json.mailseen").read_text())["mbox"][str(path)]
    assert mark["offset"] == path.stat().st_size
    box.add(message(sender="me@example.org", subject="Re: Q3", message_id="<r@x>",
                    replies_to="<ask1@example.com>",
                    date=datetime(2026, 11, 23, 12, 0, tzinfo=BERLIN)))  # fmt: skip
    box.flush()
    result = run("mail")
    assert "Acknowledged #1" in result.stdout, result
    before = state_of(db_path)
    assert run("mail").stdout.strip() == "0 changes from mail"
    assert state_of(db_path) == before


def test_mail_without_config_or_with_a_bad_folder_is_one_line(run: Run, tmp_path: Path) -> None:
    result = run("mail")
    assert result.exit_code == 2 and "[mail] folders" in result.stderr
    write_config(tmp_path, folders=[str(tmp_path / "nowhere")], me=["me@example.org"])
    result = run("mail")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    write_config(tmp_path, folders=["x"], reply="maybe")
    result = run("mail")
    assert result.exit_code == 2 and "mail.reply" in result.stderr


def test_two_replies_act_once_and_a_tilde_folder_is_expanded(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    sent = mailbox.Maildir(tmp_path / "Sent", create=True)
    write_config(tmp_path, folders=["~/Sent"], me=["me@example.org"])
    assert pipe(message().as_bytes(), "add", "--mail").exit_code == 0
    for hour, mid in ((11, "<r1@x>"), (15, "<r2@x>")):
        sent.add(message(sender="me@example.org", subject="Re: Q3", message_id=mid,
                         replies_to="<ask1@example.com>",
                         date=datetime(2026, 11, 23, hour, 0, tzinfo=BERLIN)))  # fmt: skip
    result = run("mail")
    assert result.stdout.count("Acknowledged #1") == 1 and "1 change from mail" in result.stdout
    (item,) = items(run)
    assert [e["at"] for e in item["history"] if e["event"] == "acked"] == [
        "2026-11-23T10:00:00+00:00"  # the first reply's time
    ]


def test_a_rescan_opens_no_message_it_listed_before(
    run: Run, db_path: Path, tree: dict[str, Any]
) -> None:
    """The sidecar names every message read, even when none of them mattered: after the first
    scan, a file's content is never looked at again (here it is swapped for a reply that
    would acknowledge #1: the rescan does not see it)."""
    key = tree["sent"].add(message(sender="me@example.org", subject="unrelated",
                                   message_id="<u@x>"))  # fmt: skip
    assert run("mail").stdout.strip() == "0 changes from mail"
    assert pipe(message().as_bytes(), "add", "--mail").exit_code == 0
    path = Path(tree["sent"]._path) / tree["sent"]._lookup(key)
    path.write_bytes(message(sender="me@example.org", subject="Re: Q3", message_id="<r@x>",
                             replies_to="<ask1@example.com>").as_bytes())  # fmt: skip
    assert run("mail").stdout.strip() == "0 changes from mail"
    assert items(run)[0]["status"] == "open"


def test_a_dry_run_records_nothing_and_a_damaged_sidecar_is_one_line(
    run: Run, db_path: Path, tree: dict[str, Any]
) -> None:
    tree["inbox"].add(message())
    sidecar = db_path.parent / "respond.json.mailseen"
    for _ in range(2):
        result = run("mail", "--dry-run")
        assert result.exit_code == 0 and "0 changes to make (dry run)" in result.stdout
        assert not sidecar.exists() and not db_path.exists()
    sidecar.write_text("{not json")
    result = run("mail")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result
    assert "mailseen" in result.stderr and sidecar.read_text() == "{not json"


def test_a_wait_from_a_message_without_a_recipient_is_refused(run: Run, db_path: Path) -> None:
    msg = message(sender="me@example.org")
    del msg["To"]
    result = pipe(msg.as_bytes(), "wait", "--mail")
    assert result.exit_code == 2 and "no recipient" in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("command", "drop", "who"),
    [("add", "From", "--from"), ("wait", "To", "--on"), ("promise", "To", "--to")],
)
def test_a_message_without_the_address_files_on_the_person_you_name(
    run: Run, db_path: Path, command: str, drop: str, who: str
) -> None:
    # a message sent Bcc only (To: undisclosed-recipients:;) was refused even with --on Dana:
    # the person you name needs no address, and the refusal without one says so
    msg = message(sender="me@example.org" if command != "add" else None)
    del msg[drop]
    msg[drop] = "undisclosed-recipients:;"
    extra = ["--by", "fri"] if command == "promise" else []
    refused = pipe(msg.as_bytes(), command, "--mail", *extra)
    assert refused.exit_code == 2 and who in refused.stderr, refused
    assert not db_path.exists()
    filed = pipe(msg.as_bytes(), command, "--mail", who, "Dana", *extra)
    assert filed.exit_code == 0, filed
    assert "<" not in filed.stdout  # no address to show
    [item] = items(run)
    assert item["person"] == "Dana" and item["title"] == "Q3 numbers"
    assert not item.get("addresses")


def test_a_sender_close_to_a_known_person_is_hinted_at(run: Run) -> None:
    # add --mail filed "Zoey" beside Zoë Müller silently: the near-miss hint was dropped
    assert run("add", "x", "--from", "Zoë Müller").exit_code == 0
    result = pipe(message(sender="Zoey <zoey@example.com>").as_bytes(), "add", "--mail")
    assert result.exit_code == 0, result
    assert result.stderr == (
        "respond: hint: Zoey is new; did you mean Zoë Müller? If so: "
        'respond people rename "Zoey" "Zoë Müller"\n'
    )
    assert run("people", "rename", "Zoey", "Zoë Müller").exit_code == 0
    assert items(run)[1]["person"] == "Zoë Müller"


def test_via_another_channel_is_refused_with_mail(run: Run, db_path: Path) -> None:
    # add --mail --via phone filed an email ask, the --via silently ignored
    refused = pipe(message().as_bytes(), "add", "--mail", "--via", "phone")
    assert refused.exit_code == 2 and "--via phone does not go with --mail" in refused.stderr
    assert not db_path.exists()
    assert pipe(message().as_bytes(), "add", "--mail", "--via", "Email").exit_code == 0
    assert items(run)[0]["channel"] == "email"


# --- addresses travel ------------------------------------------------------------------------


def test_export_and_import_carry_addresses(run: Run, tmp_path: Path, db_path: Path) -> None:
    assert pipe(message().as_bytes(), "add", "--mail").exit_code == 0
    out = tmp_path / "export.json"
    assert run("export", "--output", str(out)).exit_code == 0
    db_path.unlink()
    assert run("import", str(out)).exit_code == 0, run("import", str(out))
    (item,) = items(run)
    assert item["addresses"] == ["dana@example.com"]
    assert item["message_id"] == "<ask1@example.com>"


def test_sync_merges_addresses_like_any_field() -> None:
    from respond.core.model import Item
    from respond.core.syncmerge import Replica, items_of, merge, replica_of

    created = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    item = Item(1, "u1", "ask", "Dana", "Q3", "email", created, None)
    item.record("created", created)
    base = replica_of([item], {}, 2)
    mine = Item.from_record(item.to_record())
    mine.addresses = ["dana@example.com"]
    mine.record("edited", datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN), fields=["addresses"])
    merged = merge(base, replica_of([mine], {}, 2), base)
    result = merged.replica if hasattr(merged, "replica") else merged
    assert isinstance(result, Replica)
    assert items_of(result)[0].addresses == ["dana@example.com"]


# --- a real mail client ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("neomutt") is None, reason="neomutt is not installed")
def test_neomutt_pipes_a_message_in(tmp_path: Path) -> None:
    """neomutt, in a pseudo-terminal, runs the README's macro's command on a message of a
    maildir (`<pipe-message>` with `pipe_decode` off: the raw message, as the README says)."""
    import pty
    import select
    import time

    from tests.support.processes import HANG, RESPOND, env_for

    box = mailbox.Maildir(tmp_path / "box", create=True)
    box.add(message(sender="Renée Müller <renee@example.com>", subject="Re: Budget"))
    db = tmp_path / "respond.json"
    out = tmp_path / "out.txt"
    (tmp_path / "muttrc").write_text(
        f"set folder={tmp_path}\nset spoolfile={tmp_path / 'box'}\n"
        "set pipe_decode=no\nset wait_key=no\nset quit=yes\n"
        f'push "<pipe-message>{RESPOND} --now {NOW} add --mail > {out} 2>&1<enter><quit>"\n'
    )
    env = env_for(db, home=tmp_path, TERM="xterm", RESPOND_CONFIG=str(tmp_path / "none.toml"))
    pid, fd = pty.fork()
    if pid == 0:  # the child: neomutt on the pseudo-terminal
        os.execvpe("neomutt", ["neomutt", "-n", "-F", str(tmp_path / "muttrc")], env)
    deadline = time.monotonic() + HANG
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if ready:
                try:
                    if not os.read(fd, 65536):
                        break
                except OSError:  # the child closed the terminal: it exited
                    break
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        else:
            os.kill(pid, 9)
            pytest.fail(f"neomutt did not finish in {HANG} s")
    finally:
        os.close(fd)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    assert "Added #1: Budget for Renée Müller <renee@example.com>" in out.read_text(), out
    record = next(iter(json.loads(db.read_text())["items"].values()))
    assert record["created"] == "2026-11-23T08:00:00+00:00"

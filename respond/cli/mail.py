"""``add --mail``, ``wait --mail``, ``promise --mail`` and ``respond mail``: the command-line
side of :mod:`respond.core.mail` (read the bytes, parse them, run the core's rule)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from respond.core.errors import ExitStatus, RespondError


def read_message(source: str | None) -> bytes:
    """The message's bytes: a file, or stdin (``None`` or ``-``)."""
    if source is None or source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None or sys.stdin.isatty():
            raise RespondError("--mail reads a message on stdin (pipe one in) or from a FILE")
        return bytes(stream.read())
    from pathlib import Path

    from respond.storage.reading import read_regular

    try:
        return read_regular(Path(source))
    except OSError as err:
        raise RespondError(f"can't read {source}: {err.strerror or err}") from None


def file_message(
    state: Any,
    kind: str,
    source: str | None,
    person: str | None,
    by: str | None,
    for_id: int | None,
    tags: Sequence[str],
    note: str,
    new_person: bool,
) -> None:
    """File the message in ``source`` as an item of ``kind`` (see :func:`file_mail`)."""
    from respond.core.mail import file_mail
    from respond.formats.mail import parse

    mail = parse(read_message(source))
    if person is not None:  # asked on a terminal (the message in a FILE), as without --mail
        from respond.cli.askperson import settle

        person, new_person = settle(state, person, new_person)
    state.run(
        file_mail, mail, kind, person=person, by=by, for_id=for_id, tags=tags, note=note,
        new_person=new_person,
    )  # fmt: skip


def scan(state: Any, dry_run: bool) -> ExitStatus:
    """``respond mail``: read the folders of ``[mail]``, do what their replies and flags say."""
    from respond.storage import mailseen

    settings = state.env.settings
    if not settings.mail_folders:
        raise RespondError(
            'respond mail needs [mail] folders = ["~/Mail/INBOX", ...] in the config'
        )
    if not settings.mail_me:
        raise RespondError('respond mail needs [mail] me = ["you@example.org"] in the config')
    flagged = {str(mailseen.folder_path(f)) for f in settings.mail_flagged}
    reader = _Reader()
    now = state.env.now()
    store = state.store
    with mailseen.held(store.path) as seen:
        found: list[Any] = []
        marks: list[Any] = []  # what to record once done (not in a dry run)
        for text in settings.mail_folders:
            folder = mailseen.folder_path(text)
            where = str(folder)
            if mailseen.is_maildir(folder):
                known = seen.maildir.get(where, set())
                filed = seen.filed.get(where, set())
                # message name (the file name without flags) -> (subfolder, file name)
                listed = {
                    file_name.partition(":2,")[0]: (sub, file_name)
                    for sub, file_name in mailseen.maildir_listing(folder)
                }
                names = set(listed)
                stars = set()
                if where in flagged:
                    stars = {
                        name
                        for name, (sub, file_name) in listed.items()
                        if sub == "cur" and "F" in file_name.partition(":2,")[2]
                    } - filed
                for name in sorted((names - known) | stars):
                    sub, file_name = listed[name]
                    star = name in stars
                    path = folder / sub / file_name
                    raw = _whole(path) if star else mailseen.read_head(path)
                    if raw is None:
                        names.discard(name)  # moved meanwhile: read next time
                        continue
                    one = reader.read(raw, where, star)
                    if one is None:
                        continue
                    found.append(one)
                    if star:
                        marks.append(("filed", where, name))
                if names != known:
                    marks.append(("maildir", where, names))
            elif folder.is_file():
                mark = mailseen.mbox_mark(folder)
                before = seen.mbox.get(where)
                offset = 0
                if before is not None and mark["size"] >= before["size"]:
                    if mark["size"] == before["size"] and mark["mtime"] == before["mtime"]:
                        continue
                    offset = int(before["offset"])
                for raw in mailseen.mbox_messages(folder, offset):
                    one = reader.read(raw, where, False)
                    if one is not None:
                        found.append(one)
                mark["offset"] = mark["size"]
                marks.append(("mbox", where, mark))
            else:
                raise RespondError(f"mail folder {where} is neither a maildir nor an mbox file")
        if not found:  # nothing new to read: no parser, no rule, no database read
            if dry_run:
                print("0 changes to make (dry run)")
                return ExitStatus.OK
            _record(seen, marks)
            state.output.confirm("0 changes from mail")
            return ExitStatus.OK
        from respond.core import mail as rules

        items = store.snapshot().items.values()
        steps = rules.plan(items, found, settings.mail_me, settings.mail_reply, now)
        if dry_run:
            for step in steps:
                print(f"would {step.describe()}")
            print(f"{len(steps)} change{'s' if len(steps) != 1 else ''} to make (dry run)")
            return ExitStatus.OK
        messages: list[str] = []
        hints: list[str] = []
        if steps:  # one transaction, one write; each change its own undo step
            with store.transaction(now=now) as session:
                for step in steps:
                    outcome = rules.apply(session, state.env, step, settings.mail_promise)
                    if outcome is not None and outcome.items:
                        messages.append(outcome.message)
                        hints.extend(outcome.hints)
        for message in messages:
            state.output.confirm(message)
        for hint in hints:  # a flagged message from a name close to a known one
            state.output.warn(hint, label="hint")
        done = len(messages)
        _record(seen, marks)
    if done:
        from respond.cli.sync import after_change

        state.saved = "the changes"
        after_change(state)
    state.output.confirm(rules.summary(done))
    return ExitStatus.OK


def _record(seen: Any, marks: list[Any]) -> None:
    """Write down in the sidecar what this scan read."""
    for what, where, value in marks:
        if what == "filed":
            seen.filed.setdefault(where, set()).add(value)
        elif what == "maildir":
            seen.maildir[where] = value
            seen.filed[where] = seen.filed.get(where, set()) & value  # (gone: forgotten)
        else:
            seen.mbox[where] = value
        seen.changed = True
    seen.save()


class _Reader:
    """Reads each message found (imports the parser and the rules on the first)."""

    def read(self, raw: bytes, where: str, star: bool) -> Any:
        from respond.core.mail import Found
        from respond.formats.mail import MailError, parse, parse_headers

        try:
            return Found(parse(raw) if star else parse_headers(raw), where, star)
        except MailError:
            return None


def _whole(path: Any) -> bytes | None:
    """A flagged message, whole (its first line names it when it has no subject)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4 * 1024 * 1024)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise RespondError(f"can't read {path}: {err.strerror}") from None

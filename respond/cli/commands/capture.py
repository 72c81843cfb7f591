"""Capture: the commands people type from the shell many times a day (add, promise, ack,
wait, done, drop, snooze, edit, delete, reopen, follow-up, thanks). Each parses, runs one core
action in a locked transaction (:meth:`App.run`) and confirms in one line.
"""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass
from respond.cli.appstate import App
from respond.cli.context import app_state
from respond.cli.options import (
    CAPTURE,
    WHEN_RULE,
    WORKDAY_RULE,
    ByOpt,
    IdArg,
    MailOpt,
    NewPersonOpt,
    NoteOpt,
    TagOpt,
    by_option,
    ids_to_complete,
    item_number,
    needed,
    open_asks_to_complete,
    person_argument,
    person_option,
    settle_person,
)
from respond.core.errors import ExitStatus, RespondError


def add(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT",
            help="What they asked for (with --mail: the message's file; none or - for stdin).",
        ),
    ] = None,
    person: Annotated[
        str | None,
        person_option("--from", "-f", help="Who asked (required, but with --mail)." + CAPTURE),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            "-c",
            metavar="CHANNEL",
            help="email, phone, chat, meeting, in-person or other (default: email).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        by_option(
            "Respond by (default from the channel: phone/chat 4 working hours, "
            "email/in-person 1 business day, meeting 2 business days)."
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
    mail: MailOpt = False,
) -> None:
    """Record an ask someone made of you.

    With --mail, the ask is a mail message (a file, or stdin: what mutt's pipe-message gives):
    from its sender, titled by its subject, created at its Date, due by the email SLA.

    Example: respond add "Q3 numbers" --from Dana --via phone
    """
    from respond.core import actions

    if mail:
        from respond.cli.mail import file_message
        from respond.core.model import parse_channel

        if via is not None and parse_channel(via) != "email":  # (it was silently email)
            raise RespondError(f"--via {via} does not go with --mail: a message came by email")
        return file_message(
            app_state(ctx), "ask", title, person, by, None, tag or [], note, new_person
        )
    text = needed(ctx, title, "TEXT")
    who, new_person = settle_person(ctx, needed(ctx, person, "--from"), new_person)
    app_state(ctx).run(actions.add_ask, text, who, via, by, tag or [], note, new_person)


def promise(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(metavar="TEXT", help="What you promised (with --mail: the message's file)."),
    ] = None,
    person: Annotated[
        str | None,
        person_option(
            "--to", "-t", help="Whom you promised (required, but with --mail)." + CAPTURE
        ),
    ] = None,
    by: Annotated[str | None, by_option("When you promised it (required).")] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
    mail: MailOpt = False,
) -> None:
    """Record something you promised someone, and by when.

    With --mail, the promise is a message you sent (a file, or stdin), to its recipient.

    Example: respond promise "send the draft" --to Sam --by "fri 3pm"
    """
    from respond.core import actions

    if mail:
        from respond.cli.mail import file_message

        args = (title, person, by, None, tag or [], note, new_person)
        return file_message(app_state(ctx), "promise", *args)
    text = needed(ctx, title, "TEXT")
    who, new_person = settle_person(ctx, needed(ctx, person, "--to"), new_person)
    app_state(ctx).run(
        actions.add_promise, text, who, needed(ctx, by, "--by"),
        tag or [], note, new_person,
    )  # fmt: skip


def ack(
    ctx: typer.Context,
    item_id: IdArg,
    by: Annotated[str, by_option("The time you promised (required).")],
) -> None:
    """Acknowledge an ask and promise a time ("I'll get back to you tomorrow"), or promise a
    new time for an acknowledged ask or a promise (renegotiate it).

    A new time given before the old one has passed replaces it: the old one is not scored.
    Given after, the old promise counts as broken. (snooze only moves your reminder.)

    Example: respond ack 12 --by tomorrow
    """
    from respond.core import actions

    app_state(ctx).run(actions.ack, item_number(item_id), by)


def wait(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(
            metavar="TEXT", help="What you asked them (with --mail: the message's file)."
        ),
    ] = None,
    person: Annotated[
        str | None,
        person_option(
            "--on", help="Whom you are waiting on (required, but with --mail)." + CAPTURE
        ),
    ] = None,
    for_id: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="ID",
            help="The open ask or promise this answer is for (relay it back).",
            autocompletion=open_asks_to_complete,
        ),
    ] = None,
    by: Annotated[
        str | None, by_option("When to chase them (default: 2bd). " + WORKDAY_RULE)
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
    mail: MailOpt = False,
) -> None:
    """Record that you asked someone else, maybe on behalf of one of your asks.

    --for names an open ask or promise: the person you relay the answer to. With --mail, the
    wait is a message you sent (a file, or stdin), on its recipient; respond mail sees the
    reply and answers it.

    Example: respond wait "VPN access for Bob" --on Jane --for 12
    """
    from respond.core import actions

    target = item_number(for_id) if for_id is not None else None
    if mail:
        from respond.cli.mail import file_message

        args = (title, person, by, target, tag or [], note, new_person)
        return file_message(app_state(ctx), "waiting", *args)
    text = needed(ctx, title, "TEXT")
    who, new_person = settle_person(ctx, needed(ctx, person, "--on"), new_person)
    app_state(ctx).run(
        actions.add_waiting, text, who, target, by, tag or [], note,
        new_person,
    )  # fmt: skip


def done(
    ctx: typer.Context,
    item_id: IdArg,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up",
            metavar="WHEN",
            help="When to follow up with the person (default for asks and promises: the "
            "[follow_up] delay of the item's tag or channel, else 7d; see respond config). "
            + WORKDAY_RULE
            + " "
            + WHEN_RULE,
        ),
    ] = None,
    no_follow_up: Annotated[
        bool, typer.Option("--no-follow-up", help="Don't schedule a follow-up.")
    ] = False,
    note: Annotated[
        str | None,
        typer.Option("--note", "-n", metavar="TEXT", help="How it went (added to the note)."),
    ] = None,
) -> None:
    """Mark an item done. Asks and promises get a follow-up a week later unless told otherwise
    (the config's [follow_up] sets the delay per channel and tag, or "none").

    Example: respond done 12 --follow-up 3d
    """
    from respond.core import actions

    if follow_up is not None and no_follow_up:
        raise RespondError("use --follow-up or --no-follow-up, not both")
    app_state(ctx).run(actions.complete, item_number(item_id), follow_up, no_follow_up, note)


def drop(
    ctx: typer.Context,
    item_id: IdArg,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help="Why it was dropped.")
    ] = None,
) -> None:
    """Drop an item you will not do (it stays in the history).

    Example: respond drop 12 --reason "no longer needed"
    """
    from respond.core import actions

    app_state(ctx).run(actions.drop, item_number(item_id), reason)


def snooze(
    ctx: typer.Context,
    item_id: IdArg,
    when: Annotated[str, typer.Argument(metavar="WHEN", help="The new due time. " + WHEN_RULE)],
) -> None:
    """Move an item's due time.

    Example: respond snooze 12 "mon 10am"
    """
    from respond.core import actions

    app_state(ctx).run(actions.snooze, item_number(item_id), when)


def edit(
    ctx: typer.Context,
    item_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="New title.")] = None,
    person: Annotated[str | None, person_option("--person", help="New person." + CAPTURE)] = None,
    by: ByOpt = None,
    via: Annotated[
        str | None, typer.Option("--via", "-c", metavar="CHANNEL", help="New channel.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", metavar="TEXT", help="Replace the note.")
    ] = None,
    tag: TagOpt = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", metavar="TAG", help="Remove a tag.")
    ] = None,
    new_person: NewPersonOpt = False,
) -> None:
    """Change an item's title, person, due time, channel, note or tags. The history records
    each changed field's old and new value (respond show prints them).

    --by moves your reminder; the time you told the person (scored in respond week) stays,
    except for a correction: --by within 10 minutes of adding the item, before anything but
    edits happened to it (an ack, a snooze...), replaces the time it is scored against.
    A thanks has no due time.

    Example: respond edit 12 --by fri --tag urgent
    """
    from respond.core import actions

    if new_person and person is None:
        raise RespondError("--new-person goes with --person")
    if person is not None:
        person, new_person = settle_person(ctx, person, new_person)
    app_state(ctx).run(
        actions.edit,
        item_number(item_id),
        title=title,
        person=person,
        by=by,
        channel=via,
        note=note,
        add_tags=tag or [],
        remove_tags=untag or [],
        new_person=new_person,
    )


def delete(
    ctx: typer.Context,
    item_id: IdArg,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Don't ask for confirmation on a terminal.")
    ] = False,
) -> None:
    """Delete an item entered by mistake (respond undo brings it back).

    On a terminal it shows the item and asks first (--yes skips the question); when not on a
    terminal (a script, a pipe) it deletes without asking, as scripts expect.

    Example: respond delete 12
    """
    from respond.core import actions

    state = app_state(ctx)
    number = item_number(item_id)
    if not yes and sys.stdin.isatty() and state.output.stdout_isatty:
        _confirm_delete(state, number)
    state.run(actions.delete, number)


def _confirm_delete(state: App, number: int) -> None:
    """Ask before deleting ``number``; anything but y or yes keeps it (exit 1)."""
    from respond.core.errors import NotFound
    from respond.core.text import shorten

    item = state.store.snapshot(only=[number]).items.get(number)
    if item is None:
        raise NotFound(f"no item #{number}")
    question = (
        f"Delete #{item.id}: {shorten(item.title)} ({item.status} {item.kind}, "
        f"{shorten(item.person, 30)})? [y/N] "
    )
    try:
        answer = input(question)
    except (EOFError, KeyboardInterrupt):
        answer = ""
        print(file=state.output.stdout)
    if answer.strip().lower() not in ("y", "yes"):
        raise RespondError(f"#{item.id} not deleted", status=ExitStatus.FAILED)


def reopen(ctx: typer.Context, item_id: IdArg) -> None:
    """Bring a done or dropped item back, as it was before it was closed (open, or
    acknowledged): a wrong done fixed in one command, whatever came after it. The history
    records it; the closing no longer counts in respond week; the follow-up that done
    scheduled goes away unless it was changed since. respond undo reverses it.

    Example: respond reopen 26
    """
    from respond.core import actions

    app_state(ctx).run(actions.reopen, item_number(item_id))


def follow_up(
    ctx: typer.Context,
    person: Annotated[
        str | None,
        person_argument(
            "Whom to follow up with (default with --for: that item's person)." + CAPTURE,
            metavar="[PERSON]",
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Argument(metavar="[TITLE]", help="What about (default: the --for item's title)."),
    ] = None,
    by: Annotated[
        str | None,
        by_option("When to follow up (default: the [follow_up] delay, 7d). " + WORKDAY_RULE),
    ] = None,
    for_id: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="ID",
            help="The item this follows up (its person and title are the defaults).",
            autocompletion=ids_to_complete,
        ),
    ] = None,
    tag: TagOpt = None,
    note: NoteOpt = "",
    new_person: NewPersonOpt = False,
) -> None:
    """Schedule a follow-up by hand: one deleted by mistake, or a check-in of your own.

    \b
    Example: respond follow-up Dana "how did the launch go" --by fri
    Example: respond follow-up --for 12 --by 3d
    """
    from respond.core import actions

    target = item_number(for_id) if for_id is not None else None
    if person is not None:  # a near miss is asked about on a terminal, as add's --from
        person, new_person = settle_person(ctx, person, new_person)
    app_state(ctx).run(
        actions.add_follow_up, person, title, by, target, tag or [], note, new_person
    )


def thanks(
    ctx: typer.Context,
    person: Annotated[str, person_argument("Whom you thanked." + CAPTURE)],
    text: Annotated[str, typer.Argument(metavar="TEXT", help='What for, e.g. "for the fix".')],
    new_person: NewPersonOpt = False,
) -> None:
    """Log gratitude you expressed (counts toward your weekly gratitude goal, 3 by default).

    Example: respond thanks Jane "for sorting out the VPN"
    """
    from respond.core import actions

    person, new_person = settle_person(ctx, person, new_person)
    app_state(ctx).run(actions.thank, person, text, new_person)

"""The views: ``show``, ``list``, ``today`` (the morning review) and ``week`` (habit scores)."""

from typing import TYPE_CHECKING, Annotated

import typer

from respond.core.errors import RespondError

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state
from respond.cli.options import MATCHING, IdArg, JsonOpt, item_number, person_option


def show(ctx: typer.Context, item_id: IdArg, as_json: JsonOpt = False) -> None:
    """Show one item with its whole history. The due line gives the time, and how late once it
    has passed; an edit's history line gives each changed field as old → new; a note's lines
    show as lines (control characters made visible, as everywhere).

    Needs no settings: a broken config file never stops it (it then uses the default colours).

    Example: respond show 12
    """
    from respond.core.errors import NotFound

    state = app_state(ctx).without_settings(colour=True)
    number = item_number(item_id)
    item = state.store.snapshot(only=[number]).items.get(number)
    if item is None:
        raise NotFound(f"no item #{number}")
    state.emit("item", item, as_json)


def list_(
    ctx: typer.Context,
    who: Annotated[
        str | None,
        person_option(
            "--who",
            help="Only this person. " + MATCHING + " A name that finds no one, or several "
            "people, exits 1.",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="Only this kind: ask, promise, waiting, followup, thanks.",
        ),
    ] = None,
    overdue: Annotated[
        bool,
        typer.Option(
            "--overdue",
            help="Only open items past their time (due 14:00: overdue from 14:00:01).",
        ),
    ] = False,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Include done and dropped items.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List open items by due time (filters combine). Due times read "3h late" once passed,
    else "today 17:00", "Fri 17:00".

    On a narrow terminal, titles are cut first, then move to a line of their own under the
    row; IDs, kinds, names and times stay whole.

    Example: respond list --who dana --kind ask
    """
    from respond.core.model import parse_kind
    from respond.core.queries import select

    state = app_state(ctx)
    wanted_kind = parse_kind(kind) if kind is not None else None
    # Open items are all a plain listing needs (never the archive); a name is matched
    # against everyone's.
    found = state.store.snapshot(open_only=not show_all).items.values()
    person = None
    if who is not None:
        from respond.core.people import known_names, resolve_key

        person = resolve_key(known_names(state.store.person_counts().items()), who)
    items = select(
        found,
        now=state.env.now(),
        who=person,
        kind=wanted_kind,
        overdue=overdue,
        include_closed=show_all,
    )
    state.emit("items", items, as_json)


def today(
    ctx: typer.Context,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            "-a",
            help="Show every row of every section, not the first 10 of each (--json always "
            "gives everything).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """The morning review: what needs you now (the number respond prompt shows, and where it
    is below), overdue, due today, follow-ups due, waiting on others, answers to relay back,
    and this week's scores so far (last week's while nothing is decided yet this week).

    An item due at 14:00 is due now at 14:00:00 and overdue (or to chase) from 14:00:01.

    Each line gives the item's ID, kind (ask, promise, followup, waiting), person, title and a
    time that says what it is: "3h late", "due 14:00", "waited 2 days", "answered 1h ago"; then
    whom an answer is for ("for Dana (#12)") and "chase them" once the chase time passed.

    Each section shows its first 10 rows, then "… and 37 more overdue (respond today --all)",
    on a terminal and piped alike; --all shows them all.

    On a narrow terminal, titles are cut first, then the "for ..." notes and then the titles
    move to lines of their own under the row; IDs, kinds, names and times stay whole.

    Example: respond today
    """
    from respond.core.review import REVIEW_WINDOW, review

    state = app_state(ctx)
    env = state.env
    view = review(
        state.store.snapshot(active_since=env.now() - REVIEW_WINDOW).items.values(),
        env.now(),
        env.settings,
        env.calendar,
    )
    state.emit("review", view, as_json, **({"limit": None} if show_all else {}))
    from respond.storage.syncstatus import status_path

    if status_path(state.store.path).exists():  # synced before (else cli/sync.py isn't imported)
        from respond.cli.sync import notice

        failed = notice(state)  # the last sync failed: one line until a sync works
        if failed:
            state.output.warn(failed, label=None)


def week(
    ctx: typer.Context,
    weeks: Annotated[
        int | None,
        typer.Option(
            "--weeks",
            metavar="N",
            help="Also list the last N weeks one by one, 1-520 (JSON: N weeks, default 8).",
        ),
    ] = None,
    as_json: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Leave out the legend line under the table.")
    ] = False,
) -> None:
    """The habit scorecard: five habits scored 0-100 for this week so far (n/a: nothing to
    score), with last week, streaks, strength and the last 8 weeks.

    \b
    prompt reply: asks acknowledged or done by their respond-by time
    word kept: promises done by the time promised (ack --by before it renegotiates)
    follow-up: follow-ups done within a grace day of their due time
    loop closed: answers you waited on, relayed to the asker within a business day
    gratitude: thanks logged this week, out of your weekly goal (3 by default)
    overall: the mean of the habits scored; n/a while only gratitude has a score
    streak: weeks in a row scoring 80 or more (this week too, once it reaches 80)
    strength: past weeks smoothed, as Loop Habit Tracker does (half-life ~5 weeks)

    A check counts in the week it is decided: when you keep it, or once its deadline has
    passed (at the deadline's own second it is not missed yet).

    On a narrow terminal, headers wrap and rows go on two lines rather than cut a number.

    Example: respond week --weeks 12
    """
    from respond.core.scoring import SPARK_WEEKS, scorecard
    from respond.storage.scorecache import known_weeks

    if weeks is not None and not 1 <= weeks <= 520:
        raise RespondError(f"--weeks must be between 1 and 520, not {weeks}")
    state = app_state(ctx)
    env = state.env
    calendar = env.calendar
    # every week's tallies: finished weeks from the score cache, this week from the items
    known = known_weeks(state.store.path, env.now(), calendar)
    card = scorecard(
        (), env.now(), env.settings, calendar, weeks=weeks or SPARK_WEEKS, cached=known
    )
    state.emit("scorecard", card, as_json, history=weeks, legend=not quiet)

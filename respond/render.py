"""Everything the user sees, drawn with Rich: the only module that imports rich.

User text (titles, names, notes, tags) always goes through :func:`respond.text.visible` and into
``rich.text.Text`` objects, never through markup, so ``[red]`` stays ``[red]`` and escape
sequences show as ``\\x1b``. Piped output and ``NO_COLOR`` get plain, aligned text; piped
output is not hard-wrapped at 80 columns.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from respond import timefmt
from respond.clock import to_local
from respond.model import Item
from respond.text import shorten, visible

if TYPE_CHECKING:
    from respond.actions import Env
    from respond.people import PersonRow, PersonView
    from respond.review import NeedsYou, Review
    from respond.scoring import Scorecard

PIPED_WIDTH = 200
TITLE_WIDTH = 60


def console(stderr: bool = False) -> Console:
    """A console for stdout (or stderr) as it is right now (so test runners can capture it)."""
    file = sys.stderr if stderr else sys.stdout
    is_tty = file.isatty()
    width = None
    if not is_tty:
        width = int(os.environ.get("COLUMNS", "0") or 0) or PIPED_WIDTH
    from respond.output import color_allowed

    return Console(
        file=file,
        width=width,
        no_color=None if color_allowed() else True,  # None: Rich honours NO_COLOR itself
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def due_text(item: Item, now: datetime, env: Env) -> Text:
    """The due column: red when overdue, yellow when due today, dim later."""
    if item.due is None:
        return Text("-", style="dim")
    if not item.is_open:
        return Text(env.show(item.due), style="dim")
    if item.due < now:
        return Text(f"{timefmt.span(now - item.due)} overdue", style="bold red")
    same_day = to_local(item.due, env.clock.tz).date() == to_local(now, env.clock.tz).date()
    if same_day:
        return Text(f"due {to_local(item.due, env.clock.tz):%H:%M}", style="yellow")
    return Text(env.show(item.due), style="dim")


def _user(value: str, width: int = TITLE_WIDTH) -> Text:
    return Text(shorten(value, width))


def item_table(items: Sequence[Item], env: Env, title: str | None = None) -> None:
    out = console()
    if not items:
        out.print(Text("Nothing here."))
        return
    now = env.now()
    table = Table(title=title, box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Person", no_wrap=True, max_width=24, overflow="ellipsis")
    table.add_column("Title", no_wrap=True, max_width=TITLE_WIDTH, overflow="ellipsis")
    table.add_column("Due", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for item in items:
        table.add_row(
            Text(f"#{item.id}"),
            Text(item.kind),
            _user(item.person, 24),
            _user(item.title),
            due_text(item, now, env),
            Text(item.status, style="" if item.is_open else "dim"),
        )
    out.print(table)


def item_detail(item: Item, env: Env) -> None:
    out = console()
    now = env.now()
    header = Text(f"#{item.id} ", style="bold")
    header.append(item.kind, style="bold")
    header.append(f" · {item.status}")
    out.print(header)
    fields: list[tuple[str, Text]] = [
        ("title", Text(visible(item.title))),
        ("person", Text(visible(item.person))),
    ]
    if item.channel:
        fields.append(("channel", Text(item.channel)))
    fields.append(("due", due_text(item, now, env)))
    fields.append(("created", Text(env.show(item.created))))
    if item.for_id is not None:
        fields.append(("for", Text(f"#{item.for_id}")))
    if item.tags:
        fields.append(("tags", Text(visible(" ".join(f"+{t}" for t in item.tags)))))
    if item.note:
        fields.append(("note", Text(visible(item.note))))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in fields:
        grid.add_row(Text(name), value)
    out.print(grid)
    out.print(Text("history", style="bold"))
    history = Table.grid(padding=(0, 2))
    history.add_column(no_wrap=True, style="dim")
    history.add_column(overflow="fold")
    for event in item.history:
        history.add_row(Text(_event_time(event, env)), Text(visible(_event_text(event, env))))
    out.print(history)


def _event_time(event: dict[str, Any], env: Env) -> str:
    from respond.clock import from_iso

    try:
        return f"{to_local(from_iso(event['at']), env.clock.tz):%Y-%m-%d %H:%M}"
    except (KeyError, ValueError, TypeError):
        return "?"


def _event_text(event: dict[str, Any], env: Env) -> str:
    from respond.clock import from_iso

    parts = [str(event.get("event", "?"))]
    for key, value in event.items():
        if key in ("event", "at") or value in (None, "", []):
            continue
        if key in ("due", "from", "to") and isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = env.show(from_iso(value))
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return " · ".join(parts)


# -- the morning review ----------------------------------------------------------------------

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def _emit(out: Console, renderable: Any, **options: Any) -> None:
    """Print; when piped, without the trailing spaces Rich pads table cells with."""
    if out.is_terminal:
        out.print(renderable, **options)
        return
    with out.capture() as captured:
        out.print(renderable, **options)
    lines = captured.get().split("\n")
    out.file.write("\n".join(line.rstrip() for line in lines))
    out.file.flush()


PERSON_WIDTH = 24
REVIEW_TITLE_WIDTH = 50
QUIET_DAY = "Nothing overdue or due today. Everyone who is waiting on you is covered."


def score_style(score: int | None) -> str:
    if score is None:
        return "dim"
    if score >= 80:
        return "green"
    return "yellow" if score >= 50 else "red"


def score_text(score: int | None, width: int = 0) -> Text:
    shown = "n/a" if score is None else str(score)
    return Text(shown.rjust(width), style=score_style(score))


def sparkline(scores: Sequence[int | None]) -> Text:
    """One character per week: ``▁`` is 0, ``█`` is 100, ``·`` is n/a."""
    spark = Text()
    for score in scores:
        if score is None:
            spark.append("·", style="dim")
        else:
            block = SPARK_BLOCKS[round(max(0, min(100, score)) / 100 * (len(SPARK_BLOCKS) - 1))]
            spark.append(block, style=score_style(score))
    return spark


def change_text(change: int | None) -> Text:
    if change is None:
        return Text("")
    if change == 0:
        return Text("±0", style="dim")
    return Text(f"{change:+d}", style="green" if change > 0 else "red")


@dataclass
class _Row:
    """One line of the review: an ID, a person, a title, a time and extra words."""

    id: str
    person: str
    title: str
    when: Text
    extra: Text


def _review_rows(view: Review, env: Env) -> list[tuple[str, str, list[_Row]]]:
    now, tz = view.now, env.clock.tz
    sections: list[tuple[str, str, list[_Row]]] = []

    def row(item: Item, when: Text, extra: Text | None = None) -> _Row:
        return _Row(
            f"#{item.id}",
            shorten(item.person, PERSON_WIDTH),
            shorten(item.title, REVIEW_TITLE_WIDTH),
            when,
            extra or Text(""),
        )

    overdue = [
        row(item, Text(f"{timefmt.span(now - item.due)} overdue", style="bold red"))
        for item in view.overdue
        if item.due is not None
    ]
    sections.append(("Overdue", "bold red", overdue))
    due_today = [
        row(item, Text(f"due {to_local(item.due, tz):%H:%M}", style="yellow"))
        for item in view.due_today
        if item.due is not None
    ]
    sections.append(("Due today", "bold yellow", due_today))
    followups: list[_Row] = []
    for item in view.followups:
        assert item.due is not None
        if item.due < now:
            when = Text(f"{timefmt.span(now - item.due)} late", style="red")
        else:
            when = Text(f"due {to_local(item.due, tz):%H:%M}", style="yellow")
        followups.append(row(item, when))
    sections.append(("Follow-ups due", "bold magenta", followups))
    waiting: list[_Row] = []
    for w in view.waiting:
        extra = Text()
        if w.served is not None:
            extra.append(f"for {shorten(w.served.person, PERSON_WIDTH)} (#{w.served.id})")
        elif w.item.for_id is not None:
            extra.append(f"for #{w.item.for_id}")
        if w.chase:
            extra.append(" · " if extra else "")
            extra.append("chase them", style="yellow")
        waiting.append(row(w.item, Text(timefmt.span(w.waited)), extra))
    sections.append(("Waiting on others", "bold blue", waiting))
    relay: list[_Row] = []
    for r in view.relay:
        since = Text(timefmt.span(now - r.answered_at) if r.answered_at else "")
        extra = Text("answered → tell ", style="cyan")
        extra.append(f"{shorten(r.ask.person, PERSON_WIDTH)} (#{r.ask.id})", style="bold cyan")
        relay.append(row(r.answer, since, extra))
    sections.append(("Relay back", "bold cyan", relay))
    return [section for section in sections if section[2]]


def week_line(card: Scorecard) -> Text:
    """``This week: 84 (+6) · prompt reply 90 · word kept 100 · ... · gratitude 1/3``, or,
    while this week has nothing decided, ``This week: nothing decided yet · last week ...``."""
    from respond.scoring import HABIT_LABELS

    line = Text("This week: ", style="bold")
    if card.overall is None:
        line.append("nothing decided yet · last week overall ")
        line.append_text(score_text(card.last_overall))
        return line
    line.append("overall ")
    line.append_text(score_text(card.overall))
    if card.change is not None:
        line.append(" (")
        line.append_text(change_text(card.change))
        line.append(" on last week)")
    for habit, cell in card.current.habits.items():
        line.append(f" · {HABIT_LABELS[habit]} ")
        if habit == "gratitude" and cell.score is not None:
            line.append(f"{cell.kept}/{cell.total}", style=score_style(cell.score))
        else:
            line.append_text(score_text(cell.score))
    return line


def needs_line(needs: NeedsYou) -> Text:
    """``Needs you now: 4 (the prompt's count): 2 overdue · 1 follow-up late · 1 to chase``."""
    line = Text("Needs you now: ", style="bold")
    line.append(str(needs.total), style="bold red")
    line.append(" (the prompt's count): ")
    parts = [
        (needs.overdue, "overdue", "overdue"),
        (needs.followups, "follow-up late", "follow-ups late"),
        (needs.chase, "to chase", "to chase"),
        (needs.other, "other", "other"),
    ]
    line.append(" · ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts if n))
    return line


def _cell(text: Text | str, width: int, right: bool = False) -> Text:
    """``text`` in exactly ``width`` terminal cells (cut with an ellipsis, or padded)."""
    cell = text.copy() if isinstance(text, Text) else Text(text)
    cell.truncate(width, overflow="ellipsis")
    gap = width - cell.cell_len
    if right:
        cell = Text(" " * gap) + cell
    else:
        cell.pad_right(gap)
    return cell


MIN_TITLE = 16
MIN_PERSON = 10


def _review_widths(rows: list[_Row], width: int) -> tuple[int, int, int, int]:
    """Column widths shared by every section. On a narrow terminal the title gives way first,
    then the person, so that the time and the "for whom" at the end stay visible."""
    ids = max((cell_len(row.id) for row in rows), default=0)
    person = max((cell_len(row.person) for row in rows), default=0)
    title = max((cell_len(row.title) for row in rows), default=0)
    when = max((row.when.cell_len for row in rows), default=0)
    extra = max((row.extra.cell_len for row in rows), default=0)
    fixed = 2 + ids + 2 + 2 + 2 + when + (2 + extra if extra else 0)
    over = fixed + person + title - width
    if over > 0:
        cut = min(over, max(title - MIN_TITLE, 0))
        title, over = title - cut, over - cut
    if over > 0:
        person -= min(over, max(person - MIN_PERSON, 0))
    return ids, person, title, when


def review(view: Review, env: Env) -> None:
    """``respond today``: sections whose rows share one set of columns; empty ones left out.

    Rows are laid out by hand (not a Rich table) so that the columns line up across sections
    and lines carry no trailing spaces when piped."""
    out = console()
    if view.needs.total:
        _emit(out, needs_line(view.needs))
    sections = _review_rows(view, env)
    if not sections:
        _emit(out, Text(QUIET_DAY))
    rows = [row for _, _, group in sections for row in group]
    widths = _review_widths(rows, out.width)
    for heading, style, group in sections:
        _emit(out, Text(heading, style=style))
        for row in group:
            line = Text("  ")
            line.append_text(_cell(row.id, widths[0], right=True))
            line.append("  ")
            line.append_text(_cell(row.person, widths[1]))
            line.append("  ")
            line.append_text(_cell(row.title, widths[2]))
            line.append("  ")
            if row.extra:
                line.append_text(_cell(row.when, widths[3]))
                line.append("  ")
                line.append_text(row.extra)
            else:
                line.append_text(row.when)
            _emit(out, line, no_wrap=True, overflow="ellipsis", crop=True)
    if view.week is not None:
        _emit(out, week_line(view.week))


# -- the weekly scorecard ------------------------------------------------------------------


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def _week_title(card: Scorecard) -> Text:
    from respond.scoring import iso_week

    week = card.current
    label = f"Week {iso_week(week.start)[-2:].lstrip('0')} · " if card.week_start == 0 else ""
    first, last = week.start, week.last_day
    title = Text(
        f"{label}{first:%a} {first.day} {first:%b} – {last:%a} {last.day} {last:%b} {last.year}",
        style="bold",
    )
    title.append(" (so far)", style="dim")
    return title


def _cell_detail(kept: int, total: int, score: int | None) -> Text:
    """``9/14``: kept of scored (gratitude: thanks of the goal); nothing when n/a."""
    return Text(f"{kept}/{total}", style="dim") if score is not None else Text("")


WEEK_LEGEND = "streak: weeks in a row at 80+ · strength: past weeks smoothed · more: --help"


def scorecard(card: Scorecard, env: Env, history: int | None = None, legend: bool = True) -> None:
    """``respond week``: one row per habit and an overall row, a legend line (unless
    ``legend`` is false: ``--quiet``), then ``history`` weeks below."""
    out = console()
    _emit(out, _week_title(card))
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("habit", no_wrap=True)
    table.add_column("this week", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("last week", justify="right", no_wrap=True)
    table.add_column("streak", justify="right", no_wrap=True)
    table.add_column("strength", justify="right", no_wrap=True)
    table.add_column("last 8 weeks", no_wrap=True)
    for summary in card.habits:
        table.add_row(
            Text(summary.label),
            score_text(summary.week.score),
            _cell_detail(summary.week.kept, summary.week.total, summary.week.score),
            score_text(summary.last_week.score),
            Text(_weeks(summary.streak) if summary.streak else "-"),
            score_text(summary.strength),
            sparkline(summary.spark),
        )
    detail = change_text(card.change)
    table.add_row(
        Text("overall", style="bold"),
        score_text(card.overall),
        detail,
        score_text(card.last_overall),
        Text(_weeks(card.overall_streak) if card.overall_streak else "-"),
        score_text(card.overall_strength),
        sparkline(card.spark),
        style="bold",
    )
    _emit(out, table)
    if legend:
        _emit(out, Text(WEEK_LEGEND, style="dim"))
    if history:
        _history(card, out)


def _history(card: Scorecard, out: Console) -> None:
    from respond.scoring import HABIT_LABELS, HABITS, iso_week

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("week", no_wrap=True)
    for habit in HABITS:
        table.add_column(HABIT_LABELS[habit], justify="right", no_wrap=True)
    table.add_column("overall", justify="right", no_wrap=True)
    for week in reversed(card.weeks):
        label = f"{iso_week(week.start)} " if card.week_start == 0 else ""
        table.add_row(
            Text(f"{label}{week.start:%a} {week.start.day} {week.start:%b}"),
            *(score_text(week.habits[habit].score) for habit in HABITS),
            score_text(week.overall),
        )
    _emit(out, Text(""))
    _emit(out, table)


# -- people ----------------------------------------------------------------------------------


def person(view: PersonView, env: Env, limit: int | None = None) -> None:
    """``respond who``: the stats, the open items, then the history (most recent first)."""
    out = console()
    now, tz = env.now(), env.clock.tz
    _emit(out, Text(shorten(view.name, 80), style="bold"))
    stats = Table.grid(padding=(0, 2))
    stats.add_column(style="dim", no_wrap=True)
    stats.add_column(overflow="fold")
    overdue = sum(1 for item in view.open if item.due is not None and item.due < now)
    open_text = Text(f"{len(view.open)} open")
    if overdue:
        open_text.append(f", {overdue} overdue", style="bold red")
    open_text.append(f" · {len(view.open) + len(view.history)} in all", style="dim")
    stats.add_row(Text("items"), open_text)
    asks = Text(f"{view.asks} from them")
    if view.replies_scored:
        asks.append(f" · replied in time to {view.replies_in_time} of {view.replies_scored}")
    stats.add_row(Text("asks"), asks)
    median = (
        Text(f"median {timefmt.span(view.median_ack)} ({view.acked} acknowledged)")
        if view.median_ack is not None
        else Text("no acknowledged asks yet", style="dim")
    )
    stats.add_row(Text("time to acknowledge"), median)
    promises = Text(f"kept {view.promises_kept}, broken {view.promises_broken}")
    stats.add_row(Text("promises"), promises)
    if view.last_thanks is not None and view.last_thanked is not None:
        thanked = Text(f"{timefmt.day(view.last_thanked, now, tz)}: ")
        thanked.append(shorten(view.last_thanks.title, TITLE_WIDTH))
    else:
        thanked = Text("never", style="yellow")
    stats.add_row(Text("last thanked"), thanked)
    _emit(out, Padding(stats, (0, 0, 0, 2), expand=False))
    shown = view.history if limit is None else view.history[:limit]
    listed = view.open + [item for item, _ in shown]
    widths = (
        max((len(f"#{item.id}") for item in listed), default=0),
        max((cell_len(shorten(item.title, TITLE_WIDTH)) for item in listed), default=0),
    )
    if view.open:
        _emit(out, Text("Open", style="bold"))
        _emit(
            out,
            Padding(
                _person_items([(i, due_text(i, now, env)) for i in view.open], widths),
                (0, 0, 0, 2),
                expand=False,
            ),
        )
    if shown:
        _emit(out, Text("History", style="bold"))
        rows = [
            (
                item,
                Text(
                    f"{item.status} {timefmt.day(closed, now, tz) if closed else ''}".strip(),
                    style="dim" if item.status == "done" else "yellow",
                ),
            )
            for item, closed in shown
        ]
        _emit(out, Padding(_person_items(rows, widths), (0, 0, 0, 2), expand=False))
    hidden = len(view.history) - len(shown)
    if hidden > 0:
        _emit(out, Text(f"  … and {hidden} more (--all shows everything)", style="dim"))


def _person_items(rows: list[tuple[Item, Text]], widths: tuple[int, int]) -> Table:
    """Items as ID, kind, title, time; ``widths`` (ID, title) are shared by both sections so
    that Open and History line up."""
    table = Table.grid(padding=(0, 2), pad_edge=False)
    table.add_column(justify="right", no_wrap=True, min_width=widths[0])
    table.add_column(no_wrap=True, min_width=len("followup"))
    table.add_column(no_wrap=True, min_width=widths[1], overflow="ellipsis")
    table.add_column(no_wrap=True)
    for item, when in rows:
        table.add_row(Text(f"#{item.id}"), Text(item.kind), _user(item.title), when)
    return table


def people(rows: Sequence[PersonRow], env: Env) -> None:
    """``respond people``: one line per person."""
    out = console()
    if not rows:
        _emit(out, Text("No one yet: add an ask, a promise or a thanks."))
        return
    now, tz = env.now(), env.clock.tz
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("person", no_wrap=True, max_width=PERSON_WIDTH, overflow="ellipsis")
    table.add_column("open", justify="right", no_wrap=True)
    table.add_column("overdue", justify="right", no_wrap=True)
    table.add_column("waiting on", justify="right", no_wrap=True)
    table.add_column("recent", justify="right", no_wrap=True)
    table.add_column("last activity", no_wrap=True)
    table.add_column("last thanked", no_wrap=True)
    for row in rows:
        table.add_row(
            _user(row.name, PERSON_WIDTH),
            Text(str(row.open) if row.open else "-", style="" if row.open else "dim"),
            Text(
                str(row.overdue) if row.overdue else "-", style="bold red" if row.overdue else "dim"
            ),
            Text(str(row.waiting) if row.waiting else "-", style="" if row.waiting else "dim"),
            Text(str(row.recent)),
            Text(timefmt.ago(row.last_activity, now)),
            Text(
                timefmt.day(row.last_thanked, now, tz) if row.last_thanked else "never",
                style="" if row.last_thanked else "dim",
            ),
        )
    _emit(out, table)

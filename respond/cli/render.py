"""Everything the user sees, drawn with Rich: the only module that imports rich. Each view's
drawing has a twin of the same name in ``cli.shapes``, its ``--json`` (``cli.appstate.App.emit``).

User text (titles, names, notes, tags) always goes through :func:`respond.core.text.visible` and
into ``rich.text.Text`` objects, never through markup, so ``[red]`` stays ``[red]`` and escape
sequences show as ``\\x1b``. Piped output and ``NO_COLOR`` get plain, aligned text; piped
output is not hard-wrapped at 80 columns.

Every table (``list``, ``today``, ``who``, ``people``, ``week``) is laid out by :func:`fit`, one
rule for all: IDs, kinds, names, times and counts stay whole; titles give way first, then notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from respond.cli.eventtext import event_lines, event_time, note_lines
from respond.cli.layout import (
    GAP,
    MIN_TITLE,
    PERSON_WIDTH,
    TITLE_WIDTH,
    WHOLE,
    Col,
    Layout,
    fit,
)
from respond.core import timefmt
from respond.core.clock import to_local
from respond.core.model import Item
from respond.core.text import shorten, visible

if TYPE_CHECKING:
    from respond.cli.output import Environment
    from respond.core.env import Env
    from respond.core.people import PersonRow, PersonView
    from respond.core.review import NeedsYou, Review
    from respond.core.scoring import Scorecard


def console(io: Environment) -> Console:
    """A console for the command's stdout, as its output environment says (see
    :class:`respond.cli.output.Environment`): Rich itself honours ``NO_COLOR``."""
    return Console(
        file=io.stdout,
        width=io.width,
        force_terminal=io.force_terminal,
        no_color=None if io.color else True,  # None: Rich honours NO_COLOR itself
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


# -- tables that fit the terminal --------------------------------------------------------------


def _wrapped(out: Console, text: Text, width: int) -> list[Text]:
    return list(text.wrap(out, max(width, 1))) or [Text("")]


def row_lines(
    out: Console, layout: Layout, cells: Sequence[Text], style: str = "", header: bool = False
) -> list[Text]:
    """One row (or the header row) laid out: its lines, with no trailing spaces."""
    result: list[Text] = []
    for k, line in enumerate(layout.lines):
        start = layout.indent if k == 0 else layout.hang
        if not any(cells[c].plain for c in line):
            continue
        alone = len(line) == 1 and layout.cols[line[0]].give > 0
        wrap = alone and layout.cols[line[0]].least >= WHOLE
        parts: list[list[Text]] = []
        for c in line:
            if wrap:
                parts.append(_wrapped(out, cells[c], layout.width - start))
            elif header:
                parts.append(_wrapped(out, cells[c], layout.widths[c]))
            else:
                parts.append([cells[c]])
        for i in range(max(len(p) for p in parts)):
            text = Text(" " * start)
            for j, c in enumerate(line):
                if j:
                    text.append(" " * GAP)
                piece = parts[j][i] if i < len(parts[j]) else Text("")
                cell_width = layout.width - start if alone else layout.widths[c]
                _append_cell(text, piece, cell_width, right=layout.cols[c].right)
            text.rstrip()
            if style:
                text.stylize(style)
            result.append(text)
    return result


def table_lines(
    out: Console,
    cols: Sequence[Col],
    rows: Sequence[Sequence[Text]],
    styles: Sequence[str] | None = None,
    hang: int | None = None,
) -> list[Text]:
    """A table with a bold header row, fitted to the terminal by :func:`fit`."""
    layout = fit(cols, rows, out.width, header=True, hang=hang, measure=cell_len)
    lines = row_lines(out, layout, [Text(col.header) for col in cols], "bold", header=True)
    for n, row in enumerate(rows):
        lines += row_lines(out, layout, row, styles[n] if styles else "")
    return lines


def _print_lines(out: Console, lines: Sequence[Text]) -> None:
    if lines:
        _emit(out, Text("\n").join(lines), no_wrap=True, overflow="ellipsis", crop=True)


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


def _append_cell(line: Text, text: Text, width: int, right: bool = False) -> None:
    """Append :func:`_cell` of ``text`` to ``line``: the same spans, without copying a cell
    that fits and has no style of its own (most of them)."""
    gap = width - text.cell_len
    if gap < 0 or (text.style and not right):  # cut, or padding that takes the cell's style
        line.append_text(_cell(text, width, right))
    elif right:
        line.append(" " * gap)
        line.append_text(text)
    else:
        line.append_text(text)
        line.append(" " * gap)


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


late = timefmt.late  # ``3h late``: the one wording for a passed due time, in every view


def _today(moment: datetime, now: datetime, env: Env) -> bool:
    return to_local(moment, env.clock.tz).date() == to_local(now, env.clock.tz).date()


def due_text(item: Item, now: datetime, env: Env) -> Text:
    """A due time in a table (``list``, ``who``): ``3h late`` in red once it has passed,
    ``today 17:00`` in yellow, later ones (``Fri 17:00``) dim; a closed item's, dim."""
    if item.due is None:
        return Text("-", style="dim")
    if not item.is_open:
        return Text(timefmt.when(item.due, now, env.clock.tz), style="dim")
    if item.due < now:
        return Text(late(item.due, now), style="bold red")
    return Text(
        timefmt.when(item.due, now, env.clock.tz),
        style="yellow" if _today(item.due, now, env) else "dim",
    )


def _user(value: str, width: int = TITLE_WIDTH) -> Text:
    return Text(shorten(value, width))


ITEM_COLS = (
    Col("ID", right=True),
    Col("Kind"),
    Col("Person", least=PERSON_WIDTH),
    Col("Title", give=1, least=MIN_TITLE),
    Col("Due"),
    Col("Status"),
)


def items(listed: Sequence[Item], env: Env, io: Environment) -> None:
    """``respond list``: one row per item, fitted to the terminal (see :func:`fit`)."""
    out = console(io)
    if not listed:
        out.print(Text("Nothing here."))
        return
    now = env.now()
    rows = [
        [
            Text(f"#{item.id}"),
            Text(item.kind),
            _user(item.person),
            _user(item.title),
            due_text(item, now, env),
            Text(item.status, style="" if item.is_open else "dim"),
        ]
        for item in listed
    ]
    _print_lines(out, table_lines(out, ITEM_COLS, rows))


def item(item: Item, env: Env, io: Environment) -> None:
    """``respond show``: the item's fields, then its whole history."""
    out = console(io)
    now = env.now()
    header = Text(f"#{item.id} ", style="bold")
    header.append(item.kind, style="bold")
    header.append(f" · {item.status}")
    _emit(out, header)
    fields: list[tuple[str, Text]] = [
        ("title", Text(visible(item.title))),
        ("person", Text(visible(item.person))),
    ]
    if item.channel:
        fields.append(("channel", Text(item.channel)))
    fields.append(("due", _due_detail(item, now, env)))
    fields.append(("created", Text(timefmt.when(item.created, now, env.clock.tz))))
    if item.for_id is not None:
        fields.append(("for", Text(f"#{item.for_id}")))
    if item.tags:
        fields.append(("tags", Text(visible(" ".join(f"+{t}" for t in item.tags)))))
    if item.note:
        fields.append(("note", Text("\n".join(visible(line) for line in note_lines(item.note)))))
    from rich.table import Table  # (only here and in person: ~21M instructions to import)

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in fields:
        grid.add_row(Text(name), value)
    _emit(out, grid)
    _emit(out, Text("history", style="bold"))
    history = Table.grid(padding=(0, 2))
    history.add_column(no_wrap=True, style="dim")
    history.add_column(overflow="fold")
    for event in item.history:
        lines = event_lines(event, env)
        history.add_row(Text(event_time(event, env)), Text("\n".join(map(visible, lines))))
    _emit(out, history)


def _due_detail(item: Item, now: datetime, env: Env) -> Text:
    """``show``'s due line: the time, and how late once it has passed (``Mon 23 Nov 17:00 ·
    2 days late``); it never repeats the word "due"."""
    if item.due is None:
        return Text("none", style="dim")
    shown = Text(timefmt.when(item.due, now, env.clock.tz))
    if item.is_open and item.due < now:
        shown.append(" · ")
        shown.append(late(item.due, now), style="bold red")
    elif item.is_open and _today(item.due, now, env):
        shown.stylize("yellow")
    return shown


# -- the morning review ----------------------------------------------------------------------

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


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


# A review row: ID, kind, person, title, time, and a note (whom it is for, what to do).
REVIEW_COLS = (
    Col(right=True),
    Col(),
    Col(least=PERSON_WIDTH),
    Col(give=1, least=MIN_TITLE),
    Col(),
    Col(give=2, least=WHOLE),
)
Row = list[Text]


#: How many rows each section of ``today`` shows without ``--all`` (as ``task next`` has a
#: limit): the rest is one line, "… and 37 more overdue (respond today --all)".
SECTION_LINES = 10


def _review_rows(
    view: Review, env: Env, limit: int | None = None
) -> list[tuple[str, str, list[Row], int]]:
    """The sections as (heading, style, rows, rows left out); only the rows shown are built."""
    from respond.core.review import DUE_KINDS, your_promise

    now, tz = view.now, env.clock.tz
    sections: list[tuple[str, str, list[Row], int]] = []

    def shown(listed: Sequence[Any]) -> Sequence[Any]:
        return listed if limit is None else listed[:limit]

    def row(item: Item, when: Text, extra: Text | None = None) -> Row:
        return [
            Text(f"#{item.id}"),
            Text("promise" if item.kind in DUE_KINDS and your_promise(item) else item.kind),
            _user(item.person),
            _user(item.title, REVIEW_TITLE_WIDTH),
            when,
            extra or Text(""),
        ]

    def due(item: Item, style: str) -> Text:
        """``3h late`` once the due time has passed, else ``due 14:00`` (it is due today)."""
        assert item.due is not None
        if item.due < now:
            return Text(late(item.due, now), style=style)
        return Text(f"due {to_local(item.due, tz):%H:%M}", style="yellow")

    def promised(item: Item) -> Text | None:
        """``you promised Lee Park by 09:00``; once passed, ``broken promise (you promised...)``."""
        if item.due is None or not your_promise(item):
            return None
        local = to_local(item.due, tz)
        by = f"{local:%H:%M}" if _today(item.due, now, env) else timefmt.when(item.due, now, tz)
        said = f"you promised {shorten(item.person, PERSON_WIDTH)} by {by}"
        if item.due < now:
            return Text(f"broken promise ({said})", style="red")
        return Text(said)

    def add(heading: str, style: str, rows: list[Row], total: int) -> None:
        sections.append((heading, style, rows, total - len(rows)))

    overdue = [row(item, due(item, "bold red"), promised(item)) for item in shown(view.overdue)]
    add("Overdue", "bold red", overdue, len(view.overdue))
    due_today = [row(item, due(item, "bold red"), promised(item)) for item in shown(view.due_today)]
    add("Due today", "bold yellow", due_today, len(view.due_today))
    followups = [row(item, due(item, "red")) for item in shown(view.followups)]
    add("Follow-ups due", "bold magenta", followups, len(view.followups))
    waiting: list[Row] = []
    for w in shown(view.waiting):
        extra = Text()
        if w.served is not None:
            extra.append(f"for {shorten(w.served.person, PERSON_WIDTH)} (#{w.served.id})")
        elif w.item.for_id is not None:
            extra.append(f"for #{w.item.for_id}")
        if w.chase:
            extra.append(" · " if extra else "")
            extra.append("chase them", style="yellow")
        waiting.append(row(w.item, Text(f"waited {timefmt.span(w.waited)}"), extra))
    add("Waiting on others", "bold blue", waiting, len(view.waiting))
    relay: list[Row] = []
    for r in shown(view.relay):
        answered = Text("answered", style="cyan")
        if r.answered_at is not None:
            answered.append(f" {timefmt.ago(r.answered_at, now)}")
        extra = Text("→ tell ", style="cyan")
        extra.append(f"{shorten(r.ask.person, PERSON_WIDTH)} (#{r.ask.id})", style="bold cyan")
        relay.append(row(r.answer, answered, extra))
    add("Relay back", "bold cyan", relay, len(view.relay))
    return [section for section in sections if section[2]]


def week_line(card: Scorecard) -> Text:
    """``This week: 84 (+6) · prompt reply 90 · word kept 100 · ... · gratitude 1/3``, or,
    while this week has nothing decided, ``This week: nothing decided yet · last week ...``."""
    from respond.core.scoring import HABIT_LABELS

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


#: What the line under a cut section calls the rows it leaves out.
MORE = {
    "Overdue": "overdue",
    "Due today": "due today",
    "Follow-ups due": "follow-ups due",
    "Waiting on others": "waiting on others",
    "Relay back": "to relay back",
}


def review(view: Review, env: Env, io: Environment, limit: int | None = SECTION_LINES) -> None:
    """``respond today``: sections whose rows share one layout (:func:`fit`), so that columns
    line up across sections; empty sections left out. Each section shows its first ``limit``
    rows (None: all) and then how many more there are; only the rows shown are built and
    fitted, so the time follows what is shown, not how much is open."""
    out = console(io)
    if view.needs.total:
        _emit(out, needs_line(view.needs))
    sections = _review_rows(view, env, limit)
    layout = fit(
        REVIEW_COLS,
        [row for _, _, group, _ in sections for row in group],
        out.width,
        2,
        measure=cell_len,
    )
    if not sections:
        _emit(out, Text(QUIET_DAY))
    # A heading that fits on its line is printed with the rows under it: one print (and
    # write) where a heading and its rows were two.
    lines: list[Text] = []
    for heading, style, group, hidden in sections:
        head = Text(heading, style=style)
        if head.cell_len <= out.width:  # as it prints alone: on one line, whole
            lines.append(head)
        else:
            _print_lines(out, lines)
            lines = []
            _emit(out, head)
        lines += [line for row in group for line in row_lines(out, layout, row)]
        if hidden:
            _print_lines(out, lines)
            lines = []
            more = Text(f"… and {hidden} more {MORE[heading]} (respond today --all)", style="dim")
            from rich.padding import Padding

            _emit(out, Padding(more, (0, 0, 0, 2), expand=False))  # wrapped lines indented too
    _print_lines(out, lines)
    if view.week is not None:
        _emit(out, week_line(view.week))


# -- the weekly scorecard ------------------------------------------------------------------


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def _week_title(card: Scorecard) -> Text:
    from respond.core.scoring import iso_week

    week = card.current
    label = f"Week {iso_week(week.start)[-2:].lstrip('0')} · " if card.calendar.iso_weeks else ""
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


SCORE_COLS = (
    Col("habit"),
    Col("this week", right=True),
    Col(""),
    Col("last week", right=True),
    Col("streak", right=True),
    Col("strength", right=True),
    Col("last 8 weeks"),
)


def scorecard(
    card: Scorecard, env: Env, io: Environment, history: int | None = None, legend: bool = True
) -> None:
    """``respond week``: one row per habit and an overall row, a legend line (unless
    ``legend`` is false: ``--quiet``), then ``history`` weeks below."""
    out = console(io)
    _emit(out, _week_title(card))
    rows: list[Row] = [
        [
            Text(summary.label),
            score_text(summary.week.score),
            _cell_detail(summary.week.kept, summary.week.total, summary.week.score),
            score_text(summary.last_week.score),
            Text(_weeks(summary.streak) if summary.streak else "-"),
            score_text(summary.strength),
            sparkline(summary.spark),
        ]
        for summary in card.habits
    ]
    rows.append(
        [
            Text("overall", style="bold"),
            score_text(card.overall),
            change_text(card.change),
            score_text(card.last_overall),
            Text(_weeks(card.overall_streak) if card.overall_streak else "-"),
            score_text(card.overall_strength),
            sparkline(card.spark),
        ]
    )
    styles = [""] * (len(rows) - 1) + ["bold"]
    _print_lines(out, table_lines(out, SCORE_COLS, rows, styles, hang=2))
    if legend:
        _emit(out, Text(WEEK_LEGEND, style="dim"))
    if history:
        _history(card, out)


def _history(card: Scorecard, out: Console) -> None:
    from respond.core.scoring import HABIT_LABELS, HABITS, iso_week

    cols = [
        Col("week"),
        *(Col(HABIT_LABELS[habit], right=True) for habit in HABITS),
        Col("overall", right=True),
    ]
    rows: list[Row] = []
    for week in reversed(card.weeks):
        label = f"{iso_week(week.start)} " if card.calendar.iso_weeks else ""
        rows.append(
            [
                Text(f"{label}{week.start:%a} {week.start.day} {week.start:%b}"),
                *(score_text(week.habits[habit].score) for habit in HABITS),
                score_text(week.overall),
            ]
        )
    _emit(out, Text(""))
    _print_lines(out, table_lines(out, cols, rows, hang=2))


# -- people ----------------------------------------------------------------------------------


def person(view: PersonView, env: Env, io: Environment, limit: int | None = None) -> None:
    """``respond who``: the stats, the open items, then the history (most recent first)."""
    out = console(io)
    now, tz = env.now(), env.clock.tz
    _emit(out, Text(shorten(view.name, 80), style="bold"))
    from rich.padding import Padding
    from rich.table import Table

    stats = Table.grid(padding=(0, 2))
    stats.add_column(style="dim", no_wrap=True)
    stats.add_column(overflow="fold")
    overdue = sum(1 for item in view.open if item.due is not None and item.due < now)
    open_text = Text(f"{len(view.open)} open")
    if overdue:
        open_text.append(f", {overdue} overdue", style="bold red")
    open_text.append(f" · {len(view.open) + view.closed} in all", style="dim")
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
    if view.addresses:
        stats.add_row(Text("email"), _user(", ".join(view.addresses)))
    _emit(out, Padding(stats, (0, 0, 0, 2), expand=False))
    shown = view.history if limit is None else view.history[:limit]
    opened = [_person_row(item, due_text(item, now, env)) for item in view.open]
    closed = [
        _person_row(
            item,
            Text(
                f"{item.status} {timefmt.day(at, now, tz) if at else ''}".strip(),
                style="dim" if item.status == "done" else "yellow",
            ),
        )
        for item, at in shown
    ]
    layout = fit(
        PERSON_ITEM_COLS, opened + closed, out.width, 2, measure=cell_len
    )  # Open and History line up
    for heading, rows in (("Open", opened), ("History", closed)):
        if rows:
            _emit(out, Text(heading, style="bold"))
            _print_lines(out, [line for row in rows for line in row_lines(out, layout, row)])
    hidden = view.closed - len(shown)
    if hidden > 0:
        _emit(out, Text(f"  … and {hidden} more (--all shows everything)", style="dim"))


PERSON_ITEM_COLS = (Col(right=True), Col(), Col(give=1, least=MIN_TITLE), Col())


def _person_row(item: Item, when: Text) -> Row:
    """An item with one person: ID, kind, title, time."""
    return [Text(f"#{item.id}"), Text(item.kind), _user(item.title), when]


PEOPLE_COLS = (
    Col("person", least=PERSON_WIDTH),
    Col("open", right=True),
    Col("overdue", right=True),
    Col("waiting on", right=True),
    Col("recent", right=True),
    Col("last activity"),
    Col("last thanked"),
)


def people(rows: Sequence[PersonRow], env: Env, io: Environment) -> None:
    """``respond people``: one line per person."""
    out = console(io)
    if not rows:
        _emit(out, Text("No one yet: add an ask, a promise or a thanks."))
        return
    now, tz = env.now(), env.clock.tz
    table = [
        [
            _user(row.name),
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
        ]
        for row in rows
    ]
    _print_lines(out, table_lines(out, PEOPLE_COLS, table, hang=2))


# -- progress of long work (a sync's join) ------------------------------------------------------


class ProgressBar:
    """A transient Rich progress bar on the terminal's stderr (the one-line result on stdout
    stays alone): started by the first :meth:`update`, gone after :meth:`close`."""

    def __init__(self, io: Environment) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        out = Console(file=io.stderr, no_color=None if io.color else True, highlight=False)
        self._progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TimeElapsedColumn(),
            console=out,
            transient=True,
        )
        self._task: Any = None

    def update(self, stage: str, done: int, total: int) -> None:
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(stage, total=total)
        self._progress.update(self._task, description=stage, completed=done, total=total)

    def close(self) -> None:
        if self._task is not None:
            self._progress.stop()

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
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from respond import timefmt
from respond.clock import to_local
from respond.model import Item
from respond.text import shorten, visible

if TYPE_CHECKING:
    from respond.actions import Env

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


def today(items: Sequence[Item], env: Env) -> None:
    out = console()
    now = env.now()
    overdue = [item for item in items if item.due is not None and item.due < now]
    later = [item for item in items if item not in overdue]
    if not items:
        out.print(Text("Nothing overdue or due today. Everyone who is waiting on you is covered."))
        return
    for heading, style, group in (
        ("Overdue", "bold red", overdue),
        ("Due today", "bold yellow", later),
    ):
        if not group:
            continue
        out.print(Text(heading, style=style))
        table = Table(box=None, show_header=False, pad_edge=False, show_edge=False)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, max_width=TITLE_WIDTH, overflow="ellipsis")
        table.add_column(no_wrap=True, max_width=24, overflow="ellipsis")
        table.add_column(no_wrap=True)
        for item in group:
            table.add_row(
                Text(f"#{item.id}"),
                _user(item.title),
                _user(item.person, 24),
                due_text(item, now, env),
            )
        out.print(table)

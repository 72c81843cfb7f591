"""The one rule by which every table fits the terminal (:func:`fit`): which columns stay whole,
which give way and in what order, and where a row's further lines go. Widths only: the
renderer (:mod:`respond.cli.render`, the only Rich code) measures the cells and draws.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from respond.core.value import Value

GAP = 2  # cells between two columns


PERSON_WIDTH = 30  # a name longer than this may be cut, once the titles are at their least


TITLE_WIDTH = 60  # user text in a cell or a line (a title, a name) is cut at this length
MIN_TITLE = 16  # a title is cut no narrower than this before it moves to a line of its own


WHOLE = 10_000  # the least of a give-way column that is never cut, only moved below the row


# Plain classes on core/value.py's Value, not dataclasses: a frozen dataclass compiles its
# methods when the module is imported, on every run that draws a table.


class Col(Value):
    """A table column. A *key* column (``give`` 0: IDs, kinds, names, times, counts) is shown in
    full; a *give-way* column makes room for them: titles (``give`` 1) first, then notes (2).
    ``least`` is how narrow a give-way column may be cut; for a key column (a name) it is how
    narrow a longer value may be cut once every give-way column is at its least."""

    __slots__ = ("header", "right", "give", "least")  # noqa: RUF023 (field order)
    header: str
    right: bool
    give: int
    least: int

    def __init__(
        self, header: str = "", right: bool = False, give: int = 0, least: int = 0
    ) -> None:
        object.__setattr__(self, "header", header)
        object.__setattr__(self, "right", right)
        object.__setattr__(self, "give", give)
        object.__setattr__(self, "least", least)


class Layout(Value):
    """Where each column of a row goes: ``lines[0]`` starts at ``indent``, further lines of the
    same row at ``hang``. A give-way column alone on its line has the whole line: a title is
    cut to it, a note that is never cut (``least`` ``WHOLE``) wraps."""

    __slots__ = ("cols", "widths", "lines", "indent", "hang", "width")  # noqa: RUF023 (field order)
    cols: tuple[Col, ...]
    widths: tuple[int, ...]
    lines: tuple[tuple[int, ...], ...]
    indent: int
    hang: int
    width: int

    def __init__(
        self,
        cols: tuple[Col, ...],
        widths: tuple[int, ...],
        lines: tuple[tuple[int, ...], ...],
        indent: int,
        hang: int,
        width: int,
    ) -> None:
        object.__setattr__(self, "cols", cols)
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "lines", lines)
        object.__setattr__(self, "indent", indent)
        object.__setattr__(self, "hang", hang)
        object.__setattr__(self, "width", width)


def _span(widths: Sequence[int], columns: Sequence[int], start: int) -> int:
    return start + sum(widths[c] for c in columns) + GAP * max(len(columns) - 1, 0)


def _shrink(cols: Sequence[Col], widths: list[int], columns: Sequence[int], over: int) -> int:
    """Cut the give-way columns (titles first, then notes) and then long names toward their
    least, as far as ``over`` asks; what is still over."""
    givers = sorted((c for c in columns if cols[c].give), key=lambda c: (cols[c].give, c))
    names = [c for c in columns if not cols[c].give and cols[c].least]
    for c in [*givers, *names]:
        if over <= 0:
            break
        cut = min(over, max(widths[c] - cols[c].least, 0))
        widths[c] -= cut
        over -= cut
    return over


def fit(
    cols: Sequence[Col],
    rows: Sequence[Sequence[Any]],
    width: int,
    indent: int = 0,
    header: bool = False,
    hang: int | None = None,
    *,
    measure: Callable[[str], int],
) -> Layout:
    """The one rule by which every table fits the terminal, in steps, each taken only when the
    table is still too wide:

    1. every column at its natural width, a row on one line;
    2. titles are cut (with ``…``) down to ``MIN_TITLE`` cells, then notes; then names longer
       than ``PERSON_WIDTH`` are cut to it;
    3. the note, then the title, moves to a line of its own under the row (where a title is
       cut to the line's width and a note wraps, whole);
    4. headers wrap at their spaces (``waiting`` over ``on``), and steps 2 and 3 again;
    5. the key columns wrap onto more lines: the first column (the ID) leads, then the other
       short ones (kind, times, counts), then names, then titles and notes where they fit
       (headers wrapped only if that saves a line).

    Continuation lines start under the second column, or ``hang`` cells in. Only a single value
    wider than a whole line (never at 40 columns or more) is cut. A cell is anything with a
    ``cell_len`` (the renderer's text); ``measure`` gives a header's width in cells."""
    count = len(cols)
    values = [max((row[c].cell_len for row in rows), default=0) for c in range(count)]
    heads = [measure(col.header) if header else 0 for col in cols]
    natural = [max(v, h) for v, h in zip(values, heads, strict=True)]
    shown = [c for c in range(count) if natural[c]]
    if not shown:
        return Layout(tuple(cols), tuple(natural), (), indent, indent, width)
    choices = [natural]
    if header:
        words = [
            max([v, *map(measure, col.header.split())]) for v, col in zip(values, cols, strict=True)
        ]
        if words != natural:
            choices.append(words)
    for widest in choices:
        layout = _one_line(cols, widest, shown, width, indent, hang)
        if layout is not None:
            return layout
    packed = [_packed(cols, widest, shown, width, indent, hang) for widest in choices]
    return min(packed, key=lambda layout: len(layout.lines))


def _hang(widths: Sequence[int], first: int, indent: int, hang: int | None) -> int:
    """Where a row's further lines start: under its second column, unless ``hang`` says."""
    return indent + widths[first] + GAP if hang is None else hang


def _layout(
    cols: Sequence[Col],
    widths: list[int],
    lines: list[list[int]],
    width: int,
    indent: int,
    hang: int | None,
) -> Layout:
    start = _hang(widths, lines[0][0], indent, hang)
    return Layout(
        tuple(cols), tuple(widths), tuple(tuple(line) for line in lines), indent, start, width
    )


def _one_line(
    cols: Sequence[Col],
    natural: list[int],
    shown: list[int],
    width: int,
    indent: int,
    hang: int | None,
) -> Layout | None:
    """Steps 1 to 3 of :func:`fit`: the row's key columns on one line, or None."""
    row = list(shown)
    below: list[Any] = []
    while True:
        widths = list(natural)
        if _shrink(cols, widths, row, _span(widths, row, indent) - width) <= 0:
            return _layout(cols, widths, [row] + [[c] for c in sorted(below)], width, indent, hang)
        movable = [c for c in row if cols[c].give]
        if not movable:
            return None
        moved = max(movable, key=lambda c: (cols[c].give, c))
        row.remove(moved)
        below.append(moved)


def _packed(
    cols: Sequence[Col],
    natural: list[int],
    shown: list[int],
    width: int,
    indent: int,
    hang: int | None,
) -> Layout:
    """Step 5 of :func:`fit`: the columns packed onto lines, in order of importance."""
    first, rest = shown[0], shown[1:]
    start = _hang(natural, first, indent, hang)
    widths = list(natural)
    _shrink(cols, widths, shown, WHOLE)
    order = [
        first,
        *(c for c in rest if not cols[c].give and not cols[c].least),
        *(c for c in rest if not cols[c].give and cols[c].least),
        *(c for c in rest if cols[c].give),
    ]
    lines: list[list[int]] = [[]]
    pos = indent
    for c in order:
        if lines[-1] and pos + GAP + widths[c] > width:
            lines.append([])
            pos = start
        pos += GAP if lines[-1] else 0
        lines[-1].append(c)
        widths[c] = max(min(widths[c], width - pos), 1)
        pos += widths[c]
    for k, line in enumerate(lines):  # each line's room left goes to its titles, then notes
        slack = width - _span(widths, line, indent if k == 0 else start)
        for c in sorted((c for c in line if cols[c].give), key=lambda c: (cols[c].give, c)):
            grow = max(min(slack, natural[c] - widths[c]), 0)
            widths[c] += grow
            slack -= grow
    return _layout(cols, widths, lines, width, indent, hang)

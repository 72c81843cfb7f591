"""Exporting items: lossless JSON, CSV for spreadsheets, iCalendar (ICS) for calendar apps.

Pure: each function turns items into text or bytes; the CLI decides where they go.

* **JSON** holds every item exactly as stored (``id``, ``uuid``, history and all) under a small
  header, ``{"format": "respond-export", "version": 1, ...}``; ``respond import`` reads it back.
  Each item also has ``closed_at`` (:func:`closed_at`: when it was done or dropped, UTC; ``null``
  while open), for scripts: derived from its history, so import ignores it.
  Control and format characters are written as JSON escapes (``\\u202e``), as in every JSON
  output (:func:`respond.core.text.json_text`): a parser reads back the same text.
* **CSV** has a header row, one row per item (the last column, ``closed_at``, says when it was
  done or dropped: "what did I close this week"), times in local time as ``YYYY-MM-DD HH:MM``
  (which spreadsheets read as dates), tags separated by spaces. Text that a spreadsheet would
  run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return), the
  uuid's too, is prefixed with ``'``, the usual guard against CSV injection. Control and
  format characters are shown as tables show them (``\\x1b``, ``\\u202e``): a CSV printed
  on a terminal runs no escape sequence. Files get a UTF-8 byte order mark so that Excel
  reads non-ASCII names right (:data:`CSV_BOM`); other spreadsheets ignore it.
* **ICS** (RFC 5545, written by the ``icalendar`` library, imported only here): one ``VTODO``
  per open item with its ``DUE`` time, ``UID`` = the item's uuid, a summary that says what to
  do ("Reply to Dana: Q3 numbers"), the note as description and kind and tags as categories.
* **ICS events** (``ics-events``), for calendars that ignore ``VTODO`` (Google Calendar, Outlook
  subscriptions): one ``VEVENT`` per open item with a due time, starting at it and lasting
  :data:`EVENT_LENGTH`, free time (``TRANSP:TRANSPARENT``), ``UID`` = the uuid and
  :data:`EVENT_UID_SUFFIX` (so that it never collides with the item's ``VTODO``), the same
  summary, description and categories, and a ``VALARM`` (``DISPLAY``) at the due time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from respond.core.clock import to_local, to_utc_iso
from respond.core.errors import RespondError
from respond.core.model import Item
from respond.core.text import json_text, visible

FORMAT = "respond-export"
VERSION = 1
FORMATS = ("json", "csv", "ics", "ics-events")
CSV_BOM = "\ufeff"
CSV_COLUMNS = (
    "id", "uuid", "kind", "status", "person", "title", "channel", "created", "due", "for_id",
    "tags", "note", "closed_at",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ICS_PRODID = "-//respond//respond//EN"
EVENT_LENGTH = timedelta(minutes=15)
EVENT_UID_SUFFIX = "-due"
_ICS_VERB = {
    "ask": "Reply to {person}",
    "promise": "Promised {person}",
    "waiting": "Chase {person}",
    "followup": "Follow up with {person}",
    "thanks": "Thank {person}",
}


def by_id(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda item: item.id)


def to_json(items: Iterable[Item], now: datetime) -> str:
    """The lossless export: a header and every item's stored record, by ID."""
    from respond import __version__

    document = {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"respond {__version__}",
        "exported": to_utc_iso(now),
        "items": [_exported(item) for item in by_id(items)],
    }
    return json_text(document) + "\n"


def closed_at(item: Item) -> datetime | None:
    """When ``item`` was done or dropped (its effective history's last closing: a reopened
    item's closing no longer counts), or ``None`` while it is open."""
    from respond.core.history import timeline

    return None if item.is_open else timeline(item.history).closed_at


def _exported(item: Item) -> dict[str, Any]:
    record = item.to_record()
    closed = closed_at(item)
    record["closed_at"] = to_utc_iso(closed) if closed is not None else None
    return record


def spreadsheet_safe(value: str) -> str:
    """Text that no spreadsheet will run as a formula: ``=SUM(A1)`` becomes ``'=SUM(A1)``."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _local(moment: datetime | None, tz: tzinfo | None) -> str:
    return "" if moment is None else f"{to_local(moment, tz):%Y-%m-%d %H:%M}"


def to_csv(items: Iterable[Item], tz: tzinfo | None = None, bom: bool = False) -> str:
    """A spreadsheet of every item (history left out), by ID; ``\\r\\n`` line ends (RFC 4180)."""
    out = io.StringIO()
    if bom:
        out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in by_id(items):
        writer.writerow(
            [
                item.id,
                spreadsheet_safe(_shown(item.uuid)),
                item.kind,
                item.status,
                spreadsheet_safe(_shown(item.person)),
                spreadsheet_safe(_shown(item.title)),
                item.channel or "",
                _local(item.created, tz),
                _local(item.due, tz),
                "" if item.for_id is None else item.for_id,
                spreadsheet_safe(_shown(" ".join(item.tags))),
                spreadsheet_safe(_shown(item.note, keep_newlines=True)),
                _local(closed_at(item), tz),
            ]
        )
    text = out.getvalue()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a database edited by hand): shown as \udc80
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _shown(value: str, keep_newlines: bool = False) -> str:
    """CSV and iCalendar text shows control and format characters visibly (``\\x1b``), as
    tables do: a CSV or calendar file shown in a terminal runs no escape sequence."""
    if keep_newlines:
        return "\n".join(visible(line) for line in value.replace("\r\n", "\n").split("\n"))
    return visible(value)


def summary(item: Item) -> str:
    verb = _ICS_VERB.get(item.kind, "{person}").format(person=item.person)
    return _shown(f"{verb}: {item.title}")


def calendar_items(items: Iterable[Item], *, events: bool = False) -> list[Item]:
    """What a calendar export holds, by due time: the open items (for events, those with a due
    time: an event needs a start)."""
    chosen = [item for item in items if item.is_open and (item.due is not None or not events)]
    far = float("inf")
    return sorted(chosen, key=lambda i: (i.due.timestamp() if i.due else far, i.id))


def to_ics(items: Iterable[Item], now: datetime, *, events: bool = False) -> bytes:
    """A calendar of :func:`calendar_items`: a ``VTODO`` each, or with ``events`` a ``VEVENT``
    with an alarm at the due time."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", ICS_PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "respond")
    for item in calendar_items(items, events=events):
        calendar.add_component(_event(item, now) if events else _todo(item, now))
    return bytes(calendar.to_ical())


def _todo(item: Item, now: datetime) -> Any:
    from icalendar import Todo

    todo = Todo()
    todo.add("uid", _shown(item.uuid))
    _describe(todo, item, now)
    if item.due is not None:
        todo.add("due", _utc(item.due))
    todo.add("status", "IN-PROCESS" if item.status == "acked" else "NEEDS-ACTION")
    return todo


def _event(item: Item, now: datetime) -> Any:
    from icalendar import Alarm, Event

    assert item.due is not None
    event = Event()
    event.add("uid", _shown(item.uuid) + EVENT_UID_SUFFIX)
    _describe(event, item, now)
    event.add("dtstart", _utc(item.due))
    event.add("duration", EVENT_LENGTH)
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the time stays free
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(0))  # at the event's start: the due time
    alarm.add("description", summary(item))
    event.add_component(alarm)
    return event


def _describe(component: Any, item: Item, now: datetime) -> None:
    """What a to-do and an event share: stamps, summary, categories and description."""
    component.add("dtstamp", _utc(now))
    component.add("created", _utc(item.created))
    component.add("summary", summary(item))
    component.add("categories", [item.kind, *(_shown(tag) for tag in item.tags)])
    description = f"respond #{item.id} · {item.kind} · {item.person}"
    if item.note:
        description += "\n\n" + item.note
    component.add("description", _shown(description, keep_newlines=True))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def payload(
    chosen: str, items: list[Item], now: datetime, tz: tzinfo | None, to_file: bool
) -> tuple[bytes, str]:
    """``items`` in the format ``chosen`` (one of :data:`FORMATS`), and what it holds as the
    confirmation says it (``12 item(s)``, ``3 open item(s)``). CSV written to a file starts
    with a byte order mark (Excel reads its accents right); on stdout it does not."""
    if chosen == "json":
        return to_json(items, now).encode("utf-8"), f"{len(items)} item(s)"
    if chosen == "csv":
        return to_csv(items, tz, bom=to_file).encode("utf-8"), f"{len(items)} item(s)"
    events = chosen == "ics-events"
    count = len(calendar_items(items, events=events))
    written = f"{count} open item(s){' with a due time' if events else ''}"
    return to_ics(items, now, events=events), written


def write_file(output: str, data: bytes, db: Path) -> tuple[str, str | None]:
    """Write an export to the file ``output`` (never one of the database ``db``'s files; a FIFO
    or a device is written into, see :func:`respond.storage.files.write_output`): the path as
    shown, and a warning when the disk did not confirm the write is durable."""
    from respond.core.text import visible
    from respond.storage.files import NotDurable, TargetError, write_output
    from respond.storage.paths import is_database_file

    target = Path(output).expanduser()
    shown = visible(str(target))
    if is_database_file(db, target):
        raise RespondError(
            f"can't export to {shown}: it is a file of the database; nothing written"
        )
    try:
        write_output(target, data)
    except TargetError as err:
        raise RespondError(f"can't export to {visible(str(err))}") from None
    except NotDurable as err:
        return shown, f"the disk did not confirm the export is durable ({err.strerror})"
    except OSError as err:
        raise RespondError(f"can't write {shown}: {err.strerror}") from None
    return shown, None

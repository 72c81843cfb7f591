"""Reading ``task export`` (taskwarrior's JSON) as respond items. Pure.

The mapping (also in the README):

=================  ===========================================================================
taskwarrior        respond
=================  ===========================================================================
``uuid``           ``uuid`` (so importing the same export twice adds nothing)
``description``    title
``entry``          created
``due``            due; a date without a time (taskwarrior stores local midnight) is due at
                   the end of that working day, as respond reads dates; an open task with a
                   ``wait`` date still to come and no due date (a waiting task: ``pending``
                   with ``wait`` since taskwarrior 2.6, ``waiting`` before) is due at its
                   ``wait`` date; a ``wait`` that has passed is ignored (the task is back on
                   taskwarrior's list with no due date: it is not overdue)
``status``         ``pending`` and ``waiting`` -> open; ``completed`` -> done and ``deleted``
                   -> dropped, both at the task's ``end`` time; ``recurring`` (the template
                   of a recurring task) is skipped: its pending instances are imported
``tags``           tags, except a kind tag (below), which sets the kind and is dropped
``project``        kept as a tag ``project:NAME``; a project part that names a kind (below)
                   sets the kind when no tag did (``Work.ask``, ``followups``)
``annotations``    the note, one annotation per line, oldest first
UDA ``person``     the person (define it with ``task config uda.person.type string``);
                   without it the person is ``unknown`` (``respond edit ID --person`` fixes it)
=================  ===========================================================================

Kind words (case-insensitive, in tags or project parts): ``ask``/``asks`` -> ask,
``promise``/``promises`` -> promise, ``waiting``/``wait``/``waitingfor`` -> waiting,
``followup``/``follow-up``/``followups`` -> followup, ``thanks``/``thank`` -> thanks. A task
with no kind word is a **promise**: a task on your list is something you said you would do.
Asks get the channel ``other``. Priority, urgency, dependencies and other UDAs are left out;
the import's confirmation ends with one line per kind of data left out and how many tasks had
it (:func:`left_out`).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, tzinfo
from typing import Any

from respond.core.clock import YEARS, storable, to_local
from respond.core.errors import RespondError
from respond.core.model import Item, record_flaws
from respond.core.text import quoted
from respond.core.worktime import WorkWeek

DEFAULT_KIND = "promise"
UNKNOWN_PERSON = "unknown"
KIND_WORDS: dict[str, str] = {
    "ask": "ask", "asks": "ask",
    "promise": "promise", "promises": "promise",
    "waiting": "waiting", "wait": "waiting", "waitingfor": "waiting",
    "followup": "followup", "follow-up": "followup", "followups": "followup",
    "thanks": "thanks", "thank": "thanks",
}  # fmt: skip
STATUS = {"pending": "open", "waiting": "open", "completed": "done", "deleted": "dropped"}


class TaskwarriorError(RespondError):
    """A file that is not a usable taskwarrior export (exit code 2)."""


def parse_export(text: str, name: str) -> list[dict[str, Any]]:
    """The task objects of ``task export`` output: a JSON array (taskwarrior 2.6 and 3), or one
    object per line (older versions)."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        data = json.loads(stripped)
    except RecursionError:
        raise TaskwarriorError(f"{name} is not taskwarrior JSON (nested too deeply)") from None
    except ValueError:
        try:
            data = [json.loads(line) for line in stripped.splitlines() if line.strip()]
        except RecursionError:
            raise TaskwarriorError(f"{name} is not taskwarrior JSON (nested too deeply)") from None
        except ValueError as err:
            raise TaskwarriorError(f"{name} is not taskwarrior JSON ({err})") from None
    if isinstance(data, dict) and data.get("format") == "respond-export":
        raise TaskwarriorError(f"{name} is a respond export; import it without --from")
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(task, dict) for task in data):
        raise TaskwarriorError(f"{name} is not a taskwarrior export (a JSON array of tasks)")
    return data


def tw_time(value: Any, what: str, where: str) -> datetime:
    """``20261125T100000Z`` (taskwarrior's format) or ISO 8601, as an aware datetime, within
    the years respond stores (:data:`respond.core.clock.YEARS`)."""
    if not isinstance(value, str):
        raise TaskwarriorError(f"{where}: {what} is not a date: {value!r:.40}")
    try:
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise TaskwarriorError(f"{where}: {what} is not a date: {quoted(value)}") from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if not storable(moment):
        raise TaskwarriorError(
            f"{where}: {what} {quoted(value)} is outside the years {YEARS[0]}-{YEARS[-1]}"
        )
    return moment


def kind_of(tags: list[str], project: str) -> tuple[str, str | None]:
    """The kind, and the tag that set it (``None`` when the project or the default did)."""
    for tag in tags:
        if tag.lower() in KIND_WORDS:
            return KIND_WORDS[tag.lower()], tag
    for part in re.split(r"[.\s]+", project):
        if part.lower() in KIND_WORDS:
            return KIND_WORDS[part.lower()], None
    return DEFAULT_KIND, None


def items_from_tasks(
    tasks: list[dict[str, Any]],
    now: datetime,
    name: str,
    week: WorkWeek | None = None,
    tz: tzinfo | None = None,
) -> list[Item]:
    """Items numbered 1..n in file order (the import gives them free local IDs). Two tasks
    with the same uuid make the file an error, as in a respond export: taskwarrior writes
    each task once, so such a file was put together by hand, and which copy is right is not
    respond's to guess."""
    items: list[Item] = []
    task_of: dict[str, int] = {}
    for n, task in enumerate(tasks, start=1):
        where = f"{name}: task {n}"
        item = item_from_task(task, now, where, len(items) + 1, week, tz)
        if item is None:
            continue
        if item.uuid in task_of:
            raise TaskwarriorError(
                f"{where} has the uuid {quoted(item.uuid)} of task {task_of[item.uuid]}"
            )
        task_of[item.uuid] = n
        items.append(item)
    return items


def item_from_task(
    task: dict[str, Any],
    now: datetime,
    where: str,
    item_id: int,
    week: WorkWeek | None = None,
    tz: tzinfo | None = None,
) -> Item | None:
    """One task as an item; ``None`` for a recurring template."""
    status = task.get("status")
    if status == "recurring":
        return None
    if not isinstance(status, str) or status not in STATUS:
        raise TaskwarriorError(f"{where}: unknown status {status!r:.40}")
    uuid = task.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        raise TaskwarriorError(f"{where}: has no uuid")
    title = task.get("description")
    if not isinstance(title, str) or not title.strip():
        raise TaskwarriorError(f"{where}: has no description")
    created = tw_time(task.get("entry"), "entry", where) if "entry" in task else now
    due = tw_time(task["due"], "due", where) if task.get("due") else None
    if due is None and STATUS[status] == "open" and task.get("wait"):
        # A waiting task: status "waiting" before taskwarrior 2.6, "pending" with a wait date
        # since. It is due when it comes back; once that has passed, it is an ordinary task.
        wait = tw_time(task["wait"], "wait", where)
        due = wait if wait > now else None
    if due is not None:
        local = to_local(due, tz)
        if (local.hour, local.minute, local.second) == (0, 0, 0):
            due = (week or WorkWeek()).end_of_day(local.date(), tz)

    raw_tags = task.get("tags") or []
    if not isinstance(raw_tags, list) or not all(isinstance(t, str) for t in raw_tags):
        raise TaskwarriorError(f"{where}: tags are not a list of words")
    project = task.get("project") or ""
    if not isinstance(project, str):
        raise TaskwarriorError(f"{where}: project is not text")
    kind, kind_tag = kind_of(raw_tags, project)
    tags: list[str] = []
    for tag in raw_tags:
        word = "_".join(tag.split())
        if tag != kind_tag and word and word not in tags:
            tags.append(word)
    if project.strip():
        tags.append("project:" + "_".join(project.split()))

    person = task.get("person")
    if not isinstance(person, str) or not person.strip():
        person = UNKNOWN_PERSON

    annotations = task.get("annotations") or []
    if not isinstance(annotations, list):
        raise TaskwarriorError(f"{where}: annotations are not a list")
    lines: list[str] = []
    for note in sorted(
        (a for a in annotations if isinstance(a, dict)), key=lambda a: str(a.get("entry", ""))
    ):
        text = note.get("description")
        if isinstance(text, str) and text.strip():
            lines.append(text)

    item = Item(
        id=item_id,
        uuid=uuid,
        kind=kind,
        person=person,
        title=title,
        channel="other" if kind == "ask" else None,
        created=created,
        due=due,
        status=STATUS[status],
        tags=tags,
        note="\n".join(lines),
    )
    item.record("created", created, due=_iso(due))
    if kind == "promise" and due is not None:
        item.record("promised", created, due=_iso(due))
    if item.status in ("done", "dropped"):
        ended = task.get("end") or task.get("modified")
        at = tw_time(ended, "end", where) if ended else now
        item.record(item.status, at)
    item.record("imported", now, source="taskwarrior")
    # The one rule of a sound record, the one a respond export meets: every text (uuid,
    # description, person, annotations, tags, project) valid UTF-8, every time in range.
    flaws = record_flaws(item.to_record())
    if flaws:
        raise TaskwarriorError(f"{where}: {flaws[0].sentence}")
    return item


# What respond reads from a task (above), and taskwarrior's bookkeeping that carries nothing of
# the user's (``id`` is a working-set number, ``urgency`` is computed from the rest,
# ``mask``/``imask``/``parent``/``rtype`` belong to a recurrence, reported on its own).
_READ = frozenset({
    "uuid", "description", "entry", "due", "wait", "status", "tags", "project", "annotations",
    "person", "end", "modified", "id", "urgency", "mask", "imask", "parent", "rtype", "recur",
})  # fmt: skip
# Core attributes respond has no place for, in the order the report names them.
_DROPPED = ("priority", "depends", "scheduled", "until", "start")


def left_out(tasks: list[dict[str, Any]], now: datetime) -> dict[str, list[str]]:
    """What the import leaves out of ``tasks``, by kind in report order, each with the uuids
    of the tasks that had it (a template's uuid is never imported: it is skipped whole). The
    kinds: ``recurrence template`` (skipped), ``recurrence`` (an instance, imported as one
    task), ``without a person`` (set to unknown), each of :data:`_DROPPED`, ``passed wait``
    (ignored), then each UDA (``UDA NAME``)."""
    found: dict[str, list[str]] = {}

    def note(kind: str, task: dict[str, Any]) -> None:
        found.setdefault(kind, []).append(str(task.get("uuid", "")))

    udas: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        if task.get("status") == "recurring":
            note("recurrence template", task)
            continue
        if task.get("recur") or task.get("parent"):
            note("recurrence", task)
        person = task.get("person")
        if not isinstance(person, str) or not person.strip():
            note("without a person", task)
        for key in _DROPPED:
            if task.get(key) not in (None, "", []):
                note(key, task)
        if (
            not task.get("due")
            and task.get("status") in ("pending", "waiting")
            and task.get("wait")
        ):
            try:
                passed = tw_time(task["wait"], "wait", "") <= now
            except TaskwarriorError:
                passed = False
            if passed:
                note("passed wait", task)
        for key, value in task.items():
            if key not in _READ and key not in _DROPPED and value not in (None, "", []):
                udas.setdefault(key, []).append(task)
    order = ["recurrence template", "recurrence", "without a person", *_DROPPED, "passed wait"]
    ordered = {kind: found[kind] for kind in order if kind in found}
    for key in sorted(udas):
        ordered[f"UDA {key}"] = [str(task.get("uuid", "")) for task in udas[key]]
    return ordered


# What each kind of data left out became, after its count.
_FATE = {
    "recurrence template": " (skipped; its instances are imported)",
    "recurrence": " (imported once; it does not repeat here)",
    "without a person": " (set to unknown)",
    "passed wait": " (ignored: not overdue)",
}


def report_lines(lost: dict[str, list[str]], added: set[str]) -> list[str]:
    """One line per kind of data :func:`left_out` found, with how many of the tasks ``added``
    (by uuid) had it; templates count whole (they are never added)."""
    lines = []
    for kind, uuids in lost.items():
        count = len(uuids) if kind == "recurrence template" else sum(u in added for u in uuids)
        if count:
            what = "  no person:" if kind == "without a person" else f"  left out: {kind}"
            lines.append(f"{what} {count}{_FATE.get(kind, '')}")
    return lines


def _iso(moment: datetime | None) -> str | None:
    from respond.core.clock import to_utc_iso

    return to_utc_iso(moment) if moment is not None else None

"""Settings that shape behaviour, and the TOML config file that may change them.

:class:`respond.core.settings.Settings` holds the defaults. :func:`load_settings` reads the
user's config file (see
:func:`respond.storage.paths.config_path`) with the standard library's ``tomllib``, checks
every value, and returns the effective settings plus where each value came from (``default`` or
``file``). A bad value is a :class:`ConfigError` naming the key and the file.

Every key of the file is declared once, in :data:`SETTINGS`: its key, the field of
:class:`~respond.core.settings.Settings` it sets, how a file's value is checked (``parse``),
how ``respond config`` shows it (``show``), and its line of the commented example
(:func:`template`, which docs/usage.md shows; a test keeps the two equal). :data:`KEYS`, the
reading, ``respond config`` (and ``--json``) and the example all derive from that table.
Keys whose values only make sense together (``[work]``, ``[sla]``, ``follow_up`` and its table
of arbitrary keys) are a :class:`Group` in the same table, with their own reader and shower.
Every key is optional; unknown keys are refused, so typos don't go unnoticed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from respond.core.errors import RespondError
from respond.core.promptformat import prompt_format_problem
from respond.core.settings import Settings
from respond.core.worktime import DAY_NAMES, SLA_DEFAULTS, WEEKDAYS, WorkWeek
from respond.storage.paths import config_path

if TYPE_CHECKING:
    from collections.abc import Callable

    #: Checks a file's value for a key and returns the field's value (or raises ConfigError).
    Parse = Callable[["_Builder", str, Any], Any]

#: The longest respond-by times (about four working years): more is a typo, and would take
#: due times past the year 9999.
SLA_MAX_HOURS = 10_000
SLA_MAX_BDAYS = 1_000
#: The form of a notification URL (``scheme://...``, no spaces); apprise judges the rest.
URL_FORM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")
#: What a machine's name may be (it goes into git commits: ``respond@NAME``).
MACHINE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
#: The follow-up table (``[follow_up]``), whose keys are channels and tags besides
#: ``default``: ``respond config`` lists those set after ``follow_up`` (:func:`keys_of`).
FOLLOW_UP = "follow_up"
NONE = "none"
#: Where the comments of the example start (:func:`template`).
NOTE_COLUMN = 28


class ConfigError(RespondError):
    """A config file that can't be read or holds a bad value (exit code 2)."""


def _same(value: Any) -> Any:
    return value


class Setting:
    """One key of the file that sets one field of :class:`Settings`.

    ``parse(builder, key, value)`` checks the file's value and returns the field's (raising
    ``builder.fail(key, why)``); ``show(field_value)`` is the value in the file's own terms
    (``respond config``). The example line is ``NAME = EXAMPLE  # NOTE``: ``example`` is TOML
    text, by default the default as shown; ``note`` may hold several lines.
    """

    __slots__ = ("example", "field", "key", "note", "parse", "show")

    def __init__(
        self,
        key: str,
        field: str,
        parse: Parse,
        *,
        show: Callable[[Any], Any] = _same,
        example: str | None = None,
        note: str = "",
    ) -> None:
        self.key, self.field, self.parse, self.show = key, field, parse, show
        self.example, self.note = example, note

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    @property
    def fields(self) -> tuple[str, ...]:
        return (self.field,)

    def build(self, builder: _Builder, kwargs: dict[str, Any]) -> None:
        raw = builder.value(self.key)
        if raw is not None:
            kwargs[self.field] = self.parse(builder, self.key, raw)

    def describe(self, settings: Settings) -> dict[str, Any]:
        return {self.key: self.show(getattr(settings, self.field))}

    def lines(self) -> list[tuple[str, str]]:
        table, _, name = self.key.rpartition(".")
        if self.example is None:
            example = _toml_value(self.show(getattr(Settings(), self.field)))
        else:
            example = self.example
        return [(table, _noted(f"{name} = {example}", self.note))]


class Group:
    """Keys read, shown and written together: ``build(builder, kwargs)`` reads all of them
    into ``kwargs``; ``describe(settings)`` gives each key's value as shown; ``lines()`` gives
    the example, as ``(table, text)`` pairs (``""``: before any table)."""

    __slots__ = ("build", "describe", "fields", "keys", "lines")

    def __init__(
        self,
        keys: tuple[str, ...],
        fields: tuple[str, ...],
        build: Callable[[_Builder, dict[str, Any]], None],
        describe: Callable[[Settings], dict[str, Any]],
        lines: Callable[[], list[tuple[str, str]]],
    ) -> None:
        self.keys, self.fields, self.build = keys, fields, build
        self.describe, self.lines = describe, lines


def _noted(text: str, note: str) -> str:
    """``text`` with ``note`` as a comment from :data:`NOTE_COLUMN` (its further lines under
    the first)."""
    if not note:
        return text
    first, *more = note.splitlines()
    lines = [f"{text:<{max(NOTE_COLUMN, len(text) + 2)}}# {first}"]
    lines += [f"{'':<{NOTE_COLUMN}}# {line}" for line in more]
    return "\n".join(lines)


# How a file's value is checked: each takes the reader, the key (for the error) and the value.


def _channel(b: _Builder, key: str, value: Any) -> str:
    from respond.core.model import parse_channel

    try:
        return parse_channel(b.string(key, value))
    except RespondError as err:
        raise b.fail(key, f"is wrong: {err}") from None


def _delay(b: _Builder, key: str, value: Any) -> str:
    return b.delay(key, value, b.week)


def _goal(b: _Builder, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise b.fail(key, f"must be a whole number 0-100, not {_shown(value)}")
    return value


def _day(b: _Builder, key: str, value: Any) -> int:
    return b.day(key, value)


def _prompt_format(b: _Builder, key: str, value: Any) -> str:
    problem = prompt_format_problem(b.string(key, value))
    if problem:
        raise b.fail(key, f"{_shown(value)} {problem}")
    return str(value)


def _flag(b: _Builder, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise b.fail(key, f"must be true or false, not {_shown(value)}")
    return value


def _machine_name(b: _Builder, key: str, value: Any) -> str:
    if not MACHINE_NAME.fullmatch(b.string(key, value)):
        why = "must be letters, digits, '.', '_' or '-' (up to 40), not"
        raise b.fail(key, f"{why} {_shown(value)}")
    return str(value)


def _wait(b: _Builder, key: str, value: Any) -> float:
    """A duration like ``"30s"``, ``"2m"`` (or a number of seconds): 1 s to 60 min."""
    text = str(value).strip().lower() if isinstance(value, (int, float, str)) else ""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min)?", text)
    if isinstance(value, bool) or not match:
        why = 'must be seconds or minutes like "30s" or "2m", not'
        raise b.fail(key, f"{why} {_shown(value)}")
    amount = float(match[1]) * (60 if match[2] in ("m", "min") else 1)
    if not 1 <= amount <= 3600:
        raise b.fail(key, f"must be from 1s to 60m, not {_shown(value)}")
    return amount


def _urls(b: _Builder, key: str, value: Any) -> tuple[str, ...]:
    """URLs are checked for their form here; whether apprise knows them is checked by
    ``respond remind`` (which alone imports apprise), and reported the same way."""
    if not isinstance(value, list):
        raise b.fail(key, f'must be a list like ["ntfy://topic"], not {_shown(value)}')
    for url in value:
        if not isinstance(url, str) or not URL_FORM.fullmatch(url):
            raise b.fail(key, f"has {_shown(url)}, not a URL like ntfy://topic")
    return tuple(value)


def _lead(b: _Builder, key: str, value: Any) -> timedelta:
    text = b.string(key, value).strip().lower()
    match = re.fullmatch(r"(\d+)\s*(m|min|h)", text)
    lead = timedelta(minutes=int(match[1]) * (60 if match[2] == "h" else 1)) if match else None
    if lead is None or lead > timedelta(hours=24):
        why = 'must be minutes or hours like "15m" or "1h" (at most 24h)'
        raise b.fail(key, f"{why}, not {_shown(value)}")
    return lead


def _digest(b: _Builder, key: str, value: Any) -> time | None:
    return None if value == "off" else b.clock(key, value)


def _run_seconds(b: _Builder, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 600:
        raise b.fail(key, f"must be seconds (1 to 600), not {_shown(value)}")
    return float(value)


def _texts(b: _Builder, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise b.fail(key, f"must be a list of text, not {_shown(value)}")
    return tuple(value)


def _reply(b: _Builder, key: str, value: Any) -> str:
    if value not in ("ack", "done"):
        raise b.fail(key, f'must be "ack" or "done", not {_shown(value)}')
    return str(value)


class _Builder:
    """Checks each value of the parsed file and builds :class:`Settings` from them."""

    def __init__(self, path: Path, data: dict[str, Any], sources: dict[str, str]) -> None:
        self.path = path
        self.data = data
        self.sources = sources
        #: The working week delays are checked against (the file's, once ``[work]`` is read).
        self.week = Settings().week

    def fail(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"config {self.path}: {key} {why}")

    def value(self, key: str) -> Any:
        """The file's value for a dotted ``key`` (``None`` when absent), marking its source."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        self.sources[key] = "file"
        return node

    def check_unknown(self) -> None:
        for name, value in self.data.items():
            if name == FOLLOW_UP and isinstance(value, dict):
                for sub in value:
                    self.follow_up_key(sub)
            elif name in TABLES:
                if not isinstance(value, dict):
                    raise self.fail(name, f"must be a table ([{name}]), not {_shown(value)}")
                for sub in value:
                    if f"{name}.{sub}" not in KEYS:
                        raise self.fail(f"{name}.{sub}", f"is not a setting; known: {_known()}")
            elif name not in KEYS:
                raise self.fail(name, f"is not a setting; known: {_known()}")

    def build(self) -> Settings:
        self.check_unknown()
        kwargs: dict[str, Any] = {}
        for entry in SETTINGS:
            entry.build(self, kwargs)
        return Settings(**kwargs)

    def follow_up_key(self, sub: Any) -> str:
        """What a key of the ``[follow_up]`` table names: ``default``, a channel, or a tag."""
        if sub == "default" or sub in SLA_DEFAULTS:
            return str(sub)
        from respond.core.model import parse_tag

        try:
            tag = parse_tag(sub)
        except RespondError as err:
            raise self.fail(f"{FOLLOW_UP}.{sub}", f"is not a channel or a tag: {err}") from None
        if tag != sub:
            raise self.fail(f"{FOLLOW_UP}.{sub}", f"must be written as the tag is: {tag}")
        return tag

    def follow_up_delay(self, key: str, value: Any) -> str | None:
        if isinstance(value, str) and value.strip().lower() == NONE:
            return None
        return self.delay(key, value, self.week)

    def string(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {_shown(value)}")
        return value

    def day(self, key: str, value: Any) -> int:
        name = self.string(key, value).strip().lower()
        if name in WEEKDAYS:
            return WEEKDAYS[name]
        raise self.fail(key, f"has {_shown(value)}, not a day; use one of: {', '.join(DAY_NAMES)}")

    def days(self, value: Any) -> frozenset[int]:
        key = "work.days"
        if isinstance(value, str):
            if "-" in value:
                first, _, last = value.partition("-")
                lo, hi = self.day(key, first), self.day(key, last)
                return frozenset((lo + n) % 7 for n in range((hi - lo) % 7 + 1))
            value = [part for part in re.split(r"[\s,]+", value) if part]
        if not isinstance(value, list) or not value:
            why = f'must list days, e.g. ["mon", "tue"] or "mon-fri"; got {_shown(value)}'
            raise self.fail(key, why)
        return frozenset(self.day(key, day) for day in value)

    def clock_time(self, key: str, default: time) -> time:
        value = self.value(key)
        return default if value is None else self.clock(key, value)

    def clock(self, key: str, value: Any) -> time:
        if isinstance(value, time) and not isinstance(value, datetime):
            return value.replace(second=0, microsecond=0)
        text = self.string(key, value).strip()
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise self.fail(key, f'must be a time like "09:00", not {_shown(value)}')
        return time(int(match[1]), int(match[2]))

    def sla_rule(self, key: str, value: Any) -> tuple[str, float]:
        text = self.string(key, value).strip().lower()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(m|min|h|hours?|bd|business days?)", text)
        if not match:
            why = 'must be working hours like "4h" or business days like "1bd"'
            raise self.fail(key, f"{why}, not {_shown(value)}")
        amount, unit = float(match[1]), match[2]
        hours = amount / 60 if unit in ("m", "min") else amount
        if unit.startswith(("m", "h")):
            if hours > SLA_MAX_HOURS:
                raise self.fail(key, f"must be at most {SLA_MAX_HOURS}h, not {_shown(value)}")
            return ("hours", hours)
        if amount != int(amount):
            raise self.fail(key, f"must be a whole number of business days, not {_shown(value)}")
        if amount > SLA_MAX_BDAYS:
            raise self.fail(key, f"must be at most {SLA_MAX_BDAYS}bd, not {_shown(value)}")
        return ("bdays", int(amount))

    def delay(self, key: str, value: Any, week: WorkWeek) -> str:
        """A relative date such as ``7d`` or ``2bd``: checked against two different days."""
        from respond.core.dates import DateError, parse_when

        text = self.string(key, value)
        first = datetime(2026, 1, 7, 10, 0, tzinfo=UTC)
        try:
            a = parse_when(text, first, week, UTC)
            b = parse_when(text, first + timedelta(days=14), week, UTC)
        except DateError as err:
            raise self.fail(key, f"is not a date: {err}") from None
        if a == b or a < first:
            raise self.fail(key, f'must be relative, like "7d", "2bd" or "2w", not {_shown(value)}')
        return text


# The groups: keys that make one value, or a table of arbitrary keys.

WORK_KEYS = ("work.days", "work.start", "work.end")


def _build_work(b: _Builder, kwargs: dict[str, Any]) -> None:
    defaults = Settings().week
    days_value = b.value("work.days")
    days = b.days(days_value) if days_value is not None else defaults.days
    start = b.clock_time("work.start", defaults.start)
    end = b.clock_time("work.end", defaults.end)
    if days_value is not None or start != defaults.start or end != defaults.end:
        try:
            kwargs["week"] = b.week = WorkWeek(days=days, start=start, end=end)
        except ValueError as err:
            raise b.fail("work", f"is not a usable working week: {err}") from None


def _describe_work(settings: Settings) -> dict[str, Any]:
    week = settings.week
    return {
        "work.days": [DAY_NAMES[d] for d in sorted(week.days)],
        "work.start": f"{week.start:%H:%M}",
        "work.end": f"{week.end:%H:%M}",
    }


def _work_lines() -> list[tuple[str, str]]:
    shown = {key: _toml_value(value) for key, value in _describe_work(Settings()).items()}
    return [
        ("work", _noted(f"days = {shown['work.days']}", 'or "mon-fri"')),
        ("work", f"start = {shown['work.start']}"),
        ("work", f"end = {shown['work.end']}"),
    ]


def _build_sla(b: _Builder, kwargs: dict[str, Any]) -> None:
    sla = dict(Settings().sla)
    for channel in SLA_DEFAULTS:
        raw = b.value(f"sla.{channel}")
        if raw is not None:
            sla[channel] = b.sla_rule(f"sla.{channel}", raw)
    if sla != Settings().sla:
        kwargs["sla"] = sla


def _describe_sla(settings: Settings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for channel in SLA_DEFAULTS:
        unit, amount = settings.sla[channel]
        number = int(amount) if float(amount).is_integer() else amount
        values[f"sla.{channel}"] = f"{number}h" if unit == "hours" else f"{number}bd"
    return values


def _sla_lines() -> list[tuple[str, str]]:
    return [
        ("sla", f"{key.partition('.')[2]} = {_toml_value(value)}")
        for key, value in _describe_sla(Settings()).items()
    ]


def _build_follow_up(b: _Builder, kwargs: dict[str, Any]) -> None:
    """``follow_up = "7d"``, or the ``[follow_up]`` table: ``default``, then a delay (or
    ``"none"``) per channel and per tag (any other key)."""
    raw = b.data.get(FOLLOW_UP)
    if raw is None:
        return
    if not isinstance(raw, dict):
        b.sources[FOLLOW_UP] = "file"
        kwargs["follow_up"] = b.follow_up_delay(FOLLOW_UP, raw)
        return
    channels: dict[str, str | None] = {}
    tags: dict[str, str | None] = {}
    for sub, value in raw.items():
        name = b.follow_up_key(sub)
        key = f"{FOLLOW_UP}.{name}"
        delay = b.follow_up_delay(key, value)
        if name == "default":
            b.sources[FOLLOW_UP] = "file"
            kwargs["follow_up"] = delay
            continue
        b.sources[key] = "file"
        (channels if name in SLA_DEFAULTS else tags)[name] = delay
    kwargs["follow_up_channels"], kwargs["follow_up_tags"] = channels, tags


def _describe_follow_up(settings: Settings) -> dict[str, Any]:
    return {
        FOLLOW_UP: settings.follow_up or NONE,
        **{f"{FOLLOW_UP}.{k}": v or NONE for k, v in settings.follow_up_channels.items()},
        **{f"{FOLLOW_UP}.{k}": v or NONE for k, v in settings.follow_up_tags.items()},
    }


def _follow_up_lines() -> list[tuple[str, str]]:
    default = _toml_value(Settings().follow_up or NONE)
    return [
        (
            "",
            _noted(
                f"follow_up = {default}",
                "when `done` schedules the follow-up (a relative date, or\n"
                '"none"); or per channel and tag, the [follow_up] table below',
            ),
        ),
        (
            "follow_up",
            _noted(f"default = {default}", "... of an ask or promise no rule below matches"),
        ),
        (
            "follow_up",
            _noted(
                'phone = "2d"', "... per channel (phone, chat, email, in-person, meeting, other)"
            ),
        ),
        (
            "follow_up",
            _noted(
                'internal = "none"',
                '... per tag (any other key); "none": no follow-up\n'
                "its first tag with a rule wins, then its channel, then default;\n"
                "done --follow-up WHEN / --no-follow-up win over all of them",
            ),
        ),
    ]


def _day_name(day: int) -> str:
    return DAY_NAMES[day]


def _wait_shown(seconds: float) -> str:
    return f"{seconds:g}s"


def _masked(urls: tuple[str, ...]) -> list[str]:
    # URLs may hold tokens and passwords: only their scheme is shown
    return [url.split("://", 1)[0] + "://…" for url in urls]


def _minutes(lead: timedelta) -> str:
    minutes = int(lead.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes and minutes % 60 == 0 else f"{minutes}m"


def _clock_or_off(moment: time | None) -> str:
    return f"{moment:%H:%M}" if moment else "off"


#: Every key of the file, in the order ``respond config`` shows them. To add a setting, add
#: its field (with its default) to :class:`respond.core.settings.Settings` and one entry here:
#: the rest (reading, ``respond config``, ``--json``, the example) follows. See CONTRIBUTING.md.
SETTINGS: tuple[Setting | Group, ...] = (
    Group(WORK_KEYS, ("week",), _build_work, _describe_work, _work_lines),
    Group(
        tuple(f"sla.{channel}" for channel in SLA_DEFAULTS),
        ("sla",),
        _build_sla,
        _describe_sla,
        _sla_lines,
    ),
    Setting(
        "default_channel",
        "default_channel",
        _channel,
        note="the channel of `add` without --via",
    ),
    Group(
        (FOLLOW_UP,),
        ("follow_up", "follow_up_channels", "follow_up_tags"),
        _build_follow_up,
        _describe_follow_up,
        _follow_up_lines,
    ),
    Setting("wait_chase", "wait_chase", _delay, note="when to chase a waiting-on without --by"),
    Setting("gratitude_goal", "gratitude_goal", _goal, note="thanks a week that score 100"),
    Setting(
        "week_start",
        "week_start",
        _day,
        show=_day_name,
        note="first day of a scoring week",
    ),
    Setting(
        "prompt_format",
        "prompt_format",
        _prompt_format,
        note="{overdue} is replaced; other text (zsh's %F{red}) stays",
    ),
    Setting("color", "color", _flag, note="false: never colour"),
    Setting(
        "sync.auto", "sync_auto", _flag, note="true: sync in the background after every change"
    ),
    Setting(
        "sync.name",
        "sync_name",
        _machine_name,
        example='"laptop"',
        note="this machine's name in sync lines and commits (default: host name)",
    ),
    Setting(
        "sync.timeout",
        "sync_timeout",
        _wait,
        show=_wait_shown,
        note='how long one sync may wait on the remote, all steps ("1s" to "60m")',
    ),
    Setting(
        "remind.urls",
        "remind_urls",
        _urls,
        show=_masked,
        example='["ntfy://my-topic"]',
        note="apprise URLs; none: a desktop notification, else stdout",
    ),
    Setting(
        "remind.before",
        "remind_before",
        _lead,
        show=_minutes,
        note='how long before the due time ("0m" to "24h")',
    ),
    Setting(
        "remind.digest",
        "remind_digest",
        _digest,
        show=_clock_or_off,
        example='"08:30"',
        note='the morning digest on working days (default "off")',
    ),
    Setting("remind.always", "remind_always", _flag, note="true: remind outside working hours too"),
    Setting(
        "remind.timeout",
        "remind_timeout",
        _run_seconds,
        example="45",
        note="seconds one run may take in all (1 to 600)",
    ),
    Setting(
        "mail.folders",
        "mail_folders",
        _texts,
        show=list,
        example='["~/Mail/INBOX", "~/Mail/Sent"]',
        note="maildirs or mbox files",
    ),
    Setting(
        "mail.me", "mail_me", _texts, show=list, example='["me@example.org"]', note="your addresses"
    ),
    Setting(
        "mail.reply",
        "mail_reply",
        _reply,
        note='what your reply to an ask does: "ack" or "done"',
    ),
    Setting(
        "mail.flagged",
        "mail_flagged",
        _texts,
        show=list,
        example='["~/Mail/INBOX"]',
        note="folders whose flagged messages become asks",
    ),
    Setting(
        "mail.promise",
        "mail_promise",
        _delay,
        note="what an acknowledging reply promises, from the reply",
    ),
)

#: The file's keys, in the order ``respond config`` shows them.
KEYS: tuple[str, ...] = tuple(key for entry in SETTINGS for key in entry.keys)
#: The tables of the file (``[work]``...), each holding some of :data:`KEYS`.
TABLES: tuple[str, ...] = tuple(dict.fromkeys(k.partition(".")[0] for k in KEYS if "." in k))
#: The comment on each table's header in the example (:func:`template`).
TABLE_NOTES: dict[str, str] = {
    "work": "",
    "sla": "respond-by time per channel: working hours or business days",
    FOLLOW_UP: 'instead of follow_up = "7d": the delay after `done` ...',
    "sync": 'respond sync (see "Several machines")',
    "remind": 'respond remind (see "Reminders")',
    "mail": "respond mail (see mail.md)",
}


def template() -> str:
    """The commented example of a config file, every key at its default or an example value
    (docs/usage.md shows it). Keys outside a table come first, then each table in order."""
    top: list[str] = []
    tables: dict[str, list[str]] = {}
    for entry in SETTINGS:
        for table, text in entry.lines():
            (tables.setdefault(table, []) if table else top).append(text)
    blocks = ["\n".join(top)]
    for table, lines in tables.items():
        block = "\n".join([_noted(f"[{table}]", TABLE_NOTES[table]), *lines])
        if table == FOLLOW_UP:  # the alternative to follow_up = "7d": both would not read
            block = "\n".join(f"# {line}" if line.strip() else line for line in block.split("\n"))
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def keys_of(settings: Settings) -> tuple[str, ...]:
    """The keys ``respond config`` shows: :data:`KEYS`, with the ``[follow_up]`` rules set
    (channels, then tags) after ``follow_up``."""
    rules = [f"{FOLLOW_UP}.{c}" for c in SLA_DEFAULTS if c in settings.follow_up_channels]
    rules += [f"{FOLLOW_UP}.{tag}" for tag in settings.follow_up_tags]
    if not rules:
        return KEYS
    at = KEYS.index(FOLLOW_UP) + 1
    return (*KEYS[:at], *rules, *KEYS[at:])


def default_path() -> Path:
    return Path(config_path())


def defaults() -> tuple[Settings, dict[str, str]]:
    """What :func:`load_settings` returns without a file: the defaults, each marked so."""
    return Settings(), dict.fromkeys(KEYS, "default")


def load_settings(path: Path | None = None) -> tuple[Settings, dict[str, str]]:
    """The effective settings and each key's source (``"default"`` or ``"file"``).

    ``path`` defaults to :func:`default_path`. A missing file means all defaults.
    """
    path = path if path is not None else default_path()
    data = _read(path)
    if not data:
        return defaults()
    sources = dict.fromkeys(KEYS, "default")
    return _Builder(path, data, sources).build(), sources


def _read(path: Path) -> dict[str, Any]:
    from respond.storage.reading import NotRegularFile, read_regular

    try:
        raw = read_regular(path)  # a FIFO or a device is refused before any read
    except FileNotFoundError:
        return {}
    except NotRegularFile as err:
        if err.kind == "a directory":
            raise ConfigError(f"config {path} is a directory, not a file") from None
        raise ConfigError(f"config {path} is {err.strerror}") from None
    except OSError as err:
        raise ConfigError(f"can't read config {path}: {err.strerror}") from None
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config {path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"config {path} is not valid TOML: {err}") from None
    except RecursionError:
        raise ConfigError(f"config {path} is not valid TOML: nested too deeply") from None


def _known() -> str:
    return ", ".join(KEYS)


def _shown(value: Any) -> str:
    from respond.core.text import shorten

    return shorten(repr(value), 40)


def describe(settings: Settings) -> dict[str, Any]:
    """Each key's effective value in the file's own terms (what ``respond config`` shows)."""
    values: dict[str, Any] = {}
    for entry in SETTINGS:
        values.update(entry.describe(settings))
    return values


def _toml_value(value: Any) -> str:
    """A value as it would be written in the file (what ``respond config`` shows)."""
    from respond.core.text import visible

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # a number, as the file must have it (45.0 shows as 45)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + visible(str(value)).replace("\\", "\\\\").replace('"', '\\"') + '"'


def report(settings: Settings, sources: dict[str, str], config: Path, database: Path) -> list[str]:
    """The lines of ``respond config``: the two paths, then each key, value and source."""
    exists = "" if config.is_file() else "  (not found: all defaults)"
    lines = [f"config    {config}{exists}", f"database  {database}", ""]
    values = describe(settings)
    keys = keys_of(settings)
    width = max(len(key) for key in keys)
    shown = {key: _toml_value(values[key]) for key in keys}
    value_width = max(len(v) for v in shown.values())
    for key in keys:
        lines.append(f"{key:<{width}}  {shown[key]:<{value_width}}  {sources[key]}")
    lines.append("")
    lines.extend(FOLLOW_UP_RULE)
    return lines


#: How ``done`` picks its follow-up delay, under ``respond config``'s settings.
FOLLOW_UP_RULE = (
    "follow-ups: done on an ask or promise schedules one after [follow_up] TAG (its first tag",
    'with a rule), else [follow_up] CHANNEL, else follow_up; "none" schedules none;',
    "done --follow-up WHEN or --no-follow-up overrides them.",
)

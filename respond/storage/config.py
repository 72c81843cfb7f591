"""Settings that shape behaviour, and the TOML config file that may change them.

:class:`respond.core.settings.Settings` holds the defaults. :func:`load_settings` reads the
user's config file (see
:func:`respond.storage.paths.config_path`) with the standard library's ``tomllib``, checks
every value, and returns the effective settings plus where each value came from (``default`` or
``file``). A bad value is a :class:`ConfigError` naming the key and the file.

The file (every key optional; unknown keys are refused, so typos don't go unnoticed)::

    follow_up = "7d"            # default follow-up delay after `done` (a relative date),
                                # or "none"; or, per channel and tag, the table below
    wait_chase = "2bd"          # when to chase a waiting-on by default
    default_channel = "email"   # channel of `add` without --via
    gratitude_goal = 3          # thanks per week that score 100
    week_start = "mon"          # first day of the week for weekly scores
    prompt_format = "!{overdue}"
    color = true                # false: never colour (NO_COLOR also turns colour off)

    [sync]                      # respond sync (see the README: "Several machines")
    auto = false                # true: sync in the background after every change
    name = "laptop"             # this machine's name in sync lines (default: its host name)
    timeout = "30s"             # how long one sync may wait on the remote ("1s" to "60m")

    [work]
    days = ["mon", "tue", "wed", "thu", "fri"]   # or "mon-fri"
    start = "09:00"
    end = "17:00"

    [sla]                       # respond-by time per channel: working hours or business days
    phone = "4h"
    chat = "4h"
    email = "1bd"
    in-person = "1bd"
    meeting = "2bd"
    other = "1bd"

    [follow_up]                 # instead of follow_up = "7d": the delay after `done`
    default = "7d"              # ... of an ask or promise no rule below matches
    phone = "2d"                # ... per channel (phone, chat, email, in-person, meeting, other)
    internal = "none"           # ... per tag (any other key): "none" schedules no follow-up
                                # a tag's rule beats the channel's; --follow-up beats both

    [remind]                    # respond remind: notifications away from the prompt
    urls = ["ntfy://my-topic"]  # apprise URLs; none: a desktop notification, else stdout
    before = "15m"              # remind this long before the due time ("0m" to "24h")
    digest = "08:30"            # the morning digest's time on working days, or "off"
    always = false              # true: remind outside working hours too
    timeout = 45                # seconds one run may take in all (1 to 600); then it exits

    [mail]                      # respond mail: replies close what they answer
    folders = ["~/Mail/INBOX", "~/Mail/Sent"]   # maildirs or mbox files
    me = ["me@example.org"]     # your own addresses
    reply = "ack"               # what your reply to an ask does: "ack" or "done"
    flagged = ["~/Mail/INBOX"]  # folders whose flagged messages become asks
    promise = "2bd"             # the time an acknowledging reply promises (from the reply)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from respond.core.errors import RespondError
from respond.core.promptformat import prompt_format_problem
from respond.core.settings import Settings
from respond.core.worktime import DAY_NAMES, SLA_DEFAULTS, WEEKDAYS, WorkWeek
from respond.storage.paths import config_path

#: The longest respond-by times (about four working years): more is a typo, and would take
#: due times past the year 9999.
SLA_MAX_HOURS = 10_000
SLA_MAX_BDAYS = 1_000
#: The form of a notification URL (``scheme://...``, no spaces); apprise judges the rest.
URL_FORM = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")


class ConfigError(RespondError):
    """A config file that can't be read or holds a bad value (exit code 2)."""


#: The file's keys, in the order ``respond config`` shows them.
KEYS: tuple[str, ...] = (
    "work.days",
    "work.start",
    "work.end",
    *(f"sla.{channel}" for channel in SLA_DEFAULTS),
    "default_channel",
    "follow_up",
    "wait_chase",
    "gratitude_goal",
    "week_start",
    "prompt_format",
    "color",
    "sync.auto",
    "sync.name",
    "sync.timeout",
    "remind.urls",
    "remind.before",
    "remind.digest",
    "remind.always",
    "remind.timeout",
    "mail.folders",
    "mail.me",
    "mail.reply",
    "mail.flagged",
    "mail.promise",
)

#: The tables of the file (``[work]``...), each holding some of :data:`KEYS`.
TABLES: tuple[str, ...] = ("work", "sla", "sync", "remind", "mail")
#: What a machine's name may be (it goes into git commits: ``respond@NAME``).
MACHINE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


#: The follow-up table (``[follow_up]``), whose keys are channels and tags besides
#: ``default``: ``respond config`` lists those set after ``follow_up`` (:func:`keys_of`).
FOLLOW_UP = "follow_up"
NONE = "none"


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


class _Builder:
    """Checks each value of the parsed file and builds :class:`Settings` from them."""

    def __init__(self, path: Path, data: dict[str, Any], sources: dict[str, str]) -> None:
        self.path = path
        self.data = data
        self.sources = sources

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
        defaults = Settings()
        kwargs: dict[str, Any] = {}

        days_value = self.value("work.days")
        days = self.days(days_value) if days_value is not None else defaults.week.days
        start = self.clock_time("work.start", defaults.week.start)
        end = self.clock_time("work.end", defaults.week.end)
        if days_value is not None or start != defaults.week.start or end != defaults.week.end:
            try:
                kwargs["week"] = WorkWeek(days=days, start=start, end=end)
            except ValueError as err:
                raise self.fail("work", f"is not a usable working week: {err}") from None

        sla = dict(defaults.sla)
        for channel in SLA_DEFAULTS:
            raw = self.value(f"sla.{channel}")
            if raw is not None:
                sla[channel] = self.sla_rule(f"sla.{channel}", raw)
        if sla != defaults.sla:
            kwargs["sla"] = sla

        channel = self.value("default_channel")
        if channel is not None:
            from respond.core.model import parse_channel

            try:
                kwargs["default_channel"] = parse_channel(self.string("default_channel", channel))
            except RespondError as err:
                raise self.fail("default_channel", f"is wrong: {err}") from None

        week = kwargs.get("week", defaults.week)
        raw = self.value("wait_chase")
        if raw is not None:
            kwargs["wait_chase"] = self.delay("wait_chase", raw, week)
        self.follow_up(kwargs, week)

        goal = self.value("gratitude_goal")
        if goal is not None:
            if isinstance(goal, bool) or not isinstance(goal, int) or not 0 <= goal <= 100:
                why = f"must be a whole number 0-100, not {_shown(goal)}"
                raise self.fail("gratitude_goal", why)
            kwargs["gratitude_goal"] = goal

        start_day = self.value("week_start")
        if start_day is not None:
            kwargs["week_start"] = self.day("week_start", start_day)

        fmt = self.value("prompt_format")
        if fmt is not None:
            problem = prompt_format_problem(self.string("prompt_format", fmt))
            if problem:
                raise self.fail("prompt_format", f"{_shown(fmt)} {problem}")
            kwargs["prompt_format"] = fmt

        color = self.value("color")
        if color is not None:
            if not isinstance(color, bool):
                raise self.fail("color", f"must be true or false, not {_shown(color)}")
            kwargs["color"] = color

        auto = self.value("sync.auto")
        if auto is not None:
            if not isinstance(auto, bool):
                raise self.fail("sync.auto", f"must be true or false, not {_shown(auto)}")
            kwargs["sync_auto"] = auto
        name = self.value("sync.name")
        if name is not None:
            if not MACHINE_NAME.fullmatch(self.string("sync.name", name)):
                why = "must be letters, digits, '.', '_' or '-' (up to 40), not"
                raise self.fail("sync.name", f"{why} {_shown(name)}")
            kwargs["sync_name"] = name
        timeout = self.value("sync.timeout")
        if timeout is not None:
            kwargs["sync_timeout"] = self.seconds("sync.timeout", timeout)
        self.remind(kwargs)
        self.mail(kwargs)
        return Settings(**kwargs)

    def mail(self, kwargs: dict[str, Any]) -> None:
        """The ``[mail]`` table (see :mod:`respond.core.mail`)."""
        for key in ("folders", "me", "flagged"):
            value = self.value(f"mail.{key}")
            if value is None:
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise self.fail(f"mail.{key}", f"must be a list of text, not {_shown(value)}")
            kwargs[f"mail_{key}"] = tuple(value)
        reply = self.value("mail.reply")
        if reply is not None:
            if reply not in ("ack", "done"):
                raise self.fail("mail.reply", f'must be "ack" or "done", not {_shown(reply)}')
            kwargs["mail_reply"] = reply
        promise = self.value("mail.promise")
        if promise is not None:
            defaults = Settings()
            kwargs["mail_promise"] = self.delay("mail.promise", promise, defaults.week)

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

    def follow_up(self, kwargs: dict[str, Any], week: WorkWeek) -> None:
        """``follow_up = "7d"``, or the ``[follow_up]`` table: ``default``, then a delay (or
        ``"none"``) per channel and per tag (any other key)."""
        raw = self.data.get(FOLLOW_UP)
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.sources[FOLLOW_UP] = "file"
            kwargs["follow_up"] = self.follow_up_delay(FOLLOW_UP, raw, week)
            return
        channels: dict[str, str | None] = {}
        tags: dict[str, str | None] = {}
        for sub, value in raw.items():
            name = self.follow_up_key(sub)
            key = f"{FOLLOW_UP}.{name}"
            delay = self.follow_up_delay(key, value, week)
            if name == "default":
                self.sources[FOLLOW_UP] = "file"
                kwargs["follow_up"] = delay
                continue
            self.sources[key] = "file"
            (channels if name in SLA_DEFAULTS else tags)[name] = delay
        kwargs["follow_up_channels"], kwargs["follow_up_tags"] = channels, tags

    def follow_up_delay(self, key: str, value: Any, week: WorkWeek) -> str | None:
        if isinstance(value, str) and value.strip().lower() == NONE:
            return None
        return self.delay(key, value, week)

    def remind(self, kwargs: dict[str, Any]) -> None:
        """The ``[remind]`` table (see :mod:`respond.core.remind`). URLs are checked for their
        form here; whether apprise knows them is checked by ``respond remind`` (which alone
        imports apprise), and reported the same way, naming ``remind.urls``."""
        urls = self.value("remind.urls")
        if urls is not None:
            if not isinstance(urls, list):
                raise self.fail(
                    "remind.urls", f'must be a list like ["ntfy://topic"], not {_shown(urls)}'
                )
            for url in urls:
                if not isinstance(url, str) or not URL_FORM.fullmatch(url):
                    raise self.fail(
                        "remind.urls", f"has {_shown(url)}, not a URL like ntfy://topic"
                    )
            kwargs["remind_urls"] = tuple(urls)
        before = self.value("remind.before")
        if before is not None:
            text = self.string("remind.before", before).strip().lower()
            match = re.fullmatch(r"(\d+)\s*(m|min|h)", text)
            lead = (
                timedelta(minutes=int(match[1]) * (60 if match[2] == "h" else 1)) if match else None
            )
            if lead is None or lead > timedelta(hours=24):
                why = 'must be minutes or hours like "15m" or "1h" (at most 24h)'
                raise self.fail("remind.before", f"{why}, not {_shown(before)}")
            kwargs["remind_before"] = lead
        digest = self.value("remind.digest")
        if digest is not None and digest != "off":
            kwargs["remind_digest"] = self.clock_time("remind.digest", time(0, 0))
        always = self.value("remind.always")
        if always is not None:
            if not isinstance(always, bool):
                raise self.fail("remind.always", f"must be true or false, not {_shown(always)}")
            kwargs["remind_always"] = always
        timeout = self.value("remind.timeout")
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, int | float):
                raise self.fail(
                    "remind.timeout", f"must be seconds (1 to 600), not {_shown(timeout)}"
                )
            if not 1 <= timeout <= 600:
                raise self.fail(
                    "remind.timeout", f"must be seconds (1 to 600), not {_shown(timeout)}"
                )
            kwargs["remind_timeout"] = float(timeout)

    def seconds(self, key: str, value: Any) -> float:
        """A duration like ``"30s"``, ``"2m"`` (or a number of seconds): 1 s to 60 min."""
        text = str(value).strip().lower() if isinstance(value, (int, float, str)) else ""
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min)?", text)
        if isinstance(value, bool) or not match:
            why = 'must be seconds or minutes like "30s" or "2m", not'
            raise self.fail(key, f"{why} {_shown(value)}")
        amount = float(match[1]) * (60 if match[2] in ("m", "min") else 1)
        if not 1 <= amount <= 3600:
            raise self.fail(key, f"must be from 1s to 60m, not {_shown(value)}")
        return amount

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
        if value is None:
            return default
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


def _known() -> str:
    return ", ".join(KEYS)


def _shown(value: Any) -> str:
    from respond.core.text import shorten

    return shorten(repr(value), 40)


def describe(settings: Settings) -> dict[str, Any]:
    """Each key's effective value in the file's own terms (what ``respond config`` shows)."""
    week = settings.week
    values: dict[str, Any] = {
        "work.days": [DAY_NAMES[d] for d in sorted(week.days)],
        "work.start": f"{week.start:%H:%M}",
        "work.end": f"{week.end:%H:%M}",
    }
    for channel in SLA_DEFAULTS:
        unit, amount = settings.sla[channel]
        number = int(amount) if float(amount).is_integer() else amount
        values[f"sla.{channel}"] = f"{number}h" if unit == "hours" else f"{number}bd"
    values.update(
        {
            "default_channel": settings.default_channel,
            "follow_up": settings.follow_up or NONE,
            **{f"{FOLLOW_UP}.{k}": v or NONE for k, v in settings.follow_up_channels.items()},
            **{f"{FOLLOW_UP}.{k}": v or NONE for k, v in settings.follow_up_tags.items()},
            "wait_chase": settings.wait_chase,
            "gratitude_goal": settings.gratitude_goal,
            "week_start": DAY_NAMES[settings.week_start],
            "prompt_format": settings.prompt_format,
            "color": settings.color,
            "sync.auto": settings.sync_auto,
            "sync.name": settings.sync_name,
            "sync.timeout": f"{settings.sync_timeout:g}s",
            # URLs may hold tokens and passwords: only their scheme is shown
            "remind.urls": [url.split("://", 1)[0] + "://…" for url in settings.remind_urls],
            "remind.before": _minutes(settings.remind_before),
            "remind.digest": f"{settings.remind_digest:%H:%M}" if settings.remind_digest else "off",
            "remind.always": settings.remind_always,
            "remind.timeout": settings.remind_timeout,
            "mail.folders": list(settings.mail_folders),
            "mail.me": list(settings.mail_me),
            "mail.reply": settings.mail_reply,
            "mail.flagged": list(settings.mail_flagged),
            "mail.promise": settings.mail_promise,
        }
    )
    return values


def _minutes(lead: timedelta) -> str:
    minutes = int(lead.total_seconds() // 60)
    return f"{minutes // 60}h" if minutes and minutes % 60 == 0 else f"{minutes}m"


def _toml_value(value: Any) -> str:
    """A value as it would be written in the file (what ``respond config`` shows)."""
    from respond.core.text import visible

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
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

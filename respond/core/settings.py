"""The settings that shape behaviour, with their defaults (the config file may change them:
:mod:`respond.storage.config` reads it). Each field is set by the keys of one entry of
``respond.storage.config.SETTINGS``, which also checks, shows and documents it; a test checks
that every field has its entry (see CONTRIBUTING.md, "A setting")."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time, timedelta

from respond.core.promptformat import DEFAULT_PROMPT_FORMAT
from respond.core.value import Value
from respond.core.worktime import SLA_DEFAULTS, WorkWeek


class Settings(Value):
    """What shapes behaviour, each field with its default. A plain class (see
    :mod:`respond.core.value`): every command builds one, and a dataclass of 28 fields
    compiles its methods at import."""

    __slots__ = (  # noqa: RUF023 (the fields' order: __init__'s, repr's, ==)
        "week",
        "sla",
        "default_channel",
        "follow_up",
        "wait_chase",
        "gratitude_goal",
        "prompt_format",
        "week_start",
        "color",
        "sync_auto",
        "sync_name",
        "sync_timeout",
        "remind_urls",
        "remind_before",
        "remind_digest",
        "remind_always",
        "remind_timeout",
        "mail_folders",
        "mail_me",
        "mail_reply",
        "mail_flagged",
        "mail_promise",
        "follow_up_channels",
        "follow_up_tags",
    )
    week: WorkWeek
    sla: dict[str, tuple[str, float]]
    default_channel: str
    follow_up: str | None
    wait_chase: str
    gratitude_goal: int
    prompt_format: str
    week_start: int
    color: bool
    sync_auto: bool
    sync_name: str
    sync_timeout: float
    remind_urls: tuple[str, ...]
    remind_before: timedelta
    remind_digest: time | None
    remind_always: bool
    remind_timeout: float
    mail_folders: tuple[str, ...]
    mail_me: tuple[str, ...]
    mail_reply: str
    mail_flagged: tuple[str, ...]
    mail_promise: str
    follow_up_channels: dict[str, str | None]
    follow_up_tags: dict[str, str | None]

    def __init__(
        self,
        week: WorkWeek | None = None,
        sla: dict[str, tuple[str, float]] | None = None,
        default_channel: str = "email",
        follow_up: str | None = "7d",  # None: no follow-up unless asked for ([follow_up] "none")
        wait_chase: str = "2bd",
        gratitude_goal: int = 3,
        prompt_format: str = DEFAULT_PROMPT_FORMAT,
        week_start: int = 0,  # Monday=0 .. Sunday=6: the first day of a scoring week
        color: bool = True,  # False: never colour; True: colour when the terminal allows it
        sync_auto: bool = False,  # True: sync in the background after each change (respond sync)
        sync_name: str = "",  # this machine's name in sync commits and lines ("": its host name)
        sync_timeout: float = 30.0,  # seconds one sync may wait on the remote, all steps together
        # respond remind (see respond.core.remind): where to send, how early, the morning digest's
        # time (None: no digest), and whether to remind outside working hours too
        remind_urls: tuple[str, ...] = (),
        remind_before: timedelta = timedelta(minutes=15),
        remind_digest: time | None = None,
        remind_always: bool = False,
        remind_timeout: float = 45.0,  # seconds: the deadline of one whole `respond remind` run
        # respond mail (see respond.core.mail): the folders to scan, your own addresses, what a
        # reply to an ask means, the folders whose flagged messages become asks, and the time an
        # acknowledging reply promises (from the reply)
        mail_folders: tuple[str, ...] = (),
        mail_me: tuple[str, ...] = (),
        mail_reply: str = "ack",
        mail_flagged: tuple[str, ...] = (),
        mail_promise: str = "2bd",
        # [follow_up]: the delay per channel and per tag (None: no follow-up), over ``follow_up``
        follow_up_channels: dict[str, str | None] | None = None,
        follow_up_tags: dict[str, str | None] | None = None,
    ) -> None:
        put = object.__setattr__
        put(self, "week", WorkWeek() if week is None else week)
        put(self, "sla", dict(SLA_DEFAULTS) if sla is None else sla)
        put(self, "default_channel", default_channel)
        put(self, "follow_up", follow_up)
        put(self, "wait_chase", wait_chase)
        put(self, "gratitude_goal", gratitude_goal)
        put(self, "prompt_format", prompt_format)
        put(self, "week_start", week_start)
        put(self, "color", color)
        put(self, "sync_auto", sync_auto)
        put(self, "sync_name", sync_name)
        put(self, "sync_timeout", sync_timeout)
        put(self, "remind_urls", remind_urls)
        put(self, "remind_before", remind_before)
        put(self, "remind_digest", remind_digest)
        put(self, "remind_always", remind_always)
        put(self, "remind_timeout", remind_timeout)
        put(self, "mail_folders", mail_folders)
        put(self, "mail_me", mail_me)
        put(self, "mail_reply", mail_reply)
        put(self, "mail_flagged", mail_flagged)
        put(self, "mail_promise", mail_promise)
        put(self, "follow_up_channels", {} if follow_up_channels is None else follow_up_channels)
        put(self, "follow_up_tags", {} if follow_up_tags is None else follow_up_tags)


def follow_up_delay(
    settings: Settings, channel: str | None, tags: Iterable[str]
) -> tuple[str | None, str]:
    """The follow-up delay ``done`` uses for an item of ``channel`` with ``tags`` (``None``: no
    follow-up), and the ``[follow_up]`` key that decided it. A tag is more specific than a
    channel, so the item's first tag that has a rule wins, then its channel's rule, then the
    default (``follow_up``)."""
    for tag in tags:
        if tag in settings.follow_up_tags:
            return settings.follow_up_tags[tag], tag
    if channel is not None and channel in settings.follow_up_channels:
        return settings.follow_up_channels[channel], channel
    return settings.follow_up, "default"

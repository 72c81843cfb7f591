"""The settings that shape behaviour, with their defaults (the config file may change them:
:mod:`respond.storage.config` reads it). Each field is set by the keys of one entry of
``respond.storage.config.SETTINGS``, which also checks, shows and documents it; a test checks
that every field has its entry (see CONTRIBUTING.md, "A setting")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import time, timedelta

from respond.core.promptformat import DEFAULT_PROMPT_FORMAT
from respond.core.worktime import SLA_DEFAULTS, WorkWeek


@dataclass(frozen=True)
class Settings:
    week: WorkWeek = field(default_factory=WorkWeek)
    sla: dict[str, tuple[str, float]] = field(default_factory=lambda: dict(SLA_DEFAULTS))
    default_channel: str = "email"
    follow_up: str | None = "7d"  # None: no follow-up unless asked for ([follow_up] "none")
    wait_chase: str = "2bd"
    gratitude_goal: int = 3
    prompt_format: str = DEFAULT_PROMPT_FORMAT
    week_start: int = 0  # Monday=0 .. Sunday=6: the first day of a scoring week
    color: bool = True  # False: never colour; True: colour when the terminal allows it
    sync_auto: bool = False  # True: sync in the background after each change (respond sync)
    sync_name: str = ""  # this machine's name in sync commits and lines ("": its host name)
    sync_timeout: float = 30.0  # seconds one sync may wait on the remote, all steps together
    # respond remind (see respond.core.remind): where to send, how early, the morning digest's
    # time (None: no digest), and whether to remind outside working hours too
    remind_urls: tuple[str, ...] = ()
    remind_before: timedelta = timedelta(minutes=15)
    remind_digest: time | None = None
    remind_always: bool = False
    remind_timeout: float = 45.0  # seconds: the deadline of one whole `respond remind` run
    # respond mail (see respond.core.mail): the folders to scan, your own addresses, what a
    # reply to an ask means, the folders whose flagged messages become asks, and the time an
    # acknowledging reply promises (from the reply)
    mail_folders: tuple[str, ...] = ()
    mail_me: tuple[str, ...] = ()
    mail_reply: str = "ack"
    mail_flagged: tuple[str, ...] = ()
    mail_promise: str = "2bd"
    # [follow_up]: the delay per channel and per tag (None: no follow-up), over ``follow_up``
    follow_up_channels: dict[str, str | None] = field(default_factory=dict)
    follow_up_tags: dict[str, str | None] = field(default_factory=dict)


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

"""The settings that shape behaviour, with their defaults (the config file may change them:
:mod:`respond.storage.config` reads it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

from respond.core.promptformat import DEFAULT_PROMPT_FORMAT
from respond.core.worktime import SLA_DEFAULTS, WorkWeek


@dataclass(frozen=True)
class Settings:
    week: WorkWeek = field(default_factory=WorkWeek)
    sla: dict[str, tuple[str, float]] = field(default_factory=lambda: dict(SLA_DEFAULTS))
    default_channel: str = "email"
    follow_up: str = "7d"
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

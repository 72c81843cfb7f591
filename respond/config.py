"""Settings that shape behaviour: working week, channel SLAs, follow-up delay, goals.

Only defaults live here for now; a config file may override them later. Pure: no terminal,
no storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from respond.worktime import SLA_DEFAULTS, WorkWeek


@dataclass(frozen=True)
class Settings:
    week: WorkWeek = field(default_factory=WorkWeek)
    sla: dict[str, tuple[str, float]] = field(default_factory=lambda: dict(SLA_DEFAULTS))
    default_channel: str = "email"
    follow_up: str = "7d"
    wait_chase: str = "2bd"
    gratitude_goal: int = 3
    prompt_format: str = "!{overdue}"

"""What every action and view needs besides the data: the clock and the settings.

Its own module, so that commands that only read (``today``, ``list``, ``who``, ``week``) need
not import the actions (``respond.core.actions``, which imports it from here).
"""

from __future__ import annotations

from datetime import datetime

from respond.core.clock import Clock
from respond.core.settings import Settings
from respond.core.value import Value

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from respond.core.calendar import Calendar


class Env(Value):
    """What every action needs besides the data: the clock and the settings. (Times are put
    into words by :mod:`respond.core.timefmt`.)"""

    __slots__ = ("clock", "settings")
    clock: Clock
    settings: Settings

    def __init__(self, clock: Clock, settings: Settings | None = None) -> None:
        object.__setattr__(self, "clock", clock)
        object.__setattr__(self, "settings", Settings() if settings is None else settings)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def calendar(self) -> Calendar:
        """The zone, working week and first weekday that weeks are counted in (one value:
        :class:`respond.core.calendar.Calendar`), from the settings and the clock's zone."""
        from respond.core.calendar import Calendar

        return Calendar.of(self.settings, self.clock.tz)

    def when(self, text: str) -> datetime:
        """Parse a date the user typed, relative to now."""
        from respond.core.dates import parse_when

        return parse_when(text, self.now(), self.settings.week, self.clock.tz)

    def later(self, text: str) -> datetime:
        """A follow-up or chase time the user typed (or the configured default): the date it
        names, moved to the next working day when it falls on a day off."""
        from respond.core.worktime import on_workday

        return on_workday(self.when(text), self.settings.week, self.clock.tz)

"""The per-invocation :class:`App` (store, settings, clock, output), the one transaction path
(:meth:`App.run`: commit, then confirm) and the one presentation path (:meth:`App.emit`).

It imports neither Typer nor Rich, so that the capture lane (:mod:`respond.cli.lane`) runs
``add`` through exactly the code the Typer command runs; :mod:`respond.cli.context` re-exports
it with the error path.
"""

from __future__ import annotations

from functools import cached_property

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any, Literal

    # The views commands show, each in two forms chosen by ``--json`` (:meth:`App.emit`): for
    # scripts, the function of its name in ``cli.shapes`` makes the JSON; for people, the one
    # in ``cli.render`` draws it with Rich, or for a plain view (the config report, nothing to
    # colour) the one in ``cli.output``, so that it never imports Rich.
    View = Literal["item", "items", "review", "scorecard", "person", "people", "config"]


PLAIN_VIEWS: frozenset[View] = frozenset({"config"})


class App:
    """Per-invocation state, built lazily so each command imports only what it uses.

    ``make_output`` builds the output environment: :class:`respond.cli.output.Environment`
    unless a test hands the app its own (as ``obj``: ``CliRunner().invoke(app, args,
    obj=partial(Environment, stdout_isatty=True))``)."""

    def __init__(self, db: str | None, now: str | None, make_output: Any = None) -> None:
        self.db_option = db
        self.now_option = now
        self.make_output = make_output
        # How this command uses the config file: "all" (its settings change what it does, so a
        # broken file stops it), "colour" (only ``color``: a broken file means the defaults,
        # silently) or "none" (never read). See :meth:`without_settings`.
        self.config_use = "all"
        self.saved: str | None = None  # what a committed change saved (see output_lost)
        # a capture's names while it runs (respond.cli.lane), which a question matches against
        self.known_names: Any = None

    def without_settings(self, *, colour: bool = False) -> App:
        """For a command that depends on no setting (``show``, ``undo``, ``export``,
        ``doctor``): it runs on the defaults, so a broken config file never stops it. With
        ``colour``, a good file's ``color = false`` is still honoured."""
        self.config_use = "colour" if colour else "none"
        return self

    @cached_property
    def store(self) -> Any:
        from respond.storage.database import Store
        from respond.storage.paths import resolve_db_path

        path, explicit = resolve_db_path(self.db_option)
        return Store(path, explicit=explicit)

    @cached_property
    def config(self) -> Any:
        """``(settings, sources)`` from the config file (read only by commands that need it)."""
        from respond.storage.config import ConfigError, defaults, load_settings

        if self.config_use == "none":
            return defaults()
        try:
            return load_settings()
        except ConfigError:
            if self.config_use == "all":
                raise
            return defaults()

    @cached_property
    def settings(self) -> Any:
        """The settings (``config[0]``). Without a config file they are the defaults, made
        without importing the config reader (``storage/config.py``: 3M instructions)."""
        if self.config_use != "none" and not _no_config_file():
            return self.config[0]
        from respond.core.settings import Settings

        return Settings()

    @cached_property
    def env(self) -> Any:
        from respond.core.clock import FixedClock, SystemClock, iso_moment
        from respond.core.env import Env

        clock: Any = SystemClock()
        settings = self.settings
        if self.now_option:
            try:  # a plain ISO date and time, read without the date grammar
                pinned = iso_moment(self.now_option, clock.tz)
            except ValueError:  # (2026-02-30T10:00: the grammar says what is wrong)
                pinned = None
            if pinned is None:  # a date phrase: only then the grammar (and dateutil)
                from respond.core.dates import parse_when

                pinned = parse_when(self.now_option, clock.now(), settings.week, clock.tz)
            clock = FixedClock(pinned)
        return Env(clock=clock, settings=settings)

    @cached_property
    def output(self) -> Any:
        """Where this command's output goes, and whether in colour (the config's ``color``,
        read only if something is drawn)."""
        from respond.cli.output import Environment

        make = self.make_output or Environment
        return make(color=lambda: self.settings.color)

    def run(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one core action inside a locked transaction and print its confirmation."""
        outcome = self.commit(action, *args, **kwargs)
        self.confirm(outcome)
        return outcome

    def commit(self, action: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one core action inside a locked transaction: written when this returns, nothing
        written when it raises."""
        with self.store.transaction(now=self.env.now()) as session:
            outcome = action(session, self.env, *args, **kwargs)
        ids = [f"#{item.id}" for item in outcome.items]
        self.saved = ", ".join(ids) if 0 < len(ids) <= 3 else "the change"
        return outcome

    def confirm(self, outcome: Any) -> None:
        """After a commit: the one-line confirmation, the hints and warnings on stderr, and
        the background sync (``[sync] auto``)."""
        self.output.confirm(outcome.message)
        for hint in outcome.hints:
            self.output.warn(hint, label="hint")
        for warning in self.store.warnings:
            self.output.warn(warning)
        from respond.cli.autosync import after_change

        after_change(self)  # [sync] auto: a sync in the background, without waiting for it

    def emit(self, view: View, data: Any, as_json: bool = False, **options: Any) -> None:
        """The one presentation path: show ``data`` as the ``view`` it is, as JSON for
        scripts (``cli.shapes``) or drawn for people (``cli.render``); ``options`` are the
        drawing's (``--quiet``, ``--all``...)."""
        if as_json:
            from respond.cli import shapes

            self.output.json(getattr(shapes, view)(data))
        elif view in PLAIN_VIEWS:
            from respond.cli import output

            getattr(output, view)(data, self.output)
        else:
            from respond.cli import render

            getattr(render, view)(data, self.env, self.output, **options)


def _no_config_file() -> bool:
    """Whether there is no config file, as :func:`respond.storage.config.load_settings` finds
    it (``FileNotFoundError``: then it gives the defaults)."""
    import os

    from respond.storage.paths import config_path

    try:
        os.stat(config_path())
    except FileNotFoundError:
        return True
    except OSError:  # unreadable: load_settings says what is wrong, as it always did
        return False
    return False

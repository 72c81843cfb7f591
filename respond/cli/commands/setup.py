"""Setting up: ``config`` (show, path), the shell prompt's ``prompt`` and ``shell-init``."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from respond.core.promptformat import DEFAULT_PROMPT_FORMAT

if TYPE_CHECKING:
    pass
from respond.cli.context import app_state
from respond.cli.options import JsonOpt

config_app = typer.Typer(
    name="config",
    help="Show the effective settings, where each came from, and the config and database paths.",
    rich_markup_mode=None,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@config_app.callback()
def config_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the effective settings, each with its source (default or file), and the paths of
    the config file and the database.

    Example: respond config
    """
    if ctx.invoked_subcommand is not None:
        return
    from respond.cli.output import ConfigView
    from respond.storage.config import default_path

    state = app_state(ctx)
    settings, sources = state.config
    state.emit("config", ConfigView(settings, sources, default_path(), state.store.path), as_json)


@config_app.command("path")
def config_path_(ctx: typer.Context) -> None:
    """Print the config file's path (it need not exist yet).

    Example: $EDITOR "$(respond config path)"
    """
    from respond.storage.config import default_path

    print(default_path())


def prompt(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="TEMPLATE",
            help="Placeholders {overdue}, {today} (due later today) and {open}; prints nothing "
            "when all shown counts are 0 (default: " + DEFAULT_PROMPT_FORMAT + ").",
        ),
    ] = None,
    shell: Annotated[
        bool, typer.Option("--shell", hidden=True, help="Output for the shell-init snippets.")
    ] = False,
) -> None:
    """Print the overdue counter for your shell prompt (e.g. !3; nothing when none): open
    items of every kind past their time (due 14:00: counted from 14:00:01), the number
    respond today states in its first line.

    Fast: reads only a small state file. See respond shell-init.
    """
    from respond.cli import prompt as counter

    state = app_state(ctx)
    code = counter.fast_main(
        [
            *(["--db", state.db_option] if state.db_option is not None else []),
            *(["--now", state.now_option] if state.now_option is not None else []),
            "prompt",
            *(["--format", fmt] if fmt is not None else []),
            *(["--shell"] if shell else []),
        ]
    )
    assert code is not None


def shell_init(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="TEMPLATE",
            help="As for respond prompt. Its prompt escapes work: zsh's %F{red}!{overdue}%f, "
            "bash's \\[\\e[31m\\]!{overdue}\\[\\e[0m\\] (bash >= 4.4).",
        ),
    ] = None,
) -> None:
    """Print a snippet that puts the overdue counter in your prompt. Only the counts (digits)
    are filled into your template: nothing from the database reaches the prompt.

    bash: eval "$(respond shell-init bash)" in ~/.bashrc; zsh: the same in ~/.zshrc;
    fish: respond shell-init fish | source in config.fish.
    """
    from respond.cli.shell import snippet

    sys.stdout.write(snippet(shell, fmt, app_state(ctx).db_option))

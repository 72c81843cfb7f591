"""Where the config file lives, and a cheap reader of its ``prompt_format`` for the prompt.

Kept tiny on purpose (``os`` and ``sys`` only, not even ``re``): ``respond prompt`` runs before
every shell prompt and must not pay for ``tomllib``, ``platformdirs`` or the settings
dataclasses. Everything else reads the file through :func:`respond.storage.config.load_settings`.
"""

from __future__ import annotations

import os

CONFIG_FILENAME = "config.toml"
CONFIG_ENV = "RESPOND_CONFIG"
DEFAULT_PROMPT_FORMAT = "!{overdue}"
#: The placeholders ``prompt_format`` may use (the prompt fills each of them).
PROMPT_FIELDS: frozenset[str] = frozenset({"overdue", "today", "open"})
PROMPT_FORMAT_MAX = 200


def config_path() -> str:
    """``$RESPOND_CONFIG``, else ``config.toml`` in the platform's user config directory
    (``$XDG_CONFIG_HOME/respond/config.toml`` or ``~/.config/respond/config.toml`` on Linux;
    see :func:`respond.storage.paths.user_dir`)."""
    chosen = os.environ.get(CONFIG_ENV)
    if chosen:
        return os.path.expanduser(chosen)
    from respond.storage.paths import user_dir

    return os.path.join(user_dir("config"), CONFIG_FILENAME)


def read_prompt_format(path: str | None = None) -> str:
    """The ``prompt_format`` setting, as cheaply as possible; the default on any problem.

    The common case, a plain top-level ``prompt_format = "..."`` line (or no such line, or
    no file), is answered with a few string operations and no ``tomllib``. Anything
    fancier (escapes, multi-line strings, dotted keys) falls back to the full, validated
    reader. A broken config never breaks the prompt: ``respond config`` reports the error.
    """
    path = path or config_path()
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(65536)
    except (OSError, UnicodeDecodeError):
        return DEFAULT_PROMPT_FORMAT
    if "prompt_format" not in text:
        return DEFAULT_PROMPT_FORMAT
    simple = _simple_prompt_format(text)
    if simple is not None:
        return simple if prompt_format_problem(simple) is None else DEFAULT_PROMPT_FORMAT
    try:
        from pathlib import Path

        from respond.storage.config import load_settings

        return load_settings(Path(path))[0].prompt_format
    except Exception:
        return DEFAULT_PROMPT_FORMAT


def _simple_prompt_format(text: str) -> str | None:
    """The value of the one top-level ``prompt_format = "..."`` (or ``'...'``) line, when the
    file is that simple: no escapes, no multi-line strings, the key only once. Else ``None``."""
    top = text
    for n, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("["):  # the first table ends the top-level keys
            top = "\n".join(text.splitlines()[:n])
            break
    if top.count("prompt_format") != 1 or '"""' in top or "'''" in top:
        return None
    for line in top.splitlines():
        key, sep, rest = line.partition("=")
        if not sep or key.strip() not in ("prompt_format", '"prompt_format"'):
            continue
        rest = rest.strip()
        quote = rest[:1]
        if quote not in ('"', "'"):
            return None
        end = rest.find(quote, 1)
        value, tail = rest[1:end], rest[end + 1 :].strip()
        if end < 0 or (quote == '"' and "\\" in value) or (tail and not tail.startswith("#")):
            return None
        return value
    return None


def prompt_format_problem(value: str) -> str | None:
    """Why ``value`` can't be a prompt format (``None`` when it can): too long, or holding
    control characters (write shell colour escapes such as zsh's ``%F{red}`` instead)."""
    if len(value) > PROMPT_FORMAT_MAX:
        return f"is longer than {PROMPT_FORMAT_MAX} characters"
    if not value.isprintable():
        return "contains control characters"
    return None


def fill_prompt(fmt: str, **values: object) -> str:
    """``fmt`` with each ``{name}`` of :data:`PROMPT_FIELDS` replaced by its value.

    Plain replacement, not ``str.format``: every other brace stays as written, so shell prompt
    escapes like zsh's ``%F{red}`` need no doubling, and a format can never fail.
    """
    for name in PROMPT_FIELDS:
        fmt = fmt.replace("{" + name + "}", str(values.get(name, "")))
    return fmt

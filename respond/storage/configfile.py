"""A cheap reader of the config file's ``prompt_format``, for the prompt.

Kept tiny on purpose (``os`` and ``sys`` only, not even ``re``): ``respond prompt`` runs before
every shell prompt and must not pay for ``tomllib``, ``platformdirs`` or the settings
dataclasses. The file's place is :func:`respond.storage.paths.config_path`; the template's rules
are :mod:`respond.core.promptformat`. Everything else reads the file through
:func:`respond.storage.config.load_settings`.
"""

from __future__ import annotations

from respond.core.promptformat import DEFAULT_PROMPT_FORMAT, prompt_format_problem
from respond.storage.paths import config_path
from respond.storage.reading import read_regular


def read_prompt_format(path: str | None = None) -> str:
    """The ``prompt_format`` setting, as cheaply as possible; the default on any problem.

    The common case, a plain top-level ``prompt_format = "..."`` line (or no such line, or
    no file), is answered with a few string operations and no ``tomllib``. Anything
    fancier (escapes, multi-line strings, dotted keys) falls back to the full, validated
    reader. A broken config never breaks the prompt: ``respond config`` reports the error.
    """
    path = path or config_path()
    try:
        text = read_regular(path, 65536).decode("utf-8")  # never a FIFO or a device
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

"""The prompt's template (``prompt_format``): its default, its placeholders, what makes one
unusable, and how it is filled. Pure core.

This module imports nothing: the prompt's fast path (:mod:`respond.cli.prompt`) and its cheap
config reader (:mod:`respond.storage.configfile`) use it on every shell prompt.
"""

DEFAULT_PROMPT_FORMAT = "!{overdue}"
#: The placeholders ``prompt_format`` may use (the prompt fills each of them).
PROMPT_FIELDS: frozenset[str] = frozenset({"overdue", "today", "open"})
PROMPT_FORMAT_MAX = 200


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

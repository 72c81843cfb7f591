"""Dynamic shell completion: item IDs (with their titles as descriptions) and people's names.

Typer calls these while the user presses TAB, in a process whose output the shell reads, so
they never raise and never print: any problem (no database yet, a damaged file, a bad
``--db``) simply completes nothing. They read a lock-free :meth:`Store.snapshot`.

Descriptions are shown by zsh and fish (bash shows only values). Both pass them through their
own quoting and through Rich's markup renderer, so a description is made plain here: control
characters become spaces and square brackets become round ones. Values that could break the
line-based completion protocols (names with control characters) are never offered.
They read the active file only (open items and what changed in the last weeks), never the
archive.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Any

from respond.core.model import Item

#: Commands whose ID argument only makes sense for open items.
OPEN_ONLY = frozenset({"ack", "done", "drop", "snooze"})
MAX_RESULTS = 200
DESCRIPTION_WIDTH = 60


def _items(ctx: Any) -> list[Item]:
    from respond.storage.database import Store
    from respond.storage.paths import resolve_db_path

    root = ctx.find_root() if ctx is not None else None
    params = getattr(root, "params", None) or {}
    path, explicit = resolve_db_path(params.get("db"))
    return list(Store(path, explicit=explicit).snapshot(history=False).items.values())


def describe(item: Item) -> str:
    """A one-line plain hint: ``ask · Dana · Q3 numbers``."""
    text = f"{item.kind} · {item.person} · {item.title}"
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+", " ", text)
    text = " ".join(text.replace("[", "(").replace("]", ")").split())
    return text if len(text) <= DESCRIPTION_WIDTH else text[: DESCRIPTION_WIDTH - 1] + "…"


def id_choices(
    items: Iterable[Item], incomplete: str, open_only: bool = False
) -> list[tuple[str, str]]:
    """``(id, description)`` for items whose ID starts with what was typed.

    Typed as ``#1``, the IDs come back as ``#12`` too. Open items come first (by due
    time), then closed ones (newest first).
    """
    hashed = incomplete.startswith("#")
    typed = incomplete[1:] if hashed else incomplete
    chosen = [
        item for item in items if str(item.id).startswith(typed) and (item.is_open or not open_only)
    ]
    far = float("inf")
    chosen.sort(
        key=lambda i: (
            not i.is_open,
            (i.due.timestamp() if i.due else far) if i.is_open else -i.id,
            i.id,
        )
    )
    prefix = "#" if hashed else ""
    return [(f"{prefix}{item.id}", describe(item)) for item in chosen[:MAX_RESULTS]]


def person_choices(items: Iterable[Item], incomplete: str) -> list[tuple[str, str]]:
    """The people what was typed could name, by the one matching rule
    (:func:`respond.core.people.candidates`: any case, accents, a start of any word of the name),
    the most frequent first, each in the spelling ``who`` shows; the description says how many
    open items they have. (Typer then keeps only the names that start with what was typed.)
    """
    from respond.core.people import candidates, names, person_key

    everything = list(items)
    spelled = names(everything)
    counts: dict[str, int] = {}
    open_counts: dict[str, int] = {}
    for item in everything:
        key = person_key(item.person)
        counts[key] = counts.get(key, 0) + 1
        open_counts[key] = open_counts.get(key, 0) + item.is_open
    chosen = [
        key
        for key in candidates(spelled, incomplete)
        if spelled[key].strip() and spelled[key].isprintable()
    ]
    ranked = sorted(chosen, key=lambda k: (-counts[k], k))
    return [
        (spelled[key].strip(), f"{open_counts[key]} open, {counts[key]} in all")
        for key in ranked[:MAX_RESULTS]
    ]


def _for_shell(value: str, incomplete: str) -> str:
    """Bash inserts a completion as it is: escape a name's spaces and quotes so it stays one
    word. (zsh and fish quote completions themselves.) Typer only keeps completions that start
    with what was typed, so once the typed text holds a space the name goes unescaped."""
    if os.environ.get("_RESPOND_COMPLETE") != "complete_bash":
        return value
    escaped = re.sub(r"([^\w@%+=:,./-])", r"\\\1", value)
    return escaped if escaped.startswith(incomplete) else value


def complete_ids(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Typer autocompletion for item IDs; open items only where the command needs one."""
    try:
        command = getattr(ctx, "info_name", None)
        return id_choices(_items(ctx), incomplete, open_only=command in OPEN_ONLY)
    except Exception:
        return []


def complete_people(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Typer autocompletion for people's names (``--from``, ``--to``, ``--on``, ``--who``,
    ``who``, ``thanks``...)."""
    try:
        choices = person_choices(_items(ctx), incomplete)
        return [(_for_shell(name, incomplete), hint) for name, hint in choices]
    except Exception:
        return []

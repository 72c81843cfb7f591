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

import contextlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
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
        typed = _typed(incomplete)
        command = getattr(ctx, "info_name", None)
        return id_choices(_items(ctx), typed, open_only=command in OPEN_ONLY)
    except Exception:
        return []


def complete_open_asks(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """The IDs ``wait --for`` takes: open asks and promises (whose person gets the answer)."""
    from respond.core.actions import ACK_KINDS

    try:
        items = [item for item in _items(ctx) if item.kind in ACK_KINDS]
        return id_choices(items, _typed(incomplete), open_only=True)
    except Exception:
        return []


def complete_people(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Typer autocompletion for people's names (``--from``, ``--to``, ``--on``, ``--who``,
    ``who``, ``thanks``...)."""
    try:
        typed = _typed(incomplete)
        choices = person_choices(_items(ctx), typed)
        if _protocol.typed is not None or LINE_VAR in os.environ:  # our scripts quote
            return choices
        return [(_for_shell(name, incomplete), hint) for name, hint in choices]
    except Exception:
        return []


# -- respond's own completion scripts -------------------------------------------------------
#
# Typer's scripts pass completions through ``eval`` (zsh) or split them on spaces (bash), and
# its bash protocol joins the words with spaces and splits them again, so a name with a space,
# an apostrophe or a quote breaks, inside an open quote or after a backslash. respond's scripts
# hand over the line as the shell has it, and quote nothing twice:
#
# * bash gives the raw line up to the cursor (``COMP_LINE``, ``COMP_POINT``: bytes). Python
#   reads it as bash would (quotes, backslashes), completes the last word, and answers, one a
#   line, the text that replaces what readline replaces (after an open quote, or after the last
#   unquoted word-break character), quoted for where it goes: inside '...' an apostrophe is
#   '\'' (readline closes the quote), inside "..." a backslash goes before \ " $ `, and
#   outside quotes before every character the shell treats specially.
# * zsh gives the words, unquoted (``${(Q)...}``); Python answers ``value<TAB>description``
#   lines and ``compadd`` inserts the values, quoting them for the word's quoting itself.
# * fish gives the tokens, unescaped (``commandline -opc``) and the current token as typed;
#   Python answers ``value<TAB>description`` lines, which fish escapes as it inserts them.
#
# Names match by the one rule (:func:`respond.core.people.candidates`: case, accents, any
# word's start), not only by their first letters as Typer filters them.

LINE_VAR = "_RESPOND_COMPLETE_LINE"  # bash: the raw line; zsh and fish: the words, one a line
POINT_VAR = "_RESPOND_COMPLETE_POINT"  # bash: the cursor's byte offset in the line
# What bash's readline breaks words at (COMP_WORDBREAKS, less the quotes and blanks).
_WORD_BREAKS = frozenset("=:><;|&(")
# Characters bash leaves alone outside quotes (the rest get a backslash).
_PLAIN = re.compile(r"[\w@%+=:,./-]")


class _Protocol:
    """What our scripts' completion asked for: the word typed, unquoted (``None`` outside our
    protocol), and whether a callback of ours answered (else Typer's choices are filtered
    by their start, as Typer does)."""

    typed: str | None = None
    answered: bool = False


_protocol = _Protocol()


def _typed(incomplete: str) -> str:
    if _protocol.typed is None:
        return incomplete
    _protocol.answered = True
    return _protocol.typed


class Word:
    """The word being completed, as bash's readline sees it: ``value`` unquoted; ``quote``
    the quote open at its end (``'``, ``"`` or ``""``); ``start`` the unquoted length of
    what comes before the text readline replaces."""

    def __init__(self, value: str, quote: str, start: int) -> None:
        self.value = value
        self.quote = quote
        self.start = start


def split_line(line: str) -> tuple[list[str], Word]:
    """A command line up to the cursor read as bash reads it: the finished words (unquoted),
    and the one being typed (empty after a blank)."""
    words: list[str] = []
    value: list[str] = []
    started = False  # a word is under way (even an empty one: '')
    quote = ""
    start = 0  # readline replaces from this unquoted offset of the word
    i = 0
    while i < len(line):
        ch = line[i]
        if quote == "'":
            if ch == "'":
                quote, start = "", len(value)  # a closing quote breaks words too
            else:
                value.append(ch)
        elif quote == '"':
            if ch == '"':
                quote, start = "", len(value)
            elif ch == "\\" and i + 1 < len(line) and line[i + 1] in '\\"$`':
                i += 1
                value.append(line[i])
            else:
                value.append(ch)
        elif ch in " \t\n":
            if started:
                words.append("".join(value))
            value, started, start = [], False, 0
        elif ch == "\\":
            started = True
            if i + 1 < len(line):
                i += 1
                value.append(line[i])
        elif ch in "'\"":
            started, quote = True, ch
            start = len(value)
        else:
            started = True
            value.append(ch)
            if ch in _WORD_BREAKS:
                start = len(value)
        i += 1
    return words, Word("".join(value), quote, start)


def bash_quoted(text: str, quote: str) -> str:
    """``text`` as it must be typed where ``quote`` is open (``""``: none)."""
    if quote == "'":
        return text.replace("'", "'\\''")
    if quote == '"':
        return re.sub(r'([\\"$`])', r"\\\1", text)
    return "".join(ch if _PLAIN.fullmatch(ch) else "\\" + ch for ch in text)


def _plain(text: str) -> str:
    """A one-line description for zsh and fish: no tabs, newlines or control characters."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text).split())


def answer(cli: Any, ctx_args: Any, prog_name: str, complete_var: str, shell: str) -> str:
    """The completions of our protocol (see above) for ``shell``, as its script reads them."""
    from importlib import import_module

    # Click's completion module as Typer vendors it (typer.completion imports it).
    shell_completion: Any = import_module("typer.completion").shell_completion

    if shell == "bash":
        raw = os.environb.get(LINE_VAR.encode(), b"")
        point = os.environ.get(POINT_VAR, "")
        cut = int(point) if point.isdigit() else len(raw)
        words, word = split_line(raw[:cut].decode("utf-8", "replace"))
    elif shell == "zsh":  # zsh unquoted them all
        lines = os.environ.get(LINE_VAR, "").split("\n")
        words, word = lines[:-1], Word(lines[-1], "", 0)
    else:  # fish unescaped the finished tokens; the current one is as typed
        lines = os.environ.get(LINE_VAR, "").split("\n")
        words, word = lines[:-1], split_line(lines[-1])[1]
    args = words[1:]  # after the command's own name
    typed = word.value
    typers = shell_completion.get_completion_class(shell)  # for Click's parsing only
    assert typers is not None
    comp = typers(cli, ctx_args, prog_name, complete_var)
    if typed.startswith("-") and "=" not in typed:  # an option's name
        before, value, found = "", typed, comp.get_completions(args, typed)
    else:
        # Our callbacks get what was typed (``_typed``) and Click nothing, so that Typer's
        # filter (the start of the value, case and accents included) lets all of ours through.
        option, equals, value = typed.partition("=") if typed.startswith("-") else ("", "", typed)
        before = option + equals
        _protocol.typed, _protocol.answered = value, False
        try:
            found = comp.get_completions(args, before)
        finally:
            _protocol.typed = None
        if not _protocol.answered:
            found = [item for item in found if str(item.value).startswith(value)]
    out: list[str] = []
    for item in found:
        value = before + str(item.value)
        if not value.isprintable():
            continue
        if shell == "bash":
            if value.startswith(typed[: word.start]):  # readline keeps what comes before
                out.append(bash_quoted(value[word.start :], word.quote))
        else:
            help_text = _plain(str(item.help)) if item.help else ""
            if len(help_text) > DESCRIPTION_WIDTH:
                help_text = help_text[: DESCRIPTION_WIDTH - 1] + "…"
            out.append(f"{value}\t{help_text}" if help_text else value)
    return "\n".join(out)


BASH_SCRIPT = r"""# respond: completion for bash (respond --install-completion bash writes it).
_respond_completion() {
    # one completion a line, each used as it is: no word splitting, no globbing
    mapfile -t COMPREPLY < <(%(complete_var)s=complete_bash _RESPOND_COMPLETE_LINE="$COMP_LINE" \
        _RESPOND_COMPLETE_POINT="$COMP_POINT" "$1" </dev/null 2>/dev/null)
    return 0
}
complete -o default -F _respond_completion %(prog_name)s
"""

ZSH_SCRIPT = r"""#compdef %(prog_name)s
# respond: completion for zsh (respond --install-completion zsh writes it).
_respond_completion() {
    local -a words_now values shown
    local out line
    words_now=("${(@Q)words[1,CURRENT-1]}" "${(Q)PREFIX}")
    out=$(%(complete_var)s=complete_zsh _RESPOND_COMPLETE_LINE="${(pj:\n:)words_now}" \
        "${words[1]}" </dev/null 2>/dev/null)
    for line in "${(@f)out}"; do
        [[ -n $line ]] || continue
        values+=("${line%%%%$'\t'*}")
        if [[ $line == *$'\t'* ]]; then
            shown+=("${line%%%%$'\t'*}  -- ${line#*$'\t'}")
        else
            shown+=("${line}")
        fi
    done
    if (( ${#values} )); then
        compadd -U -V respond -l -d shown -a values
    else
        _files
    fi
}
compdef _respond_completion %(prog_name)s
"""

FISH_SCRIPT = r"""# respond: completion for fish (respond --install-completion fish writes it).
function __respond_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l line (string join \n -- $words | string collect)
    set -l found (%(complete_var)s=complete_fish _RESPOND_COMPLETE_LINE=$line \
        command %(prog_name)s </dev/null 2>/dev/null)
    if set -q found[1]
        printf '%%s\n' $found
    else  # nothing of ours: files, as for any command (respond import FILE)
        __fish_complete_path (commandline -ct)
    end
end
complete --command %(prog_name)s --no-files --arguments '(__respond_complete)'
"""

SCRIPTS = {"bash": BASH_SCRIPT, "zsh": ZSH_SCRIPT, "fish": FISH_SCRIPT}
# Typer's functions that ours stand in for (see take_over), kept to hand other shells to.
_TYPERS: dict[str, Any] = {}


def script(*, prog_name: str, complete_var: str, shell: str) -> str:
    """The completion script for ``shell``: ours for bash, zsh and fish, else Typer's."""
    if shell in SCRIPTS:
        return SCRIPTS[shell] % {"prog_name": prog_name, "complete_var": complete_var}
    return str(_TYPERS["get_completion_script"](
        prog_name=prog_name, complete_var=complete_var, shell=shell
    ))  # fmt: skip


def script_path(shell: str, prog_name: str = "respond") -> Path:
    """Where ``--install-completion`` puts the script: where each shell reads it (fish: in
    ``$XDG_CONFIG_HOME/fish/completions``, as fish itself looks)."""
    home = Path.home()
    if shell == "bash":
        return home / ".bash_completions" / f"{prog_name}.sh"
    if shell == "zsh":
        return home / ".zfunc" / f"_{prog_name}"
    config = os.environ.get("XDG_CONFIG_HOME") or ""
    base = Path(config) if os.path.isabs(config) else home / ".config"
    return base / "fish" / "completions" / f"{prog_name}.fish"


def _add_line(rc: Path, line: str) -> None:
    """Append ``line`` to the shell's startup file unless it is there."""
    text = rc.read_text(encoding="utf-8") if rc.is_file() else ""
    if line not in text:
        rc.parent.mkdir(parents=True, exist_ok=True)
        rc.write_text(f"{text.rstrip()}\n{line}\n".lstrip("\n"), encoding="utf-8")


def install(
    shell: str | None = None, prog_name: str | None = None, complete_var: str | None = None
) -> tuple[str, Path]:
    """``respond --install-completion [SHELL]``: our script where the shell reads it (and, for
    bash and zsh, the line that reads it in ~/.bashrc or ~/.zshrc); other shells as Typer
    installs them."""
    prog_name = prog_name or "respond"
    complete_var = complete_var or "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
    if shell is None and not os.environ.get("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"):
        import shellingham  # type: ignore[import-untyped]

        try:
            shell = str(shellingham.detect_shell()[0]).lower()
        except shellingham.ShellDetectionFailure:
            shell = None
    if shell not in SCRIPTS:
        return _TYPERS["install"](shell=shell, prog_name=prog_name, complete_var=complete_var)  # type: ignore[no-any-return]
    path = script_path(shell, prog_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script(prog_name=prog_name, complete_var=complete_var, shell=shell))
    if shell == "bash":
        _add_line(Path.home() / ".bashrc", f"source '{path}'")
    elif shell == "zsh":
        _add_line(Path.home() / ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit")
    return shell, path


def _shell_complete(
    cli: Any, ctx_args: Any, prog_name: str, complete_var: str, instruction: str
) -> int:
    """Typer's ``shell_complete``, but our protocol and scripts for bash, zsh and fish.
    A script Typer wrote earlier (no ``_RESPOND_COMPLETE_LINE``) gets Typer's answer."""
    action, _, shell = instruction.partition("_")
    if shell in SCRIPTS and action == "source":
        print(script(prog_name=prog_name, complete_var=complete_var, shell=shell))
        return 0
    if shell in SCRIPTS and action == "complete" and LINE_VAR in os.environ:
        with contextlib.suppress(Exception):  # completion never prints an error on the line
            found = answer(cli, ctx_args, prog_name, complete_var, shell)
            if found:  # else nothing at all: the shell completes file names
                print(found)
        return 0
    return int(_TYPERS["shell_complete"](cli, ctx_args, prog_name, complete_var, instruction))


def take_over() -> None:
    """Put our completion in place of Typer's (for ``--show-completion``,
    ``--install-completion`` and a completion request): Typer looks these three functions up
    in ``typer.completion`` when it calls them."""
    from typer import completion

    if _TYPERS:
        return
    ours = {"shell_complete": _shell_complete, "get_completion_script": script, "install": install}
    for name, function in ours.items():
        _TYPERS[name] = getattr(completion, name)
        setattr(completion, name, function)

r"""``respond shell-init bash|zsh|fish``: snippets that put the prompt counter in your prompt.

bash and zsh keep the counter in ``$RESPOND_PROMPT`` together with the Unix time it next changes
(the next due time or local midnight) and the state file's STAMP. Before each prompt they only
compare numbers and read the state file's first line with the ``read`` builtin (only when it
is a regular file: a FIFO or a link to ``/dev/zero`` there would hang the shell); they run
``respond prompt --shell`` again only when that time has passed, the state file was rewritten
(any respond command that changed something) or ``$RESPOND_DB`` changed. So most prompts start
no process at all. fish has no built-in clock, so its snippet runs ``respond prompt`` each time.

The counter is the template (``--format`` or ``prompt_format``, the user's own text) with each
placeholder replaced by a number: nothing from the database ever reaches the prompt. So the
prompt expands the template's own escapes, as if it were written into the prompt: zsh's
``%F{red}``, and bash's ``\[\e[31m\]`` (``${RESPOND_PROMPT@P}``, bash >= 4.4).
"""

from __future__ import annotations

import shlex

from respond.core.errors import RespondError

SHELLS = ("bash", "zsh", "fish")

# Shared by bash and zsh (the parameter expansions are the same in both).
_POSIX_FUNCTIONS = r"""__respond_refresh() {
    local out line rest
    out=$(command respond __ARGS__ prompt --shell __FORMAT__ 2>/dev/null)
    line=${out%%$'\n'*}
    if [[ $out == *$'\n'* ]]; then RESPOND_PROMPT=${out#*$'\n'}; else RESPOND_PROMPT=; fi
    __respond_until=${line%% *}
    rest=${line#* }
    __respond_stamp=${rest%% *}
    __respond_state=${rest#* }
    __respond_db=${RESPOND_DB-}
    case $__respond_until in
        '' | *[!0-9]*) __respond_until=$(( $1 + 60 )) RESPOND_PROMPT= __respond_state= ;;
    esac
}
__respond_check() {
    local magic version stamp rest
    # -f: a regular file (or a link to one) only; a FIFO would hang `read`, /dev/zero too
    if [[ -n $__respond_state && -f $__respond_state ]]; then
        { read -r magic version stamp rest < "$__respond_state"; } 2>/dev/null
    fi
    if (( $1 >= __respond_until )) || [[ ${stamp:--} != "$__respond_stamp" ]] \
        || [[ ${RESPOND_DB-} != "$__respond_db" ]]; then
        __respond_refresh "$1"
    fi
}
"""

_BASH = (
    r"""# respond: overdue counter in the prompt. In ~/.bashrc:  eval "$(respond shell-init bash)"
# $RESPOND_PROMPT holds it (e.g. "!3", or nothing). It is put in front of PS1; if you set PS1
# later, include ${RESPOND_PROMPT:+${RESPOND_PROMPT@P} } yourself (bash >= 4.4: the template's
# prompt escapes such as \[\e[31m\] work). Needs bash >= 4.2.
__respond_until=0 __respond_stamp= __respond_state= __respond_db=${RESPOND_DB-} RESPOND_PROMPT=
"""
    + _POSIX_FUNCTIONS
    + r"""__respond_precmd() {
    local status=$? now
    if [[ -n ${EPOCHSECONDS-} ]]; then
        now=$EPOCHSECONDS
    elif ! printf -v now '%(%s)T' -1 2>/dev/null; then
        now=$__respond_until
    fi
    __respond_check "$now"
    return $status
}
if [[ ${PROMPT_COMMAND-} != *__respond_precmd* ]]; then
    PROMPT_COMMAND=__respond_precmd${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
fi
if [[ ${PS1-} != *RESPOND_PROMPT* ]]; then
    if (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404 )); then
        PS1='${RESPOND_PROMPT:+${RESPOND_PROMPT@P} }'${PS1-}
    else
        PS1='${RESPOND_PROMPT:+$RESPOND_PROMPT }'${PS1-}
    fi
fi
"""
)

_ZSH = (
    r"""# respond: overdue counter in the prompt. In ~/.zshrc:  eval "$(respond shell-init zsh)"
# $RESPOND_PROMPT holds it (e.g. "!3", or nothing). It is put in front of PROMPT (with
# prompt_subst); if you set PROMPT later, include ${RESPOND_PROMPT:+$RESPOND_PROMPT } yourself.
# The template's prompt escapes such as %F{red} work; the counts are only ever digits.
zmodload zsh/datetime 2>/dev/null
typeset -g __respond_until=0 __respond_stamp= __respond_state= __respond_db=${RESPOND_DB-}
typeset -g RESPOND_PROMPT=
"""
    + _POSIX_FUNCTIONS
    + r"""__respond_precmd() {
    __respond_check "${EPOCHSECONDS:-$__respond_until}"
}
autoload -Uz add-zsh-hook
add-zsh-hook precmd __respond_precmd
setopt prompt_subst
if [[ $PROMPT != *RESPOND_PROMPT* ]]; then
    PROMPT='${RESPOND_PROMPT:+$RESPOND_PROMPT }'$PROMPT
fi
"""
)

_FISH = r"""# respond: overdue counter in the prompt. In ~/.config/fish/config.fish:
#     respond shell-init fish | source
# It runs `respond prompt` (about as fast as starting Python) before each prompt.
function __respond_status --description 'respond: hand on an exit status'
    return $argv[1]
end
if functions -q fish_prompt; and not functions -q __respond_user_prompt
    functions -c fish_prompt __respond_user_prompt
    function fish_prompt --description 'respond: the overdue counter, then your prompt'
        set -l last_status $status
        set -l counter (command respond __ARGS__ prompt __FORMAT__ 2>/dev/null | string collect)
        test -n "$counter"; and printf '%s ' $counter
        __respond_status $last_status
        __respond_user_prompt
    end
end
"""


def _fish_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def snippet(shell: str, template: str | None = None, db: str | None = None) -> str:
    """The text to ``eval`` (bash, zsh) or ``source`` (fish) for ``shell``.

    ``template`` (``--format``) and ``db`` (the global ``--db``) are baked into the
    ``respond prompt`` call, quoted for that shell.
    """
    name = shell.strip().lower()
    if name not in SHELLS:
        raise RespondError(f"unknown shell {shell!r}; use one of: {', '.join(SHELLS)}")
    quote = _fish_quote if name == "fish" else shlex.quote
    args = f"--db {quote(db)}" if db else ""
    fmt = f"--format {quote(template)}" if template is not None else ""
    text = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}[name]
    text = text.replace("__ARGS__ ", f"{args} " if args else "")
    return text.replace(" __FORMAT__", f" {fmt}" if fmt else "")

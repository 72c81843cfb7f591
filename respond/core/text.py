"""Making user text safe to show: control characters made visible, long text shortened.

Titles, names and notes are user text and may hold newlines, ANSI escape sequences, bidi
overrides or 10 kB of anything. Every piece of user text passes through :func:`visible` before
it reaches the terminal, so it can never move the cursor, change colours or the window title,
or break a table's layout. Pure: no terminal library.
"""

from __future__ import annotations

import json
import re
import unicodedata

TYPE_CHECKING = False  # (typing.TYPE_CHECKING, without importing typing; mypy knows the name)
if TYPE_CHECKING:
    from typing import Any

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Categories never shown as they are: controls (C0 and C1), format characters (bidi overrides
# and isolates, which can reorder what the reader sees (Trojan Source), zero-width characters,
# U+061C, soft hyphens, the byte order mark, tag characters...), surrogates, private use, and
# the line and paragraph separators that ``str.splitlines`` (and so Rich) break lines at.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_ZWJ, _ZWNJ = "\u200d", "\u200c"
_EMOJI_BEFORE_ZWJ = frozenset({"So", "Sk"})  # a pictograph, or a skin tone modifier
_VS16 = "\ufe0f"  # the emoji presentation selector: 🏳️‍🌈 is U+1F3F3 U+FE0F ZWJ U+1F308


def _joins(before: str, ch: str, after: str) -> bool:
    """Whether a zero-width joiner or non-joiner is doing its job, so it is shown as it is:
    inside an emoji sequence (👩‍💻), or between two letters of a script that it visibly
    changes (Persian, Devanagari: from Greek on, so never inside Latin text, where it is
    invisible and could make ``Dana`` and ``Da\u200cna`` look alike)."""
    if before.isascii() or after.isascii():
        return False
    if ch == _ZWJ and (before == _VS16 or unicodedata.category(before) in _EMOJI_BEFORE_ZWJ):
        return unicodedata.category(after) == "So"
    return all(ord(c) >= 0x370 and unicodedata.category(c)[0] in "LM" for c in (before, after))


def hidden_at(value: str, i: int) -> bool:
    """Whether ``value[i]`` is a character that is not shown as it is (the rule of
    :func:`visible` and :func:`json_text`)."""
    ch = value[i]
    if unicodedata.category(ch) not in _HIDDEN:
        return False
    if ch in (_ZWJ, _ZWNJ) and 0 < i < len(value) - 1:
        return not _joins(value[i - 1], ch, value[i + 1])
    return True


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: str) -> str:
    """``value`` with every control or format character (and line or paragraph separator,
    which ``str.splitlines`` and so Rich break lines at) replaced by a visible escape like
    ``\\x1b`` or ``\\u200b``. Accents, CJK and emoji (their joiners too) stay as they are."""
    if value.isprintable():
        return value
    return "".join(_escape(ch) if hidden_at(value, i) else ch for i, ch in enumerate(value))


_NON_ASCII = re.compile(r"[^\x00-\x7e]+")


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON writes characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(data: Any) -> str:
    """``data`` as JSON for people and scripts alike, the one serializer of respond's JSON
    output (``--json`` and ``export``): UTF-8 text as it is, but every character that
    :func:`visible` escapes written as a JSON escape (``\\u009b``, ``\\u202e``, a lone
    surrogate's ``\\ud800``), so that no output can drive a terminal or fail to encode.
    The escapes are JSON's own: a parser reads back exactly the stored text."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # Such characters can only be inside JSON strings (the rest of the text is ASCII).

    def escape(match: re.Match[str]) -> str:
        run = match.group()
        if run.isprintable():
            return run
        return "".join(_json_escape(ch) if hidden_at(run, i) else ch for i, ch in enumerate(run))

    return _NON_ASCII.sub(escape, text)


def shorten(value: str, width: int = 60) -> str:
    """Visible text cut to ``width`` characters with an ellipsis."""
    shown = visible(value)
    return shown if len(shown) <= width else shown[: max(width - 1, 0)] + "…"


# Scripts whose letters are spelt out in ASCII before names compare: Latin (with its extended
# blocks), Greek and Cyrillic, whose transliteration is one letter for one. Other scripts (CJK,
# Arabic, Hebrew, Indic...) are compared as they are: their readings in ASCII merge different
# names (王伟 and 王维 are both "WangWei").
_SPELT_OUT = ((0x80, 0x530), (0x1D00, 0x2000), (0x2C60, 0x2C80), (0xA720, 0xA800), (0xAB30, 0xAB70))
_APOSTROPHE_MARKS = "'`\u2018\u2019\u201b\u02bc\u00b4\u2032"  # dropped
_DASH_MARKS = "-_\u2010\u2011\u2012\u2013\u2014\u2015"  # spaces
_APOSTROPHES = str.maketrans("", "", _APOSTROPHE_MARKS)
_DASHES = str.maketrans(dict.fromkeys(_DASH_MARKS, " "))
# their ASCII ones, for an ASCII name: str.replace is 4x faster than translate() there
_ASCII_MARKS = tuple(
    (mark, by) for marks, by in ((_APOSTROPHE_MARKS, ""), (_DASH_MARKS, " ")) for mark in marks
    if mark.isascii()
)  # fmt: skip


def _spelt_out(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code < high for low, high in _SPELT_OUT)


def _transliterate(ch: str) -> str:
    from anyascii import anyascii  # only for a non-ASCII name: its tables load lazily

    return anyascii(ch) or ch


def fold(value: str) -> str:
    """``value`` in the form names compare in: transliterated (Latin, Greek and Cyrillic
    letters spelt in ASCII by ``anyascii``: ``Łukasiewicz`` -> ``lukasiewicz``, ``Bjørn`` ->
    ``bjorn``, ``Straße`` -> ``strasse``, ``Đorđe`` -> ``dorde``), case-folded, accents
    dropped, apostrophes dropped (``O'Brien`` and ``OBrien`` are one), hyphens as spaces
    (``Anne-Marie`` is ``anne marie``), runs of spaces as one, none at the ends. Other
    scripts stay as they are, case-folded and without combining marks."""
    if value.isascii():  # most names, and a hot path: every known spelling, on every add
        text = value.casefold()
        for mark, by in _ASCII_MARKS:
            if mark in text:
                text = text.replace(mark, by)
        return " ".join(text.split())
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = "".join(
        _transliterate(ch) if not ch.isascii() and _spelt_out(ch) else ch for ch in bare
    ).casefold()
    return " ".join(text.translate(_APOSTROPHES).translate(_DASHES).split())


def shell_word(value: str) -> str:
    """``value`` as one word for a POSIX shell, to copy into a command: in double quotes when
    nothing in it is special there (``"Zoë O'Brien"``), else in single quotes
    (:func:`shlex.quote`). A value with a control or format character is written in ANSI-C
    quotes (``$'Tab\\tName'``, bash, zsh, ksh and POSIX 2024), so that what is pasted is the
    value itself and the terminal still shows only visible escapes."""
    if visible(value) != value:
        return "$'" + "".join(_ansi_c(value, i) for i in range(len(value))) + "'"
    if not any(ch in value for ch in '"$`\\!'):
        return f'"{value}"'
    import shlex

    return shlex.quote(value)


def _ansi_c(value: str, i: int) -> str:
    ch = value[i]
    if ch in "\\'":
        return "\\" + ch
    if not hidden_at(value, i):
        return ch
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def quoted(value: str, width: int = 40) -> str:
    """User text inside an error message: visible, shortened and quoted."""
    return f"'{shorten(value, width)}'"

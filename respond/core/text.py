"""Making user text safe to show: control characters made visible, long text shortened.

Titles, names and notes are user text and may hold newlines, ANSI escape sequences, bidi
overrides or 10 kB of anything. Every piece of user text passes through :func:`visible` before
it reaches the terminal, so it can never move the cursor, change colours or the window title,
or break a table's layout. Pure: no terminal library.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Bidirectional overrides and isolates can reorder what the reader sees (Trojan Source).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: str) -> str:
    """``value`` with every control character (and line or paragraph separator, which
    ``str.splitlines`` and so Rich break lines at) replaced by a visible escape like ``\\x1b``."""
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Zl", "Zp"):
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def shorten(value: str, width: int = 60) -> str:
    """Visible text cut to ``width`` characters with an ellipsis."""
    shown = visible(value)
    return shown if len(shown) <= width else shown[: max(width - 1, 0)] + "…"


def quoted(value: str, width: int = 40) -> str:
    """User text inside an error message: visible, shortened and quoted."""
    return f"'{shorten(value, width)}'"

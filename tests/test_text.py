"""respond.core.text: user text made safe to show."""

from __future__ import annotations

from respond.core.text import shorten, visible


def test_line_and_paragraph_separators_are_escaped_like_newlines() -> None:
    # str.splitlines (and so Rich) breaks lines at U+2028/U+2029: they must not reach a table
    assert visible("a\u2028b\u2029c\nd") == "a\\u2028b\\u2029c\\nd"
    assert visible("a\u2028b").splitlines() == ["a\\u2028b"]


def test_emoji_and_joiners_stay_as_they_are() -> None:
    family = "👩\u200d👩\u200d👧 Zoë"
    assert visible(family) == family
    assert shorten("x" * 100, 10) == "x" * 9 + "…"

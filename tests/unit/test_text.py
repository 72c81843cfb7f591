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


def test_zero_width_and_other_format_characters_are_escaped() -> None:
    # Unicode category Cf, shown like the controls: zero-width space, U+061C, a joiner inside
    # Latin text (where it is invisible: "Dana" and "Da\u200cna" must not look alike), BOM,
    # soft hyphen, a tag character (invisible text smuggled after a flag)
    assert visible("a\u200bb\u061cc") == "a\\u200bb\\u061cc"
    assert visible("Da\u200cna Da\u200dna \u200dx") == "Da\\u200cna Da\\u200dna \\u200dx"
    assert visible("\ufeffx\xady\U000e0041") == "\\ufeffx\\xady\\ue0041"
    assert visible("\x9b31m") == "\\x9b31m"  # C1 controls, as before


def test_ordinary_text_and_its_joiners_stay_as_they_are() -> None:
    for text in (
        "👩🏽\u200d💻 🏳\ufe0f\u200d🌈 👨\u200d👩\u200d👧",  # emoji sequences
        "می\u200cخواهم",  # Persian: the non-joiner keeps two letters apart, visibly
        "क्\u200dष",  # Devanagari: the joiner asks for a half form
        "Zoë e\u0301 東京 Ελλάδα",
    ):
        assert visible(text) == text

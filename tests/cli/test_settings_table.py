"""The one table of settings (``storage.config.SETTINGS``): every declared key is in the
commented example (which docs/usage.md shows), in ``respond config`` and its ``--json``, and
round-trips: its example written in a file is read back and shown as coming from the file, and
what ``respond config`` shows, written back, reads the same again."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from respond.core.settings import Settings
from respond.storage.config import (
    FOLLOW_UP,
    KEYS,
    SETTINGS,
    TABLES,
    ConfigError,
    _toml_value,
    describe,
    load_settings,
    template,
)
from tests.support.cli import Run
from tests.support.fuzz import examples
from tests.support.paths import ROOT


def example_lines() -> dict[str, list[str]]:
    """The example's lines by table (``""``: before any table); a note's further lines
    (comments only) are left out."""
    tables: dict[str, list[str]] = {"": []}
    table = ""
    for line in template().splitlines():
        if line.startswith("["):
            table = line[1 : line.index("]")]
            tables[table] = []
        elif line.strip() and not line.lstrip().startswith("#"):
            tables[table].append(line)
    return tables


def example_of(key: str) -> tuple[str, str]:
    """The table of ``key`` and its line in the example."""
    table, _, name = key.rpartition(".")
    lines = [line for line in example_lines()[table] if line.split(" = ")[0] == name]
    assert len(lines) == 1, f"{key}: {lines}"
    return table, lines[0]


def config_text(lines: dict[str, str]) -> str:
    """A config file setting each dotted key to the TOML value given."""
    top = [f"{key} = {value}" for key, value in lines.items() if "." not in key]
    tables: dict[str, list[str]] = {}
    for key, value in lines.items():
        if "." in key:
            table, _, name = key.partition(".")
            tables.setdefault(table, []).append(f"{name} = {value}")
    blocks = ["\n".join(top)] + [f"[{t}]\n" + "\n".join(rows) for t, rows in tables.items()]
    return "\n\n".join(blocks) + "\n"


def shown(run: Run) -> dict[str, tuple[str, str]]:
    """``respond config``'s table: each key's value (as TOML) and source."""
    out = run("config")
    assert out.exit_code == 0, out
    lines = out.stdout.splitlines()
    rows = {}
    for line in lines[3 : lines.index("", 3)]:
        key, rest = line.split(" ", 1)
        value, source = rest.strip().rsplit(" ", 1)
        rows[key] = (value.strip(), source)
    return rows


def test_docs_show_the_example_the_table_writes() -> None:
    usage = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
    section = usage.split("## Configuration\n", 1)[1]
    block = section.split("```toml\n", 1)[1].split("```\n", 1)[0]
    assert block == template(), "see 'A setting' in CONTRIBUTING.md"


def test_every_field_is_declared_once_and_every_key_once() -> None:
    declared = [name for entry in SETTINGS for name in entry.fields]
    assert sorted(declared) == sorted(Settings.__slots__)
    assert len(set(KEYS)) == len(KEYS)
    assert set(TABLES) <= set(example_lines())


def test_every_setting_is_in_the_example_and_the_example_reads() -> None:
    for key in KEYS:
        table, line = example_of(key)
        tomllib.loads((f"[{table}]\n" if table else "") + line)  # a comment ends it cleanly
    # follow_up and its table are alternatives: the table is commented out (see below)
    assert tomllib.loads(template())[FOLLOW_UP] == Settings().follow_up


def test_the_example_in_the_docs_copied_whole_is_a_config_respond_reads(run: Run) -> None:
    # it once held both follow_up = "7d" and the [follow_up] table: "not valid TOML:
    # Cannot overwrite a value" for whoever copied it as it is
    usage = (ROOT / "docs" / "usage.md").read_text(encoding="utf-8")
    block = usage.split("## Configuration\n", 1)[1].split("```toml\n", 1)[1].split("```\n")[0]
    Path(os.environ["RESPOND_CONFIG"]).write_text(block, encoding="utf-8")
    result = run("config")
    assert result.exit_code == 0 and result.stderr == "", result


def test_every_setting_round_trips_through_the_file_and_config(run: Run) -> None:
    config = Path(os.environ["RESPOND_CONFIG"])
    examples = {}
    for key in KEYS:
        _, line = example_of(key)
        examples[key] = line.split(" = ", 1)[1]
    config.write_text(config_text(examples), encoding="utf-8")
    first = json.loads(run("config", "--json").stdout)["settings"]
    assert list(first) == list(KEYS)
    assert {key: first[key]["source"] for key in KEYS} == dict.fromkeys(KEYS, "file")

    rows = shown(run)
    assert list(rows) == list(KEYS)
    assert {key: rows[key][1] for key in KEYS} == dict.fromkeys(KEYS, "file")
    # what `respond config` shows is what the file would say: written back, it reads the same
    config.write_text(config_text({key: rows[key][0] for key in KEYS}), encoding="utf-8")
    assert shown(run) == rows
    assert json.loads(run("config", "--json").stdout)["settings"] == first
    # and so is --json's value, as JSON is TOML for these
    values = {key: json.dumps(first[key]["value"]) for key in KEYS}
    config.write_text(config_text(values), encoding="utf-8")
    assert json.loads(run("config", "--json").stdout)["settings"] == first


def test_the_follow_up_table_of_the_example_reads_as_rules(run: Run) -> None:
    config = Path(os.environ["RESPOND_CONFIG"])
    # commented out in the example (the alternative to follow_up = "7d"): uncommented
    block = template().split(f"\n# [{FOLLOW_UP}]")[1].split("\n\n")[0]
    lines = f"# [{FOLLOW_UP}]{block}".splitlines()
    assert all(line.startswith("# ") for line in lines)
    config.write_text("\n".join(line[2:] for line in lines) + "\n", encoding="utf-8")
    data = json.loads(run("config", "--json").stdout)["settings"]
    assert data[FOLLOW_UP] == {"value": "7d", "source": "file"}
    assert data[f"{FOLLOW_UP}.phone"] == {"value": "2d", "source": "file"}
    assert data[f"{FOLLOW_UP}.internal"] == {"value": "none", "source": "file"}


# what core.text.visible shows escaped (so that no text hides or moves others) is left out
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Zl", "Zp")), max_size=12
)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(["15m", "2h", "1bd", "2.5h", "30s", "1.5m", "mon-fri", "08:30", "off", "none"]),
    st.integers(-5, 700),
    st.floats(0, 700, allow_nan=False),
    st.booleans(),
    st.lists(st.one_of(TEXT, st.sampled_from(["ntfy://t", "mon", "a"])), max_size=3),
)


@settings(max_examples=examples(300), deadline=None)
@given(key=st.sampled_from(KEYS), value=VALUES)
def test_any_value_is_refused_in_one_line_or_shown_as_it_reads_back(
    key: str, value: object
) -> None:
    """Whatever a key is given, it is refused with a line naming the key, or shown (from the
    file) as a value that, written back, reads the same."""
    path = Path(os.environ["RESPOND_CONFIG"]).parent / "fuzz.toml"
    path.write_text(config_text({key: json.dumps(value, ensure_ascii=False)}), encoding="utf-8")
    try:
        first, sources = load_settings(path)
    except ConfigError as err:
        assert "\n" not in str(err) and key.partition(".")[0] in str(err)
        return
    assert sources[key] == "file"
    shown_value = describe(first)[key]
    path.write_text(config_text({key: _toml_value(shown_value)}), encoding="utf-8")
    again, _ = load_settings(path)
    assert describe(again)[key] == shown_value

"""Hostile databases and config files: nested thousands of levels deep, numbers of thousands of
digits, huge respond-by times. Every command, ``doctor --repair`` included, answers with one
line (or doctor's report), never a traceback; hypothesis fuzzes both kinds of file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import fuzz
from tests.support.cli import NOW, clean_answer, invoke

HEAD = b'{"meta": {"1": {"schema": 3, "next_id": 2}}, "items": {"1": '
DEEP = HEAD + b"[" * 5000 + b"]" * 5000 + b"}}"
HOSTILE_DBS = {
    "nested 5,000 levels": DEEP,
    "nested 5,000 levels at the top": b"[" * 5000 + b"]" * 5000,
    "a 5,000-digit key": b'{"meta": {"1": {"schema": 3}}, "items": {"' + b"1" * 5000 + b'": {}}}',
    "a 5,000-digit value": b'{"meta": {"1": {"schema": 3, "next_id": ' + b"7" * 5000 + b"}}}",
    "a 5,000-digit schema": b'{"meta": {"1": {"schema": ' + b"9" * 5000 + b"}}}",
}
COMMANDS = [("list",), ("today",), ("add", "x", "--from", "Kim"), ("show", "1"), ("week",),
            ("export",), ("doctor",), ("doctor", "--repair")]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(HOSTILE_DBS))
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_hostile_database_is_one_line_in_every_command(
    db_path: Path, kind: str, command: tuple[str, ...]
) -> None:
    db_path.write_bytes(HOSTILE_DBS[kind])
    result = invoke("--now", NOW, *command)
    if command[0] == "doctor":
        assert result.exit_code == 2 and "unusable loads:" in result.stdout, result.stdout
    else:
        assert result.exit_code == 2, result.stdout
        assert result.stderr.startswith("respond: ") and result.stderr.count("\n") == 1
        assert "damaged" in result.stderr or "not a respond database" in result.stderr
    assert db_path.read_bytes() == HOSTILE_DBS[kind]


HOSTILE_CONFIGS = {
    "nested arrays": "work.days = " + "[" * 5000 + "]" * 5000 + "\n",
    "nested tables": "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_CONFIGS))
def test_a_deeply_nested_config_is_one_line_naming_the_file(
    db_path: Path, tmp_path: Path, kind: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(HOSTILE_CONFIGS[kind])
    result = invoke("--now", NOW, "add", "x", "--from", "Kim")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result
    assert result.stderr.startswith(f"respond: config {config} ")
    assert not db_path.exists()
    assert "settings: config" in invoke("doctor").stdout


@pytest.mark.parametrize("value", ["99999999999bd", "1001bd", "99999999999h", "10001h",
                                   "9999999999999999999999999999999m"])  # fmt: skip
def test_a_huge_respond_by_time_is_one_line_naming_the_key(
    db_path: Path, tmp_path: Path, value: str
) -> None:
    (tmp_path / "config.toml").write_text(f'[sla]\nemail = "{value}"\n')
    result = invoke("--now", NOW, "add", "x", "--from", "Kim")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result
    assert "sla.email must be at most" in result.stderr
    assert not db_path.exists()


def test_the_longest_respond_by_times_allowed_still_work(db_path: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[sla]\nemail = "1000bd"\nphone = "10000h"\n')
    for via in ("email", "phone"):
        result = invoke("--now", NOW, "add", "x", "--from", "Kim", "--via", via)
        assert result.exit_code == 0, result.stderr


# ---- fuzz: hostile files of both kinds -----------------------------------------------------

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=6) | st.just("9" * 5000))  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


@st.composite
def hostile_database(draw: st.DrawFn) -> bytes:
    how = draw(st.sampled_from(["deep", "tables", "record", "schema"]))
    if how == "deep":
        depth = draw(st.integers(900, 6000))
        open_, close = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        inner = (
            open_ * depth + b"1" + close * depth if open_ != b"[" else b"[" * depth + b"]" * depth
        )
        return b'{"meta": {"1": {"schema": 3}}, "items": {"1": ' + inner + b"}}"
    if how == "tables":
        return json.dumps({"meta": {"1": {"schema": 3}}, **draw(st.dictionaries(
            st.text(max_size=5), values, max_size=3))}).encode()  # fmt: skip
    if how == "schema":
        return json.dumps({"meta": {"1": {"schema": draw(values)}}, "items": {}}).encode()
    record = draw(st.dictionaries(st.sampled_from(
        ["title", "person", "kind", "status", "created", "due", "history", "uuid", "updated"]),
        values))  # fmt: skip
    key = draw(st.sampled_from(["1", "0", "1" * 30, "1" * 5000, "x"]))
    meta = {"1": {"schema": 3, "next_id": 2}}
    return json.dumps({"meta": meta, "items": {key: record}}).encode()


toml_keys = st.sampled_from(["work.days", "work.start", "work.end", "sla.email", "sla.phone",
                             "default_channel", "follow_up", "wait_chase", "gratitude_goal",
                             "week_start", "prompt_format", "color", "x"])  # fmt: skip


def toml_value(value: object) -> str:
    return json.dumps(value).replace("null", '"null"')  # JSON values are mostly TOML values


@st.composite
def hostile_config(draw: st.DrawFn) -> str:
    how = draw(st.sampled_from(["deep", "values", "bytes", "sla"]))
    if how == "deep":
        depth = draw(st.integers(500, 5000))
        return f"{draw(toml_keys)} = " + "[" * depth + "]" * depth + "\n"
    if how == "bytes":
        return draw(st.text(max_size=60))
    if how == "sla":
        number = draw(st.integers(0, 10**30))
        unit = draw(st.sampled_from(["bd", "h", "m", " business days"]))
        return f'[sla]\nemail = "{number}{unit}"\n'
    lines = []
    for key in draw(st.lists(toml_keys, max_size=4, unique=True)):
        try:
            text = toml_value(draw(values))
        except ValueError:
            continue
        lines.append(f'"{key}" = {text}' if "." not in key else f"{key} = {text}")
    return "\n".join(lines) + "\n"


FUZZ = [("list",), ("add", "x", "--from", "Kim"), ("today",), ("doctor",), ("doctor", "--repair")]


@pytest.mark.slow
@settings(
    max_examples=fuzz.examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=hostile_database(), command=st.sampled_from(FUZZ))
def test_fuzzed_hostile_databases_end_in_one_line(
    db_path: Path, content: bytes, command: tuple[str, ...]
) -> None:
    clean_answer(db_path, content, NOW, *command)


@pytest.mark.slow
@settings(
    max_examples=fuzz.examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=hostile_config(), command=st.sampled_from(FUZZ[:3]))
def test_fuzzed_hostile_configs_end_in_one_line(
    db_path: Path, tmp_path: Path, content: str, command: tuple[str, ...]
) -> None:
    db_path.unlink(missing_ok=True)
    config = tmp_path / "config.toml"
    config.write_text(content, errors="surrogatepass")
    result = invoke("--now", NOW, *command)
    assert result.exit_code in (0, 1, 2), result
    if result.exit_code == 2:
        assert result.stderr.startswith("respond: config ") and result.stderr.count("\n") == 1
        assert str(config) in result.stderr
    assert "config" in invoke("doctor").stdout  # doctor reads it too, without a traceback

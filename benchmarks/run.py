"""Time respond's everyday commands at 1k to 100k items, side by side with taskwarrior.

    python benchmarks/run.py                          # 1k, 10k, 50k, 100k items, 11 rounds
    python benchmarks/run.py --minutes 15             # as many rounds as fit in 15 minutes
    python benchmarks/run.py --sizes 10000 --rounds 31

One run, interleaved: every round runs every command at every size once, in a shuffled order,
so that drift in the machine's speed (other load, CPU frequency) hits every command and every
size alike; compare ratios within one run, never figures from two runs. For each command it
prints the median wall time, the ratio to the floor (``python -c pass`` on the same
interpreter) and the peak memory (max RSS of the child, from ``wait4``); then respond beside
taskwarrior, the flatness table (each everyday command at the largest size over the smallest)
and the targets of issue 12 with PASS or MISS.

The data: ``generate.py`` replays a seeded working life through the real core. Generating is
slow at 100k items (minutes), so the items are cached under ``--cache`` (default: a folder in
the system's temp dir), keyed by size, seed and the generator's source. The cached items end
at a fixed moment; each run moves every timestamp by the same amount, so that activity ends
at the real "now" (no ``--now`` is needed: the commands run exactly as a user runs them), and
writes them through ``respond.storage`` into a fresh database, in whatever layout the storage
has. The same items are imported into taskwarrior (2.6, where ``task`` is installed) in its
own TASKDATA, and ``task next``, ``task +OVERDUE count``, ``task add`` and ``task
history.weekly`` are timed on them. The commands are started by ``timer.py``, a separate
small process, so that their peak memory is their own (see there).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# This process stays small on purpose (no respond, no data): a child's max RSS counts what the
# parent's address space held when the child was started. Everything heavy runs in children.
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # for the children: benchmarks.generate, respond from this checkout
DEFAULT_SIZES = "1000,10000,50000,100000"
#: The cached items' activity ends here; every run moves them to end at the real now.
ANCHOR = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FLOOR = "python -c pass"
#: Everyday commands whose time should not grow with history (the flatness targets).
FLAT = ("today", "add", "list", "who", "prompt")
FLATNESS = 1.25
PEAK_MB = 40.0


def respond_exe() -> str:
    found = shutil.which("respond", path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit("respond is not installed next to this python; pip install -e . first")
    return found


def byte_compile(python: str) -> None:
    """``pip install`` byte-compiles the package; an editable install compiles on first import,
    unless bytecode writing is switched off: then do what pip does, or every run would compile
    respond's modules."""
    if not (sys.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE")):
        return
    where = subprocess.run(
        [python, "-c", "import respond; print(respond.__path__[0])"],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.sep,
    ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], check=True)
    print(
        f"note: bytecode writing is off here; byte-compiled {where} as pip would", file=sys.stderr
    )


# -- the data (these functions run in child processes: see ``--prepare``) --------------------

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)\Z")
TW_STATUS = {"open": "pending", "acked": "pending", "done": "completed", "dropped": "deleted"}


def fingerprint() -> str:
    """Changes with the generator's source (wherever the factory lives). The core's rules may
    change under cached items: they are read back through ``Item.from_record`` and written
    through today's storage, so they are valid data, if not byte for byte what a new
    generation would give."""
    from benchmarks.generate import generate

    source = Path(sys.modules[generate.__module__].__file__ or "")
    return hashlib.sha256(source.read_bytes()).hexdigest()[:12]


def cached_records(size: int, seed: int, cache: Path) -> list[dict[str, Any]]:
    """The generated items as records, from the cache or generated (and cached) now."""
    from benchmarks.generate import generate

    path = cache / f"items-{size}-seed{seed}-{fingerprint()}.json"
    if path.exists():
        records: list[dict[str, Any]] = json.loads(path.read_bytes())
        return records
    start = time.perf_counter()
    records = [item.to_record() for item in generate(size, seed, ANCHOR)]
    took = time.perf_counter() - start
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(records))
    tmp.replace(path)
    print(f"generated {size:,} items in {took:.0f} s, cached in {path}", file=sys.stderr)
    return records


def moved(value: Any, delta: timedelta) -> Any:
    """``value`` moved by ``delta`` if it is a stored timestamp (UTC ISO 8601), else as is."""
    if isinstance(value, str) and ISO.match(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) + delta
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    return value


def move_records(records: list[dict[str, Any]], delta: timedelta) -> None:
    """Every timestamp of every record (fields and history events) moved by ``delta``."""
    for record in records:
        for key, value in record.items():
            if key != "history":
                record[key] = moved(value, delta)
        for event in record["history"]:
            for key, value in event.items():
                event[key] = moved(value, delta)


def tw_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def to_taskwarrior(items: list[Any]) -> list[dict[str, object]]:
    """The same data in ``task import`` JSON: one task per item, closed when it was closed."""
    tasks: list[dict[str, object]] = []
    for item in items:
        task: dict[str, object] = {
            "uuid": item.uuid,
            "description": item.title,
            "entry": tw_time(item.created),
            "status": TW_STATUS.get(item.status, "pending"),
            "project": item.kind,
            "tags": [*item.tags, item.kind],
            "annotations": [{"entry": tw_time(item.created), "description": item.person}],
        }
        if item.due is not None:
            task["due"] = tw_time(item.due)
        if task["status"] != "pending":
            task["end"] = tw_time(item.updated or item.created)
        tasks.append(task)
    return tasks


def prepare(size: int, seed: int, cache: Path, db: Path, tasks: Path) -> None:
    """A fresh database at ``db`` (and taskwarrior's import file) whose activity ends now."""
    from benchmarks.generate import write
    from respond.core.model import Item

    records = cached_records(size, seed, cache)
    move_records(records, timedelta(seconds=round((datetime.now(UTC) - ANCHOR).total_seconds())))
    items = [Item.from_record(record) for record in records]
    write(db, items)
    # As after a day of use: the day's first change moves closed old items to the archive.
    from respond.storage.database import Store

    with Store(db, explicit=True).transaction(now=datetime.now(UTC)):
        pass
    tasks.write_text(json.dumps(to_taskwarrior(items)))


# -- the benchmark -----------------------------------------------------------------------------


@dataclass
class Case:
    size: int
    name: str
    argv: list[str]
    env: dict[str, str]
    times: list[float] = field(default_factory=list)
    peak: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def setup_size(
    size: int, seed: int, cache: Path, work: Path, exe: str, taskwarrior: str | None
) -> list[Case]:
    """The commands to time at ``size``, on freshly written data."""
    began = time.perf_counter()
    home = work / f"{size}"
    (home / "respond").mkdir(parents=True)
    db = home / "respond" / "respond.json"
    tasks = home / "tasks.json"
    prepare_argv = [sys.executable, __file__, "--prepare", str(size), str(seed), str(cache)]
    subprocess.run([*prepare_argv, str(db), str(tasks)], check=True)
    # what the storage wrote, to see at a glance which files the commands read
    files = sorted(p for p in db.parent.rglob("*") if p.is_file())
    kept = ", ".join(f"{p.relative_to(db.parent)} {p.stat().st_size / 1e6:.1f} MB" for p in files)
    print(f"{size:,} items written: {kept}", file=sys.stderr)
    # add writes: to a copy of the whole folder, whatever files the storage keeps there
    shutil.copytree(db.parent, home / "add")
    env = {
        **os.environ,
        "RESPOND_DB": str(db),
        "RESPOND_CONFIG": str(home / "no-config.toml"),
        "COLUMNS": "120",
    }
    env.pop("NO_COLOR", None)
    add_env = {**env, "RESPOND_DB": str(home / "add" / db.name)}
    cases = [
        Case(size, FLOOR, [sys.executable, "-c", "pass"], env),
        Case(size, "respond today", [exe, "today"], env),
        Case(size, "respond list", [exe, "list"], env),
        Case(size, "respond who", [exe, "who", "Dana"], env),
        Case(size, "respond week", [exe, "week"], env),
        Case(size, "respond add", [exe, "add", "Benchmark ask", "--from", "Bench"], add_env),
        Case(size, "respond prompt", [exe, "prompt"], env),
    ]
    if taskwarrior is not None:
        data = home / "taskdata"
        data.mkdir()
        rc = home / "taskrc"
        rc.write_text(
            f"data.location={data}\nconfirmation=off\nverbose=nothing\nnews.version=2.6.2\n"
        )
        tw_env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
        imported = subprocess.run(
            [taskwarrior, "import", str(tasks)], env=tw_env, capture_output=True, text=True
        )
        if imported.returncode != 0:
            sys.exit(f"task import failed: {imported.stderr}")
        tw_add = [taskwarrior, "add", "Benchmark task", "due:tomorrow"]
        cases += [
            Case(size, "task next", [taskwarrior, "next"], tw_env),
            Case(size, "task +OVERDUE count", [taskwarrior, "+OVERDUE", "count"], tw_env),
            Case(size, "task add", tw_add, tw_env),
            Case(size, "task history.weekly", [taskwarrior, "history.weekly"], tw_env),
        ]
    tasks.unlink()
    took = time.perf_counter() - began
    print(f"{size:,} items ready in {took:.0f} s", file=sys.stderr)
    return cases


def bench(cases: list[Case], rounds: int, minutes: float | None, seed: int, work: Path) -> int:
    """Run the rounds in ``timer.py`` (see there why a separate small process); fills in each
    case's times and peak; returns how many rounds were run."""
    spec, results = work / "spec.json", work / "results.json"
    spec.write_text(
        json.dumps(
            {
                "cases": [{"argv": c.argv, "env": c.env} for c in cases],
                "rounds": rounds,
                "minutes": minutes,
                "seed": seed,
            }
        )
    )
    subprocess.run([sys.executable, str(HERE / "timer.py"), str(spec), str(results)], check=True)
    measured = json.loads(results.read_text())
    for case, times, peak in zip(cases, measured["times_ms"], measured["peak_mb"], strict=True):
        case.times, case.peak = times, peak
    return len(cases[0].times)


# -- the report --------------------------------------------------------------------------------


def report(cases: list[Case], sizes: list[int]) -> tuple[str, list[tuple[str, bool | None, str]]]:
    """The tables (Markdown) and the targets: (target, met or None if not measured, detail)."""
    at = {(c.size, c.name): c for c in cases}
    names = list(dict.fromkeys(c.name for c in cases))
    head = "| command | " + " | ".join(f"{s:,} items" for s in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    lines = ["Median wall time, ms (and x `python -c pass`):", "", head, rule]
    for name in names:
        cells = []
        for size in sizes:
            case, floor = at.get((size, name)), at[(size, FLOOR)]
            cells.append(
                "" if case is None else f"{case.median:.1f} ({case.median / floor.median:.1f}x)"
            )
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "Peak memory, MB (max RSS):", "", head, rule]
    for name in names:
        cells = [f"{at[(s, name)].peak:.0f}" if (s, name) in at else "" for s in sizes]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")

    pairs = [
        ("respond today", "task next"),
        ("respond prompt", "task +OVERDUE count"),
        ("respond add", "task add"),
        ("respond week", "task history.weekly"),
    ]
    if any(c.name.startswith("task ") for c in cases):
        lines += ["", "Beside taskwarrior (same items), median ms and respond / taskwarrior:", ""]
        lines += [
            "| items | respond | ms | taskwarrior | ms | ratio |",
            "|---:|---|---:|---|---:|---:|",
        ]
        for size in sizes:
            for ours, theirs in pairs:
                a, b = at.get((size, ours)), at.get((size, theirs))
                if a and b:
                    lines.append(
                        f"| {size:,} | `{ours}` | {a.median:.1f} | `{theirs}` | {b.median:.1f} | "
                        f"{a.median / b.median:.2f}x |"
                    )

    small, large = min(sizes), max(sizes)
    if large > small:
        lines += [
            "",
            f"Flatness: median at {large:,} items over {small:,} (target <= {FLATNESS}x):",
        ]
        lines += ["", f"| command | {small:,} ms | {large:,} ms | ratio |", "|---|---:|---:|---:|"]
        for short in FLAT:
            a, b = at[(small, f"respond {short}")], at[(large, f"respond {short}")]
            growth = b.median / a.median
            lines.append(f"| `respond {short}` | {a.median:.1f} | {b.median:.1f} | {growth:.2f}x |")

    targets: list[tuple[str, bool | None, str]] = []

    def ratio(target: str, ours: tuple[int, str], theirs: tuple[int, str], limit: float) -> None:
        a, b = at.get(ours), at.get(theirs)
        if a is None or b is None:
            targets.append((target, None, f"not measured ({ours[0]:,} items, {theirs[1]})"))
            return
        value = a.median / b.median
        detail = f"{a.median:.0f} / {b.median:.0f} ms = {value:.2f}x (limit {limit}x)"
        targets.append((target, value <= limit, detail))

    ratio("today at 10k <= 1.5x task next", (10_000, "respond today"), (10_000, "task next"), 1.5)
    ratio("today at 50k <= 0.5x task next", (50_000, "respond today"), (50_000, "task next"), 0.5)
    ratio("add at 10k <= 5x python -c pass", (10_000, "respond add"), (10_000, FLOOR), 5.0)
    week = (10_000, "respond week")
    ratio("week at 10k <= 1.5x task history.weekly", week, (10_000, "task history.weekly"), 1.5)
    ratio("prompt at 10k <= 1.5x python -c pass", (10_000, "respond prompt"), (10_000, FLOOR), 1.5)
    for short in FLAT:
        ours = f"respond {short}"
        ratio(f"{short} at 100k <= 1.25x at 1k", (100_000, ours), (1_000, ours), FLATNESS)
    today = at.get((100_000, "respond today"))
    if today is None:
        targets.append(("today's peak memory at 100k <= 40 MB", None, "not measured (100,000)"))
    else:
        peak = f"{today.peak:.0f} MB (limit {PEAK_MB:.0f} MB)"
        targets.append(("today's peak memory at 100k <= 40 MB", today.peak <= PEAK_MB, peak))
    return "\n".join(lines), targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    parser.add_argument("--rounds", type=int, default=11, help="rounds to run (default 11)")
    parser.add_argument("--minutes", type=float, help="run as many rounds as fit (at least 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "respond-bench-cache",
        help="where generated items are kept between runs",
    )
    parser.add_argument("--no-taskwarrior", action="store_true", help="time respond only")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every timing here")
    parser.add_argument("--prepare", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        size, seed, cache, db, tasks = args.prepare
        prepare(int(size), int(seed), Path(cache), Path(db), Path(tasks))
        return 0

    sizes = sorted(int(s) for s in args.sizes.split(","))
    exe = respond_exe()
    byte_compile(sys.executable)
    taskwarrior = None if args.no_taskwarrior else shutil.which("task")
    if taskwarrior is None and not args.no_taskwarrior:
        print("note: taskwarrior (task) is not installed; timing respond only", file=sys.stderr)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="respond-bench-") as tmp:
        cases: list[Case] = []
        for size in sizes:
            cases += setup_size(size, args.seed, args.cache, Path(tmp), exe, taskwarrior)
        rounds = bench(cases, args.rounds, args.minutes, args.seed, Path(tmp))
    tables, targets = report(cases, sizes)
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print(f"{rounds} interleaved rounds, {when}, {time.perf_counter() - began:.0f} s in all; ")
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs\n")
    print(tables)
    print("\nTargets (issue 12):\n")
    for target, met, detail in targets:
        verdict = "n/a " if met is None else ("PASS" if met else "MISS")
        print(f"- {verdict} {target}: {detail}")
    if args.json:
        rows = [
            {"items": c.size, "command": c.name, "times_ms": c.times, "peak_mb": c.peak}
            for c in cases
        ]
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

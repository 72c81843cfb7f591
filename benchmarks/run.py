"""Time respond's everyday commands on realistic histories, paired with their yardsticks.

    python benchmarks/run.py                        # 1k and 10k items at 200 people, and
                                                    # 10k items at 20 and 2,000 people: minutes
    python benchmarks/run.py --sizes 1000,10000,100000 --minutes 20    # the big sizes too
    python benchmarks/run.py --sizes 10000 --people 200 --rounds 31

The data: ``generate.py`` replays a seeded working life through the real core, spread over N
people with a long tail (Zipf-like: a few people with hundreds of items, hundreds with a
few). ``--sizes`` are item counts at 200 people; ``--people`` are people counts at 10,000
items. Generating is slow at 100k items or 2,000 people (minutes), so the items are cached
under ``--cache``, keyed by size, people, seed and the generator's source. The cached items
end at a fixed moment; each run moves every timestamp so that activity ends at the real now,
and writes them through ``respond.storage`` into a fresh database, in whatever layout the
storage has, as after a day of use (closed old items archived).

The yardsticks, in the same run: ``python -c pass`` (the floor), a minimal Typer app printing
one Rich table (``minimal_app.py``: the floor of the stack respond chose), ``respond
--version``, and taskwarrior 2.6 (where ``task`` is installed) on the same items, in its own
TASKDATA: ``task next``, ``task +OVERDUE count``, ``task add``, ``task history.weekly``.

The clock: users never pass ``--now``, so ``respond today`` runs on the real clock (the data
end now). It is also timed with ``--now ISO`` (what tests and scripts do: it parses a time)
and under a faked clock (``faketime 'YYYY-MM-DD HH:MM:SS' respond today``, where faketime is
installed), beside ``faketime python -c pass`` for faketime's own cost.

One run, interleaved: every round runs every command once, in a shuffled order, so that drift
in the machine's speed hits everything alike. A ratio is the median of the per-round ratios
(paired: the two commands ran in the same round); compare ratios within one run, never
figures from two runs. It prints the median wall times, the peak memory (max RSS of the
child, from ``wait4``), respond beside taskwarrior, and the targets of issue 23 with PASS or
MISS, with ``today / task next`` as the anchor. The commands are started by ``timer.py``, a
separate small process, so that their peak memory is their own (see there).
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
from tests.support.installed import byte_compile, installed_respond  # noqa: E402 (stdlib only)

DEFAULT_SIZES = "1000,10000"  # items, at BASE_PEOPLE people
DEFAULT_PEOPLE = "20,200,2000"  # people, at BASE_SIZE items
BASE_SIZE, BASE_PEOPLE, BIG = 10_000, 200, 100_000
MINIMAL_APP = "minimal Typer+Rich app"
FAKED_FLOOR = "faketime python -c pass"
#: The cached items' activity ends here; every run moves them to end at the real now.
ANCHOR = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FLOOR = "python -c pass"
#: Everyday commands whose time should not grow with history (the flatness targets).
FLAT = ("today", "list", "who", "add")
FLATNESS = 1.25  # 100k over 1k items
PEOPLE_FLATNESS = 1.1  # 2,000 people over 200
PEAK_MB = 25.0


def respond_exe() -> str:
    found = installed_respond()
    if found is None:
        sys.exit("respond is not installed next to this python; pip install -e . first")
    return found


def note_byte_compiled(python: str) -> None:
    """Byte-compile respond as pip would (:func:`tests.support.installed.byte_compile`), and
    say so."""
    where = byte_compile(python)
    if where:
        note = f"note: bytecode writing is off here; byte-compiled {where} as pip would"
        print(note, file=sys.stderr)


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


def cached_records(size: int, people: int, seed: int, cache: Path) -> list[dict[str, Any]]:
    """The generated items as records, from the cache or generated (and cached) now."""
    from benchmarks.generate import generate

    path = cache / f"items-{size}-p{people}-seed{seed}-{fingerprint()}.json"
    if path.exists():
        records: list[dict[str, Any]] = json.loads(path.read_bytes())
        return records
    start = time.perf_counter()
    records = [item.to_record() for item in generate(size, seed, ANCHOR, n_people=people)]
    took = time.perf_counter() - start
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(records))
    tmp.replace(path)
    print(
        f"generated {size:,} items over {people:,} people in {took:.0f} s, cached in {path}",
        file=sys.stderr,
    )
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


def prepare(
    size: int, people: int, seed: int, cache: Path, db: Path, tasks: Path, end: datetime
) -> None:
    """A fresh database at ``db`` (and taskwarrior's import file) whose activity ends at
    ``end`` (the real now, give or take the set-up)."""
    from benchmarks.generate import write
    from respond.core.model import Item

    records = cached_records(size, people, seed, cache)
    move_records(records, timedelta(seconds=round((end - ANCHOR).total_seconds())))
    items = [Item.from_record(record) for record in records]
    write(db, items)
    # As after a day of use: the day's first change moves closed old items to the archive.
    from respond.storage.database import Store

    with Store(db, explicit=True).transaction(now=end):
        pass
    tasks.write_text(json.dumps(to_taskwarrior(items)))


# -- the benchmark -----------------------------------------------------------------------------


@dataclass
class Case:
    size: int  # items (0: a yardstick that reads no data)
    people: int
    name: str
    argv: list[str]
    env: dict[str, str]
    times: list[float] = field(default_factory=list)
    peak: float = 0.0
    cpu: list[float] = field(default_factory=list)  # user + system, ms, per round

    @property
    def median(self) -> float:
        return statistics.median(self.times)


Data = tuple[int, int]  # (items, people)


def label(data: Data) -> str:
    return f"{data[0]:,} / {data[1]:,}"


def clock_text(moment: datetime) -> str:
    """``moment`` as faketime's timestamp: local wall time (the children's ``TZ``)."""
    return datetime.fromtimestamp(moment.timestamp()).strftime("%Y-%m-%d %H:%M:%S")


def yardsticks(work: Path, exe: str, faketime: str | None, end: datetime) -> list[Case]:
    """The commands that read no data: the floors, timed once a round."""
    env = {**os.environ, "RESPOND_DB": str(work / "none.json"), "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    cases = [
        Case(0, 0, FLOOR, [sys.executable, "-c", "pass"], env),
        Case(0, 0, MINIMAL_APP, [sys.executable, str(HERE / "minimal_app.py")], env),
        Case(0, 0, "respond --version", [exe, "--version"], env),
    ]
    if faketime is not None:
        argv = [faketime, clock_text(end), sys.executable, "-c", "pass"]
        cases.append(Case(0, 0, FAKED_FLOOR, argv, env))
    return cases


def setup_data(
    data: Data,
    seed: int,
    cache: Path,
    work: Path,
    exe: str,
    taskwarrior: str | None,
    faketime: str | None,
    end: datetime,
) -> list[Case]:
    """The commands to time on ``data`` (items, people), on freshly written data."""
    size, people = data
    began = time.perf_counter()
    home = work / f"{size}-{people}"
    (home / "respond").mkdir(parents=True)
    db = home / "respond" / "respond.json"
    tasks = home / "tasks.json"
    prepare_argv = [sys.executable, __file__, "--prepare", str(size), str(people), str(seed)]
    subprocess.run([*prepare_argv, str(cache), str(db), str(tasks), end.isoformat()], check=True)
    # what the storage wrote, to see at a glance which files the commands read
    files = sorted(p for p in db.parent.rglob("*") if p.is_file())
    kept = ", ".join(f"{p.relative_to(db.parent)} {p.stat().st_size / 1e6:.1f} MB" for p in files)
    print(f"{label(data)} written: {kept}", file=sys.stderr)
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
    now = end.astimezone(UTC).isoformat(timespec="seconds")
    cases = [
        Case(size, people, "respond today", [exe, "today"], env),
        Case(size, people, "respond --now ISO today", [exe, "--now", now, "today"], env),
        Case(size, people, "respond list", [exe, "list"], env),
        Case(size, people, "respond who", [exe, "who", "Dana"], env),
        Case(size, people, "respond week", [exe, "week"], env),
        Case(
            size, people, "respond add", [exe, "add", "Benchmark ask", "--from", "Bench"], add_env
        ),
        Case(size, people, "respond prompt", [exe, "prompt"], env),
    ]
    if faketime is not None:
        argv = [faketime, clock_text(end), exe, "today"]
        cases.insert(2, Case(size, people, "faketime respond today", argv, env))
    if taskwarrior is not None and people == BASE_PEOPLE:
        data_dir = home / "taskdata"
        data_dir.mkdir()
        rc = home / "taskrc"
        rc.write_text(
            f"data.location={data_dir}\nconfirmation=off\nverbose=nothing\nnews.version=2.6.2\n"
        )
        tw_env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data_dir)}
        imported = subprocess.run(
            [taskwarrior, "import", str(tasks)], env=tw_env, capture_output=True, text=True
        )
        if imported.returncode != 0:
            sys.exit(f"task import failed: {imported.stderr}")
        tw_add = [taskwarrior, "add", "Benchmark task", "due:tomorrow"]
        cases += [
            Case(size, people, "task next", [taskwarrior, "next"], tw_env),
            Case(size, people, "task +OVERDUE count", [taskwarrior, "+OVERDUE", "count"], tw_env),
            Case(size, people, "task add", tw_add, tw_env),
            Case(size, people, "task history.weekly", [taskwarrior, "history.weekly"], tw_env),
        ]
    tasks.unlink()
    took = time.perf_counter() - began
    print(f"{label(data)} ready in {took:.0f} s", file=sys.stderr)
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
    for n, case in enumerate(cases):
        case.times, case.peak = measured["times_ms"][n], measured["peak_mb"][n]
        case.cpu = measured["cpu_ms"][n]
    return len(cases[0].times)


# -- the report --------------------------------------------------------------------------------


def paired(a: Case, b: Case) -> float:
    """The median of the per-round ratios a / b (both ran once in every round)."""
    return statistics.median(x / y for x, y in zip(a.times, b.times, strict=True))


def paired_cpu(a: Case, b: Case) -> float | None:
    """As :func:`paired`, of CPU time (None when not measured)."""
    if not (a.cpu and b.cpu):
        return None
    return statistics.median(x / max(y, 0.001) for x, y in zip(a.cpu, b.cpu, strict=True))


Target = tuple[str, bool | None, str]  # (target, met or None if not measured, detail)


def report(cases: list[Case], datasets: list[Data]) -> tuple[str, list[Target], str]:
    """The tables (Markdown), the targets of issue 23, and the anchor line."""
    at = {(c.size, c.people, c.name): c for c in cases}
    floor = at[(0, 0, FLOOR)]
    lines = ["Yardsticks (they read no data), median ms and x `python -c pass`:", ""]
    lines += ["| command | ms | x floor | peak MB |", "|---|---:|---:|---:|"]
    for case in (c for c in cases if c.size == 0):
        lines.append(
            f"| `{case.name}` | {case.median:.1f} | {paired(case, floor):.2f}x | {case.peak:.0f} |"
        )
    names = list(dict.fromkeys(c.name for c in cases if c.size))
    head = "| command | " + " | ".join(f"{label(d)}" for d in datasets) + " |"
    rule = "|---|" + "---:|" * len(datasets)
    lines += ["", "Median wall time, ms (and x `python -c pass`), by items / people:", ""]
    lines += [head, rule]
    for name in names:
        cells = []
        for size, people in datasets:
            case = at.get((size, people, name))
            cells.append("" if case is None else f"{case.median:.1f} ({paired(case, floor):.1f}x)")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    if all(c.cpu for c in cases):
        lines += ["", "Median CPU time (user + system), ms (and x `python -c pass`):", ""]
        lines += [head, rule]
        for name in names:
            cells = []
            for size, people in datasets:
                case = at.get((size, people, name))
                if case is None:
                    cells.append("")
                else:
                    cells.append(
                        f"{statistics.median(case.cpu):.1f} ({paired_cpu(case, floor) or 0:.1f}x)"
                    )
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += ["", "Peak memory, MB (max RSS), by items / people:", "", head, rule]
    for name in names:
        cells = [f"{at[(s, p, name)].peak:.0f}" if (s, p, name) in at else "" for s, p in datasets]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")

    pairs = [
        ("respond today", "task next"),
        ("respond prompt", "task +OVERDUE count"),
        ("respond add", "task add"),
        ("respond week", "task history.weekly"),
    ]
    if any(c.name.startswith("task ") for c in cases):
        lines += ["", "Beside taskwarrior (same items), median ms and the paired ratio:", ""]
        lines += [
            "| items / people | respond | ms | taskwarrior | ms | ratio |",
            "|---:|---|---:|---|---:|---:|",
        ]
        for size, people in datasets:
            for ours, theirs in pairs:
                a, b = at.get((size, people, ours)), at.get((size, people, theirs))
                if a and b:
                    lines.append(
                        f"| {label((size, people))} | `{ours}` | {a.median:.1f} | `{theirs}` | "
                        f"{b.median:.1f} | {paired(a, b):.2f}x |"
                    )

    targets: list[Target] = []

    def ratio(
        target: str, ours: tuple[int, int, str], theirs: tuple[int, int, str], limit: float
    ) -> None:
        a, b = at.get(ours), at.get(theirs)
        if a is None or b is None:
            missing = ours if a is None else theirs
            targets.append((target, None, f"not measured ({label(missing[:2])}: {missing[2]})"))
            return
        value = paired(a, b)
        detail = f"{a.median:.0f} / {b.median:.0f} ms, paired {value:.2f}x (limit {limit}x)"
        cpu = paired_cpu(a, b)
        if cpu is not None:
            detail += f"; CPU {cpu:.2f}x"
        targets.append((target, value <= limit, detail))

    base = (BASE_SIZE, BASE_PEOPLE)
    none = (0, 0)
    ratio(f"today <= 1.0x a {MINIMAL_APP}", (*base, "respond today"), (*none, MINIMAL_APP), 1.0)
    ratio("add <= 3x python -c pass", (*base, "respond add"), (*none, FLOOR), 3.0)
    ratio(
        "week <= 1.5x task history.weekly",
        (*base, "respond week"),
        (*base, "task history.weekly"),
        1.5,
    )
    ratio("prompt <= 1.5x python -c pass", (*base, "respond prompt"), (*none, FLOOR), 1.5)
    for short in ("today", "add"):
        ours = f"respond {short}"
        ratio(
            f"{short} with 2,000 people <= {PEOPLE_FLATNESS}x with 200",
            (BASE_SIZE, 2000, ours),
            (*base, ours),
            PEOPLE_FLATNESS,
        )
    for short in FLAT:
        ours = f"respond {short}"
        ratio(
            f"{short} at 100k <= {FLATNESS}x at 1k (200 people)",
            (BIG, BASE_PEOPLE, ours),
            (1_000, BASE_PEOPLE, ours),
            FLATNESS,
        )
    today = at.get((BIG, BASE_PEOPLE, "respond today"))
    memory = f"today's peak memory at 100k <= {PEAK_MB:.0f} MB"
    if today is None:
        targets.append((memory, None, f"not measured ({label((BIG, BASE_PEOPLE))})"))
    else:
        targets.append((memory, today.peak <= PEAK_MB, f"{today.peak:.0f} MB"))
    anchor = "the anchor, today / task next at 10k / 200: not measured"
    a, b = at.get((*base, "respond today")), at.get((*base, "task next"))
    if a and b:
        anchor = (
            f"the anchor, today / task next at {label(base)}: {a.median:.0f} / {b.median:.0f} ms,"
            f" paired {paired(a, b):.2f}x"
        )
        faked = at.get((*base, "faketime respond today"))
        if faked:
            anchor += f" (under faketime {paired(faked, b):.2f}x)"
    return "\n".join(lines), targets, anchor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"items, at {BASE_PEOPLE} people (default "
        f"{DEFAULT_SIZES}; add 100000 for the big size: generating it takes minutes)",
    )
    parser.add_argument(
        "--people",
        default=DEFAULT_PEOPLE,
        help=f"people, at {BASE_SIZE:,} items (default {DEFAULT_PEOPLE}; empty for none)",
    )
    parser.add_argument("--rounds", type=int, default=11, help="rounds to run (default 11)")
    parser.add_argument("--minutes", type=float, help="run as many rounds as fit (at least 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "respond-bench-cache",
        help="where generated items are kept between runs",
    )
    parser.add_argument("--no-taskwarrior", action="store_true", help="no taskwarrior")
    parser.add_argument("--no-faketime", action="store_true", help="no faked clock")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every timing here")
    parser.add_argument("--prepare", nargs=7, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        size, people, seed, cache, db, tasks, end = args.prepare
        prepare(
            int(size), int(people), int(seed), Path(cache), Path(db), Path(tasks),
            datetime.fromisoformat(end),
        )  # fmt: skip
        return 0

    datasets = [(int(s), BASE_PEOPLE) for s in args.sizes.split(",") if s]
    datasets += [(BASE_SIZE, int(p)) for p in args.people.split(",") if p]
    datasets = sorted(set(datasets))
    exe = respond_exe()
    note_byte_compiled(sys.executable)
    taskwarrior = None if args.no_taskwarrior else shutil.which("task")
    if taskwarrior is None and not args.no_taskwarrior:
        print("note: taskwarrior (task) is not installed; timing respond only", file=sys.stderr)
    faketime = None if args.no_faketime else shutil.which("faketime")
    if faketime is None and not args.no_faketime:
        print("note: faketime is not installed; no faked clock", file=sys.stderr)
    began = time.perf_counter()
    end = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="respond-bench-") as tmp:
        cases = yardsticks(Path(tmp), exe, faketime, end)
        for data in datasets:
            cases += setup_data(
                data, args.seed, args.cache, Path(tmp), exe, taskwarrior, faketime, end
            )
        rounds = bench(cases, args.rounds, args.minutes, args.seed, Path(tmp))
    tables, targets, anchor = report(cases, datasets)
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print(f"{rounds} interleaved rounds, {when}, {time.perf_counter() - began:.0f} s in all; ")
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs\n")
    print(tables)
    print("\nTargets (issue 23; at 10,000 items and 200 people unless said):\n")
    for target, met, detail in targets:
        verdict = "n/a " if met is None else ("PASS" if met else "MISS")
        print(f"- {verdict} {target}: {detail}")
    print(f"- {anchor}")
    if args.json:
        rows = [
            {
                "items": c.size,
                "people": c.people,
                "command": c.name,
                "times_ms": c.times,
                "peak_mb": c.peak,
            }
            for c in cases
        ]
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

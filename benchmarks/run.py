"""Time respond's everyday commands on realistic databases, side by side with taskwarrior.

One run, interleaved: every round runs each command once, in a shuffled order, so that drift
in the machine's speed (other load, CPU frequency) hits every command alike. For each size it
prints the median wall time, the ratio to the floor (``python -c pass`` with the same
interpreter), and the peak memory (max RSS of the child, from ``wait4``).

    python benchmarks/run.py                    # 1k, 10k and 50k items, 11 rounds
    python benchmarks/run.py --sizes 10000 --rounds 31

Databases come from ``benchmarks/generate.py`` (seeded) with activity ending at the real
"now", so no ``--now`` is needed and the commands run exactly as a user runs them. The same
data is exported in taskwarrior's import format; where ``task`` is installed, ``task next``,
``task +OVERDUE count`` and ``task add`` are timed on it too (in their own TASKDATA).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from respond.core.model import Item  # noqa: E402

TARGETS_10K = {"today": 250.0, "add": 200.0, "week": 400.0}
PROMPT_RATIO = 1.5
PEAK_MB = 80.0


def respond_exe() -> str:
    found = shutil.which("respond", path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit("respond is not installed next to this python; pip install -e . first")
    return found


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (ms) and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


TW_STATUS = {"open": "pending", "acked": "pending", "done": "completed", "dropped": "deleted"}


def tw_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def to_taskwarrior(items: list[Item]) -> list[dict[str, object]]:
    """The same data in `task import` JSON: one task per item."""
    tasks: list[dict[str, object]] = []
    for item in items:
        task: dict[str, object] = {
            "uuid": item.uuid,
            "description": item.title,
            "entry": tw_time(item.created),
            "status": TW_STATUS[item.status],
            "project": item.kind,
            "tags": [*item.tags, item.kind],
        }
        if item.due is not None:
            task["due"] = tw_time(item.due)
        if item.status in ("done", "dropped"):
            task["end"] = tw_time(item.created)
        task["annotations"] = [{"entry": tw_time(item.created), "description": item.person}]
        tasks.append(task)
    return tasks


def setup_taskwarrior(db: Path, workdir: Path) -> dict[str, str] | None:
    """A TASKDATA holding the same items as ``db``, or ``None`` without taskwarrior."""
    task = shutil.which("task")
    if task is None:
        return None
    data = workdir / "taskdata"
    data.mkdir()
    rc = workdir / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nnews.version=2.6.2\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    export = workdir / "tasks.json"
    subprocess.run([sys.executable, __file__, "--taskwarrior", str(db), str(export)], check=True)
    subprocess.run([task, "import", str(export)], env=env, check=True, capture_output=True)
    return env


def export_taskwarrior(db: Path, out: Path) -> None:
    from respond.storage.database import Store

    items = sorted(Store(db, explicit=True).snapshot().items.values(), key=lambda i: i.id)
    out.write_text(json.dumps(to_taskwarrior(items)))


def bench_size(n: int, rounds: int, seed: int) -> list[dict[str, object]]:
    exe = respond_exe()
    with tempfile.TemporaryDirectory(prefix="respond-bench-") as tmp:
        work = Path(tmp)
        db = work / "respond.json"
        # generated in a child process, so that this one stays small: a child's peak memory
        # (ru_maxrss) counts what it inherited from the fork before exec
        end = datetime.now(UTC).isoformat()
        generator = [sys.executable, str(HERE / "generate.py"), "--items", str(n)]
        generator += ["--seed", str(seed), "--end", end, "--out", str(db)]
        subprocess.run(generator, check=True, capture_output=True)
        add_db = work / "add.json"
        shutil.copy(db, add_db)
        env = {**os.environ, "RESPOND_DB": str(db), "COLUMNS": "120"}
        env.pop("NO_COLOR", None)
        add_env = {**env, "RESPOND_DB": str(add_db)}
        # warm the prompt's state file and the page cache
        run_once([exe, "prompt"], env)
        run_once([exe, "list"], env)
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "respond today": ([exe, "today"], env),
            "respond week": ([exe, "week"], env),
            "respond list": ([exe, "list"], env),
            "respond add": ([exe, "add", "Benchmark ask", "--from", "Bench"], add_env),
            "respond prompt": ([exe, "prompt"], env),
        }
        tw_env = setup_taskwarrior(db, work)
        if tw_env is not None:
            cases["task next"] = (["task", "next"], tw_env)
            cases["task +OVERDUE count"] = (["task", "+OVERDUE", "count"], tw_env)
            cases["task add"] = (["task", "add", "Benchmark task", "due:tomorrow"], tw_env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        peaks: dict[str, float] = {name: 0.0 for name in cases}
        rng = random.Random(seed)
        for _ in range(rounds):
            order = list(cases)
            rng.shuffle(order)
            for name in order:
                argv, case_env = cases[name]
                elapsed, peak = run_once(argv, case_env)
                times[name].append(elapsed)
                peaks[name] = max(peaks[name], peak)
        floor = statistics.median(times["python -c pass"])
        return [
            {
                "items": n,
                "command": name,
                "median_ms": statistics.median(times[name]),
                "ratio": statistics.median(times[name]) / floor,
                "peak_mb": peaks[name],
            }
            for name in cases
        ]


def check_targets(rows: list[dict[str, object]]) -> list[str]:
    """Which of the 10k targets are missed (empty when all are met)."""
    at = {str(r["command"]): r for r in rows if r["items"] == 10_000}
    if not at:
        return []
    missed = []
    for short, limit in TARGETS_10K.items():
        value = float(at[f"respond {short}"]["median_ms"])  # type: ignore[arg-type]
        if value > limit:
            missed.append(f"{short}: {value:.0f} ms > {limit:.0f} ms")
    ratio = float(at["respond prompt"]["ratio"])  # type: ignore[arg-type]
    if ratio > PROMPT_RATIO:
        missed.append(f"prompt: {ratio:.2f}x > {PROMPT_RATIO}x")
    for name, row in at.items():
        if name.startswith("respond") and float(row["peak_mb"]) > PEAK_MB:  # type: ignore[arg-type]
            missed.append(f"{name} peak {float(row['peak_mb']):.0f} MB > {PEAK_MB:.0f} MB")  # type: ignore[arg-type]
    if "task next" in at:
        today = float(at["respond today"]["median_ms"])  # type: ignore[arg-type]
        task_next = float(at["task next"]["median_ms"])  # type: ignore[arg-type]
        if today > task_next:
            missed.append(f"today {today:.0f} ms slower than task next {task_next:.0f} ms")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print rows as JSON too")
    parser.add_argument("--taskwarrior", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.taskwarrior:
        export_taskwarrior(Path(args.taskwarrior[0]), Path(args.taskwarrior[1]))
        return 0
    rows: list[dict[str, object]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"benchmarking {size} items, {args.rounds} rounds...", file=sys.stderr)
        rows.extend(bench_size(size, args.rounds, args.seed))
    print("| items | command | median ms | x python -c pass | peak MB |")
    print("|---:|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['items']:,} | `{r['command']}` | {float(r['median_ms']):.1f} | "  # type: ignore[arg-type]
            f"{float(r['ratio']):.2f} | {float(r['peak_mb']):.0f} |"  # type: ignore[arg-type]
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    missed = check_targets(rows)
    print(
        "targets at 10,000 items: " + ("all met" if not missed else "MISSED: " + "; ".join(missed))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

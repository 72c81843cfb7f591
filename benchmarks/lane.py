"""What ``respond add`` costs through the capture lane: against ``python -c pass`` and against
the same ``add`` through Typer (``RESPOND_NO_LANE=1``), paired in one run.

Builds a realistic database (``tests/support/factory.py``, 10,000 items by default, activity
ending now), then runs the three commands in turn, rotating their order each round so that
machine noise hits all alike, and prints each median, the ratio of medians and the median of
the per-round ratios. The target (issue 23) is ``add`` through the lane at most 3x
``python -c pass``.

    python benchmarks/lane.py [--items 10000] [--runs 100] [--respond PATH]

Every ``add`` writes an item (the database grows by one item a run, alike for both paths).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.factory import generate, write
from tests.support.installed import byte_compile, installed_respond, interpreter_of

TARGET = 3.0


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100, help="rounds (each runs all three)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--respond", help="the respond command (default: next to python)")
    args = parser.parse_args(argv)

    command = args.respond or installed_respond()
    if not command:
        parser.error("no respond command next to this python; pass --respond PATH")
    # the baseline runs the interpreter the command runs (its #! line)
    python, _ = interpreter_of(command)
    where = byte_compile(python)
    if where:
        print(f"note: bytecode writing is off here; byte-compiled {where} as pip would")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "respond.json"
        write(db, generate(args.items, args.seed, datetime.now().astimezone()))
        env = {**os.environ, "RESPOND_DB": str(db), "RESPOND_CONFIG": str(Path(tmp) / "c.toml")}
        env.pop("RESPOND_NO_LANE", None)
        add = [command, "add", "call back about the invoice", "--from", "Dana", "--via", "phone"]
        commands = {
            "add (lane)": (add, env),
            "add (Typer)": (add, {**env, "RESPOND_NO_LANE": "1"}),
            "python -c pass": ([python, "-c", "pass"], env),
        }
        print(f"database: {args.items} items, {db.stat().st_size / 1e6:.1f} MB")
        for _ in range(5):  # warm the page cache and the bytecode
            for cmd, cmd_env in commands.values():
                timed(cmd, cmd_env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        order = list(commands)
        for _ in range(args.runs):
            for name in order:
                times[name].append(timed(*commands[name]))
            order = order[1:] + order[:1]  # rotate: each command goes first in turn

    base = times["python -c pass"]
    print(f"runs: {args.runs} rounds, order rotated; baseline interpreter {python}")
    for name, runs in times.items():
        median = statistics.median(runs)
        paired = statistics.median(x / y for x, y in zip(runs, base, strict=True))
        ratio = median / statistics.median(base)
        print(f"{name:>16}: median {median * 1000:6.2f} ms  ratio {ratio:.2f}", end="")
        print(f"  (median of paired ratios {paired:.2f})")
    lane = statistics.median(x / y for x, y in zip(times["add (lane)"], base, strict=True))
    typer = statistics.median(
        x / y for x, y in zip(times["add (lane)"], times["add (Typer)"], strict=True)
    )
    verdict = "PASS" if lane <= TARGET else "MISS"
    print(f"add through the lane: {lane:.2f}x python -c pass (target <= {TARGET}): {verdict}")
    print(f"add through the lane: {typer:.2f}x add through Typer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

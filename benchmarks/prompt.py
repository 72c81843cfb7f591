"""How much the prompt counter costs: ``respond prompt`` against ``python -c pass``.

Builds a realistic database (``benchmarks/generate.py``, 10,000 items by default, activity
ending now), then runs both commands alternately (A/B, B/A, ...) so that machine noise hits both
alike, and prints the medians and their ratio. The target is a median ratio <= 1.5.

    python benchmarks/prompt.py [--items 10000] [--runs 300] [--respond PATH] [--entry-point]

It times the ``respond`` command installed next to this interpreter (what users run from their
prompt), started the same way as the interpreter: ``subprocess.run``, output to /dev/null.
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

from respond.cli import prompt
from respond.storage.state import state_path
from tests.support.factory import generate, write
from tests.support.installed import byte_compile, installed_respond, interpreter_of

TARGET = 1.5

# What pip writes for a [project.scripts] entry point (for --entry-point: the road not taken).
PIP_WRAPPER = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from respond.__main__ import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=300, help="runs of each command")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--respond", help="the respond command (default: next to python)")
    parser.add_argument(
        "--all-open", action="store_true", help="stress case: reopen every item (a huge state)"
    )
    parser.add_argument(
        "--entry-point",
        action="store_true",
        help="also time a pip-generated [project.scripts] wrapper around the same code",
    )
    args = parser.parse_args(argv)

    command = args.respond or installed_respond()
    if not command:
        parser.error("no respond command next to this python; pass --respond PATH")
    # the baseline runs the interpreter the command runs (its #! line)
    python, first_line = interpreter_of(command)
    where = byte_compile(python)
    if where:
        print(f"note: bytecode writing is off here; byte-compiled {where} as pip would")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "respond.json"
        items = generate(args.items, args.seed, datetime.now().astimezone())
        if args.all_open:
            for item in items:
                item.status = "open"
        write(db, items)
        env = {**os.environ, "RESPOND_DB": str(db)}
        found = prompt.counts(str(db), time.time())
        state = Path(state_path(str(db)))
        shown = subprocess.run(
            [command, "prompt", "--format", "{overdue} overdue, {today} today, {open} open"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"database: {len(items)} items, {db.stat().st_size / 1e6:.1f} MB; ", end="")
        print(f"state file: {found.open} open items, {state.stat().st_size} bytes")
        print(f"respond prompt says: {shown.stdout.strip()!r} (stderr {shown.stderr!r})")
        print(f"command: {command} (first line: {first_line})")

        commands = {
            "respond prompt": [command, "prompt"],
            "python -c pass": [python, "-c", "pass"],
        }
        if args.entry_point:
            wrapper = Path(tmp) / "respond-entry-point"
            wrapper.write_text(PIP_WRAPPER.format(python=python))
            wrapper.chmod(0o755)
            commands["entry-point wrapper prompt"] = [str(wrapper), "prompt"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(10):  # warm the page cache and bytecode for all
            for cmd in commands.values():
                timed(cmd, env)
        order = list(commands)
        for _ in range(args.runs):
            for name in order:
                times[name].append(timed(commands[name], env))
            order.reverse()  # A/B, then B/A, ...

    base = statistics.median(times["python -c pass"])
    print(f"runs: {args.runs} of each, interleaved; baseline interpreter {python}")
    for name, runs in times.items():
        median = statistics.median(runs)
        print(f"{name:>26}: median {median * 1000:6.2f} ms  ratio {median / base:.2f}")
    ratio = statistics.median(times["respond prompt"]) / base
    pairs = statistics.median(
        x / y for x, y in zip(times["respond prompt"], times["python -c pass"], strict=True)
    )
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"median ratio {ratio:.2f} (median of paired ratios {pairs:.2f}): ", end="")
    print(f"{verdict} the target <= {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

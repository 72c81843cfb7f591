"""The rounds of ``benchmarks/run.py``, run from a process kept as small as Python allows.

On Linux a child's peak memory (``ru_maxrss``) counts what the address space of the process
that started it held: started from a big process, a small command reads big. So the process
that starts the commands imports nothing but ``json``, ``os``, ``random``, ``sys`` and
``time``, and ``run.py`` hands it the commands as a JSON file:

    python benchmarks/timer.py SPEC.json RESULTS.json

SPEC: ``{"cases": [{"argv": [...], "env": {...}}, ...], "rounds": N, "minutes": M or null,
"seed": S}``. One warm-up round is run first and not recorded (page cache, the prompt's state
file, the day's first backup). Then every round runs every case once, in a shuffled order;
with ``minutes``, rounds go on while the next one still fits (at least 3). RESULTS:
``{"times_ms": [[...] per case], "peak_mb": [... per case], "cpu_ms": [[...] per case]}``
(CPU time, user + system, moves far less than wall time with the machine's other load).
"""

import json
import os
import random
import sys
import time


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time (ms), peak RSS (MB) and CPU time (user + system, ms) of one child process."""
    start = time.perf_counter()
    null = os.open(os.devnull, os.O_WRONLY)
    read_end, write_end = os.pipe()
    pid = os.posix_spawn(
        argv[0],
        argv,
        env,
        file_actions=[
            (os.POSIX_SPAWN_DUP2, null, 1),
            (os.POSIX_SPAWN_DUP2, write_end, 2),
            (os.POSIX_SPAWN_CLOSE, read_end),
        ],
    )
    os.close(write_end)
    os.close(null)
    err = b""
    while chunk := os.read(read_end, 65536):
        err += chunk
    os.close(read_end)
    _, status, usage = os.wait4(pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(argv)} failed ({code}): {err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024, (usage.ru_utime + usage.ru_stime) * 1000


def main() -> int:
    with open(sys.argv[1], "rb") as spec_file:
        spec = json.load(spec_file)
    cases = spec["cases"]
    rounds, minutes = spec["rounds"], spec["minutes"]
    rng = random.Random(spec["seed"])
    times: list[list[float]] = [[] for _ in cases]
    peaks = [0.0 for _ in cases]
    cpu: list[list[float]] = [[] for _ in cases]
    for case in cases:  # warm-up, not recorded
        run_once(case["argv"], case["env"])
    began = time.perf_counter()
    done = 0
    while True:
        order = list(range(len(cases)))
        rng.shuffle(order)
        for n in order:
            elapsed, peak, used = run_once(cases[n]["argv"], cases[n]["env"])
            times[n].append(elapsed)
            cpu[n].append(used)
            peaks[n] = max(peaks[n], peak)
        done += 1
        spent = time.perf_counter() - began
        print(f"round {done} done ({spent:.0f} s)", file=sys.stderr)
        if minutes is None:
            if done >= rounds:
                break
        elif done >= 3 and spent * (done + 1) / done > minutes * 60:  # the next would not fit
            break
    with open(sys.argv[2], "w") as out:
        json.dump({"times_ms": times, "peak_mb": peaks, "cpu_ms": cpu}, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

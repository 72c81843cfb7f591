"""Joining a second machine (``sync init`` on an empty database, against a remote that holds N
items) beside an import of the same N items, both as the real ``respond`` command.

    python benchmarks/join.py                        # 10k and 50k items, 3 rounds
    python benchmarks/join.py --sizes 2000,10000 --rounds 5

Issue 19's targets: a join costs at most 3x an import of the same items (at 10k), and a 50k
join takes under a minute on this machine. For each size: the first machine's database is
generated (``tests/support/factory.py``, cached like ``run.py`` does), exported, and sent to a
bare repository on the local disk with ``sync init``; then, each round, a fresh empty database
imports the export, and another fresh one joins the remote. Medians of wall time; ratios
within one run only. The remote is a path (no network): what is timed is respond's work.
While the join runs, ``add`` on the joining machine's database must not be refused as busy:
each round tries one, midway, and counts the refusals.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tests.support.installed import installed_respond  # noqa: E402

RATIO = 3.0
LIMIT_50K = 60.0


def respond_exe() -> str:
    found = installed_respond()
    if found is None:
        sys.exit("respond is not installed next to this python; pip install -e . first")
    return found


def env_for(db: Path, config: Path) -> dict[str, str]:
    env = dict(os.environ, RESPOND_DB=str(db), RESPOND_CONFIG=str(config))
    env.pop("RESPOND_NOW", None)
    return env


def cpu() -> float:
    """CPU seconds (user + system) of the children waited for so far, theirs included (git's
    own children): on a busy machine a steadier measure than wall time."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``respond ARGS``."""
    start, start_cpu = time.perf_counter(), cpu()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=3600)
    took = time.perf_counter() - start, cpu() - start_cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return took


def first_machine(size: int, seed: int, work: Path, exe: str) -> tuple[Path, Path]:
    """The remote (a bare repository holding ``size`` items) and their export."""
    from benchmarks.run import cached_records
    from respond.core.model import Item
    from tests.support.factory import write

    cache = Path(tempfile.gettempdir()) / "respond-bench-cache"
    items = [Item.from_record(r) for r in cached_records(size, seed, cache)]
    folder = work / f"first-{size}"
    folder.mkdir()
    db = folder / "respond.json"
    write(db, items)
    config = folder / "config.toml"
    config.write_text('[sync]\nname = "first"\ntimeout = "60m"\n')
    env = env_for(db, config)
    export = folder / "export.json"
    subprocess.run([exe, "export", "--output", str(export)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    remote = work / f"remote-{size}.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    wall, used = timed([exe, "sync", "init", str(remote)], env)
    print(f"{size:>7,} items: the first machine's sync init (its first push): {wall:.1f} s, "
          f"CPU {used:.1f} s")  # fmt: skip
    return remote, export


def one_round(
    size: int, n: int, work: Path, exe: str, remote: Path, export: Path
) -> tuple[float, float, float, float]:
    """Wall and CPU seconds of an import and of a join of the same items."""
    folder = work / f"round-{size}-{n}"
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text('[sync]\nname = "second"\ntimeout = "60m"\n')
    imported = folder / "imported.json"
    import_wall, import_cpu = timed([exe, "import", str(export)], env_for(imported, config))
    joined = folder / "joined.json"
    join_wall, join_cpu = timed([exe, "sync", "init", str(remote)], env_for(joined, config))
    shutil.rmtree(folder)
    return import_wall, import_cpu, join_wall, join_cpu


def busy_during_join(size: int, work: Path, exe: str, remote: Path) -> int:
    """Adds refused as busy while a join runs (one add after another until it ends)."""
    folder = work / f"busy-{size}"
    folder.mkdir()
    config = folder / "config.toml"
    config.write_text('[sync]\nname = "third"\ntimeout = "60m"\n')
    env = env_for(folder / "joined.json", config)
    proc = subprocess.Popen([exe, "sync", "init", str(remote)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    busy = 0
    while proc.poll() is None:
        add = subprocess.run([exe, "add", "during the join", "--from", "Kim"], env=env,
                             capture_output=True, text=True, timeout=3600)  # fmt: skip
        busy += add.returncode != 0 and "busy" in add.stderr
    _, err = proc.communicate(timeout=3600)
    if proc.returncode != 0:
        sys.exit(f"join failed ({proc.returncode}): {err.strip()}")
    return busy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    exe = respond_exe()
    sizes = [int(s) for s in args.sizes.split(",")]
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="respond-join-") as tmp:
        work = Path(tmp)
        for size in sizes:
            remote, export = first_machine(size, args.seed, work, exe)
            rounds = [one_round(size, n, work, exe, remote, export) for n in range(args.rounds)]
            iw, ic, jw, jc = (statistics.median(r[k] for r in rounds) for k in range(4))
            busy = busy_during_join(size, work, exe, remote)
            print(
                f"{size:>7,} items: import {iw:6.2f} s (CPU {ic:5.2f} s), join {jw:6.2f} s "
                f"(CPU {jc:5.2f} s): join/import {jw / iw:4.1f}x wall, {jc / ic:4.1f}x CPU; "
                f"adds refused as busy during a join: {busy}"
            )
            if size == 10_000:
                verdicts.append((f"join <= {RATIO:g}x import at 10k (wall)", jw <= RATIO * iw))
                verdicts.append((f"join <= {RATIO:g}x import at 10k (CPU)", jc <= RATIO * ic))
            if size == 50_000:
                verdicts.append((f"50k join under {LIMIT_50K:.0f} s (wall)", jw < LIMIT_50K))
            verdicts.append((f"no add busy during a {size:,} join", busy == 0))
    for name, ok in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {name}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())

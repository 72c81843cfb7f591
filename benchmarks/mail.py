"""How much a rescan of a big maildir costs: ``respond mail`` the second time, against
``respond --version`` (Python and Typer starting, nothing read).

Writes a maildir of ``--messages`` messages (50,000 by default; half in ``cur`` with flags) and
a config naming it, runs ``respond mail`` once (the first scan reads every message's headers),
then times rescans and ``respond --version`` alternately, so that machine noise hits both alike,
and prints the medians. A rescan should cost a directory listing and the sidecar, not a parse.

    python benchmarks/mail.py [--messages 50000] [--runs 11]
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

RESPOND = shutil.which("respond", path=str(Path(sys.executable).parent)) or "respond"

MESSAGE = (
    "From: Person {n} <p{n}@example.com>\nTo: me@example.org\nSubject: Message {n}\n"
    "Date: Mon, 23 Nov 2026 09:00:00 +0100\nMessage-ID: <m{n}@example.com>\n\nBody {n}\n"
)


def make_maildir(folder: Path, count: int) -> None:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    for n in range(count):
        name = f"1700000000.M{n}P1.bench"
        path = folder / "cur" / f"{name}:2,S" if n % 2 else folder / "new" / name
        path.write_text(MESSAGE.format(n=n))


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=11)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "INBOX"
        make_maildir(folder, options.messages)
        config = root / "config.toml"
        config.write_text(f'[mail]\nfolders = ["{folder}"]\nme = ["me@example.org"]\n')
        env = {**os.environ, "RESPOND_DB": str(root / "respond.json"),
               "RESPOND_CONFIG": str(config)}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once, then cached
        timed([RESPOND, "--version"], env)
        first, _ = timed([RESPOND, "mail"], env)
        rescans: list[tuple[float, float]] = []
        baseline: list[tuple[float, float]] = []
        for run in range(options.runs):
            pair = [([RESPOND, "mail"], rescans), ([RESPOND, "--version"], baseline)]
            for args, into in pair if run % 2 == 0 else reversed(pair):
                into.append(timed(args, env))
        sidecar = (root / "respond.json.mailseen").stat().st_size

    def median(runs: list[tuple[float, float]], which: int) -> float:
        return statistics.median(run[which] for run in runs) * 1000

    print(f"messages              {options.messages}")
    print(f"first scan            {first * 1000:8.0f} ms  (every message's headers parsed)")
    print(f"                      {'wall':>8}     {'cpu':>8}  (medians of {options.runs} runs)")
    for label, runs in (("rescan", rescans), ("respond --version", baseline)):
        print(f"{label:<22}{median(runs, 0):8.0f} ms  {median(runs, 1):8.0f} ms")
    own = median(rescans, 1) - median(baseline, 1)
    print(f"rescan's own cpu      {own:8.0f} ms  (listing and sidecar; no message opened)")
    print(f"sidecar               {sidecar / 1024:8.0f} KiB")


if __name__ == "__main__":
    main()

"""Write a reproducible database of realistic activity (the factory in tests/support/factory.py).

    python benchmarks/generate.py --items 10000 --out /tmp/r10k.json [--seed 7] [--end ISO]
    python benchmarks/generate.py --items 10000 --people 200 --out /tmp/r10k.json

With ``--people N`` the items are spread over N people with a long tail (Zipf-like: a few
people with hundreds of items, hundreds with a few); without it, over 30 people.

Same seed, same database. Activity ends at ``--end`` (default 2026-11-25 10:00 UTC; a time
without a zone is local time).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.factory import DEFAULT_END, generate, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--people", type=int, help="spread over N people (a long tail)")
    parser.add_argument("--end", default=DEFAULT_END.isoformat(), help="ISO time activity ends")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    end = datetime.fromisoformat(args.end)
    if end.tzinfo is None:
        end = end.astimezone()
    items = generate(args.items, args.seed, end, n_people=args.people)
    write(args.out, items)
    open_count = sum(item.is_open for item in items)
    print(f"wrote {len(items)} items ({open_count} open) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

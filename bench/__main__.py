"""``python -m bench [NAME ...]``: run the benchmark modules and print one table."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
from pathlib import Path

import bench
from bench.harness import BenchRow, render


def modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"some of: {', '.join(modules())}")
    args = parser.parse_args()
    chosen = [m for m in modules() if not args.names or m in args.names or m[6:] in args.names]
    rows: list[BenchRow] = []
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        with tempfile.TemporaryDirectory(prefix=f"circlekeeper-{name}-") as scratch:
            print(f"running {name} …", file=sys.stderr, flush=True)
            rows.extend(module.run(Path(scratch)))
    print(render(rows))
    return 0 if all(row.passed for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

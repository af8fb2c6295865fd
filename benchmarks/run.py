"""Run the benchmarks: `python benchmarks/run.py [NAME ...]` (all of them when no NAME is given).

Each benchmark is a module `benchmarks/bench_<name>.py` with `run() -> list[str]`; it measures its own
baseline in the same run and returns the lines to print, each figure as a ratio against that baseline.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> dict[str, Path]:
    """Benchmark name -> module file, for every `bench_*.py` beside this script."""
    return {path.stem.removeprefix("bench_"): path for path in sorted(HERE.glob("bench_*.py"))}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (or all), print their lines; 2 for an unknown name, 1 if one failed."""
    names = list(sys.argv[1:] if argv is None else argv)
    found = available()
    unknown = [n for n in names if n not in found]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(found)}",
              file=sys.stderr)
        return 2
    status = 0
    for name in names or list(found):
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            lines = _load(name, found[name]).run()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            status = 1
            continue
        for line in lines:
            print(line, flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return status


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())

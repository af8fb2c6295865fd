"""Loader conformance as a report: which agent files a Claude Code CLI loads, and each loaded
agent's description and tools as its Agent tool lists them, against workbench's loader. The same
comparison as tests/conformance/test_loader_conformance.py (tests/conformance/loader_check.py),
for running by hand against any installed Claude Code.

    python benchmarks/conformance.py [--claude PATH] [--corpus DIR] [FILE_OR_DIR ...]

Without paths it checks the shared corpus (../shared/corpus, or WORKBENCH_CORPUS, or --corpus)
and the edge cases in tests/conformance/edge_cases. The CLI runs offline against the scripted API
server with a fresh HOME and git project per batch. Without --claude, the CLI bundled in
claude-agent-sdk. Exit status 1 when any file differs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "conformance")]

from loader_check import bundled_cli, compare, size_cases  # noqa: E402

EDGE_CASES = ROOT / "tests" / "conformance" / "edge_cases"


def _agent_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.md") if p.name != "README.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="agent files or folders (default: corpus and edge cases)")
    parser.add_argument("--claude", type=Path, help="the Claude Code CLI to run (default: claude-agent-sdk's)")
    parser.add_argument("--corpus", type=Path, help="the corpus folder (default: ../shared/corpus or WORKBENCH_CORPUS)")
    args = parser.parse_args(argv)
    cli = args.claude or bundled_cli()
    if cli is None or not cli.is_file():
        print("no Claude Code CLI: install claude-agent-sdk or pass --claude PATH")
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        if args.paths:
            sets = [("given files", [f for p in args.paths for f in _agent_files(p)])]
        else:
            corpus = args.corpus or Path(os.environ.get("WORKBENCH_CORPUS") or ROOT.parent / "shared" / "corpus")
            sets = [("edge cases", _agent_files(EDGE_CASES) + size_cases(Path(scratch)))]
            if corpus.is_dir():
                sets.insert(0, ("corpus", _agent_files(corpus)))
            else:
                print(f"corpus not found at {corpus} (--corpus DIR or WORKBENCH_CORPUS): edge cases only")
        failed = False
        for label, files in sets:
            began = time.perf_counter()
            version, problems, both = compare(cli, files)
            print(f"Claude Code {version} ({cli}): {label}: {len(files)} files, {both} loaded by both, "
                  f"{len(problems)} differ ({time.perf_counter() - began:.1f} s)")
            for problem in problems:
                print(problem)
            failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

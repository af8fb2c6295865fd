"""`workbench lint <corpus> --format json` as a whole process, against a floor process that only reads
the same files and parses each frontmatter with PyYAML's C loader. Target: at most 3x, aim 1.5x."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROUNDS = 5

# The floor: start Python, import PyYAML, read every *.md and parse its frontmatter — nothing else.
FLOOR = r"""
import os, sys, yaml
loader = yaml.CSafeLoader
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        if not text.startswith("---"):
            continue
        end = text.find("\n---", 3)
        if end == -1:
            continue
        try:
            yaml.load(text[4:end], Loader=loader)
        except yaml.YAMLError:
            pass
"""


def _corpus() -> Path:
    override = os.environ.get("WORKBENCH_CORPUS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _seconds(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one whole process. CPU time is the steadier
    figure on a machine shared with other work; wall time is what a user waits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run() -> list[str]:
    """Median wall and CPU time of each process over a few interleaved rounds, and their ratios."""
    corpus = _corpus()
    if not corpus.is_dir():
        return [f"lint: corpus not found at {corpus} (set WORKBENCH_CORPUS)"]
    files = sum(1 for _ in corpus.rglob("*.md"))
    lint = [sys.executable, "-m", "workbench", "lint", str(corpus), "--format", "json"]
    floor = [sys.executable, "-c", FLOOR, str(corpus)]
    _seconds(lint), _seconds(floor)  # warm the file cache and the bytecode cache
    lint_runs, floor_runs = [], []
    for _ in range(ROUNDS):
        lint_runs.append(_seconds(lint))
        floor_runs.append(_seconds(floor))
    lines = [f"lint corpus ({files} files, whole process, median of {ROUNDS})"]
    for label, index in (("wall", 0), ("cpu ", 1)):
        floor_s = statistics.median(run[index] for run in floor_runs)
        lint_s = statistics.median(run[index] for run in lint_runs)
        lines.append(
            f"  {label}: floor (read + PyYAML C loader) {floor_s * 1000:5.0f} ms, "
            f"workbench lint --format json {lint_s * 1000:5.0f} ms, "
            f"ratio {lint_s / floor_s:.2f}x (target <= 3x, aim 1.5x)"
        )
    return lines

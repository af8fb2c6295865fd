"""The Grep tool over a generated 20,000-file tree against `rg` run directly with the same arguments.

The tree is generated deterministically under a temporary folder. Both sides spawn the same rg
binary with the same arguments and collect all of its output; the ratio is the Python overhead of
the tool (argument building, output parsing, paging, the structured result). Target: at most 1.2x.

Two figures per case, each the fastest of several interleaved rounds (on a shared machine the
slower rounds measure the neighbours' load, not the tool): wall time, and CPU time (this process
plus rg), which the neighbours disturb much less. The tool's own Python CPU time is shown too.
"""

from __future__ import annotations

import asyncio
import random
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from workbench.runtime.tools import REGISTRY, ToolContext
from workbench.runtime.tools.grep import rg_arguments
from workbench.runtime.tools.ripgrep import rg_binary

FILES = 20_000
FOLDERS = 200
ROUNDS = 9
WORDS = ("alpha beta gamma delta epsilon value result return import class def self data item "
         "config handler request response error token cache index").split()
CASES = [
    ("files_with_matches", {"pattern": "handler_[0-9]+"}),
    ("content, -n", {"pattern": "needle_[0-9]+", "output_mode": "content"}),
    ("content, -i -C 1, head_limit 200", {"pattern": "NEEDLE", "output_mode": "content",
                                          "-i": True, "-C": 1, "head_limit": 200}),
    ("count", {"pattern": "token", "output_mode": "count"}),
    ("files, glob *.py", {"pattern": "class", "glob": "*.py"}),
]


def generate(root: Path) -> None:
    """FILES small source-like files in FOLDERS folders; a few lines carry the search targets."""
    rng = random.Random(20261127)
    for f in range(FOLDERS):
        (root / f"pkg{f:03d}").mkdir()
    for i in range(FILES):
        lines = [" ".join(rng.choices(WORDS, k=8)) for _ in range(rng.randint(10, 40))]
        if i % 7 == 0:
            lines[rng.randrange(len(lines))] += f" handler_{i}"
        if i % 50 == 0:
            lines[rng.randrange(len(lines))] += f" needle_{i}"
        suffix = (".py", ".ts", ".md", ".txt")[i % 4]
        (root / f"pkg{i % FOLDERS:03d}" / f"file{i:05d}{suffix}").write_text("\n".join(lines) + "\n")


def _cpu() -> tuple[float, float]:
    """CPU seconds used so far by this process and by its reaped children (rg)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _measure(action) -> tuple[float, float, float]:
    """(wall seconds, total CPU seconds, this process's CPU seconds) of one call of `action`."""
    me_before, kids_before = _cpu()
    started = time.perf_counter()
    action()
    wall = time.perf_counter() - started
    me_after, kids_after = _cpu()
    mine = me_after - me_before
    return wall, mine + kids_after - kids_before, mine


def _tool_call(loop: asyncio.Runner, tool_input: dict, ctx: ToolContext):
    def call() -> None:
        result = loop.run(REGISTRY["Grep"].run(dict(tool_input), ctx))
        assert not result.is_error, result.content
    return call


def _rg_call(args: list[str], cwd: Path):
    def call() -> None:
        subprocess.run([rg_binary(), *args], cwd=cwd, capture_output=True, check=False)
    return call


def run() -> list[str]:
    """Fastest time per case over interleaved rounds, as the tool's ratio against bare rg."""
    with tempfile.TemporaryDirectory(prefix="bench-grep-") as tmp:
        root = Path(tmp).resolve()
        started = time.perf_counter()
        generate(root)
        lines = [f"grep: tree of {FILES} files generated in {time.perf_counter() - started:.1f} s; "
                 f"fastest of {ROUNDS} rounds, tool / bare rg, target <= 1.2x"]
        ctx = ToolContext(cwd=root, roots=(root,))
        with asyncio.Runner() as loop:  # one loop for every call, as in a session
            for label, tool_input in CASES:
                lines.append(_case(loop, label, tool_input, ctx, root))
        return lines


def _case(loop: asyncio.Runner, label: str, tool_input: dict, ctx: ToolContext, root: Path) -> str:
    """One case: the fastest of ROUNDS interleaved runs on each side, and their ratios."""
    tool, bare = _tool_call(loop, tool_input, ctx), _rg_call(rg_arguments(tool_input, str(root)), root)
    tool(), bare()  # warm the page cache
    tool_runs, rg_runs = [], []
    for _ in range(ROUNDS):
        tool_runs.append(_measure(tool))
        rg_runs.append(_measure(bare))
    tool_wall, rg_wall = min(r[0] for r in tool_runs), min(r[0] for r in rg_runs)
    tool_cpu, rg_cpu = min(r[1] for r in tool_runs), min(r[1] for r in rg_runs)
    python_cpu = min(r[2] for r in tool_runs)
    return (f"  {label:<34} wall {tool_wall * 1000:6.0f} / {rg_wall * 1000:6.0f} ms = "
            f"{tool_wall / rg_wall:.2f}x   CPU {tool_cpu * 1000:6.0f} / {rg_cpu * 1000:6.0f} ms = "
            f"{tool_cpu / rg_cpu:.2f}x   (tool's Python {python_cpu * 1000:.0f} ms)")

"""`workbench transcript stats` over 203 sessions (issue 15): one process for all of them, against
a floor process that only `json.loads` every line of the same files, and against the old way, one
`stats` process per session (timed on a sample, scaled to 203). Target: all 203 in under 1 s.

    python benchmarks/run.py stats_many
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSIONS = 203
MEAN_MB = 0.2  # the sessions' sizes vary around this (about 40 MB in all)
ROUNDS = 3
SAMPLE = 5
ROOT = Path(__file__).resolve().parents[1]

FLOOR = r"""
import json, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.jsonl")):
    with open(path, "rb") as fh:
        for line in fh:
            json.loads(line)
"""


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def _generate(folder: Path) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_session import generate

    rng = random.Random(15)
    size = 0
    for i in range(SESSIONS):
        project = folder / f"-home-dev-project-{i % 7}"
        project.mkdir(parents=True, exist_ok=True)
        path = project / f"session-{i:03d}.jsonl"
        size += generate(path, rng.uniform(0.2, 1.8) * MEAN_MB, seed=i)
        # Each session's responses and calls are its own (the generator numbers them from 0).
        text = path.read_text(encoding="utf-8")
        for prefix in ("msg_", "req_", "toolu_"):
            text = text.replace(f'"{prefix}', f'"{prefix}s{i:03d}_')
        path.write_text(text, encoding="utf-8")
    return size


def run() -> list[str]:
    """Generate the sessions, time each way (interleaved), report medians and ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "projects"
        size = _generate(folder)
        files = sorted(folder.rglob("*.jsonl"))
        stats = [sys.executable, "-m", "workbench", "transcript", "stats"]
        commands = {
            "floor": [sys.executable, "-c", FLOOR, str(folder)],
            "all": [*stats, str(folder), "--format", "json"],
            "by_agent": [*stats, str(folder), "--by", "agent"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, cmd in commands.items():
                times[name].append(_time(cmd))
        one_each = [_time([*stats, str(f), "--format", "json"]) for f in files[:SAMPLE]]
    floor = statistics.median(times["floor"])
    whole = statistics.median(times["all"])
    by_agent = statistics.median(times["by_agent"])
    old = statistics.median(one_each) * SESSIONS
    verdict = "ok" if whole < 1.0 else "OVER TARGET"
    return [
        f"{SESSIONS} sessions, {size / 1e6:.1f} MB, median of {ROUNDS} rounds",
        f"floor (json.loads every line, one process)   {floor:6.2f} s   1.00x",
        f"stats FOLDER (one process)                   {whole:6.2f} s   {whole / floor:.2f}x  "
        f"(target < 1 s: {verdict})",
        f"stats FOLDER --by agent                      {by_agent:6.2f} s   {by_agent / floor:.2f}x",
        f"one stats process per session (scaled)      {old:6.2f} s   {old / floor:.2f}x  "
        f"({old / whole:.0f}x slower than one process)",
    ]

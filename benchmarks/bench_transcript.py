"""`workbench transcript stats` on a generated 50 MB session, as a whole process, against a floor
process that only `json.loads` every line of the same file. Target: at most 1.5x.

Also shown, for the browser's sake: building the full model (`read_transcript`) against the same floor.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 5
ROOT = Path(__file__).resolve().parents[1]

FLOOR = r"""
import json, sys
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        json.loads(line)
"""

FULL_MODEL = r"""
import sys
from workbench.transcripts.reader import read_transcript
read_transcript(sys.argv[1])
"""


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def run() -> list[str]:
    """Generate the session, time each process ROUNDS times (interleaved), report medians."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_session import generate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-session.jsonl"
        size = generate(path, 50.0)
        commands = {
            "floor": [sys.executable, "-c", FLOOR, str(path)],
            "stats": [sys.executable, "-m", "workbench", "transcript", "stats", str(path),
                      "--format", "json"],
            "model": [sys.executable, "-c", FULL_MODEL, str(path)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(ROUNDS):
            for name, cmd in commands.items():
                times[name].append(_time(cmd))
    floor = statistics.median(times["floor"])
    stats = statistics.median(times["stats"])
    model = statistics.median(times["model"])
    verdict = "ok" if stats / floor <= 1.5 else "OVER TARGET"
    return [
        f"session: {size / 1e6:.1f} MB, median of {ROUNDS} rounds",
        f"floor (json.loads every line)      {floor:6.2f} s   1.00x",
        f"transcript stats (whole process)   {stats:6.2f} s   {stats / floor:.2f}x  "
        f"(target <= 1.5x: {verdict})",
        f"read_transcript (full model)       {model:6.2f} s   {model / floor:.2f}x  (information)",
    ]

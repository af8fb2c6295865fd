"""Opening a generated 50 MB session in the transcript viewer, to its first complete frame, as a whole
process (headless), against a floor process that only `json.loads` every line of the same file.
Target: under 1.5 s here. Then scrolling: the longest stall while paging down, against a plain frame."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3
ROOT = Path(__file__).resolve().parents[1]

FLOOR = r"""
import json, sys
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        json.loads(line)
"""

# The child reports the time from its launch (argv[2], wall clock, taken by the parent just before
# it starts the process) to the moment the first frame is painted, and leaves right there: an orderly
# exit would wait for the worker still reading the rest of the 50 MB, which a person does not wait for.
OPEN = r"""
import os, sys, time
from pathlib import Path
from workbench.ui.transcripts_app import TranscriptsApp

class Timed(TranscriptsApp):
    def on_transcript_screen_first_frame(self, message):
        print(time.time() - float(sys.argv[2]), flush=True)
        os._exit(0)

Timed(Path(sys.argv[1])).run(headless=True, size=(120, 40))
"""


# Scrolling: the child pages down through the whole-read session and reports the longest time one
# mount of more events held the screen up, against a plain scroll of one line (a frame with nothing
# to mount), both measured in the same process.
SCROLL = r"""
import asyncio, sys, time
from pathlib import Path
from workbench.ui.screens.transcript_view import TranscriptScreen
from workbench.ui.transcripts_app import TranscriptsApp

mounts = []
whole_mount = TranscriptScreen._mount_next

async def timed_mount(self, count, final=True):
    started = time.perf_counter()
    await whole_mount(self, count, final)
    mounts.append(time.perf_counter() - started)

TranscriptScreen._mount_next = timed_mount

async def main():
    app = TranscriptsApp(Path(sys.argv[1]))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while screen.transcript is None or screen._showing_head:
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        mounts.clear()
        plain = []
        for _ in range(int(sys.argv[2])):
            screen.view.scroll_page_down(animate=False)
            await pilot.pause(0.05)
            started = time.perf_counter()
            screen.view.scroll_relative(y=-1, animate=False, immediate=True)
            await pilot.pause()
            plain.append(time.perf_counter() - started)
        print(max(mounts), sorted(plain)[len(plain) // 2], len(mounts), flush=True)

asyncio.run(main())
"""
PAGES = 30


def _scroll(path: Path) -> tuple[float, float, int]:
    done = subprocess.run([sys.executable, "-c", SCROLL, str(path), str(PAGES)],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    stall, plain, mounts = done.stdout.split()
    return float(stall), float(plain), int(mounts)


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def _first_frame(path: Path) -> float:
    done = subprocess.run([sys.executable, "-c", OPEN, str(path), repr(time.time())],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def run() -> list[str]:
    """Generate the session, time each process ROUNDS times (interleaved), report medians."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_session import generate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-session.jsonl"
        size = generate(path, 50.0)
        floor_times, open_times = [], []
        for _ in range(ROUNDS):
            floor_times.append(_time([sys.executable, "-c", FLOOR, str(path)]))
            open_times.append(_first_frame(path))
        stall, plain, mounts = _scroll(path)
    floor = statistics.median(floor_times)
    opened = statistics.median(open_times)
    verdict = "ok" if opened < 1.5 else "OVER TARGET"
    return [
        f"session: {size / 1e6:.1f} MB, median of {ROUNDS} rounds",
        f"floor (json.loads every line)        {floor:6.2f} s   1.00x",
        f"viewer: launch to first frame         {opened:6.2f} s   {opened / floor:.2f}x  "
        f"(target < 1.5 s: {verdict})",
        f"scroll: plain one-line scroll frame   {plain * 1000:6.0f} ms  1.00x",
        f"scroll: longest mount while paging    {stall * 1000:6.0f} ms  {stall / plain:.1f}x  "
        f"({mounts} mounts over {PAGES} pages)",
    ]

"""Opening a generated 50 MB session in the transcript viewer, to its first complete frame, as a whole
process (headless), against a floor process that only `json.loads` every line of the same file.
Target: under 1.5 s here.

Then scrolling. Target ("smooth"): every step painted within 50 ms at the 95th percentile, and no
stall over 100 ms. The child process pages down through a long stretch of the whole-read session
(well over 1,000 events) one PageDown key at a time, sent like a terminal's keys at a steady pace
(animations off, so one key is one frame), and times each key from when it was due to the frame that
shows it (the frame's terminal output rendered too, as a real terminal would get it). A key due while
the app is busy mounting waits, and that wait counts. Then it pages back up part of the way, where
what it passed is parked above and what it leaves is parked below, and jumps with Home and End
(reported beside the target, which is about steady scrolling). Beside it, a watcher coroutine
records the longest time the event loop could not run (a stall between frames counts as well). The
same steps over a plain VerticalScroll of Statics, in the same process, are the baseline.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 3
ROOT = Path(__file__).resolve().parents[1]
# PageDown keys per scroll run, one every PACE seconds.
PAGES = 130
PACE = 0.2
# Then PageUp keys back over what was paged through (the widgets far below are parked by then).
PAGES_UP = 60
# Then Home and End in turn, far jumps over everything mounted, one a second.
JUMPS = 8
JUMP_PACE = 1.0
STEP_P95_TARGET = 0.050
STALL_TARGET = 0.100

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

# Scrolling: argv = session path, pages, pace. Prints one JSON object: per-key latencies and the
# longest loop stall, for the viewer and for a plain VerticalScroll of Statics.
SCROLL = r"""
import asyncio, json, random, sys, time
from pathlib import Path
from textual import events
from textual.app import App
from textual._compositor import CompositorUpdate
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

PAGES, PACE, PAGES_UP = int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
JUMPS, JUMP_PACE = int(sys.argv[5]), float(sys.argv[6])
clock = time.perf_counter
handled = []   # the due time of each key handled since the last frame
latencies = []

original_display = App._display
def display(self, screen, renderable):
    original_display(self, screen, renderable)
    if isinstance(renderable, CompositorUpdate):
        renderable.render_segments(self.console)  # what a terminal would be sent
    now = clock()
    latencies.extend(now - due for due in handled)
    handled.clear()
App._display = display

keys = []  # due times of the keys posted and not handled yet
def timed(action):
    def handle(self):
        if keys:
            handled.append(keys.pop(0))
        action(self)
    return handle
Widget.action_page_down = timed(Widget.action_page_down)
Widget.action_page_up = timed(Widget.action_page_up)
Widget.action_scroll_home = timed(Widget.action_scroll_home)
Widget.action_scroll_end = timed(Widget.action_scroll_end)

async def watch_loop(stop, worst):
    tick = 0.005
    while not stop.is_set():
        started = clock()
        await asyncio.sleep(tick)
        worst[0] = max(worst[0], clock() - started - tick)

async def page_through(app, pilot, key="pagedown", pages=PAGES, pace=PACE):
    latencies.clear(); handled.clear(); keys.clear()
    app.animation_level = "none"
    await pilot.pause(0.2)
    stop, worst = asyncio.Event(), [0.0]
    watcher = asyncio.create_task(watch_loop(stop, worst))
    started = clock()
    cpu = time.process_time()
    for i in range(pages):
        due = started + i * pace
        await asyncio.sleep(max(0.0, due - clock()))
        keys.append(due)
        app.post_message(events.Key(key if isinstance(key, str) else key[i % len(key)], None))
    while keys or handled:
        await asyncio.sleep(0.01)
    stop.set()
    await watcher
    return {"steps": sorted(latencies), "stall": worst[0], "cpu": time.process_time() - cpu,
            "wall": clock() - started}

async def viewer(path):
    from workbench.ui.transcripts_app import TranscriptsApp
    app = TranscriptsApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        while screen.transcript is None or screen._showing_head:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        screen.view.focus()
        result = await page_through(app, pilot)
        view = screen.view
        result["up"] = await page_through(app, pilot, "pageup", PAGES_UP)
        result["jumps"] = await page_through(app, pilot, ("home", "end"), JUMPS, JUMP_PACE)
        from workbench.transcripts.replay import transcript_events
        result["mounted"] = sum(1 for _ in transcript_events(screen.transcript)) - len(screen._pending)
        result["rows"] = view.virtual_size.height
        result["children"] = len(view.children)
        result["shown"] = len([c for c in view.children if c.display and not c.has_class("-parked")])
        return result

class Plain(App):
    def compose(self):
        rng = random.Random(6)
        words = "the agent reads file and runs tests before editing code".split()
        with VerticalScroll():
            for i in range(3000):
                lines = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 16)))
                         for _ in range(rng.randint(1, 4))]
                yield Static("\n".join(lines))

async def plain():
    app = Plain()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        app.query_one(VerticalScroll).focus()
        result = await page_through(app, pilot)
        result["up"] = await page_through(app, pilot, "pageup", PAGES_UP)
        result["jumps"] = await page_through(app, pilot, ("home", "end"), JUMPS, JUMP_PACE)
        return result

async def main():
    out = {"plain": await plain(), "viewer": await viewer(Path(sys.argv[1]))}
    print(json.dumps(out), flush=True)

asyncio.run(main())
"""


def _scroll(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", SCROLL, str(path), str(PAGES), str(PACE), str(PAGES_UP),
                           str(JUMPS), str(JUMP_PACE)],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _time(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def _first_frame(path: Path) -> float:
    done = subprocess.run([sys.executable, "-c", OPEN, str(path), repr(time.time())],
                          check=True, capture_output=True, text=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def _pct(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def _scroll_line(name: str, run: dict, base: dict | None) -> str:
    steps = run["steps"]
    p50, p95, worst = _pct(steps, 0.5), _pct(steps, 0.95), steps[-1]
    ratio = f"{p95 / _pct(base['steps'], 0.95):5.1f}x" if base else "  1.0x"
    return (f"scroll {name:7} key->frame p50 {p50 * 1000:5.0f}  p95 {p95 * 1000:5.0f}  "
            f"max {worst * 1000:5.0f} ms  (p95 {ratio})  longest stall {run['stall'] * 1000:5.0f} ms  "
            f"cpu {run['cpu']:.1f} s")


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
        scroll = _scroll(path)
    floor = statistics.median(floor_times)
    opened = statistics.median(open_times)
    verdict = "ok" if opened < 1.5 else "OVER TARGET"
    viewer, plain = scroll["viewer"], scroll["plain"]
    smooth = all(_pct(run["steps"], 0.95) < STEP_P95_TARGET and run["stall"] < STALL_TARGET
                 for run in (viewer, viewer["up"]))
    return [
        f"session: {size / 1e6:.1f} MB, median of {ROUNDS} rounds",
        f"floor (json.loads every line)        {floor:6.2f} s   1.00x",
        f"viewer: launch to first frame         {opened:6.2f} s   {opened / floor:.2f}x  "
        f"(target < 1.5 s: {verdict})",
        f"scroll: {PAGES} PageDown keys, one every {PACE * 1000:.0f} ms; the viewer mounted "
        f"{viewer['mounted']} events ({viewer['rows']} rows, {viewer['shown']} of "
        f"{viewer['children']} top-level widgets laid out at the end)",
        _scroll_line("plain", plain, None),
        _scroll_line("viewer", viewer, plain),
        f"then {PAGES_UP} PageUp keys back:",
        _scroll_line("plain", plain["up"], None),
        _scroll_line("viewer", viewer["up"], plain["up"]),
        f"then Home and End in turn, {JUMPS} keys:",
        _scroll_line("plain", plain["jumps"], None),
        _scroll_line("viewer", viewer["jumps"], plain["jumps"]),
        f"scroll target, both ways: key->frame p95 < {STEP_P95_TARGET * 1000:.0f} ms and no stall over "
        f"{STALL_TARGET * 1000:.0f} ms: {'ok' if smooth else 'NOT MET'}",
    ]

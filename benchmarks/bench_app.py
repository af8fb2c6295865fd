"""The app's speed, each figure against a baseline measured in the same run.

- start: whole processes in interleaved rounds, each timed from its launch to its painted frame:
  median and best wall time, and the least CPU time (steadiest on a shared machine), bytecode cached
  for both. Baseline: a bare Textual app (Header, Static, Footer) to its first frame. Figures: workbench with the corpus as a scope to its first
  frame (target at most 1.5x, aim 1.2x), and to the frame with every agent listed and one open.
- memory: peak resident set of workbench with the corpus loaded (target at most 150 MB), and of the
  bare app.
- keystroke: in one process, a key typed into a 20 KB agent until its underlines are repainted
  (debounce included), median and p99, against the same key in a plain TextArea until repainted.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 5
KEYS = 40
REPO = Path(__file__).resolve().parents[1]

# Each child prints the time from its launch (argv[-1], wall clock, taken by the parent just before
# it starts the process) to the moment its frame is painted, and its peak RSS, and leaves right
# there: what runs after that frame (the chat pane's mount, Textual's shutdown) is not waited for.
BARE_APP = r"""
import os, resource, sys, time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        os.write(1, f"BENCH {time.time() - float(sys.argv[-1])} {usage.ru_maxrss} "
                    f"{usage.ru_utime + usage.ru_stime}\n".encode())
        os._exit(0)

Bare().run()
"""

# `--exit-after-...` makes the app call `exit` once the frame is painted; that is the moment timed.
WORKBENCH_APP = r"""
import os, resource, sys, time
import workbench.ui.app

def painted(app, *args, **kwargs):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    os.write(1, f"BENCH {time.time() - float(sys.argv[-1])} {usage.ru_maxrss} "
                f"{usage.ru_utime + usage.ru_stime}\n".encode())
    os._exit(0)

workbench.ui.app.WorkbenchApp.exit = painted
from workbench.cli import main
main(sys.argv[1:-1])
"""


def _corpus() -> Path:
    override = os.environ.get("WORKBENCH_CORPUS")
    return Path(override) if override else REPO.parent / "shared" / "corpus"


def _process(code: str, *args: str, env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds from launch to the painted frame, peak RSS in MB, CPU seconds by then) of one
    Python process. CPU time is the steadier figure on a shared machine."""
    done = subprocess.run([sys.executable, "-c", code, *args, repr(time.time())],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                          cwd=env["HOME"], check=False, text=True)
    # Written to fd 1 directly: Textual captures `print` while it runs.
    found = re.search(r"BENCH ([0-9.e-]+) ([0-9]+) ([0-9.e-]+)", done.stdout)
    if found is None:
        return float("nan"), float("nan"), float("nan")
    return float(found.group(1)), float(found.group(2)) / 1024, float(found.group(3))


def _environment(home: Path) -> dict[str, str]:
    """Both apps' environment: bytecode cached, as an installed package has it. With
    PYTHONDONTWRITEBYTECODE set (as in some sandboxes) every launch compiled workbench's modules from
    source (about a tenth of its start) while Textual had its bytecode from the install; the cache
    goes to a folder of its own so the checkout is left as it is."""
    settings = home / "settings.toml"
    settings.write_text("[ui]\ncursor_blink = false\nwatch_files = false\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ANTHROPIC_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "workbench-bench-pycache")
    env.update(HOME=str(home), WORKBENCH_SETTINGS=str(settings),
               WORKBENCH_CONFIG_DIR=str(home / "config"), PYTHONPATH=str(REPO))
    return env


def _start_and_memory(corpus: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        env = _environment(Path(tmp))
        runs: dict[str, list[tuple[float, float, float]]] = {"bare": [], "first": [], "loaded": []}
        commands = {
            "bare": (BARE_APP,),
            "first": (WORKBENCH_APP, str(corpus), "--exit-after-first-frame"),
            "loaded": (WORKBENCH_APP, str(corpus), "--exit-after-load"),
        }
        for code, *args in commands.values():  # warm the bytecode and file caches
            _process(code, *args, env=env)
        for _ in range(ROUNDS):
            for name, (code, *args) in commands.items():
                runs[name].append(_process(code, *args, env=env))
    median = {name: statistics.median(s for s, _, _ in values) for name, values in runs.items()}
    best = {name: min(s for s, _, _ in values) for name, values in runs.items()}
    cpu = {name: min(c for _, _, c in values) for name, values in runs.items()}
    peak = {name: max(m for _, m, _ in values) for name, values in runs.items()}
    bare = median["bare"]
    lines = [f"start: bare Textual app {bare * 1000:.0f} ms median, {best['bare'] * 1000:.0f} ms best, "
             f"{cpu['bare'] * 1000:.0f} ms CPU (baseline, {ROUNDS} rounds)"]
    for name, title in (("first", "first frame, corpus as a scope"),
                        ("loaded", "every agent listed and one open")):
        target = "  (target <= 1.5x, aim 1.2x)" if name == "first" else ""
        lines.append(
            f"start: {title} {median[name] * 1000:.0f} ms = {median[name] / bare:.2f}x median, "
            f"{best[name] / best['bare']:.2f}x best, {cpu[name] / cpu['bare']:.2f}x CPU{target}")
    lines.append(f"memory: corpus loaded {peak['loaded']:.0f} MB peak RSS = "
                 f"{peak['loaded'] / peak['bare']:.2f}x the bare app's {peak['bare']:.0f} MB  "
                 "(target <= 150 MB)")
    return lines


def _twenty_kb_agent() -> str:
    paragraph = ("You review pull requests for correctness, security and style. Read every changed "
                 "file, run the tests with Bash, and report each finding with its file and line.\n\n")
    body = "".join(f"## Step {i}\n\n{paragraph}" for i in range(200))
    text = ("---\nname: big-reviewer\ndescription: Use this agent when a large change needs a "
            "review.\ntools: Read, Grep, LS, MultiEdit\nmodel: sonnet\ncolor: Blue\n---\n\n" + body)
    return text[:20_000]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def _keystrokes() -> tuple[list[float], list[float]]:
    from textual.app import App
    from textual.widgets import TextArea

    from workbench.agents.catalog import Scope, ScopeKind
    from workbench.ui.app import WorkbenchApp

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "agents"
        folder.mkdir()
        path = folder / "big-reviewer.md"
        path.write_text(_twenty_kb_agent(), encoding="utf-8")
        settings = Path(tmp) / "settings.toml"
        settings.write_text("[ui]\ncursor_blink = false\nwatch_files = false\n", encoding="utf-8")
        os.environ["WORKBENCH_SETTINGS"] = str(settings)

        ours: list[float] = []
        app = WorkbenchApp([Scope(ScopeKind.PROJECT, folder)], open_path=path)
        async with app.run_test(size=(160, 48)) as pilot:
            screen = app.main_screen
            while screen.painted_text is None:
                await asyncio.sleep(0.01)
            screen.editor.focus()
            screen.editor.move_cursor_to_offset(screen.editor.text.index("MultiEdit") + 9)
            for i in range(KEYS):
                started = time.perf_counter()
                await pilot.press("x" if i % 2 == 0 else "backspace")
                while screen.painted_text != screen.editor.text:
                    await asyncio.sleep(0.001)
                await pilot.pause()
                ours.append(time.perf_counter() - started)

        plain: list[float] = []

        class Plain(App):
            def compose(self):
                yield TextArea(path.read_text(encoding="utf-8"), language="markdown")

        plain_app = Plain()
        async with plain_app.run_test(size=(160, 48)) as pilot:
            plain_app.query_one(TextArea).focus()
            for i in range(KEYS):
                started = time.perf_counter()
                await pilot.press("x" if i % 2 == 0 else "backspace")
                await pilot.pause()
                plain.append(time.perf_counter() - started)
    return ours, plain


def _keystroke_lines() -> list[str]:
    ours, plain = asyncio.run(_keystrokes())
    median, p99 = statistics.median(ours), _percentile(ours, 0.99)
    plain_median, plain_p99 = statistics.median(plain), _percentile(plain, 0.99)
    return [
        f"keystroke: plain TextArea repaint median {plain_median * 1000:.0f} ms, "
        f"p99 {plain_p99 * 1000:.0f} ms (baseline, {KEYS} keys)",
        f"keystroke: 20 KB agent to updated underlines median {median * 1000:.0f} ms = "
        f"{median / plain_median:.2f}x, p99 {p99 * 1000:.0f} ms = {p99 / plain_p99:.2f}x "
        "(includes the 50 ms debounce; target: fresh within 150 ms)",
    ]


def run() -> list[str]:
    """Start, memory and keystroke figures, each with its baseline."""
    corpus = _corpus()
    if not corpus.is_dir():
        return [f"app: corpus not found at {corpus} (set WORKBENCH_CORPUS)"]
    return _start_and_memory(corpus) + _keystroke_lines()

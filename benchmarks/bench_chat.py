"""The chat pane under load, each figure against a baseline measured in the same run.

1. Streaming: 100,000 tokens of Markdown, with tool calls between the paragraphs, through the whole
   pane (worker, coalesced messages, conversation view, tool blocks) against appending the same text
   to a bare `Markdown` widget's stream. Target: at most 1.3x.
2. Key-to-screen latency while a long reply keeps streaming: `PREFILL_TOKENS` arrive at once, then
   the stream is paced for `TYPING_SECONDS` at a model's pace (100 tokens/s) and at ten times that,
   while a key is typed every 20 ms; the time from a key event to the first frame painted after the
   input shows it. Target: p99 under 50 ms; the ratio is against the same keys on an idle pane.
3. Scrolling a run of 500 tool calls: time from a scroll step to its frame, against a plain list of
   the same text in `Static`s.

`BENCH_CHAT_TOKENS` sets the streamed text (default 30,000 tokens, a few minutes in all; the issue's
100,000 take about ten minutes, mostly the bare baseline).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import workbench.ui  # noqa: E402, F401  (before Textual: it sets the frame rate the app runs at)
from textual.app import App  # noqa: E402
from textual.containers import VerticalScroll  # noqa: E402
from textual.events import Key  # noqa: E402
from textual.widgets import Input, Markdown, Static  # noqa: E402

from workbench.transcripts.events import (  # noqa: E402
    AgentSnapshot,
    RunEnded,
    RunStarted,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UsageTotals,
)
from workbench.ui.chat.conversation import ConversationView  # noqa: E402
from workbench.ui.chat.pane import ChatPane  # noqa: E402
from workbench.ui.chat.palette import TOOL_PALETTE_DEFAULTS  # noqa: E402

TOKENS = int(os.environ.get("BENCH_CHAT_TOKENS", "30000"))
CHARS_PER_TOKEN = 4
# Text deltas of the Messages API carry a few tokens each.
TOKENS_PER_DELTA = 8
DELTAS_PER_CALL = 250
# Stream rates while keys are typed: a model's pace, and ten times it so the pane is busy.
TYPING_RATES = (100, 1000)
# Text already on screen when typing starts, and how long keys are typed while more streams.
PREFILL_TOKENS = 20000
TYPING_SECONDS = 10
SIZE = (100, 40)
AGENT = "---\nname: bench\ndescription: Benchmarks the pane.\n---\n\nYou write long answers.\n"
WORDS = ("the agent reads **files** and `code` then writes a plan for each step of the work "
         "so that every change is small tested and explained").split()


def markdown_deltas(tokens: int) -> list[str]:
    """Markdown text in API-sized deltas: paragraphs, headings, lists and code fences."""
    rnd = random.Random(5)
    deltas: list[str] = []
    chars = 0
    n = 0
    while chars < tokens * CHARS_PER_TOKEN:
        k = n % 60
        if k == 0:
            piece = f"\n\n## Step {n // 60 + 1}\n\n"
        elif k == 20:
            piece = "\n\n- check the input\n- run `pytest -q`\n- write it down\n\n"
        elif k == 40:
            piece = "\n\n```python\ndef double(x):\n    return x * 2\n```\n\n"
        else:
            piece = " ".join(rnd.choice(WORDS) for _ in range(6)) + (".\n\n" if k % 10 == 9 else " ")
        deltas.append(piece)
        chars += len(piece)
        n += 1
    return deltas


def run_events(deltas: list[str]) -> list:
    """A run whose text is `deltas`, with a finished tool call every `DELTAS_PER_CALL` deltas."""
    events: list = [RunStarted(run_id="b", session_id="b", agent=AgentSnapshot("bench", None, AGENT),
                               system_prompt="", model="claude-sonnet-4-5", tools=("Read", "Bash"))]
    for index, delta in enumerate(deltas):
        if index and index % DELTAS_PER_CALL == 0:
            events += tool_pair(index)
        events.append(TextDelta(text=delta))
    events += [TurnEnded(stop_reason="end_turn", turn=1),
               RunEnded(status="completed", turns=1, usage=UsageTotals(10, TOKENS), cost_usd=0.0,
                        duration_ms=0.0, tool_calls=len(deltas) // DELTAS_PER_CALL)]
    return events


def tool_pair(index: int) -> list:
    """One finished call, alternating read, command and edit."""
    call_id = f"call_{index}"
    kind = index // DELTAS_PER_CALL % 3
    if kind == 0:
        name, tool_input = "Read", {"file_path": f"/work/project/src/module_{index}.py"}
        output = "\n".join(f"{n:6}→line {n} of the file" for n in range(1, 41))
    elif kind == 1:
        name, tool_input = "Bash", {"command": f"python -m pytest -q tests/test_{index}.py"}
        output = "\n".join(f"test_{n} PASSED" for n in range(30))
    else:
        name = "Edit"
        tool_input = {"file_path": f"/work/project/src/module_{index}.py",
                      "old_string": "return x * 2\n", "new_string": "return x * 3\n"}
        output = "The file has been updated."
    return [ToolCallStarted(call_id=call_id, name=name, input=tool_input),
            ToolCallFinished(call_id=call_id, name=name, status="done", content=output, duration_ms=12)]


class ReplaySession:
    """Gives a run's events as a live session would: as fast as the pane takes them, or paced at
    `tokens_per_second` of text (the API streams tens of tokens a second per run) from the
    `paced_from`th event on; there it sets `pacing` and waits for `resume`, so the paced part
    starts once the pane has shown everything before it."""

    def __init__(self, events: list, tokens_per_second: float | None = None, paced_from: int = 0) -> None:
        self.events = events
        self.pause = TOKENS_PER_DELTA / tokens_per_second if tokens_per_second else 0.0
        self.paced_from = paced_from
        self.pacing = asyncio.Event()
        self.resume = asyncio.Event()

    async def send(self, text: str):
        loop = asyncio.get_running_loop()
        due = loop.time()
        for index, event in enumerate(self.events):
            if index == self.paced_from:
                self.pacing.set()
                await self.resume.wait()
                due = loop.time()
            if self.pause and index >= self.paced_from and isinstance(event, TextDelta):
                due += self.pause
                await asyncio.sleep(max(0.0, due - loop.time()))
            else:
                await asyncio.sleep(0)
            yield event

    def cancel(self) -> None:
        """Nothing to stop: the replay ends by itself."""


class FrameClock(App):
    """An app that notes when each frame is painted, so latencies end at the screen."""

    def __init__(self, *widgets) -> None:
        super().__init__()
        self._widgets = widgets
        self.frame = asyncio.Event()
        self.frames = 0

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(TOOL_PALETTE_DEFAULTS)

    def compose(self):
        yield from self._widgets

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            self.frames += 1
            self.frame.set()

    async def next_frame(self) -> None:
        """Wait for the next painted frame."""
        self.frame.clear()
        await self.frame.wait()


async def stream_bare(deltas: list[str]) -> float:
    """CPU seconds to append every delta to one Markdown's stream, until the screen shows it all."""
    scroll = VerticalScroll(Markdown())
    app = FrameClock(scroll)
    async with app.run_test(size=SIZE) as pilot:
        scroll.anchor()
        markdown = app.query_one(Markdown)
        started = time.process_time()
        stream = Markdown.get_stream(markdown)
        for delta in deltas:
            await asyncio.sleep(0)
            await stream.write(delta)
        await stream.stop()
        await pilot.pause()
        return time.process_time() - started


async def stream_pane(events: list, keys: bool, tokens_per_second: float | None = None,
                      paced_from: int = 0) -> tuple[float, list[float]]:
    """CPU seconds to stream the run through a ChatPane; with `keys`, key-to-frame latencies (ms)
    of keys typed once the paced part of the stream has begun."""
    session = ReplaySession(events, tokens_per_second, paced_from)
    if not keys:
        session.resume.set()
    pane = ChatPane(agent_source=lambda: (AGENT, None), session_factory=lambda text, path, ask: session)
    app = FrameClock(pane)
    latencies: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        field = pane.query_one("#chat-input", Input)
        started = time.process_time()
        run = await pane.start_run("write a long answer")
        field.focus()
        typist = None
        if keys:
            await session.pacing.wait()
            # Keys are typed once the prefill is on screen, not while its backlog renders.
            while run.pending:
                await asyncio.sleep(0.005)
            await pilot.pause()
            session.resume.set()
            typist = asyncio.create_task(type_keys(app, field, latencies, lambda: run.active))
        while run.active or run.pending:
            await asyncio.sleep(0.005)
        elapsed = time.process_time() - started
        if typist is not None:
            await typist
        await pilot.pause()
        return elapsed, latencies


async def type_keys(app: FrameClock, field: Input, latencies: list[float], going, limit: int = 400) -> None:
    """Type into the input every 20 ms while `going()`; note key-to-frame times."""
    while going() and len(latencies) < limit:
        before = field.value
        started = time.perf_counter()
        app.post_message(Key("x", "x"))
        while field.value == before:
            await asyncio.sleep(0)
        await app.next_frame()
        latencies.append((time.perf_counter() - started) * 1000)
        if len(field.value) > 50:
            field.value = ""
        await asyncio.sleep(0.02)


async def idle_latencies(count: int = 100) -> list[float]:
    """Key-to-frame times on a pane with nothing running."""
    pane = ChatPane(agent_source=lambda: (AGENT, None), session_factory=lambda *a: ReplaySession([]))
    app = FrameClock(pane)
    latencies: list[float] = []
    async with app.run_test(size=SIZE):
        field = pane.query_one("#chat-input", Input)
        field.focus()
        await type_keys(app, field, latencies, lambda: True, limit=count)
    return latencies


async def scroll_frames(widget_factory, steps: int = 80) -> list[float]:
    """Milliseconds from each scroll step to its frame, down a long view."""
    view = await widget_factory()
    app = FrameClock(view)
    times: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        if isinstance(view, ConversationView):
            await view.add_events(calls_run(500))
        await pilot.pause()
        view.scroll_home(animate=False)
        await pilot.pause()
        step = max(1, int(view.max_scroll_y // steps))
        for _ in range(steps):
            started = time.perf_counter()
            view.scroll_relative(y=step, animate=False)
            await app.next_frame()
            times.append((time.perf_counter() - started) * 1000)
    return times


def calls_run(count: int) -> list:
    """A run of `count` finished tool calls."""
    events: list = []
    for index in range(count):
        events += tool_pair(index * DELTAS_PER_CALL)
    return events


async def _conversation() -> ConversationView:
    return ConversationView()


async def _plain_list() -> VerticalScroll:
    statics = []
    for index in range(500):
        pair = tool_pair(index * DELTAS_PER_CALL)
        preview = "\n".join(pair[1].content.splitlines()[:5])
        statics.append(Static(f"✔ {pair[0].name} {list(pair[0].input.values())[0]}\n{preview}"))
    return VerticalScroll(*statics)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _main() -> list[str]:
    deltas = markdown_deltas(TOKENS)
    events = run_events(deltas)
    label = f"{TOKENS:,} tokens in {len(deltas):,} deltas, {len(deltas) // DELTAS_PER_CALL} tool calls"
    lines: list[str] = []
    # Warm up both paths once so neither pays first-use costs (imports, lexers, CSS) in its figure.
    warm = markdown_deltas(2000)
    await stream_bare(warm)
    await stream_pane(run_events(warm), keys=False)
    # The idle baseline before the long streams: after them, a full collection of what they left
    # (the collector is held while runs stream) can land in it.
    idle = await idle_latencies()
    bare = await stream_bare(deltas)
    pane, _ = await stream_pane(events, keys=False)
    # CPU seconds, not wall time: the cores are shared, and CPU time is the work each side did.
    lines.append(f"stream {label}: pane {pane:.2f} CPU s vs bare Markdown stream {bare:.2f} CPU s = "
                 f"{pane / bare:.2f}x (target <= 1.3x)")
    prefill = markdown_deltas(PREFILL_TOKENS)
    for rate in TYPING_RATES:
        more = markdown_deltas(rate * TYPING_SECONDS)
        typed = run_events(prefill + more)
        # The paced part starts at the first delta after the prefill's (tool calls sit between them).
        texts = [i for i, e in enumerate(typed) if isinstance(e, TextDelta)]
        paced_from = texts[len(prefill)]
        _, busy = await stream_pane(typed, keys=True, tokens_per_second=rate, paced_from=paced_from)
        load = os.getloadavg()[0]
        lines.append(f"key-to-screen while streaming {rate:,} tokens/s after {PREFILL_TOKENS:,} tokens "
                     f"(load average {load:.1f} on {os.cpu_count()} cores): p50 {_p(busy, 0.5):.1f} ms, "
                     f"p99 {_p(busy, 0.99):.1f} ms (target < 50 ms; {len(busy)} keys) vs idle p99 "
                     f"{_p(idle, 0.99):.1f} ms = {_p(busy, 0.99) / _p(idle, 0.99):.2f}x")
    tools = await scroll_frames(_conversation)
    plain = await scroll_frames(_plain_list)
    lines.append(f"scroll 500 tool calls: frame p50 {_p(tools, 0.5):.1f} ms, p95 {_p(tools, 0.95):.1f} ms, "
                 f"max {max(tools):.1f} ms vs 500 plain Statics p95 {_p(plain, 0.95):.1f} ms = "
                 f"{_p(tools, 0.95) / _p(plain, 0.95):.2f}x")
    return lines


def run() -> list[str]:
    """The figures, one line each."""
    return asyncio.run(_main())


if __name__ == "__main__":
    print("\n".join(run()))

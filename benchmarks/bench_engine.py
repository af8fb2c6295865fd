"""Engine overhead: a 50-step tool loop through `Session` against the bare SDK streaming the same responses.

Both sides talk to the same local scripted server (tests/fake_api.py, real SSE over HTTP) and get
the same 51 responses: 50 with a few text deltas and one ToolSearch call (a trivial tool, so tool work
does not hide the loop's own cost), then a final text. The baseline is the recommended bare loop:
`messages.stream`, iterate the events, `get_final_message`, append the turn and a tool result. The
session adds events, validation, the permission check, the tool call, usage and cost, and the
transcript written line by line. Target: at most 1.3x.

Second figure, parallel tool calls: one response asks for 6 Agent calls (6 nested runs, each a
streamed reply paced at 40 ms a frame, as a model's tokens arrive); the same session is run with the
calls one after the other (`max_parallel_tools = 1`, the baseline) and with the default (10 at once).
Run together, the 6 nested runs should take about as long as one.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_api import FakeMessagesAPI, Reply, end, start, text, text_reply, tool_input  # noqa: E402

from workbench.runtime.provider import Provider, RetryPolicy  # noqa: E402
from workbench.runtime.session import Session  # noqa: E402
from workbench.runtime.tools import REGISTRY, ToolContext  # noqa: E402
from workbench.settings import Settings  # noqa: E402

STEPS = 50
ROUNDS = 5
PARALLEL_AGENTS = 6
PARALLEL_ROUNDS = 3
FRAME_DELAY_S = 0.04
LEAD = "---\nname: lead\ndescription: Delegates checks.\ntools: Agent\n---\nYou delegate each check.\n"
CHECKER = "---\nname: checker\ndescription: Checks one part.\ntools: Read\n---\nYou check one part.\n"
AGENT = "---\nname: bench\ndescription: Benchmark agent.\ntools: ToolSearch\n---\nYou look for tools.\n"
SEARCH = {"query": "select:Nothing"}


def script() -> list[Reply]:
    """The 51 responses of one run."""
    replies = [
        Reply.sse([start(f"m{i}"), *text(0, "Working", " on", " step", f" {i}", "."),
                   *tool_input(1, f"t{i}", "ToolSearch", SEARCH), *end("tool_use")])
        for i in range(STEPS)
    ]
    return [*replies, text_reply("final", "All", " done.")]


async def bare_sdk(url: str, system: str, tools: list[dict], sampling: dict, workspace: Path) -> None:
    """The baseline: the bare streaming loop calling the same tool directly (same request bodies)."""
    import anthropic

    tool = REGISTRY["ToolSearch"]
    ctx = ToolContext(cwd=workspace, roots=(workspace,))

    client = anthropic.AsyncAnthropic(api_key="bench", base_url=url, max_retries=0)
    history: list[dict] = [{"role": "user", "content": [{"type": "text", "text": "go"}]}]
    while True:
        async with client.messages.stream(
            **sampling, tools=tools, messages=_cached(history),
            system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
        ) as stream:
            async for _event in stream:
                pass
            message = await stream.get_final_message()
        history.append({"role": "assistant", "content": message.model_dump(mode="json", exclude_none=True)["content"]})
        if message.stop_reason != "tool_use":
            break
        results = []
        for block in message.content:
            if block.type == "tool_use":
                result = await tool.run(block.input, ctx)
                results.append({"type": "tool_result", "tool_use_id": block.id, "content": result.content,
                                **({"is_error": True} if result.is_error else {})})
        history.append({"role": "user", "content": results})
    await client.close()


def _cached(history: list[dict]) -> list[dict]:
    """The history with a cache breakpoint on its last block, as any caching loop sends it."""
    last = history[-1]
    blocks = [*last["content"][:-1], {**last["content"][-1], "cache_control": {"type": "ephemeral"}}]
    return [*history[:-1], {**last, "content": blocks}]


async def session_run(url: str, workspace: Path, transcript: Path) -> Session:
    """The engine: a Session running the same script, transcript included."""
    session = Session(AGENT, cwd=workspace, settings=Settings(), transcript_path=transcript,
                      provider=Provider(retry=RetryPolicy(), base_url=url), include_claude_md=False)
    async for _event in session.send("go"):
        pass
    await session.aclose()
    return session


def parallel_script() -> list[Reply]:
    """One response with the Agent calls, a paced reply for each nested run, the final text."""
    calls = [line for i in range(PARALLEL_AGENTS) for line in tool_input(
        i, f"a{i}", "Agent", {"description": f"check {i}", "prompt": f"Check part {i}.",
                              "subagent_type": "checker"})]
    nested = [Reply.sse([start(f"c{i}"), *text(0, "Part", " checked", ":", " nothing", " to", " fix."),
                         *end("end_turn")], delay=FRAME_DELAY_S) for i in range(PARALLEL_AGENTS)]
    return [Reply.sse([start("p1"), *calls, *end("tool_use")]), *nested, text_reply("p2", "All checked.")]


async def parallel_run(url: str, workspace: Path, checker: Path, max_parallel: int) -> None:
    session = Session(LEAD, cwd=workspace, settings=Settings(), record=False, catalog={"checker": checker},
                      provider=Provider(retry=RetryPolicy(), base_url=url), include_claude_md=False)
    session.max_parallel_tools = max_parallel
    ended = None
    async for event in session.send("check every part"):
        ended = event
    await session.aclose()
    assert ended.status == "completed" and ended.tool_calls == PARALLEL_AGENTS, ended
    assert not any(r.get("is_error") for r in session.history[2]["content"]), session.history[2]


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run() -> list[str]:
    """Interleaved rounds of both sides; the best of each and their ratio (the best time is the one
    least disturbed by other work on a shared machine)."""
    import os

    os.environ.setdefault("ANTHROPIC_API_KEY", "bench")  # never sent anywhere but the local server
    base: list[float] = []
    engine: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        probe = Session(AGENT, cwd=workspace, settings=Settings(), include_claude_md=False, record=False)
        system, tools = probe.system_prompt, probe._tool_defs
        # The same sampling settings as the session sends (model, max_tokens, thinking, effort).
        sampling = {"model": probe.model, "max_tokens": probe.max_tokens,
                    "thinking": {"type": "adaptive", "display": "summarized"},
                    "output_config": {"effort": probe.effort}}
        for round_no in range(ROUNDS + 1):
            with FakeMessagesAPI(script()) as fake:
                t_base = _timed(lambda: asyncio.run(bare_sdk(fake.url, system, tools, sampling, workspace)))
                base_last = fake.bodies()[-1]
            with FakeMessagesAPI(script()) as fake:
                transcript = workspace / f"t{round_no}.jsonl"
                t_engine = _timed(lambda: asyncio.run(session_run(fake.url, workspace, transcript)))
                assert len(fake.requests) == STEPS + 1
                sizes = {len(json.dumps(body)) for body in (base_last, fake.bodies()[-1])}
                assert len(sizes) == 1, "both sides must send the same requests"
            if round_no:  # the first round warms imports and caches
                base.append(t_base)
                engine.append(t_engine)
        lines = sum(1 for _ in transcript.open())
        serial: list[float] = []
        parallel: list[float] = []
        checker = workspace / "checker.md"
        checker.write_text(CHECKER)
        for _ in range(PARALLEL_ROUNDS):
            for limit, times in ((1, serial), (10, parallel)):
                with FakeMessagesAPI(parallel_script()) as fake:
                    times.append(_timed(lambda: asyncio.run(parallel_run(fake.url, workspace, checker, limit))))
                    assert len(fake.requests) == PARALLEL_AGENTS + 2
    b, e = min(base), min(engine)
    s, p = min(serial), min(parallel)
    return [
        f"bare SDK, {STEPS}-step tool loop:  {b * 1000:8.1f} ms (best of {ROUNDS})",
        f"Session, same loop:            {e * 1000:8.1f} ms ({lines} transcript lines)",
        f"engine overhead: {e / b:.2f}x the bare SDK (target <= 1.3x)",
        f"{PARALLEL_AGENTS} Agent calls in one response, one at a time: {s * 1000:8.1f} ms "
        f"(best of {PARALLEL_ROUNDS})",
        f"the same, run together:                    {p * 1000:8.1f} ms",
        f"parallel tool calls: {s / p:.2f}x faster than one at a time (ideal {PARALLEL_AGENTS}x)",
        json.dumps({"bench": "engine", "ratio": round(e / b, 3), "parallel_speedup": round(s / p, 2)}),
    ]

"""The Claude Code engine's speed: time to the first streamed character, and overhead per token.

Both engines talk to the same local scripted server (tests/fake_api.py, real SSE over HTTP), in a
fresh HOME and a fresh git project (nothing is written to the real ~/.claude).

1. Enter to first character: from `send()` to the first `TextDelta`, for the built-in engine (the
   baseline: one HTTP request) and for Claude Code on a fresh session (the CLI process starts: that
   is its cost) and on a follow-up in the same session (the process is already running: it must
   not pay the start again).
2. Overhead per streamed token: a follow-up whose reply streams TOKENS text deltas, through
   `ClaudeCodeSession` (events mapped) against the bare SDK (`ClaudeSDKClient.receive_response`
   with partial messages, nothing mapped) on an already started CLI. The difference per token is
   the engine's own cost; the CLI's is in both.

Skipped (one line) when `claude-agent-sdk` is not installed.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_api import FakeMessagesAPI, Reply, end, start, text, text_reply  # noqa: E402

ROUNDS = 3
TOKENS = 2000
AGENT = "---\nname: bench\ndescription: Benchmark agent.\ntools: Read\n---\nYou answer briefly.\n"


def _title_route(fake: FakeMessagesAPI) -> None:
    def side(body: dict) -> bool:
        system = body.get("system") or []
        joined = " ".join(b.get("text", "") for b in system if isinstance(b, dict)) if isinstance(system, list) \
            else str(system)
        return not body.get("tools") and "naming a coding session" in joined

    fake.route(side, lambda: text_reply("title", '{"title": "Bench"}'))


def _long_reply(msg_id: str) -> Reply:
    return Reply.sse([start(msg_id), *text(0, *(f"t{i} " for i in range(TOKENS))), *end("end_turn", TOKENS)])


async def _first_char(session, task: str) -> float:
    started = time.perf_counter()
    first = None
    async for event in session.send(task):
        if first is None and event.kind == "text_delta":
            first = time.perf_counter() - started
    return first if first is not None else float("nan")


async def _timed_run(session, task: str) -> float:
    started = time.perf_counter()
    async for _event in session.send(task):
        pass
    return time.perf_counter() - started


async def _bare_sdk_follow_up(project: Path, fake: FakeMessagesAPI) -> float:
    """The baseline of figure 2: the bare SDK on a started CLI, streaming the same long reply."""
    import claude_agent_sdk as sdk

    from workbench.runtime.claude_code import bundled_cli

    options = sdk.ClaudeAgentOptions(cwd=str(project), include_partial_messages=True,
                                     cli_path=str(bundled_cli()[0]))
    async with sdk.ClaudeSDKClient(options) as client:
        fake.add(text_reply("warm", "ok"))
        await client.query("warm up")
        async for _message in client.receive_response():
            pass
        fake.add(_long_reply("long"))
        started = time.perf_counter()
        await client.query("stream a lot")
        async for _message in client.receive_response():
            pass
        return time.perf_counter() - started


async def _measure() -> list[str]:
    from workbench.runtime.claude_code import ClaudeCodeSession
    from workbench.runtime.provider import Provider, RetryPolicy
    from workbench.runtime.session import Session
    from workbench.settings import Settings

    builtin, cold, warm, engine_long, bare_long = [], [], [], [], []
    for _ in range(ROUNDS):
        with FakeMessagesAPI() as fake, tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            project.mkdir()
            subprocess.run(["git", "init", "-q", str(project)], check=True)
            os.environ.update(HOME=tmp, ANTHROPIC_BASE_URL=fake.url, ANTHROPIC_API_KEY="bench",
                              CLAUDE_CODE_MAX_RETRIES="1")
            _title_route(fake)

            fake.add(text_reply("b1", "Hello", " there."))
            session = Session(AGENT, cwd=project, settings=Settings(), record=False, include_claude_md=False,
                              provider=Provider(retry=RetryPolicy(), base_url=fake.url))
            builtin.append(await _first_char(session, "hi"))
            await session.aclose()

            claude = ClaudeCodeSession(AGENT, cwd=project, mode="main")
            fake.add(text_reply("c1", "Hello", " there."))
            cold.append(await _first_char(claude, "hi"))
            fake.add(text_reply("c2", "Again", "."))
            warm.append(await _first_char(claude, "and again"))
            fake.add(_long_reply("c3"))
            engine_long.append(await _timed_run(claude, "stream a lot"))
            await claude.aclose()

            bare_long.append(await _bare_sdk_follow_up(project, fake))

    base = statistics.median(builtin)
    per_token_us = (statistics.median(engine_long) - statistics.median(bare_long)) / TOKENS * 1e6
    return [
        f"Enter to first character, built-in engine (baseline): {base * 1000:.0f} ms",
        f"  Claude Code, fresh session (CLI start): {statistics.median(cold) * 1000:.0f} ms "
        f"= {statistics.median(cold) / base:.1f}x",
        f"  Claude Code, follow-up (CLI running):   {statistics.median(warm) * 1000:.0f} ms "
        f"= {statistics.median(warm) / base:.1f}x",
        f"{TOKENS} streamed tokens on a running CLI: bare SDK {statistics.median(bare_long) * 1000:.0f} ms "
        f"(baseline), engine {statistics.median(engine_long) * 1000:.0f} ms "
        f"= {statistics.median(engine_long) / statistics.median(bare_long):.2f}x; "
        f"engine overhead {per_token_us:.1f} µs per token",
    ]


def run() -> list[str]:
    try:
        import claude_agent_sdk  # noqa: F401
    except ImportError:
        return ["skipped: claude-agent-sdk is not installed (pip install 'workbench[claude-code]')"]
    saved = dict(os.environ)
    try:
        return asyncio.run(_measure())
    finally:
        os.environ.clear()
        os.environ.update(saved)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print("\n".join(run()))

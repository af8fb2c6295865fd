"""Cancelling a run: mid-stream and mid-tool, the run ends `cancelled` and leaves a valid history."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time

from fake_api import Reply, end, start, text, text_reply, tool_input

from .conftest import of_kind


async def test_cancel_mid_stream_ends_the_run_cancelled_and_keeps_the_transcript(fake_api, make_session, tmp_path):
    hold = threading.Event()
    fake_api.add(Reply.sse([start("m1"), *text(0, "Thinking about it")], hold=hold))
    session = make_session()
    events = []
    try:
        async for event in session.send("go"):
            events.append(event)
            if event.kind == "text_delta":
                session.cancel()
    finally:
        hold.set()
        await session.aclose()

    assert events[-1].kind == "run_ended" and events[-1].status == "cancelled"
    # Only the task (after the framing's reminders) is kept: no half response.
    assert len(session.history) == 1 and session.history[0]["content"][-1] == {"type": "text", "text": "go"}
    lines = [json.loads(line) for line in (tmp_path / "transcript.jsonl").read_text().splitlines()]
    assert lines[-1]["subtype"] == "run_ended" and lines[-1]["event"]["status"] == "cancelled"


async def test_after_a_cancelled_response_the_next_message_continues_cleanly(fake_api, make_session):
    hold = threading.Event()
    fake_api.add(Reply.sse([start("m1"), *text(0, "partial")], hold=hold))
    session = make_session()
    async for event in session.send("first"):
        if event.kind == "text_delta":
            session.cancel()
    hold.set()
    fake_api.add(text_reply("m2", "ok"))
    [e async for e in session.send("second")]
    await session.aclose()

    messages = fake_api.bodies()[1]["messages"]
    assert [m["role"] for m in messages] == ["user"]
    typed = [b["text"] for b in messages[0]["content"] if not b["text"].startswith("<system-reminder>")]
    assert typed == ["first", "second"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_cancel_mid_tool_kills_the_process_and_answers_every_call(fake_api, make_session, workspace):
    fake_api.add(Reply.sse([start("m1"),
                            *tool_input(0, "t1", "Bash", {"command": "echo $$ > pid.txt; exec sleep 30"}),
                            *tool_input(1, "t2", "Read", {"file_path": "pid.txt"}), *end("tool_use")]))
    session = make_session(permission_mode="bypassPermissions")
    events = []
    pid_file = workspace / "pid.txt"
    async for event in session.send("go"):
        events.append(event)
        if event.kind == "tool_call_started" and event.name == "Bash":
            async def cancel_when_running():
                while not pid_file.exists() or not pid_file.read_text().strip():
                    await asyncio.sleep(0.02)
                session.cancel()
            asyncio.get_running_loop().create_task(cancel_when_running())
    await session.aclose()

    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not _alive(pid)
    assert events[-1].status == "cancelled"
    assert of_kind(events, "tool_call_finished")[0].status == "cancelled"
    results = session.history[-1]["content"]
    assert [r["tool_use_id"] for r in results] == ["t1", "t2"]
    assert all(r.get("is_error") and r["content"] == "Cancelled by the user." for r in results)

"""The transcript writer: Claude Code-shaped conversation lines plus workbench's own entries."""

from __future__ import annotations

import json

from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    RunStarted,
    TextDelta,
    ToolCallFinished,
    UserMessage,
)
from workbench.transcripts.writer import TranscriptWriter


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_entry_is_on_disk_as_soon_as_it_is_written(tmp_path):
    path = tmp_path / "deep" / "run.jsonl"
    writer = TranscriptWriter(path, "sess-1")
    writer.write(RunStarted(run_id="r", session_id="sess-1", agent=AgentSnapshot("a", None, "text"),
                            system_prompt="sys", model="m", tools=("Read",), cwd="/w", timestamp=1.0))
    # Not closed yet: the line must already be readable (a killed run keeps what it wrote).
    line = _lines(path)[0]
    assert line["type"] == "workbench" and line["subtype"] == "run_started"
    assert line["event"]["system_prompt"] == "sys" and line["sessionId"] == "sess-1"
    assert line["parentUuid"] is None and line["timestamp"].startswith("1970-01-01T00:00:01")
    writer.close()


def test_conversation_lines_thread_and_carry_tool_use_results(tmp_path):
    path = tmp_path / "run.jsonl"
    writer = TranscriptWriter(path, "s")
    writer.write(UserMessage(message={"role": "user", "content": [{"type": "text", "text": "hi"}]}))
    writer.write(TextDelta(text="ignored"))
    writer.write(AssistantMessage(message={"id": "m1", "role": "assistant", "content": [
        {"type": "tool_use", "id": "t1", "name": "Read", "input": {}},
        {"type": "tool_use", "id": "t2", "name": "Read", "input": {}}], "stop_reason": "tool_use"}))
    writer.write(ToolCallFinished(call_id="t1", name="Read", status="done", content="x",
                                  detail={"type": "text", "file": {"filePath": "a"}}))
    writer.write(ToolCallFinished(call_id="t2", name="Read", status="failed", content="y", is_error=True))
    writer.write(UserMessage(message={"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1", "content": "x"},
        {"type": "tool_result", "tool_use_id": "t2", "content": "y", "is_error": True}]}))
    writer.close()

    user, assistant, fin1, fin2, result1, result2 = _lines(path)
    assert (user["type"], assistant["type"]) == ("user", "assistant")
    assert assistant["parentUuid"] == user["uuid"] and assistant["message"]["id"] == "m1"
    assert fin1["subtype"] == "tool_call_finished"
    # Parallel results: one line each, both answering the same line, as Claude Code writes them.
    assert result1["parentUuid"] == result2["parentUuid"] == fin2["uuid"]
    assert result1["toolUseResult"] == {"type": "text", "file": {"filePath": "a"}}
    assert "toolUseResult" not in result2
    assert result2["message"]["content"][0]["tool_use_id"] == "t2"
    assert all(line["isSidechain"] is False for line in _lines(path))


def test_an_assistant_line_keeps_the_request_id_it_is_given(tmp_path):
    path = tmp_path / "run.jsonl"
    writer = TranscriptWriter(path, "s")
    message = {"id": "m1", "role": "assistant", "content": [{"type": "text", "text": "hi"}]}
    writer.write(AssistantMessage(message=message, request_id="req_011CAbc"))
    writer.write(AssistantMessage(message={**message, "id": "m2"}))
    writer.close()

    first, second = _lines(path)
    assert first["requestId"] == "req_011CAbc" and first["message"]["id"] == "m1"
    assert "requestId" not in second  # not known: left out, as readers expect

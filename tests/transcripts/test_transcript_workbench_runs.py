"""A run written by the real TranscriptWriter reads back with its events, calls and nested run."""

from workbench.transcripts.events import (
    AgentSnapshot,
    AssistantMessage,
    PermissionDecided,
    RunEnded,
    RunStarted,
    ToolCallFinished,
    UsageTotals,
    UserMessage,
)
from workbench.transcripts.export import to_markdown
from workbench.transcripts.reader import read_transcript
from workbench.transcripts.stats import compute_stats
from workbench.transcripts.text import render_text
from workbench.transcripts.writer import TranscriptWriter

MODEL = "claude-haiku-4-5"


def _response(msg_id, blocks, inp, out, depth=0, parent=None):
    return AssistantMessage(depth=depth, parent_call_id=parent, timestamp=1.0, message={
        "id": msg_id, "role": "assistant", "model": MODEL, "content": blocks,
        "stop_reason": "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn",
        "usage": {"input_tokens": inp, "output_tokens": out, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0}})


def _result(call_id, text, depth=0, parent=None, is_error=False):
    return UserMessage(depth=depth, parent_call_id=parent, message={"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": call_id, "content": text, "is_error": is_error}]})


def _write_run(path):
    writer = TranscriptWriter(path, "run-1")
    agent = AgentSnapshot("fixer", "/a/fixer.md", "---\nname: fixer\n---\nFix things.")
    events = [
        RunStarted(run_id="run-1", session_id="run-1", agent=agent, system_prompt="Fix things.",
                   model=MODEL, tools=("Edit", "Agent"), cwd="/work/app", prompt="fix it"),
        UserMessage(message={"role": "user", "content": "fix it"}),
        _response("m1", [{"type": "tool_use", "id": "c_edit", "name": "Edit",
                          "input": {"file_path": "a.py", "old_string": "x = 1", "new_string": "x = 2"}},
                         {"type": "tool_use", "id": "c_agent", "name": "Agent",
                          "input": {"prompt": "check", "subagent_type": "checker"}}], 10, 20),
        PermissionDecided(call_id="c_edit", name="Edit", decision="allow", by="rule"),
        ToolCallFinished(call_id="c_edit", name="Edit", status="done", content="ok", duration_ms=12,
                         detail={"filePath": "a.py", "structuredPatch": [
                             {"oldStart": 1, "oldLines": 1, "newStart": 1, "newLines": 1,
                              "lines": ["-x = 1", "+x = 2"]}]}),
        RunStarted(depth=1, parent_call_id="c_agent", run_id="run-1/n", session_id="nested-1",
                   agent=AgentSnapshot("checker", None, ""), system_prompt="", model=MODEL, tools=()),
        UserMessage(depth=1, parent_call_id="c_agent", message={"role": "user", "content": "check"}),
        _response("n1", [{"type": "text", "text": "all good"}], 3, 4, depth=1, parent="c_agent"),
        ToolCallFinished(call_id="c_agent", name="Agent", status="done", content="all good"),
        UserMessage(message={"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "c_edit", "content": "ok"},
            {"type": "tool_result", "tool_use_id": "c_agent", "content": "all good"}]}),
        _response("m2", [{"type": "text", "text": "Fixed."}], 30, 5),
        RunEnded(status="completed", turns=2, usage=UsageTotals(43, 29), cost_usd=0.0,
                 duration_ms=2500, tool_calls=2),
    ]
    for event in events:
        writer.write(event)
    writer.close()
    return path


def test_a_written_run_reads_back_with_calls_permissions_timings_and_its_nested_run(tmp_path):
    tx = read_transcript(_write_run(tmp_path / "2026-11-27" / "run-1.jsonl"))
    assert tx.format == "workbench" and tx.skipped_lines == 0
    edit, agent = tx.tool_calls["c_edit"], tx.tool_calls["c_agent"]
    assert edit.permission.by == "rule" and edit.finished.duration_ms == 12
    assert edit.result.detail["structuredPatch"][0]["lines"] == ["-x = 1", "+x = 2"]
    assert agent.result.text == "all good"
    nested = agent.subagent
    assert nested.agent_id == "nested-1"
    assert nested.transcript.messages[-1].text == "all good"
    assert [m.text for m in tx.messages if m.kind == "prompt"] == ["fix it"]


def test_a_written_run_totals_include_the_nested_run(tmp_path):
    stats = compute_stats(_write_run(tmp_path / "run-1.jsonl"))
    assert (stats.input_tokens, stats.output_tokens) == (43, 29)
    assert stats.tool_calls == {"Edit": 1, "Agent": 1}


def test_a_written_run_exports_its_permission_timing_and_diff_with_the_call(tmp_path):
    path = _write_run(tmp_path / "run-1.jsonl")
    md = to_markdown(read_transcript(path))
    section = md[md.index("`c_edit`"): md.index("`c_agent`")]
    assert "*Permission: allow (by rule)*" in section
    assert "-x = 1\n+x = 2" in section and "*done in 12 ms*" in section
    assert "*Run started: agent fixer on claude-haiku-4-5, tools: Edit, Agent*" in md
    assert "  │ ● all good" in render_text(read_transcript(path))

"""The Agent tool: a nested session whose events nest under the call and whose text is the result."""

from __future__ import annotations

import json

from fake_api import Reply, end, start, text_reply, tool_input

from workbench.agents.document import AgentDocument
from workbench.runtime.toolset import resolve_toolset
from workbench.transcripts.reader import read_transcript

from .conftest import collect, of_kind

FINDER = "---\nname: finder\ndescription: Finds words.\ntools: Read\n---\nYou find words in files.\n"


async def test_a_nested_agent_call_runs_the_agent_and_returns_its_final_text(
        fake_api, make_session, workspace, tmp_path):
    (workspace / "a.txt").write_text("ALPHA\n")
    finder = tmp_path / "finder.md"
    finder.write_text(FINDER)
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "ta", "Agent", {
            "description": "find the word", "prompt": "Which word is in a.txt?", "subagent_type": "Finder"}),
            *end("tool_use")]),
        Reply.sse([start("c1"), *tool_input(0, "tr", "Read", {"file_path": "a.txt"}), *end("tool_use")]),
        text_reply("c2", "The word is ALPHA."),
        text_reply("p2", "The finder says ALPHA."),
    )
    transcript = tmp_path / "run.jsonl"
    events = await collect(make_session(catalog={"finder": finder}, transcript_path=transcript))

    bodies = fake_api.bodies()
    child_request = bodies[1]
    assert child_request["system"][0]["text"].startswith("You find words in files.")
    assert child_request["messages"][0]["content"][0]["text"] == "Which word is in a.txt?"
    assert [t["name"] for t in child_request["tools"]] == ["Read"]
    agent_result = bodies[3]["messages"][-1]["content"][0]
    assert agent_result["tool_use_id"] == "ta" and "is_error" not in agent_result
    answer, hand_back = agent_result["content"]
    assert answer == {"type": "text", "text": "The word is ALPHA."}
    # Framed as Claude Code frames it: the agent's id and its usage follow the answer.
    agent_id = next(e for e in events if e.kind == "run_started" and e.depth == 1).session_id
    assert hand_back["text"].startswith(f"agentId: {agent_id}")
    assert "<usage>total_tokens: 30\ntool_uses: 1\nduration_ms: " in hand_back["text"]  # the last response's usage

    nested = [e for e in events if e.depth == 1]
    assert nested and all(e.parent_call_id == "ta" for e in nested)
    assert [e.name for e in of_kind(nested, "tool_call_finished")] == ["Read"]
    assert of_kind(nested, "run_started")[0].agent.name == "finder"
    ended = events[-1]
    assert ended.depth == 0 and ended.status == "completed"
    assert ended.usage.output_tokens == 40  # the nested responses count in the run's totals

    lines = [json.loads(line) for line in transcript.read_text().splitlines()]
    side = [line for line in lines if line.get("isSidechain")]
    assert side and all(line["parentToolUseID"] == "ta" and line["agentId"] for line in side)
    sent = [r["request_id"] for r in fake_api.requests]
    assert [line["requestId"] for line in lines if line["type"] == "assistant"] == sent
    assert [line["requestId"] for line in side if line["type"] == "assistant"] == sent[1:3]
    agent_line = next(line for line in lines if line.get("toolUseResult", {}).get("status") == "completed")
    assert agent_line["toolUseResult"]["agentId"] == side[0]["agentId"]

    read_back = read_transcript(transcript)
    assert read_back.tool_calls["ta"].result is not None
    assert read_back.subagents and read_back.subagents[0].parent_call_id == "ta"


async def test_an_unknown_agent_type_is_an_error_result(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "ta", "Agent", {
            "description": "d", "prompt": "p", "subagent_type": "nobody"}), *end("tool_use")]),
        text_reply("p2", "ok"),
    )
    await collect(make_session(catalog={}))

    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result.get("is_error") and "nobody" in result["content"]


def test_the_agent_tool_is_withheld_at_the_nesting_limit():
    document = AgentDocument.parse("---\nname: a\ndescription: d\n---\nbody")
    assert "Agent" in resolve_toolset(document, depth=2, max_depth=3).names
    assert "Agent" not in resolve_toolset(document, depth=3, max_depth=3).names


def test_task_is_the_old_name_of_the_agent_tool():
    document = AgentDocument.parse("---\nname: a\ndescription: d\ntools: Task, Read\n---\nbody")
    assert resolve_toolset(document).names == ["Agent", "Read"]


def test_disallowed_tools_are_removed_from_everything():
    document = AgentDocument.parse("---\nname: a\ndescription: d\ndisallowedTools: Bash, Write\n---\nbody")
    names = resolve_toolset(document).names
    assert "Read" in names and "Bash" not in names and "Write" not in names


async def test_a_nested_agent_cannot_leave_plan_mode(fake_api, make_session, workspace, tmp_path):
    writer = tmp_path / "writer.md"
    writer.write_text("---\nname: writer\ndescription: Writes.\ntools: Write\npermissionMode: bypassPermissions\n"
                      "---\nYou write files.\n")
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "ta", "Agent", {
            "description": "write", "prompt": "Write x.txt", "subagent_type": "writer"}), *end("tool_use")]),
        Reply.sse([start("c1"), *tool_input(0, "tw", "Write", {"file_path": "x.txt", "content": "x"}),
                   *end("tool_use")]),
        text_reply("c2", "Could not."),
        text_reply("p2", "Ok."),
    )
    events = await collect(make_session(catalog={"writer": writer}, permission_mode="plan"))

    assert not (workspace / "x.txt").exists()
    nested_write = [e for e in of_kind(events, "tool_call_finished") if e.name == "Write"][0]
    assert nested_write.depth == 1 and nested_write.status == "denied"

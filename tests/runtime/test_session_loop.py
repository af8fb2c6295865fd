"""The session loop against the real SDK and the scripted server: tools, history, caching, usage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fake_api import Reply, end, error_body, sse, start, text, text_reply, thinking, tool, tool_input

from workbench.transcripts.reader import read_transcript

from .conftest import collect, of_kind


async def test_multi_step_tool_loop_feeds_each_result_back_until_the_model_ends(fake_api, make_session, workspace):
    (workspace / "notes.txt").write_text("alpha\nbeta\n")
    fake_api.add(
        Reply.sse([start("m1"), *text(0, "Reading."), *tool_input(1, "t1", "Read", {"file_path": "notes.txt"}),
                   *end("tool_use")]),
        Reply.sse([start("m2"), *tool_input(0, "t2", "Glob", {"pattern": "*.txt"}), *end("tool_use")]),
        text_reply("m3", "Two ", "lines."),
    )
    reader = "---\nname: reader\ndescription: d\ntools: Read, Glob\n---\nYou are a careful helper.\n"
    events = await collect(make_session(reader), "summarise notes.txt")

    bodies = fake_api.bodies()
    assert len(bodies) == 3
    assert [m["role"] for m in bodies[2]["messages"]] == ["user", "assistant", "user", "assistant", "user"]
    first_result = bodies[1]["messages"][2]["content"][0]
    assert first_result["tool_use_id"] == "t1" and not first_result.get("is_error")
    assert "alpha" in first_result["content"] and "beta" in first_result["content"]
    assert "notes.txt" in bodies[2]["messages"][4]["content"][0]["content"]
    finished = of_kind(events, "tool_call_finished")
    assert [(f.name, f.status) for f in finished] == [("Read", "done"), ("Glob", "done")]
    assert "".join(e.text for e in of_kind(events, "text_delta")) == "Reading.Two lines."
    ended = events[-1]
    assert ended.kind == "run_ended" and ended.status == "completed"
    assert ended.turns == 3 and ended.tool_calls == 2


async def test_parallel_tool_calls_answer_in_one_user_message_in_call_order(fake_api, make_session, workspace):
    (workspace / "a.txt").write_text("A\n")
    (workspace / "b.txt").write_text("B\n")
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "ta", "Read", {"file_path": "a.txt"}),
                   *tool_input(1, "tb", "Read", {"file_path": "b.txt"}), *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    await collect(make_session())

    results = fake_api.bodies()[1]["messages"][-1]
    assert results["role"] == "user"
    assert [b["tool_use_id"] for b in results["content"]] == ["ta", "tb"]
    assert "A" in results["content"][0]["content"] and "B" in results["content"][1]["content"]


async def test_thinking_blocks_are_sent_back_exactly_as_received(fake_api, make_session, workspace):
    (workspace / "a.txt").write_text("A\n")
    fake_api.add(
        Reply.sse([start("m1"), *thinking(0, "I should read a.txt", "sig-123"),
                   *tool_input(1, "t1", "Read", {"file_path": "a.txt"}), *end("tool_use")]),
        text_reply("m2", "Done."),
    )
    events = await collect(make_session())

    assistant = fake_api.bodies()[1]["messages"][1]
    assert assistant["content"][0] == {"type": "thinking", "thinking": "I should read a.txt",
                                       "signature": "sig-123"}
    assert [e.text for e in of_kind(events, "thinking_delta")] == ["I should read a.txt"]


async def test_requests_cache_the_system_prompt_the_tools_and_the_last_message(fake_api, make_session):
    fake_api.add(text_reply("m1", "Hi."))
    session = make_session()
    await collect(session, "hello")

    body = fake_api.bodies()[0]
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["system"][0]["text"].startswith("You are a careful helper.")
    # As Claude Code: no breakpoint on a tool (the system prompt's covers them, being after them).
    assert all("cache_control" not in t for t in body["tools"])
    assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "temperature" not in body
    # The breakpoint is added to the request only; the history stays clean for the next turn.
    assert all("cache_control" not in b for m in session.history for b in m["content"])


async def test_usage_counts_cache_reads_and_writes_and_costs_dollars(fake_api, make_session):
    fake_api.add(Reply.sse([start("m1", input_tokens=1000, cache_read=2000, cache_write=500),
                            *text(0, "ok"), *end("end_turn", output_tokens=100)]))
    events = await collect(make_session())

    usage = of_kind(events, "usage")[0]
    assert usage.usage.cache_read_input_tokens == 2000
    assert usage.usage.cache_creation_input_tokens == 500
    # claude-sonnet-5-5: $2 in, $10 out, $2.50 cache write, $0.20 cache read per million tokens.
    expected = (1000 * 2 + 100 * 10 + 500 * 2.5 + 2000 * 0.1) / 1e6  # Sonnet 5.5 reads: $0.10/M
    assert abs(usage.cost_usd - expected) < 1e-9
    assert abs(events[-1].cost_usd - expected) < 1e-9


async def test_malformed_tool_input_comes_back_to_the_model_as_an_error_result(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "t1", "Read", {"path": "x"}), *end("tool_use")]),
        text_reply("m2", "Sorry."),
    )
    events = await collect(make_session())

    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result.get("is_error") is True
    assert "InputValidationError" in result["content"] and "file_path" in result["content"]
    assert of_kind(events, "tool_call_finished")[0].status == "failed"
    assert events[-1].status == "completed"


async def test_unknown_tool_comes_back_as_an_error_result(fake_api, make_session):
    fake_api.add(
        Reply.sse([start("m1"), *tool(0, "t1", "Teleport", "{}"), *end("tool_use")]),
        text_reply("m2", "Ok."),
    )
    await collect(make_session())

    result = fake_api.bodies()[1]["messages"][-1]["content"][0]
    assert result.get("is_error") is True and "No such tool available: Teleport" in result["content"]


async def test_max_turns_stops_the_run_after_that_many_responses(fake_api, make_session, workspace):
    (workspace / "a.txt").write_text("A\n")
    fake_api.add(Reply.sse([start("m1"), *tool_input(0, "t1", "Read", {"file_path": "a.txt"}), *end("tool_use")]))
    events = await collect(make_session(max_turns=1))

    assert len(fake_api.bodies()) == 1
    assert events[-1].status == "max_turns" and events[-1].turns == 1


async def test_the_agent_is_offered_only_the_tools_it_names_and_told_what_is_missing(fake_api, make_session):
    agent = ("---\nname: reader\ndescription: d\n"
             "tools: Read, Grep, TodoWrite, WebSearch, Monitor, Bash(git status:*), KillShell\n---\nRead.")
    fake_api.add(text_reply("m1", "ok"))
    events = await collect(make_session(agent))

    # As Claude Code 2.1.332: Grep goes with Bash there, TodoWrite is dropped, KillShell is TaskStop;
    # no BashOutput. Monitor is granted but workbench does not implement it: said, not hidden.
    assert [t["name"] for t in fake_api.bodies()[0]["tools"]] == ["Read", "WebSearch", "Bash", "TaskStop"]
    started = events[0]
    assert started.kind == "run_started" and started.unavailable_tools == ("Monitor",)
    assert any("Monitor" in w.message for w in of_kind(events, "warning"))


async def test_a_second_message_continues_the_same_conversation(fake_api, make_session):
    fake_api.add(text_reply("m1", "One."), text_reply("m2", "Two."))
    session = make_session()
    [e async for e in session.send("first")]
    [e async for e in session.send("second")]
    await session.aclose()

    assert [m["role"] for m in fake_api.bodies()[1]["messages"]] == ["user", "assistant", "user"]


async def test_a_refusal_is_shown_with_its_category_and_ends_the_turn(fake_api, make_session):
    fake_api.add(Reply.sse([start("m1"), *text(0, "I can't"),
                            sse("message_delta", delta={"stop_reason": "refusal", "stop_sequence": None,
                                                        "stop_details": {"type": "refusal", "category": "cyber",
                                                                         "explanation": "unsafe"}},
                                usage={"output_tokens": 3}), sse("message_stop")]))
    events = await collect(make_session())

    assert any("refused" in w.message and "cyber" in w.message for w in of_kind(events, "warning"))
    assert events[-1].status == "completed"


async def test_a_bad_permission_mode_in_the_agent_file_is_a_warning_not_a_crash(fake_api, make_session):
    agent = "---\nname: a\ndescription: d\npermissionMode: yolo\n---\nbody"
    fake_api.add(text_reply("m1", "ok"))
    session = make_session(agent)
    events = await collect(session)

    assert session.policy.mode == "default"
    assert any("yolo" in w.message for w in of_kind(events, "warning"))


def test_an_unknown_permission_mode_argument_is_refused(make_session):
    with pytest.raises(ValueError, match="unknown permission mode"):
        make_session(permission_mode="yolo")


async def test_without_a_transcript_path_the_run_is_recorded_in_the_data_folder(fake_api, make_session, tmp_path):
    fake_api.add(text_reply("m1", "ok"))
    session = make_session(transcript_path=None)
    await collect(session)

    data = Path(os.environ["WORKBENCH_DATA_DIR"])
    assert session.transcript_path.parent.parent == data / "transcripts"
    assert session.transcript_path.name == f"{session.session_id}.jsonl"
    assert session.transcript_path.read_text().count("\n") >= 3


async def test_a_second_send_while_a_run_is_going_is_refused(fake_api, make_session):
    fake_api.add(text_reply("m1", "ok"))
    session = make_session()
    events = session.send("first")
    await events.__anext__()
    with pytest.raises(RuntimeError, match="already in progress"):
        await session.send("second").__anext__()
    [e async for e in events]
    await session.aclose()


async def test_an_unwritable_transcript_is_a_warning_and_the_run_goes_on(fake_api, make_session, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    fake_api.add(text_reply("m1", "ok"))
    events = await collect(make_session(transcript_path=blocker / "sub" / "t.jsonl"))

    assert any("transcript not written" in w.message for w in of_kind(events, "warning"))
    assert events[-1].status == "completed"


async def test_assistant_lines_carry_the_request_id_of_the_response_they_record(
        fake_api, make_session, workspace, tmp_path, sleeps):
    (workspace / "a.txt").write_text("A\n")
    fake_api.add(
        Reply.sse([start("m1"), *tool_input(0, "t1", "Read", {"file_path": "a.txt"}), *end("tool_use")]),
        Reply.json(529, error_body("overloaded_error", "Overloaded")),  # retried: its id is not the answer's
        text_reply("m2", "Done."),
    )
    events = await collect(make_session())

    sent = [r["request_id"] for r in fake_api.requests]
    assert len(set(sent)) == 3
    # The event carries it too (`workbench run --output jsonl`, the chat pane, replay).
    assert [e.request_id for e in of_kind(events, "assistant_message")] == [sent[0], sent[2]]
    lines = [json.loads(line) for line in (tmp_path / "transcript.jsonl").read_text().splitlines()]
    assistant = [line for line in lines if line["type"] == "assistant"]
    assert [(a["message"]["id"], a["requestId"]) for a in assistant] == [("m1", sent[0]), ("m2", sent[2])]
    assert all("requestId" not in line for line in lines if line["type"] != "assistant")
    read_back = read_transcript(tmp_path / "transcript.jsonl")
    assert [m.request_id for m in read_back.messages if m.role == "assistant"] == [sent[0], sent[2]]

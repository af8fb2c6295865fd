"""The reader: both session layouts, merged responses, paired results, lenient about bad lines."""

import json

import pytest

from transcript_fixtures import SESSION_ID, Lines, tool_use, usage, write_rich_session
from workbench.transcripts.events import AgentSnapshot, ErrorOccurred, PermissionDecided, RunStarted
from workbench.transcripts.reader import (
    TranscriptError,
    claude_roots,
    project_dir_name,
    read_transcript,
)


def test_a_response_split_over_several_lines_becomes_one_message(rich_session):
    tx = read_transcript(rich_session)
    first = next(m for m in tx.messages if m.id == "msg_1")
    assert [b["type"] for b in first.content] == ["thinking", "text"]  # duplicate text dropped
    assert len(first.entries) == 3
    assert first.usage["output_tokens"] == 20  # the last, complete usage, not the partial first
    assert first.stop_reason == "end_turn"
    assert sum(1 for m in tx.messages if m.id == "msg_1") == 1


def test_parallel_tool_calls_are_paired_with_their_results(rich_session):
    tx = read_transcript(rich_session)
    read, bash = tx.tool_calls["toolu_read"], tx.tool_calls["toolu_bash"]
    assert read.message is bash.message
    assert read.result.text.endswith("print('hi')\n")
    assert read.result.detail["file"]["numLines"] == 2
    assert bash.is_error and not read.is_error


def test_subagents_in_both_layouts_hang_under_the_call_that_spawned_them(rich_session):
    tx = read_transcript(rich_session)
    current = tx.tool_calls["toolu_agent"].subagent
    legacy = tx.tool_calls["toolu_task"].subagent
    assert current.agent_id == "a1b2" and current.path.parent.name == "subagents"
    assert current.meta["spawnDepth"] == 1 and current.agent_type == "reviewer"
    assert [c.name for c in current.transcript.tool_calls.values()] == ["Read"]
    assert legacy.agent_id == "legacy9" and legacy.path.name == "agent-legacy9.jsonl"
    assert legacy.agent_type == "counter"  # no sidecar: taken from the call's subagent_type
    assert {s.agent_id for s in tx.subagents} == {"a1b2", "legacy9"}  # not another session's


def test_a_truncated_last_line_is_skipped_and_bookkeeping_entries_are_not(rich_session):
    tx = read_transcript(rich_session)
    # Claude Code's bookkeeping types are known entries (left out of the timeline), not skipped.
    assert tx.skipped == {"<invalid json>": 1}
    assert tx.ignored == {"file-history-snapshot": 1, "mode": 1, "atis-latch": 1}
    assert tx.skipped_lines == 1


def test_compaction_is_kept_in_the_timeline_and_its_summary_is_not_a_prompt(rich_session):
    tx = read_transcript(rich_session)
    boundary = [i for i in tx.timeline if getattr(i, "is_compaction", False)]
    assert len(boundary) == 1
    assert boundary[0].entry.data["compactMetadata"]["preTokens"] == 1234
    kinds = [m.kind for m in tx.messages if m.role == "user"]
    assert kinds.count("compact_summary") == 1 and kinds.count("prompt") == 2


def test_title_session_model_turns_and_raw_lines(rich_session):
    tx = read_transcript(rich_session)
    assert tx.title == "Fix the greeting"
    assert tx.session_id == SESSION_ID
    assert tx.model.startswith("claude-sonnet-4-5")
    assert [t.prompt.text for t in tx.turns if t.prompt] == ["Please fix the greeting in app.py", "go on"]
    assert all(json.loads(e.raw) == e.data for e in tx.entries)
    assert [e.line_no for e in tx.entries] == sorted(e.line_no for e in tx.entries)


def test_an_empty_file_reads_as_an_empty_transcript(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    tx = read_transcript(path)
    assert tx.entries == [] and tx.skipped_lines == 0 and tx.session_id == "empty"


def test_blank_lines_nul_filled_lines_and_invalid_utf8_do_not_stop_the_reader(tmp_path):
    s = Lines()
    s.prompt("caf\u00e9")
    path = s.write(tmp_path / "s.jsonl")
    bad = json.dumps(json.loads(s.lines[0]) | {"uuid": "bad"}).replace("caf\\u00e9", "caf\xff")
    path.write_bytes(
        path.read_bytes() + b"\n\n" + b"\x00" * 16 + b"\n" + bad.encode("latin-1") + b"\n"
    )
    tx = read_transcript(path)
    assert [m.text for m in tx.messages] == ["caf\u00e9", "caf\ufffd"]
    assert tx.skipped == {"<invalid json>": 1}


def test_a_missing_file_or_a_folder_gives_a_clear_error(tmp_path):
    with pytest.raises(TranscriptError, match="no such file"):
        read_transcript(tmp_path / "nope.jsonl")
    with pytest.raises(TranscriptError, match="is a folder"):
        read_transcript(tmp_path)


def test_a_subagent_file_read_on_its_own_is_one_agent(rich_session):
    sub = rich_session.parent / SESSION_ID / "subagents" / "agent-a1b2.jsonl"
    tx = read_transcript(sub)
    assert tx.subagents == [] and len(tx.tool_calls) == 1


def _workbench_line(kind, event, **extra):
    return {"type": "workbench", "subtype": kind, "event": {"event": kind, **event},
            "uuid": f"w-{kind}", "parentUuid": None, "sessionId": "run-1",
            "timestamp": "2026-11-20T10:00:00Z", **extra}


def test_workbench_runs_read_their_events_and_inline_nested_runs(tmp_path):
    s = Lines(session_id="run-1")
    s.add(_workbench_line("run_started", {"run_id": "run-1", "session_id": "run-1",
          "agent": {"name": "fixer", "path": None, "text": "---\nname: fixer\n---\nFix."},
          "system_prompt": "Fix.", "model": "claude-haiku-4-5", "tools": ["Agent"]}))
    s.prompt("fix it")
    s.response("m1", [tool_use("call_a", "Agent", prompt="look", subagent_type="looker")],
               usage(1, 2), model="claude-haiku-4-5", stop_reason="tool_use")
    nested = Lines(session_id="run-1", agent_id="nested-1")
    nested.prompt("look", parentToolUseID="call_a")
    nested.response("n1", [{"type": "text", "text": "seen"}], usage(3, 4), model="claude-haiku-4-5")
    s.lines.extend(nested.lines)
    s.add(_workbench_line("permission_decided", {"call_id": "x", "name": "Bash",
                                                 "decision": "deny", "by": "user"}))
    s.result("call_a", "seen", {"status": "completed", "agentId": "nested-1"})
    s.add(_workbench_line("error", {"message": "boom"}))
    s.add(_workbench_line("no_such_event", {}))
    tx = read_transcript(s.write(tmp_path / "run-1.jsonl"))
    assert tx.format == "workbench"
    assert [type(e) for e in tx.events] == [RunStarted, PermissionDecided, ErrorOccurred]
    assert tx.events[0].agent == AgentSnapshot("fixer", None, "---\nname: fixer\n---\nFix.")
    sub = tx.tool_calls["call_a"].subagent
    assert sub.agent_id == "nested-1" and sub.transcript.messages[-1].text == "seen"
    assert all(m.id != "n1" for m in tx.messages)  # nested lines are not the parent's
    assert tx.skipped == {"workbench:no_such_event": 1}


def test_claude_config_dir_may_name_several_roots(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", f"{tmp_path / 'a'}, {tmp_path / 'b'},")
    assert claude_roots() == [tmp_path / "a", tmp_path / "b"]
    monkeypatch.delenv("CLAUDE_CONFIG_DIR")
    assert claude_roots()[0].name == ".claude"


def test_project_folder_names_replace_every_non_alphanumeric_character():
    assert project_dir_name("/Users/a/x_y") == "-Users-a-x-y"


def test_a_second_session_in_the_same_folder_gets_none_of_the_first_ones_subagents(tmp_path):
    project = tmp_path / "p"
    write_rich_session(project)
    s = Lines(session_id="second")
    s.prompt("hello")
    tx = read_transcript(s.write(project / "second.jsonl"))
    assert tx.subagents == []


def test_max_bytes_reads_only_the_head_of_a_big_file(rich_session):
    whole = read_transcript(rich_session, with_subagents=False)
    head = read_transcript(rich_session, with_subagents=False, max_bytes=1)
    assert len(head.entries) == 1 and head.entries[0].data == whole.entries[0].data
    assert len(read_transcript(rich_session, max_bytes=10**9).entries) == len(whole.entries)

"""The Claude Code engine, run for real: the bundled Claude Code CLI (from `claude-agent-sdk`)
against the scripted Messages API on 127.0.0.1, in a fresh HOME and a fresh git project. Skipped
when the SDK is not installed (`pip install 'workbench[claude-code]'`)."""

from __future__ import annotations

import asyncio
import re
import sys

import pytest

pytest.importorskip("claude_agent_sdk")

from claude_code_support import (  # noqa: E402
    AGENT,
    calls,
    conversation,
    serve_claude_code,
    delegate,
    first_user_text,
    git_project,
    is_subagent,
    system_text,
)
from fake_api import Reply, error_body, text_reply  # noqa: E402

from workbench.runtime.claude_code import ClaudeCodeSession, agent_definition  # noqa: E402
from workbench.runtime.session import PermissionAnswer  # noqa: E402
from workbench.agents.document import AgentDocument  # noqa: E402




@pytest.fixture
def project(tmp_path, fake_api, monkeypatch):
    serve_claude_code(fake_api)
    # An unscripted request is answered 500: fail fast rather than after Claude Code's ten retries.
    monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    return git_project(tmp_path / "project")


async def run_all(session: ClaudeCodeSession, task: str) -> list:
    return [event async for event in session.send(task)]


def kinds(events, kind):
    return [e for e in events if e.kind == kind]


async def test_main_agent_streams_its_reply_with_the_editor_text(fake_api, project):
    fake_api.add(text_reply("msg_1", "Hel", "lo from ", "Claude Code"))
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        events = await run_all(session, "say hello")
    finally:
        await session.aclose()
    deltas = kinds(events, "text_delta")
    assert [d.text for d in deltas] == ["Hel", "lo from ", "Claude Code"]
    # The run is announced with what Claude Code says it runs: its model, its session, its version.
    started = events[0]
    assert started.kind == "run_started" and started.model.startswith("claude-")
    assert started.session_id == session.session_id and started.engine == "claude-code"
    assert started.engine_version == session.cli_version
    assert all(d.depth == 0 for d in deltas)
    ended = events[-1]
    assert ended.kind == "run_ended" and ended.status == "completed" and ended.depth == 0
    assert kinds(events, "usage")[0].message_id == "msg_1"
    # The unsaved text reached Claude Code: the main thread's system prompt is the agent's body.
    body = conversation(fake_api)[0]
    assert "BODY-MARKER-1" in system_text(body)
    assert "say hello" in first_user_text(body) or "say hello" in str(body["messages"])
    assert session.cli_version.count(".") == 2
    assert session.transcript_path is not None and session.transcript_path.is_file()


async def test_subagent_gets_the_task_verbatim_and_nests_under_the_agent_call(fake_api, project):
    fake_api.add(
        delegate("msg_main", prompt="a paraphrase the model made up"),
        calls("msg_sub1", ("toolu_read", "Read", {"file_path": str(project / "notes.txt")}), lead="Reading."),
        text_reply("msg_sub2", "The file says alpha."),
    )
    session = ClaudeCodeSession(AGENT, cwd=project)
    try:
        events = await run_all(session, "Summarise notes.txt exactly")
    finally:
        await session.aclose()
    sub = [b for b in conversation(fake_api) if is_subagent(b)]
    assert sub, "Claude Code sent no subagent request"
    assert "Summarise notes.txt exactly" in str(sub[0]["messages"])
    assert "a paraphrase the model made up" not in str(sub[0]["messages"])
    assert "BODY-MARKER-1" in system_text(sub[0])
    # Two requests for the agent and one for the main thread: the main thread's turn ends at the hand-back.
    assert len(conversation(fake_api)) == 3
    agent_call = next(e for e in kinds(events, "tool_call_started") if e.name == "Agent")
    nested_start = next(e for e in kinds(events, "run_started") if e.depth == 1)
    assert nested_start.parent_call_id == agent_call.call_id
    read = next(e for e in kinds(events, "tool_call_started") if e.name == "Read")
    assert (read.depth, read.parent_call_id) == (1, agent_call.call_id)
    read_done = next(e for e in kinds(events, "tool_call_finished") if e.call_id == "toolu_read")
    assert read_done.status == "done" and "alpha" in read_done.content
    nested_text = "".join(e.text for e in kinds(events, "text_delta") if e.depth == 1)
    assert "The file says alpha." in nested_text
    order = [e.kind for e in events if e.depth == 1 or e.kind == "tool_call_finished"]
    assert order.index("run_ended") < len(order) - 1  # the nested run ends before the Agent call
    assert events[-1].kind == "run_ended" and events[-1].status == "completed"
    # The run's totals count the delegated run's responses too, once per message.
    reported = [e.usage for e in kinds(events, "usage")]
    assert len(reported) == 3
    assert events[-1].usage.output_tokens == sum(u.output_tokens for u in reported)


@pytest.mark.parametrize("decision", ["allow", "deny"])
async def test_permission_prompt_allows_or_denies(fake_api, project, decision):
    fake_api.add(
        calls("msg_1", ("toolu_bash", "Bash", {"command": "touch made-by-bash.txt"})),
        text_reply("msg_2", "done"),
    )
    asked = []

    async def ask(request):
        asked.append(request)
        return PermissionAnswer(decision, "not now" if decision == "deny" else "")

    session = ClaudeCodeSession(AGENT, cwd=project, mode="main", ask_permission=ask)
    try:
        events = await run_all(session, "make the file")
    finally:
        await session.aclose()
    assert [r.name for r in asked] == ["Bash"]
    assert kinds(events, "permission_requested")[0].call_id == "toolu_bash"
    decided = kinds(events, "permission_decided")[0]
    assert decided.decision == decision
    finished = next(e for e in kinds(events, "tool_call_finished") if e.call_id == "toolu_bash")
    assert (project / "made-by-bash.txt").exists() is (decision == "allow")
    assert finished.status == ("done" if decision == "allow" else "denied")
    assert finished.duration_ms > 0 or decision == "deny"
    started = [e.kind for e in events].index("tool_call_started")
    assert started < [e.kind for e in events].index("permission_requested")


async def test_allow_always_adds_a_session_rule(fake_api, project):
    fake_api.add(
        calls("msg_1", ("toolu_1", "Bash", {"command": "touch one.txt"})),
        calls("msg_2", ("toolu_2", "Bash", {"command": "touch two.txt"})),
        text_reply("msg_3", "done"),
    )
    asked = []

    async def ask(request):
        asked.append(request)
        return PermissionAnswer("allow_always")

    session = ClaudeCodeSession(AGENT, cwd=project, mode="main", ask_permission=ask)
    try:
        await run_all(session, "make two files")
    finally:
        await session.aclose()
    assert len(asked) == 1 and asked[0].rule_suggestion.startswith("Bash")
    assert (project / "one.txt").exists() and (project / "two.txt").exists()


async def test_follow_up_continues_the_same_claude_code_session(fake_api, project):
    fake_api.add(text_reply("msg_1", "first answer"), text_reply("msg_2", "second answer"))
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        first = await run_all(session, "first question")
        process = session._client
        second = await run_all(session, "second question")
        assert session._client is process  # no second process start
    finally:
        await session.aclose()
    assert first[-1].status == second[-1].status == "completed"
    last = conversation(fake_api)[-1]
    assert "first question" in str(last["messages"]) and "first answer" in str(last["messages"])
    assert "".join(e.text for e in kinds(second, "text_delta")) == "second answer"


async def test_cancel_during_a_tool_call_interrupts(fake_api, project):
    fake_api.add(calls("msg_1", ("toolu_sleep", "Bash", {"command": "python3 -c 'import time; time.sleep(30)'"})))

    async def ask(request):
        return PermissionAnswer("allow")

    session = ClaudeCodeSession(AGENT, cwd=project, mode="main", ask_permission=ask)
    events = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        async for event in session.send("wait a while"):
            events.append(event)
            if event.kind == "tool_call_started":
                loop.call_later(1.5, session.cancel)
    finally:
        await session.aclose()
    assert loop.time() - started < 25
    assert events[-1].kind == "run_ended" and events[-1].status == "cancelled"
    finished = [e for e in kinds(events, "tool_call_finished") if e.call_id == "toolu_sleep"]
    assert not finished or finished[0].status in ("cancelled", "failed")


async def test_a_retry_is_shown_and_the_reply_follows(fake_api, project):
    fake_api.add(Reply.json(529, error_body("overloaded_error", "Overloaded")),
                 text_reply("msg_1", "after the retry"))
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        events = await run_all(session, "anything")
    finally:
        await session.aclose()
    retry = kinds(events, "retry")[0]
    assert retry.attempt == 1 and "529" in retry.reason
    assert "".join(e.text for e in kinds(events, "text_delta")) == "after the retry"
    assert events[-1].status == "completed"


async def test_api_failure_is_an_error_event(fake_api, project):
    # Claude Code may try a refused request again in another shape: every try is refused.
    fake_api.route(lambda body: True, lambda: Reply.json(
        400, error_body("invalid_request_error", "messages.0.content: BAD-REQUEST marker")))
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        events = await run_all(session, "anything")
    finally:
        await session.aclose()
    assert events[-1].kind == "run_ended" and events[-1].status == "error"
    errors = kinds(events, "error")
    assert errors and any("BAD-REQUEST" in e.message or "400" in e.message for e in errors)


async def test_without_the_sdk_the_run_says_how_to_install_it(monkeypatch, project):
    monkeypatch.setitem(sys.modules, "claude_agent_sdk", None)  # `import` now raises ImportError
    session = ClaudeCodeSession(AGENT, cwd=project)
    events = await run_all(session, "anything")
    error = kinds(events, "error")[0]
    assert "pip install 'workbench[claude-code]'" in error.message
    assert events[-1].kind == "run_ended" and events[-1].status == "error"


def test_agent_definition_takes_the_fields_claude_code_reads():
    document = AgentDocument.parse(
        "---\nname: x\ndescription: Does x.\ntools: Read, Bash(git diff:*)\ndisallowedTools: Write\n"
        "model: haiku\nmaxTurns: 3\neffort: high\nskills: a, b\n---\nThe body.\n")
    definition = agent_definition(document)
    assert definition == {
        "description": "Does x.", "prompt": "The body.", "tools": ["Read", "Bash(git diff:*)"],
        "disallowedTools": ["Write"], "model": "haiku", "maxTurns": 3, "effort": "high",
        "skills": ["a", "b"],
    }


def test_the_bundled_cli_version_is_a_bare_number():
    from workbench.runtime.claude_code import bundled_cli

    binary, version = bundled_cli()
    assert binary is not None and binary.is_file()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version


async def test_a_missing_cli_is_a_clear_error(project, tmp_path):
    session = ClaudeCodeSession(AGENT, cwd=project, cli_path=tmp_path / "no-such-claude")
    events = await run_all(session, "anything")
    error = kinds(events, "error")[0]
    assert "not found" in error.message and "no-such-claude" in error.message
    assert "workbench[claude-code]" in error.hint
    assert events[-1].kind == "run_ended" and events[-1].status == "error"


async def test_not_logged_in_is_a_clear_error(fake_api, project, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")  # no key, and a fresh HOME has no login
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        events = await asyncio.wait_for(run_all(session, "anything"), 90)
    finally:
        await session.aclose()
    assert events[-1].kind == "run_ended" and events[-1].status == "error"
    assert any("logged in" in e.message.lower() for e in kinds(events, "error"))
    assert not conversation(fake_api)  # nothing was sent without credentials


async def test_the_record_is_claude_codes_session_file_plus_what_a_rerun_needs(fake_api, project, tmp_path):
    from workbench.transcripts.engine_record import read_engine_record
    from workbench.transcripts.origin import run_origin
    from workbench.transcripts.reader import read_transcript

    fake_api.add(delegate("msg_main"), text_reply("msg_sub", "All read."))
    session = ClaudeCodeSession(AGENT, path=project / "helper.md", cwd=project)
    try:
        await run_all(session, "Read everything")
    finally:
        await session.aclose()
    tx = read_transcript(session.transcript_path)
    assert tx.format == "claude" and tx.session_id == session.session_id
    agent_call = tx.tool_calls["toolu_agent"]
    assert agent_call.subagent is not None  # the delegated run, read from its own file
    record = read_engine_record(session.session_id)
    assert record.engine == "claude-code" and record.engine_version == session.cli_version
    assert record.agent.text == AGENT and record.run_as == "subagent" and record.prompt == "Read everything"
    origin = run_origin(tx)
    assert origin is not None and origin.agent.text == AGENT and origin.prompt == "Read everything"
    # The listing marks the session as the engine's run, credited to the agent it ran.
    from workbench.transcripts.discovery import discover
    from workbench.ui.screens.transcripts import _row

    rows = discover(claude_dirs=[session.transcript_path.parent.parent], runs_dir=tmp_path / "none",
                    cache_path=tmp_path / "cache.json")
    row = next(r for r in rows if r.session_id == session.session_id)
    assert row.engine == "claude-code" and row.agent == "helper"
    assert "⚙ helper" in _row(row)


async def test_read_then_edit_changes_the_file_and_the_result_carries_the_patch(fake_api, project):
    notes = str(project / "notes.txt")
    fake_api.add(
        calls("msg_1", ("toolu_read", "Read", {"file_path": notes})),
        calls("msg_2", ("toolu_edit", "Edit", {"file_path": notes, "old_string": "beta",
                                                "new_string": "gamma"})),
        text_reply("msg_3", "Edited."),
    )
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main", permission_mode="acceptEdits")
    try:
        events = await run_all(session, "change beta to gamma")
    finally:
        await session.aclose()
    assert (project / "notes.txt").read_text() == "alpha\ngamma\n"
    edit = next(e for e in kinds(events, "tool_call_finished") if e.call_id == "toolu_edit")
    assert edit.status == "done" and edit.detail.get("structuredPatch")
    started = next(e for e in kinds(events, "tool_call_started") if e.call_id == "toolu_edit")
    assert started.input["new_string"] == "gamma"
    assert events[-1].status == "completed"


async def test_cancel_while_the_cli_starts_sends_nothing(fake_api, project):
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    stream = session.send("never asked")
    first = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.05)  # the CLI process is still starting
    session.cancel()
    try:
        events = [await first] + [event async for event in stream]
    finally:
        await session.aclose()
    assert events[-1].kind == "run_ended" and events[-1].status == "cancelled"
    assert not conversation(fake_api)


async def test_a_follow_up_after_the_cli_went_away_resumes_the_session(fake_api, project):
    fake_api.add(text_reply("msg_1", "first answer"), text_reply("msg_2", "second answer"))
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        await run_all(session, "first question")
        first_id = session.session_id
        await session.aclose()  # the process ends (as when it crashes)
        second = await run_all(session, "second question")
    finally:
        await session.aclose()
    assert second[-1].status == "completed"
    last = conversation(fake_api)[-1]
    assert "first question" in str(last["messages"]) and "first answer" in str(last["messages"])
    assert session.session_id == first_id


async def test_thinking_streams_before_the_reply(fake_api, project):
    from fake_api import end, start, text, thinking

    fake_api.add(Reply.sse([start("msg_1"), *thinking(0, "Consider the notes first.", "sig-1"),
                            *text(1, "Answer."), *end("end_turn")]))
    session = ClaudeCodeSession(AGENT, cwd=project, mode="main")
    try:
        events = await run_all(session, "think, then answer")
    finally:
        await session.aclose()
    thought = kinds(events, "thinking_delta")
    assert [t.text for t in thought] == ["Consider the notes first."]
    order = [e.kind for e in events]
    assert order.index("thinking_delta") < order.index("text_delta")
    whole = kinds(events, "assistant_message")[0].message["content"]
    assert whole[0] == {"type": "thinking", "thinking": "Consider the notes first.", "signature": "sig-1"}

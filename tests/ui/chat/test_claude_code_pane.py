"""The chat pane on the Claude Code engine: the real app (or the pane alone) driven with Pilot, the
real bundled CLI against the scripted API server, a fresh HOME and a fresh git project. The pane
consumes the mapped events as it does the built-in engine's."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("claude_agent_sdk")

from claude_code_support import (  # noqa: E402
    AGENT,
    calls,
    conversation,
    delegate,
    git_project,
    is_subagent,
    serve_claude_code,
    system_text,
)
from fake_api import text_reply  # noqa: E402

from tests.ui.helpers import settle  # noqa: E402
from workbench.ui.chat.pane import ChatPane  # noqa: E402
from workbench.ui.chat.permission_prompt import PermissionPrompt  # noqa: E402
from workbench.ui.chat.status_line import StatusLine  # noqa: E402

from .conftest import ChatHarness  # noqa: E402
from .test_chat_pane import Editor, type_task, until  # noqa: E402

SLOW = 60.0  # seconds: the CLI's start is the slow part


@pytest.fixture
def project(tmp_path, fake_api, monkeypatch):
    serve_claude_code(fake_api)
    monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    return git_project(tmp_path / "project")


def claude_pane(project, run_as: str = "main") -> tuple[ChatHarness, ChatPane]:
    pane = ChatPane(agent_source=Editor(AGENT).source, cwd=project, engine="claude-code", run_as=run_as)
    return ChatHarness(pane), pane


def status_text(pane: ChatPane) -> str:
    return str(pane.query_one(StatusLine).render())


async def test_in_the_app_a_delegated_run_nests_and_f5_sends_the_unsaved_edit(fake_api, make_app, agents_dir,
                                                                             monkeypatch):
    project = agents_dir.parent.parent
    git_project(project)
    monkeypatch.chdir(project)
    serve_claude_code(fake_api)
    monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    monkeypatch.setenv("WORKBENCH_ENGINE", "claude-code")
    fake_api.add(
        delegate("msg_main_1", agent="code-reviewer"),
        calls("msg_sub_1", ("toolu_read", "Read", {"file_path": str(project / "notes.txt")}), lead="Looking."),
        text_reply("msg_sub_2", "Reviewed: alpha."),
    )
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.chat
        assert "Claude Code 2." in status_text(pane) and "as a subagent" in status_text(pane)
        await pilot.press("f4", *"review notes.txt", "enter")
        await until(pilot, lambda: pane.runs and not pane.running, SLOW)
        run = pane.runs[0]
        assert run.stats.status == "completed"
        agent_block = run.view.blocks["toolu_agent"]
        read_block = run.view.blocks["toolu_read"]
        assert agent_block.nested is not None and read_block in agent_block.nested.query("*")
        assert read_block.status == "done"
        assert "Reviewed: alpha." in json.dumps([r.source for r in run.view.query(".reply")])
        assert status_text(pane).startswith("Claude Code 2.")
        # F5 with an unsaved edit: Claude Code's stand-in sees the new body.
        fake_api.add(delegate("msg_main_2", agent="code-reviewer"), text_reply("msg_sub_3", "Again."))
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(len(editor.text))
        await pilot.press(*"Always cite line numbers.")
        assert app.main_screen.dirty
        await pilot.press("f5")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running, SLOW)
        sub = [body for body in conversation(fake_api) if is_subagent(body)]
        assert "Always cite line numbers." not in system_text(sub[0])
        assert "Always cite line numbers." in system_text(sub[-1])
        assert "review notes.txt" in json.dumps(sub[-1]["messages"])
        await pilot.press("f9")
        assert pane.shown is pane.runs[0]


@pytest.mark.parametrize(("keys", "made", "status"), [
    (["y"], True, "done"),
    (["n", "escape"], False, "denied"),
])
async def test_a_permission_prompt_answers_claude_code(fake_api, project, keys, made, status):
    fake_api.add(calls("msg_1", ("toolu_bash", "Bash", {"command": "touch by-claude.txt"})),
                 text_reply("msg_2", "finished"))
    app, pane = claude_pane(project)
    async with app.run_test(size=(110, 34)) as pilot:
        await type_task(pilot, pane, "make a file")
        await until(pilot, lambda: pane.query(PermissionPrompt), SLOW)
        pane.query_one(PermissionPrompt).focus()
        await pilot.press(*keys)
        await until(pilot, lambda: pane.runs and not pane.running, SLOW)
        assert (project / "by-claude.txt").exists() is made
        assert pane.runs[0].view.blocks["toolu_bash"].status == status


async def test_always_allows_the_same_command_for_the_session(fake_api, project):
    fake_api.add(calls("msg_1", ("toolu_1", "Bash", {"command": "touch one.txt"})),
                 calls("msg_2", ("toolu_2", "Bash", {"command": "touch two.txt"})),
                 text_reply("msg_3", "finished"))
    app, pane = claude_pane(project)
    async with app.run_test(size=(110, 34)) as pilot:
        await type_task(pilot, pane, "make two files")
        await until(pilot, lambda: pane.query(PermissionPrompt), SLOW)
        pane.query_one(PermissionPrompt).focus()
        await pilot.press("a")
        await until(pilot, lambda: pane.runs and not pane.running, SLOW)
        assert (project / "one.txt").exists() and (project / "two.txt").exists()
        decided = [e for e in pane.runs[0].events if e.kind == "permission_decided"]
        assert [e.decision for e in decided] == ["allow_always"]


async def test_esc_interrupts_a_running_tool_call_and_enter_follows_up(fake_api, project):
    fake_api.add(calls("msg_1", ("toolu_wait", "Bash", {"command": "python3 -c 'import time; time.sleep(30)'"})))
    app, pane = claude_pane(project)
    async with app.run_test(size=(110, 34)) as pilot:
        await type_task(pilot, pane, "wait")
        await until(pilot, lambda: pane.query(PermissionPrompt), SLOW)
        pane.query_one(PermissionPrompt).focus()
        await pilot.press("y")
        await until(pilot, lambda: "toolu_wait" in pane.runs[0].view.blocks, SLOW)
        await pilot.pause(1.0)
        pane.focus_input()
        await pilot.press("escape")
        await until(pilot, lambda: not pane.running, 20)
        assert pane.runs[0].stats.status == "cancelled"
        # A follow-up continues the same Claude Code session.
        fake_api.add(text_reply("msg_2", "continued"))
        await type_task(pilot, pane, "go on")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running, SLOW)
        assert pane.runs[1].session is pane.runs[0].session
        assert pane.runs[1].stats.status == "completed"
        assert "go on" in json.dumps(conversation(fake_api)[-1]["messages"])


async def test_an_api_failure_is_shown_as_an_error(fake_api, project):
    from fake_api import Reply, error_body

    fake_api.route(lambda body: True, lambda: Reply.json(
        400, error_body("invalid_request_error", "messages.0.content: BAD-REQUEST marker")))
    app, pane = claude_pane(project)
    async with app.run_test(size=(110, 34)) as pilot:
        await type_task(pilot, pane, "anything")
        await until(pilot, lambda: pane.runs and not pane.running, SLOW)
        assert pane.runs[0].stats.status == "error"
        notices = " ".join(str(n.render()) for n in pane.runs[0].view.query("Notice"))
        assert "BAD-REQUEST" in notices


async def test_the_palette_switches_the_engine_and_the_status_line_says_so(make_app, monkeypatch):
    from tests.ui.helpers import run_command
    from workbench.ui.screens.choice import ChoiceDialog

    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.chat
        assert status_text(pane) == "engine: built-in"  # WORKBENCH_ENGINE=builtin in tests
        await run_command(pilot, "run: engine")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "down", "enter")  # Claude Code
        await settle(pilot)
        assert pane.engine == "claude-code"
        assert status_text(pane).startswith("engine: Claude Code 2.") and "as a subagent" in status_text(pane)
        await run_command(pilot, "run: run as")
        await pilot.press("down", "enter")
        await settle(pilot)
        assert pane.run_as == "main" and "as the main agent" in status_text(pane)
        # Without the SDK, choosing Claude Code says how to install it and keeps the engine.
        monkeypatch.setitem(__import__("sys").modules, "claude_agent_sdk", None)
        await run_command(pilot, "run: engine")
        await pilot.press("up", "enter")  # from Claude Code (highlighted) to built-in
        await settle(pilot)
        assert pane.engine == "builtin" and status_text(pane) == "engine: built-in"
        await run_command(pilot, "run: engine")
        await pilot.press("down", "enter")  # from built-in to Claude Code
        await settle(pilot)
        assert pane.engine == "builtin"
        assert any("pip install 'workbench[claude-code]'" in n.message for n in app._notifications)


async def test_f10_compares_the_built_in_engine_with_claude_code(fake_api, make_app, agents_dir, monkeypatch):
    from textual.widgets import OptionList

    from workbench.ui.screens.choice import ChoiceDialog
    from workbench.ui.screens.compare import CompareScreen

    project = agents_dir.parent.parent
    git_project(project)
    monkeypatch.chdir(project)
    serve_claude_code(fake_api)
    monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    # Both engines get the same answer, whichever asks first.
    fake_api.add(text_reply("msg_1", "Same review."), text_reply("msg_2", "Same review."))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        app.main_screen.chat.run_as = "main"
        await pilot.press("f4", *"review notes.txt", "f10")
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("engines")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen))
        compare = app.screen
        await until(pilot, lambda: all(r is not None and not r.active for r in compare.runs), SLOW)
        assert [v.label for v in compare.variants] == ["built-in engine", "Claude Code"]
        assert [run.stats.engine for run in compare.runs] == ["builtin", "claude-code"]
        assert all(run.stats.status == "completed" for run in compare.runs)
        bodies = conversation(fake_api)
        assert len(bodies) == 2
        assert all("meticulous code reviewer" in system_text(body) for body in bodies)


async def _recorded_claude_code_run(fake_api, project) -> list:
    """The events of a real Claude Code run (main agent: Read, Bash, a streamed reply), with what
    changes from run to run (the project's path, ids, times) made fixed for a snapshot."""
    from dataclasses import replace

    from workbench.runtime.claude_code import ClaudeCodeSession
    from workbench.transcripts.events import event_from_dict

    fake_api.add(
        calls("msg_1", ("toolu_read", "Read", {"file_path": str(project / "notes.txt")}), lead="Let me look."),
        calls("msg_2", ("toolu_bash", "Bash", {"command": "echo checked"})),
        text_reply("msg_3", "The notes list **alpha** and **beta**; ", "the check printed `checked`."),
    )

    async def allow(request):
        from workbench.runtime.session import PermissionAnswer

        return PermissionAnswer("allow")

    session = ClaudeCodeSession(AGENT, cwd=project, mode="main", ask_permission=allow)
    try:
        events = [event async for event in session.send("check the notes")]
    finally:
        await session.aclose()
    fixed = []
    for event in events:
        data = json.loads(json.dumps(event.to_dict()).replace(str(project), "/project"))
        for key, value in (("timestamp", 0.0), ("run_id", "run"), ("session_id", "session"),
                           ("duration_ms", 1500.0), ("engine_version", "2.1.337"),
                           ("permission_wait_ms", 0.0)):
            if key in data:
                data[key] = value
        fixed.append(event_from_dict(data))
    return [replace(e) for e in fixed]


def test_the_pane_after_a_claude_code_run(snap_compare, fake_api, project):
    import asyncio

    events = asyncio.run(_recorded_claude_code_run(fake_api, project))

    class Replay:
        async def send(self, text):
            for event in events:
                yield event

        def cancel(self):
            pass

    pane = ChatPane(agent_source=Editor(AGENT).source, cwd=None, session_factory=lambda *args: Replay())

    async def run_before(pilot):
        await type_task(pilot, pane, "check the notes")
        await until(pilot, lambda: pane.runs and not pane.running and not pane.runs[0].pending)
        pane.runs[0].stats.duration_ms = 1500.0
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(ChatHarness(pane), terminal_size=(100, 40), run_before=run_before)


async def test_re_running_a_claude_code_run_from_its_record_runs_in_claude_code(fake_api, make_app, agents_dir,
                                                                                monkeypatch):
    from workbench.transcripts.engine_record import EngineRecord, write_engine_record
    from workbench.transcripts.events import AgentSnapshot
    from workbench.transcripts.origin import run_origin
    from workbench.transcripts.reader import read_transcript
    from workbench.ui.transcript_rerun import rerun_in_app

    project = agents_dir.parent.parent
    git_project(project)
    monkeypatch.chdir(project)
    serve_claude_code(fake_api)
    monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    agent_path = agents_dir / "code-reviewer.md"
    # A Claude Code session file of a run workbench made, and the record beside it.
    session_file = project / "session.jsonl"
    session_file.write_text(json.dumps({
        "type": "user", "uuid": "u1", "parentUuid": None, "sessionId": "sess-1", "timestamp": "2026-12-06T00:00:00Z",
        "cwd": str(project), "message": {"role": "user", "content": "review notes.txt"}}) + "\n")
    write_engine_record(EngineRecord(session_id="sess-1", agent=AgentSnapshot(
        "code-reviewer", str(agent_path), agent_path.read_text()), prompt="review notes.txt", run_as="main"))
    origin = run_origin(read_transcript(session_file))
    assert origin is not None and origin.engine == "claude-code"
    fake_api.add(text_reply("msg_1", "Reviewed again."))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        assert await rerun_in_app(app, origin)
        pane = app.main_screen.chat
        await until(pilot, lambda: pane.runs and not pane.running, SLOW)
        assert pane.runs[0].stats.engine == "claude-code" and pane.runs[0].stats.status == "completed"
        assert "meticulous code reviewer" in system_text(conversation(fake_api)[0])

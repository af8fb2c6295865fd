"""One test, every engine: the built-in engine and Claude Code (its bundled CLI), run on the same
scripted responses, give the same events for the same run. Claude Code's side is skipped when the
SDK is not installed."""

from __future__ import annotations

import pytest
from claude_code_support import AGENT, calls, git_project, serve_claude_code
from fake_api import text_reply

from workbench.runtime.engines import EngineChoice, open_session
from workbench.runtime.session import PermissionAnswer
from workbench.settings import Settings


@pytest.fixture(params=["builtin", "claude-code"])
def engine(request, fake_api, monkeypatch) -> EngineChoice:
    if request.param == "claude-code":
        pytest.importorskip("claude_agent_sdk")
        serve_claude_code(fake_api)
        monkeypatch.setenv("CLAUDE_CODE_MAX_RETRIES", "1")
    return EngineChoice(request.param, run_as="main")


@pytest.fixture
def project(tmp_path):
    return git_project(tmp_path / "project")


async def run(engine: EngineChoice, project, task: str, ask=None) -> list:
    session = open_session(engine, AGENT, cwd=project, settings=Settings(), record=False,
                           include_claude_md=False, ask_permission=ask)
    try:
        return [event async for event in session.send(task)]
    finally:
        await session.aclose()


def shape(events: list) -> list[tuple]:
    """What both engines must agree on: the run's steps, without ids, times or wording of prompts."""
    out = []
    for e in events:
        if e.kind == "text_delta":
            if out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1] + e.text)
            else:
                out.append(("text", e.text))
        elif e.kind == "tool_call_started":
            out.append(("call", e.name, tuple(sorted(e.input.items()))))
        elif e.kind == "permission_requested":
            out.append(("asked", e.name))
        elif e.kind == "permission_decided":
            out.append(("decided", e.decision))
        elif e.kind == "tool_call_finished":
            out.append(("result", e.name, e.status, e.content))
        elif e.kind == "run_ended":
            out.append(("ended", e.status, e.depth))
    return out


async def test_a_streamed_reply_around_a_read(engine, fake_api, project):
    notes = str(project / "notes.txt")
    fake_api.add(calls("msg_1", ("toolu_read", "Read", {"file_path": notes}), lead="Looking."),
                 text_reply("msg_2", "It says ", "alpha."))
    events = await run(engine, project, "what does notes.txt say?")
    assert events[0].kind == "run_started" and events[0].engine == engine.name
    steps = shape(events)
    assert [step[:3] for step in steps] == [
        ("text", "Looking."),
        ("call", "Read", (("file_path", notes),)),
        ("result", "Read", "done"),
        ("text", "It says alpha."),
        ("ended", "completed", 0),
    ]
    assert "alpha" in steps[2][3] and "beta" in steps[2][3]


async def test_read_numbers_lines_as_claude_code_does(engine, fake_api, project):
    """Claude Code 2.1.337 numbers Read's lines `N<TAB>text` and shows the empty line after a final
    newline (../shared/reference/claude-code-runs.md §4); so does the built-in Read."""
    notes = str(project / "notes.txt")
    fake_api.add(calls("msg_1", ("toolu_read", "Read", {"file_path": notes})), text_reply("msg_2", "ok"))
    events = await run(engine, project, "read notes.txt")
    result = next(e for e in events if e.kind == "tool_call_finished")
    assert result.content == "1\talpha\n2\tbeta\n3\t"


async def test_a_command_asked_for_and_allowed(engine, fake_api, project):
    fake_api.add(calls("msg_1", ("toolu_bash", "Bash", {"command": "touch made.txt"})),
                 text_reply("msg_2", "Made."))

    async def allow(request):
        return PermissionAnswer("allow")

    events = await run(engine, project, "make a file", ask=allow)
    assert (project / "made.txt").exists()
    steps = shape(events)
    assert steps[:3] == [("call", "Bash", (("command", "touch made.txt"),)), ("asked", "Bash"),
                         ("decided", "allow")]
    assert steps[3][:3] == ("result", "Bash", "done")
    assert steps[-2:] == [("text", "Made."), ("ended", "completed", 0)]

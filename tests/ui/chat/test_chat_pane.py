"""The chat pane against the scripted Messages API: real Session, real SDK, real tools."""

from __future__ import annotations

import json
import threading

from fake_api import Reply, end, start, text, text_reply, tool_input
from textual.widgets import Input, Markdown

from workbench.ui.chat.pane import NO_KEY_TEXT, ChatPane
from workbench.ui.chat.permission_prompt import PermissionPrompt
from workbench.ui.chat.status_line import StatusLine

from .conftest import ChatHarness

AGENT = "---\nname: helper\ndescription: Helps.\n---\n\nYou are a careful helper.\n"


class Editor:
    """Stands in for the app's editor buffer: the text the pane runs, changed between runs."""

    def __init__(self, text: str = AGENT) -> None:
        self.text = text

    def source(self):
        return self.text, None


def pane_app(workspace, editor: Editor | None = None) -> tuple[ChatHarness, ChatPane]:
    pane = ChatPane(agent_source=(editor or Editor()).source, cwd=workspace)
    return ChatHarness(pane), pane


async def type_task(pilot, pane: ChatPane, task: str) -> None:
    pane.query_one("#chat-input", Input).focus()
    await pilot.press(*task, "enter")


async def until(pilot, condition, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the pane")


def tool_reply(msg_id: str, call_id: str, name: str, value: dict) -> Reply:
    return Reply.sse([start(msg_id), *tool_input(0, call_id, name, value), *end("tool_use")])


async def test_a_typed_task_streams_the_reply_and_totals_into_the_status_line(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Hello ", "from the ", "**agent**."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "say hello")
        await until(pilot, lambda: pane.runs and not pane.running)
        await pilot.pause()
        run = pane.runs[0]
        assert run.view.query_one("Markdown.reply", Markdown).source == "Hello from the **agent**."
        assert "say hello" in str(run.view.query_one(".user-message").render())
        status = str(pane.query_one(StatusLine).render())
        assert "turns 1" in status and "in 20" in status and "out 10" in status
        assert fake_api.bodies()[0]["messages"][0]["content"][-1]["text"] == "say hello"


async def test_a_tool_block_lives_through_a_real_read(fake_api, workspace):
    (workspace / "notes.txt").write_text("first line\nsecond line\n")
    path = str(workspace / "notes.txt")
    fake_api.add(tool_reply("msg_1", "toolu_1", "Read", {"file_path": path}),
                 text_reply("msg_2", "Read it."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "read the notes")
        await until(pilot, lambda: pane.runs and not pane.running)
        await pilot.pause()
        block = pane.runs[0].view.blocks["toolu_1"]
        assert block.status == "done"
        assert path in block.header_content().plain
        assert "second line" in block.body_text()
        assert pane.runs[0].stats.turns == 2


def bash_then_text(call_id: str = "toolu_b", command: str = "echo hello-from-bash") -> list[Reply]:
    return [tool_reply("msg_1", call_id, "Bash", {"command": command}), text_reply("msg_2", "Done.")]


async def answer_prompt(pilot, pane: ChatPane, *keys: str) -> None:
    await until(pilot, lambda: bool(pane.query(PermissionPrompt)))
    await pilot.pause()
    assert pane.query_one(PermissionPrompt).has_focus
    await pilot.press(*keys)


async def test_y_allows_the_command_once(fake_api, workspace):
    fake_api.add(*bash_then_text())
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "run it")
        await answer_prompt(pilot, pane, "y")
        await until(pilot, lambda: not pane.running)
        block = pane.runs[0].view.blocks["toolu_b"]
        assert block.status == "done" and "hello-from-bash" in block.body_text()
        assert not pane.query(PermissionPrompt)


async def test_a_always_allows_the_command_for_the_rest_of_the_session(fake_api, workspace):
    fake_api.add(
        tool_reply("msg_1", "toolu_1", "Bash", {"command": "echo one"}),
        tool_reply("msg_2", "toolu_2", "Bash", {"command": "echo two"}),
        text_reply("msg_3", "Done."),
    )
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "run twice")
        await answer_prompt(pilot, pane, "a")
        await until(pilot, lambda: not pane.running)
        view = pane.runs[0].view
        assert view.blocks["toolu_1"].status == "done" and view.blocks["toolu_2"].status == "done"
        assert "two" in view.blocks["toolu_2"].body_text()
        decisions = [(e.call_id, e.decision, e.by) for e in pane.runs[0].events
                     if e.kind == "permission_decided"]
        assert decisions == [("toolu_1", "allow_always", "user"), ("toolu_2", "allow", "rule")]


async def test_n_with_a_reason_denies_and_tells_the_model_why(fake_api, workspace):
    fake_api.add(*bash_then_text())
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "run it")
        await answer_prompt(pilot, pane, "n", *"use make instead", "enter")
        await until(pilot, lambda: not pane.running)
        block = pane.runs[0].view.blocks["toolu_b"]
        assert block.status == "denied"
        second = fake_api.bodies()[1]["messages"][-1]["content"]
        result = next(part for part in second if part.get("type") == "tool_result")
        assert result.get("is_error") and "use make instead" in json.dumps(result)


async def test_escape_cancels_the_running_turn_and_keeps_what_was_shown(fake_api, workspace):
    hold = threading.Event()
    fake_api.add(Reply.sse([start("msg_1"), *text(0, "Working on it")], hold=hold))
    app, pane = pane_app(workspace)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await type_task(pilot, pane, "take your time")
            await until(pilot, lambda: pane.runs and pane.runs[0].view.query("Markdown.reply"))
            view = pane.runs[0].view
            await pilot.press("escape")
            await until(pilot, lambda: not pane.running)
            await pilot.pause()
            assert pane.runs[0].stats.status == "cancelled"
            assert "Cancelled" in str(view.query_one(".run-footer").render())
            assert view.query_one("Markdown.reply", Markdown).source == "Working on it"
    finally:
        hold.set()


async def test_f5_reruns_the_last_task_with_the_unsaved_edit_and_keeps_the_previous_run(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "First."), text_reply("msg_2", "Second."))
    editor = Editor()
    app, pane = pane_app(workspace, editor)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "summarise")
        await until(pilot, lambda: pane.runs and not pane.running)
        editor.text = AGENT.replace("careful helper", "terse helper who answers in haiku")
        await pane.rerun()
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        first, second = fake_api.bodies()
        system = json.dumps(second["system"])
        assert "terse helper who answers in haiku" in system
        assert "terse helper" not in json.dumps(first["system"])
        assert second["messages"][0]["content"][-1]["text"] == "summarise"
        assert pane.shown is pane.runs[1]
        await pilot.press("f9")
        assert pane.shown is pane.runs[0]


async def test_without_a_key_the_pane_says_how_to_set_one_and_runs_nothing(workspace):
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "ANTHROPIC_API_KEY" in NO_KEY_TEXT and "ANTHROPIC_BASE_URL" in NO_KEY_TEXT
        assert str(pane.query_one("#chat-welcome").render()) == NO_KEY_TEXT
        await type_task(pilot, pane, "hello")
        await pilot.pause()
        assert pane.runs == []


async def test_the_permission_mode_chosen_in_the_pane_governs_the_next_run(fake_api, workspace):
    fake_api.add(tool_reply("msg_1", "toolu_p", "Bash", {"command": "echo planned"}),
                 text_reply("msg_2", "Only planning."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.choose_permission_mode()
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # the agent's, default, acceptEdits, plan
        await pilot.pause()
        assert pane.permission_mode == "plan"
        assert "mode plan" in str(pane.query_one("#chat-title").render())
        await type_task(pilot, pane, "make a plan")
        await until(pilot, lambda: pane.runs and not pane.running)
        assert not pane.query(PermissionPrompt)
        assert pane.runs[0].view.blocks["toolu_p"].status == "denied"


async def test_the_working_directory_chosen_in_the_pane_is_where_tools_run(fake_api, workspace, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "marker.txt").write_text("found me\n")
    fake_api.add(tool_reply("msg_1", "toolu_r", "Read", {"file_path": str(other / "marker.txt")}),
                 text_reply("msg_2", "Read."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.choose_cwd()
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(other)
        await pilot.press("enter")
        await pilot.pause()
        assert pane.cwd == other.resolve()
        await type_task(pilot, pane, "read the marker")
        await until(pilot, lambda: pane.runs and not pane.running)
        assert "found me" in pane.runs[0].view.blocks["toolu_r"].body_text()


async def test_a_retry_and_a_final_error_are_told_in_words_with_what_to_do(fake_api, workspace, monkeypatch):
    from fake_api import Reply, error_body

    from workbench.ui.chat.notice import Notice

    monkeypatch.setenv("WORKBENCH_RETRY_DELAY_SCALE", "0")
    overloaded = Reply.json(529, error_body("overloaded_error", "Overloaded"))
    fake_api.add(overloaded, Reply.json(401, error_body("authentication_error", "invalid x-api-key")))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "hello")
        await until(pilot, lambda: pane.runs and not pane.running)
        await pilot.pause()
        words = [notice.render().plain for notice in pane.runs[0].view.query(Notice)]
        assert any(w.startswith("Retrying:") and "attempt 1 of" in w for w in words)
        assert any("Error" in w and "ANTHROPIC_API_KEY" in w for w in words)
        assert pane.runs[0].stats.status == "error"


async def test_the_permission_prompt_shows_a_described_command_once(fake_api, workspace):
    command = "echo shown-once"
    fake_api.add(tool_reply("msg_1", "toolu_b", "Bash", {"command": command, "description": "Say it"}),
                 text_reply("msg_2", "Done."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "run it")
        await until(pilot, lambda: bool(pane.query(PermissionPrompt)))
        await pilot.pause()
        detail = pane.query_one(PermissionPrompt).query_one(".prompt-detail Static")
        shown = str(detail.render())
        assert shown.count(command) == 1 and "Say it" in shown
        await pilot.press("y")
        await until(pilot, lambda: not pane.running)


async def test_after_escape_at_a_permission_prompt_typing_goes_to_the_chat_input(fake_api, workspace):
    fake_api.add(*bash_then_text())
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "run it")
        await until(pilot, lambda: bool(pane.query(PermissionPrompt)))
        await pilot.pause()
        assert pane.query_one(PermissionPrompt).has_focus
        await pilot.press("escape")
        await until(pilot, lambda: not pane.running and not pane.query(PermissionPrompt))
        await pilot.pause()
        await pilot.press(*"next")
        chat_input = pane.query_one("#chat-input", Input)
        assert chat_input.has_focus and chat_input.value == "next"


async def test_a_run_says_starting_at_once_until_its_first_event(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Hello."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        run = await pane.start_run("say hello")
        # Before the worker has loaded the SDK or sent a request: no event yet, yet a sign of life.
        assert run is not None and not run.events
        assert "starting…" in str(pane.query_one(StatusLine).render())
        await until(pilot, lambda: not pane.running)
        await pilot.pause()
        status = str(pane.query_one(StatusLine).render())
        assert "starting…" not in status and "turns 1" in status

"""Enter after a run continues the same session; F5 and `/new` start fresh ones."""

from __future__ import annotations

from fake_api import text_reply

from workbench.ui.chat.pane import ChatPane
from workbench.ui.chat.permission_prompt import PermissionPrompt

from .conftest import ChatHarness
from .test_chat_pane import Editor, pane_app, type_task, until


def _texts(message: dict) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return " ".join(block.get("text", "") for block in content if isinstance(block, dict))


async def test_enter_after_a_run_sends_a_follow_up_carrying_the_first_exchange(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Paris."), text_reply("msg_2", "About two million."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "capital of France?")
        await until(pilot, lambda: pane.runs and not pane.running)
        await type_task(pilot, pane, "how many people live there?")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        await pilot.pause()
        second = fake_api.bodies()[1]["messages"]
        assert [m["role"] for m in second] == ["user", "assistant", "user"]
        assert "capital of France?" in _texts(second[0])
        assert "Paris." in _texts(second[1])
        assert "how many people live there?" in _texts(second[2])
        first, follow_up = pane.runs
        # One session, one conversation on screen: both replies in the same view.
        assert follow_up.session is first.session and follow_up.view is first.view
        # The first reply may be folded by now (a FoldedReply drawn as it was), its source kept.
        replies = [reply.source for reply in first.view.query(".reply")]
        assert replies == ["Paris.", "About two million."]
        assert len(first.view.query(".user-message")) == 2


async def test_f5_starts_a_fresh_session_without_the_earlier_exchange(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Paris."), text_reply("msg_2", "Paris again."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "capital of France?")
        await until(pilot, lambda: pane.runs and not pane.running)
        await pane.rerun()
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        assert len(fake_api.bodies()[1]["messages"]) == 1
        assert pane.runs[1].session is not pane.runs[0].session


async def test_typing_new_makes_the_next_task_start_a_fresh_session(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Paris."), text_reply("msg_2", "Rome."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "capital of France?")
        await until(pilot, lambda: pane.runs and not pane.running)
        await type_task(pilot, pane, "/new")
        assert pane.continuable is None and len(pane.runs) == 1
        await type_task(pilot, pane, "capital of Italy?")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        second = fake_api.bodies()[1]["messages"]
        assert len(second) == 1 and "capital of Italy?" in _texts(second[0])
        assert pane.runs[1].view is not pane.runs[0].view


async def test_new_followed_by_a_task_runs_it_in_a_fresh_session_at_once(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Paris."), text_reply("msg_2", "Rome."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "capital of France?")
        await until(pilot, lambda: pane.runs and not pane.running)
        await type_task(pilot, pane, "/new capital of Italy?")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        assert len(fake_api.bodies()[1]["messages"]) == 1
        assert pane.runs[1].prompt == "capital of Italy?"


async def test_the_palette_command_run_new_session_makes_the_next_task_fresh(fake_api, make_app, agents_dir,
                                                                             monkeypatch):
    from tests.ui.helpers import settle
    from workbench.ui.chat.pane import ChatPane

    monkeypatch.chdir(agents_dir.parent.parent)
    fake_api.add(text_reply("msg_1", "First."))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.query_one(ChatPane)
        await pilot.press("f4", *"review main.py", "enter")
        await until(pilot, lambda: pane.runs and not pane.running)
        assert pane.continuable is pane.runs[0]
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "run: new session")
        command.callback()
        assert pane.continuable is None


async def test_a_permission_mode_chosen_between_turns_governs_the_follow_up(fake_api, workspace):
    from .test_chat_pane import tool_reply

    fake_api.add(text_reply("msg_1", "Hello."),
                 tool_reply("msg_2", "toolu_p", "Bash", {"command": "echo planned"}),
                 text_reply("msg_3", "Only planning."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "hi")
        await until(pilot, lambda: pane.runs and not pane.running)
        pane.choose_permission_mode()
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # the agent's, default, acceptEdits, plan
        await pilot.pause()
        assert pane.permission_mode == "plan"
        await type_task(pilot, pane, "now run echo")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        first, follow_up = pane.runs
        assert follow_up.session is first.session
        assert not pane.query(PermissionPrompt)
        assert follow_up.view.blocks["toolu_p"].status == "denied"


async def test_enter_after_switching_agents_starts_a_new_session_and_says_so(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "Paris."), text_reply("msg_2", "Rome."))
    first_path, second_path = workspace / "geographer.md", workspace / "historian.md"
    editor = Editor()
    editor.path = first_path
    pane = ChatPane(agent_source=lambda: (editor.text, editor.path), cwd=workspace)
    app = ChatHarness(pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "capital of France?")
        await until(pilot, lambda: pane.runs and not pane.running)
        editor.path = second_path  # another agent opened in the editor
        await type_task(pilot, pane, "capital of Italy?")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        second = fake_api.bodies()[1]["messages"]
        assert len(second) == 1 and "capital of Italy?" in _texts(second[0])
        first, new = pane.runs
        assert new.session is not first.session and new.path == second_path
        assert any("New session for historian" in n.message for n in app._notifications)

"""The chat pane inside the app: it runs the editor's text, saved or not."""

from __future__ import annotations

import json

from fake_api import text_reply

from tests.ui.helpers import settle
from workbench.ui.chat.pane import ChatPane

from .test_chat_pane import until


async def test_f5_reruns_the_task_with_the_unsaved_edit_of_the_open_agent(fake_api, make_app, agents_dir,
                                                                            monkeypatch):
    monkeypatch.chdir(agents_dir.parent.parent)  # runs work in the project folder
    fake_api.add(text_reply("msg_1", "First."), text_reply("msg_2", "Second."))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.query_one(ChatPane)
        await pilot.press("f4", *"review main.py", "enter")
        await until(pilot, lambda: pane.runs and not pane.running)
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(len(editor.text))
        await pilot.press(*"Always cite line numbers.")
        assert app.main_screen.dirty
        await pilot.press("f5")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        first, second = (json.dumps(body["system"]) for body in fake_api.bodies())
        assert "Always cite line numbers." in second and "Always cite line numbers." not in first
        assert fake_api.bodies()[1]["messages"][0]["content"][0]["text"] == "review main.py"
        await pilot.press("f9")
        assert pane.shown is pane.runs[0]


async def test_without_a_key_the_rest_of_the_app_keeps_working(make_app):
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.query_one(ChatPane)
        assert "ANTHROPIC_API_KEY" in str(pane.query_one("#chat-welcome").render())
        await pilot.press("f5")
        await pilot.press("f3", "end", *"x")
        assert app.main_screen.dirty and pane.runs == []

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


DELEGATOR = """---
name: delegator
description: Hands work to other agents.
tools: Agent
---
You delegate reviews.
"""


async def test_a_delegation_from_the_chat_pane_finds_the_agent_in_the_apps_catalog(
        fake_api, make_app, agents_dir, monkeypatch):
    from fake_api import Reply, end, start, tool_input

    from workbench.ui.chat.tool_block import ToolCallBlock

    monkeypatch.chdir(agents_dir.parent.parent)
    (agents_dir / "delegator.md").write_text(DELEGATOR, encoding="utf-8")
    fake_api.add(
        Reply.sse([start("p1"), *tool_input(0, "ta", "Agent", {
            "description": "review", "prompt": "Review main.py", "subagent_type": "code-reviewer"}),
            *end("tool_use")]),
        text_reply("c1", "Looks fine to me."),
        text_reply("p2", "The reviewer is happy."),
    )
    app = make_app("delegator.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.query_one(ChatPane)
        await pilot.press("f4", *"get a review", "enter")
        await until(pilot, lambda: pane.runs and not pane.running)
        bodies = fake_api.bodies()
        assert len(bodies) == 3
        assert bodies[1]["system"][0]["text"].startswith("You are a meticulous code reviewer.")
        result = bodies[2]["messages"][-1]["content"][0]
        assert result["tool_use_id"] == "ta" and result["content"][0]["text"] == "Looks fine to me."
        block = pane.runs[0].view.blocks["ta"]
        assert block.status == "done"
        assert "Looks fine to me." in " ".join(
            str(w.render()) for w in block.nested.query("*") if hasattr(w, "render"))
        assert isinstance(block, ToolCallBlock)


async def test_a_task_after_opening_another_agent_goes_to_a_new_session_of_that_agent(
        fake_api, make_app, agents_dir, monkeypatch):
    monkeypatch.chdir(agents_dir.parent.parent)
    (agents_dir / "summarizer.md").write_text(
        "---\nname: summarizer\ndescription: Summarises files.\n---\nYou write short summaries.\n",
        encoding="utf-8")
    fake_api.add(text_reply("msg_1", "Reviewed."), text_reply("msg_2", "Summarised."))
    app = make_app("code-reviewer.md")
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.query_one(ChatPane)
        await pilot.press("f4", *"review main.py", "enter")
        await until(pilot, lambda: pane.runs and not pane.running)
        assert app.main_screen.open_agent(agents_dir / "summarizer.md")
        await settle(pilot)
        pane.query_one("#chat-input").focus()
        await pilot.press(*"summarise main.py", "enter")
        await until(pilot, lambda: len(pane.runs) == 2 and not pane.running)
        second = fake_api.bodies()[1]
        assert len(second["messages"]) == 1 and "short summaries" in json.dumps(second["system"])
        assert pane.runs[1].session is not pane.runs[0].session
        assert any("New session for summarizer" in n.message for n in app._notifications)


INHERITING = """---
name: inheritor
description: Runs on the main model.
model: inherit
---
You help.
"""


async def test_the_run_header_shows_the_model_effort_and_tools_the_run_got(fake_api, make_app, agents_dir,
                                                                            monkeypatch):
    monkeypatch.chdir(agents_dir.parent.parent)
    (agents_dir / "inheritor.md").write_text(INHERITING, encoding="utf-8")
    fake_api.add(text_reply("msg_1", "Hi."))
    app = make_app("inheritor.md")
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        pane = app.main_screen.query_one(ChatPane)
        await pilot.press("f4", *"hello", "enter")
        await until(pilot, lambda: pane.runs and not pane.running)
        header = str(pane.query_one(".run-header").render())
        # `inherit` with no main model chosen is Claude Code's default: opus, at its default effort.
        assert "claude-opus-5-5 · effort medium" in header
        assert "tools: Agent, Bash, Edit, Read, Skill, ToolSearch, Write" in header
        assert "by ToolSearch: NotebookEdit, TaskStop, WebFetch, WebSearch" in header

"""Form helpers: the tool, model and colour pickers edit only the frontmatter field they own."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.ui.conftest import BROKEN_AGENT, CLEAN_AGENT
from tests.ui.helpers import run_command, settle
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.screens.text_prompt import TextPromptDialog
from workbench.ui.screens.tool_picker import ToolPickerDialog, mcp_server_names, tool_groups


def test_tools_are_grouped_as_the_wizard_grouped_them_with_deprecated_names_flagged():
    groups = dict(tool_groups(["Read", "LS", "mcp__github__create_issue", "Frobnicate"]))
    assert list(groups)[:3] == ["Read-only tools", "Edit tools", "Execution tools"]
    assert groups["Edit tools"] == ["Edit", "Write", "NotebookEdit"]
    assert groups["Execution tools"] == ["Bash"]
    assert groups["MCP server github"] == ["mcp__github", "mcp__github__create_issue"]
    assert groups["Deprecated (Claude Code drops these)"] == ["LS"]
    assert groups["As written (not a known tool)"] == ["Frobnicate"]
    assert "AskUserQuestion" not in groups["Other tools"]  # unavailable to subagents



async def test_the_tool_picker_toggles_a_group_and_writes_only_the_tools_line(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: tools")
        assert isinstance(app.screen, ToolPickerDialog)
        selection = app.screen.query_one(SelectionList)
        selection.toggle("group:Edit tools")
        await pilot.pause()
        assert {"Edit", "Write", "NotebookEdit"} <= set(selection.selected)
        await pilot.click("#apply")
        await settle(pilot)
        text = app.main_screen.editor.text
        assert text == CLEAN_AGENT.replace("tools: Read, Grep, Glob",
                                           "tools: Read, Grep, Glob, Edit, Write, NotebookEdit")


async def test_all_tools_removes_the_tools_line(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: tools")
        await pilot.click("#all-tools")
        await pilot.click("#apply")
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT.replace("tools: Read, Grep, Glob\n", "")


async def test_deprecated_tools_are_shown_and_can_be_dropped(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: tools")
        selection = app.screen.query_one(SelectionList)
        assert {"LS", "MultiEdit"} <= set(selection.selected)
        selection.deselect("LS")
        selection.deselect("MultiEdit")
        await pilot.click("#apply")
        await settle(pilot)
        assert "tools: Read, Bash\n" in app.main_screen.editor.text
        assert "AG132" not in [d.code for d in app.main_screen.editor.diagnostics]


async def test_the_model_picker_sets_an_alias_and_inherit_removes_the_line(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: model")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")  # from sonnet to opus
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT.replace("model: sonnet", "model: opus")
        await run_command(pilot, "edit: model")
        await pilot.press("down", "down", "down", "enter")  # opus -> inherit
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT.replace("model: sonnet\n", "")


async def test_a_custom_model_id_is_typed_in(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: model")
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptDialog)
        app.screen.query_one("#prompt-input").value = "claude-sonnet-4-5"
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT.replace(
            "model: sonnet", "model: claude-sonnet-4-5")


async def test_the_colour_picker_sets_a_colour_and_automatic_removes_it(make_app):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: colour")
        await pilot.press("down", "down", "down", "enter")  # automatic, red, blue, green
        await settle(pilot)
        assert app.main_screen.editor.text == BROKEN_AGENT.replace("color: Green", "color: green")
        await run_command(pilot, "edit: colour")
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.main_screen.editor.text == BROKEN_AGENT.replace("color: Green\n", "")


def test_mcp_tools_are_grouped_by_the_servers_the_agent_names_in_tools_and_mcp_servers():
    servers = mcp_server_names(["github", {"playwright": {"type": "stdio", "command": "npx"}}, 3])
    assert servers == ["github", "playwright"]
    groups = dict(tool_groups(["mcp__github__create_issue", "mcp__slack", "mcp__bad name"], servers))
    assert groups["MCP server github"] == ["mcp__github", "mcp__github__create_issue"]
    assert groups["MCP server slack"] == ["mcp__slack"]
    assert groups["MCP server playwright"] == ["mcp__playwright"]
    assert groups["As written (not a known tool)"] == ["mcp__bad name"]
    assert mcp_server_names({"github": {}}) == []  # a mapping is ignored by Claude Code


async def test_the_tool_picker_offers_the_servers_of_mcp_servers_and_writes_only_the_tools_line(
        make_app, agents_dir):
    text = CLEAN_AGENT.replace("color: blue\n", "color: blue\nmcpServers:\n  - github\n")
    (agents_dir / "code-reviewer.md").write_text(text, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "edit: tools")
        selection = app.screen.query_one(SelectionList)
        selection.toggle("group:MCP server github")
        await pilot.pause()
        await pilot.click("#apply")
        await settle(pilot)
        assert app.main_screen.editor.text == text.replace(
            "tools: Read, Grep, Glob", "tools: Read, Grep, Glob, mcp__github")


async def test_the_permission_mode_picker_adds_the_line_and_the_parents_mode_removes_it(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: set permission mode")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("end", "enter")  # the last mode: plan
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT.replace(
            "color: blue\n", "color: blue\npermissionMode: plan\n")
        await run_command(pilot, "agent: set permission mode")
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT


async def test_the_effort_and_memory_pickers_write_their_lines_where_the_wizard_did(make_app):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: set effort")
        await pilot.press("down", "down", "down", "enter")  # none, low, medium, high
        await settle(pilot)
        await run_command(pilot, "agent: set memory")
        await pilot.press("down", "down", "enter")  # none, user, project
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT.replace(
            "model: sonnet\ncolor: blue\n", "model: sonnet\neffort: high\ncolor: blue\nmemory: project\n")

"""Form helpers: the tool, model and colour pickers edit only the frontmatter field they own."""

from __future__ import annotations

from textual.widgets import SelectionList

from tests.ui.conftest import BROKEN_AGENT, CLEAN_AGENT
from tests.ui.helpers import run_command, settle
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.screens.text_prompt import TextPromptDialog
from workbench.ui.screens.tool_picker import ToolPickerDialog, tool_groups


def test_tools_are_grouped_as_the_wizard_grouped_them_with_deprecated_names_flagged():
    groups = dict(tool_groups(["Read", "LS", "mcp__github__create_issue", "Frobnicate"]))
    assert list(groups)[:3] == ["Read-only tools", "Edit tools", "Execution tools"]
    assert groups["Edit tools"] == ["Edit", "Write", "NotebookEdit"]
    assert groups["Execution tools"] == ["Bash"]
    assert groups["MCP tools"] == ["mcp__github__create_issue"]
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

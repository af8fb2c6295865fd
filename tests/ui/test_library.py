"""The agent library: the sidebar, selection, and new / duplicate / rename / delete."""

from __future__ import annotations

from textual.widget import Widget

from tests.ui.conftest import BROKEN_AGENT, CLEAN_AGENT
from tests.ui.helpers import run_command, screen_text, settle
from workbench.agents.catalog import Scope, ScopeKind
from workbench.ui.app import WorkbenchApp
from workbench.ui.messages import AgentSelected
from workbench.ui.screens.confirm import ConfirmDialog
from workbench.ui.screens.new_agent import NewAgentDialog
from workbench.ui.widgets.sidebar import Sidebar



async def test_the_sidebar_lists_agents_by_scope_with_model_and_health(make_app):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "▼ project 2  " in text
        assert "■ code-reviewer  ✓  sonnet" in text
        assert "□ Test Runner  ▲ 4  sonnet" in text


async def test_an_agent_claude_code_skips_is_marked_not_loaded(make_app, agents_dir):
    skipped = CLEAN_AGENT.replace("code-reviewer", "hooked").replace(
        "color: blue", "color: blue\nhooks: [lint]")
    (agents_dir / "hooked.md").write_text(skipped)
    refused = CLEAN_AGENT.replace("code-reviewer", "refused").replace(
        "tools: Read, Grep, Glob", "tools: Grpe")
    (agents_dir / "refused.md").write_text(refused)
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "■ hooked  ✗ 1 not loaded  sonnet" in text  # AG166: Claude Code skips the file
        assert "■ refused  ✗ 1  sonnet" in text  # AG137: loaded, but it will not run


async def test_shadowed_and_duplicate_definitions_say_which_one_wins(make_app, tmp_path, agents_dir):
    user = tmp_path / "home" / ".claude" / "agents"
    user.mkdir(parents=True)
    (user / "code-reviewer.md").write_text(CLEAN_AGENT)
    (agents_dir / "reviewer-copy.md").write_text(BROKEN_AGENT)
    scopes = [Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.USER, user)]
    app = make_app(scopes=scopes)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "■ code-reviewer  ✓  project wins" in text
        assert "✗ 1  dup, wins" in text
        assert "✗ 1  dup, reviewer-copy" in text  # the row ends in an ellipsis here


async def test_the_filter_box_filters_by_name_or_description_and_counts(make_app):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one("#agent-filter").focus()
        await pilot.press(*"careful review")
        await pilot.pause()
        text = screen_text(app)
        assert "code-reviewer" in text and "Test Runner" not in text
        assert "1/2" in text


async def test_choosing_an_agent_opens_it_and_tells_the_chat_column(make_app, agents_dir):
    seen: list = []

    class Listener(Widget):
        def on_agent_selected(self, message: AgentSelected) -> None:
            seen.append(message.path)

    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await app.screen.query_one("#chat-column").mount(Listener())
        sidebar = app.screen.query_one(Sidebar)
        sidebar.tree.focus()
        sidebar.select_path(agents_dir / "test-runner.md")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.path == agents_dir / "test-runner.md"
        assert seen == [agents_dir / "test-runner.md"]
        assert app.current_agent_source() == (BROKEN_AGENT, agents_dir / "test-runner.md")


async def test_an_unsaved_buffer_survives_switching_to_another_agent_and_back(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.editor.focus()
        await pilot.press("end", *"zz")
        await settle(pilot)
        assert "code-reviewer •" in screen_text(app)
        screen.open_agent(agents_dir / "test-runner.md")
        await settle(pilot)
        screen.open_agent(agents_dir / "code-reviewer.md")
        await settle(pilot)
        assert screen.editor.text != CLEAN_AGENT and "zz" in screen.editor.text
        assert screen.dirty
        assert app.current_agent_source()[0] == screen.editor.text


async def test_ctrl_n_creates_an_agent_from_the_template_that_lints_clean(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NewAgentDialog)
        await pilot.press(*"Bad Name", "enter")
        await pilot.pause()
        assert "lower-case" in str(app.screen.query_one("#new-error").render())
        app.screen.query_one("#new-name").value = ""
        await pilot.press(*"doc-writer", "tab", *"Use this agent when docs need writing.")
        await pilot.press("enter")
        await settle(pilot)
        path = agents_dir / "doc-writer.md"
        assert path.is_file()
        assert app.main_screen.path == path
        assert app.main_screen.editor.diagnostics == []
        assert "doc-writer" in screen_text(app)


async def test_duplicate_saves_a_renamed_copy_and_opens_it(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: duplicate")
        await pilot.press("enter")  # accept the proposed name
        await settle(pilot)
        copy = agents_dir / "code-reviewer-copy.md"
        assert copy.read_text() == CLEAN_AGENT.replace("name: code-reviewer", "name: code-reviewer-copy")
        assert app.main_screen.path == copy


async def test_rename_moves_the_file_and_the_list_follows(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: rename")
        app.screen.query_one("#prompt-input").value = ""
        await pilot.press(*"reviewer", "enter")
        await settle(pilot)
        assert not (agents_dir / "code-reviewer.md").exists()
        assert (agents_dir / "reviewer.md").read_text().startswith("---\nname: reviewer\n")
        assert app.main_screen.path == agents_dir / "reviewer.md"
        text = screen_text(app)
        assert "■ reviewer  ✓  sonnet" in text and "code-reviewer" not in text


async def test_rename_moves_the_saved_file_and_keeps_unsaved_edits_unsaved(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        editor = app.main_screen.editor
        editor.focus()
        editor.move_cursor_to_offset(len(editor.text))
        await pilot.press(*"Unsaved.")
        await settle(pilot)
        await run_command(pilot, "agent: rename")
        app.screen.query_one("#prompt-input").value = ""
        await pilot.press(*"reviewer", "enter")
        await settle(pilot)
        target = agents_dir / "reviewer.md"
        assert not (agents_dir / "code-reviewer.md").exists()
        saved_renamed = CLEAN_AGENT.replace("name: code-reviewer", "name: reviewer")
        assert target.read_text() == saved_renamed
        screen = app.main_screen
        assert screen.path == target
        assert screen.editor.text == saved_renamed + "Unsaved."
        assert screen.dirty
        assert "reviewer.md ●" in screen_text(app)


async def test_delete_asks_first_and_no_keeps_the_file(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: delete")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert (agents_dir / "code-reviewer.md").exists()
        await run_command(pilot, "agent: delete")
        await pilot.press("y")
        await settle(pilot)
        assert not (agents_dir / "code-reviewer.md").exists()
        assert app.main_screen.path is None
        assert "code-reviewer" not in screen_text(app)


async def test_a_new_agent_in_a_project_without_an_agents_folder_is_listed(tmp_path, monkeypatch):
    project = tmp_path / "fresh"
    project.mkdir()
    monkeypatch.chdir(project)
    user = tmp_path / "home" / ".claude" / "agents"
    user.mkdir(parents=True)
    (user / "code-reviewer.md").write_text(CLEAN_AGENT)
    app = WorkbenchApp([Scope(ScopeKind.USER, user)], open_path=user / "code-reviewer.md")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"doc-writer", "tab", *"Use this agent when docs need writing.", "enter")
        await settle(pilot)
        path = project / ".claude" / "agents" / "doc-writer.md"
        assert path.is_file() and app.main_screen.path == path
        assert app.main_screen.catalog.entry(path).status == "active"
        assert "▼ project 1" in screen_text(app) and "doc-writer" in screen_text(app)


async def test_after_a_delete_the_editor_takes_no_typing_until_an_agent_opens(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: delete")
        await pilot.press("y")
        await settle(pilot)
        screen = app.main_screen
        screen.editor.focus()
        await pilot.press(*"lost")
        await pilot.pause()
        assert screen.editor.text == ""
        assert "no agent open" in screen_text(app)
        assert screen.open_agent(agents_dir / "test-runner.md")
        await settle(pilot)
        screen.editor.focus()
        screen.editor.move_cursor_to_offset(len(screen.editor.text))
        await pilot.press(*"kept")
        await settle(pilot)
        assert screen.editor.text == BROKEN_AGENT + "kept"


async def test_rename_of_a_file_deleted_on_disk_is_refused_and_keeps_the_buffer(make_app, agents_dir):
    from workbench.ui.app import WorkbenchApp

    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        path = agents_dir / "code-reviewer.md"
        path.unlink()
        app.post_message(WorkbenchApp.FilesChanged({path}))
        await settle(pilot)
        await run_command(pilot, "agent: rename")
        app.screen.query_one("#prompt-input").value = ""
        await pilot.press(*"reviewer", "enter")
        await settle(pilot)
        assert not (agents_dir / "reviewer.md").exists()
        assert any("not on disk" in n.message for n in app._notifications)
        assert app.main_screen.path == path
        assert app.main_screen.editor.text == CLEAN_AGENT

"""Bundled example agents are read-only: they open and take edits, but ctrl+s saves a copy in a
writable scope, and rename and delete are refused. The app tests point the bundled scope at a copy
of the examples in a temp folder; the package's own files are checked byte for byte after every test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.helpers import run_command, screen_text, settle
from workbench.agents.catalog import Scope, ScopeKind
from workbench.paths import bundled_agents_dir
from workbench.ui import agent_files
from workbench.ui.agent_files import AgentFileProblem
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.choice import ChoiceDialog
from workbench.ui.widgets.editor_header import EditorHeader

BUNDLED_READ_ONLY = "bundled example agents are read-only; duplicate it to change it"


def _package_files() -> dict[Path, bytes]:
    """Every file of the bundled folder: the agents, and their suites and fixtures under tests/."""
    return {p: p.read_bytes() for p in sorted(bundled_agents_dir().rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(autouse=True)
def package_files_untouched():
    """Whatever a test does, the bundled agents of the package keep every byte."""
    before = _package_files()
    yield
    after = _package_files()
    assert after == before


@pytest.fixture
def examples(tmp_path) -> Path:
    """A copy of the bundled agents folder, to be the app's bundled scope."""
    folder = tmp_path / "package" / "agents"
    shutil.copytree(bundled_agents_dir(), folder)
    return folder


def app_over(scopes: list[Scope], open_path: Path) -> WorkbenchApp:
    return WorkbenchApp(scopes, open_path=open_path)


def header(app) -> str:
    return str(app.screen.query_one(EditorHeader).render())


def dialog_text(app) -> tuple[str, list[str]]:
    """The choice dialog's title and its options' labels."""
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    choices = dialog.query_one("#choices")
    labels = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
    return str(dialog.query_one("Label").render()), labels


async def edit(pilot, text: str = "Also check the logs.") -> str:
    editor = pilot.app.main_screen.editor
    editor.focus()
    editor.move_cursor_to_offset(len(editor.text))
    await pilot.press(*text)
    await settle(pilot)
    return editor.text


async def test_a_bundled_agent_takes_edits_and_its_header_says_it_is_read_only(agents_dir, examples):
    debugger = examples / "debugger.md"
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        assert "debugger.md   read-only bundled example · ctrl+s saves a copy" in header(app)
        edited = await edit(pilot)
        assert app.main_screen.editor.text == edited and app.main_screen.dirty
        assert "debugger.md ● read-only bundled example" in header(app)
        assert "debugger •" in screen_text(app)  # unsaved, in the list as any other agent


async def test_ctrl_s_on_a_bundled_agent_saves_a_copy_in_the_project_and_opens_it(agents_dir,
                                                                                   examples):
    debugger = examples / "debugger.md"
    shipped = debugger.read_bytes()
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        edited = await edit(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        title, options = dialog_text(app)
        assert title == "Save a copy of debugger to:"
        assert options[0].startswith("project") and options[1].startswith("user")
        await pilot.press("enter")
        await settle(pilot)
        copy = agents_dir / "debugger.md"
        assert copy.read_text() == edited
        assert debugger.read_bytes() == shipped
        screen = app.main_screen
        assert screen.path == copy and not screen.dirty
        assert screen.catalog.entry(copy).status == "active"
        shadowed = screen.catalog.entry(debugger)
        assert shadowed.status == "shadowed" and shadowed.document.text == shipped.decode()
        assert "debugger •" not in screen_text(app)
        assert any("saved a copy of debugger to" in n.message and "takes the place of the bundled"
                   in n.message for n in app._notifications)
        screen.open_agent(debugger)
        await settle(pilot)
        assert screen.editor.text == shipped.decode() and not screen.dirty


async def test_the_copy_goes_to_a_new_project_folder_when_there_is_none(tmp_path, examples,
                                                                        monkeypatch):
    project = tmp_path / "fresh"
    project.mkdir()
    monkeypatch.chdir(project)
    debugger = examples / "debugger.md"
    app = app_over([Scope(ScopeKind.BUNDLED, examples)], debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        edited = await edit(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        copy = project / ".claude" / "agents" / "debugger.md"
        assert copy.read_text() == edited
        screen = app.main_screen
        assert screen.path == copy
        assert screen.catalog.entry(copy).status == "active"
        assert screen.catalog.entry(debugger).status == "shadowed"
        assert "▼ project 1" in screen_text(app)


async def test_a_copy_never_overwrites_a_file_and_the_other_scope_can_be_chosen(agents_dir,
                                                                                examples):
    reviewer = examples / "code-reviewer.md"
    mine = (agents_dir / "code-reviewer.md").read_bytes()
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   reviewer)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        edited = await edit(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")  # the project, which has a code-reviewer.md already
        await pilot.pause()
        title, options = dialog_text(app)
        assert "code-reviewer.md already exists in" in title and "not overwritten" in title
        assert len(options) == 1 and options[0].startswith("user")
        assert "overwritten." in screen_text(app)  # the long title wraps, not cut off
        assert (agents_dir / "code-reviewer.md").read_bytes() == mine
        await pilot.press("enter")
        await settle(pilot)
        copy = Path.home() / ".claude" / "agents" / "code-reviewer.md"
        assert copy.read_text() == edited
        assert app.main_screen.path == copy
        assert (agents_dir / "code-reviewer.md").read_bytes() == mine
        # The project's code-reviewer still wins the name, so the notice does not say the copy does.
        notice = [n.message for n in app._notifications if "saved a copy" in n.message][-1]
        assert "takes the place" not in notice


async def test_escape_in_the_save_a_copy_dialog_writes_nothing_and_keeps_the_edits(agents_dir,
                                                                                   examples):
    debugger = examples / "debugger.md"
    shipped = debugger.read_bytes()
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        edited = await edit(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceDialog)
        assert not (agents_dir / "debugger.md").exists()
        assert debugger.read_bytes() == shipped
        assert app.main_screen.editor.text == edited and app.main_screen.dirty


@pytest.mark.parametrize("command", ["agent: rename", "agent: delete"])
async def test_rename_and_delete_of_a_bundled_agent_are_refused_with_the_reason(
        agents_dir, examples, command):
    debugger = examples / "debugger.md"
    shipped = debugger.read_bytes()
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, command)
        await settle(pilot)
        assert app.screen is app.main_screen  # no dialog first
        assert any(BUNDLED_READ_ONLY in n.message for n in app._notifications)
        assert debugger.read_bytes() == shipped
        assert sorted(p.name for p in examples.iterdir()) == sorted(
            p.name for p in bundled_agents_dir().iterdir())
        assert app.main_screen.path == debugger


async def test_duplicating_a_bundled_agent_writes_the_copy_to_the_project(agents_dir, examples):
    debugger = examples / "debugger.md"
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await run_command(pilot, "agent: duplicate")
        await pilot.press("enter")  # accept the proposed name
        await settle(pilot)
        copy = agents_dir / "debugger-copy.md"
        assert copy.is_file() and not (examples / "debugger-copy.md").exists()
        assert app.main_screen.path == copy


async def test_the_packages_own_examples_are_saved_as_a_copy_too(agents_dir):
    debugger = bundled_agents_dir() / "debugger.md"
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir),
                    Scope(ScopeKind.BUNDLED, bundled_agents_dir())], debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        edited = await edit(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog_text(app)[0] == "Save a copy of debugger to:"
        await pilot.press("enter")
        await settle(pilot)
        assert (agents_dir / "debugger.md").read_text() == edited


@pytest.mark.parametrize("operation", [
    lambda path: agent_files.save(path, "---\nname: x\n---\n"),
    lambda path: agent_files.create(path.with_name("brand-new.md"), "---\nname: x\n---\n"),
    lambda path: agent_files.rename(path, "renamed"),
    lambda path: agent_files.delete(path),
    lambda path: agent_files.duplicate(path, path.read_text(), "debugger-copy"),
], ids=["save", "create", "rename", "delete", "duplicate beside it"])
def test_no_file_operation_writes_into_the_bundled_folder(operation, examples, monkeypatch):
    # The package's folder is the temp copy here, so the check is the real one on files that may
    # be harmed.
    monkeypatch.setattr("workbench.paths.bundled_agents_dir", lambda: examples)
    path = examples / "debugger.md"
    before = {p.name: p.read_bytes() for p in examples.iterdir() if p.is_file()}
    with pytest.raises(AgentFileProblem, match=BUNDLED_READ_ONLY):
        operation(path)
    assert {p.name: p.read_bytes() for p in examples.iterdir() if p.is_file()} == before


async def test_quit_save_all_never_writes_an_edited_example_and_does_not_quit(agents_dir, examples):
    """An example switched away from with edits: "save all" cannot put them anywhere without
    asking where, so it says so and stays; discard is still there."""
    debugger = examples / "debugger.md"
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        before = debugger.read_bytes()
        await edit(pilot)
        assert app.main_screen.open_agent(agents_dir / "code-reviewer.md")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert app.is_running
        assert debugger.read_bytes() == before
        assert any("debugger.md is a bundled example" in n.message for n in app._notifications)
        assert debugger in app.main_screen.unsaved_buffers()


async def test_quit_save_all_with_an_edited_example_open_saves_a_copy_then_quits(
        agents_dir, examples, tmp_path, monkeypatch):
    """"Save all" over the open example asks where its copy goes, saves it there, and quits."""
    project = tmp_path / "proj"
    project.mkdir()
    monkeypatch.chdir(project)
    debugger = examples / "debugger.md"
    app = app_over([Scope(ScopeKind.PROJECT, agents_dir), Scope(ScopeKind.BUNDLED, examples)],
                   debugger)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        before = debugger.read_bytes()
        text = await edit(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        title, labels = dialog_text(app)
        assert "Save a copy of debugger" in title and labels[0].startswith("project")
        await pilot.press("ctrl+q")  # a second quit while choosing changes nothing
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert not app.is_running
    assert debugger.read_bytes() == before
    assert (agents_dir / "debugger.md").read_text() == text

"""Unsaved edits are never lost without asking: quitting asks (save all, discard, cancel)."""

from __future__ import annotations

from tests.ui.conftest import BROKEN_AGENT, CLEAN_AGENT
from tests.ui.helpers import run_command, screen_text, settle
from workbench.ui.screens.unsaved import UnsavedEditsDialog
from workbench.ui.widgets.sidebar import short_folder


async def type_at_end(pilot, text: str) -> None:
    editor = pilot.app.main_screen.editor
    editor.focus()
    editor.move_cursor_to_offset(len(editor.text))
    await pilot.press(*text)
    await settle(pilot)


async def edit_and_quit(pilot, text: str = "Unsaved.") -> None:
    await settle(pilot)
    await type_at_end(pilot, text)
    await pilot.press("ctrl+q")
    await pilot.pause()
    assert isinstance(pilot.app.screen, UnsavedEditsDialog)


async def test_quit_with_unsaved_edits_asks_and_names_the_file(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_and_quit(pilot)
        assert isinstance(app.screen, UnsavedEditsDialog)
        assert app.is_running
        text = screen_text(app)
        assert "code-reviewer.md has unsaved edits" in text
        line = next(line for line in text.splitlines() if "● code-reviewer.md" in line)
        assert short_folder(agents_dir)[:30] in line  # its folder beside it
        for choice in ("Save all", "Discard", "Cancel"):
            assert choice in text


async def test_cancel_goes_back_with_the_edits_kept(make_app, agents_dir):
    for key in ("c", "escape"):
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await edit_and_quit(pilot)
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, UnsavedEditsDialog), key
            assert app.is_running
            assert app.main_screen.editor.text == CLEAN_AGENT + "Unsaved."
            assert app.main_screen.dirty
        assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT


async def test_save_all_writes_the_edits_then_quits(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_and_quit(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert not app.is_running
    assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT + "Unsaved."


async def test_enter_on_the_focused_button_answers(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_and_quit(pilot)
        # Save all has the focus; right arrow moves to Discard.
        await pilot.press("right", "enter")
        await pilot.pause()
        assert not app.is_running
    assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT


async def test_discard_quits_and_leaves_the_file_as_it_was(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_and_quit(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert not app.is_running
    assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT


async def test_an_agent_switched_away_from_with_edits_also_asks(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_at_end(pilot, "Unsaved.")
        app.main_screen.open_agent(agents_dir / "test-runner.md")
        await settle(pilot)
        assert not app.main_screen.dirty  # the open agent is clean; the other one is not
        await run_command(pilot, "app: quit")
        assert isinstance(app.screen, UnsavedEditsDialog)
        assert "code-reviewer.md has unsaved edits" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert not app.is_running
    assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT + "Unsaved."
    assert (agents_dir / "test-runner.md").read_text() == BROKEN_AGENT


async def test_several_files_are_counted(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_at_end(pilot, "One.")
        app.main_screen.open_agent(agents_dir / "test-runner.md")
        await settle(pilot)
        await edit_and_quit(pilot, "Two.")
        text = screen_text(app)
        assert "2 files have unsaved edits" in text
        assert "code-reviewer.md" in text and "test-runner.md" in text
        await pilot.press("s")
        await pilot.pause()
        assert not app.is_running
    assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT + "One."
    assert (agents_dir / "test-runner.md").read_text() == BROKEN_AGENT + "Two."


async def test_a_clean_app_quits_at_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_a_second_ctrl_q_leaves_the_one_dialog_up(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_and_quit(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert sum(isinstance(s, UnsavedEditsDialog) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen


async def test_a_save_that_fails_says_so_and_does_not_quit(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_and_quit(pilot)
        # A file where the agents folder was: nothing can be written there (even as root).
        agents_dir.rename(agents_dir.with_name("moved"))
        agents_dir.write_text("not a folder")
        await pilot.press("s")
        await pilot.pause()
        assert app.is_running
        assert app.main_screen.dirty
        assert app.main_screen.editor.text == CLEAN_AGENT + "Unsaved."
        assert any("cannot save code-reviewer.md" in n.message for n in app._notifications)

"""Saving, the dirty marker, and files that change, vanish or refuse writes under the editor."""

from __future__ import annotations

import os
import sys

import pytest

from tests.ui.conftest import CLEAN_AGENT
from tests.ui.helpers import screen_text, settle
from workbench.ui.app import WorkbenchApp
from workbench.ui.screens.confirm import ConfirmDialog
from workbench.ui.screens.diff_view import DiffScreen
from workbench.ui.widgets.conflict_banner import ConflictBanner
from workbench.ui.widgets.editor_header import EditorHeader


async def type_at_end(pilot, text: str) -> None:
    editor = pilot.app.main_screen.editor
    editor.focus()
    editor.move_cursor_to_offset(len(editor.text))
    await pilot.press(*text)
    await settle(pilot)


def header(app) -> str:
    return str(app.screen.query_one(EditorHeader).render())


async def edit_then_change_on_disk(pilot, agents_dir):
    """Type into the open agent, then change its file on disk: the conflict banner's situation."""
    await settle(pilot)
    await type_at_end(pilot, "Mine.")
    path = agents_dir / "code-reviewer.md"
    path.write_text(CLEAN_AGENT + "Theirs.")
    pilot.app.post_message(WorkbenchApp.FilesChanged({path}))
    await settle(pilot)
    return path


async def test_ctrl_s_saves_the_buffer_and_clears_the_dirty_marker(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await type_at_end(pilot, "Be kind.")
        assert "code-reviewer.md ●" in header(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (agents_dir / "code-reviewer.md").read_text() == CLEAN_AGENT + "Be kind."
        assert not app.main_screen.dirty
        assert "code-reviewer.md ●" not in header(app)
        # No temporary file is left beside the agent.
        assert sorted(p.name for p in agents_dir.iterdir()) == ["code-reviewer.md", "test-runner.md"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions are not enforced for root")
async def test_permission_denied_on_save_keeps_the_buffer_and_says_why(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await type_at_end(pilot, "More.")
        agents_dir.chmod(0o500)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
        finally:
            agents_dir.chmod(0o700)
        assert app.main_screen.editor.text.endswith("More.")
        assert app.main_screen.dirty
        assert any("cannot save" in n.message for n in app._notifications)


async def test_a_save_that_fails_keeps_the_buffer_and_says_why(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await type_at_end(pilot, "More.")
        # A folder where the file's parent should be: the atomic write cannot create its temp file.
        target = agents_dir / "code-reviewer.md"
        target.unlink()
        agents_dir.rename(agents_dir.with_name("moved"))
        agents_dir.parent.joinpath("agents").write_text("not a folder")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.main_screen.editor.text.endswith("More.")
        assert app.main_screen.dirty
        assert any("cannot save code-reviewer.md" in n.message for n in app._notifications)


async def test_a_clean_buffer_reloads_silently_when_the_file_changes(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        path = agents_dir / "code-reviewer.md"
        path.write_text(CLEAN_AGENT.replace("model: sonnet", "model: opus"))
        app.post_message(WorkbenchApp.FilesChanged({path}))
        await settle(pilot)
        assert "model: opus" in app.main_screen.editor.text
        assert not app.main_screen.dirty
        assert not app.screen.query_one(ConflictBanner).shown
        assert "code-reviewer  ✓  opus" in screen_text(app)


async def test_a_dirty_buffer_gets_the_banner_and_keep_mine_keeps_it(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        path = await edit_then_change_on_disk(pilot, agents_dir)
        banner = app.screen.query_one(ConflictBanner)
        assert banner.shown
        assert app.main_screen.editor.text.endswith("Mine.")
        await pilot.click("#conflict-keep")
        await pilot.pause()
        assert not banner.shown
        assert app.main_screen.editor.text.endswith("Mine.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert path.read_text().endswith("Mine.")


async def test_reload_from_the_banner_takes_the_disk_version(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await edit_then_change_on_disk(pilot, agents_dir)
        await pilot.click("#conflict-reload")
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT + "Theirs."
        assert not app.main_screen.dirty
        # Reloading is undoable: the buffer is not lost.
        app.main_screen.editor.undo()
        assert app.main_screen.editor.text.endswith("Mine.")


async def test_view_the_difference_shows_disk_against_buffer(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await edit_then_change_on_disk(pilot, agents_dir)
        await pilot.click("#conflict-diff")
        await pilot.pause()
        assert isinstance(app.screen, DiffScreen)
        text = screen_text(app)
        assert "-Theirs." in text and "+Mine." in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(ConflictBanner).shown
        assert app.main_screen.editor.text.endswith("Mine.")


async def test_a_file_deleted_while_open_keeps_the_buffer(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        path = agents_dir / "code-reviewer.md"
        path.unlink()
        app.post_message(WorkbenchApp.FilesChanged({path}))
        await settle(pilot)
        assert app.main_screen.editor.text == CLEAN_AGENT
        assert app.main_screen.dirty
        assert any("deleted" in n.message for n in app._notifications)
        assert app.screen.query_one(ConflictBanner).shown
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert path.read_text() == CLEAN_AGENT
        assert "code-reviewer  ✓" in screen_text(app)  # back in the list without a watcher


async def test_a_clean_file_deleted_on_disk_is_said_and_can_be_saved_again(make_app, agents_dir):
    from workbench.settings import load_settings

    settings = load_settings()
    settings.watch_files = True  # the real watcher, as a person would have it
    app = make_app(settings=settings)
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)  # the watcher starts after the catalog
        path = agents_dir / "code-reviewer.md"
        path.unlink()
        banner = app.screen.query_one(ConflictBanner)
        for _ in range(60):
            await pilot.pause(0.1)
            if banner.shown:
                break
        assert banner.shown
        # (not settle: it waits for every worker, and the watcher's never ends)
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "code-reviewer.md was deleted on disk" in text
        assert "Save again" in text and "Close" in text
        assert "not on disk" in header(app)
        assert app.main_screen.editor.text == CLEAN_AGENT
        await pilot.click("#conflict-save")
        await pilot.pause(0.2)
        assert path.read_text() == CLEAN_AGENT
        assert not banner.shown
        assert "not on disk" not in header(app)


async def test_close_after_a_delete_on_disk_asks_then_leaves_no_agent_open(make_app, agents_dir):
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await type_at_end(pilot, "Mine.")
        path = agents_dir / "code-reviewer.md"
        path.unlink()
        app.post_message(WorkbenchApp.FilesChanged({path}))
        await settle(pilot)
        assert app.screen.query_one(ConflictBanner).shown
        await pilot.click("#conflict-close")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "text will be gone" in screen_text(app)  # the question wraps, not cut
        await pilot.press("n")
        await pilot.pause()
        assert app.main_screen.editor.text == CLEAN_AGENT + "Mine."  # still there
        await pilot.click("#conflict-close")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        screen = app.main_screen
        assert screen.path is None
        assert not app.screen.query_one(ConflictBanner).shown
        assert screen.editor.read_only
        screen.editor.focus()
        await pilot.press(*"typed")
        await pilot.pause()
        assert screen.editor.text == ""
        assert "no agent open" in screen_text(app)
        assert not path.exists()


async def test_a_scope_folder_that_disappears_is_reported(make_app, agents_dir):
    app = make_app("test-runner.md")
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        paths = set(agents_dir.iterdir())
        for path in paths:
            path.unlink()
        agents_dir.rmdir()
        app.post_message(WorkbenchApp.FilesChanged(paths))
        await settle(pilot)
        assert any("no longer exists" in n.message for n in app._notifications)
        assert "code-reviewer" not in screen_text(app)
        assert "name: Test Runner" in app.main_screen.editor.text


async def test_unreadable_files_are_refused_with_a_message(make_app, agents_dir):
    (agents_dir / "binary.md").write_bytes(b"---\x00\x01\x02")
    (agents_dir / "utf16.md").write_bytes("---\nname: wide\n---\n".encode("utf-16"))
    (agents_dir / "huge.md").write_text("---\nname: huge\n---\n" + "x" * 5_000_000)
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        for name, reason in [("binary.md", "binary"), ("utf16.md", "UTF-16LE"), ("huge.md", "MB")]:
            assert not screen.open_agent(agents_dir / name)
            await pilot.pause()
            assert any(reason in n.message for n in app._notifications), name
        assert screen.path == agents_dir / "code-reviewer.md"
        assert screen.editor.text == CLEAN_AGENT


async def test_a_file_with_bytes_that_are_not_utf8_opens_as_claude_code_reads_it(
    make_app, agents_dir
):
    path = agents_dir / "latin1.md"
    path.write_bytes(CLEAN_AGENT.replace("code-reviewer", "latin1").replace(
        "meticulous", "m\xe9ticulous").encode("latin-1"))
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.open_agent(path)
        await settle(pilot)
        assert screen.path == path and "m\ufffdticulous" in screen.editor.text
        [found] = [d for d in screen.editor.diagnostics if d.code == "AG011"]
        assert "line 9 column 12" in found.message


async def test_the_watcher_keeps_the_list_current(make_app, agents_dir, fixed_settings):
    from workbench.settings import load_settings

    settings = load_settings()
    settings.watch_files = True
    app = make_app(settings=settings)
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)  # the watcher starts after the catalog
        (agents_dir / "new-helper.md").write_text(CLEAN_AGENT.replace("code-reviewer", "new-helper"))
        for _ in range(60):
            await pilot.pause(0.1)
            if "new-helper" in screen_text(app):
                break
        assert "new-helper" in screen_text(app)

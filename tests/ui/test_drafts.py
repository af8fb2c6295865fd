"""The app keeps each unsaved buffer as a draft (for `workbench test --variant buffer`): written
shortly after typing stops, removed when the buffer is saved or reverted to the file."""

from __future__ import annotations

import asyncio

from tests.ui.conftest import CLEAN_AGENT
from tests.ui.helpers import settle
from workbench.drafts import draft_file, read_draft


async def _type_at_end(pilot, text: str) -> None:
    editor = pilot.app.main_screen.editor
    editor.focus()
    editor.move_cursor_to_offset(len(editor.text))
    await pilot.press(*text)
    await settle(pilot)


async def _until(pilot, check, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
        await pilot.pause()
    return check()


async def test_typing_keeps_a_draft_and_saving_removes_it(make_app, agents_dir):
    path = agents_dir / "code-reviewer.md"
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await _type_at_end(pilot, "Be kind.")
        assert await _until(pilot, lambda: read_draft(path) == CLEAN_AGENT + "Be kind.")
        await _type_at_end(pilot, " Always.")
        assert await _until(pilot, lambda: read_draft(path) == CLEAN_AGENT + "Be kind. Always.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert path.read_text() == CLEAN_AGENT + "Be kind. Always."
        assert await _until(pilot, lambda: not draft_file(path).exists())


async def test_undoing_back_to_the_file_removes_the_draft(make_app, agents_dir):
    path = agents_dir / "code-reviewer.md"
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await _type_at_end(pilot, "X")
        assert await _until(pilot, lambda: read_draft(path) == CLEAN_AGENT + "X")
        await pilot.press("backspace")
        await settle(pilot)
        assert not app.main_screen.dirty
        assert await _until(pilot, lambda: not draft_file(path).exists())


async def test_quitting_and_discarding_removes_the_drafts(make_app, agents_dir):
    path = agents_dir / "code-reviewer.md"
    app = make_app()
    async with app.run_test(size=(140, 32)) as pilot:
        await settle(pilot)
        await _type_at_end(pilot, "Y")
        assert await _until(pilot, lambda: read_draft(path) == CLEAN_AGENT + "Y")
        main = app.main_screen
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
    main._drafts_pool.shutdown(wait=True)  # what the interpreter does at exit
    assert not draft_file(path).exists()

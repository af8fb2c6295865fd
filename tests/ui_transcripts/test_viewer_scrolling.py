"""The transcript viewer on a long session: events are mounted as the reader pages down, widgets far
above the screen are parked (ConversationView(park_offscreen=True)), jumping between calls sees
every call, parked ones included, and a filter is a view of its own matches."""

from __future__ import annotations

from long_session import call_id, failed, tool_of

from workbench.ui.chat.tool_block import ToolCallBlock
from workbench.ui.screens.transcript_view import TranscriptScreen, _shown
from workbench.ui.transcripts_app import TranscriptsApp

SIZE = (100, 30)
CALLS = 150


async def _opened(pilot) -> TranscriptScreen:
    """Wait until the whole file is read and its first screen painted."""
    pilot.app.animation_level = "none"  # a page down is one frame, not a glide of many
    screen = pilot.app.screen
    for _ in range(400):
        await pilot.pause()
        if screen.transcript is not None and not screen._showing_head and screen.view.children:
            break
    await pilot.pause()
    return screen


def _mounted(screen: TranscriptScreen) -> dict[str, ToolCallBlock]:
    return {b.call_id: b for b in screen.view.query(ToolCallBlock)}


def _parked(screen: TranscriptScreen) -> list:
    return list(screen.view.query_children(".-parked"))


def _on_screen(screen: TranscriptScreen, block: ToolCallBlock) -> bool:
    view = screen.view.region
    return block.region.height > 0 and view.y <= block.region.y < view.bottom


async def _page_down_until(pilot, screen: TranscriptScreen, wanted: str, limit: int = 200) -> None:
    for _ in range(limit):
        block = _mounted(screen).get(wanted)
        if block is not None and _on_screen(screen, block):
            return
        await pilot.press("pagedown")
    raise AssertionError(f"{wanted} never came on screen")


async def _to_the_end(pilot, screen: TranscriptScreen) -> None:
    for _ in range(400):
        if not screen._pending:
            break
        await pilot.press("end")
    await pilot.pause()
    assert not screen._pending


async def _all_mounted(pilot, screen: TranscriptScreen) -> None:
    for _ in range(2000):
        if not screen._pending:
            break
        await pilot.pause()
    await pilot.pause()
    assert not screen._pending


async def _settled(pilot, condition, pauses: int = 100) -> None:
    """Pause until `condition()` holds (scrolling to a block lands a refresh or two after the key on
    a loaded machine); the caller asserts it."""
    for _ in range(pauses):
        await pilot.pause()
        if condition():
            return


def _laid_out(screen: TranscriptScreen) -> int:
    return sum(1 for c in screen.view.children if c.display and not c.has_class("-parked"))


async def test_paging_down_far_keeps_mounting_and_parks_what_is_far_above(long_session):
    app = TranscriptsApp(long_session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot)
        first = len(_mounted(screen))
        assert 0 < first < CALLS
        # The keys scroll the conversation without a click first: the view has the focus.
        assert app.focused is screen.view
        await _page_down_until(pilot, screen, call_id(100))
        mounted = _mounted(screen)
        assert first < len(mounted) < CALLS  # mounted as needed, not all at once
        assert _on_screen(screen, mounted[call_id(100)])
        # The first calls are parked behind the spacer, not laid out on each frame: all but
        # those near the screen.
        parked = _parked(screen)
        assert parked and mounted[call_id(0)] in parked and mounted[call_id(90)] in parked
        assert _laid_out(screen) <= 60
        assert not any(_on_screen(screen, w) for w in parked)
        await _page_down_until(pilot, screen, call_id(CALLS - 1))
        await _all_mounted(pilot, screen)
        assert len(_mounted(screen)) == CALLS


async def test_paging_back_up_keeps_only_what_is_near_the_screen_laid_out(long_session):
    app = TranscriptsApp(long_session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot)
        await _page_down_until(pilot, screen, call_id(120))
        down = _laid_out(screen)
        for _ in range(30):
            await pilot.press("pageup")
        await pilot.pause()
        await pilot.pause()
        mounted = _mounted(screen)
        # Far below now, parked like what is far above: the widgets laid out stay those near the
        # screen (before, paging back up showed everything it passed, and each frame grew).
        assert mounted[call_id(120)] in _parked(screen)
        assert _laid_out(screen) <= down + 10
        on_screen = [b for b in mounted.values() if _on_screen(screen, b)]
        assert on_screen and not any(b in _parked(screen) for b in on_screen)
        # Paging down again shows them where they were.
        await _page_down_until(pilot, screen, call_id(120))
        assert _on_screen(screen, mounted[call_id(120)])


async def test_n_and_p_reach_calls_far_down_and_wrap_to_parked_ones(long_session):
    app = TranscriptsApp(long_session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot)
        for i in range(40):
            await pilot.press("n")
            assert app.focused.call_id == call_id(i)
        assert _on_screen(screen, app.focused)
        assert _mounted(screen)[call_id(0)] in _parked(screen)
        await pilot.press("p", "p")
        assert app.focused.call_id == call_id(37)
        assert _on_screen(screen, app.focused)
        # At the last call, `n` wraps to the first, parked far above: it is shown again.
        await _to_the_end(pilot, screen)
        assert _mounted(screen)[call_id(0)] in _parked(screen)
        _mounted(screen)[call_id(CALLS - 1)].focus()
        await pilot.pause()  # the focus lands (deferred) before the next key, as it would for a person
        await pilot.press("n")
        await pilot.pause()
        assert app.focused.call_id == call_id(0)
        assert _on_screen(screen, app.focused)
        await pilot.press("n")
        assert app.focused.call_id == call_id(1)
        # And back over the top to the last call, which had just been shown again.
        await pilot.press("p", "p")
        await pilot.pause()
        assert app.focused.call_id == call_id(CALLS - 1)
        assert _on_screen(screen, app.focused)


async def test_a_filter_mounts_only_its_matches_and_escape_goes_back_to_the_whole_view(long_session):
    app = TranscriptsApp(long_session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _opened(pilot)
        await _page_down_until(pilot, screen, call_id(80))
        whole = screen.view
        assert _mounted(screen)[call_id(0)] in _parked(screen)
        mounted = len(_mounted(screen))
        errors = [call_id(i) for i in range(CALLS) if failed(i)]

        await pilot.press("e")
        await _all_mounted(pilot, screen)
        shown = [b for b in screen.query(ToolCallBlock) if _shown(b)]
        assert [b.call_id for b in shown] == errors
        assert _on_screen(screen, shown[0])
        # The filtered view holds the matches only; the whole view waited, mounting nothing more.
        assert [b.call_id for b in screen.view.query(ToolCallBlock)] == errors
        assert len(list(whole.query(ToolCallBlock))) == mounted and not whole.display

        # Esc: the whole view where the reader left it.
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter is None and screen.view is whole
        assert _on_screen(screen, _mounted(screen)[call_id(80)])

        # Esc with a call chosen in the filtered view: the whole view at that call, in context
        # (it had been parked far above).
        await pilot.press("e", "n")
        assert app.focused.call_id == errors[0]
        await pilot.press("escape")
        await _settled(pilot, lambda: _on_screen(screen, app.focused))
        assert app.focused.call_id == errors[0] and app.focused in _mounted(screen).values()
        assert _on_screen(screen, app.focused)

        # A tool filter pages down to its last match; the whole view still has what it had.
        await pilot.press("t")
        assert screen.filter == ("tool", "Bash")
        await _to_the_end(pilot, screen)
        assert [b.call_id for b in screen.query(ToolCallBlock) if _shown(b)] == \
            [call_id(i) for i in range(CALLS) if tool_of(i) == "Bash"]
        await pilot.press("escape")
        await pilot.pause()
        assert screen.filter is None
        assert len(list(whole.query(ToolCallBlock))) == mounted
        assert all(_shown(b) for b in whole.query(ToolCallBlock))

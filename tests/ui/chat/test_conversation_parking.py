"""A long conversation hides the widgets far above the viewport behind a spacer of their height, and
shows them again when the reader scrolls up to them: the scroll geometry never changes."""

from __future__ import annotations

from workbench.ui.chat.conversation import PARK_AFTER, ConversationView

from .events_script import run_started, tool_call


def many_calls(count: int) -> list:
    events = [*run_started()]
    for n in range(count):
        events += tool_call(f"call_{n}", "Read", {"file_path": f"/src/file_{n}.py"}, content=f"line {n}")
    return events


async def test_widgets_far_above_the_viewport_are_parked_without_moving_the_view(harness):
    view = ConversationView(park_offscreen=True)
    app = harness(view)
    async with app.run_test(size=(80, 24)) as pilot:
        for event in many_calls(PARK_AFTER * 2):
            await view.add_event(event)
        await pilot.pause()
        await pilot.pause()
        parked = view.query(".-parked")
        assert len(parked) > 0
        assert all(not widget.display for widget in parked)
        # Still following the end, and the content as tall as with every widget shown.
        assert view.scroll_y == view.max_scroll_y
        height_parked = view.virtual_size.height
        view.unpark()
        await pilot.pause()
        assert not view.query(".-parked")
        assert view.virtual_size.height == height_parked


async def test_scrolling_up_to_the_parked_widgets_shows_them_again(harness):
    view = ConversationView(park_offscreen=True)
    app = harness(view)
    async with app.run_test(size=(80, 24)) as pilot:
        for event in many_calls(PARK_AFTER * 2):
            await view.add_event(event)
        await pilot.pause()
        await pilot.pause()
        assert view.query(".-parked")
        view.scroll_home(animate=False)
        await pilot.pause()
        assert not view.query(".-parked")
        assert view.children[1].region.y == view.region.y


async def test_a_view_without_parking_keeps_every_widget_shown(harness):
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(80, 24)) as pilot:
        for event in many_calls(PARK_AFTER * 2):
            await view.add_event(event)
        await pilot.pause()
        assert not view.query(".-parked")


async def test_scrolling_up_a_little_shows_only_the_nearest_parked_widgets(harness):
    view = ConversationView(park_offscreen=True)
    app = harness(view)
    async with app.run_test(size=(80, 24)) as pilot:
        for event in many_calls(PARK_AFTER * 4):
            await view.add_event(event)
        await pilot.pause()
        await pilot.pause()
        parked_before = len(view.query(".-parked"))
        height = view.virtual_size.height
        view.scroll_to(y=view._parked_height, animate=False)
        await pilot.pause()
        assert 0 < len(view.query(".-parked")) < parked_before
        assert view.virtual_size.height == height

"""A long conversation hides the widgets far above the viewport behind a spacer of their height, and
shows them again when the reader scrolls up to them; scrolled back up, it hides those far below the
same way: the scroll geometry never changes."""

from __future__ import annotations

from contextlib import asynccontextmanager

from workbench.transcripts.events import AssistantMessage, UserMessage
from workbench.ui.chat.conversation import PARK_AFTER, ConversationView
from workbench.ui.chat.tool_block import ToolCallBlock

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


@asynccontextmanager
async def _long_view(harness, calls: int):
    """A parking view of `calls` calls added in one batch and laid out: (view, pilot)."""
    view = ConversationView(park_offscreen=True)
    async with harness(view).run_test(size=(80, 24)) as pilot:
        await view.add_events(many_calls(calls))
        await pilot.pause()
        await pilot.pause()
        yield view, pilot


async def _settled(pilot, view: ConversationView, **scroll) -> None:
    """Scroll (`y=...`, or home/end) and let the parking that follows it happen."""
    if "y" in scroll:
        view.scroll_to(y=scroll["y"], animate=False)
    elif scroll.get("end"):
        view.scroll_end(animate=False)
    else:
        view.scroll_home(animate=False)
    for _ in range(3):
        await pilot.pause()


async def test_scrolling_back_up_parks_what_is_far_below_and_scrolling_down_shows_it_where_it_was(harness):
    async with _long_view(harness, PARK_AFTER * 6) as (view, pilot):
        last = view.blocks[f"call_{PARK_AFTER * 6 - 1}"]
        last_y = last.virtual_region.y
        height = view.virtual_size.height
        await _settled(pilot, view, home=True)
        below = [child for child, _ in view._parked_below]
        assert below and last in below
        assert all(not w.display and w.has_class("-parked") for w in below)
        # Only what is near the screen is laid out; the content is as tall as before.
        shown = [c for c in view.children if c.display and c.virtual_region.height]
        assert len(shown) < len(view.children) // 2
        assert view.virtual_size.height == height
        await _settled(pilot, view, end=True)
        assert last.display and not last.has_class("-parked")
        assert last.virtual_region.y == last_y
        assert view.virtual_size.height == height


async def test_events_that_come_while_widgets_are_parked_below_go_after_them(harness):
    async with _long_view(harness, PARK_AFTER * 6) as (view, pilot):
        await _settled(pilot, view, home=True)
        assert view._parked_below
        await view.add_events(tool_call("call_new", "Read", {"file_path": "/src/new.py"}, content="new"))
        await pilot.pause()
        assert not view._parked_below and not view.query_children(".-parked")
        # In order: the calls as they came, the new one last, none of them moved.
        calls = [c.call_id for c in view.children if isinstance(c, ToolCallBlock)]
        assert calls == [f"call_{n}" for n in range(PARK_AFTER * 6)] + ["call_new"]
        assert view._shown_children()[-1] is view.blocks["call_new"]


async def test_unpark_shows_what_is_parked_above_and_below(harness):
    async with _long_view(harness, PARK_AFTER * 8) as (view, pilot):
        # Halfway up: parked above and below at once.
        await _settled(pilot, view, y=view.max_scroll_y // 2)
        assert view._parked and view._parked_below
        height = view.virtual_size.height
        view.unpark()
        await pilot.pause()
        assert not view.query_children(".-parked")
        assert view.virtual_size.height == height


def mixed_run(turns: int) -> list:
    """Turns of a typed message, a whole reply and two calls: margins above and below differ
    (collapsed margins are where the parked heights could go wrong)."""
    events = [*run_started()]
    for n in range(turns):
        events.append(UserMessage(message={"role": "user", "content": f"Step {n}: look again"}))
        events.append(AssistantMessage(message={"id": f"m{n}", "content": [
            {"type": "text", "text": f"Reading **file {n}**.\n\n- one\n- two"}]}))
        events += tool_call(f"call_{n}_a", "Read", {"file_path": f"/src/a{n}.py"}, content="x\n" * (n % 4))
        events += tool_call(f"call_{n}_b", "Bash", {"command": f"make t{n}"}, content=f"ok {n}")
    return events


async def test_a_far_jump_shows_only_what_is_around_it_and_everything_keeps_its_place(harness):
    view = ConversationView(park_offscreen=True, whole_replies_static=True)
    async with harness(view).run_test(size=(80, 24)) as pilot:
        await view.add_events(mixed_run(40))
        await pilot.pause()
        await _settled(pilot, view, home=True)
        # Every widget's place with everything shown, as the reference.
        view.unpark()
        await pilot.pause()
        await pilot.pause()
        places = {c: c.virtual_region.y for c in view.children if not isinstance(c, type(view._spacer))}
        height = view.virtual_size.height
        middle = view.max_scroll_y // 2
        # From the end (what is above gets parked), far jumps both ways and shorter ones.
        await _settled(pilot, view, end=True)
        for y in (middle, 0, view.max_scroll_y, middle, view.max_scroll_y // 5, view.max_scroll_y):
            await _settled(pilot, view, y=y)
            laid_out = [c for c in places if c.display and not c.has_class("-parked")]
            # Only what is near the screen is laid out (a few screens around it), each at the
            # place it had with everything shown.
            top, bottom = view.scroll_y - 3 * 24, view.scroll_y + 5 * 24
            assert len(laid_out) < len(places) // 2, y
            assert all(top <= places[c] <= bottom for c in laid_out), y
            assert all(c.virtual_region.y == places[c] for c in laid_out), y
            assert view.virtual_size.height == height, y
            on_screen = [c for c in laid_out if c.region.height and c.region.y < view.region.bottom
                         and c.region.bottom > view.region.y]
            assert on_screen, y
        # A far jump shows what is around where it lands and nothing on the way there (showing
        # it all would lay it all out in one frame).
        on_the_way = [c for c, place in places.items() if abs(place - middle) < 24]
        await _settled(pilot, view, end=True)
        view.scroll_to(y=0, animate=False, immediate=True)
        assert all(c.has_class("-parked") for c in on_the_way)
        assert not view.children[1].has_class("-parked")

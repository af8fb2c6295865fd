"""Snapshots of the chat widgets: fixed size, no cursor blink, no clock."""

from __future__ import annotations

from workbench.transcripts.events import PermissionRequested
from workbench.ui.chat.conversation import ConversationView
from workbench.ui.chat.permission_prompt import PermissionPrompt

from .conftest import ChatHarness
from .events_script import full_run


def test_a_finished_run_with_every_tool_kind_and_an_error(snap_compare):
    view = ConversationView()

    async def run_before(pilot):
        await view.add_events(full_run())
        await pilot.pause()
        view.scroll_home(animate=False)
        await pilot.pause()

    assert snap_compare(ChatHarness(view), terminal_size=(100, 72), run_before=run_before)


def test_the_permission_prompt_shows_the_whole_diff_and_its_keys(snap_compare):
    request = PermissionRequested(
        call_id="t1",
        name="Edit",
        input={
            "file_path": "/p/src/calc.py",
            "old_string": "def add(a, b):\n    return a - b\n",
            "new_string": "def add(a: int, b: int) -> int:\n    return a + b\n",
        },
        rule_suggestion="Edit",
    )
    assert snap_compare(ChatHarness(PermissionPrompt(request)), terminal_size=(80, 16))

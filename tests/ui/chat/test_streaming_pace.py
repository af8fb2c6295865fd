"""The pane renders streams in batches and keeps full garbage collections short while runs stream."""

from __future__ import annotations

import gc

from fake_api import text_reply
from textual.widgets import Markdown

from workbench.transcripts.events import TextDelta, ToolCallStarted
from workbench.ui.chat import collector
from workbench.ui.chat.pane import coalesce_text

from .test_chat_pane import pane_app, type_task, until


def test_consecutive_text_deltas_of_one_lane_are_joined_and_order_is_kept():
    events = [
        TextDelta(text="a"), TextDelta(text="b"),
        TextDelta(text="n", parent_call_id="call_1", depth=1),
        TextDelta(text="c"),
        ToolCallStarted(call_id="call_2", name="Read", input={"file_path": "/x"}),
        TextDelta(text="d"), TextDelta(text="e"),
    ]
    joined = coalesce_text(events)
    assert [(type(e).__name__, getattr(e, "text", None), e.parent_call_id) for e in joined] == [
        ("TextDelta", "ab", None), ("TextDelta", "n", "call_1"), ("TextDelta", "c", None),
        ("ToolCallStarted", None, None), ("TextDelta", "de", None),
    ]


def test_the_collector_is_frozen_while_any_run_holds_it_and_given_back_after_the_last():
    collector.hold()
    collector.hold()
    assert gc.get_freeze_count() > 0
    collector.release()
    assert gc.get_freeze_count() > 0
    collector.release()
    assert gc.get_freeze_count() == 0


async def test_a_finished_run_gives_the_frozen_objects_back(fake_api, workspace):
    fake_api.add(text_reply("msg_1", "One ", "two ", "three."))
    app, pane = pane_app(workspace)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_task(pilot, pane, "count")
        await until(pilot, lambda: pane.runs and not pane.running)
        await pilot.pause()
        assert pane.runs[0].view.query_one("Markdown.reply", Markdown).source == "One two three."
        assert gc.get_freeze_count() == 0


async def test_one_large_write_continues_in_fresh_widgets_at_paragraph_breaks_outside_code(harness):
    from workbench.ui.chat.conversation import SEGMENT_CHARS, ConversationView

    view = ConversationView()
    paragraph = "word " * 60 + "\n\n"
    fence = "```python\n" + "x = 1\n\n" * (SEGMENT_CHARS // 6) + "```\n\n"
    text = paragraph * (SEGMENT_CHARS // len(paragraph) + 1) + fence + paragraph * 3
    async with harness(view).run_test(size=(100, 30)) as pilot:
        await view.add_event(TextDelta(text=text))
        await view.finish()
        await pilot.pause()
        for _ in range(20):
            if not view.folds_pending:
                break
            await pilot.pause()
        # Older segments are folded (FoldedReply), each keeping its source.
        sources = [reply.source for reply in view.query(".reply")]
        assert len(sources) >= 2 and "".join(sources) == text
        # Every widget holds whole code fences: none was cut at a blank line inside one.
        assert all(source.count("```") % 2 == 0 for source in sources)

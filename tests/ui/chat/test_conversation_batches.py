"""ConversationView.add_events mounts what a batch makes together; the result is the same as
event by event. A thinking block that arrives whole (the transcript viewer) makes its Markdown only
when expanded."""

from __future__ import annotations

from textual.widgets import Markdown

from workbench.transcripts.events import AssistantMessage
from workbench.ui.chat.conversation import ConversationView, ThinkingTitle, WholeThinking
from workbench.ui.chat.tool_block import ToolCallBlock

from .events_script import full_run


def _shape(view: ConversationView) -> list[tuple[str, str, str]]:
    """Every widget of the view in order, with its classes and what it shows."""
    out = []
    for widget in view.walk_children():
        if isinstance(widget, ToolCallBlock):
            out.append(("block", widget.call_id, f"{widget.status} {widget.body_text()}"))
        else:
            out.append((type(widget).__name__, " ".join(sorted(widget.classes)),
                        str(getattr(widget, "source", ""))))
    return out


async def test_a_batch_renders_what_events_one_by_one_render(harness):
    # Batched mounts are the transcript viewer's (replies arrive whole).
    one_by_one = ConversationView(whole_replies_static=True)
    batched = ConversationView(whole_replies_static=True)
    for view in (one_by_one, batched):
        async with harness(view).run_test(size=(100, 60)) as pilot:
            if view is one_by_one:
                for event in full_run():
                    await view.add_event(event)
            else:
                await view.add_events(full_run())
            # Mounts finish over a few refreshes (more of them on a loaded machine).
            for _ in range(50):
                await pilot.pause()
                if all(block.status in ("done", "failed", "denied")
                       for block in view.blocks.values()):
                    break
            await pilot.pause()
            # Every call got its finishing update, nested ones included, whatever the batching.
            assert all(block.status in ("done", "failed", "denied") for block in view.blocks.values())
            assert any(block.nested is not None and block.nested.children for block in view.blocks.values())
            shape = _shape(view)
        view.shape = shape  # type: ignore[attr-defined]
    assert batched.shape == one_by_one.shape  # type: ignore[attr-defined]


async def test_whole_thinking_makes_its_markdown_when_first_expanded(harness):
    view = ConversationView(whole_replies_static=True)
    message = {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "First check **the tests**."},
        {"type": "text", "text": "Done."},
    ]}
    async with harness(view).run_test(size=(80, 20)) as pilot:
        await view.add_events([AssistantMessage(message=message)])
        await pilot.pause()
        section = view.query_one(WholeThinking)
        assert section.collapsed and not section.query(Markdown)
        section.collapsed = False
        await pilot.pause()
        await pilot.pause()
        markdown = section.query_one(Markdown)
        assert markdown.source == "First check **the tests**." and markdown.region.height > 0
        # Collapsing hides it; expanding again shows the same one Markdown.
        section.collapsed = True
        await pilot.pause()
        assert not markdown.display and section.region.height == 1
        section.collapsed = False
        await pilot.pause()
        assert len(section.query(Markdown)) == 1 and markdown.display


async def test_whole_thinking_opens_with_enter_and_a_click(harness):
    view = ConversationView(whole_replies_static=True)
    message = {"role": "assistant", "content": [{"type": "thinking", "thinking": "Plan it."}]}
    async with harness(view).run_test(size=(80, 20)) as pilot:
        await view.add_events([AssistantMessage(message=message)])
        await pilot.pause()
        section = view.query_one(WholeThinking)
        title = section.query_one(ThinkingTitle)
        assert str(title.render()) == "▶ Thinking"
        title.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not section.collapsed and str(title.render()) == "▼ Thinking"
        assert section.query_one(Markdown).source == "Plan it."
        await pilot.click(title)
        await pilot.pause()
        assert section.collapsed

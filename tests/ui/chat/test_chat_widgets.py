"""The chat widgets render a stream of events (as the runtime produces them) without any Session."""

from __future__ import annotations

from textual.widgets import Collapsible, Markdown

from workbench.transcripts.events import (
    PermissionDecided,
    PermissionRequested,
    RunEnded,
    TextDelta,
    ToolCallFinished,
    ToolCallStarted,
    TurnEnded,
    UsageTotals,
)
from workbench.ui.chat.conversation import ConversationView, agent_color
from workbench.ui.chat.notice import Notice
from workbench.ui.chat.tool_block import GLYPHS, ToolCallBlock
from workbench.ui.colours import AGENT_COLOURS

from .events_script import full_run, run_started, text_reply, thinking_events, tool_call


async def feed(app, view, events, pilot):
    for event in events:
        await view.add_event(event)
    await pilot.pause()


def markdown_source(widget: Markdown) -> str:
    return widget.source


async def test_streamed_text_is_appended_to_one_markdown_widget(harness):
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(80, 24)) as pilot:
        await feed(app, view, [*run_started(), *text_reply("Hello there, **world**.")], pilot)
        replies = view.query("Markdown.reply")
        assert len(replies) == 1
        assert markdown_source(replies.first()) == "Hello there, **world**."


async def test_text_after_a_tool_call_goes_into_a_new_markdown_below_it(harness):
    view = ConversationView()
    app = harness(view)
    start, finish = tool_call("t1", "Read", {"file_path": "/p/a.py"})
    async with app.run_test(size=(80, 24)) as pilot:
        await feed(app, view, [TextDelta(text="Before."), start, finish, TextDelta(text="After.")], pilot)
        kinds = [type(child).__name__ for child in view.children]
        assert kinds == ["Markdown", "ToolCallBlock", "Markdown"]
        assert markdown_source(view.children[2]) == "After."


async def test_thinking_streams_into_a_collapsed_section(harness):
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(80, 24)) as pilot:
        await feed(app, view, [*thinking_events(), TextDelta(text="Answer.")], pilot)
        section = view.query_one(Collapsible)
        assert section.collapsed
        assert markdown_source(view.query_one("Markdown.thinking-text")) == "Let me think about this."
        assert markdown_source(view.query_one("Markdown.reply")) == "Answer."


async def test_a_transcript_message_without_deltas_still_shows_its_text(harness):
    from workbench.transcripts.events import AssistantMessage

    view = ConversationView()
    app = harness(view)
    message = {"content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "Replayed."}]}
    async with app.run_test(size=(80, 24)) as pilot:
        await feed(app, view, [AssistantMessage(message=message)], pilot)
        assert markdown_source(view.query_one("Markdown.reply")) == "Replayed."
        assert view.query_one(Collapsible).collapsed


async def test_a_tool_block_goes_from_pending_to_running_to_done_in_place(harness):
    view = ConversationView()
    app = harness(view)
    start = ToolCallStarted(call_id="t1", name="Bash", input={"command": "ls -la /tmp && echo done"})
    async with app.run_test(size=(80, 24)) as pilot:
        await feed(app, view, [start], pilot)
        block = view.blocks["t1"]
        assert block.status == "pending"
        await feed(app, view, [TurnEnded(stop_reason="tool_use", turn=1)], pilot)
        assert block.status == "running"
        await feed(app, view, [ToolCallFinished(call_id="t1", name="Bash", status="done", content="x")], pilot)
        assert view.blocks["t1"] is block and len(view.query(ToolCallBlock)) == 1
        assert block.status == "done"
        assert block.header_content().plain.startswith(f"{GLYPHS['done']} Bash ls -la /tmp && echo done")


async def test_the_header_shows_the_main_argument_in_full_never_a_count(harness):
    view = ConversationView()
    app = harness(view)
    long_path = "/p/" + "/".join(["deeply-nested-folder"] * 6) + "/file.py"
    async with app.run_test(size=(80, 24)) as pilot:
        await feed(app, view, [
            *tool_call("r", "Read", {"file_path": long_path, "offset": 10, "limit": 20}),
            *tool_call("g", "Grep", {"pattern": r"interface\{\}", "glob": "*.go"}),
            *tool_call("w", "WebFetch", {"url": "https://example.com/a?b=c", "prompt": "summary"}),
        ], pilot)
        assert long_path in view.blocks["r"].header_content().plain
        assert "lines 10-29" in view.blocks["r"].header_content().plain
        assert r"interface\{\}" in view.blocks["g"].header_content().plain
        assert "https://example.com/a?b=c" in view.blocks["w"].header_content().plain


async def test_a_long_body_is_previewed_and_expands_with_enter(harness):
    view = ConversationView()
    app = harness(view)
    output = "\n".join(f"line {n}" for n in range(1, 41))
    async with app.run_test(size=(80, 30)) as pilot:
        await feed(app, view, [*tool_call("t1", "Bash", {"command": "seq 40"}, output)], pilot)
        block = view.blocks["t1"]
        body = str(block.query_one(".tool-body").render())
        assert "line 5" in body and "line 6" not in body and "35 more lines" in body
        block.focus()
        await pilot.press("enter")
        assert "line 40" in str(block.query_one(".tool-body").render())


async def test_denied_failed_and_cancelled_calls_say_so_in_words(harness):
    view = ConversationView()
    app = harness(view)
    denied = ToolCallStarted(call_id="d", name="Write", input={"file_path": "/p/x", "content": "x"})
    async with app.run_test(size=(100, 30)) as pilot:
        await feed(app, view, [
            denied,
            PermissionRequested(call_id="d", name="Write", input=denied.input),
            PermissionDecided(call_id="d", name="Write", decision="deny", reason="not that file"),
            *tool_call("f", "Bash", {"command": "false"}, "exit code 1", status="failed", is_error=True),
            ToolCallStarted(call_id="c", name="Bash", input={"command": "sleep 100"}),
            RunEnded(status="cancelled", turns=1, usage=UsageTotals(), cost_usd=0, duration_ms=5),
        ], pilot)
        assert "denied" in view.blocks["d"].header_content().plain
        assert "not that file" in view.blocks["d"].body_text()
        assert "failed" in view.blocks["f"].header_content().plain
        assert view.blocks["c"].status == "cancelled"
        assert "cancelled" in view.blocks["c"].header_content().plain
        assert "Cancelled" in str(view.query_one(".run-footer").render())


async def test_edits_show_a_unified_diff_with_plus_and_minus_marks(harness):
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(80, 30)) as pilot:
        await feed(app, view, [*tool_call("e", "Edit", {
            "file_path": "/p/calc.py", "old_string": "return a - b", "new_string": "return a + b"})], pilot)
        diff = view.blocks["e"].query_one(".tool-diff").render().plain
        assert "- return a - b" in diff and "+ return a + b" in diff
        assert "+1 -1" in view.blocks["e"].header_content().plain


async def test_nested_agent_calls_sit_inside_their_call_tinted_with_the_agent_colour(harness):
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(100, 60)) as pilot:
        await feed(app, view, full_run(), pilot)
        agent_block = view.blocks["t_agent"]
        nested = view.blocks["t_nested"]
        assert nested.parent is agent_block.nested
        # researcher's frontmatter says `color: green`
        assert agent_block.nested.styles.border_left[1].hex.lower() == _hex(AGENT_COLOURS["green"])
        assert "Two callers" in markdown_source(agent_block.nested.query_one(Markdown))


async def test_errors_and_retries_are_told_in_words_with_what_to_do(harness):
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(100, 60)) as pilot:
        await feed(app, view, full_run(), pilot)
        texts = [notice.render().plain for notice in view.query(Notice)]
        assert any("attempt 1 of 4" in t and "Esc" in t for t in texts)
        assert any("Connection reset" in t and "ANTHROPIC_BASE_URL" in t for t in texts)


def test_agent_colour_is_read_from_the_frontmatter_only():
    assert agent_color("---\nname: x\ncolor: Purple\n---\nbody") == "purple"
    assert agent_color("---\nname: x\n---\ncolor: red\n") is None
    assert agent_color("no frontmatter") is None


def _hex(name: str) -> str:
    from textual.color import Color

    return Color.parse(name).hex.lower()


async def test_a_long_reply_continues_in_new_widgets_and_old_ones_are_folded_keeping_the_text(harness):
    from workbench.ui.chat import conversation

    view = ConversationView()
    app = harness(view)
    paragraph = "word " * 100 + "\n\n"
    fence = "```python\nprint('not split inside a fence')\n\n\n```\n\n"
    async with app.run_test(size=(80, 24)) as pilot:
        deltas = [TextDelta(text=paragraph) for _ in range(40)] + [TextDelta(text=fence)]
        await feed(app, view, [*deltas, TurnEnded(stop_reason="end_turn", turn=1)], pilot)
        for _ in range(20):
            if not view.folds_pending:
                break
            await pilot.pause()
        live = list(view.query("Markdown.reply"))
        folded = list(view.query(".reply.-folded"))
        assert len(live) <= conversation.LIVE_SEGMENTS + 1 and folded
        shown = "".join(m.source for m in live)
        assert shown.endswith(fence) and all(m.source.count("```") % 2 == 0 for m in live)
        everything = "".join(f.source for f in folded) + shown
        assert everything == paragraph * 40 + fence


async def test_a_calls_time_and_its_wait_for_permission_are_shown_apart(harness):
    view = ConversationView()
    app = harness(view)
    start = ToolCallStarted(call_id="t1", name="Bash", input={"command": "make"})
    quick = ToolCallStarted(call_id="t2", name="Bash", input={"command": "ls"})
    async with app.run_test(size=(100, 24)) as pilot:
        await feed(app, view, [start, quick], pilot)
        await feed(app, view, [
            ToolCallFinished(call_id="t1", name="Bash", status="done", content="x", duration_ms=300,
                             permission_wait_ms=4200),
            ToolCallFinished(call_id="t2", name="Bash", status="done", content="x", duration_ms=20,
                             permission_wait_ms=2)], pilot)
        header = view.blocks["t1"].header_content().plain
        assert header.endswith("300ms (+4.2s waiting for permission)")
        assert view.blocks["t2"].header_content().plain.endswith("20ms")

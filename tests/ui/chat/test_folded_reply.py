"""A finished reply segment folded into one widget looks exactly as the live Markdown did."""

from __future__ import annotations

from workbench.transcripts.events import TextDelta
from workbench.ui.chat import conversation
from workbench.ui.chat.conversation import ConversationView, FoldedReply

SEGMENT = (
    "## Plan\n\nThe agent reads **files** and `code`, then writes a plan.\n\n"
    "- check the input\n- run `pytest -q`\n- write it down\n\n"
    "```python\ndef double(x):\n    return x * 2\n```\n\n"
    + "Every change is small, tested and explained. " * 12 + "\n\n"
)


def screen_text(app, region) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return [strips[y].text[region.x:region.right] for y in range(region.y, region.bottom)]


async def until_folded(pilot, view: ConversationView) -> None:
    for _ in range(40):
        await pilot.pause()
        if not view.folds_pending:
            return
    raise AssertionError("the finished segments were never folded")


async def test_a_folded_segment_shows_the_lines_the_live_markdown_showed(harness, monkeypatch):
    monkeypatch.setattr(conversation, "SEGMENT_CHARS", len(SEGMENT) - 10)
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(80, 120)) as pilot:
        # The first segment, then the start of a second: the first stays live for now.
        await view.add_event(TextDelta(text=SEGMENT + "Second part."))
        await pilot.pause()
        first = view.query("Markdown.reply").first()
        region = first.region
        live = screen_text(app, region)
        assert any("•" in line or "check the input" in line for line in live)
        # A third segment: the first is folded into one widget, in the same place.
        await view.add_event(TextDelta(text="\n\n" + SEGMENT + SEGMENT + "Third part."))
        await until_folded(pilot, view)
        folded = view.query_one(FoldedReply)
        await pilot.pause()
        assert folded.source == SEGMENT and folded.drawn_as_live
        assert folded.region.size == region.size
        assert screen_text(app, folded.region) == live


async def test_a_folded_segment_at_another_width_draws_its_source(harness, monkeypatch):
    monkeypatch.setattr(conversation, "SEGMENT_CHARS", len(SEGMENT) - 10)
    view = ConversationView()
    app = harness(view)
    async with app.run_test(size=(80, 120)) as pilot:
        await view.add_event(TextDelta(text=SEGMENT + SEGMENT + SEGMENT + "End."))
        await until_folded(pilot, view)
        await pilot.pause()
        folded = view.query(FoldedReply).first()
        assert folded.drawn_as_live
        await pilot.resize_terminal(60, 120)
        await pilot.pause()
        await pilot.pause()
        assert not folded.drawn_as_live
        text = "\n".join(screen_text(app, folded.region))
        assert "check the input" in text and "def double(x):" in text

"""The viewer keeps its widget count low, so a long transcript mounts and scrolls quickly."""

from __future__ import annotations

from textual.widgets import Markdown

from workbench.ui.chat.conversation import FoldedReply
from workbench.ui.transcripts_app import TranscriptsApp


async def test_each_reply_of_a_transcript_is_one_widget_not_a_markdown_tree(rich_session):
    app = TranscriptsApp(rich_session)
    async with app.run_test(size=(100, 40)) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.screen.loaded:
                break
        view = app.screen.view
        replies = [r.source for r in view.query(FoldedReply)]
        assert "Done: the greeting now says hello." in replies and "Looks good." in replies
        # Thinking stays a collapsible Markdown section; no reply builds a Markdown widget tree.
        assert all(m.has_class("thinking-text") for m in view.query(Markdown))

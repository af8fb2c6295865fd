"""A small app hosting the chat widgets, and realistic event sequences to feed them."""

from __future__ import annotations

import pytest
from textual.app import App

from workbench.ui.chat.palette import TOOL_PALETTE_DEFAULTS


class ChatHarness(App):
    """Hosts one widget with the tool palette the app's themes define."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(TOOL_PALETTE_DEFAULTS)

    def compose(self):
        yield self.widget


@pytest.fixture
def harness():
    """`harness(widget)` builds an app showing that widget."""
    return ChatHarness

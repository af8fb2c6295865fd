"""A small app hosting the chat widgets, and realistic event sequences to feed them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.app import App

from workbench.ui.chat.palette import TOOL_PALETTE_DEFAULTS

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/fake_api.py

from fake_api import FakeMessagesAPI  # noqa: E402


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


@pytest.fixture
def fake_api(monkeypatch):
    """The scripted Messages API server; the environment points the SDK at it with a test key."""
    with FakeMessagesAPI() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
        yield fake


@pytest.fixture
def workspace(tmp_path) -> Path:
    """The run's working directory."""
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder

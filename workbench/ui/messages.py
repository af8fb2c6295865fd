"""Messages that cross widgets of the main screen (the chat pane listens to these)."""

from __future__ import annotations

from pathlib import Path

from textual.message import Message


class AgentSelected(Message):
    """The agent open in the editor changed (`path` is None when nothing is open).

    Posted to the main screen (it bubbles to the app) and to every widget in `#chat-column`.
    """

    def __init__(self, path: Path | None) -> None:
        super().__init__()
        self.path = path

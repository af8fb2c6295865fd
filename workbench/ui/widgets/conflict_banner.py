"""The banner shown when the open file changed on disk while the buffer has unsaved edits."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label


class ConflictBanner(Vertical):
    """Offers reload, keep mine, or view the difference; hidden until `show_conflict`."""

    DEFAULT_CSS = """
    ConflictBanner { display: none; height: auto; background: $warning 25%; padding: 0 1; }
    ConflictBanner.-shown { display: block; }
    ConflictBanner Label { width: 1fr; }
    ConflictBanner Horizontal { height: auto; }
    ConflictBanner Button { margin-right: 1; }
    """

    class Resolved(Message):
        """The user's answer: "reload", "keep" or "diff"."""

        def __init__(self, choice: str) -> None:
            super().__init__()
            self.choice = choice

    def _contents(self, message: str) -> list:
        # Built on first show: most sessions never see the banner, so its buttons cost no start time.
        return [
            Label(message, id="conflict-message"),
            Horizontal(
                Button("Reload", id="conflict-reload", variant="warning", compact=True),
                Button("Keep mine", id="conflict-keep", compact=True),
                Button("View difference", id="conflict-diff", compact=True),
            ),
        ]

    @property
    def shown(self) -> bool:
        """Whether the banner is up."""
        return self.has_class("-shown")

    def show_conflict(self, message: str) -> None:
        """Raise the banner with this message."""
        labels = self.query("#conflict-message")
        if labels:
            labels.first(Label).update(message)
        else:
            self.mount_all(self._contents(message))
        self.add_class("-shown")

    def hide(self) -> None:
        """Take the banner down."""
        self.remove_class("-shown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Resolved(event.button.id.removeprefix("conflict-")))

"""The banner shown when the open file changed on disk while the buffer has unsaved edits, or
was deleted on disk."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label


# (label, choice, button variant) of each answer the banner offers.
CONFLICT_CHOICES = (("Reload", "reload", "warning"), ("Keep mine", "keep", "default"),
                    ("View difference", "diff", "default"))
DELETED_CHOICES = (("Save again", "save", "warning"), ("Close", "close", "default"))


class ConflictBanner(Vertical):
    """Offers its choices (by default reload, keep mine, or view the difference); hidden until
    `show_conflict`."""

    DEFAULT_CSS = """
    ConflictBanner { display: none; height: auto; background: $warning 25%; padding: 0 1; }
    ConflictBanner.-shown { display: block; }
    ConflictBanner Label { width: 1fr; }
    ConflictBanner Horizontal { height: auto; }
    ConflictBanner Button { margin-right: 1; }
    """

    class Resolved(Message):
        """The user's answer: one of the choices shown, such as "reload", "keep" or "diff"."""

        def __init__(self, choice: str) -> None:
            super().__init__()
            self.choice = choice

    @staticmethod
    def _buttons(choices) -> list[Button]:
        return [Button(label, id=f"conflict-{choice}", variant=variant, compact=True)
                for label, choice, variant in choices]

    @property
    def shown(self) -> bool:
        """Whether the banner is up."""
        return self.has_class("-shown")

    def show_conflict(self, message: str, choices=CONFLICT_CHOICES) -> None:
        """Raise the banner with this message and these (label, choice, variant) answers."""
        # Built on first show: most sessions never see the banner, so its buttons cost no start time.
        labels = self.query("#conflict-message")
        if labels:
            labels.first(Label).update(message)
            row = self.query_one("#conflict-choices", Horizontal)
            if [b.id for b in row.query(Button)] != [f"conflict-{c}" for _, c, _ in choices]:
                row.remove_children()
                row.mount_all(self._buttons(choices))
        else:
            self.mount_all([Label(message, id="conflict-message"),
                            Horizontal(*self._buttons(choices), id="conflict-choices")])
        self.add_class("-shown")

    def hide(self) -> None:
        """Take the banner down."""
        self.remove_class("-shown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Resolved(event.button.id.removeprefix("conflict-")))

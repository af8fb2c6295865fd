"""Ask for one line of text (a new name), checked before the dialog closes."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from workbench.ui.cursor import apply_cursor_blink
from workbench.ui.keymap import screen_bindings


class TextPromptDialog(ModalScreen[str | None]):
    """Dismisses with the text entered, or None on escape. `check` returns an error or None."""

    DEFAULT_CSS = """
    TextPromptDialog { align: center middle; }
    TextPromptDialog > Vertical { width: 64; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    TextPromptDialog #prompt-error { color: $error; height: auto; }
    """
    BINDINGS = screen_bindings("dialog.")

    def __init__(self, title: str, value: str = "",
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield Input(self._value, id="prompt-input")
            yield Label("", id="prompt-error")

    def on_mount(self) -> None:
        apply_cursor_blink(self)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        problem = self._check(value) if self._check else None
        if problem:
            self.query_one("#prompt-error", Label).update(problem)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

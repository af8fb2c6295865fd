"""Choose one of a few options (model, colour, which fix): a list, enter to pick."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from workbench.ui.keymap import screen_bindings


class ChoiceDialog(ModalScreen[str | None]):
    """Dismisses with the id of the chosen option, or None on escape."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 64; height: auto; max-height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    ChoiceDialog OptionList { height: auto; max-height: 20; border: none; }
    ChoiceDialog > Vertical > Label { width: 100%; }
    """
    BINDINGS = screen_bindings("dialog.")

    def __init__(self, title: str, options: list[tuple[str | Text, str]],
                 current: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._options = options
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
            yield OptionList(*[Option(label, id=value) for label, value in self._options],
                             id="choices")

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        ids = [value for _, value in self._options]
        if self._current in ids:
            choices.highlighted = ids.index(self._current)
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

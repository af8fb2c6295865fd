"""Asked before quitting with unsaved edits: save all, discard, or cancel."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from workbench.plural import plural
from workbench.ui.keymap import screen_bindings
from workbench.ui.widgets.sidebar import short_folder

# Files named in the dialog; more are counted, so the dialog fits an 80x24 terminal.
LISTED_FILES = 6


class UnsavedEditsDialog(ModalScreen[str]):
    """Names the files with unsaved edits; dismisses with "save", "discard" or "cancel"."""

    DEFAULT_CSS = """
    UnsavedEditsDialog { align: center middle; }
    UnsavedEditsDialog > Vertical { width: 72; max-width: 100%; height: auto; max-height: 100%;
                                    border: thick $warning; background: $surface; padding: 0 1; }
    UnsavedEditsDialog #unsaved-files { margin: 1 0 0 0; }
    UnsavedEditsDialog Horizontal { height: auto; margin-top: 1; }
    UnsavedEditsDialog Button { margin-right: 2; }
    UnsavedEditsDialog #unsaved-keys { color: $text-muted; }
    """
    BINDINGS = screen_bindings("unsaved.")

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self._paths = sorted(paths, key=lambda p: (p.name, str(p.parent)))

    def compose(self) -> ComposeResult:
        count = len(self._paths)
        title = (f"{self._paths[0].name} has unsaved edits." if count == 1
                 else f"{plural(count, 'file has', 'files have')} unsaved edits.")
        listing = Text()
        for path in self._paths[:LISTED_FILES]:
            listing.append("● ", style="bold")
            listing.append(path.name, style="bold")
            listing.append(f"  {short_folder(path.parent)}\n", style="dim")
        if count > LISTED_FILES:
            listing.append(f"… and {count - LISTED_FILES} more\n", style="dim")
        listing.rstrip()
        with Vertical():
            yield Label(Text(f"Quit workbench? {title}", style="bold"), id="unsaved-title")
            yield Label(listing, id="unsaved-files")
            with Horizontal():
                yield Button("[u]S[/u]ave all", variant="primary", id="save", compact=True)
                yield Button("[u]D[/u]iscard", variant="error", id="discard", compact=True)
                yield Button("[u]C[/u]ancel", id="cancel", compact=True)
            yield Label("s save all and quit · d quit without saving · c or esc go back",
                        id="unsaved-keys")

    def on_mount(self) -> None:
        self.query_one("#save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id)

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice)

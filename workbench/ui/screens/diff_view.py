"""The difference between the file on disk and the buffer, as a unified diff."""

from __future__ import annotations

import difflib

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workbench.ui.keymap import screen_bindings


def unified_diff(disk: str, buffer: str, name: str) -> str:
    """A unified diff from the file on disk to the editor's buffer."""
    lines = difflib.unified_diff(
        disk.splitlines(keepends=True), buffer.splitlines(keepends=True),
        fromfile=f"{name} (on disk)", tofile=f"{name} (your buffer)",
    )
    return "".join(lines) or "no difference\n"


class DiffScreen(ModalScreen[None]):
    """Shows the diff; escape closes it and returns to the banner's choice."""

    DEFAULT_CSS = """
    DiffScreen { align: center middle; }
    DiffScreen > Vertical { width: 90%; height: 80%; border: thick $primary; background: $surface; }
    DiffScreen VerticalScroll { height: 1fr; }
    """
    BINDINGS = screen_bindings("diff.")

    def __init__(self, disk: str, buffer: str, name: str) -> None:
        super().__init__()
        self._diff = unified_diff(disk, buffer, name)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Disk → your buffer   (escape to close)")
            with VerticalScroll():
                yield Static(self._coloured(), id="diff-text")

    def _coloured(self) -> Text:
        text = Text()
        for line in self._diff.splitlines(keepends=True):
            style = ("green" if line.startswith("+") else "red" if line.startswith("-")
                     else "cyan" if line.startswith("@@") else "")
            text.append(line, style=style)
        return text

    def action_close(self) -> None:
        self.dismiss(None)

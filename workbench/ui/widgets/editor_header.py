"""The line above the editor: file name, dirty marker, and the description token meter."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widget import Widget

from workbench.ui.widgets.sidebar import short_folder


class EditorHeader(Widget):
    """`name.md ● · description ≈ N tokens · scope M / 15,000`.

    A plain widget rather than a Static: it redraws on every key, and a Static update would
    re-layout the whole screen each time.
    """

    DEFAULT_CSS = """
    EditorHeader { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._text = Text()

    def render(self) -> Text:
        return self._text

    def update(self, text: Text) -> None:
        """Show this text (a repaint only; the size never changes)."""
        if text != self._text:
            self._text = text
            self.refresh()

    def show_state(self, path: Path | None, dirty: bool, description_tokens: int | None,
                   scope_tokens: int | None, warn_colour: str = "yellow",
                   on_disk: bool = True) -> None:
        """Redraw with the open file's state; the scope total turns to warn colour over budget;
        a file deleted on disk says so."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if path is None:
            text.append("no agent open — F2 to pick one, ctrl+n for a new one", style="dim")
            self.update(text)
            return
        text.append(path.name, style="bold")
        text.append(" ●" if dirty else "  ", style="bold")
        if not on_disk:
            text.append(" not on disk", style=f"bold {warn_colour}")
        if description_tokens is not None:
            text.append(f"   description ≈ {description_tokens:,} tokens")
        if scope_tokens is not None:
            from workbench.agents.rules import DESCRIPTION_BUDGET_TOKENS

            total = scope_tokens
            over = total > DESCRIPTION_BUDGET_TOKENS
            text.append(f" · scope {total:,} / {DESCRIPTION_BUDGET_TOKENS:,}",
                        style=f"bold {warn_colour}" if over else "dim")
        text.append(f"   {short_folder(path.parent)}", style="dim")
        self.update(text)

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
        self._variants: list[Text] = [self._text]  # longest first; the first that fits is drawn

    @property
    def text(self) -> Text:
        """What the header says at full length."""
        return self._text

    def render(self) -> Text:
        width = self.content_region.width
        for variant in self._variants:
            if variant.cell_len <= width:
                return variant
        # Not even the shortest fits: cut it, visibly.
        text = self._variants[-1].copy()
        text.truncate(max(1, width), overflow="ellipsis")
        return text

    def update(self, text: Text, *shorter: Text) -> None:
        """Show this text, or the first of the `shorter` ones that fits (a repaint only; the size
        never changes)."""
        variants = [text, *shorter]
        if variants != self._variants:
            self._text = text
            self._variants = variants
            self.refresh()

    def show_state(self, path: Path | None, dirty: bool, description_tokens: int | None,
                   scope_tokens: int | None, warn_colour: str = "yellow",
                   read_only: str | None = None, on_disk: bool = True) -> None:
        """Redraw with the open file's state; the scope total turns to warn colour over budget.
        `read_only`, for a file that is never saved in place, says so right after the name (in
        the narrowest wording, only its first word); a file deleted on disk says so."""
        if path is None:
            self.update(Text("no agent open — F2 to pick one, ctrl+n for a new one", style="dim"),
                        Text("no agent open — F2 picks one", style="dim"))
            return
        # Where it is narrow, the folder goes first, then the words around the numbers.
        long, medium, short = Text(), Text(), Text()
        for text in (long, medium, short):
            text.append(path.name, style="bold")
            text.append(" ●" if dirty else "  ", style="bold")
            if not on_disk:
                text.append(" not on disk", style=f"bold {warn_colour}")
            if read_only:
                note = read_only if text is not short else read_only.split(" ")[0]
                text.append(f" {note}", style=f"italic {warn_colour}")
        if description_tokens is not None:
            long.append(f"   description ≈ {description_tokens:,} tokens")
            medium.append(f"  ≈ {description_tokens:,} tokens")
            short.append(f"  ≈ {description_tokens:,} tok")
        if scope_tokens is not None:
            from workbench.agents.rules import DESCRIPTION_BUDGET_TOKENS

            total = scope_tokens
            style = f"bold {warn_colour}" if total > DESCRIPTION_BUDGET_TOKENS else "dim"
            long.append(f" · scope {total:,} / {DESCRIPTION_BUDGET_TOKENS:,}", style=style)
            medium.append(f" · scope {total:,}/{DESCRIPTION_BUDGET_TOKENS:,}", style=style)
            short.append(f" · {total:,}/{DESCRIPTION_BUDGET_TOKENS:,}", style=style)
        with_folder = long.copy()
        with_folder.append(f"   {short_folder(path.parent)}", style="dim")
        variants = [with_folder, long, medium]
        if read_only:
            # Saying how to keep the edits matters more than the numbers.
            note_only = Text()
            note_only.append(path.name, style="bold")
            note_only.append(" ●" if dirty else "  ", style="bold")
            if not on_disk:
                note_only.append(" not on disk", style=f"bold {warn_colour}")
            note_only.append(f" {read_only}", style=f"italic {warn_colour}")
            variants.append(note_only)
        self.update(*variants, short)
